"""What the plugin's pages show, read from the archive with its own library functions.

Each function takes a sqlite-utils Database over one of Datasette's read connections and runs in
Datasette's SQL thread (``execute_fn``); none of them writes. Several queries that must agree
(a document and its versions, the coverage matrix) run inside one read transaction
(archive.connection.read_snapshot), so a crawl committing meanwhile cannot split them.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlite_utils import Database

from archive import coverage, history, row_dicts
from archive.connection import read_snapshot
from archive.serve import diff
from nianbao import fields

_VERSIONS_SQL = (
    "SELECT id, number, created_at, title, report_year, publish_date, content_digest, sha256, "
    "extractor_version FROM version_rows WHERE document_id = ? ORDER BY number"
)
_DOCUMENT_SQL = "SELECT d.*, s.family FROM documents d LEFT JOIN sites s ON s.name = d.site WHERE d.id = ?"
_CHILDREN_SQL = (
    "SELECT d.id, d.url, d.status, v.title, v.content_type FROM documents d "
    "LEFT JOIN version_rows v ON v.id = d.current_version_id WHERE d.parent_id = ? ORDER BY d.id"
)
_REPORTS_BY_YEAR_SQL = (
    "SELECT site, report_year, count(*) AS n FROM current_reports "
    "WHERE kind = 'page' AND report_year IS NOT NULL GROUP BY site, report_year"
)
_FEED_SQL = """
SELECT c.version_id, c.document_id, c.url, c.site, c.number, c.created_at, c.change, c.title,
       c.report_year, c.publish_date, v.issuer
FROM changes c JOIN documents d ON d.id = c.document_id JOIN version_rows v ON v.id = c.version_id
WHERE d.kind = 'page'
ORDER BY c.created_at DESC, c.version_id DESC
LIMIT ?
"""


def document_page(db: Database, document_id: int) -> dict[str, Any] | None:
    """A document, its current version, every version, its captures and attachments; None if unknown."""
    with read_snapshot(db):
        document = row_dicts.one(db, _DOCUMENT_SQL, [document_id])
        if document is None:
            return None
        return {
            "document": document,
            "current": history.get_version(db, document_id),
            "shown_fields": fields.SHOWN,
            "versions": row_dicts.all_rows(db, _VERSIONS_SQL, [document_id]),
            "captures": history.history(db, document_id),
            "children": row_dicts.all_rows(db, _CHILDREN_SQL, [document_id]),
            "parent": row_dicts.one(db, "SELECT id, url FROM documents WHERE id = ?", [document["parent_id"]]),
        }


def diff_page(db: Database, document_id: int, old_number: int | None, new_number: int | None,
              context: int | None = diff.CONTEXT_LINES) -> dict[str, Any] | None:
    """Two versions of a document compared (default: the one before the current, and the current)."""
    with read_snapshot(db):
        newer = history.get_version(db, document_id, number=new_number)
        if newer is None:
            return None
        old_number = old_number or max(newer["number"] - 1, 1)
        older = history.get_version(db, document_id, number=old_number)
        if older is None:
            return None
        numbers = [row["number"] for row in row_dicts.iterate(
            db, "SELECT number FROM version_rows WHERE document_id = ? ORDER BY number", [document_id])]
    return {
        "document_id": document_id,
        "url": newer["url"],
        "older": older,
        "newer": newer,
        "numbers": numbers,
        "lines": diff.text_rows(older["text"] or "", newer["text"] or "", context),
        "context": context,
        "fields": diff.field_rows(older, newer),
        "tables": diff.table_diffs(older["tables"], newer["tables"]),
    }


def coverage_page(db: Database) -> dict[str, Any]:
    """The site × report year matrix: reports per cell, missing years, the last run's failures per site."""
    with read_snapshot(db):
        sites = coverage.coverage(db)
        counts: dict[str, dict[int, int]] = defaultdict(dict)
        for row in row_dicts.iterate(db, _REPORTS_BY_YEAR_SQL):
            counts[row["site"]][int(row["report_year"])] = row["n"]
        families = {row["name"]: row["family"] for row in row_dicts.iterate(db, "SELECT name, family FROM sites")}
    seen = {year for per_site in counts.values() for year in per_site}
    years = list(range(min(seen), max(seen) + 1)) if seen else []  # a year no site has is a column too
    matrix = []
    for site in sites:
        missing = set(site["missing_years"])
        cells = [{"year": year, "count": counts[site["site"]].get(year, 0), "missing": year in missing}
                 for year in years]
        matrix.append({**site, "family": families.get(site["site"]), "cells": cells})
    return {"years": years, "sites": matrix}


def feed_entries(db: Database, limit: int) -> list[dict[str, Any]]:
    """The newest new and changed report versions (pages only; attachments follow their page)."""
    return row_dicts.all_rows(db, _FEED_SQL, [limit])
