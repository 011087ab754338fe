"""A sqlite-utils plugin (entry point ``sqlite_utils``): ``nianbao_search()`` in ``sqlite-utils query`` and ``rows``.

``sqlite-utils search`` hands its query to FTS5 MATCH as it is, which the archive's positionless
trigram index cannot answer for most terms (docs/archive.md, "sqlite-utils"). The same matching
as ``nianbao search`` and the web view is offered as a SQL function instead::

    sqlite-utils rows nianbao.db current_reports \\
        --where "version_id IN (SELECT value FROM json_each(nianbao_search(:q)))" -p q 依申请公开
"""

from __future__ import annotations

import sqlite3

from sqlite_utils import hookimpl

from archive.serve import sql_search

_IS_ARCHIVE_SQL = (
    "SELECT count(*) FROM sqlite_master WHERE type IN ('table', 'view') "
    "AND name IN ('search_fts', 'version_rows', 'documents')"
)


@hookimpl
def prepare_connection(conn: sqlite3.Connection) -> None:
    """Define nianbao_search() on connections to a nianbao archive; leave every other database alone."""
    try:
        is_archive = conn.execute(_IS_ARCHIVE_SQL).fetchone()[0] == 3
    except sqlite3.DatabaseError:  # not a SQLite file, or encrypted: sqlite-utils itself will say so
        return
    if is_archive:
        sql_search.register(conn, sql_search.MatchCache(size=4))
