"""Recording one capture: blob, capture row, document and version, all inside the caller's transaction."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from archive import blobs, fts, identity, merge, revisit, row_dicts, text_deltas, times
from archive.revisit import RevisitPolicy
from archive.schema import EXTRACTION_COLUMNS, JSON_COLUMNS
from archive.verdicts import (
    DOCUMENT_KINDS,
    Facts,
    Verdict,
    canonical_json,
    content_digest,
    decide_document,
    decide_listing,
    document_situation,
    has_body,
    row_error,
)
from nianbao.capture import Capture
from nianbao.errors import ArchiveError
from nianbao.urls import url_key

# A capture of a document at an address it has left (its key is not the document's current one):
# that address being gone is not the document's removal.
FORMER_ADDRESS = "a former address of this document is gone"


@dataclass(frozen=True)
class Recorded:
    """What recording a capture did."""

    outcome: str
    capture_id: int
    document_id: int | None
    version_id: int | None
    duplicate: bool = False  # the archive already held a capture with this capture_key: nothing recorded


def facts_of(capture: Capture) -> Facts:
    """The parts of a capture that the rules look at."""
    return Facts(capture.error_class, capture.error_message, capture.status, capture.extraction)


def record(db: Database, capture: Capture, run_id: int | None, policy: RevisitPolicy | None = None) -> Recorded:
    """Store ``capture`` and apply its verdict; the caller holds the write transaction."""
    fetched_at = times.normalize(capture.fetched_at)
    _require_running(db, run_id)
    if capture.capture_key is not None:
        earlier = recorded_key(db, capture.capture_key)
        if earlier is not None:
            return earlier
    touch_site(db, capture.site, fetched_at, capture.site_family)
    facts = facts_of(capture)
    keep = has_body(facts) and (facts.error_class is None or bool(capture.body))  # a never-fetched link has none
    sha256 = blobs.store(db, capture.body, site=capture.site, kind=capture.kind, url=capture.url) if keep else None
    if capture.kind in DOCUMENT_KINDS:
        return _record_document(db, capture, facts, sha256, fetched_at, run_id, policy or RevisitPolicy())
    return _record_listing(db, capture, facts, sha256, fetched_at, run_id)


def recorded_key(db: Database, capture_key: str) -> Recorded | None:
    """What the capture recorded under ``capture_key`` did, marked as a duplicate; None when there is none."""
    row = db.execute("SELECT outcome, id, document_id, version_id FROM captures WHERE capture_key = ?",
                     [capture_key]).fetchone()
    return Recorded(row[0], row[1], row[2], row[3], duplicate=True) if row else None


def _require_running(db: Database, run_id: int | None) -> None:
    """Refuse captures for a run that does not exist or has finished."""
    if run_id is None:
        return
    row = db.execute("SELECT status FROM runs WHERE id = ?", [run_id]).fetchone()
    if row is None:
        raise ArchiveError(f"no run {run_id}")
    if row[0] != "running":
        raise ArchiveError(f"run {run_id} is {row[0]}, not running")


def touch_site(db: Database, site: str, seen_at: str, family: str | None = None) -> None:
    """Create the site on first sight; move its last_seen forward; remember its CMS family once known."""
    db.execute(
        "INSERT INTO sites(name, first_seen, last_seen, family) VALUES (?, ?, ?, ?) ON CONFLICT(name) DO UPDATE "
        "SET last_seen = max(last_seen, excluded.last_seen), "
        "first_seen = min(first_seen, excluded.first_seen), "
        "family = coalesce(excluded.family, family)",
        [site, seen_at, seen_at, family],
    )


def _record_document(db: Database, capture: Capture, facts: Facts, sha256: str | None,
                     fetched_at: str, run_id: int | None, policy: RevisitPolicy) -> Recorded:
    """A page or attachment capture: judge it against its document's current version (see archive.identity)."""
    doc = _document_for(db, capture, facts)
    # trust the pipeline's "known body" only when the stored bytes say the same
    known_body = capture.known_body and doc is not None and sha256 is not None and sha256 == doc["current_sha256"]
    facts = dataclasses.replace(facts, known_body=known_body)
    doc, verdict, detail = _judged(db, doc, capture, facts)
    if doc is not None and run_id is not None and moved_back(doc["status"], verdict, doc["url"], capture.url):
        _former_removals(db, doc["id"], run_id, capture.url)
    doc_id = doc["id"] if doc else None
    version_id = doc["current_version_id"] if doc and verdict.shows_current else None
    if verdict.creates_version:
        if doc_id is None:
            doc_id = create_document(db, capture, fetched_at)
        version_id = add_version(db, doc_id, capture.extraction or {}, sha256, fetched_at)
    error_class, message = capture_error(verdict, facts, detail)
    row = capture_row(capture, fetched_at, run_id, sha256)
    row.update(document_id=doc_id, version_id=version_id, outcome=verdict.outcome,
               error_class=error_class, error_message=message)
    if known_body and doc is not None:
        row["extractor_version"] = doc["current_extractor_version"]
    capture_id = insert_capture(db, row)
    if doc_id is not None:
        update_document(db, doc_id, verdict, fetched_at)
        if verdict.creates_version or verdict.shows_current:
            _seen_at(db, doc_id, capture, fetched_at)
        if not (detail or "").startswith(FORMER_ADDRESS):  # a former address says nothing of the document
            revisit.schedule(db, policy, doc_id, verdict.outcome, fetched_at, error_class)
        link_parent(db, doc_id, capture.site, capture.parent_url)
    return Recorded(verdict.outcome, capture_id, doc_id, version_id)


