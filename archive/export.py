"""Exports: versions as JSON Lines or CSV, captures as WARC 1.1 (in the layout pywb replays); from one snapshot.

Every export writes to a hidden temporary name beside the destination and links it into place
only when complete, so an interrupted export leaves nothing under the destination; an existing
file is never overwritten (a slip of the hand must not replace the archive itself).
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import secrets
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from http import HTTPStatus
from io import BytesIO
from pathlib import Path
from typing import IO, Any

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from archive import row_dicts
from archive.connection import read_snapshot
from archive.history import decode_version
from archive.schema import SCHEMA_VERSION
from archive.store import Archive
from nianbao import fields
from nianbao.errors import ArchiveError

# The keys of every exported version, in order: a stable contract (docs/archive.md, "Exports").
EXPORT_KEYS = (
    "url", "document_id", "kind", "parent_url", "site", "status", "version", "version_id",
    "created_at", "sha256", "content_digest", *fields.EXPORTED,
)
# Where a key comes from when it is not the versions column of the same name.
_KEY_SOURCES = {
    "url": "d.url", "document_id": "d.id", "kind": "d.kind", "parent_url": "p.url", "site": "d.site",
    "status": "d.status", "version": "v.number", "version_id": "v.id",
}
# CSV is for spreadsheets: metadata only, the text replaced by its length.
CSV_COLUMNS = (*tuple(key for key in EXPORT_KEYS if key not in ("text", "tables")), "text_chars")
_CSV_JSON = tuple(name for name in fields.JSON_FIELDS if name in CSV_COLUMNS)

_VERSIONS_SQL = (
    "SELECT {columns}, length(v.text) AS text_chars FROM versions v "
    "JOIN documents d ON d.id = v.document_id LEFT JOIN documents p ON p.id = d.parent_id"
).format(columns=", ".join(f"{_KEY_SOURCES.get(key, 'v.' + key)} AS {key}" for key in EXPORT_KEYS))
_CURRENT = " WHERE v.id = d.current_version_id"
_ORDER = " ORDER BY d.id, v.number"

# Captures that become WARC records, in recording order: every stored body, every 304, and every
# removal answered with an error status. ``first_id`` is the first capture of the same bytes (the one
# written in full, which every revisit of those bytes names); ``made_version`` the version it created.
_WARC_CAPTURES_SQL = (
    "SELECT c.id, c.url, c.final_url, c.fetched_at, c.status, c.headers, c.sha256, c.size, "
    "(SELECT min(f.id) FROM captures f WHERE f.sha256 = c.sha256) AS first_id, "
    "CASE WHEN c.outcome IN ('new', 'changed') THEN c.version_id END AS made_version "
    "FROM captures c WHERE c.sha256 IS NOT NULL OR c.status = 304 "
    "OR (c.outcome = 'removed' AND c.status IS NOT NULL) ORDER BY c.id"
)
_CAPTURE_SQL = "SELECT id, url, final_url, fetched_at, sha256 FROM captures WHERE id = ?"
_FIRST_WITH_BLOB_SQL = (
    "SELECT id, url, final_url, fetched_at, sha256 FROM captures WHERE sha256 = ? ORDER BY id LIMIT 1"
)
# What a 304 confirmed: the bytes of the URL's latest earlier capture that showed content (the one
# whose validators the request carried), and of those bytes the first capture, which holds them in
# full. The latest capture itself may be a revisit, and a revisit naming a revisit cannot be replayed.
_CONFIRMED_BODY_SQL = (
    "SELECT id, url, final_url, fetched_at, sha256 FROM captures WHERE sha256 = ("
    "SELECT sha256 FROM captures WHERE url = ? AND id < ? AND sha256 IS NOT NULL "
    "AND outcome IN ('new', 'changed', 'unchanged') ORDER BY id DESC LIMIT 1) ORDER BY id LIMIT 1"
)
_UNMADE_VERSIONS_SQL = (
    "SELECT v.id FROM versions v WHERE NOT EXISTS (SELECT 1 FROM captures c WHERE c.version_id = v.id "
    "AND c.outcome IN ('new', 'changed')) ORDER BY v.id"
)

# The stored body is already decoded (no transfer or content coding, its own length), so these
# headers of the original transfer are kept under another name; readers must not decode again.
RENAMED_HEADERS = ("content-encoding", "transfer-encoding", "content-length")
RENAMED_PREFIX = "X-Archive-Orig-"
REVISIT_IDENTICAL = "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"
REVISIT_NOT_MODIFIED = "http://netpreserve.org/warc/1.1/revisit/server-not-modified"
# A 304's own validators, kept on its revisit under these names (its block stays empty).
OBSERVED_HEADERS = ("etag", "last-modified", "date")
OBSERVED_PREFIX = "WARC-Nianbao-Observed-"
# Record ids are name-based, so exporting the same archive twice gives the same ids.
_RECORD_NAMESPACE = uuid.UUID("7c1f6a52-3b0e-4d8e-9a51-6e2f1c0d9b47")


def export_jsonl(archive: Archive, path_or_file: str | Path | IO[str], *, all_versions: bool = False) -> int:
    """Write one JSON object per version (current ones unless ``all_versions``); return the count."""
    with _text_output(path_or_file, encoding="utf-8") as out, read_snapshot(archive.db):
        count = 0
        for row in export_rows(archive, all_versions=all_versions):
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
            count += 1
    return count


def export_csv(archive: Archive, path: str | Path, *, all_versions: bool = False) -> int:
    """Write the metadata columns of each version as CSV (UTF-8 with BOM, for Excel); return the rows."""
    with _text_output(path, encoding="utf-8-sig") as out, read_snapshot(archive.db):
        writer = csv.writer(out)
        writer.writerow(CSV_COLUMNS)
        count = 0
        for row in export_rows(archive, all_versions=all_versions, with_text_chars=True):
            writer.writerow(csv_values(row))
            count += 1
    return count


def export_rows(archive: Archive, *, all_versions: bool = False,
                with_text_chars: bool = False) -> Iterator[dict[str, Any]]:
    """Export rows (EXPORT_KEYS, JSON decoded) by document and version number, fetched lazily."""
    sql = _VERSIONS_SQL + ("" if all_versions else _CURRENT) + _ORDER
    for row in row_dicts.iterate(archive.db, sql):
        text_chars = row.pop("text_chars")
        if with_text_chars:
            row["text_chars"] = text_chars
        yield decode_version(row)


def version_row(archive: Archive, version_id: int) -> dict[str, Any]:
    """The export row of one version."""
    row = row_dicts.one(archive.db, _VERSIONS_SQL + " WHERE v.id = ?", [version_id])
    if row is None:
        raise ArchiveError(f"no version {version_id}")
    row.pop("text_chars")
    return decode_version(row)


def csv_values(row: dict[str, Any]) -> list[Any]:
    """One CSV line: JSON lists as canonical JSON text, None as an empty cell."""
    values = []
    for column in CSV_COLUMNS:
        value = row[column]
        if column in _CSV_JSON:
            value = json.dumps(value, ensure_ascii=False, sort_keys=True)
        values.append("" if value is None else value)
    return values


def export_table_csv(columns: Sequence[str], rows: Iterable[Sequence[Any]], path_or_file: str | Path | IO[str]) -> int:
    """Rows of cells under a header of ``columns``, as CSV for spreadsheets (UTF-8 with a BOM); return rows."""
    with _text_output(path_or_file, encoding="utf-8-sig") as out:
        writer = csv.writer(out)
        writer.writerow(columns)
        count = 0
        for row in rows:
            writer.writerow(row)
            count += 1
    return count


@contextmanager
def _text_output(path_or_file: str | Path | IO[str], *, encoding: str) -> Iterator[IO[str]]:
    """An open text stream: the caller's file object, or a new file written atomically."""
    if hasattr(path_or_file, "write"):
        yield path_or_file  # type: ignore[misc]
        return
    with _new_file(Path(path_or_file), "w", encoding=encoding, newline="") as out:
        yield out


