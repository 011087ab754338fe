"""The WARC export replayed by a real pywb: three crawls of one report, indexed by wb-manager, served by wayback.

crawl 1  the 2023 report, its PDF (also linked at a second address), and the 2022 report
crawl 2  the report edited; the PDF byte for byte the same at both addresses (revisits)
crawl 3  the report answers 304; the PDF is gone (404); the second address answers 304; the 2022
         report's address serves an error page with HTTP 200 (a soft 404)

For every date asked, in ``id_`` (original bytes) and ``mp_`` (rewritten) modes: the status, the content
type, the body, and ``Memento-Datetime``, which names the capture pywb actually served (a revisit it
cannot resolve is dropped silently in favour of the next-closest capture, and only this shows it).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime
from pathlib import Path

import pytest

from archive import Archive, open_archive
from archive.export import export_warc, version_row
from fixture_portal.files import text_pdf
from fixture_portal.model import Para
from nianbao.capture import Capture
from tests.archive_support import extraction
from tests.pywb_support import PywbUnavailable, Wayback, pywb_bin, wb_manager

pytestmark = pytest.mark.timeout(900)  # the first run installs pywb into its cache

HOST = "http://www.qinglan.gov.cn"
REPORT = HOST + "/zwgk/xxgk/ndbg/202401/t20240115_1001.html"
PDF = HOST + "/zwgk/xxgk/ndbg/202401/P020240115_1001.pdf"
COPY = HOST + "/module/download/downfile.jsp?classid=0&filename=P020240115_1001.pdf"
OLD = HOST + "/zwgk/xxgk/ndbg/202301/t20230120_0901.html"
T1, T2, T3 = "2024-01-16", "2024-02-16", "2024-03-16"
HTML = "text/html; charset=utf-8"

TITLE = "青岚市2023年政府信息公开工作年度报告"
FIRST = "2023年，青岚市深入贯彻《中华人民共和国政府信息公开条例》，主动公开政府信息4127条。"
EDIT = "（2024年2月更正：主动公开政府信息数量应为4172条。）"
PDF_BODY = text_pdf(TITLE, [Para(FIRST), Para("二、主动公开政府信息情况")])
NOT_FOUND_TEXT = "对不起，您访问的页面不存在或已被删除！"


def report_page(title: str, *paragraphs: str) -> bytes:
    """A TRS-style detail page."""
    body = "".join(f"<p>{text}</p>" for text in paragraphs)
    return (f"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{title}</title></head><body>"
            f"<div class=\"main\"><h1>{title}</h1><div id=\"zoom\"><div class=\"TRS_Editor\">{body}</div></div>"
            f"<p>附件：<a href=\"./P020240115_1001.pdf\">{title}.pdf</a></p></div></body></html>").encode()


REPORT_V1 = report_page(TITLE, FIRST)
REPORT_V2 = report_page(TITLE, FIRST, EDIT)
OLD_TITLE = "青岚市2022年政府信息公开工作年度报告"
OLD_BODY = report_page(OLD_TITLE, "2022年，青岚市主动公开政府信息3980条。")
SOFT_404 = f"<html><head><title>404</title></head><body><h2>{NOT_FOUND_TEXT}</h2></body></html>".encode()


def at(day: str, seconds: int) -> str:
    return f"{day}T08:00:{seconds:02d}Z"


def headers(content_type: str, etag: str, **more: str) -> dict[str, str]:
    return {"Content-Type": content_type, "ETag": etag, "Server": "nginx", **more}


def page(url: str, when: str, body: bytes, text: str, etag: str, **fields: object) -> Capture:
    result = extraction(**{"title": TITLE, "text": text, **fields})
    return Capture(url=url, site="qinglan", status=200, body=body, fetched_at=when, extraction=result,
                   headers=headers(HTML, etag, **{"Content-Encoding": "gzip"}))


def pdf(url: str, when: str) -> Capture:
    result = extraction(title=TITLE, text=FIRST, content_type="pdf", encoding=None)
    return Capture(url=url, site="qinglan", kind="attachment", status=200, body=PDF_BODY, fetched_at=when,
                   parent_url=REPORT, extraction=result, headers=headers("application/pdf", '"p1"'))


def not_modified(url: str, when: str, etag: str, kind: str = "page") -> Capture:
    return Capture(url=url, site="qinglan", kind=kind, status=304, fetched_at=when, headers={"ETag": etag})


def three_crawls(db: Archive) -> None:
    """The history the module docstring tells, each crawl a run of its own."""
    crawls = [
        [page(REPORT, at(T1, 0), REPORT_V1, FIRST, '"r1"'), pdf(PDF, at(T1, 5)), pdf(COPY, at(T1, 7)),
         page(OLD, at(T1, 9), OLD_BODY, "2022年，青岚市主动公开政府信息3980条。", '"o1"', title=OLD_TITLE)],
        [page(REPORT, at(T2, 0), REPORT_V2, FIRST + EDIT, '"r2"'), pdf(PDF, at(T2, 5)), pdf(COPY, at(T2, 7))],
        [not_modified(REPORT, at(T3, 0), '"r2"'),
         Capture(url=PDF, site="qinglan", kind="attachment", status=404, fetched_at=at(T3, 5),
                 headers={"Content-Type": HTML}, error_class="not_found", error_message="HTTP 404"),
         not_modified(COPY, at(T3, 7), '"p1"', kind="attachment"),
         page(OLD, at(T3, 9), SOFT_404, NOT_FOUND_TEXT, '"e404"', title="404", is_soft_404=True)],
    ]
    for captures in crawls:
        run_id = db.start_run(command="crawl", sites=["qinglan"])
        for capture in captures:
            db.record_capture(capture, run_id=run_id)
        db.finish_run(run_id)


def memento(moment: str) -> str:
    """``Memento-Datetime`` as pywb sends it for a capture stored at ``moment``."""
    return format_datetime(datetime.fromisoformat(moment), usegmt=True)


def stamp(moment: str) -> str:
    """A 14-digit replay timestamp."""
    return "".join(ch for ch in moment if ch.isdigit())[:14]


# (what, URL, moment asked, status, content type, body, moment of the capture served)
CASES = [
    ("report, crawl 1", REPORT, at(T1, 0), 200, "text/html", REPORT_V1, at(T1, 0)),
    ("report edited, crawl 2", REPORT, at(T2, 0), 200, "text/html", REPORT_V2, at(T2, 0)),
    ("report 304 night", REPORT, at(T3, 0), 200, "text/html", REPORT_V2, at(T3, 0)),
    ("report long after", REPORT, "2025-06-01T00:00:00Z", 200, "text/html", REPORT_V2, at(T3, 0)),
    ("report before any crawl", REPORT, "2023-01-01T00:00:00Z", 200, "text/html", REPORT_V1, at(T1, 0)),
    ("pdf, crawl 1", PDF, at(T1, 5), 200, "application/pdf", PDF_BODY, at(T1, 5)),
    ("pdf unchanged, crawl 2", PDF, at(T2, 5), 200, "application/pdf", PDF_BODY, at(T2, 5)),
    ("pdf removed", PDF, at(T3, 5), 404, "text/html", b"", at(T3, 5)),
    ("pdf long after removal", PDF, "2025-06-01T00:00:00Z", 404, "text/html", b"", at(T3, 5)),
    ("pdf's second address, crawl 1", COPY, at(T1, 7), 200, "application/pdf", PDF_BODY, at(T1, 7)),
    ("pdf's second address, crawl 2", COPY, at(T2, 7), 200, "application/pdf", PDF_BODY, at(T2, 7)),
    ("pdf's second address, 304 night", COPY, at(T3, 7), 200, "application/pdf", PDF_BODY, at(T3, 7)),
    ("2022 report", OLD, at(T1, 9), 200, "text/html", OLD_BODY, at(T1, 9)),
    ("2022 report, a week later", OLD, "2024-01-23T00:00:00Z", 200, "text/html", OLD_BODY, at(T1, 9)),
    # the closest capture wins, whatever its status: from halfway to the removal on, the removal shows
    ("2022 report, nearer the soft 404", OLD, "2024-03-01T00:00:00Z", 200, "text/html", SOFT_404, at(T3, 9)),
    ("2022 report, soft 404", OLD, at(T3, 9), 200, "text/html", SOFT_404, at(T3, 9)),
]
# A line of each HTML body that rewriting (mp_) leaves as it is.
MARKERS = {REPORT_V1: FIRST, REPORT_V2: EDIT, OLD_BODY: "3980条", SOFT_404: NOT_FOUND_TEXT}
COLLECTIONS = ("gz", "plain")  # the same archive exported as .warc.gz and as .warc


@pytest.fixture(scope="module")
def pywb_bin_dir() -> Path:
    """pywb's own environment; a failure to build it skips locally and fails under CI (NIANBAO_CI=1)."""
    try:
        return pywb_bin()
    except PywbUnavailable as exc:
        if os.environ.get("NIANBAO_CI"):
            pytest.fail(f"pywb could not be installed: {exc}")
        pytest.skip(f"pywb could not be installed (it needs the package index once): {exc}")