def capture_error(verdict: Verdict, facts: Facts, detail: str | None) -> tuple[str | None, str | None]:
    """(error_class, error_message) of a capture's row; a former address's note follows the fetch's own message."""
    error_class, message = row_error(verdict, facts, detail)
    if detail and detail.startswith(FORMER_ADDRESS) and message != detail:
        message = f"{message}: {detail}"
    return error_class, message


def moved_back(status: str, verdict: Verdict, address: str, url: str) -> bool:
    """Whether a document found gone shows its content again at another address: it moved, it was not removed."""
    return status == "removed" and verdict.doc_status == "live" and url_key(address) != url_key(url)


def _former_removals(db: Database, document_id: int, run_id: int, url: str) -> None:
    """The removals this run saw of a document that has just shown up elsewhere were of a former address."""
    db.execute("UPDATE captures SET outcome = 'error', error_message = coalesce(error_message || ': ', '') || ? "
               "WHERE document_id = ? AND run_id = ? AND outcome = 'removed'",
               [f"{FORMER_ADDRESS}; it lives at {url}", document_id, run_id])


def _document_for(db: Database, capture: Capture, facts: Facts) -> dict[str, Any] | None:
    """The document the capture is of (archive.identity): by URL or key; through a permanent redirect, joining
    the document already recorded at its new address; or a removed document whose content it serves."""
    document_id = identity.find(db, capture.site, capture.url)
    target = capture.final_url if capture.moved_permanently else None
    moved_to = identity.find(db, capture.site, target) if target else None
    if document_id is not None and moved_to is not None and moved_to != document_id:
        merge.merge(db, keep=document_id, moved=moved_to)
    document_id = document_id or moved_to
    if document_id is None and document_situation(facts, None)[0] == "content":
        document_id = identity.adopt(db, capture.site, capture.kind, capture.extraction or {})
    return document_row_by_id(db, document_id) if document_id is not None else None


