"""reextract(): derived data rebuilt from stored bytes by replaying each URL's captures."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from archive import Archive
from nianbao.capture import Capture
from nianbao.errors import ExtractionError
from tests.archive_support import error, page, report_body, toy_extract, toy_extract_v2

URL = "http://qinglan.example/xxgk/2023/t1.html"
OTHER = "http://qinglan.example/xxgk/2023/t2.html"


def counter_body(views: int) -> bytes:
    """A page whose only changing line is a view counter, which toy_extract keeps and v2 drops."""
    return report_body(f"正文第一段。\n浏览次数：{views}")


def snapshot(db: Archive) -> dict[str, list]:
    """Everything derived, minus the extractor version stamps."""
    return {
        "documents": db.db.execute("SELECT * FROM documents ORDER BY id").fetchall(),
        "versions": db.db.execute("SELECT id, document_id, number, created_at, sha256, content_digest, "
                                  "title, text FROM versions ORDER BY id").fetchall(),
        "captures": db.db.execute("SELECT id, document_id, outcome, error_class, error_message, version_id "
                                  "FROM captures ORDER BY id").fetchall(),
        "search": db.db.execute("SELECT rowid FROM search_fts ORDER BY rowid").fetchall(),
    }


def outcomes(db: Archive, url: str) -> list[tuple[str, int | None]]:
    return [(e["outcome"], e["version"]) for e in db.history(url)]


@pytest.fixture
def counters(db: Archive) -> Archive:
    """Three fetches differing only in the view counter, recorded with the v1 extractor (3 versions)."""
    for day, views in enumerate((10, 11, 12), start=1):
        db.record_capture(page(URL, body=counter_body(views), fetched_at=f"2023-03-0{day}T00:00:00Z"))
    db.record_capture(error(URL, "timeout", fetched_at="2023-03-09T00:00:00Z"))
    db.record_capture(page(OTHER))
    return db


def test_up_to_date_urls_are_skipped(counters: Archive) -> None:
    before = snapshot(counters)
    assert set(counters.reextract(toy_extract, extractor_version="1").values()) == {0}
    assert snapshot(counters) == before


def test_forced_replay_with_the_same_extractor_changes_nothing(counters: Archive) -> None:
    before = snapshot(counters)
    counts = counters.reextract(toy_extract, extractor_version="1", force=True)
    assert counts["urls"] == 2 and counts["versions_before"] == counts["versions_after"] == 4
    assert snapshot(counters) == before


def test_new_extractor_merges_versions_that_differed_only_in_stripped_text(counters: Archive) -> None:
    assert outcomes(counters, URL) == [("new", 1), ("changed", 2), ("changed", 3), ("error", None)]
    first_id = counters.get_version(URL, number=1)["id"]
    counts = counters.reextract(toy_extract_v2, extractor_version="2")
    assert counts["urls"] == 2 and counts["versions_before"] == 4 and counts["versions_after"] == 2
    assert outcomes(counters, URL) == [("new", 1), ("unchanged", 1), ("unchanged", 1), ("error", None)]
    current = counters.get_version(URL)
    assert current["id"] == first_id and "浏览次数" not in current["text"]
    assert current["extractor_version"] == "2"
    assert counters.search("浏览次") == [] and [r["url"] for r in counters.search("正文第一段")] == [URL]


def test_new_extractor_can_split_versions(db: Archive) -> None:
    for views in (10, 11):
        body = counter_body(views)
        db.record_capture(page(URL, body=body, **toy_extract_v2(body, URL, None)))
    assert outcomes(db, URL) == [("new", 1), ("unchanged", 1)]
    db.reextract(toy_extract, extractor_version="1b")
    assert outcomes(db, URL) == [("new", 1), ("changed", 2)]
    assert db.get_version(URL)["text"].endswith("浏览次数：11")
    assert [r["url"] for r in db.search("浏览次数：11")] == [URL]


def test_body_that_failed_extraction_becomes_a_document(db: Archive) -> None:
    db.record_capture(Capture(url=URL, site="qinglan", status=200, body=report_body(), extraction=None,
                              error_message="ExtractionError: parser crashed"))
    assert list(db.documents()) == []
    counts = db.reextract(toy_extract, extractor_version="2")
    assert counts["documents_created"] == 1
    assert outcomes(db, URL) == [("new", 1)]
    assert db.history(URL)[0]["error_message"] is None
    assert db.get_version(URL)["title"] == "青岚市2022年政府信息公开工作年度报告"


def test_extraction_errors_are_recorded_and_counted(db: Archive) -> None:
    db.record_capture(Capture(url=URL, site="qinglan", status=200, body=b"BROKEN page", extraction=None))
    db.record_capture(page(OTHER))
    counts = db.reextract(toy_extract, extractor_version="2", force=True)
    assert counts["extraction_failures"] == 1
    row = db.db.execute("SELECT outcome, error_class, error_message, extractor_version FROM captures "
                        "WHERE url = ?", [URL]).fetchone()
    assert row == ("error", "other", "ExtractionError: toy extractor cannot read this body", "2")
    assert db.reextract(toy_extract, extractor_version="2")["urls"] == 0  # not retried


def test_document_whose_every_body_now_fails_is_dropped_but_captures_stay(db: Archive) -> None:
    db.record_capture(page(URL))
    db.record_capture(page(OTHER))

    def refuses(body: bytes, url: str, headers: Mapping[str, str] | None) -> dict[str, Any]:
        if url == URL:
            raise ExtractionError("no longer readable")
        return toy_extract(body, url, headers)

    counts = db.reextract(refuses, extractor_version="3")
    assert counts["documents_deleted"] == 1
    assert [d["url"] for d in db.documents()] == [OTHER]
    assert db.db.execute("SELECT outcome, document_id FROM captures WHERE url = ?", [URL]).fetchall() == [
        ("error", None)]


def test_soft_404_seen_by_a_new_extractor_removes_the_document(db: Archive) -> None:
    db.record_capture(page(URL))
    db.record_capture(page(URL, body=report_body("对不起，页面不存在"), is_soft_404=False))
    assert outcomes(db, URL) == [("new", 1), ("changed", 2)]
    db.reextract(toy_extract, extractor_version="2")
    assert outcomes(db, URL) == [("new", 1), ("removed", None)]
    doc = next(db.documents())
    assert doc["status"] == "removed" and doc["removed_at"] is not None


def test_a_bug_in_the_extract_function_rises_and_leaves_the_url_untouched(counters: Archive) -> None:
    before = snapshot(counters)

    def buggy(body: bytes, url: str, headers: Mapping[str, str] | None) -> dict[str, Any]:
        raise KeyError("bug")

    with pytest.raises(KeyError):
        counters.reextract(buggy, extractor_version="9")
    assert snapshot(counters) == before


def test_extract_function_gets_final_url_and_headers(db: Archive) -> None:
    db.record_capture(page(URL, final_url="https://qinglan.example/moved.html",
                           headers={"Content-Type": "text/html; charset=utf-8"}))
    seen = []

    def spy(body: bytes, url: str, headers: Mapping[str, str] | None) -> dict[str, Any]:
        seen.append((url, dict(headers or {})))
        return toy_extract(body, url, headers)

    db.reextract(spy, extractor_version="2")
    assert seen == [("https://qinglan.example/moved.html", {"Content-Type": "text/html; charset=utf-8"})]
