"""Reading the past: a document's timeline, one version by number or date, and diffs between versions."""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterator
from typing import Any

from sqlite_utils import Database

from archive import row_dicts, times
from archive.schema import EXTRACTION_COLUMNS, JSON_COLUMNS
from nianbao.errors import ArchiveError

DOCUMENT_FILTERS = {"kind": ("page", "attachment"), "status": ("live", "removed")}
DIFF_FIELDS = tuple(name for name in EXTRACTION_COLUMNS if name != "text")

_VERSION_SQL = (
    "SELECT v.*, d.url, d.status AS document_status FROM versions v JOIN documents d ON d.id = v.document_id"
)
_TIMELINE_SQL = (
    "SELECT c.id AS capture_id, c.url, c.fetched_at, c.run_id, c.status, c.outcome, c.error_class, "
    "c.error_message, c.sha256, c.size, c.etag, c.last_modified, c.final_url, "
    "c.version_id, v.number AS version, v.title AS version_title, v.created_at AS version_created_at "
    "FROM captures c LEFT JOIN versions v ON v.id = c.version_id WHERE c.document_id = ? ORDER BY c.id"
)


def document_id(db: Database, url_or_id: str | int) -> int | None:
    """The id of a document given its id, its URL or any URL it was seen at; None when unknown."""
    if isinstance(url_or_id, int):
        row = db.execute("SELECT id FROM documents WHERE id = ?", [url_or_id]).fetchone()
    else:
        row = (db.execute("SELECT id FROM documents WHERE url = ?", [url_or_id]).fetchone()
               or db.execute("SELECT document_id FROM document_urls WHERE url = ? ORDER BY last_seen DESC LIMIT 1",
                             [url_or_id]).fetchone())
    return row[0] if row else None


def next_visit(db: Database, url_or_id: str | int) -> dict[str, Any] | None:
    """When a document is next due and why (see archive/revisit.py), or None for an unknown document."""
    doc_id = document_id(db, url_or_id)
    if doc_id is None:
        return None
    return row_dicts.one(db, "SELECT next_visit, revisit_days, revisit_reason, status FROM documents WHERE id = ?",
                         [doc_id])


def decode_version(version: dict[str, Any]) -> dict[str, Any]:
    """A versions row with its JSON columns decoded."""
    for name in JSON_COLUMNS:
        if name in version:
            version[name] = json.loads(version[name])
    return version


def history(db: Database, url_or_id: str | int) -> list[dict[str, Any]]:
    """Every capture of a document, oldest first, with the version each one showed."""
    doc_id = document_id(db, url_or_id)
    if doc_id is None:
        return []
    return row_dicts.all_rows(db, _TIMELINE_SQL, [doc_id])


def get_version(db: Database, url_or_id: str | int, as_of: str | None = None,
                number: int | None = None) -> dict[str, Any] | None:
    """The current version, version ``number``, or the latest version created at or before ``as_of``."""
    if as_of is not None and number is not None:
        raise ArchiveError("give as_of or number, not both")
    doc_id = document_id(db, url_or_id)
    if doc_id is None:
        return None
    params: list[Any]
    if number is not None:
        where, params = "v.document_id = ? AND v.number = ?", [doc_id, number]
    elif as_of is not None:
        where, params = "v.document_id = ? AND v.created_at <= ?", [doc_id, times.as_of_bound(as_of)]
    else:
        where, params = "v.id = d.current_version_id AND d.id = ?", [doc_id]
    version = row_dicts.one(db, f"{_VERSION_SQL} WHERE {where} ORDER BY v.number DESC LIMIT 1", params)
    return decode_version(version) if version else None


def diff(db: Database, url_or_id: str | int, v1: int | None = None, v2: int | None = None) -> dict[str, Any]:
    """Unified text diff and changed fields from version ``v1`` to ``v2`` (default: previous to current)."""
    newer = get_version(db, url_or_id, number=v2)
    if newer is None:
        raise ArchiveError(f"no version {v2 if v2 is not None else '(current)'} of {url_or_id!r}")
    old_number = v1 if v1 is not None else newer["number"] - 1
    older = get_version(db, url_or_id, number=old_number) if old_number >= 1 else None
    if older is None:
        raise ArchiveError(f"no version {old_number} of {url_or_id!r} to compare with")
    return {"from": older["number"], "to": newer["number"],
            "text_diff": text_diff(older, newer), "fields": changed_fields(older, newer)}


def text_diff(older: dict[str, Any], newer: dict[str, Any]) -> str:
    """A unified diff of the two versions' texts, line by line."""
    lines = difflib.unified_diff(
        (older["text"] or "").splitlines(), (newer["text"] or "").splitlines(),
        fromfile=f"v{older['number']}", tofile=f"v{newer['number']}", lineterm="",
    )
    return "\n".join(lines)


def changed_fields(older: dict[str, Any], newer: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for every extraction field other than text that differs."""
    return {name: [older[name], newer[name]] for name in DIFF_FIELDS if older[name] != newer[name]}


def documents(db: Database, kind: str | None = None, status: str | None = None) -> Iterator[dict[str, Any]]:
    """Documents, optionally of one kind and/or status, by id."""
    clauses, params = [], []
    for column, value in (("kind", kind), ("status", status)):
        if value is None:
            continue
        if value not in DOCUMENT_FILTERS[column]:
            raise ArchiveError(f"{column} must be one of {DOCUMENT_FILTERS[column]}, not {value!r}")
        clauses.append(f"{column} = ?")
        params.append(value)
    where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
    return row_dicts.iterate(db, f"SELECT * FROM documents{where} ORDER BY id", params)


def versions(db: Database, current_only: bool = True) -> Iterator[dict[str, Any]]:
    """Versions with their document's URL; only current ones by default."""
    where = " WHERE v.id = d.current_version_id" if current_only else ""
    for version in row_dicts.iterate(db, f"{_VERSION_SQL}{where} ORDER BY v.document_id, v.number"):
        yield decode_version(version)