@contextmanager
def _new_file(dest: Path, mode: str, **options: Any) -> Iterator[IO[Any]]:
    """Write ``dest`` under a temporary name and link it into place once complete; never overwrite."""
    if dest.exists():
        raise ArchiveError(f"export target {dest} exists; refusing to overwrite (remove it first)")
    partial = dest.with_name(f".{dest.name}.{secrets.token_hex(4)}.partial")
    try:
        with open(partial, mode, **options) as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        os.link(partial, dest)  # fails if dest appeared meanwhile, unlike rename
    except OSError as exc:
        raise ArchiveError(f"export to {dest} failed: {exc}") from exc
    finally:
        partial.unlink(missing_ok=True)


def export_warc(archive: Archive, path: str | Path, *, compress: bool | None = None) -> int:
    """Write every capture with a body, every 304 and removal, and every version as WARC 1.1; return records.

    ``compress`` None chooses by the name: a ``.warc`` file is written plain, any other name
    (``.warc.gz``) as one gzip member per record.
    """
    path = Path(path)
    gzip = compressed_by_name(path) if compress is None else compress
    with _new_file(path, "wb") as out, read_snapshot(archive.db):
        writer = WARCWriter(out, gzip=gzip, warc_version="1.1")
        writer.write_record(warcinfo_record(writer, path.name))
        count = 1
        for record in _warc_records(archive, writer):
            writer.write_record(record)
            count += 1
    return count


