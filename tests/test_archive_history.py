"""history(), get_version(as_of/number), diff(), documents(), versions() and the SQL views."""

from __future__ import annotations

import pytest

from archive import Archive
from nianbao.errors import ArchiveError
from tests.archive_support import error, not_modified, page, report_body

URL = "http://qinglan.example/xxgk/2023/t1.html"
V2_TEXT = "本报告依据条例编制。\n一、总体情况\n2022年，全市依申请公开办理规范。\n四、存在的问题"


@pytest.fixture
def three_versions(db: Archive) -> Archive:
    db.record_capture(page(URL, fetched_at="2023-01-20T02:00:00Z"))
    db.record_capture(page(URL, fetched_at="2023-02-01T02:00:00Z"))
    db.record_capture(page(URL, fetched_at="2023-03-01T02:00:00Z", doc_no="青政办〔2023〕7号",
                           body=report_body(V2_TEXT)))
    db.record_capture(not_modified(URL))
    db.record_capture(page(URL, fetched_at="2023-06-01T02:00:00Z", body=report_body("第三版。")))
    return db


def test_history_lists_every_capture_oldest_first_with_its_version(three_versions: Archive) -> None:
    timeline = three_versions.history(URL)
    assert [(e["outcome"], e["version"]) for e in timeline] == [
        ("new", 1), ("unchanged", 1), ("changed", 2), ("not_modified", 2), ("changed", 3)]
    assert timeline[0]["fetched_at"] == "2023-01-20T02:00:00Z"
    doc_id = next(three_versions.documents())["id"]
    assert three_versions.history(doc_id) == timeline


def test_history_of_unknown_document_is_empty(db: Archive) -> None:
    assert db.history("http://nowhere.example/") == []


def test_get_version_by_number_and_current(three_versions: Archive) -> None:
    assert three_versions.get_version(URL)["number"] == 3
    assert three_versions.get_version(URL, number=2)["doc_no"] == "青政办〔2023〕7号"
    assert three_versions.get_version(URL, number=4) is None
    assert three_versions.get_version("http://nowhere.example/") is None


@pytest.mark.parametrize(("as_of", "number"), [
    ("2023-01-20T02:00:00Z", 1),       # the instant version 1 was made
    ("2023-02-28", 1),                 # a date means the end of that UTC day
    ("2023-03-01", 2),
    ("2023-03-01T09:59:59+08:00", 1),  # one second before version 2, in Beijing time
    ("2023-03-01T10:00:00+08:00", 2),
    ("2023-12-31T00:00:00", 3),        # naive means UTC
])
def test_get_version_as_of(three_versions: Archive, as_of: str, number: int) -> None:
    assert three_versions.get_version(URL, as_of=as_of)["number"] == number


def test_get_version_before_the_first_is_none(three_versions: Archive) -> None:
    assert three_versions.get_version(URL, as_of="2023-01-19") is None


def test_get_version_refuses_bad_arguments(three_versions: Archive) -> None:
    with pytest.raises(ArchiveError):
        three_versions.get_version(URL, as_of="2023-03-01", number=1)
    with pytest.raises(ArchiveError, match="ISO 8601"):
        three_versions.get_version(URL, as_of="last tuesday")


def test_diff_defaults_to_previous_and_current(three_versions: Archive) -> None:
    result = three_versions.diff(URL)
    assert (result["from"], result["to"]) == (2, 3)
    assert "+第三版。" in result["text_diff"] and "-四、存在的问题" in result["text_diff"]
    assert result["fields"] == {"doc_no": ["青政办〔2023〕7号", None]}


def test_diff_between_named_versions(three_versions: Archive) -> None:
    result = three_versions.diff(URL, 1, 2)
    lines = result["text_diff"].splitlines()
    assert lines[:2] == ["--- v1", "+++ v2"]
    assert "-本报告依据《中华人民共和国政府信息公开条例》编制。" in lines
    assert "+四、存在的问题" in lines and " 一、总体情况" in lines
    assert result["fields"] == {"doc_no": [None, "青政办〔2023〕7号"]}


def test_diff_of_identical_versions_is_empty(three_versions: Archive) -> None:
    assert three_versions.diff(URL, 2, 2) == {"from": 2, "to": 2, "text_diff": "", "fields": {}}


def test_diff_needs_two_versions(db: Archive) -> None:
    db.record_capture(page(URL))
    with pytest.raises(ArchiveError, match="no version 0"):
        db.diff(URL)
    with pytest.raises(ArchiveError, match="no version 9"):
        db.diff(URL, 1, 9)


def test_versions_current_only_or_all(three_versions: Archive) -> None:
    three_versions.record_capture(page("http://b.example/1.html", site="b"))
    current = list(three_versions.versions())
    assert [(v["url"], v["number"]) for v in current] == [(URL, 3), ("http://b.example/1.html", 1)]
    assert isinstance(current[0]["flags"], list)
    assert len(list(three_versions.versions(current_only=False))) == 4


def test_documents_filters(three_versions: Archive) -> None:
    three_versions.record_capture(page("http://b.example/1.html", site="b"))
    three_versions.record_capture(error("http://b.example/1.html", "not_found", site="b", status=404))
    assert [d["url"] for d in three_versions.documents(status="live")] == [URL]
    removed = three_versions.documents(kind="page", status="removed")
    assert [d["url"] for d in removed] == ["http://b.example/1.html"]
    assert list(three_versions.documents(kind="attachment")) == []
    with pytest.raises(ArchiveError, match="status"):
        list(three_versions.documents(status="gone"))


def test_changes_view_answers_changed_since_a_date(three_versions: Archive) -> None:
    rows = three_versions.db.execute(
        "SELECT url, number, change FROM changes WHERE created_at >= ? ORDER BY created_at", ["2023-02-15"]
    ).fetchall()
    assert rows == [(URL, 2, "changed"), (URL, 3, "changed")]


def test_current_reports_view_has_one_row_per_live_document(three_versions: Archive) -> None:
    sql = "SELECT url, version, report_year, issuer FROM current_reports"
    rows = three_versions.db.execute(sql).fetchall()
    assert rows == [(URL, 3, 2022, "青岚市人民政府办公室")]