@dataclass
class Exported:
    """The three-crawl archive (still open, for comparisons), its WARC files and their record counts."""

    db: Archive
    files: dict[str, Path]
    records: dict[str, int]


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Exported]:
    folder = tmp_path_factory.mktemp("warc")
    files = {"gz": folder / "qinglan.warc.gz", "plain": folder / "qinglan.warc"}
    with open_archive(folder / "archive.db") as db:
        three_crawls(db)
        yield Exported(db, files, {coll: export_warc(db, path) for coll, path in files.items()})


@pytest.fixture(scope="module")
def wayback(pywb_bin_dir: Path, exported: Exported, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Wayback]:
    """wb-manager indexes each export into a collection of its own; wayback serves them."""
    root = tmp_path_factory.mktemp("pywb")
    for coll in COLLECTIONS:
        wb_manager(pywb_bin_dir, root, "init", coll)
        wb_manager(pywb_bin_dir, root, "add", coll, str(exported.files[coll]))
    with Wayback(pywb_bin_dir, root) as server:
        yield server


@pytest.mark.parametrize("coll", COLLECTIONS)
@pytest.mark.parametrize("mode", ["id_", "mp_"])
@pytest.mark.parametrize("case", CASES, ids=[case[0] for case in CASES])
def test_each_date_replays_what_was_served_then(wayback: Wayback, coll: str, mode: str, case: tuple) -> None:
    _, url, asked, status, content_type, body, served = case
    reply = wayback.replay(coll, stamp(asked), url, mode)
    assert reply.status == status, reply.body[:500]
    assert reply.content_type == content_type
    assert reply.headers["Memento-Datetime"] == memento(served)
    if mode == "id_" or content_type != "text/html":
        assert reply.body == body
    elif body:  # rewriting adds pywb's scripts to a page; the page's own text stays
        assert MARKERS[body].encode() in reply.body
        assert (EDIT.encode() in reply.body) == (body == REPORT_V2)