def _judged(db: Database, doc: dict[str, Any] | None, capture: Capture,
            facts: Facts) -> tuple[dict[str, Any] | None, Verdict, str | None]:
    """(document, verdict, detail). A document gone from its address may have moved: the capture then says only
    that a former address is gone (and the document that appeared at its new address is joined to it)."""
    verdict, detail = decide_document(facts, doc["current_digest"] if doc else None, _moved_digest(db, doc, capture))
    if doc is None or verdict.doc_status != "removed":
        return doc, verdict, detail
    if url_key(doc["url"]) == url_key(capture.url):
        moved_to = identity.successor(db, doc["id"])
        if moved_to is None:
            return doc, verdict, detail
        merge.merge(db, keep=doc["id"], moved=moved_to)
        doc = document_row_by_id(db, doc["id"])
        assert doc is not None
    return doc, Verdict("error"), f"{FORMER_ADDRESS}; it lives at {doc['url']}"


def _moved_digest(db: Database, doc: dict[str, Any] | None, capture: Capture) -> str | None:
    """The current version's placeless digest when this capture reads the document somewhere else, else None."""
    if doc is None or doc["current_version_id"] is None or capture.extraction is None:
        return None
    read_at = identity.version_url(db, doc["current_version_id"])
    if not identity.moved(read_at, capture.final_url or capture.url):
        return None
    return identity.current_placeless_digest(db, doc["current_version_id"])


def _seen_at(db: Database, document_id: int, capture: Capture, seen_at: str) -> None:
    """The document was served at the capture's URL (and, through permanent redirects, at its final URL)."""
    identity.remember_url(db, document_id, capture.site, capture.url, seen_at)
    address = capture.url
    if capture.moved_permanently and capture.final_url:
        identity.remember_url(db, document_id, capture.site, capture.final_url, seen_at)
        address = capture.final_url
    identity.move(db, document_id, address)


def _record_listing(db: Database, capture: Capture, facts: Facts, sha256: str | None,
                    fetched_at: str, run_id: int | None) -> Recorded:
    """A list or home capture: no document; compared byte for byte with the last body of its site and key."""
    previous = db.execute(
        "SELECT sha256 FROM captures WHERE site = ? AND key = ? AND sha256 IS NOT NULL ORDER BY id DESC LIMIT 1",
        [capture.site, url_key(capture.url)],
    ).fetchone()
    verdict = decide_listing(facts, sha256, previous[0] if previous else None)
    error_class, message = row_error(verdict, facts, None)
    row = capture_row(capture, fetched_at, run_id, sha256)
    row.update(outcome=verdict.outcome, error_class=error_class, error_message=message)
    return Recorded(verdict.outcome, insert_capture(db, row), None, None)


def document_row(db: Database, site: str, url: str) -> dict[str, Any] | None:
    """The document ``url`` names within ``site`` (see :func:`archive.identity.find`), as :func:`document_row_by_id`."""
    document_id = identity.find(db, site, url)
    return document_row_by_id(db, document_id) if document_id is not None else None


def document_row_by_id(db: Database, document_id: int) -> dict[str, Any] | None:
    """A document with its current version's content digest, raw digest and extractor, or None."""
    return row_dicts.one(
        db,
        "SELECT d.*, v.content_digest AS current_digest, v.sha256 AS current_sha256, "
        "v.extractor_version AS current_extractor_version FROM documents d "
        "LEFT JOIN version_rows v ON v.id = d.current_version_id WHERE d.id = ?",
        [document_id],
    )


def create_document(db: Database, capture: Capture, fetched_at: str) -> int:
    """A new live document for ``capture.url``."""
    cursor = db.execute(
        "INSERT INTO documents(url, site, kind, first_seen, last_seen, status) "
        "VALUES (?, ?, ?, ?, ?, 'live')",
        [capture.url, capture.site, capture.kind, fetched_at, fetched_at],
    )
    document_id = row_dicts.inserted_id(cursor)
    identity.remember_url(db, document_id, capture.site, capture.url, fetched_at)
    return document_id


def version_values(extraction: dict[str, Any]) -> dict[str, Any]:
    """The versions-table columns of an extraction (JSON columns serialised)."""
    values = {name: extraction.get(name) for name in EXTRACTION_COLUMNS}
    for name in JSON_COLUMNS:
        values[name] = canonical_json(values[name] if values[name] is not None else [])
    return values


