"""record_capture: one capture, one transaction, and the outcome rules."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st

from archive import Archive
from archive.schema import JSON_COLUMNS
from archive.verdicts import CONTENT_FIELDS, canonical_json, content_digest
from nianbao.capture import Capture
from nianbao.errors import ArchiveError
from tests.archive_support import error, not_modified, page, report_body

URL = "http://qinglan.example/xxgk/2023/t1.html"


def scalar(db: Archive, sql: str, params: tuple = ()) -> object:
    return db.db.execute(sql, params).fetchone()[0]


def test_first_capture_is_new_with_version_one(db: Archive) -> None:
    recorded = db.record_capture(page(URL))
    assert recorded.outcome == "new"
    version = db.get_version(URL)
    assert version["number"] == 1 and version["id"] == recorded.version_id
    assert version["title"] == "青岚市2022年政府信息公开工作年度报告"
    assert version["tables"] == [] and version["report_year"] == 2022
    doc = next(db.documents())
    assert (doc["url"], doc["status"], doc["current_version_id"]) == (URL, "live", recorded.version_id)


def test_same_body_again_is_unchanged_and_stores_nothing_new(db: Archive) -> None:
    first = db.record_capture(page(URL))
    again = db.record_capture(page(URL, fetched_at="2030-01-01T00:00:00Z"))
    assert again.outcome == "unchanged"
    assert (again.version_id, again.document_id) == (first.version_id, first.document_id)
    assert scalar(db, "SELECT count(*) FROM versions") == 1
    assert scalar(db, "SELECT count(*) FROM blobs") == 1
    assert scalar(db, "SELECT last_seen FROM documents") == "2030-01-01T00:00:00Z"


def test_changed_text_makes_version_two_and_keeps_version_one(db: Archive) -> None:
    db.record_capture(page(URL))
    changed = db.record_capture(page(URL, body=report_body("更正后的报告全文。")))
    assert changed.outcome == "changed"
    assert db.get_version(URL)["number"] == 2
    assert db.get_version(URL, number=1)["text"].startswith("本报告依据")
    assert db.get_version(URL, number=2)["text"] == "更正后的报告全文。"


def test_header_date_only_change_is_unchanged_but_bytes_are_kept(db: Archive) -> None:
    first = db.record_capture(page(URL, body=report_body(header_date="2023-02-01 星期三")))
    second = db.record_capture(page(URL, body=report_body(header_date="2023-02-02 星期四")))
    assert second.outcome == "unchanged" and second.version_id == first.version_id
    assert scalar(db, "SELECT count(*) FROM blobs") == 2  # the raw bytes did differ
    assert scalar(db, "SELECT count(*) FROM versions") == 1


def test_non_content_fields_do_not_make_a_version(db: Archive) -> None:
    db.record_capture(page(URL))
    other = db.record_capture(page(URL, stage="trafilatura", flags=["encoding_mismatch"], encoding="gb18030",
                                   encoding_rule="meta", extractor_version="2"))
    assert other.outcome == "unchanged"


def test_metadata_change_is_a_new_version(db: Archive) -> None:
    db.record_capture(page(URL))
    assert db.record_capture(page(URL, doc_no="青政办〔2023〕1号")).outcome == "changed"


def test_304_for_known_document_is_a_revisit_of_the_current_version(db: Archive) -> None:
    first = db.record_capture(page(URL))
    revisit = db.record_capture(not_modified(URL))
    assert (revisit.outcome, revisit.version_id) == ("not_modified", first.version_id)
    assert scalar(db, "SELECT sha256 FROM captures WHERE id = ?", (revisit.capture_id,)) is None


def test_304_for_unknown_url_is_an_error(db: Archive) -> None:
    recorded = db.record_capture(not_modified(URL))
    assert recorded.outcome == "error" and recorded.document_id is None
    assert scalar(db, "SELECT error_class FROM captures") == "other"


@pytest.mark.parametrize("status", [404, 410])
def test_not_found_marks_known_document_removed_and_keeps_versions(db: Archive, status: int) -> None:
    db.record_capture(page(URL))
    gone = db.record_capture(error(URL, "not_found", status=status))
    assert gone.outcome == "removed" and gone.version_id is None
    doc = next(db.documents())
    assert doc["status"] == "removed" and doc["removed_at"] is not None
    assert db.get_version(URL)["number"] == 1
    assert [d["url"] for d in db.documents(status="removed")] == [URL]
    assert scalar(db, "SELECT count(*) FROM removed_documents") == 1
    assert scalar(db, "SELECT count(*) FROM current_reports") == 0


def test_not_found_for_unknown_url_is_an_error_without_document(db: Archive) -> None:
    recorded = db.record_capture(error(URL, "not_found", status=404))
    assert (recorded.outcome, recorded.document_id) == ("error", None)
    assert list(db.documents()) == []


def test_other_errors_record_their_class_and_leave_the_document_live(db: Archive) -> None:
    db.record_capture(page(URL, fetched_at="2024-01-01T00:00:00Z"))
    timeout = db.record_capture(error(URL, "timeout"))
    row = db.db.execute("SELECT outcome, error_class, error_message, sha256 FROM captures WHERE id = ?",
                        [timeout.capture_id]).fetchone()
    assert row == ("error", "timeout", "timeout while fetching", None)
    doc = next(db.documents())
    assert doc["status"] == "live" and doc["last_seen"] > "2024-01-01T00:00:00Z"


def test_soft_404_of_known_document_is_removal_with_body_kept(db: Archive) -> None:
    db.record_capture(page(URL))
    soft = db.record_capture(page(URL, body=report_body("对不起，您访问的页面不存在！")))
    assert soft.outcome == "removed"
    assert next(db.documents())["status"] == "removed"
    sha = scalar(db, "SELECT sha256 FROM captures WHERE id = ?", (soft.capture_id,))
    assert "页面不存在" in db.blob(sha).decode("utf-8")
    assert scalar(db, "SELECT count(*) FROM versions") == 1


def test_soft_404_of_unknown_url_is_a_not_found_error(db: Archive) -> None:
    soft = db.record_capture(page(URL, body=report_body("对不起，您访问的页面不存在！")))
    assert soft.outcome == "error" and soft.document_id is None
    assert scalar(db, "SELECT error_class FROM captures") == "not_found"


def test_removed_document_that_returns_unchanged_is_live_again(db: Archive) -> None:
    first = db.record_capture(page(URL))
    db.record_capture(error(URL, "not_found", status=404))
    back = db.record_capture(page(URL))
    assert (back.outcome, back.version_id) == ("unchanged", first.version_id)
    doc = next(db.documents())
    assert doc["status"] == "live" and doc["removed_at"] is None


def test_removed_document_that_returns_changed_gets_a_new_version(db: Archive) -> None:
    db.record_capture(page(URL))
    db.record_capture(error(URL, "not_found", status=410))
    back = db.record_capture(page(URL, body=report_body("重新发布的报告。")))
    assert back.outcome == "changed" and db.get_version(URL)["number"] == 2
    assert next(db.documents())["status"] == "live"


def test_failed_extraction_keeps_capture_and_blob_as_error_other(db: Archive) -> None:
    capture = Capture(url=URL, site="qinglan", status=200, body=b"<html>\xff\xfe</html>", extraction=None,
                      error_message="ExtractionError: no body found")
    recorded = db.record_capture(capture)
    assert recorded.outcome == "error" and recorded.document_id is None
    row = db.db.execute("SELECT error_class, error_message, sha256 FROM captures").fetchone()
    assert row[:2] == ("other", "ExtractionError: no body found")
    assert db.blob(row[2]) == b"<html>\xff\xfe</html>"


def test_known_body_unextracted_is_a_revisit_judged_by_the_current_versions_extractor(db: Archive) -> None:
    first = db.record_capture(page(URL, extractor_version="7"))
    again = db.record_capture(Capture(url=URL, site="qinglan", status=200, body=report_body(), known_body=True))
    assert again.outcome == "unchanged" and again.version_id == first.version_id
    assert scalar(db, "SELECT extractor_version FROM captures WHERE id = ?", (again.capture_id,)) == "7"


def test_known_body_is_not_trusted_when_the_bytes_differ_or_the_url_is_new(db: Archive) -> None:
    db.record_capture(page(URL))
    other_bytes = Capture(url=URL, site="qinglan", status=200, body=report_body("别的内容。"), known_body=True)
    assert db.record_capture(other_bytes).outcome == "error"
    unknown = Capture(url=URL + "?new", site="qinglan", status=200, body=report_body(), known_body=True)
    assert db.record_capture(unknown).outcome == "error"
    assert scalar(db, "SELECT count(*) FROM versions") == 1


def test_extraction_missing_keys_is_recorded_as_an_error_not_a_version(db: Archive) -> None:
    capture = page(URL)
    del capture.extraction["tables"]
    recorded = db.record_capture(capture)
    assert recorded.outcome == "error"
    assert "tables" in scalar(db, "SELECT error_message FROM captures")


def test_identical_bodies_across_sites_are_stored_once(db: Archive) -> None:
    body = report_body()
    db.record_capture(page("http://a.example/1.html", site="a", body=body))
    db.record_capture(page("http://b.example/9.html", site="b", body=body))
    stats = db.stats()
    assert stats["blobs"] == 1 and stats["sites"] == 2 and stats["documents"]["live"] == 2
    assert stats["reports"] == 2 and stats["versions"] == 2 and stats["captures"] == {"new": 2, "total": 2}
    assert stats["captured_bytes"] == 2 * len(body) and stats["raw_bytes"] == len(body)
    assert stats["stored_bytes"] < len(body)
    assert db.counts() == {"sites": 2, "documents": 2, "versions": 2, "captures": 2}


def test_list_and_home_captures_have_no_document_and_compare_bytes(db: Archive) -> None:
    listing = "http://qinglan.example/xxgk/list.html"
    outcomes = [db.record_capture(Capture(url=listing, site="qinglan", kind="list", status=200, body=b))
                .outcome for b in (b"<ul>a</ul>", b"<ul>a</ul>", b"<ul>a b</ul>")]
    assert outcomes == ["new", "unchanged", "changed"]
    home = db.record_capture(Capture(url="http://qinglan.example/", site="qinglan", kind="home", status=200,
                                     body=b"<html>home</html>"))
    assert home.document_id is None and list(db.documents()) == []


def test_attachment_is_linked_to_its_page(db: Archive) -> None:
    db.record_capture(page(URL))
    pdf = Capture(url="http://qinglan.example/files/report.pdf", site="qinglan", kind="attachment",
                  status=200, body=b"%PDF-1.4 fake", parent_url=URL,
                  extraction={**page(URL).extraction, "content_type": "pdf", "text": ""})
    recorded = db.record_capture(pdf)
    doc = next(db.documents(kind="attachment"))
    assert doc["id"] == recorded.document_id and doc["parent_id"] == next(db.documents(kind="page"))["id"]


def test_an_attachment_recorded_before_its_page_is_linked_when_the_run_ends(db: Archive) -> None:
    run = db.start_run(command="crawl", sites=["qinglan"])
    data = Capture(url="http://qinglan.example/data/1.json", site="qinglan", kind="attachment", status=200,
                   body=b'{"content": "x"}', parent_url=URL,
                   extraction={**page(URL).extraction, "content_type": "json", "text": "x"})
    db.record_capture(data, run_id=run)  # its page's extraction finished later
    db.record_capture(page(URL), run_id=run)
    assert next(db.documents(kind="attachment"))["parent_id"] is None
    db.finish_run(run, status="ok")
    assert next(db.documents(kind="attachment"))["parent_id"] == next(db.documents(kind="page"))["id"]


def test_run_counts_come_from_its_captures(db: Archive) -> None:
    run = db.start_run(command="crawl", sites=["qinglan"])
    db.record_capture(page(URL), run_id=run)
    db.record_capture(page(URL), run_id=run)
    db.record_capture(page(URL, body=report_body("新文本")), run_id=run)
    db.record_capture(not_modified(URL), run_id=run)
    db.record_capture(error("http://qinglan.example/x.html", "timeout"), run_id=run)
    db.record_capture(error(URL, "not_found", status=404), run_id=run)
    db.record_capture(page("http://other.example/", site="other"))  # not part of the run
    finished = db.finish_run(run, status="ok")
    counts = {k: finished[k] for k in ("fetched", "new", "changed", "unchanged", "not_modified", "removed",
                                       "errors")}
    assert counts == {"fetched": 6, "new": 1, "changed": 1, "unchanged": 1, "not_modified": 1, "removed": 1,
                      "errors": 1}
    assert finished["status"] == "ok" and finished["sites"] == ["qinglan"] and finished["finished_at"]


def test_finished_run_refuses_more_captures_and_a_second_finish(db: Archive) -> None:
    run = db.start_run(command="crawl", sites=[])
    db.finish_run(run, status="failed", error="boom")
    with pytest.raises(ArchiveError, match="not running"):
        db.record_capture(page(URL), run_id=run)
    with pytest.raises(ArchiveError, match="already finished"):
        db.finish_run(run)
    with pytest.raises(ArchiveError, match="no run"):
        db.record_capture(page(URL), run_id=999)
    assert list(db.documents()) == []  # the refused captures left nothing behind


def test_finish_run_rejects_unknown_status(db: Archive) -> None:
    run = db.start_run(command="crawl", sites=[])
    with pytest.raises(ArchiveError, match="status"):
        db.finish_run(run, status="done")


def test_validators_come_from_the_latest_content_capture(db: Archive) -> None:
    assert db.validators(URL) is None
    db.record_capture(page(URL, headers={"ETag": '"v1"', "Last-Modified": "Tue, 01 Aug 2023 00:00:00 GMT"}))
    assert db.validators(URL) == {"etag": '"v1"', "last_modified": "Tue, 01 Aug 2023 00:00:00 GMT"}
    db.record_capture(page(URL, body=report_body("新"), headers={"etag": '"v2"'}))
    assert db.validators(URL) == {"etag": '"v2"', "last_modified": None}
    db.record_capture(error(URL, "not_found", status=404))
    assert db.validators(URL) is None  # a removed document must be fetched in full


def test_validators_ignore_soft_404_and_unextracted_bodies(db: Archive) -> None:
    db.record_capture(page(URL, headers={"ETag": '"good"'}))
    db.record_capture(Capture(url=URL, site="qinglan", status=200, body=b"x", headers={"ETag": '"bad"'},
                              extraction=None, error_message="failed"))
    assert db.validators(URL) == {"etag": '"good"', "last_modified": None}


def test_site_validators_agree_with_validators_for_every_url(db: Archive) -> None:
    """The crawl reads validators for all its sites at once; they must be what validators(url) says."""
    other = "http://qinglan.example/xxgk/2023/t2.html"
    gone = "http://qinglan.example/xxgk/2023/t3.html"
    plain = "http://qinglan.example/xxgk/2023/t4.html"
    elsewhere = "http://b.example/t5.html"
    db.record_capture(page(URL, headers={"ETag": '"good"'}))
    db.record_capture(Capture(url=URL, site="qinglan", status=200, body=b"x", headers={"ETag": '"bad"'},
                              extraction=None, error_message="failed"))
    db.record_capture(page(other, body=report_body("二"), headers={"Last-Modified": "Tue, 01 Aug 2023 00:00:00 GMT"}))
    db.record_capture(page(gone, body=report_body("三"), headers={"ETag": '"gone"'}))
    db.record_capture(error(gone, "not_found", status=404))
    db.record_capture(page(plain, body=report_body("四")))
    db.record_capture(page(elsewhere, site="b", body=report_body("五"), headers={"ETag": '"b"'}))
    known = db.site_validators(["qinglan"])
    assert known == {url: db.validators(url) for url in (URL, other)}
    assert all(db.validators(url) is None for url in (gone, plain))
    assert db.site_validators(["b", "qinglan"]) == {**known, elsewhere: {"etag": '"b"', "last_modified": None}}
    assert db.site_validators([]) == {}


def test_fetched_at_is_normalised_to_utc_and_bad_times_are_refused(db: Archive) -> None:
    db.record_capture(page(URL, fetched_at="2024-03-01T08:30:00+08:00"))
    assert scalar(db, "SELECT fetched_at FROM captures") == "2024-03-01T00:30:00Z"
    with pytest.raises(ArchiveError, match="time zone"):
        db.record_capture(page(URL, fetched_at="2024-03-01T08:30:00"))
    assert scalar(db, "SELECT count(*) FROM captures") == 1


def test_headers_are_stored_as_json(db: Archive) -> None:
    db.record_capture(page(URL, headers={"Content-Type": "text/html; charset=GBK"}))
    stored = scalar(db, "SELECT json_extract(headers, '$.Content-Type') FROM captures")
    assert stored == "text/html; charset=GBK"


def test_sites_and_documents_keep_the_earliest_first_seen_and_latest_last_seen(db: Archive) -> None:
    db.record_capture(page(URL, fetched_at="2024-05-02T00:00:00Z"))
    db.record_capture(error(URL, "timeout", fetched_at="2024-05-01T00:00:00Z"))  # recorded late
    db.record_capture(page("http://qinglan.example/early.html", fetched_at="2024-04-01T00:00:00Z"))
    site = db.db.execute("SELECT first_seen, last_seen FROM sites").fetchone()
    assert site == ("2024-04-01T00:00:00Z", "2024-05-02T00:00:00Z")
    doc = next(db.documents())
    assert (doc["first_seen"], doc["last_seen"]) == ("2024-05-02T00:00:00Z", "2024-05-02T00:00:00Z")


def test_a_batch_commits_together_but_a_refused_capture_is_rolled_back_alone(db: Archive) -> None:
    good, bad, other = page(URL), page(URL + "?2"), page(URL + "?3")
    bad.fetched_at = "not a time"
    results = db.record_captures([good, bad, other])
    assert [getattr(r, "outcome", None) for r in results] == ["new", None, "new"]
    assert isinstance(results[1], ArchiveError) and "not a time" in str(results[1])
    assert scalar(db, "SELECT count(*) FROM captures") == 2
    assert scalar(db, "SELECT count(*) FROM documents WHERE url = ?", (URL + "?2",)) == 0
    assert db.check() == []


# Any JSON-able value an extraction field can hold: CJK text, numbers, None, nested tables and dicts.
_JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.text(alphabet="年报公开\"\\\n ab1"),
                     lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=4), inner, max_size=4),
                     max_leaves=20)


@given(st.fixed_dictionaries(dict.fromkeys(CONTENT_FIELDS, _JSON)))
@hyp_settings(max_examples=200, deadline=None)
def test_a_digest_assembled_from_encoded_columns_is_the_digest_of_the_whole(extraction: dict) -> None:
    """Versions' content digests are compared across years: the shortcut must never change one."""
    whole = hashlib.sha256(canonical_json({n: extraction.get(n) for n in CONTENT_FIELDS}).encode()).hexdigest()
    encoded = {n: canonical_json(extraction[n]) for n in JSON_COLUMNS if extraction.get(n) is not None}
    assert content_digest(extraction) == whole
    assert content_digest(extraction, encoded) == whole


