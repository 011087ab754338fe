"""Keeping the trigram search index in step with documents.current_version_id.

``search_fts`` is an external-content FTS5 table over the ``search_source`` view: it holds only
index data, and must be told the exact old values when a row leaves it.
"""

from __future__ import annotations

import sqlite3

from sqlite_utils import Database


def unindex(db: Database, version_id: int) -> None:
    """Remove version ``version_id`` from the index, before its row or its currency changes."""
    row = db.execute("SELECT title, text FROM versions WHERE id = ?", [version_id]).fetchone()
    db.execute(
        "INSERT INTO search_fts(search_fts, rowid, title, text) VALUES ('delete', ?, ?, ?)",
        [version_id, *row],
    )


def index(db: Database, version_id: int) -> None:
    """Add version ``version_id`` (now current) to the index."""
    db.execute(
        "INSERT INTO search_fts(rowid, title, text) SELECT id, title, text FROM versions WHERE id = ?",
        [version_id],
    )


def set_current(db: Database, document_id: int, version_id: int | None) -> None:
    """Make ``version_id`` the document's current version, moving its index entry."""
    row = db.execute("SELECT current_version_id FROM documents WHERE id = ?", [document_id]).fetchone()
    if row[0] is not None:
        unindex(db, row[0])
    db.execute("UPDATE documents SET current_version_id = ? WHERE id = ?", [version_id, document_id])
    if version_id is not None:
        index(db, version_id)


def integrity_problems(db: Database) -> list[str]:
    """FTS5 integrity-check, including agreement with current versions (rank 1)."""
    try:
        db.execute("INSERT INTO search_fts(search_fts, rank) VALUES ('integrity-check', 1)")
    except sqlite3.DatabaseError as exc:  # reported as a problem, not raised
        return [f"search index: integrity-check failed: {exc}"]
    return []