def add_version(db: Database, document_id: int, extraction: dict[str, Any], sha256: str | None,
                created_at: str) -> int:
    """Append the next version to a document and make it current."""
    number = db.execute(
        "SELECT coalesce(max(number), 0) + 1 FROM versions WHERE document_id = ?", [document_id]
    ).fetchone()[0]
    version_id = insert_version(db, document_id, number, created_at, sha256, extraction)
    fts.set_current(db, document_id, version_id)
    if number > 1:
        text_deltas.rebase(db, document_id)
    return version_id


def insert_version(db: Database, document_id: int, number: int, created_at: str, sha256: str | None,
                   extraction: dict[str, Any]) -> int:
    """Insert one version row; the caller decides whether it becomes current."""
    values = version_values(extraction)
    encoded = {name: values[name] for name in JSON_COLUMNS if extraction.get(name) is not None}
    row = {"document_id": document_id, "number": number, "created_at": created_at, "sha256": sha256,
           "content_digest": content_digest(extraction, encoded), **values}
    columns = ", ".join(row)
    marks = ", ".join("?" for _ in row)
    return row_dicts.inserted_id(db.execute(f"INSERT INTO version_rows({columns}) VALUES ({marks})", list(row.values())))


def capture_row(capture: Capture, fetched_at: str, run_id: int | None, sha256: str | None) -> dict[str, Any]:
    """The captures-table columns that come straight from the capture."""
    headers = {key.lower(): value for key, value in capture.headers.items()}
    return {
        "run_id": run_id, "url": capture.url, "key": url_key(capture.url), "final_url": capture.final_url,
        "site": capture.site,
        "kind": capture.kind, "parent_url": capture.parent_url, "title_hint": capture.title_hint,
        "classify_rule": capture.classify_rule, "fetched_at": fetched_at, "status": capture.status,
        "headers": json.dumps(capture.headers, ensure_ascii=False),
        "etag": headers.get("etag"), "last_modified": headers.get("last-modified"),
        "sha256": sha256, "size": len(capture.body) if sha256 else None,
        "extractor_version": (capture.extraction or {}).get("extractor_version") if sha256 else None,
        "capture_key": capture.capture_key,
    }


def insert_capture(db: Database, row: dict[str, Any]) -> int:
    """Insert one captures row."""
    columns = ", ".join(row)
    marks = ", ".join("?" for _ in row)
    return row_dicts.inserted_id(db.execute(f"INSERT INTO captures({columns}) VALUES ({marks})", list(row.values())))


def update_document(db: Database, document_id: int, verdict: Verdict, seen_at: str) -> None:
    """Move last_seen forward and apply the verdict's status change."""
    db.execute("UPDATE documents SET last_seen = max(last_seen, ?) WHERE id = ?", [seen_at, document_id])
    if verdict.doc_status == "removed":
        db.execute(
            "UPDATE documents SET status = 'removed', removed_at = ? WHERE id = ? AND status = 'live'",
            [seen_at, document_id],
        )
    elif verdict.doc_status == "live":
        db.execute("UPDATE documents SET status = 'live', removed_at = NULL WHERE id = ?", [document_id])


def link_parent(db: Database, document_id: int, site: str, parent_url: str | None) -> None:
    """Point an attachment at its page once that page is a document."""
    parent = identity.find(db, site, parent_url) if parent_url is not None else None
    if parent is None or parent == document_id:
        return
    db.execute("UPDATE documents SET parent_id = ? WHERE id = ? AND kind = 'attachment' AND parent_id IS NULL",
               [parent, document_id])


def link_orphans(db: Database, run_id: int) -> None:
    """Point the run's attachments that were recorded before their page at it. Pages and attachments
    are extracted side by side, so an attachment (a small file, a page's JSON data) can reach the
    archive first, when its page is no document yet; once per run, not per page."""
    orphans = db.execute(
        "SELECT DISTINCT c.document_id, c.site, c.parent_url FROM captures c JOIN documents d ON d.id = c.document_id "
        "WHERE c.run_id = ? AND c.parent_url IS NOT NULL AND d.kind = 'attachment' AND d.parent_id IS NULL",
        [run_id],
    ).fetchall()
    for document_id, site, parent_url in orphans:
        link_parent(db, document_id, site, parent_url)