def compressed_by_name(path: Path) -> bool:
    """Whether a WARC file named ``path`` is gzipped: every name but a plain ``.warc``."""
    return path.suffix.lower() != ".warc"


def _warc_records(archive: Archive, writer: WARCWriter) -> Iterator[Any]:
    """Records in recording order: each capture, then the metadata of the version it created."""
    for capture in row_dicts.iterate(archive.db, _WARC_CAPTURES_SQL):
        record = capture_record(archive, writer, capture)
        if record is None:
            continue
        yield record
        if capture["made_version"] is not None:
            yield metadata_record(archive, writer, capture["made_version"], record_id("capture", capture))
    for (version_id,) in archive.db.execute(_UNMADE_VERSIONS_SQL).fetchall():
        yield metadata_record(archive, writer, version_id, None)


def record_id(kind: str, capture: dict[str, Any]) -> str:
    """The WARC-Record-ID of a capture's record (or of a version's metadata), derived from its identity."""
    name = f"nianbao/{kind}/{capture['id']}/{capture['url']}/{capture.get('fetched_at', '')}"
    return f"<urn:uuid:{uuid.uuid5(_RECORD_NAMESPACE, name)}>"


def labelled_sha256(data: bytes) -> str:
    """A WARC digest label: ``sha256:`` and the hex digest, as the archive keys its blobs."""
    return f"sha256:{hashlib.sha256(data).hexdigest()}"


def version_uri(version_id: int) -> str:
    """The target of a version's metadata record: a name of its own, never a page's URL."""
    return f"urn:nianbao:version:{version_id}"


def warcinfo_record(writer: WARCWriter, filename: str) -> Any:
    """The warcinfo record that opens the file."""
    fields = {"software": "nianbao", "format": "WARC File Format 1.1",
              "description": "nianbao archive export: captures, and extracted versions as metadata",
              "nianbao-schema-version": str(SCHEMA_VERSION)}
    payload = "".join(f"{name}: {value}\r\n" for name, value in fields.items()).encode("utf-8")
    headers = {"WARC-Filename": filename, "WARC-Block-Digest": labelled_sha256(payload)}
    return writer.create_warc_record("", "warcinfo", payload=BytesIO(payload), length=len(payload),
                                     warc_headers_dict=headers)


def capture_record(archive: Archive, writer: WARCWriter, capture: dict[str, Any]) -> Any:
    """The record of one capture (docs/archive.md, "WARC"); None for a 304 with no body to confirm."""
    if capture["sha256"] is None and capture["status"] == 304:
        holder = row_dicts.one(archive.db, _CONFIRMED_BODY_SQL, [capture["url"], capture["id"]])
        return None if holder is None else not_modified_record(writer, capture, holder)
    if capture["sha256"] is None:
        return removal_record(writer, capture)
    if capture["first_id"] != capture["id"]:
        holder = row_dicts.one(archive.db, _CAPTURE_SQL, [capture["first_id"]])
        assert holder is not None  # first_id is the id of a capture
        return revisit_record(writer, capture, holder)
    return response_record(writer, capture, archive.blob(capture["sha256"]))


def _warc_headers(capture: dict[str, Any], kind: str) -> dict[str, str]:
    """WARC headers common to every capture record."""
    headers = {"WARC-Record-ID": record_id(kind, capture), "WARC-Date": capture["fetched_at"]}
    if capture["final_url"] and capture["final_url"] != capture["url"]:
        headers["WARC-Nianbao-Requested-URI"] = capture["url"]  # the target is where redirects ended
    return headers


def _refers_to(holder: dict[str, Any]) -> dict[str, str]:
    """The revisit headers naming the record that holds the bytes, which is where pywb loads them from."""
    return {"WARC-Refers-To": record_id("capture", holder), "WARC-Refers-To-Target-URI": target_uri(holder),
            "WARC-Refers-To-Date": holder["fetched_at"], "WARC-Payload-Digest": f"sha256:{holder['sha256']}"}


def target_uri(capture: dict[str, Any]) -> str:
    """The URI the stored response came from."""
    return str(capture["final_url"] or capture["url"])


def response_record(writer: WARCWriter, capture: dict[str, Any], body: bytes) -> Any:
    """A response record: HTTP status line, stored headers (transfer headers renamed), exact bytes."""
    if capture["status"] is None:
        return resource_record(writer, capture, body)
    http = http_headers(capture, len(body))
    headers = _warc_headers(capture, "capture")
    headers.update({"WARC-Payload-Digest": labelled_sha256(body),
                    "WARC-Block-Digest": labelled_sha256(http.headers_buff + body)})
    return writer.create_warc_record(target_uri(capture), "response", payload=BytesIO(body),
                                     length=len(body), warc_headers_dict=headers, http_headers=http)


