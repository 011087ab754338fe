"""Exports read back: JSON Lines and CSV against get_version, WARC 1.1 through warcio and its own tools."""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from archive import Archive
from archive.export import CSV_COLUMNS, EXPORT_KEYS, export_csv, export_jsonl, export_warc
from nianbao.capture import Capture
from nianbao.errors import ArchiveError
from tests.archive_support import error, extraction, page, report_body

A = "http://qinglan.example/xxgk/2023/t1.html"
B = "http://qinglan.example/xxgk/2023/t2.html"
C = "http://qinglan.example/xxgk/2023/copy.html"
PDF = "http://qinglan.example/xxgk/2023/P020230120.pdf"
LIST = "http://qinglan.example/xxgk/ndbg/index.html"
GBK_TEXT = "二〇二二年度政府信息公开工作报告：镕基本情况"
GBK_BODY = f"<html><head><meta charset='gbk'></head><body>{GBK_TEXT}</body></html>".encode("gbk")
PDF_BODY = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" + bytes(range(256)) * 8 + b"\n%%EOF\n"
BIN = Path(sys.executable).parent


def gbk_page() -> Capture:
    """A GBK page served with the headers of a compressed, chunked transfer (body stored decoded)."""
    headers = {"Content-Type": "text/html; charset=gbk", "Content-Encoding": "gzip",
               "Transfer-Encoding": "chunked", "Content-Length": "999", "ETag": '"b-1"'}
    result = extraction(title="二〇二二年度报告", text=GBK_TEXT, encoding="gbk", report_year=2022)
    return Capture(url=B, site="qinglan", status=200, headers=headers, body=GBK_BODY, extraction=result,
                   fetched_at="2024-01-01T01:00:00Z")


def pdf_attachment() -> Capture:
    """A PDF-ish binary attachment linked from page A."""
    result = extraction(title="年报附件", text="附件正文", content_type="pdf", encoding=None)
    return Capture(url=PDF, site="qinglan", kind="attachment", status=200, parent_url=A,
                   headers={"Content-Type": "application/pdf"}, body=PDF_BODY, extraction=result,
                   fetched_at="2024-01-01T02:00:00Z")


@pytest.fixture
def filled(db: Archive) -> Archive:
    """Every kind of capture the WARC export distinguishes, in a known order."""
    db.record_capture(page(A, fetched_at="2024-01-01T00:00:00Z", headers={"Content-Type": "text/html"}))
    db.record_capture(gbk_page())
    db.record_capture(pdf_attachment())
    db.record_capture(page(A, fetched_at="2024-02-01T00:00:00Z"))                     # same bytes
    db.record_capture(Capture(url=A, site="qinglan", status=304, headers={"ETag": '"a-2"'},
                              fetched_at="2024-03-01T00:00:00Z"))
    db.record_capture(page(A, fetched_at="2024-04-01T00:00:00Z", body=report_body("第二版正文。")))
    db.record_capture(Capture(url=LIST, site="qinglan", kind="list", status=200, body=b"<ul><li>t1</li></ul>",
                              fetched_at="2024-04-01T00:01:00Z"))
    db.record_capture(error(A, "timeout", fetched_at="2024-05-01T00:00:00Z"))          # no record
    db.record_capture(page(C, fetched_at="2024-06-01T00:00:00Z"))                     # A's first bytes
    return db


EXPECTED_TYPES = [
    "warcinfo",
    "response", "metadata",  # A v1
    "response", "metadata",  # B (GBK)
    "response", "metadata",  # PDF attachment
    "revisit",               # A, identical bytes
    "revisit",               # A, 304
    "response", "metadata",  # A v2
    "response",              # list page
    "revisit", "metadata",   # C: new document whose bytes were already written for A
]


def read_warc(path: Path) -> list[dict]:
    """Every record of a WARC file: type, WARC headers, HTTP headers and content bytes."""
    records = []
    with open(path, "rb") as stream:
        for record in ArchiveIterator(stream, check_digests=True):
            records.append({"type": record.rec_type, "warc": dict(record.rec_headers.headers),
                            "http": record.http_headers, "content": record.content_stream().read()})
    return records


def test_warc_record_sequence_and_count(filled: Archive, tmp_path: Path) -> None:
    written = export_warc(filled, tmp_path / "out.warc.gz")
    records = read_warc(tmp_path / "out.warc.gz")
    assert [r["type"] for r in records] == EXPECTED_TYPES
    assert written == len(records)
    assert records[0]["warc"]["WARC-Filename"] == "out.warc.gz"
    assert all(r["warc"]["WARC-Type"] == r["type"] for r in records)
    digests = [v for r in records for k, v in r["warc"].items() if k.endswith("-Digest")]
    assert len(digests) > len(records) and all(d.startswith("sha256:") for d in digests)


