"""The audit in SQL: a function ``nianbao_audit(view)`` and canned queries over it (for ``nianbao serve``).

``register(conn)`` defines ``nianbao_audit('summary' | 'reports' | 'bodies' | 'years' | 'findings' |
'checks')`` on a connection to an archive: a JSON array of the rows :func:`archive.audit.audit` gives,
which ``json_each`` turns into a table. :data:`CANNED_QUERIES` are Datasette canned queries over it
(the same rows as ``nianbao audit --view …``); a Datasette plugin registers the function in its
``prepare_connection`` hook and returns the queries from its ``canned_queries`` hook.

The audit is computed on a connection of its own and kept until another connection commits to the
archive (``PRAGMA data_version``), so a page of canned queries audits the archive once, not per query.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from .report import SiteInfo
from .run import VIEWS, Audit, audit

FUNCTION = "nianbao_audit"
# The columns of each view, in order: what the canned queries select from the function's JSON.
COLUMNS = {
    "summary": ("region", "level", "bodies", "reports", "on_time", "late", "first_seen_late",
                "claimed_on_time_first_seen_late", "unverified", "unknown", "no_deadline", "missing_years",
                "template", "unbalanced", "text_table_mismatch", "carry_mismatch", "edited_after_deadline", "removed"),
    "reports": ("body", "level", "report_year", "deadline", "deadline_rule", "publish_date", "first_seen", "absent_on",
                "deadline_status", "evidence", "days_late", "format", "checked", "layout", "sections_missing",
                "tables_missing", "rows_missing", "columns_missing", "versions", "findings", "site", "document_id",
                "url", "title", "body_key"),
    "bodies": ("body", "level", "region", "first_year", "last_year", "reports", "missing_years", "on_time", "late",
               "first_seen_late", "claimed_on_time_first_seen_late", "unverified", "no_deadline", "findings",
               "new_applications", "names", "sites", "renames", "body_key"),
    "years": ("report_year", "reports", "bodies", "on_time", "late", "first_seen_late",
              "claimed_on_time_first_seen_late", "unverified", "unknown", "no_deadline", "findings"),
    "findings": ("check", "body", "level", "report_year", "detail", "evidence", "site", "document_id", "url",
                 "source", "body_key"),
    "checks": ("name", "rule", "source"),
}


def view_sql(view: str, where: str = "", order: str = "") -> str:
    """A SELECT of one view's columns from ``nianbao_audit(view)``, optionally filtered and ordered."""
    columns = ",\n       ".join(f"json_extract(value, '$.{c}') AS \"{c}\"" for c in COLUMNS[view])
    sql = f"SELECT {columns}\nFROM json_each({FUNCTION}('{view}'))"
    return sql + (f"\nWHERE {where}" if where else "") + (f"\nORDER BY {order}" if order else "")


def _query(title: str, description: str, sql: str) -> dict[str, str]:
    """A Datasette canned query."""
    return {"title": title, "description": description, "sql": sql}


# An optional filter: an empty parameter matches every row.
_ANY = "(:{0} = '' OR CAST(json_extract(value, '$.{0}') AS TEXT) = :{0})"
CANNED_QUERIES = {
    "audit_summary": _query("年报 audit by region and level",
                            "Reports by deadline status, missing years, and reports with each kind of problem.",
                            view_sql("summary")),
    "audit_late": _query("Late reports", "Reports late by their own publish date, or absent from a complete crawl "
                         "after the deadline; most days late first.",
                         view_sql("reports", "json_extract(value, '$.deadline_status') IN "
                                  "('late', 'first_seen_late', 'claimed_on_time_first_seen_late')",
                                  "json_extract(value, '$.days_late') DESC")),
    "audit_reports": _query("Every report's deadline and template conformance",
                            "One row per body and report year; leave the fields empty for all.",
                            view_sql("reports", " AND ".join(_ANY.format(c) for c in ("body", "report_year")))),
    "audit_findings": _query("Audit findings", "Every finding with its evidence and the source of its rule; "
                             "leave check or body empty for all.",
                             view_sql("findings", " AND ".join(_ANY.format(c) for c in ("check", "body")))),
    "audit_bodies": _query("Bodies across years", "Each issuing body (names and renames followed): years, "
                           "missing years, deadline statuses, 本年新收 by year.", view_sql("bodies")),
    "audit_years": _query("Audit by report year", "Reports by deadline status and findings by check, per year.",
                          view_sql("years")),
    "audit_checks": _query("Audit checks", "Every check: its rule and the source to cite.", view_sql("checks")),
}


class AuditCache:
    """The audit of one archive file, computed again only after another connection has committed to it."""

    def __init__(self, path: str | Path, *, sites: Mapping[str, SiteInfo] | None = None) -> None:
        self.path, self.sites = Path(path), sites
        self.lock = threading.Lock()
        self.conn: sqlite3.Connection | None = None
        self.seen: int | None = None
        self.result: Audit | None = None

    def rows(self, view: str) -> list[dict[str, Any]]:
        """The rows of one view of the archive's current audit."""
        with self.lock:
            if self.conn is None:
                self.conn = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True,
                                            check_same_thread=False, isolation_level=None)
            version = self.conn.execute("PRAGMA data_version").fetchone()[0]
            if self.result is None or version != self.seen:
                self.result, self.seen = audit(Database(self.conn), sites=self.sites), version
            return self.result.rows(view)

    def close(self) -> None:
        """Close the cache's connection."""
        with self.lock:
            if self.conn is not None:
                self.conn.close()
                self.conn = None


_CACHES: dict[Path, AuditCache] = {}
_CACHES_LOCK = threading.Lock()


def cache_for(path: str | Path) -> AuditCache:
    """The process's one cache for an archive file."""
    key = Path(path).resolve()
    with _CACHES_LOCK:
        return _CACHES.setdefault(key, AuditCache(key))


def database_file(conn: sqlite3.Connection) -> str:
    """The file of a connection's main database."""
    for _, name, file in conn.execute("PRAGMA database_list"):
        if name == "main" and file:
            return str(file)
    raise ValueError("nianbao_audit needs a connection to an archive file, not an in-memory database")


def register(conn: sqlite3.Connection, cache: AuditCache | None = None) -> None:
    """Define ``nianbao_audit(view)`` on ``conn`` (an archive connection; read-only is fine)."""
    chosen = cache or cache_for(database_file(conn))

    def rows_json(view: str) -> str:
        if view not in VIEWS:
            raise ValueError(f"unknown audit view {view!r}; expected one of {', '.join(VIEWS)}")
        return json.dumps(chosen.rows(view), ensure_ascii=False)

    conn.create_function(FUNCTION, 1, rows_json)
