"""The keeping commands of ``nianbao``: backup, check, compact, reextract, ocr, migrate.

Each wraps the :class:`archive.Archive` method of the same name. ``backup`` and ``check`` read (a
read-only archive is fine); ``compact``, ``reextract``, ``ocr`` and ``migrate`` write, holding the archive's
writer lock, so they are refused while a crawl writes. SIGTERM or SIGINT stops the long ones at once
and cleanly (``crawler.stopping``).
"""

from __future__ import annotations

from pathlib import Path

import click

from crawler import exit_codes
from crawler.cli_base import DB_OPTION, JSON_OPTION, CommandFailed, echo_json, opened
from crawler.stopping import stop_on_signals
from crawler.text_table import plural


@click.command()
@click.argument("dest", type=click.Path(dir_okay=False))
@DB_OPTION
@JSON_OPTION
def backup(dest: str, db_path: str, as_json: bool) -> None:
    """A consistent snapshot of the archive at DEST (never overwritten), then a check of the copy.

    Files that killed backups left in DEST's directory are removed first.
    """
    with opened(db_path) as db:
        _report_removed(db.remove_stale_backups(Path(dest).parent))
        with stop_on_signals(db.interrupt, f"no backup was written to {dest}"):
            written = db.backup(dest)
    with opened(str(written)) as copy:
        problems = copy.check()
    if as_json:
        echo_json({"backup": str(written), "bytes": written.stat().st_size, "problems": problems})
    else:
        click.echo(f"backup written to {written} ({written.stat().st_size:,} bytes)")
    _report(problems, quiet=as_json)


@click.command()
@DB_OPTION
@JSON_OPTION
def check(db_path: str, as_json: bool) -> None:
    """Integrity, invariants, blobs and the search index, read in one transaction; exit code 1 when anything is wrong.

    Files that killed backups left beside the archive are removed.
    """
    with opened(db_path) as db:
        _report_removed(db.remove_stale_backups())
        problems = db.check()
    if as_json:
        echo_json({"problems": problems})
    _report(problems, quiet=as_json)


def _report_removed(removed: list[tuple[Path, int]]) -> None:
    """Say which leftovers of killed backups were deleted (on stderr: it is not the command's result)."""
    for path, size in removed:
        click.echo(f"removed {path} ({size:,} bytes), left by a backup that was killed", err=True)


def _report(problems: list[str], *, quiet: bool = False) -> None:
    """Print check results; problems make the command fail."""
    if not quiet:
        for problem in problems:
            click.echo(problem)
    if problems:
        raise click.exceptions.Exit(exit_codes.FAILED)
    if not quiet:
        click.echo("check: ok")


@click.command()
@click.option("--vacuum", is_flag=True,
              help="Also rewrite the file without free pages (needs free disk space the size of the archive).")
@DB_OPTION
@JSON_OPTION
def compact(vacuum: bool, db_path: str, as_json: bool) -> None:
    """Merge the search index (a complete crawl that changed versions already does); --vacuum shrinks the file."""
    with opened(db_path, writer=True) as db, stop_on_signals(db.interrupt, "the archive is as it was before"):
        sizes = db.compact(vacuum=vacuum)
    if as_json:
        echo_json(sizes)
        return
    click.echo(f"search index {sizes['index_before']:,} → {sizes['index_after']:,} bytes; "
               f"file {sizes['file_before']:,} → {sizes['file_after']:,} bytes")


@click.command()
@click.option("--force", is_flag=True, help="Re-extract every body, not only those of older extractors.")
@DB_OPTION
@JSON_OPTION
def reextract(force: bool, db_path: str, as_json: bool) -> None:
    """Re-extract stored bodies with the current extractor and rebuild versions; no HTTP."""
    from extract import EXTRACTOR_VERSION, extract_document

    hint = "documents already re-extracted are kept; run `nianbao reextract` again to finish"
    with opened(db_path, writer=True) as db, stop_on_signals(db.interrupt, hint):
        counts = db.reextract(extract_document, extractor_version=EXTRACTOR_VERSION, force=force)
    if as_json:
        echo_json({"extractor_version": EXTRACTOR_VERSION, **counts})
        return
    click.echo(f"extractor {EXTRACTOR_VERSION}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))


@click.command()
@DB_OPTION
@JSON_OPTION
def ocr(db_path: str, as_json: bool) -> None:
    """Read by OCR the scanned pages that crawls left unread (flag needs_ocr); no HTTP."""
    counts = read_pending_scans(db_path)
    if as_json:
        echo_json(counts)
        return
    click.echo("ocr: " + ", ".join(f"{k} {v}" for k, v in counts.items()))


def read_pending_scans(db_path: str) -> dict[str, int]:
    """Re-extract, with OCR, every body whose scanned pages the current extractor left for OCR."""
    from extract import EXTRACTOR_VERSION, extract_document
    from extract.scanned import ocr_available

    hint = "documents already read are kept; run `nianbao ocr` again to finish"
    with opened(db_path, writer=True) as db:
        if not ocr_available():
            raise CommandFailed(f"the ocr extra is not installed (pip install 'nianbao[ocr]'); "
                                f"{db.pending_ocr()} documents await OCR")
        with stop_on_signals(db.interrupt, hint):
            return db.reextract(extract_document, extractor_version=EXTRACTOR_VERSION, pending_ocr=True)


@click.command()
@DB_OPTION
@JSON_OPTION
def migrate(db_path: str, as_json: bool) -> None:
    """Bring an archive written by an older nianbao to this version's schema (crawls do it too)."""
    with opened(db_path, writer=True) as db:
        versions = db.migrate()
    if as_json:
        echo_json(versions)
    elif versions["from"] == versions["to"]:
        click.echo(f"{db_path}: schema version {versions['to']}, already current")
    else:
        steps = versions["to"] - versions["from"]
        click.echo(f"{db_path}: schema version {versions['from']} → {versions['to']} ({plural(steps, 'migration')})")


MAINTENANCE_COMMANDS = (backup, check, compact, reextract, ocr, migrate)
