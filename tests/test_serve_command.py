"""`nianbao serve` as a process (while a crawl writes, too), and sqlite-utils on the archive file as docs/archive.md says."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

import archive
from tests.conftest import crawl, run_nianbao
from tests.serve_support import build_archive, fetch, serving

SQLITE_UTILS = str(Path(sys.executable).parent / "sqlite-utils")
MATCHING = "version_id IN (SELECT value FROM json_each(nianbao_search(:q)))"
EDIT = "本报告发布后对依申请公开数据作了更正。"
# Pages polled while a crawl writes: search (HTML and JSON), a document, coverage, the feed, a canned query.
PAGES = ("/archive/current_reports?_search=" + quote("依申请公开"), "/archive/current_reports.json?_search=" + quote("公开"),
         "/-/nianbao/document/1", "/-/nianbao/coverage", "/-/nianbao/feed.atom", "/archive/missing_years.json")


@pytest.fixture(scope="module")
def archive_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("serve") / "nianbao.db"
    build_archive(path)
    return path


def test_serve_answers_on_the_port_it_announces(archive_path: Path) -> None:
    with serving(archive_path) as base:
        status, body = fetch(f"{base}/archive/current_reports.json?_shape=array&_search=" + quote("行政复议"))
        assert status == 200 and [row["url"] for row in json.loads(body)] == ["http://qinglan.example/xxgk/2021.html"]
        assert fetch(base + "/")[0] == 200  # the reports page, after the redirect


def test_serve_refuses_a_missing_archive_and_a_busy_port(archive_path: Path, tmp_path: Path) -> None:
    missing = run_nianbao("serve", "--db", str(tmp_path / "none.db"), "--port", "0", timeout=60)
    assert missing.returncode == 1 and "no archive at" in missing.stderr
    with serving(archive_path) as base:
        port = base.rsplit(":", 1)[1]
        busy = run_nianbao("serve", "--db", str(archive_path), "--port", port, timeout=60)
        assert busy.returncode == 1 and "in use" in busy.stderr


@pytest.fixture(scope="module")
def small_portal() -> Iterator[Any]:
    from fixture_portal import FixturePortal

    with FixturePortal(seed=13, families=("hanweb",)) as served:
        yield served


def test_pages_answer_while_a_crawl_writes(small_portal: Any, tmp_path: Path) -> None:
    db = tmp_path / "nianbao.db"
    crawl(db, *small_portal.homepages())
    edited = [report["url"] for report in small_portal.truth()[:5]]
    for url in edited:
        small_portal.edit_report(url, text=EDIT)
    with serving(db) as base:
        statuses: Counter[int] = Counter()
        writer = threading.Thread(target=crawl, args=(db, *small_portal.homepages()),
                                  kwargs={"extra": ("--delay", "0.02", "--concurrency", "1")})
        writer.start()
        while writer.is_alive():
            statuses.update(fetch(base + page)[0] for page in PAGES)
        writer.join()
        assert set(statuses) == {200} and statuses[200] >= 2 * len(PAGES), statuses
        status, body = fetch(f"{base}/archive/current_reports.json?_shape=array&_size=max&_search=" + quote(EDIT))
    assert status == 200 and sorted(row["url"] for row in json.loads(body)) == sorted(edited)


def sqlite_utils(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([SQLITE_UTILS, *args], capture_output=True, text=True, timeout=60, check=False)


def test_sqlite_utils_lists_and_reads_the_archive(archive_path: Path) -> None:
    tables = sqlite_utils("tables", str(archive_path))
    assert tables.returncode == 0 and {"documents", "captures"} <= {row["table"] for row in json.loads(tables.stdout)}
    views = sqlite_utils("views", str(archive_path))
    assert views.returncode == 0 and {"current_reports", "versions"} <= {row["view"] for row in json.loads(views.stdout)}
    reports = sqlite_utils("rows", str(archive_path), "current_reports", "-c", "url", "-c", "family")
    assert reports.returncode == 0 and {"url": "http://baishui.example/zwgk/2020.html", "family": "hanweb"} in json.loads(
        reports.stdout)
    counted = sqlite_utils("query", str(archive_path), "select count(*) as n from versions")
    assert counted.returncode == 0 and json.loads(counted.stdout) == [{"n": 6}]


@pytest.mark.parametrize("term", ["依申请公开", "公开", "行政复议"])
def test_sqlite_utils_searches_through_nianbao_search(archive_path: Path, term: str) -> None:
    with archive.open_archive(archive_path, readonly=True) as store:
        expected = {row["url"] for row in store.search(term, limit=100) if row["status"] == "live"}
    by_rows = sqlite_utils("rows", str(archive_path), "current_reports", "-c", "url", "--where", MATCHING, "-p", "q", term)
    assert by_rows.returncode == 0, by_rows.stderr
    by_query = sqlite_utils("query", str(archive_path), f"select url from current_reports where {MATCHING}", "-p", "q", term)
    assert by_query.returncode == 0, by_query.stderr
    assert {row["url"] for row in json.loads(by_rows.stdout)} == {row["url"] for row in json.loads(by_query.stdout)}
    assert {row["url"] for row in json.loads(by_rows.stdout)} == expected and expected


def test_sqlite_utils_search_is_limited_as_documented(archive_path: Path) -> None:
    """docs/archive.md: the stock command answers 3-character terms only, which is why the function exists."""
    three = sqlite_utils("search", str(archive_path), "search_fts", "依申请")
    assert three.returncode == 0 and json.loads(three.stdout)
    four = sqlite_utils("search", str(archive_path), "search_fts", "依申请公开")
    assert four.returncode == 1 and "phrase queries are not supported" in four.stderr
    two = sqlite_utils("search", str(archive_path), "search_fts", "公开")
    assert two.returncode == 0 and json.loads(two.stdout) == []  # no error: silently nothing


def test_sqlite_utils_leaves_other_databases_alone(tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    created = sqlite_utils("create-table", str(other), "t", "id", "integer")
    assert created.returncode == 0, created.stderr
    missing = sqlite_utils("query", str(other), "select nianbao_search('公开')")
    assert missing.returncode == 1 and "no such function: nianbao_search" in missing.stderr