def test_warc_responses_hold_the_stored_bytes_exactly(filled: Archive, tmp_path: Path) -> None:
    export_warc(filled, tmp_path / "out.warc.gz")
    responses = [r for r in read_warc(tmp_path / "out.warc.gz") if r["type"] == "response"]
    assert {r["content"] for r in responses} >= {GBK_BODY, PDF_BODY}
    for response in responses:
        sha = hashlib.sha256(response["content"]).hexdigest()
        assert response["warc"]["WARC-Payload-Digest"] == f"sha256:{sha}"
        assert filled.blob(sha) == response["content"]
        assert response["http"].get_header("Content-Length") == str(len(response["content"]))
    blobs = {row[0] for row in filled.db.execute("SELECT sha256 FROM blobs")}
    assert {hashlib.sha256(r["content"]).hexdigest() for r in responses} == blobs


def test_warc_renames_transfer_headers_of_decoded_bodies(filled: Archive, tmp_path: Path) -> None:
    export_warc(filled, tmp_path / "out.warc.gz")
    gbk = next(r for r in read_warc(tmp_path / "out.warc.gz") if r["content"] == GBK_BODY)
    http = gbk["http"]
    assert http.get_statuscode() == "200" and http.protocol == "HTTP/1.1"
    assert http.get_header("Content-Encoding") is None and http.get_header("Transfer-Encoding") is None
    assert http.get_header("X-Archive-Orig-Content-Encoding") == "gzip"
    assert http.get_header("X-Archive-Orig-Transfer-Encoding") == "chunked"
    assert http.get_header("X-Archive-Orig-Content-Length") == "999"
    assert http.get_header("ETag") == '"b-1"'
    assert gbk["content"].decode("gbk").count(GBK_TEXT) == 1


def test_warc_revisits_point_at_the_full_capture(filled: Archive, tmp_path: Path) -> None:
    export_warc(filled, tmp_path / "out.warc.gz")
    records = read_warc(tmp_path / "out.warc.gz")
    first_a, same, unmodified, copy = records[1], records[7], records[8], records[12]
    for revisit in (same, copy):
        assert revisit["warc"]["WARC-Profile"].endswith("/revisit/identical-payload-digest")
        assert revisit["warc"]["WARC-Refers-To"] == first_a["warc"]["WARC-Record-ID"]
        assert revisit["warc"]["WARC-Refers-To-Target-URI"] == A
        assert revisit["warc"]["WARC-Refers-To-Date"] == "2024-01-01T00:00:00Z"
        assert revisit["warc"]["WARC-Payload-Digest"] == first_a["warc"]["WARC-Payload-Digest"]
        assert revisit["content"] == b""
    assert copy["warc"]["WARC-Target-URI"] == C and same["warc"]["WARC-Date"] == "2024-02-01T00:00:00Z"
    assert unmodified["warc"]["WARC-Profile"].endswith("/revisit/server-not-modified")
    # An empty block: replay takes status and headers from the response (the 304's own headers
    # in the block would replay as an empty 304); its validators stay as WARC fields.
    assert unmodified["http"] is None and unmodified["content"] == b""
    assert unmodified["warc"]["Content-Length"] == "0"
    assert unmodified["warc"]["WARC-Nianbao-Observed-Etag"] == '"a-2"'
    # The 304 confirmed A's latest body (February's capture, itself a revisit); the revisit names the
    # record that holds those bytes, January's response, never the intermediate revisit.
    assert unmodified["warc"]["WARC-Refers-To"] == first_a["warc"]["WARC-Record-ID"]
    assert unmodified["warc"]["WARC-Refers-To-Date"] == "2024-01-01T00:00:00Z"
    assert unmodified["warc"]["WARC-Payload-Digest"] == first_a["warc"]["WARC-Payload-Digest"]


def test_warc_metadata_carries_each_version(filled: Archive, tmp_path: Path) -> None:
    export_warc(filled, tmp_path / "out.warc.gz")
    records = read_warc(tmp_path / "out.warc.gz")
    ids = {r["warc"]["WARC-Record-ID"]: r for r in records}
    metadata = [(records[i - 1], r) for i, r in enumerate(records) if r["type"] == "metadata"]
    assert len(metadata) == filled.stats()["versions"] == 5
    for capture, record in metadata:
        fields = json.loads(record["content"])
        assert list(fields) == list(EXPORT_KEYS)
        version = filled.get_version(fields["url"], number=fields["version"])
        assert (fields["text"], fields["content_digest"]) == (version["text"], version["content_digest"])
        assert record["warc"]["Content-Type"] == "application/json"
        assert record["warc"]["WARC-Target-URI"] == f"urn:nianbao:version:{fields['version_id']}"
        assert record["warc"]["WARC-Concurrent-To"] == capture["warc"]["WARC-Record-ID"]
        described = ids[record["warc"]["WARC-Refers-To"]]
        assert described["type"] == "response"
        assert described["warc"]["WARC-Payload-Digest"] == f"sha256:{fields['sha256']}"


