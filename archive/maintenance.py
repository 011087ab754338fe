"""Keeping the archive sound: checks, online backups, and counts."""

from __future__ import annotations

import fcntl
import os
import re
import secrets
import sqlite3
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from archive import blobs, fts
from archive.connection import read_snapshot, write_transaction
from archive.lock import flock_held
from archive.schema import SCHEMA_VERSION, stored_schema_version
from nianbao.errors import ArchiveError

# Invariants the schema cannot express: (what is wrong, SQL returning one id per offending row).
INVARIANTS = (
    ("document has no current version",
     "SELECT id FROM documents WHERE current_version_id IS NULL"),
    ("current version belongs to another document",
     "SELECT d.id FROM documents d JOIN versions v ON v.id = d.current_version_id "
     "WHERE v.document_id != d.id"),
    ("current version is not the latest",
     "SELECT d.id FROM documents d JOIN versions v ON v.id = d.current_version_id "
     "WHERE v.number != (SELECT max(number) FROM versions WHERE document_id = d.id)"),
    ("version numbers have gaps",
     "SELECT document_id FROM versions GROUP BY document_id HAVING max(number) != count(*)"),
    ("older version's text delta is not based on its document's current version",
     "SELECT r.id FROM version_rows r JOIN documents d ON d.id = r.document_id "
     "WHERE r.text_delta IS NOT NULL AND r.text_base IS NOT d.current_version_id"),
    ("current version's text is stored as a delta",
     "SELECT d.id FROM documents d JOIN version_rows r ON r.id = d.current_version_id "
     "WHERE r.text_delta IS NOT NULL"),
    ("older version's text delta does not rebuild a text",
     "SELECT id FROM version_rows WHERE text_delta IS NOT NULL AND CASE WHEN json_valid(text_delta) "
     "THEN (SELECT text FROM versions v WHERE v.id = version_rows.id) IS NULL ELSE 1 END"),
    ("removed document without removed_at",
     "SELECT id FROM documents WHERE (status = 'removed') != (removed_at IS NOT NULL)"),
    ("capture shows a version of another document",
     "SELECT c.id FROM captures c JOIN versions v ON v.id = c.version_id "
     "WHERE c.document_id IS NOT v.document_id"),
    ("new/changed capture without a version",
     "SELECT id FROM captures WHERE outcome IN ('new', 'changed') AND kind IN ('page', 'attachment') "
     "AND version_id IS NULL"),
    ("current version missing from the search index",
     "SELECT version_id FROM search_source EXCEPT SELECT id FROM search_fts_docsize"),
    ("search index holds a version that is not current",
     "SELECT id FROM search_fts_docsize EXCEPT SELECT version_id FROM search_source"),
    ("capture size differs from its blob",
     "SELECT c.id FROM captures c JOIN blobs b ON b.sha256 = c.sha256 WHERE c.size != b.size"),
)


_BLOBS_SQL = (
    "SELECT b.sha256, b.size, b.codec, b.data, b.dict_id, d.sha256, d.kind, b.base_sha256 "
    "FROM blobs b LEFT JOIN dictionaries d ON d.id = b.dict_id"
)


def check(db: Database) -> list[str]:
    """Every problem found; [] when the archive is sound."""
    with read_snapshot(db):
        problems = [f"integrity_check: {row[0]}" for row in db.execute("PRAGMA integrity_check")]
        problems = [p for p in problems if p != "integrity_check: ok"]
        problems += [f"foreign_key_check: {row}" for row in db.execute("PRAGMA foreign_key_check")]
        problems += schema_problems(db)
        problems += invariant_problems(db)
        problems += blob_problems(db)
    return problems + _fts_problems(db)


def schema_problems(db: Database) -> list[str]:
    """A schema version other than the one this code writes."""
    stored = stored_schema_version(db)
    return [] if stored == SCHEMA_VERSION else [f"schema version is {stored}, expected {SCHEMA_VERSION}"]


def _fts_problems(db: Database) -> list[str]:
    """FTS5's own integrity-check; it is an INSERT, so it runs in a transaction that is rolled back.

    A read-only connection cannot issue it; there the INVARIANTS still compare the indexed rows
    with the current versions.
    """
    if db.conn.execute("PRAGMA query_only").fetchone()[0]:
        return []
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        return fts.integrity_problems(db)
    finally:
        db.conn.rollback()