def test_a_capture_delivered_again_under_its_key_is_recorded_once(db: Archive) -> None:
    first = page(URL)
    first.capture_key = "crawl-1:k1"
    again = page(URL, body=report_body("另一份正文。"))  # even different bytes: the key names one fetch
    again.capture_key = "crawl-1:k1"
    recorded, duplicate = db.record_captures([first, again])
    assert not recorded.duplicate and duplicate.duplicate
    assert (duplicate.capture_id, duplicate.version_id, duplicate.outcome) == (recorded.capture_id, recorded.version_id, "new")
    assert scalar(db, "SELECT count(*) FROM captures") == 1
    assert scalar(db, "SELECT count(*) FROM versions") == 1
    assert db.record_capture(page(URL)).outcome == "unchanged"  # without a key: every fetch is a capture


def test_a_schema_14_archive_gains_capture_keys(tmp_path) -> None:
    import sqlite3

    import archive
    from tests.archive_support import undo_capture_keys

    path = tmp_path / "old.db"
    with archive.open_archive(path) as store:
        store.record_capture(page(URL))
    conn = sqlite3.connect(path)
    undo_capture_keys(conn)
    conn.commit()
    conn.close()
    with archive.open_archive(path) as store:
        assert scalar(store, "SELECT count(*) FROM captures WHERE capture_key IS NULL") == 1
        assert scalar(store, "SELECT value FROM schema_meta WHERE key = 'schema_version'") == str(archive.SCHEMA_VERSION)
        assert store.check() == []
