"""What the audit reads from the archive: report pages, their files, contents, versions and crawls.

Only reads; the caller holds one read snapshot, so every query sees the same moment.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from archive import row_dicts

from .template import Content

_DOCUMENT_COLUMNS = """
d.id, d.url, d.site, d.kind, d.parent_id, d.status, d.first_seen, d.removed_at, d.current_version_id,
v.number AS versions, v.title, v.issuer, v.report_year, v.region, v.publish_date, v.content_type,
(SELECT f.publish_date FROM version_rows f WHERE f.document_id = d.id AND f.number = 1) AS first_publish_date
"""
_PAGES_SQL = f"""
SELECT {_DOCUMENT_COLUMNS} FROM documents d JOIN version_rows v ON v.id = d.current_version_id
WHERE d.kind = 'page' AND v.report_year IS NOT NULL ORDER BY d.id
"""
_ATTACHMENTS_SQL = f"""
SELECT {_DOCUMENT_COLUMNS} FROM documents d JOIN version_rows v ON v.id = d.current_version_id
WHERE d.kind = 'attachment' AND d.parent_id IS NOT NULL ORDER BY d.id
"""
_CONTENT_SQL = "SELECT text, tables, content_type FROM versions WHERE id = ?"
_HISTORY_SQL = """
SELECT v.id, v.document_id, v.number, v.created_at, v.publish_date, v.tables, v.text,
       (SELECT max(c.fetched_at) FROM captures c WHERE c.version_id = v.id) AS last_shown
FROM versions v WHERE v.document_id = ? ORDER BY v.number
"""
# Runs that read a site without a single failed fetch: what such a run did not find was not there.
_COMPLETE_CRAWLS_SQL = """
SELECT site, first_fetch, last_fetch FROM run_sites WHERE outcome = 'ok' AND errors = 0 ORDER BY site, first_fetch
"""


@dataclass(frozen=True)
class Doc:
    """One archived page or file of a report, with its current version's metadata."""

    id: int
    url: str
    site: str
    kind: str
    parent_id: int | None
    status: str
    first_seen: str
    removed_at: str | None
    current_version_id: int
    versions: int
    title: str | None
    issuer: str | None
    report_year: int | None
    region: str | None
    publish_date: str | None
    content_type: str | None
    first_publish_date: str | None


@dataclass(frozen=True)
class Version:
    """One version of a document, as the history checks need it."""

    number: int
    created_at: str
    publish_date: str | None
    tables: list[dict[str, Any]]
    text: str
    last_shown: str | None


def report_pages(db: Database) -> list[Doc]:
    """Every page whose current version names a report year."""
    return [Doc(**row) for row in row_dicts.iterate(db, _PAGES_SQL)]


def attachments_by_page(db: Database) -> dict[int, list[Doc]]:
    """The files each page links, by the page's document id."""
    found: dict[int, list[Doc]] = defaultdict(list)
    for row in row_dicts.iterate(db, _ATTACHMENTS_SQL):
        found[row["parent_id"]].append(Doc(**row))
    return found


def contents(db: Database, docs: Iterable[Doc]) -> list[Content]:
    """The current text, tables and format of each document."""
    found = []
    for doc in docs:
        row = row_dicts.one(db, _CONTENT_SQL, (doc.current_version_id,))
        if row is not None:
            found.append(Content(row["text"] or "", json.loads(row["tables"] or "[]"), row["content_type"]))
    return found


def history(db: Database, document_id: int) -> list[Version]:
    """Every version of a document, oldest first, with the last time a capture showed it."""
    return [Version(row["number"], row["created_at"], row["publish_date"], json.loads(row["tables"] or "[]"),
                    row["text"] or "", row["last_shown"])
            for row in row_dicts.iterate(db, _HISTORY_SQL, (document_id,))]


def complete_crawls(db: Database) -> dict[str, list[tuple[str, str]]]:
    """(first, last) fetch times of each site's complete crawls (run ok, no failed fetch), oldest first."""
    found: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for row in row_dicts.iterate(db, _COMPLETE_CRAWLS_SQL):
        found[row["site"]].append((row["first_fetch"], row["last_fetch"]))
    return found