def removal_record(writer: WARCWriter, capture: dict[str, Any]) -> Any:
    """A removal answered 404/410: a response with that status and headers, so replay from then on shows
    it. The archive keeps no error page, so the body is empty and the record says it was cut."""
    record = response_record(writer, capture, b"")
    record.rec_headers.add_header("WARC-Truncated", "unspecified")
    return record


def resource_record(writer: WARCWriter, capture: dict[str, Any], body: bytes) -> Any:
    """A body fetched without an HTTP status (no response envelope to write): a resource record."""
    stored = json.loads(capture["headers"])
    content_type = next((v for k, v in stored.items() if k.lower() == "content-type"),
                        "application/octet-stream")
    headers = _warc_headers(capture, "capture")
    headers.update({"WARC-Payload-Digest": labelled_sha256(body), "WARC-Block-Digest": labelled_sha256(body)})
    return writer.create_warc_record(target_uri(capture), "resource", payload=BytesIO(body),
                                     length=len(body), warc_content_type=content_type,
                                     warc_headers_dict=headers)


def revisit_record(writer: WARCWriter, capture: dict[str, Any], holder: dict[str, Any]) -> Any:
    """Bytes seen before (at any URL): this capture's status and headers, and where the bytes are."""
    http = http_headers(capture, capture["size"])
    headers = {**_warc_headers(capture, "capture"), **_refers_to(holder), "WARC-Profile": REVISIT_IDENTICAL,
               "WARC-Block-Digest": labelled_sha256(http.headers_buff)}
    return writer.create_warc_record(target_uri(capture), "revisit", warc_headers_dict=headers,
                                     http_headers=http)


def not_modified_record(writer: WARCWriter, capture: dict[str, Any], holder: dict[str, Any]) -> Any:
    """A 304: a revisit with an empty block, so replay serves the confirmed body with its own status and
    headers (a block holding the 304's headers replays as an empty 304). Its validators stay as fields."""
    headers = {**_warc_headers(capture, "capture"), **_refers_to(holder), "WARC-Profile": REVISIT_NOT_MODIFIED,
               "WARC-Block-Digest": labelled_sha256(b"")}
    for name, value in json.loads(capture["headers"]).items():
        if name.lower() in OBSERVED_HEADERS:
            headers[OBSERVED_PREFIX + name.title()] = " ".join(str(value).splitlines())
    return writer.create_warc_record(target_uri(capture), "revisit", warc_headers_dict=headers)


def http_headers(capture: dict[str, Any], body_length: int | None) -> StatusAndHeaders:
    """Status line and stored headers, with transfer headers renamed and the stored length set."""
    headers = []
    for name, value in json.loads(capture["headers"]).items():
        value = " ".join(str(value).splitlines())  # a line break would end the header block early
        if name.lower() in RENAMED_HEADERS:
            name = RENAMED_PREFIX + name
        headers.append((name, value))
    if body_length is not None:
        headers.append(("Content-Length", str(body_length)))
    http = StatusAndHeaders(status_line(capture["status"]), headers, protocol="HTTP/1.1")
    http.compute_headers_buffer()
    return http


def status_line(status: int) -> str:
    """``200 OK``; a code without a standard phrase stands alone, as HTTP allows."""
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:  # not a registered status code: there is no phrase to give
        return str(status)


def metadata_record(archive: Archive, writer: WARCWriter, version_id: int,
                    concurrent_to: str | None) -> Any:
    """A version's export row as JSON, at a URN of its own (at the page's URL, replay would serve it
    instead of the page), tied to the capture that made it and to the record holding its bytes."""
    row = version_row(archive, version_id)
    payload = json.dumps(row, ensure_ascii=False).encode("utf-8")
    holder = row_dicts.one(archive.db, _FIRST_WITH_BLOB_SQL, [row["sha256"]])
    headers = {"WARC-Record-ID": record_id("version", {"id": version_id, "url": row["url"]}),
               "WARC-Date": row["created_at"], "WARC-Block-Digest": labelled_sha256(payload),
               "WARC-Payload-Digest": labelled_sha256(payload)}
    if holder is not None:
        headers["WARC-Refers-To"] = record_id("capture", holder)
    if concurrent_to is not None:
        headers["WARC-Concurrent-To"] = concurrent_to
    return writer.create_warc_record(version_uri(version_id), "metadata", payload=BytesIO(payload),
                                     length=len(payload), warc_content_type="application/json",
                                     warc_headers_dict=headers)
