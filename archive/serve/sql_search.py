"""``nianbao_search(q)``: the archive's search as a SQL function, with its matches cached per index state.

The trigram index has no positions (``detail=none``), so FTS5 refuses the phrase a 4+-character
term becomes, and a trigram index cannot match 1-2 characters at all: Datasette's search and
``sqlite-utils search`` both send the query to MATCH as it is. This function returns, as a JSON
array, the ids of the current versions that ``nianbao search`` matches (archive.search), so any
SQL on the archive can filter by search::

    SELECT * FROM current_reports WHERE version_id IN (SELECT value FROM json_each(nianbao_search('公开')))

Datasette evaluates a table page's filter several times (count, rows, each facet), each on whichever
read connection is free, and confirming a term on every text costs tens of milliseconds per 5,000
reports, so the matches are kept in a small process-wide cache keyed by the query and the index's
state: the FTS5 structure record changes with every write to the index, and max(version_rows.id)
with every new version. This module needs no Datasette (the sqlite-utils plugin uses it too).
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Hashable

from archive.search import matching_versions_sql

FUNCTION = "nianbao_search"
RAW = "raw"  # the second argument: the query is FTS5 syntax, passed through (as `nianbao search --raw`)
# FTS5 keeps its structure record (segments, levels, a write counter) at this rowid of %_data.
_INDEX_STATE_SQL = "SELECT (SELECT block FROM search_fts_data WHERE id = 10), (SELECT max(id) FROM version_rows)"


def index_state(conn: sqlite3.Connection) -> Hashable:
    """A value that changes whenever the current versions or their indexed text may have changed."""
    return tuple(conn.execute(_INDEX_STATE_SQL).fetchone())


def connection_file(conn: sqlite3.Connection) -> str:
    """The file behind a connection, so two archives served by one process never share entries."""
    path: str = conn.execute("SELECT file FROM pragma_database_list WHERE name = 'main'").fetchone()[0]
    return path


def matching_ids(conn: sqlite3.Connection, query: str, raw: bool) -> list[int]:
    """Ids of the current versions matching ``query`` by archive.search's rules; QueryError if unusable."""
    sql, params = matching_versions_sql(query, raw=raw)
    return [row[0] for row in conn.execute(sql, params)]


class MatchCache:
    """The last few queries' matches as JSON arrays, shared by every connection of the process."""

    def __init__(self, size: int = 32) -> None:
        self.size = size
        self._entries: OrderedDict[Hashable, str] = OrderedDict()
        self._lock = threading.Lock()

    def ids_json(self, conn: sqlite3.Connection, query: str, mode: str | None = None) -> str:
        """The matching version ids of ``query`` as a JSON array, computed once per query and index state."""
        raw = mode == RAW
        key = (connection_file(conn), query, raw, index_state(conn))
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key]
        value = json.dumps(matching_ids(conn, query, raw))
        with self._lock:
            self._entries[key] = value
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return value


def register(conn: sqlite3.Connection, cache: MatchCache) -> None:
    """Define nianbao_search(query [, mode]) on one connection."""

    def nianbao_search(query: str, mode: str | None = None) -> str:
        return cache.ids_json(conn, query, mode)

    conn.create_function(FUNCTION, 1, nianbao_search)
    conn.create_function(FUNCTION, 2, nianbao_search)
