"""Small helpers to read rows as dicts straight from the connection, and the ids inserts give."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from sqlite_utils import Database


def iterate(db: Database, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> Iterator[dict[str, Any]]:
    """Rows of ``sql`` as dicts, fetched lazily."""
    cursor = db.conn.execute(sql, params)
    names = [column[0] for column in cursor.description]
    for values in cursor:
        yield dict(zip(names, values, strict=False))


def all_rows(db: Database, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> list[dict[str, Any]]:
    """Rows of ``sql`` as a list of dicts."""
    return list(iterate(db, sql, params))


def one(db: Database, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> dict[str, Any] | None:
    """The first row of ``sql`` as a dict, or None."""
    return next(iterate(db, sql, params), None)


def inserted_id(cursor: sqlite3.Cursor) -> int:
    """The rowid an INSERT just gave its row."""
    if cursor.lastrowid is None:  # sqlite3 leaves it None only for statements that insert nothing
        raise sqlite3.OperationalError("the statement inserted no row")
    return cursor.lastrowid
