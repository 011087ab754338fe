"""Distributed crawls of the fixture portal: workers and one writer on a real redis-server.

The archive a distributed crawl writes is the archive a crawl of one process writes; the next night's
crawl reads what the archive knows through Redis (validators, list pages, live documents); politeness
holds per host across workers, as the portal saw it.
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from pathlib import Path

import pytest

import archive
from crawler import exit_codes
from tests.conftest import crawl, run_nianbao
from tests.redis_support import RedisServer, nianbao_process, worker_args, writer_args

pytestmark = pytest.mark.requires_program("redis-server")
TIMEOUT = 180


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(tmp_path / "redis").start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def small_portal():
    from fixture_portal import FixturePortal

    with FixturePortal(seed=11, families=("trs", "relocated")) as served:  # relocated: a moved column (301) is requeued under its lease
        yield served


def distributed_crawl(server: RedisServer, db: Path, urls: list[str], *, workers: int = 2,
                      worker_extra: tuple[str, ...] = ("--delay", "0", "--concurrency", "4"),
                      writer_extra: tuple[str, ...] = (), writer_code: int = 0) -> dict:
    """A writer and ``workers`` workers until the crawl is done; the writer's summary (its exit code
    ``writer_code``: that of a crawl whose run ends so, crawler.exit_codes)."""
    logs = db.parent
    writer = nianbao_process(writer_args(server, db, *writer_extra), logs / "writer.log")
    crawlers = [nianbao_process(worker_args(server, urls, *worker_extra), logs / f"worker{i}.log") for i in range(workers)]
    for process, code in (*((c, 0) for c in crawlers), (writer, writer_code)):
        assert process.wait(timeout=TIMEOUT) == code, (logs / "writer.log").read_text()[-3000:]
    summary = (logs / "writer.log").read_text().strip().splitlines()[-1]
    return json.loads(summary)


def archived(db: Path) -> dict[str, tuple]:
    """Per URL and kind: the captures' outcomes and error classes, and the current version's content digest."""
    conn = sqlite3.connect(db)
    rows = conn.execute("""SELECT c.url, c.kind, group_concat(c.outcome || ':' || coalesce(c.error_class, ''), ' '),
                                  v.content_digest, d.status
                           FROM captures c LEFT JOIN documents d ON d.url = c.url
                           LEFT JOIN versions v ON v.id = d.current_version_id GROUP BY c.url, c.kind""").fetchall()
    conn.close()
    return {(url, kind): rest for url, kind, *rest in rows}


def test_a_distributed_crawl_archives_what_a_local_crawl_does(tmp_path, redis_server, small_portal):
    urls = small_portal.homepages()
    crawl(tmp_path / "local.db", *urls)
    (tmp_path / "d").mkdir()
    summary = distributed_crawl(redis_server, tmp_path / "d" / "archive.db", urls)
    assert summary["status"] == "ok" and summary["duplicates"] == 0
    assert archived(tmp_path / "d" / "archive.db") == archived(tmp_path / "local.db")
    truth = {entry["url"] for entry in small_portal.truth()}
    assert truth <= {url for url, _ in archived(tmp_path / "d" / "archive.db")}
    assert run_nianbao("check", "--db", str(tmp_path / "d" / "archive.db")).returncode == 0
    families = sqlite3.connect(tmp_path / "d" / "archive.db").execute("SELECT family FROM sites ORDER BY name").fetchall()
    assert families == sqlite3.connect(tmp_path / "local.db").execute("SELECT family FROM sites ORDER BY name").fetchall()
    assert redis_server.client().keys("*") == [b"nb:{crawl}:ended"]  # the writer deleted the crawl, noting it ended

    # The next night, every document revalidated: workers read validators, list pages and live documents
    # through Redis.
    before = len(small_portal.request_log)
    again = distributed_crawl(redis_server, tmp_path / "d" / "archive.db", urls,
                              worker_extra=("--delay", "0", "--concurrency", "4", "--revisit", "all"))
    assert again["status"] == "ok" and again["new"] == again["changed"] == 0
    live = sqlite3.connect(tmp_path / "d" / "archive.db").execute(
        "SELECT count(*) FROM documents WHERE status = 'live'").fetchone()[0]
    assert again["not_modified"] + again["unchanged"] == live and again["not_modified"] > 0
    conditional = [h for _, path, _, h in small_portal.request_log[before:] if "If-None-Match" in h or "If-Modified-Since" in h]
    assert len(conditional) >= again["not_modified"]
    assert run_nianbao("check", "--db", str(tmp_path / "d" / "archive.db")).returncode == 0

    # And a night under the revisit policy: only the documents the writer found due are asked for.
    with archive.open_archive(tmp_path / "d" / "archive.db", readonly=True) as store:
        due = store.due_documents([row["name"] for row in store.db["sites"].rows])
    third = distributed_crawl(redis_server, tmp_path / "d" / "archive.db", urls)
    assert third["status"] == "ok" and third["new"] == third["changed"] == 0
    assert third["not_modified"] + third["unchanged"] == len(due) < live


def test_a_site_without_a_column_gets_one_verdict_from_the_shared_frontier(tmp_path, redis_server, small_portal):
    """A 200 page with no link at all: the verdict the spider gives in one process, given once by the frontier,
    and the run judged as one process judges it (no site could be crawled: failed)."""
    page = next(iter(small_portal.sites.values())).base_url + "/wrong-charset"
    local = crawl(tmp_path / "local.db", page, expect=exit_codes.FAILED)
    assert "(no_column)" in local.stderr
    (tmp_path / "d").mkdir()
    summary = distributed_crawl(redis_server, tmp_path / "d" / "archive.db", [page], workers=2,
                                writer_code=exit_codes.FAILED)
    assert summary["recorded"] == 1 and summary["status"] == "failed" and "no_column" in summary["error"]
    assert archived(tmp_path / "d" / "archive.db") == {(page, "home"): ["error:no_column", None, None]}


def test_politeness_holds_per_host_across_workers(tmp_path, redis_server):
    """Three workers, one request at a time per host and a delay between them, as the portal saw it."""
    from fixture_portal import FixturePortal

    delay, jitter = 0.2, 0.5
    with FixturePortal(seed=3, families=("trs", "ucap", "asp")) as portal:
        summary = distributed_crawl(redis_server, tmp_path / "archive.db", portal.homepages(), workers=3,
                                    worker_extra=("--delay", str(delay), "--concurrency", "1"))
        timings = list(portal.timings)
    assert summary["status"] == "ok"
    per_site = defaultdict(list)
    for site, started, answered in timings:
        per_site[site].append((started, answered))
    gaps = [later[0] - earlier[1] for served in per_site.values()
            for earlier, later in zip(sorted(served), sorted(served)[1:], strict=False)]
    assert len(gaps) > 50
    assert min(gaps) >= delay * (1 - jitter) - 0.02  # never overlapping, never closer than the delay allows
