"""Opening archive connections with the safety pragmas, and the one way to write: BEGIN IMMEDIATE."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlite_utils import Database

from nianbao.errors import ArchiveError

BUSY_TIMEOUT_MS = 5000

# synchronous=NORMAL in WAL mode: a commit never corrupts the archive and survives a crash of the
# process; only a power cut can lose the last few commits. Each capture commits together with its
# frontier row, so a lost tail is simply fetched again on resume: nothing is archived twice or lost.
# FULL would add an fsync per page, which the refresh benchmark showed to dominate unchanged nights.
_PRAGMAS = (
    f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}",
    "PRAGMA foreign_keys = ON",
    "PRAGMA synchronous = NORMAL",
)


def connect(path: str | Path, *, readonly: bool) -> Database:
    """A sqlite-utils Database on ``path`` with busy timeout, foreign keys and (writable) WAL."""
    try:
        conn = _raw_connection(Path(path), readonly=readonly)
        for pragma in _PRAGMAS:
            conn.execute(pragma)
        if readonly:
            conn.execute("PRAGMA query_only = ON")
        else:
            # Only takes effect on a new, empty file (an older archive keeps its mode until
            # `nianbao compact --vacuum`): pages freed by search-index merges and rewrites can then
            # be given back to the file system without rewriting the whole file.
            conn.execute("PRAGMA auto_vacuum = INCREMENTAL")
            _enable_wal(conn)
    except sqlite3.DatabaseError as exc:
        if "not a database" in str(exc):
            raise ArchiveError(f"{path} is not an archive: not an SQLite database file") from exc
        raise ArchiveError(f"cannot open archive {path}: {exc}") from exc
    return Database(conn, execute_plugins=False)


def _raw_connection(path: Path, *, readonly: bool) -> sqlite3.Connection:
    """A connection in explicit-transaction mode, so nothing opens a DEFERRED transaction behind us."""
    if readonly:
        return _readonly_connection(path)
    return sqlite3.connect(str(path), isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)


def _readonly_connection(path: Path) -> sqlite3.Connection:
    """``mode=ro``; when that cannot set up the ``-shm`` file and the WAL is empty, ``immutable=1``.

    A WAL reader needs the ``-shm`` file, and creates it when missing: in a read-only directory
    (a mounted snapshot, a copy on a read-only share) or on a full disk that fails (leaving, on a
    full disk, an empty ``-wal``). With no WAL, or an empty one, every committed page is in the
    file itself and no writer has written since, so the file can be read as immutable.
    """
    if not path.is_file():
        raise ArchiveError(f"no archive at {path}")
    uri = path.resolve().as_uri()
    conn = sqlite3.connect(f"{uri}?mode=ro", uri=True, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
    try:
        conn.execute("SELECT count(*) FROM sqlite_schema").fetchone()
    except sqlite3.DatabaseError as exc:
        conn.close()
        if not isinstance(exc, sqlite3.OperationalError) or _wal_holds_frames(path):
            raise
        return sqlite3.connect(f"{uri}?mode=ro&immutable=1", uri=True, isolation_level=None,
                               timeout=BUSY_TIMEOUT_MS / 1000)
    return conn


def _wal_holds_frames(path: Path) -> bool:
    wal = Path(f"{path}-wal")
    return wal.exists() and wal.stat().st_size > 0


def _enable_wal(conn: sqlite3.Connection) -> None:
    """Switch to WAL (persistent in the file) so readers never block the crawler, nor it them."""
    mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
    if mode.lower() != "wal":
        raise ArchiveError(f"archive refused WAL mode (journal_mode is {mode!r})")


@contextmanager
def write_transaction(db: Database) -> Iterator[Database]:
    """One BEGIN IMMEDIATE transaction: takes the write lock first, so it never dies of BUSY_SNAPSHOT."""
    conn = db.conn
    if conn.in_transaction:
        raise ArchiveError("a write transaction is already open on this connection")
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        _roll_back(conn)
        raise
    try:
        conn.execute("COMMIT")
    except BaseException:
        conn.rollback()
        raise


def _roll_back(conn: sqlite3.Connection) -> None:
    """Roll back, unless the connection was closed first. A signal can stop the caller between the
    transaction's start and its ``with`` block; the connection is then closed (which rolls back)
    before this generator is finalised."""
    try:
        conn.rollback()
    except sqlite3.ProgrammingError:
        if not _closed(conn):
            raise


def _closed(conn: sqlite3.Connection) -> bool:
    try:
        conn.total_changes  # noqa: B018 (any use of a closed connection raises)
    except sqlite3.ProgrammingError:
        return True
    return False


@contextmanager
def read_snapshot(db: Database) -> Iterator[Database]:
    """One read transaction, so several queries see the same point in time."""
    conn = db.conn
    if conn.in_transaction:
        yield db
        return
    conn.execute("BEGIN")
    try:
        yield db
    finally:
        conn.rollback()
