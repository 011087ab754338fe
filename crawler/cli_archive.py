"""The reading commands of ``nianbao``: search, history, show, diff, coverage, status, stats, export.

Each is a thin wrapper over the :class:`archive.Archive` method of the same name, on an archive
opened read-only: a reader never migrates or writes, so it works on a read-only file and while a
crawl writes. Plain output is for people (tables padded by display width); ``--json`` is for programs.
"""

from __future__ import annotations

import sys
from typing import Any

import click

from crawler import exit_codes
from crawler.cli_base import DB_OPTION, JSON_OPTION, CommandFailed, document_ref, echo_json, echo_lines, opened
from crawler.render import history_lines, show_lines, snippet_line, stats_lines, whereabouts_lines
from crawler.text_table import plural, render


@click.command()
@click.argument("query")
@DB_OPTION
@click.option("--limit", default=20, show_default=True, help="At most this many results.")
@JSON_OPTION
@click.option("--order", type=click.Choice(["recent", "relevance"]), default="recent", show_default=True,
              help="Newest versions first (fast), or ranked by bm25 (slower for very common terms).")
def search(query: str, db_path: str, limit: int, as_json: bool, order: str) -> None:
    """Full-text search (Chinese substrings) over the current version of every document."""
    with opened(db_path) as db:
        hits = db.search(query, limit=limit, order=order)
    for hit in hits:
        if as_json:
            echo_json(hit)
        else:
            echo_lines([hit["title"] or "(no title)", f"  {hit['url']}  (document {hit['document_id']}, "
                        f"version {hit['version']})", f"  {snippet_line(hit['snippet'])}"])
    if not as_json:
        click.echo(plural(len(hits), "result"), err=True)


@click.command()
@click.argument("doc_or_url")
@DB_OPTION
@JSON_OPTION
def history(doc_or_url: str, db_path: str, as_json: bool) -> None:
    """Every capture of one document (by id or URL), oldest first, with the version it showed; its URLs and next visit."""
    with opened(db_path) as db:
        timeline = db.history(document_ref(doc_or_url))
        seen_at, visit = db.document_urls(document_ref(doc_or_url)), db.next_visit(document_ref(doc_or_url))
        current = db.show(document_ref(doc_or_url)) if timeline else None
    if not timeline or current is None:
        raise CommandFailed(f"no document {doc_or_url} in {db_path}")
    if as_json:
        for entry in timeline:
            echo_json(entry)
        return
    echo_lines(history_lines(current, timeline) + whereabouts_lines(seen_at, visit))


@click.command()
@click.argument("doc_or_url")
@click.option("--as-of", help="The version current at this ISO date or time (a date means its end, UTC).")
@click.option("--version", "number", type=int, help="Version number.")
@DB_OPTION
@JSON_OPTION
def show(doc_or_url: str, as_of: str | None, number: int | None, db_path: str, as_json: bool) -> None:
    """Title, metadata, tables and text of one version of a document (the current one by default)."""
    ref = document_ref(doc_or_url)
    with opened(db_path) as db:
        version = db.show(ref, as_of=as_of, number=number)
        first = db.first_version(ref) if version is None else None
    if version is None:
        raise CommandFailed(_no_version(doc_or_url, first, as_of, number))
    if as_json:
        echo_json(version)
        return
    echo_lines(show_lines(version))


def _no_version(doc_or_url: str, first: dict[str, Any] | None, as_of: str | None, number: int | None) -> str:
    """Why ``show`` found nothing: no such document, a date before it, or a number past its last version."""
    if first is None:
        return f"no document {doc_or_url}"
    name = f"document {first['document_id']}"
    if as_of is not None:
        return f"no version of {name} existed on {as_of} (first captured {first['created_at']})"
    return f"{name} has no version {number}"


@click.command()
@click.argument("doc_or_url")
@click.argument("versions", nargs=-1, type=int, metavar="[V1 V2]")
@DB_OPTION
@JSON_OPTION
def diff(doc_or_url: str, versions: tuple[int, ...], db_path: str, as_json: bool) -> None:
    """Changed metadata and a unified text diff between versions V1 and V2 (default: previous → current)."""
    if len(versions) not in (0, 2):
        raise click.BadParameter("give two version numbers, or none", param_hint="V1 V2")
    ref = document_ref(doc_or_url)
    with opened(db_path) as db:
        current = db.show(ref)
        if current is None:
            raise CommandFailed(f"no document {doc_or_url}")
        if not versions and current["number"] == 1:
            click.echo(f"document {current['document_id']} has only one version; nothing to compare")
            return
        result = db.diff(ref, *versions)
    if as_json:
        echo_json(result)
        return
    click.echo(f"document {current['document_id']}: version {result['from']} → {result['to']}")
    for name, (old, new) in result["fields"].items():
        click.echo(f"{name}: {_shown(old)} → {_shown(new)}")
    click.echo(result["text_diff"] or "(text unchanged)")