def invariant_problems(db: Database) -> list[str]:
    """One line per broken invariant, naming up to five offending ids."""
    problems = []
    for description, sql in INVARIANTS:
        ids = [row[0] for row in db.execute(f"{sql} LIMIT 5")]
        if ids:
            problems.append(f"{description}: {ids}")
    return problems


def blob_problems(db: Database) -> list[str]:
    """Dictionaries not matching their digest; blobs not decompressing to their size and digest."""
    problems = [f"dictionary {row[0]}: bytes do not match its digest" for row in db.execute(
        "SELECT id, sha256, data FROM dictionaries") if blobs.digest(row[2]) != row[1]]
    for sha256, size, codec, data, dict_id, dict_sha256, dict_kind, base_sha256 in db.execute(_BLOBS_SQL):
        dictionary = blobs.Dictionary(dict_id, dict_sha256, dict_kind) if dict_id is not None else None
        try:
            body = blobs.decode(db, size, codec, data, dictionary, base_sha256)
        except ArchiveError as exc:
            problems.append(f"blob {sha256}: {exc}")
            continue
        if len(body) != size or blobs.digest(body) != sha256:
            problems.append(f"blob {sha256}: bytes do not match size {size} and digest")
    return problems


# A backup in progress: ``.<dest name>.<8 hex>.backup-partial`` beside the destination, with SQLite's
# own ``-journal`` while the snapshot is sealed. The backup holds an flock on it until the end, so a
# file nobody holds was left by a backup that was killed (SIGKILL, a power cut) and can go.
BACKUP_PARTIAL = re.compile(r"\..+\.[0-9a-f]{8}\.backup-partial(-journal|-wal|-shm)?")


def backup(db: Database, dest: str | Path) -> Path:
    """Snapshot the archive to ``dest`` with VACUUM INTO; never overwrites, never leaves a partial file.

    Works on a read-only connection too (VACUUM INTO only reads the source). Partial files of
    killed backups in the destination's directory are removed first.
    """
    dest = Path(dest)
    if dest.exists():
        raise ArchiveError(f"backup target {dest} exists; refusing to overwrite")
    remove_stale_backups(dest.parent)
    partial = dest.with_name(f".{dest.name}.{secrets.token_hex(4)}.backup-partial")
    held, query_only = None, db.execute("PRAGMA query_only").fetchone()[0]
    try:
        held = _hold(partial)
        db.execute("PRAGMA query_only = OFF")  # VACUUM INTO is refused under it; a mode=ro file stays unwritable
        db.conn.execute("VACUUM INTO ?", [str(partial)])
        _seal(partial)
        os.link(partial, dest)  # fails if dest appeared meanwhile, unlike rename
        _fsync_dir(dest.parent)
    except (sqlite3.Error, OSError) as exc:
        raise ArchiveError(f"backup to {dest} failed: {exc}") from exc
    finally:  # plain try/finally, no generator: a signal may stop the backup anywhere
        if held is not None:
            _release(partial, held)
        if db.conn.execute("PRAGMA query_only").fetchone()[0] != query_only:
            db.execute(f"PRAGMA query_only = {int(query_only)}")
    return dest


def _hold(partial: Path) -> int:
    """Create the (empty) partial file and take its flock; the open descriptor."""
    fd = os.open(partial, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o644)
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    return fd


def _release(partial: Path, fd: int) -> None:
    """Remove the partial file and its journal, then let go of the flock."""
    for leftover in (partial, Path(f"{partial}-journal")):
        leftover.unlink(missing_ok=True)
    os.close(fd)


def remove_stale_backups(directory: Path) -> list[tuple[Path, int]]:
    """Delete what killed backups left in ``directory``; return (path, bytes) of each file removed."""
    removed = []
    for path in sorted(directory.glob(".*.backup-partial*")):
        if BACKUP_PARTIAL.fullmatch(path.name) and not _held(_partial_of(path)):
            size = path.stat().st_size
            path.unlink(missing_ok=True)
            removed.append((path, size))
    return removed


def _partial_of(path: Path) -> Path:
    """The partial file a journal belongs to (itself for a partial)."""
    return path.with_name(re.sub(r"-(journal|wal|shm)$", "", path.name))


def _held(partial: Path) -> bool:
    """Whether a running backup holds ``partial``'s flock."""
    return flock_held(partial)


