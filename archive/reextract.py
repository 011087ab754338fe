"""Rebuilding derived data from stored bytes: re-extract every body of a document and replay its captures.

Versions, capture outcomes and document status are a function of (captures, blobs, extractor).
A new extractor may merge versions (it strips a line that used to differ) or split them; version
rows are reused in order, so version ids stay stable whenever the count stays the same. A
document's captures are replayed together whatever URL each was made at (see archive.identity);
captures of a URL that never showed content are replayed by site and key.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlite_utils import Database

from archive import blobs, fts, identity, record, row_dicts, text_deltas
from archive.connection import write_transaction
from archive.verdicts import Facts, Verdict, content_digest, decide_document, placeless_digest
from nianbao.errors import NianbaoError
from nianbao.fields import OCR_PENDING
from nianbao.urls import url_key

COUNTS = ("urls", "versions_before", "versions_after", "documents_created", "documents_deleted",
          "extraction_failures")
ExtractFn = Callable[[bytes, str, Mapping[str, str] | None], dict[str, Any]]

_CAPTURE_COLUMNS = ("SELECT id, run_id, url, final_url, site, key, kind, parent_url, fetched_at, status, headers, "
                    "sha256, error_class, error_message FROM captures")
# A document's captures, and those of its keys made before it existed (bodies that failed extraction).
_DOCUMENT_CAPTURES_SQL = _CAPTURE_COLUMNS + (
    " WHERE document_id = :doc OR (document_id IS NULL AND site = :site"
    " AND key IN (SELECT key FROM document_urls WHERE document_id = :doc)) ORDER BY id")
_KEY_CAPTURES_SQL = _CAPTURE_COLUMNS + " WHERE document_id IS NULL AND site = :site AND key = :key ORDER BY id"
# Units to replay: a document (id), or a site's key that is no document's (id NULL).
_UNITS_SQL = """
    SELECT DISTINCT coalesce(c.document_id, u.document_id) AS doc, c.site, CASE WHEN coalesce(c.document_id,
        u.document_id) IS NULL THEN c.key END AS key
    FROM captures c LEFT JOIN document_urls u ON c.document_id IS NULL AND u.site = c.site AND u.key = c.key
    WHERE c.kind IN ('page', 'attachment') AND c.sha256 IS NOT NULL AND {which}
    ORDER BY doc, c.site, key"""
_STALE_SQL = _UNITS_SQL.format(which="(:force OR c.extractor_version IS NOT :version)")
# Units with a body whose scanned pages the extractor left for OCR (its version with the pending suffix).
_PENDING_SQL = _UNITS_SQL.format(which="c.extractor_version = :version")
_PENDING_COUNT_SQL = (
    "SELECT count(DISTINCT url) FROM captures WHERE kind IN ('page', 'attachment') AND sha256 IS NOT NULL "
    "AND extractor_version LIKE '%' || ?"
)


@dataclass(frozen=True)
class Unit:
    """What one replay covers: a document, or a site's key no document has."""

    document_id: int | None
    site: str
    key: str | None

    def captures(self, db: Database) -> list[dict[str, Any]]:
        """Its captures in recording order."""
        if self.document_id is not None:
            return row_dicts.all_rows(db, _DOCUMENT_CAPTURES_SQL, {"doc": self.document_id, "site": self.site})
        return row_dicts.all_rows(db, _KEY_CAPTURES_SQL, {"site": self.site, "key": self.key})


@dataclass
class Replay:
    """The derived state of one document after replaying its captures."""

    chain: list[dict[str, Any]] = field(default_factory=list)  # versions: extraction, sha256, created_at
    captures: list[dict[str, Any]] = field(default_factory=list)  # per capture: new derived columns
    first: dict[str, Any] | None = None  # the capture that created the document
    status: str = "live"
    removed_at: str | None = None
    last_seen: str | None = None
    address: str | None = None  # the URL it was last served at
    read_at: str | None = None  # the URL the current version was read at


class Extractor:
    """Runs the extract function on stored bodies, once per (body, URL, headers)."""

    def __init__(self, db: Database, extract_fn: ExtractFn, extractor_version: str) -> None:
        self.db, self.extract_fn, self.version = db, extract_fn, extractor_version
        self.cache: dict[tuple[str, str, str], tuple[dict[str, Any] | None, str | None]] = {}
        self.failures = 0

    def __call__(self, capture: dict[str, Any]) -> tuple[dict[str, Any] | None, str | None]:
        """(extraction, error message) for one capture row with a body."""
        url = capture["final_url"] or capture["url"]
        key = (capture["sha256"], url, capture["headers"])
        if key not in self.cache:
            self.cache[key] = self._extract(blobs.load(self.db, capture["sha256"]), url, capture["headers"])
        return self.cache[key]

    def _extract(self, body: bytes, url: str, headers: str) -> tuple[dict[str, Any] | None, str | None]:
        """Extraction errors (nianbao's own) become a failed capture; anything else is a bug and rises."""
        try:
            extraction = self.extract_fn(body, url, json.loads(headers))
        except NianbaoError as exc:
            self.failures += 1
            return None, f"{type(exc).__name__}: {exc}"
        # an extraction that left scanned pages for OCR says so in its version: it stays stale
        pending = str(extraction.get("extractor_version") or "").endswith(OCR_PENDING)
        return {**extraction, "extractor_version": self.version + (OCR_PENDING if pending else "")}, None


