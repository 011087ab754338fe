"""The Datasette plugin behind ``nianbao serve``: the archive's search, its pages, links and menu.

Registered by archive.serve.app (not through an entry point, so a plain ``datasette`` elsewhere
in the same environment is unchanged). Each table or view that ``?_search=`` filters through the
archive's own search names its id column in metadata.yaml (``plugins: nianbao: {search_column: …}``).
Nothing here writes: the archive's connections are made query_only, and the pages (archive.serve.views)
read through archive functions inside one read transaction.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable, Callable, Generator
from typing import Any

from datasette import hookimpl
from datasette.filters import FilterArguments
from datasette.utils.asgi import BadRequest
from markupsafe import Markup

from archive.audit import sql as audit_sql
from archive.serve import sql_search, views
from nianbao.errors import QueryError

PLUGIN = "nianbao"
BUSY_TIMEOUT_MS = 5000
# Tables whose document_id cells link to the document page.
DOCUMENT_LINK_TABLES = ("current_reports", "removed_documents", "changes")
# Datasette's per-column search (?_search_title=) uses the rowid, which a view does not have.
_PER_COLUMN_SEARCH = "_search_"

MATCHES = sql_search.MatchCache()


def search_column(datasette: Any, database: str, table: str | None) -> str | None:
    """The id column ``?_search=`` filters on for this table, or None where Datasette's own search applies."""
    if table is None or database != views.ARCHIVE:
        return None
    config = datasette.plugin_config(PLUGIN, database=database, table=table, fallback=False) or {}
    column: str | None = config.get("search_column")
    return column


@hookimpl
def prepare_connection(conn: sqlite3.Connection, database: str) -> None:
    """On the archive's connections: refuse writes, wait out a crawl's locks, define nianbao_search() and nianbao_audit()."""
    if database != views.ARCHIVE:
        return
    conn.execute("PRAGMA query_only = 1")
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    sql_search.register(conn, MATCHES)
    audit_sql.register(conn)


@hookimpl
def canned_queries(database: str) -> dict[str, dict[str, str]] | None:
    """The 年报 audit's queries (archive.audit.sql) beside those of metadata.yaml."""
    return audit_sql.CANNED_QUERIES if database == views.ARCHIVE else None


# trylast: the table view merges each hook's extra_context in turn, so ours (the search box) comes last.
@hookimpl(trylast=True)
def filters_from_request(request: Any, database: str, table: str,
                         datasette: Any) -> Callable[[], Awaitable[FilterArguments]] | None:
    """``?_search=`` on configured tables: the archive's search, checked first so a bad query is a clear 400."""
    column = search_column(datasette, database, table)
    if column is None:
        return None

    async def inner() -> FilterArguments:
        per_column = [key for key in request.args if key.startswith(_PER_COLUMN_SEARCH)]
        if per_column:
            raise BadRequest(f"{per_column[0]} is not supported here: _search reads title and text together")
        query = (request.args.get("_search") or "").strip()
        context = {"supports_search": True, "search": query}
        if not query:
            return FilterArguments([], extra_context=context)
        mode = sql_search.RAW if request.args.get("_searchmode") == sql_search.RAW else ""
        await check_query(datasette.get_database(database), query, mode)
        return FilterArguments(
            [f"[{column}] IN (SELECT value FROM json_each({sql_search.FUNCTION}(:nianbao_q, :nianbao_mode)))"],
            params={"nianbao_q": query, "nianbao_mode": mode},
            human_descriptions=[f'search matches "{query}"'],
            extra_context=context,
        )

    return inner


async def check_query(db: Any, query: str, mode: str) -> None:
    """Run the search once (filling the cache), so QueryError or an FTS5 error is a 400 before the page query."""
    try:
        await db.execute_fn(lambda conn: MATCHES.ids_json(conn, query, mode))
    except (QueryError, sqlite3.Error) as exc:
        raise BadRequest(f"search: {exc}") from exc


@hookimpl(hookwrapper=True, specname="filters_from_request")
def without_datasette_search(request: Any, database: str, table: str,
                             datasette: Any) -> Generator[None, Any, None]:
    """Drop Datasette's own FTS filter where ours applies: its phrase MATCH fails on a detail=none index."""
    outcome = yield
    if search_column(datasette, database, table) is not None:
        outcome.force_result([f for f in outcome.get_result() if not is_datasette_search(f)])


def is_datasette_search(filter_fn: Any) -> bool:
    """Whether a filters_from_request result is datasette.filters.search_filters' (0.65: its closure)."""
    return (getattr(filter_fn, "__module__", None) == "datasette.filters"
            and getattr(filter_fn, "__qualname__", "").startswith("search_filters."))


@hookimpl
def register_routes() -> list[tuple[str, Callable[..., Any]]]:
    """The home redirect and the read-only pages (matched before Datasette's own routes)."""
    return [
        (r"^/$", views.home),
        (rf"^{views.PREFIX}/document/(?P<document_id>\d+)$", views.show_document),
        (rf"^{views.PREFIX}/document/(?P<document_id>\d+)/diff$", views.show_diff),
        (rf"^{views.PREFIX}/coverage$", views.show_coverage),
        (rf"^{views.PREFIX}/feed\.atom$", views.show_feed),
    ]


@hookimpl
def render_cell(value: Any, column: str, table: str | None, database: str, datasette: Any) -> Markup | None:
    """document_id cells link to the document page."""
    if database != views.ARCHIVE or table not in DOCUMENT_LINK_TABLES or column != "document_id":
        return None
    if not isinstance(value, int):
        return None
    return Markup('<a href="{}">{}</a>').format(datasette.urls.path(f"{views.PREFIX}/document/{value}"), value)


@hookimpl
def menu_links(datasette: Any) -> list[dict[str, str]]:
    """The pages an archivist needs, in Datasette's menu on every page."""
    return [
        {"href": datasette.urls.table(views.ARCHIVE, "current_reports"), "label": "年报 Reports"},
        {"href": datasette.urls.path(f"{views.PREFIX}/coverage"), "label": "覆盖 Coverage"},
        {"href": datasette.urls.table(views.ARCHIVE, "changes"), "label": "变更 Changes"},
        {"href": datasette.urls.path(f"{views.PREFIX}/feed.atom"), "label": "Atom feed"},
        {"href": datasette.urls.query(views.ARCHIVE, "audit_summary"), "label": "审计 Audit"},
        {"href": datasette.urls.database(views.ARCHIVE), "label": "All tables and queries"},
    ]