def compact(db: Database, *, vacuum: bool = False) -> dict[str, int]:
    """Merge the search index into one segment and, with ``vacuum``, rewrite the file without free pages.

    FTS5 keeps an index as segments merged now and then; a version that stops being current
    leaves delete markers for every trigram of its text until a merge reaches the segment that
    holds it. On an archive of 100,000 versions the unmerged index was three times its merged
    size. Merging frees pages; an archive created with ``auto_vacuum=INCREMENTAL`` (every archive
    since schema 9) gives them back to the file system at once. In an older archive later writes
    reuse them, and only VACUUM gives them back; it needs free disk space the size of the archive
    and switches the archive to incremental auto-vacuum. Returns byte counts:
    ``index_before``/``index_after``, ``file_before``/``file_after``.
    """
    try:
        before = {"index_before": _index_bytes(db), "file_before": _file_bytes(db)}
        with write_transaction(db):
            db.execute("INSERT INTO search_fts(search_fts) VALUES ('optimize')")
        if vacuum:
            db.execute("VACUUM")  # outside any transaction, as SQLite requires
        db.execute("PRAGMA optimize")
        # A no-op unless auto_vacuum=INCREMENTAL. executescript steps the pragma to its end; a
        # plain execute frees a single page.
        db.conn.executescript("PRAGMA incremental_vacuum")
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except sqlite3.Error as exc:  # disk full, a reader holding the WAL: nothing is lost, say so
        raise ArchiveError(f"compaction failed: {exc}") from exc
    return {**before, "index_after": _index_bytes(db), "file_after": _file_bytes(db)}


def _index_bytes(db: Database) -> int:
    """Bytes held by the search index's data (its segments)."""
    return _scalar(db, "SELECT coalesce(sum(length(block)), 0) FROM search_fts_data")


def _file_bytes(db: Database) -> int:
    return _scalar(db, "PRAGMA page_count") * _scalar(db, "PRAGMA page_size")


def _seal(path: Path) -> None:
    """Make a fresh snapshot self-contained (rollback journal), check it, and sync it to disk."""
    conn = sqlite3.connect(str(path), isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = DELETE")
        result = [row[0] for row in conn.execute("PRAGMA integrity_check")]
    finally:
        conn.close()
    if result != ["ok"]:
        raise ArchiveError(f"backup snapshot failed integrity_check: {result[:5]}")
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


def _fsync_dir(directory: Path) -> None:
    """Persist a new directory entry."""
    handle = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def _scalar(db: Database, sql: str) -> int:
    """The single integer value of ``sql``."""
    return int(db.execute(sql).fetchone()[0])


def _grouped(db: Database, sql: str) -> dict[str, int]:
    """{group: count} from a two-column ``sql``."""
    return dict(db.execute(sql).fetchall())


def counts(db: Database) -> dict[str, int]:
    """Rows of the main tables, each a count on an index: milliseconds at any size (``stats`` reads
    every blob and version row and took seconds on an archive of 100,000 versions)."""
    return {table: _scalar(db, f"SELECT count(*) FROM {table}")
            for table in ("sites", "documents", "versions", "captures")}


def stats(db: Database) -> dict[str, Any]:
    """Counts across the archive."""
    documents = _grouped(db, "SELECT status, count(*) FROM documents GROUP BY status")
    captures = _grouped(db, "SELECT outcome, count(*) FROM captures GROUP BY outcome")
    return {
        "sites": _scalar(db, "SELECT count(*) FROM sites"),
        "documents": {"live": documents.get("live", 0), "removed": documents.get("removed", 0),
                      "total": sum(documents.values())},
        "reports": _scalar(db, "SELECT count(*) FROM current_reports WHERE report_year IS NOT NULL"),
        "versions": _scalar(db, "SELECT count(*) FROM versions"),
        "captures": {**captures, "total": sum(captures.values())},
        "blobs": _scalar(db, "SELECT count(*) FROM blobs"),
        "raw_bytes": _scalar(db, "SELECT coalesce(sum(size), 0) FROM blobs"),
        "stored_bytes": _scalar(db, "SELECT coalesce(sum(length(data)), 0) FROM blobs"),
        "captured_bytes": _scalar(db, "SELECT coalesce(sum(size), 0) FROM captures"),
        "runs": _grouped(db, "SELECT status, count(*) FROM runs GROUP BY status"),
    }
