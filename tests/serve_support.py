"""Archives and a running `nianbao serve` for the web tests (test_serve*.py)."""

from __future__ import annotations

import dataclasses
import json
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import islice
from pathlib import Path
from typing import Any

import archive
from fixture_portal.model import Table
from tests.archive_support import REPORT_TEXT, error, page, report_body
from tests.conftest import ROOT

QINGLAN = "http://qinglan.example/xxgk"
BAISHUI = "http://baishui.example/zwgk"
TABLE = {"kind": "applications", "grid": [["申请", "数量"], ["新收", "12"], ["结转", "3"]], "values": {}, "checks": None}
EDITED_TABLE = {**TABLE, "grid": [["申请", "数量"], ["新收", "19"], ["结转", "3"]]}


def report(url: str, year: int, text: str, *, site: str = "qinglan", family: str = "trs", **fields: Any) -> Any:
    """A report page capture of ``year`` with its own title and text."""
    title = f"{'青岚市' if site == 'qinglan' else '白水县'}{year}年政府信息公开工作年度报告"
    return page(url, site=site, site_family=family, report_year=year, title=title,
                body=report_body(text, title=title), **fields)


def build_archive(path: Path) -> None:
    """Two runs over two sites: a report edited (text and a table cell), one removed, a year missing, failures."""
    with archive.open_archive(path) as store:
        first = store.start_run(command="crawl", sites=["qinglan", "baishui"])
        for capture in (
            page(f"{QINGLAN}/2022.html", site_family="trs", fetched_at="2024-01-02T01:00:00Z", tables=[TABLE]),
            report(f"{QINGLAN}/2021.html", 2021, "2021年度报告正文。\n行政复议情况。", fetched_at="2024-01-02T01:00:01Z"),
            report(f"{QINGLAN}/2019.html", 2019, "2019年度报告正文。", fetched_at="2024-01-02T01:00:02Z"),
            report(f"{BAISHUI}/2020.html", 2020, "白水县2020年度公开情况。", site="baishui", family="hanweb",
                   issuer="白水县人民政府办公室", fetched_at="2024-01-02T01:00:03Z"),
            report(f"{BAISHUI}/2018.html", 2018, "白水县2018年度公开情况。", site="baishui", family="hanweb",
                   issuer="白水县人民政府办公室", fetched_at="2024-01-02T01:00:04Z"),
        ):
            store.record_capture(capture, run_id=first)
        store.finish_run(first)
        second = store.start_run(command="crawl", sites=["qinglan", "baishui"])
        edited = report_body(REPORT_TEXT.replace("办理规范", "办理规范有序"))
        store.record_capture(page(f"{QINGLAN}/2022.html", fetched_at="2024-02-02T01:00:00Z", tables=[EDITED_TABLE],
                                  body=edited), run_id=second)
        store.record_capture(error(f"{QINGLAN}/2019.html", "not_found", status=404, fetched_at="2024-02-02T01:00:01Z"),
                             run_id=second)
        for n in (1, 2):
            store.record_capture(error(f"{BAISHUI}/list_{n}.html", "timeout", site="baishui",
                                       fetched_at=f"2024-02-02T01:00:0{n + 1}Z"), run_id=second)
        store.finish_run(second)


@contextmanager
def serving(db: Path) -> Iterator[str]:
    """`nianbao serve --port 0` on ``db``; yields the URL from its first line (it listens from then on)."""
    server = subprocess.Popen([sys.executable, "-m", "crawler.cli", "serve", "--db", str(db), "--port", "0"],
                              cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = server.stdout.readline() if server.stdout else ""
        assert line.startswith("Serving http://127.0.0.1:"), line + server.communicate(timeout=30)[1][-2000:]
        yield line.split()[1].rstrip("/")
    finally:
        server.terminate()
        _out, err = server.communicate(timeout=30)
    # uvicorn shuts down cleanly, then re-raises the signal so a supervisor sees it
    assert server.returncode == -signal.SIGTERM and "Traceback" not in err, err[-2000:]


def fetch(url: str) -> tuple[int, bytes]:
    """Status and body of a GET (error statuses too)."""
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


# A crawl of fixture sites under their own names (as `nianbao demo` names them), in a child process:
# Twisted's reactor cannot restart.
_CRAWL_NAMED = """
import json, sys
from crawler.runner import FIXTURE_SETTINGS, run_crawl
run_crawl(db_path=sys.argv[1], targets=json.loads(sys.argv[2]),
          settings={**FIXTURE_SETTINGS, "LOG_LEVEL": "WARNING", "NIANBAO_REVISIT": "all"})
"""


def crawl_named(db: Path, portal: Any) -> None:
    """Crawl every site of the fixture portal, each under its name, so later crawls revisit the same documents
    (every one of them: ``NIANBAO_REVISIT = "all"``, whatever is due)."""
    targets = [{"name": site.name, "start_urls": [site.homepage], "hosts": [site.base_url.split("//")[1]]}
               for site in portal.sites.values()]
    result = subprocess.run([sys.executable, "-c", _CRAWL_NAMED, str(db), json.dumps(targets)], cwd=ROOT,
                            capture_output=True, text=True, timeout=600, check=False)
    assert result.returncode == 0, result.stderr[-4000:]


def correct_a_figure(portal: Any, url: str) -> bool:
    """Raise the first figure of the report's first table by 7, as a published correction would; False if none."""
    doc = portal.document(url)
    for i, block in enumerate(doc.blocks):
        if isinstance(block, Table):
            for r, row in enumerate(block.rows):
                for c, cell in enumerate(row):
                    if cell.text.isdigit():
                        rows = [list(cells) for cells in block.rows]
                        rows[r][c] = dataclasses.replace(cell, text=str(int(cell.text) + 7))
                        doc.blocks[i] = Table(tuple(tuple(cells) for cells in rows))
                        portal.edit_report(url, text="表格数据已按统计口径更正。")  # also moves its validators on
                        return True
    return False


def build_history(db: Path, portal: Any) -> None:
    """Three crawls of the fixture portal: reports edited once and twice, figures corrected, reports removed."""
    crawl_named(db, portal)
    reports = [str(report["url"]) for report in portal.truth()]
    portal.advance_clock(3)
    for url in reports[:6]:
        portal.edit_report(url, text="本报告发布后，依申请公开数据经复核更正，特此说明。")
    corrected = list(islice((url for url in reports[6:] if correct_a_figure(portal, url)), 3))
    assert len(corrected) == 3
    portal.remove_report(a_lone_report(portal.truth()))  # leaves a year missing in the coverage matrix
    crawl_named(db, portal)
    portal.advance_clock(5)
    for url in reports[:2]:
        portal.edit_report(url, text="第二次更正：补充政府信息公开行政复议情况。")
    portal.remove_report(reports[-1])
    crawl_named(db, portal)


def a_lone_report(truth: list[dict[str, Any]]) -> str:
    """The URL of a site's only report of a year between its first and last year."""
    by_year = Counter((str(report["site"]), int(report["report_year"])) for report in truth)
    for report in truth:
        site, year = str(report["site"]), int(report["report_year"])
        span = [y for s, y in by_year if s == site]
        if by_year[(site, year)] == 1 and min(span) < year < max(span):
            return str(report["url"])
    raise LookupError("no site has a lone report inside its span of years")
