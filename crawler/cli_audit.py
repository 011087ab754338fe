"""``nianbao audit``: a thin layer over :meth:`archive.Archive.audit` (docs/audit.md)."""

from __future__ import annotations

import json
import sys
import unicodedata
from pathlib import Path
from typing import Any

import click

import archive
from archive.audit import VIEWS, SiteInfo
from archive.audit.rows import csv_cell
from archive.export import export_table_csv
from crawler.cli_base import DB_OPTION
from crawler.registry import RegistryError, load_registry
from nianbao.errors import NianbaoError

# The columns printed for each view in text mode: (heading, key); --json and --csv give every column.
TEXT_COLUMNS = {
    "summary": (("region", "region"), ("level", "level"), ("bodies", "bodies"), ("reports", "reports"),
                ("on time", "on_time"), ("late", "late"), ("seen late", "seen_late"), ("unverified", "unverified"),
                ("no deadline", "no_deadline"), ("missing", "missing_years"), ("template", "template"),
                ("unbalanced", "unbalanced"), ("text≠table", "text_table_mismatch"), ("carry", "carry_mismatch"),
                ("edited late", "edited_after_deadline"), ("removed", "removed")),
    "reports": (("body", "body"), ("year", "report_year"), ("deadline", "deadline"), ("status", "deadline_status"),
                ("days late", "days_late"), ("checked", "checked"), ("findings", "findings")),
    "bodies": (("body", "body"), ("level", "level"), ("years", "first_year"), ("to", "last_year"),
               ("missing", "missing_years"), ("late", "late"), ("findings", "findings")),
    "years": (("year", "report_year"), ("reports", "reports"), ("on time", "on_time"), ("late", "late"),
              ("unverified", "unverified"), ("no deadline", "no_deadline"), ("findings", "findings")),
    "findings": (("check", "check"), ("body", "body"), ("year", "report_year"), ("detail", "detail")),
    "checks": (("check", "name"), ("rule", "rule")),
}


@click.command()
@DB_OPTION
@click.option("--view", type=click.Choice(VIEWS), default="summary", show_default=True,
              help="Rows by region and level, per report, body, report year or finding, or the checks' rules.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per row, every column.")
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False, allow_dash=True),
              help="Write the rows as CSV (every column; UTF-8 with a BOM) to this new file, '-' for standard output.")
@click.option("--registry", "registry_path", type=click.Path(exists=True, dir_okay=False),
              help="Your own sites file, merged over the packaged registry (site levels and region codes).")
def audit(db_path: str, view: str, as_json: bool, csv_path: str | None, registry_path: str | None) -> None:
    """Audit the archived 年报: deadlines, template conformance, figures that do not add up, edits."""
    if not Path(db_path).exists():
        raise click.ClickException(f"no archive at {db_path}; run `nianbao crawl` or `nianbao demo` first")
    try:
        with archive.open_archive(db_path, readonly=True) as db:
            rows = db.audit(sites=registry_sites(registry_path)).rows(view)
        if csv_path:
            write_csv(rows, csv_path)
            return
    except (NianbaoError, RegistryError) as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        for row in rows:
            click.echo(json.dumps(row, ensure_ascii=False))
        return
    print_table(view, rows)


def registry_sites(registry_path: str | None) -> dict[str, SiteInfo]:
    """What the registry says of each site: its level and region code."""
    registry = load_registry(extra=Path(registry_path) if registry_path else None)
    return {entry.name: SiteInfo(entry.level, entry.region_code) for entry in registry}


def write_csv(rows: list[dict[str, Any]], path: str) -> None:
    """Every column of the rows as CSV; the count to standard error."""
    columns = list(rows[0]) if rows else []
    cells = ([csv_cell(row[c]) for c in columns] for row in rows)
    count = export_table_csv(columns, cells, sys.stdout if path == "-" else path)
    click.echo(f"{count} rows", err=True)


def print_table(view: str, rows: list[dict[str, Any]]) -> None:
    """The view's text columns as an aligned table (a CJK character is two columns wide)."""
    columns = TEXT_COLUMNS[view]
    lines = [[heading for heading, _ in columns]]
    lines += [[text_cell(cell_value(row, key)) for _, key in columns] for row in rows]
    widths = [max(display_width(line[i]) for line in lines) for i in range(len(columns))]
    for line in lines:
        click.echo("  ".join(pad(cell, width) for cell, width in zip(line, widths, strict=True)).rstrip())
    if not rows:
        click.echo("(no reports in the archive)" if view != "checks" else "")


def cell_value(row: dict[str, Any], key: str) -> Any:
    """A row's value for a text column; the summary's "seen late" and "unverified" add two statuses."""
    if key == "seen_late":
        return row["first_seen_late"] + row["claimed_on_time_first_seen_late"]
    if key == "unverified" and "unknown" in row:
        return row["unverified"] + row["unknown"]
    return row.get(key)


def text_cell(value: Any) -> str:
    """A value as printed: lists joined, mappings as check:count, None as -."""
    if value is None or value == [] or value == {}:
        return "-"
    if isinstance(value, dict):
        return " ".join(f"{k}:{v}" for k, v in value.items())
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    return str(value)


def display_width(text: str) -> int:
    """Terminal columns: wide and full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, width: int) -> str:
    """``text`` padded with spaces to ``width`` terminal columns."""
    return text + " " * (width - display_width(text))
