"""Archive commands of the ``nianbao`` CLI: history, show, diff, export, backup, check, reextract.

Each command is a thin wrapper over one library call; library errors become ClickExceptions.
The commands are collected in ``ARCHIVE_COMMANDS`` for ``main.add_command``.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import click

import archive
from archive import export
from nianbao import fields
from nianbao.errors import NianbaoError

DB_OPTION = click.option("--db", "db_path", default="nianbao.db", show_default=True,
                         type=click.Path(dir_okay=False), help="Archive file (SQLite).")
JSON_OPTION = click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
SHA_PREFIX = 12
# The history table: (heading, key, width).
HISTORY_COLUMNS = (
    ("fetched_at", "fetched_at", 20), ("status", "status", 6), ("outcome", "outcome", 12),
    ("version", "version", 7), ("sha256", "sha256", SHA_PREFIX), ("note", "note", 0),
)
# Metadata printed by `show`, in order; text and JSON lists are printed on their own.
SHOW_FIELDS = ("url", "document_status", "number", "created_at", "sha256", *fields.SHOWN)


@contextmanager
def opened(db_path: str, *, readonly: bool = True) -> Iterator[archive.Archive]:
    """The archive at ``db_path``; a missing file or any library error becomes a ClickException."""
    if not Path(db_path).exists():
        raise click.ClickException(f"no archive at {db_path}; run `nianbao crawl` or `nianbao demo` first")
    try:
        with archive.open_archive(db_path, readonly=readonly) as db:
            yield db
    except NianbaoError as exc:
        raise click.ClickException(str(exc)) from exc


def document_ref(value: str) -> str | int:
    """A document id (all digits) or a URL."""
    return int(value) if value.isdigit() else value


def echo_json(value: Any) -> None:
    """One JSON value on one line, CJK kept readable."""
    click.echo(json.dumps(value, ensure_ascii=False))


@click.command()
@click.argument("doc_or_url")
@DB_OPTION
@JSON_OPTION
def history(doc_or_url: str, db_path: str, as_json: bool) -> None:
    """Every capture of one document (by id or URL), oldest first, with the version it showed."""
    with opened(db_path) as db:
        timeline = db.history(document_ref(doc_or_url))
        seen_at, visit = db.document_urls(document_ref(doc_or_url)), db.next_visit(document_ref(doc_or_url))
    if not timeline:
        raise click.ClickException(f"no document {doc_or_url}")
    if as_json:
        for entry in timeline:
            echo_json(entry)
        return
    click.echo(_table_line({key: heading for heading, key, _ in HISTORY_COLUMNS}))
    for entry in timeline:
        click.echo(_table_line(_history_cells(entry)))
    if len(seen_at) > 1:  # the document moved: every URL it was served at
        for place in seen_at:
            click.echo(f"seen at {place['url']} from {place['first_seen']} to {place['last_seen']}")
    click.echo(_next_visit_line(visit))


def _history_cells(entry: dict[str, Any]) -> dict[str, str]:
    """The printed cells of one history entry."""
    note = entry["error_class"] or ""
    if entry["error_message"]:
        note = f"{note}: {entry['error_message']}" if note else entry["error_message"]
    return {"fetched_at": entry["fetched_at"], "status": _text(entry["status"]),
            "outcome": entry["outcome"], "version": _text(entry["version"]),
            "sha256": (entry["sha256"] or "")[:SHA_PREFIX], "note": note}


def _next_visit_line(visit: dict[str, Any] | None) -> str:
    """When the document is next due and why (archive/revisit.py)."""
    if not visit or not visit["next_visit"]:
        return "next visit: the next crawl (not scheduled yet)"
    return f"next visit: from {visit['next_visit']} ({visit['revisit_reason']})"


def _table_line(cells: dict[str, str]) -> str:
    """Cells padded to the HISTORY_COLUMNS widths."""
    return "  ".join(str(cells[key]).ljust(width) for _, key, width in HISTORY_COLUMNS).rstrip()


def _text(value: Any) -> str:
    """A cell: empty for None."""
    return "" if value is None else str(value)


@click.command()
@click.argument("doc_or_url")
@click.option("--as-of", help="The version current at this ISO date or time (a date means its end, UTC).")
@click.option("--version", "number", type=int, help="Version number.")
@DB_OPTION
@JSON_OPTION
def show(doc_or_url: str, as_of: str | None, number: int | None, db_path: str, as_json: bool) -> None:
    """Title, metadata and text of one version of a document (the current one by default)."""
    with opened(db_path) as db:
        version = db.get_version(document_ref(doc_or_url), as_of=as_of, number=number)
    if version is None:
        raise click.ClickException(f"no such version of {doc_or_url}")
    if as_json:
        echo_json(version)
        return
    click.echo(version["title"] or "(no title)")
    for name in SHOW_FIELDS:
        if version[name] is not None:
            click.echo(f"{name}: {version[name]}")
    for name in ("attachments", "tables", "flags"):
        if version[name]:
            click.echo(f"{name}: {json.dumps(version[name], ensure_ascii=False)}")
    click.echo("")
    click.echo(version["text"] or "")


@click.command()
@click.argument("doc_or_url")
@click.argument("versions", nargs=-1, type=int)
@DB_OPTION
@JSON_OPTION
def diff(doc_or_url: str, versions: tuple[int, ...], db_path: str, as_json: bool) -> None:
    """Changed metadata and a unified text diff between versions V1 and V2 (default: previous → current)."""
    if len(versions) not in (0, 2):
        raise click.BadParameter("give two version numbers, or none", param_hint="V1 V2")
    with opened(db_path) as db:
        result = db.diff(document_ref(doc_or_url), *versions)
    if as_json:
        echo_json(result)
        return
    click.echo(f"version {result['from']} → {result['to']}")
    for name, (old, new) in result["fields"].items():
        click.echo(f"{name}: {json.dumps(old, ensure_ascii=False)} → {json.dumps(new, ensure_ascii=False)}")
    click.echo(result["text_diff"] or "(text unchanged)")


@click.group(name="export")
def export_group() -> None:
    """Write the archive as JSON Lines, CSV or WARC (never over an existing file)."""


ALL_VERSIONS = click.option("--all-versions", is_flag=True, help="Every version, not only current ones.")


@export_group.command(name="jsonl")
@click.argument("path", type=click.Path(dir_okay=False, allow_dash=True))
@ALL_VERSIONS
@DB_OPTION
def export_jsonl(path: str, all_versions: bool, db_path: str) -> None:
    """One JSON object per version, text included (PATH "-" writes to standard output)."""
    with opened(db_path) as db:
        target: str | IO[str] = sys.stdout if path == "-" else path
        count = export.export_jsonl(db, target, all_versions=all_versions)
    click.echo(f"{count} versions written to {path}", err=True)


@export_group.command(name="csv")
@click.argument("path", type=click.Path(dir_okay=False))
@ALL_VERSIONS
@DB_OPTION
def export_csv(path: str, all_versions: bool, db_path: str) -> None:
    """Metadata of each version as CSV, UTF-8 with a BOM so Excel reads the Chinese right."""
    with opened(db_path) as db:
        count = export.export_csv(db, path, all_versions=all_versions)
    click.echo(f"{count} versions written to {path}", err=True)


@export_group.command(name="warc")
@click.argument("path", type=click.Path(dir_okay=False))
@DB_OPTION
def export_warc(path: str, db_path: str) -> None:
    """Captures (responses, revisits, removals) and versions (metadata) as WARC 1.1, gzipped unless PATH ends in .warc."""
    with opened(db_path) as db:
        count = export.export_warc(db, path)
    click.echo(f"{count} records written to {path}", err=True)


@click.command()
@click.argument("dest", type=click.Path(dir_okay=False))
@DB_OPTION
def backup(dest: str, db_path: str) -> None:
    """A consistent snapshot of the archive at DEST (never overwritten), then a check of the copy."""
    with opened(db_path, readonly=False) as db:  # VACUUM INTO is refused on a query-only connection
        written = db.backup(dest)
    with opened(str(written)) as copy:
        problems = copy.check()
    click.echo(f"backup written to {written} ({written.stat().st_size} bytes)")
    _report(problems)


@click.command()
@DB_OPTION
def check(db_path: str) -> None:
    """Integrity, invariants, blobs and the search index; exit code 1 when anything is wrong."""
    with opened(db_path, readonly=False) as db:  # FTS5's own integrity-check needs a writable connection
        problems = db.check()
    _report(problems)


@click.command()
@click.option("--vacuum", is_flag=True,
              help="Also rewrite the file without free pages (needs free disk space the size of the archive).")
@DB_OPTION
def compact(vacuum: bool, db_path: str) -> None:
    """Merge the search index (a complete crawl that changed versions already does); --vacuum shrinks the file."""
    from archive.lock import writer_lock

    with opened(db_path, readonly=False) as db, writer_lock(db_path):  # never while a crawl writes
        sizes = db.compact(vacuum=vacuum)
    click.echo(f"search index {sizes['index_before']:,} → {sizes['index_after']:,} bytes; "
               f"file {sizes['file_before']:,} → {sizes['file_after']:,} bytes")


def _report(problems: list[str]) -> None:
    """Print check results; problems make the command fail."""
    for problem in problems:
        click.echo(problem)
    if problems:
        raise click.exceptions.Exit(1)
    click.echo("check: ok")


@click.command()
@click.option("--force", is_flag=True, help="Re-extract every body, not only those of older extractors.")
@DB_OPTION
def reextract(force: bool, db_path: str) -> None:
    """Re-extract stored bodies with the current extractor and rebuild versions; no HTTP."""
    from extract import EXTRACTOR_VERSION, extract_document

    with opened(db_path, readonly=False) as db:
        counts = db.reextract(extract_document, extractor_version=EXTRACTOR_VERSION, force=force)
    click.echo(f"extractor {EXTRACTOR_VERSION}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))


ARCHIVE_COMMANDS = (history, show, diff, export_group, backup, check, compact, reextract)