def _shown(value: Any) -> str:
    """A changed field's value as a person reads it."""
    return "(none)" if value is None else str(value)


@click.command()
@DB_OPTION
@click.option("--by-issuer", is_flag=True, help="One row per issuing body instead of per site.")
@JSON_OPTION
def coverage(db_path: str, by_issuer: bool, as_json: bool) -> None:
    """Per site: report years found vs expected, missing years, failed fetches by class."""
    with opened(db_path) as db:
        table = db.coverage(by_issuer=by_issuer)
    if as_json:
        for row in table:
            echo_json(row)
        return
    headings = ["site", *(["issuer"] if by_issuer else []), "years", "reports", "missing", "failures"]
    echo_lines(render(headings, [_coverage_row(row, by_issuer) for row in table], numeric=[len(headings) - 3]))


def _coverage_row(row: dict[str, Any], by_issuer: bool) -> list[Any]:
    span = f"{row['first_year']}–{row['last_year']}" if row["years"] else "no reports"
    failures = " ".join(f"{kind}:{count}" for kind, count in row["failures"].items()) or "-"
    issuer = [row["issuer"] or "-"] if by_issuer else []
    return [row["site"], *issuer, span, len(row["years"]), ",".join(map(str, row["missing_years"])) or "-", failures]


STATUS_HEADINGS = ["site", "run", "outcome", "fetched", "new", "changed", "errors", "last ok", "error classes"]


@click.command()
@DB_OPTION
@JSON_OPTION
def status(db_path: str, as_json: bool) -> None:
    """Each site's latest run, staleness and failures, and what the last run lost; exit 1 when a run
    or site failed or a run was left unclosed."""
    with opened(db_path) as db:
        report = db.status()
    sites, last = report["sites"], report["last_run"]
    if as_json:
        for row in sites:
            echo_json(row)
    else:
        echo_lines(render(STATUS_HEADINGS, [_status_row(row) for row in sites], numeric=[1, 3, 4, 5, 6]))
        if last is not None:
            why = f": {last['error']}" if last["error"] else ""  # what a partial or failed run lost, or why
            if _unclosed(last):
                why = ", but no crawl holds the archive: it ended without closing the run (the next crawl marks it interrupted)"
            click.echo(f"last run {last['id']} ({last['command']}): {last['status']}, started {last['started_at']}{why}")
    sys.exit(_status_code(sites, last))


def _status_row(row: dict[str, Any]) -> list[Any]:
    stale = "never" if row["stale_hours"] is None else f"{row['stale_hours']}h ago"
    return [row["site"], row["run_id"], row["outcome"], row["fetched"], row["new"], row["changed"], row["errors"],
            stale, ",".join(row["error_classes"]) or "-"]


def _unclosed(last: dict[str, Any]) -> bool:
    """A last run left ``running`` by a crawl that is gone."""
    return last["status"] == "running" and not last.get("writer_active", True)


def _status_code(sites: list[dict[str, Any]], last: dict[str, Any] | None) -> int:
    """1 when the last run or any site's latest run failed, or its crawl ended without closing it;
    3 when the last run was partial; else 0."""
    if last is not None and (last["status"] == "failed" or _unclosed(last)):
        return exit_codes.FAILED
    if any(r["outcome"] == "failed" for r in sites):
        return exit_codes.FAILED
    return exit_codes.PARTIAL if last is not None and last["status"] == "partial" else exit_codes.OK


@click.command()
@DB_OPTION
@JSON_OPTION
def stats(db_path: str, as_json: bool) -> None:
    """Counts of sites, documents, versions, captures and bytes."""
    with opened(db_path) as db:
        counts = db.stats()
    if as_json:
        echo_json(counts)
        return
    echo_lines(stats_lines(counts))


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
        count = db.export("jsonl", sys.stdout if path == "-" else path, all_versions=all_versions)
    click.echo(f"{plural(count, 'version')} written to {path}", err=True)


@export_group.command(name="csv")
@click.argument("path", type=click.Path(dir_okay=False))
@ALL_VERSIONS
@DB_OPTION
def export_csv(path: str, all_versions: bool, db_path: str) -> None:
    """Metadata of each version as CSV, UTF-8 with a BOM so Excel reads the Chinese right."""
    with opened(db_path) as db:
        count = db.export("csv", path, all_versions=all_versions)
    click.echo(f"{plural(count, 'version')} written to {path}", err=True)


@export_group.command(name="warc")
@click.argument("path", type=click.Path(dir_okay=False))
@DB_OPTION
def export_warc(path: str, db_path: str) -> None:
    """Captures (responses, revisits, removals) and versions (metadata) as WARC 1.1, gzipped unless PATH ends in .warc."""
    with opened(db_path) as db:
        count = db.export("warc", path)
    click.echo(f"{plural(count, 'record')} written to {path}", err=True)


READER_COMMANDS = (search, history, show, diff, coverage, status, stats, export_group)