def current_body(db: Database, site: str, url: str) -> tuple[str, str | None] | None:
    """(raw sha256, extractor version) of the current version of the live document ``url`` names, or None."""
    document_id = identity.find(db, site, url)
    row = db.execute(
        "SELECT v.sha256, v.extractor_version FROM documents d JOIN version_rows v ON v.id = d.current_version_id "
        "WHERE d.id = ? AND d.status = 'live'", [document_id]).fetchone()
    return (row[0], row[1]) if row else None


# Every URL a document of some sites was seen at, with the document's own (current) URL and the
# body behind its current version when it is live (NULL otherwise), most recently seen first: the
# order ``identity.find`` prefers a URL or key in.
_BODIES_SQL = """
    SELECT u.site, u.url, u.key, d.url, v.sha256, v.extractor_version FROM document_urls u
    JOIN documents d ON d.id = u.document_id
    LEFT JOIN version_rows v ON v.id = d.current_version_id AND d.status = 'live'
    WHERE u.site IN ({sites}) ORDER BY u.last_seen DESC, u.rowid DESC"""


def site_bodies(db: Database, sites: Sequence[str]) -> list[tuple[str, str, str, str, str | None, str | None]]:
    """(site, url, key, document URL, sha256, extractor version) of every URL of a document of ``sites`` (see ``_BODIES_SQL``)."""
    marks = ", ".join("?" for _ in sites) or "NULL"
    return db.execute(_BODIES_SQL.format(sites=marks), list(sites)).fetchall()


# The validators a conditional request may carry: those of the latest 200 capture that showed
# content, of a live document, wherever it was served. Removed documents get none, so a return is
# seen in full; so do bodies that failed extraction or were soft 404s, since a 304 against them
# would wrongly confirm content. One row per URL the document was seen at.
_VALIDATORS_SQL = """
    SELECT u.url, u.site, u.key, c.etag, c.last_modified FROM documents d
    JOIN document_urls u ON u.document_id = d.id
    JOIN captures c ON c.id = (
        SELECT max(id) FROM captures WHERE document_id = d.id AND status = 200
        AND outcome IN ('new', 'changed', 'unchanged'))
    WHERE d.status = 'live' AND (c.etag IS NOT NULL OR c.last_modified IS NOT NULL) AND {where}"""


def site_validators(db: Database, sites: Sequence[str]) -> dict[str, dict[str, str | None]]:
    """:func:`validators` of every live document of ``sites`` that has any, by each URL it was seen at."""
    return {url: {"etag": etag, "last_modified": modified} for url, _, _, etag, modified in _site_rows(db, sites)}


def site_validators_by_key(db: Database, sites: Sequence[str]) -> dict[tuple[str, str], dict[str, str | None]]:
    """The same, by (site, key): for a document asked for at a URL it was never seen at (its site moved)."""
    return {(site, key): {"etag": etag, "last_modified": modified}
            for _, site, key, etag, modified in _site_rows(db, sites)}


def _site_rows(db: Database, sites: Sequence[str]) -> list[tuple[str, str, str, str | None, str | None]]:
    where = f"d.site IN ({', '.join('?' for _ in sites) or 'NULL'})"
    return db.execute(_VALIDATORS_SQL.format(where=where), list(sites)).fetchall()


def validators(db: Database, url: str) -> dict[str, str | None] | None:
    """ETag/Last-Modified for a conditional request for ``url`` (any URL its document was seen at); None forces a full fetch."""
    row = db.execute(_VALIDATORS_SQL.format(where="u.url = ?"), [url]).fetchone()
    return {"etag": row[3], "last_modified": row[4]} if row else None