@pytest.mark.parametrize("coll", COLLECTIONS)
def test_every_capture_is_indexed_under_its_page_and_no_metadata_is(wayback: Wayback, coll: str) -> None:
    captures = {REPORT: [at(T1, 0), at(T2, 0), at(T3, 0)], PDF: [at(T1, 5), at(T2, 5), at(T3, 5)],
                COPY: [at(T1, 7), at(T2, 7), at(T3, 7)], OLD: [at(T1, 9), at(T3, 9)]}
    for url, moments in captures.items():
        lines = wayback.cdx(coll, url)
        assert [line["timestamp"] for line in lines] == [stamp(moment) for moment in moments]
        assert {line["url"] for line in lines} == {url}
        assert "application/json" not in {line["mime"] for line in lines}
    removal = wayback.cdx(coll, PDF, fl="timestamp,status,mime")[-1]
    assert removal == {"timestamp": stamp(at(T3, 5)), "status": "404", "mime": "text/html"}


@pytest.mark.parametrize("coll", COLLECTIONS)
def test_each_version_is_readable_at_its_urn(wayback: Wayback, exported: Exported, coll: str) -> None:
    db = exported.db
    version_ids = [row[0] for row in db.db.execute("SELECT id FROM versions ORDER BY id")]
    lines = wayback.cdx(coll, "urn:nianbao:version:", matchType="prefix", fl="url,mime")
    assert sorted(line["url"] for line in lines) == sorted(f"urn:nianbao:version:{i}" for i in version_ids)
    assert {line["mime"] for line in lines} == {"application/json"}
    for version_id in version_ids:
        row = version_row(db, version_id)
        reply = wayback.replay(coll, stamp(row["created_at"]), f"urn:nianbao:version:{version_id}", "id_")
        assert (reply.status, reply.content_type) == (200, "application/json")
        assert json.loads(reply.body) == row
        assert reply.headers["Memento-Datetime"] == memento(row["created_at"])


def test_the_exports_pass_warcio_check(exported: Exported) -> None:
    for path in exported.files.values():
        check = subprocess.run([sys.executable, "-m", "warcio.cli", "check", "-v", str(path)],
                               capture_output=True, text=True, check=False)
        assert check.returncode == 0, check.stdout + check.stderr
        assert "digest pass" in check.stdout
    assert exported.files["plain"].read_bytes().startswith(b"WARC/1.1\r\n")
    assert exported.files["gz"].read_bytes().startswith(b"\x1f\x8b")
    assert exported.records["gz"] == exported.records["plain"]