def removals(db: Archive) -> Archive:
    """A page and an attachment removed (404 with its headers, soft 404 page), beside failures of other kinds."""
    db.record_capture(page(A, fetched_at="2024-01-01T00:00:00Z"))
    db.record_capture(pdf_attachment())
    db.record_capture(error(PDF, "not_found", kind="attachment", status=404, fetched_at="2024-03-01T00:00:00Z",
                            headers={"Content-Type": "text/html", "Content-Encoding": "gzip"}))
    db.record_capture(page(A, fetched_at="2024-03-01T00:01:00Z", body=report_body("页面不存在")))   # soft 404
    db.record_capture(error(B, "not_found", status=404, fetched_at="2024-03-01T00:02:00Z"))     # never archived
    db.record_capture(error(C, "http_5xx", status=503, fetched_at="2024-03-01T00:03:00Z"))
    return db


def test_warc_removals_are_responses_with_their_status(db: Archive, tmp_path: Path) -> None:
    export_warc(removals(db), tmp_path / "out.warc.gz")
    records = read_warc(tmp_path / "out.warc.gz")
    assert [(r["type"], r["warc"].get("WARC-Target-URI")) for r in records] == [
        ("warcinfo", None), ("response", A), ("metadata", "urn:nianbao:version:1"),
        ("response", PDF), ("metadata", "urn:nianbao:version:2"), ("response", PDF), ("response", A)]
    gone, soft = records[5], records[6]
    assert gone["http"].get_statuscode() == "404" and gone["content"] == b""
    assert gone["http"].get_header("X-Archive-Orig-Content-Encoding") == "gzip"
    assert gone["http"].get_header("Content-Length") == "0"
    assert gone["warc"]["WARC-Truncated"] == "unspecified"  # the archive keeps no error page
    assert gone["warc"]["WARC-Date"] == "2024-03-01T00:00:00Z"
    assert soft["http"].get_statuscode() == "200" and "页面不存在" in soft["content"].decode()


def test_warc_304_names_the_response_even_across_urls(db: Archive, tmp_path: Path) -> None:
    """A 304 whose URL first had its bytes as a revisit of another URL refers to that URL's response."""
    copy = "http://qinglan.example/xxgk/2023/downfile.pdf"
    db.record_capture(pdf_attachment())
    same = pdf_attachment()
    same.url, same.fetched_at = copy, "2024-02-01T00:00:00Z"
    db.record_capture(same)
    db.record_capture(Capture(url=copy, site="qinglan", kind="attachment", status=304, fetched_at="2024-03-01T00:00:00Z"))
    db.record_capture(Capture(url=C, site="qinglan", status=304, fetched_at="2024-03-01T00:01:00Z"))  # no body: left out
    export_warc(db, tmp_path / "out.warc.gz")
    records = read_warc(tmp_path / "out.warc.gz")
    assert [r["type"] for r in records] == ["warcinfo", "response", "metadata", "revisit", "metadata", "revisit"]
    response, unmodified = records[1], records[5]
    assert unmodified["warc"]["WARC-Target-URI"] == copy
    assert unmodified["warc"]["WARC-Refers-To"] == response["warc"]["WARC-Record-ID"]
    assert unmodified["warc"]["WARC-Refers-To-Target-URI"] == PDF
    assert unmodified["warc"]["WARC-Refers-To-Date"] == "2024-01-01T02:00:00Z"


@pytest.mark.parametrize(("name", "compress", "gzipped"), [
    ("out.warc.gz", None, True), ("out.warc", None, False), ("OUT.WARC", None, False),
    ("out.warc", True, True), ("out.warc.gz", False, False)])
def test_warc_compression_follows_the_name_unless_told(filled: Archive, tmp_path: Path, name: str,
                                                       compress: bool | None, gzipped: bool) -> None:
    written = export_warc(filled, tmp_path / name, compress=compress)
    data = (tmp_path / name).read_bytes()
    assert data.startswith(b"\x1f\x8b") if gzipped else data.startswith(b"WARC/1.1\r\n")
    assert written == len(read_warc(tmp_path / name)) == len(EXPECTED_TYPES)


