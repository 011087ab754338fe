"""Joining two documents that turned out to be one: a document whose address died, and its new address.

See ``archive.identity``: a report moved without a redirect is first recorded at its new URL as a
document of its own; when its old address is found gone (or redirects to the new one), the two are
joined, so its history runs on unbroken. Nothing is lost: every capture and URL of the moved
document becomes the kept one's. Its versions follow the kept document's: one that only restates
the kept document's current content (placed elsewhere) is folded into it, its captures then showing
that version as ``unchanged``; later ones become the kept document's newer versions.
"""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

from archive import fts, identity, row_dicts, text_deltas
from archive.verdicts import placeless_digest

_VERSIONS_SQL = "SELECT * FROM versions WHERE document_id = ? ORDER BY number"
# The moved document is where the report is now: the kept one takes its address, status and schedule.
_TAKE_OVER_SQL = """
    UPDATE documents SET
        first_seen = min(first_seen, :first_seen), last_seen = max(last_seen, :last_seen),
        status = :status, removed_at = :removed_at, parent_id = coalesce(parent_id, :parent_id),
        next_visit = :next_visit, revisit_days = :revisit_days, revisit_reason = :revisit_reason
    WHERE id = :keep"""


def merge(db: Database, keep: int, moved: int) -> None:
    """Make document ``moved`` part of ``keep`` (see the module docstring); the caller holds the transaction."""
    moved_row = row_dicts.one(db, "SELECT * FROM documents WHERE id = ?", [moved])
    assert moved_row is not None and keep != moved
    fts.set_current(db, moved, None)
    _move_versions(db, keep, moved)
    db.execute("UPDATE captures SET document_id = ? WHERE document_id = ?", [keep, moved])
    db.execute("UPDATE OR IGNORE document_urls SET document_id = ? WHERE document_id = ?", [keep, moved])
    db.execute("DELETE FROM document_urls WHERE document_id = ?", [moved])
    db.execute("UPDATE documents SET parent_id = ? WHERE parent_id = ?", [keep, moved])
    db.execute("DELETE FROM documents WHERE id = ?", [moved])
    parent = moved_row["parent_id"] if moved_row["parent_id"] != keep else None
    db.execute(_TAKE_OVER_SQL, {**moved_row, "parent_id": parent, "keep": keep})
    identity.move(db, keep, moved_row["url"])
    latest = db.execute("SELECT id FROM version_rows WHERE document_id = ? ORDER BY number DESC LIMIT 1",
                        [keep]).fetchone()[0]
    current = db.execute("SELECT current_version_id FROM documents WHERE id = ?", [keep]).fetchone()[0]
    if latest != current:
        fts.set_current(db, keep, latest)
    text_deltas.rebase(db, keep)


def _move_versions(db: Database, keep: int, moved: int) -> None:
    """Fold ``moved``'s leading versions that restate ``keep``'s current content; append the rest to ``keep``."""
    current = db.execute("SELECT current_version_id FROM documents WHERE id = ?", [keep]).fetchone()[0]
    kept = identity.current_placeless_digest(db, current)
    number = db.execute("SELECT max(number) FROM version_rows WHERE document_id = ?", [keep]).fetchone()[0]
    folding = True
    for version in row_dicts.all_rows(db, _VERSIONS_SQL, [moved]):
        if folding and placeless_digest(version, json_columns=True) == kept:
            _fold(db, version, current)
            continue
        folding, number = False, number + 1
        db.execute("UPDATE version_rows SET document_id = ?, number = ? WHERE id = ?", [keep, number, version["id"]])
        db.execute("UPDATE captures SET outcome = 'changed' WHERE version_id = ? AND outcome = 'new'", [version["id"]])


def _fold(db: Database, version: dict[str, Any], into: int) -> None:
    """A version that restates ``into``: its captures show ``into``, unchanged; the row goes."""
    db.execute("UPDATE captures SET version_id = ?, outcome = CASE WHEN outcome IN ('new', 'changed') "
               "THEN 'unchanged' ELSE outcome END WHERE version_id = ?", [into, version["id"]])
    db.execute("DELETE FROM version_rows WHERE id = ?", [version["id"]])