def stale_units(db: Database, extractor_version: str, force: bool, pending_ocr: bool = False) -> list[Unit]:
    """Documents (and keys no document has) with a body not yet judged by ``extractor_version`` (all with
    ``force``); with ``pending_ocr``, only those whose scanned pages ``extractor_version`` left for OCR."""
    if pending_ocr:
        rows = db.execute(_PENDING_SQL, {"version": extractor_version + OCR_PENDING}).fetchall()
    else:
        rows = db.execute(_STALE_SQL, {"force": force, "version": extractor_version}).fetchall()
    return list(dict.fromkeys(Unit(doc, site, key) for doc, site, key in rows))


def pending_ocr_count(db: Database) -> int:
    """URLs with a body whose scanned pages were left for OCR."""
    return int(db.execute(_PENDING_COUNT_SQL, [OCR_PENDING]).fetchone()[0])


def reextract(db: Database, extract_fn: ExtractFn, extractor_version: str, force: bool = False,
              pending_ocr: bool = False) -> dict[str, Any]:
    """Re-extract and replay every stale document, one transaction each; return counts (``urls``: replays)."""
    extractor = Extractor(db, extract_fn, extractor_version)
    counts: Counter[str] = Counter(dict.fromkeys(COUNTS, 0))
    for unit in stale_units(db, extractor_version, force, pending_ocr):
        _warm(unit.captures(db), extractor)  # extraction is slow: do it before taking the write lock
        with write_transaction(db):
            counts.update(rebuild(db, unit, extractor))
    counts["extraction_failures"] = extractor.failures
    return dict(counts)


def _warm(captures: list[dict[str, Any]], extractor: Extractor) -> None:
    """Fill the extractor's cache for every body of ``captures``."""
    for capture in captures:
        if capture["sha256"] is not None:
            extractor(capture)


def facts_of_row(capture: dict[str, Any], extractor: Extractor) -> Facts:
    """The rule facts of a stored capture; a body is re-extracted, a 304 is a 304 again."""
    if capture["sha256"] is not None:
        extraction, message = extractor(capture)
        return Facts(None, message, capture["status"], extraction)
    if capture["status"] == 304:
        return Facts(None, None, 304, None)
    return Facts(capture["error_class"], capture["error_message"], capture["status"], None)


def replay(captures: list[dict[str, Any]], extractor: Extractor) -> Replay:
    """Run the recording rules over a document's captures in recording order (as archive.record does)."""
    state, digest = Replay(), None
    for capture in captures:
        facts = facts_of_row(capture, extractor)
        verdict, detail = _judge(state, facts, digest, capture)
        if verdict.creates_version:
            state.chain.append({"extraction": facts.extraction, "sha256": capture["sha256"],
                                "created_at": capture["fetched_at"]})
            digest = content_digest(facts.extraction or {})
            state.first = state.first or capture
            state.read_at = capture["final_url"] or capture["url"]
        if state.address is not None and capture["run_id"] is not None and record.moved_back(
                state.status, verdict, state.address, capture["url"]):
            _former_removals(state, capture)
        if verdict.creates_version or verdict.shows_current:
            state.address = capture["url"]
        shown = len(state.chain) - 1 if verdict.creates_version or verdict.shows_current else None
        error_class, message = record.capture_error(verdict, facts, detail)
        state.captures.append({
            "id": capture["id"], "run_id": capture["run_id"], "outcome": verdict.outcome, "error_class": error_class,
            "error_message": message, "shown": shown, "attached": state.first is not None,
            "extractor_version": extractor.version if capture["sha256"] is not None else None,
        })
        if state.first is not None:
            _advance_status(state, verdict.doc_status, capture["fetched_at"])
    return state


def _former_removals(state: Replay, capture: dict[str, Any]) -> None:
    """As ``record`` does: this run's removals of a document that showed up elsewhere were of a former address."""
    for replayed in state.captures:
        if replayed["run_id"] == capture["run_id"] and replayed["outcome"] == "removed":
            replayed["outcome"] = "error"
            note = f"{record.FORMER_ADDRESS}; it lives at {capture['url']}"
            replayed["error_message"] = f"{replayed['error_message']}: {note}" if replayed["error_message"] else note


def _judge(state: Replay, facts: Facts, digest: str | None, capture: dict[str, Any]) -> tuple[Verdict, str | None]:
    """The verdict on one replayed capture: moves and former addresses judged as ``record`` judges them."""
    moved_digest = None
    if state.chain and facts.extraction is not None and identity.moved(state.read_at,
                                                                       capture["final_url"] or capture["url"]):
        moved_digest = placeless_digest(state.chain[-1]["extraction"] or {})
    verdict, detail = decide_document(facts, digest, moved_digest)
    if verdict.doc_status == "removed" and state.address is not None and url_key(state.address) != capture["key"]:
        return Verdict("error"), f"{record.FORMER_ADDRESS}; it lives at {state.address}"
    return verdict, detail