def test_warc_passes_warcio_check_and_index(filled: Archive, tmp_path: Path) -> None:
    path = tmp_path / "out.warc.gz"
    export_warc(filled, path)
    check = subprocess.run([BIN / "warcio", "check", "-v", str(path)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "digest pass" in check.stdout
    index = subprocess.run([BIN / "warcio", "index", str(path)], capture_output=True, text=True)
    assert index.returncode == 0, index.stderr
    assert len(index.stdout.splitlines()) == len(EXPECTED_TYPES)


def test_warc_check_catches_a_damaged_body(filled: Archive, tmp_path: Path) -> None:
    """The digests written are real: changing one character of a body makes warcio check fail."""
    export_warc(filled, tmp_path / "out.warc.gz")
    plain = gzip.decompress((tmp_path / "out.warc.gz").read_bytes())  # every record is a gzip member
    damaged = tmp_path / "damaged.warc"
    damaged.write_bytes(plain.replace("一、总体情况".encode(), "二、总体情况".encode()))
    check = subprocess.run([BIN / "warcio", "check", str(damaged)], capture_output=True, text=True)
    assert check.returncode == 1 and "digest failed" in check.stdout


def test_warc_of_an_empty_archive_is_just_warcinfo(db: Archive, tmp_path: Path) -> None:
    assert export_warc(db, tmp_path / "empty.warc.gz") == 1
    assert [r["type"] for r in read_warc(tmp_path / "empty.warc.gz")] == ["warcinfo"]


def test_jsonl_current_versions_match_get_version(filled: Archive, tmp_path: Path) -> None:
    assert export_jsonl(filled, tmp_path / "out.jsonl") == 4
    lines = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [line["url"] for line in lines] == [A, B, PDF, C]
    for line in lines:
        assert list(line) == list(EXPORT_KEYS)
        current = filled.get_version(line["url"])
        for key in ("text", "title", "content_digest", "sha256", "tables", "attachments", "flags",
                    "report_year", "publish_date"):
            assert line[key] == current[key], key
        assert (line["version"], line["version_id"], line["status"]) == (
            current["number"], current["id"], current["document_status"])
    assert lines[0]["version"] == 2 and lines[1]["title"] == "二〇二二年度报告"
    assert lines[2]["kind"] == "attachment" and lines[2]["parent_url"] == A


def test_jsonl_all_versions_to_a_file_object(filled: Archive) -> None:
    out = io.StringIO()
    assert export_jsonl(filled, out, all_versions=True) == 5
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [(line["url"], line["version"]) for line in lines][:2] == [(A, 1), (A, 2)]
    assert lines[0]["text"] == filled.get_version(A, number=1)["text"]
    assert isinstance(lines[0]["tables"], list) and isinstance(lines[0]["report_year"], int)


def test_csv_has_bom_metadata_columns_and_no_text(filled: Archive, tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    assert export_csv(filled, path, all_versions=True) == 5
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        assert tuple(reader.fieldnames) == CSV_COLUMNS
        table = list(reader)
    assert "text" not in CSV_COLUMNS and "tables" not in CSV_COLUMNS
    gbk = next(row for row in table if row["url"] == B)
    assert (gbk["title"], gbk["report_year"], gbk["encoding"]) == ("二〇二二年度报告", "2022", "gbk")
    assert gbk["text_chars"] == str(len(GBK_TEXT)) and gbk["flags"] == "[]"
    assert next(row for row in table if row["url"] == PDF)["parent_url"] == A


def test_export_refuses_to_overwrite_even_the_archive_itself(filled: Archive, tmp_path: Path) -> None:
    before = sorted(p.name for p in tmp_path.iterdir())
    for export in (export_jsonl, export_csv, export_warc):
        with pytest.raises(ArchiveError, match="refusing to overwrite"):
            export(filled, filled.path)
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    assert filled.stats()["versions"] == 5


def test_failed_export_leaves_nothing_at_the_destination(filled: Archive, tmp_path: Path) -> None:
    sha, data = filled.db.execute("SELECT sha256, data FROM blobs WHERE size = ?", [len(PDF_BODY)]).fetchone()
    filled.db.execute("UPDATE blobs SET data = zeroblob(8) WHERE sha256 = ?", [sha])
    with pytest.raises(ArchiveError, match="cannot be decompressed"):
        export_warc(filled, tmp_path / "out.warc.gz")
    assert not (tmp_path / "out.warc.gz").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".partial")]
    filled.db.execute("UPDATE blobs SET data = ? WHERE sha256 = ?", [data, sha])  # sound again for check()
