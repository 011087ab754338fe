"""The Archive object: one connection to one archive file, and every operation on it."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from sqlite_utils import Database

from archive import (
    blobs,
    coverage,
    frontier,
    history,
    identity,
    list_pages,
    maintenance,
    record,
    reextract,
    revisit,
    runs,
    search,
    status,
)
from archive.audit import Audit, SiteInfo, audit
from archive.connection import connect, read_snapshot, write_transaction
from archive.lock import writer_active, writer_lock
from archive.record import Recorded
from archive.revisit import RevisitPolicy
from archive.schema import MIGRATIONS, SCHEMA_VERSION, stored_schema_version
from nianbao import clock
from nianbao.capture import Capture
from nianbao.crawl_types import FrontierEntry, KnownDocument
from nianbao.errors import ArchiveError, ArchiveWriteError


def open_archive(path: str | Path, *, readonly: bool = False, writer: bool = False,
                 revisit: RevisitPolicy | None = None) -> Archive:
    """Open the archive at ``path``.

    Writable (the default) creates the file if needed and applies pending migrations;
    ``readonly`` never writes (the file must exist and have the current schema); ``writer`` also
    holds the archive's writer lock (``archive.lock``) until :meth:`Archive.close`, and fails at
    once with ``ArchiveBusyError`` while another process holds it. ``revisit`` is the policy that
    schedules each document's next visit as captures are recorded (default:
    :class:`archive.revisit.RevisitPolicy`, a 7-day ceiling).
    """
    stack = ExitStack()
    try:
        db = connect(path, readonly=readonly)  # first: a file that is no archive gets no lock file beside it
        stack.callback(db.close)
        if writer:
            stack.enter_context(writer_lock(path))
        migrated_from = _require_current_schema(db, path) if readonly else _migrate(db, path)
    except BaseException:
        stack.close()
        raise
    return Archive(db, Path(path), readonly=readonly, closing=stack, migrated_from=migrated_from, revisit=revisit)


def _migrate(db: Database, path: str | Path) -> int:
    """Apply pending migrations under the write lock, so two openers never race; the version found."""
    try:
        with write_transaction(db):
            stored = stored_schema_version(db)
            if stored > SCHEMA_VERSION:
                raise ArchiveError(_newer_schema(path, stored))
            MIGRATIONS.apply(db)
    except sqlite3.Error as exc:
        raise ArchiveError(f"cannot migrate archive {path}: {exc}") from exc
    return stored


def _require_current_schema(db: Database, path: str | Path) -> int:
    """A read-only archive cannot be migrated, so it must already be current."""
    try:
        stored = stored_schema_version(db)
    except sqlite3.Error as exc:
        raise ArchiveError(f"cannot read archive {path}: {exc}") from exc
    if stored > SCHEMA_VERSION:
        raise ArchiveError(_newer_schema(path, stored))
    if stored == 0:
        raise ArchiveError(f"{path} is not a nianbao archive (schema version 0: an SQLite file without its tables)")
    if stored != SCHEMA_VERSION:
        raise ArchiveError(f"{path} has schema version {stored}, this nianbao reads {SCHEMA_VERSION}: "
                           f"run `nianbao migrate --db {path}` (or any crawl) first")
    return stored


def _newer_schema(path: str | Path, stored: int) -> str:
    return (f"{path} has schema version {stored}; this nianbao knows only up to {SCHEMA_VERSION}: "
            "upgrade nianbao to read it")


# SQLite result codes (primary) that say the file itself cannot take writes: full, I/O error,
# read-only, corrupt, cannot open. Any write will fail the same way until someone acts.
_STORAGE_FAILURES = frozenset({sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_READONLY,
                               sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_NOTADB})


def _is_storage_failure(exc: sqlite3.Error) -> bool:
    code = getattr(exc, "sqlite_errorcode", None)
    return code is not None and code & 0xFF in _STORAGE_FAILURES


def _write_error(message: str, exc: sqlite3.Error) -> ArchiveError:
    """The error for a failed write: ArchiveWriteError when the file cannot take writes at all."""
    return ArchiveWriteError(message) if _is_storage_failure(exc) else ArchiveError(message)


class Archive:
    """A versioned archive of captures; see docs/archive.md."""

    def __init__(self, db: Database, path: Path, *, readonly: bool, closing: ExitStack | None = None,
                 migrated_from: int = SCHEMA_VERSION, revisit: RevisitPolicy | None = None) -> None:
        self.db, self.path, self.readonly = db, path, readonly
        self.migrated_from = migrated_from  # the schema version the file had when opened
        self.revisit = revisit or RevisitPolicy()
        if closing is None:
            closing = ExitStack()
            closing.callback(db.close)
        self._closing = closing

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection and release the writer lock if held (again: no-op)."""
        self._closing.close()

    def interrupt(self) -> None:
        """Stop the statement running on this connection; callable from any thread (see crawler.stopping)."""
        self.db.conn.interrupt()

    def migrate(self) -> dict[str, int]:
        """The schema versions before and after opening writable (which applied any pending migration)."""
        return {"from": self.migrated_from, "to": stored_schema_version(self.db)}

    @contextmanager
    def _writing(self, action: str) -> Iterator[None]:
        """The write transaction for ``action``; refused on a read-only archive, SQLite errors wrapped."""
        if self.readonly:
            raise ArchiveError(f"cannot {action}: archive opened read-only")
        try:
            with write_transaction(self.db):
                yield
        except sqlite3.Error as exc:
            raise _write_error(f"cannot {action}: {exc}", exc) from exc

    def start_run(self, *, command: str, sites: list[str]) -> int:
        """Record a new run in status "running"; return its id."""
        with self._writing("start a run"):
            return runs.start(self.db, command, sites)

    def finish_run(self, run_id: int, *, status: str = "ok", error: str | None = None) -> dict[str, Any]:
        """Link the run's attachments recorded before their pages, close the run with its capture
        counts; return the run row."""
        with self._writing("finish a run"):
            record.link_orphans(self.db, run_id)
            return runs.finish(self.db, run_id, status, error)

    def run_losses(self, run_id: int) -> dict[str, dict[str, Any]]:
        """What a run lost or cut short: its captures in ``LOSS_CLASSES`` by class (count, first message)."""
        return runs.losses(self.db, run_id)

    def coverage(self, *, by_issuer: bool = False) -> list[dict[str, Any]]:
        """Per site (or site and issuer): report years found and missing, failures of the last run."""
        with read_snapshot(self.db):
            return coverage.coverage(self.db, by_issuer=by_issuer)

    def audit(self, *, sites: Mapping[str, SiteInfo] | None = None) -> Audit:
        """The 年报 audit (docs/audit.md): deadlines, template conformance, figures, edits; reads only."""
        return audit(self.db, sites=sites)

    def site_status(self) -> list[dict[str, Any]]:
        """Each site's latest run (outcome, counts, error classes) and hours since its last good run."""
        with read_snapshot(self.db):
            return status.site_status(self.db)

    def status(self) -> dict[str, Any]:
        """``sites`` (:meth:`site_status`) and ``last_run`` (:meth:`last_run`), from one snapshot. A last
        run still ``running`` says whether a crawl holds the archive (``writer_active``): if none does,
        its crawl ended without closing it (killed, or the disk full), and the next crawl marks it
        interrupted."""
        with read_snapshot(self.db):
            sites, last = status.site_status(self.db), status.last_run(self.db)
        if last is not None and last["status"] == "running":
            last["writer_active"] = writer_active(self.path)
        return {"sites": sites, "last_run": last}

    def run_sites(self, run_id: int) -> list[dict[str, Any]]:
        """Per site of one run: captures, successes, errors and error classes (the ``run_sites`` view)."""
        return runs.sites_of(self.db, run_id)

    def run_errors(self, run_id: int) -> list[dict[str, Any]]:
        """The failed captures of one run (url, site, error_class, error_message)."""
        return runs.errors_of(self.db, run_id)

    def last_run(self) -> dict[str, Any] | None:
        """The newest run row, or None for an archive never crawled."""
        return status.last_run(self.db)

    def get_run(self, run_id: int) -> dict[str, Any]:
        """One run row with its counts."""
        return runs.get(self.db, run_id)

    def last_successful_run(self, command: str) -> str | None:
        """When the newest run of ``command`` that ended "ok" finished (ISO 8601), or None."""
        return runs.last_success(self.db, command)

    def record_capture(self, capture: Capture, *, run_id: int | None = None) -> Recorded:
        """Store one capture and everything it implies, in one transaction."""
        with self._writing(f"record capture of {capture.url}"):
            recorded = record.record(self.db, capture, run_id, self.revisit)
            if capture.frontier_key:
                frontier.mark_done(self.db, capture.frontier_key, run_id)
            return recorded

    def record_captures(self, captures: list[Capture], *, run_id: int | None = None) -> list[Recorded | ArchiveError]:
        """Store several captures in one transaction (one commit, one search-index flush), each wholly or not at all.

        Each capture is recorded inside its own savepoint: one that fails (for any reason but a file
        that takes no more writes) is rolled back alone and an ArchiveError returned in its place;
        the others are committed together.
        """
        results: list[Recorded | ArchiveError] = []
        with self._writing(f"record {len(captures)} captures"):
            for capture in captures:
                self.db.execute("SAVEPOINT capture")
                try:
                    recorded = record.record(self.db, capture, run_id, self.revisit)
                    if capture.frontier_key:
                        frontier.mark_done(self.db, capture.frontier_key, run_id)
                except Exception as exc:  # any failure loses this capture alone, never the group, and is returned
                    if isinstance(exc, sqlite3.Error) and _is_storage_failure(exc):
                        raise  # the file cannot take writes: the whole group fails, nothing half-written
                    self.db.execute("ROLLBACK TO capture")
                    self.db.execute("RELEASE capture")
                    results.append(exc if isinstance(exc, ArchiveError) else ArchiveError(
                        f"cannot record capture of {capture.url}: {type(exc).__name__}: {exc}"))
                    continue
                self.db.execute("RELEASE capture")
                results.append(recorded)
        return results

    def frontier_queue(self, entries: Sequence[FrontierEntry], *, run_id: int | None = None,
                       done_key: str | None = None) -> int:
        """Queue requests and (optionally) mark the request that led to them done, in one transaction."""
        with self._writing("update the frontier"):
            added = frontier.queue(self.db, entries, run_id)
            if done_key:
                frontier.mark_done(self.db, done_key, run_id)
            return added

    def frontier_pending(self, sites: list[str]) -> list[FrontierEntry]:
        """Requests queued by an unfinished crawl of ``sites``, to resume it."""
        return frontier.pending(self.db, sites)

    def frontier_done_keys(self, sites: list[str]) -> set[str]:
        """Requests an unfinished crawl of ``sites`` already recorded."""
        return frontier.done_keys(self.db, sites)

    def frontier_done_sites(self, sites: list[str]) -> set[str]:
        """Those of ``sites`` an unfinished crawl already reached."""
        return frontier.done_sites(self.db, sites)

    def known_documents(self, sites: list[str]) -> list[KnownDocument]:
        """Every live document of ``sites``, whether or not a list still links it (``due_documents`` with ``everything``)."""
        return self.due_documents(sites, everything=True)

    def due_documents(self, sites: list[str], *, now: datetime | None = None,
                      everything: bool = False) -> list[KnownDocument]:
        """Live documents of ``sites`` due for a visit by ``now`` (see ``archive.revisit``); all of them with ``everything``."""
        return revisit.due(self.db, sites, self.revisit, now or clock.now(), everything=everything)

    def not_due_keys(self, sites: list[str], *, now: datetime | None = None) -> set[tuple[str, str]]:
        """(site, key) of every URL of a document of ``sites`` that is not due by ``now``, live or removed."""
        return revisit.not_due(self.db, sites, self.revisit, now or clock.now())

    def not_due_list_pages(self, sites: list[str], *, now: datetime | None = None) -> set[str]:
        """Request keys of the list pages of ``sites`` that a run need not read when the page linking
        them is unchanged (``archive.revisit.list_page_due``)."""
        return revisit.not_due_list_pages(self.db, sites, self.revisit, now or clock.now())

    def record_alias(self, site: str, *, url: str, location: str, status: int, seen_at: str | None = None) -> None:
        """Remember a site's permanent move: ``url`` answered ``status`` (301/308) to ``location`` on another origin."""
        seen_at = seen_at or clock.stamp()
        with self._writing(f"remember the move of {site}"):
            record.touch_site(self.db, site, seen_at)  # a move can be the first thing a crawl learns of a site
            identity.record_alias(self.db, site, url=url, location=location, status=status, seen_at=seen_at)

    def site_aliases(self, sites: list[str]) -> list[dict[str, Any]]:
        """Origins ``sites`` moved away from, learned from permanent redirects (``site_aliases``)."""
        return identity.aliases(self.db, sites)

    def document_urls(self, url_or_id: str | int) -> list[dict[str, Any]]:
        """Every URL one document was seen at, oldest first."""
        document_id = history.document_id(self.db, url_or_id)
        return identity.urls(self.db, document_id) if document_id is not None else []

    def next_visit(self, url_or_id: str | int) -> dict[str, Any] | None:
        """When one document is next due and why: ``next_visit``, ``revisit_days``, ``revisit_reason``, ``status``."""
        return history.next_visit(self.db, url_or_id)

    def record_list_page(self, page: dict[str, Any]) -> None:
        """Remember what a list page led to (see ``archive.list_pages``), in its own transaction."""
        with self._writing(f"remember list page {page['url']}"):
            list_pages.record(self.db, page)

    def known_list_pages(self, sites: list[str]) -> dict[str, dict[str, Any]]:
        """The list pages of ``sites`` as last read, by request key."""
        return list_pages.known(self.db, sites)

    def frontier_clear(self, sites: list[str]) -> int:
        """Forget the frontier of ``sites`` once their crawl completed."""
        with self._writing("clear the frontier"):
            return frontier.clear(self.db, sites)

    def close_stale_runs(self, *, keep: int | None = None) -> list[int]:
        """Mark runs still "running" as interrupted, except ``keep``; call only while holding the writer lock."""
        with self._writing("close stale runs"):
            return runs.close_stale(self.db, keep)

    def current_body(self, url: str, *, site: str) -> tuple[str, str | None] | None:
        """(raw sha256, extractor version) behind the current version of the live document ``url`` names, or None."""
        return record.current_body(self.db, site, url)

    def site_bodies(self, sites: list[str]) -> list[tuple[str, str, str, str, str | None, str | None]]:
        """``current_body`` for every URL a document of ``sites`` was seen at, at once: (site, url, key,
        the document's URL, sha256, extractor version), most recently seen first; no body for a document not live."""
        return record.site_bodies(self.db, sites)

    def validators(self, url: str) -> dict[str, str | None] | None:
        """ETag and Last-Modified for a conditional request, or None when a full fetch is due."""
        return record.validators(self.db, url)

    def site_validators(self, sites: list[str]) -> dict[str, dict[str, str | None]]:
        """``validators`` of every live document of ``sites`` that has any, by each URL it was seen at (one query)."""
        return record.site_validators(self.db, sites)

    def site_validators_by_key(self, sites: list[str]) -> dict[tuple[str, str], dict[str, str | None]]:
        """The same validators by (site, key): for documents asked for at a URL never seen (a moved site)."""
        return record.site_validators_by_key(self.db, sites)

    def search(self, query: str, *, limit: int = 20, raw: bool = False, order: str = "recent") -> list[dict[str, Any]]:
        """Current versions matching ``query`` (``order`` "recent" or "relevance"); QueryError for unusable queries."""
        return search.search(self.db, query, limit, raw, order)

    def stats(self) -> dict[str, Any]:
        """Counts across the archive, from one snapshot."""
        with read_snapshot(self.db):
            return maintenance.stats(self.db)

    def counts(self) -> dict[str, int]:
        """Sites, documents, versions and captures: what ``stats`` counts, without its full-table sums."""
        with read_snapshot(self.db):
            return maintenance.counts(self.db)

    def history(self, url_or_id: str | int) -> list[dict[str, Any]]:
        """Every capture of one document, oldest first, with the version it showed."""
        return history.history(self.db, url_or_id)

    def get_version(self, url_or_id: str | int, *, as_of: str | None = None,
                    number: int | None = None) -> dict[str, Any] | None:
        """The same as :meth:`show` (its older name)."""
        return self.show(url_or_id, as_of=as_of, number=number)

    def show(self, url_or_id: str | int, *, as_of: str | None = None,
             number: int | None = None) -> dict[str, Any] | None:
        """One version of a document: current, by number, or as of a date (what ``nianbao show`` prints)."""
        return history.get_version(self.db, url_or_id, as_of, number)

    def first_version(self, url_or_id: str | int) -> dict[str, Any] | None:
        """The first version of a document, or None for an unknown one."""
        return history.get_version(self.db, url_or_id, None, 1)

    def diff(self, url_or_id: str | int, v1: int | None = None, v2: int | None = None) -> dict[str, Any]:
        """Text diff and changed fields between two versions (default: previous and current)."""
        return history.diff(self.db, url_or_id, v1, v2)

    def documents(self, *, kind: str | None = None, status: str | None = None) -> Iterator[dict[str, Any]]:
        """Documents, optionally filtered by kind and status."""
        return history.documents(self.db, kind, status)

    def versions(self, *, current_only: bool = True) -> Iterator[dict[str, Any]]:
        """Versions (current ones by default), with their document URL."""
        return history.versions(self.db, current_only)

    def blob(self, sha256: str) -> bytes:
        """The raw bytes stored under ``sha256``."""
        return blobs.load(self.db, sha256)

    def reextract(self, extract_fn: reextract.ExtractFn, *, extractor_version: str,
                  force: bool = False, pending_ocr: bool = False) -> dict[str, int]:
        """Re-extract stored bodies and rebuild versions, outcomes and search; no HTTP.

        ``pending_ocr``: only the bodies whose scanned pages were left for OCR by ``extractor_version``.
        """
        if self.readonly:
            raise ArchiveError("cannot re-extract: archive opened read-only")
        return reextract.reextract(self.db, extract_fn, extractor_version, force, pending_ocr)

    def pending_ocr(self) -> int:
        """How many URLs have a body whose scanned pages still await OCR (by any extractor)."""
        return reextract.pending_ocr_count(self.db)

    def export(self, format: str, target: str | Path | IO[str], *, all_versions: bool = False) -> int:
        """Write the archive as ``jsonl``, ``csv`` or ``warc`` to ``target``; return versions (or records) written.

        A WARC named ``*.warc`` is plain, any other name gzipped record by record; ``all_versions``
        applies to JSON Lines and CSV. ``target`` may be an open text stream for JSON Lines.
        """
        from archive import export  # export builds on this class

        if format == "jsonl":
            return export.export_jsonl(self, target, all_versions=all_versions)
        if format not in ("csv", "warc"):
            raise ArchiveError(f"unknown export format {format!r}; known: jsonl, csv, warc")
        if not isinstance(target, (str, Path)):
            raise ArchiveError(f"{format} exports write to a file, not a stream")
        if Path(target).exists():  # before any other complaint: the archive itself may be named by mistake
            raise ArchiveError(f"export target {target} exists; refusing to overwrite (remove it first)")
        if format == "csv":
            return export.export_csv(self, target, all_versions=all_versions)
        return export.export_warc(self, target)  # gzipped per record unless the name ends in .warc

    def backup(self, dest_path: str | Path) -> Path:
        """A consistent, checked snapshot at ``dest_path`` (VACUUM INTO); refuses to overwrite."""
        return maintenance.backup(self.db, dest_path)

    def check(self) -> list[str]:
        """Problems found by every check, read in one transaction; [] when the archive is sound.

        On a read-only connection FTS5's own integrity-check (an INSERT) is left out; the
        invariants still compare the indexed versions with the current ones.
        """
        return maintenance.check(self.db)

    def remove_stale_backups(self, directory: str | Path | None = None) -> list[tuple[Path, int]]:
        """Delete partial files that killed backups left in ``directory`` (default: beside the archive); (path, bytes) of each."""
        return maintenance.remove_stale_backups(Path(directory) if directory is not None else self.path.parent)

    def compact(self, *, vacuum: bool = False) -> dict[str, int]:
        """Merge the search index (and with ``vacuum`` shrink the file); byte counts before and after."""
        if self.readonly:
            raise ArchiveError("cannot compact: archive opened read-only")
        return maintenance.compact(self.db, vacuum=vacuum)