def _advance_status(state: Replay, doc_status: str | None, seen_at: str) -> None:
    """Apply one verdict's effect on the replayed document, as recording does."""
    state.last_seen = max(state.last_seen or seen_at, seen_at)
    if doc_status == "removed" and state.status == "live":
        state.status, state.removed_at = "removed", seen_at
    elif doc_status == "live":
        state.status, state.removed_at = "live", None


def rebuild(db: Database, unit: Unit, extractor: Extractor) -> Counter[str]:
    """Replace the derived data of a document (or key) by a fresh replay; the caller holds the write lock."""
    state = replay(unit.captures(db), extractor)
    doc = record.document_row_by_id(db, unit.document_id) if unit.document_id is not None else None
    before = _detach(db, doc["id"]) if doc else []
    counts = Counter(urls=1, versions_before=len(before), versions_after=len(state.chain))
    if not state.chain:
        _write_captures(db, state, None, [])
        if doc:
            _delete_document(db, doc["id"], before)
            counts["documents_deleted"] += 1
        return counts
    assert state.first is not None  # the replay set it with the first version
    doc_id = doc["id"] if doc else _create_document(db, state.first)
    counts["documents_created"] += doc is None
    version_ids = _write_versions(db, doc_id, state.chain, before)
    _write_captures(db, state, doc_id, version_ids)
    db.execute(
        "UPDATE documents SET first_seen = ?, last_seen = ?, status = ?, removed_at = ? WHERE id = ?",
        [state.first["fetched_at"], state.last_seen, state.status, state.removed_at, doc_id],
    )
    fts.set_current(db, doc_id, version_ids[-1])
    text_deltas.rebase(db, doc_id)
    return counts


def _detach(db: Database, doc_id: int) -> list[int]:
    """Unhook a document from its versions (index entry, current pointer, captures); return their ids."""
    fts.set_current(db, doc_id, None)
    db.execute("UPDATE captures SET version_id = NULL WHERE document_id = ?", [doc_id])
    ids = db.execute("SELECT id FROM versions WHERE document_id = ? ORDER BY number", [doc_id])
    return [row[0] for row in ids]


def _create_document(db: Database, first: dict[str, Any]) -> int:
    """The document a replay found content for, where recording had found none."""
    cursor = db.execute(
        "INSERT INTO documents(url, site, kind, first_seen, last_seen, status) "
        "VALUES (?, ?, ?, ?, ?, 'live')",
        [first["url"], first["site"], first["kind"], first["fetched_at"], first["fetched_at"]],
    )
    doc_id = row_dicts.inserted_id(cursor)
    identity.remember_url(db, doc_id, first["site"], first["url"], first["fetched_at"])
    record.link_parent(db, doc_id, first["site"], first["parent_url"])
    return doc_id


def _write_versions(db: Database, doc_id: int, chain: list[dict[str, Any]], before: list[int]) -> list[int]:
    """Overwrite the old version rows in order, append or delete the difference; return the ids."""
    ids = []
    for number, version in enumerate(chain, start=1):
        if number <= len(before):
            _overwrite_version(db, before[number - 1], version)
            ids.append(before[number - 1])
        else:
            ids.append(record.insert_version(db, doc_id, number, version["created_at"], version["sha256"],
                                             version["extraction"]))
    for surplus in before[len(chain):]:
        db.execute("DELETE FROM version_rows WHERE id = ?", [surplus])
    return ids


def _overwrite_version(db: Database, version_id: int, version: dict[str, Any]) -> None:
    """Rewrite one version row in place (its id and number stay)."""
    values = {"created_at": version["created_at"], "sha256": version["sha256"],
              "content_digest": content_digest(version["extraction"]),
              **record.version_values(version["extraction"]), "text_base": None, "text_delta": None}
    assignments = ", ".join(f"{name} = ?" for name in values)
    db.execute(f"UPDATE version_rows SET {assignments} WHERE id = ?", [*values.values(), version_id])


def _write_captures(db: Database, state: Replay, doc_id: int | None, version_ids: list[int]) -> None:
    """Store each capture's replayed outcome, error, document and version."""
    for capture in state.captures:
        shown = version_ids[capture["shown"]] if capture["shown"] is not None else None
        db.execute(
            "UPDATE captures SET outcome = ?, error_class = ?, error_message = ?, document_id = ?, "
            "version_id = ?, extractor_version = ? WHERE id = ?",
            [capture["outcome"], capture["error_class"], capture["error_message"],
             doc_id if capture["attached"] else None, shown, capture["extractor_version"], capture["id"]],
        )


def _delete_document(db: Database, doc_id: int, version_ids: list[int]) -> None:
    """Drop a document that no longer has any content (its captures are kept)."""
    db.execute("UPDATE documents SET parent_id = NULL WHERE parent_id = ?", [doc_id])
    db.execute("DELETE FROM document_urls WHERE document_id = ?", [doc_id])
    for version_id in version_ids:
        db.execute("DELETE FROM version_rows WHERE id = ?", [version_id])
    db.execute("DELETE FROM documents WHERE id = ?", [doc_id])
