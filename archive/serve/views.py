"""The plugin's pages: home redirect, a document with its versions, a diff, the coverage matrix, the Atom feed.

Each view reads through archive.serve.pages on one of Datasette's read connections (in its SQL
thread) and renders a template from archive/serve/templates with Datasette's own layout.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from datasette.utils.asgi import BadRequest, NotFound, Response
from sqlite_utils import Database

from archive.serve import diff, feed, pages

ARCHIVE = "archive"  # the name the archive is served under, whatever its file is called
PREFIX = "/-/nianbao"
FEED_SIZE = 50


async def home(datasette: Any) -> Response:
    """The site opens on the reports, not on Datasette's list of databases."""
    return Response.redirect(datasette.urls.table(ARCHIVE, "current_reports"))


async def read(datasette: Any, fn: Callable[[Database], Any]) -> Any:
    """Run ``fn`` on a sqlite-utils Database over one of the archive's read connections."""
    return await datasette.get_database(ARCHIVE).execute_fn(
        lambda conn: fn(Database(conn, execute_plugins=False, recursive_triggers=False)))


async def render(datasette: Any, request: Any, template: str, context: dict[str, Any]) -> Response:
    """A template with the archive's name and the pages' URL prefix in its context."""
    context = {"archive": ARCHIVE, "prefix": PREFIX, **context}
    return Response.html(await datasette.render_template(template, context, request=request))


async def show_document(datasette: Any, request: Any) -> Response:
    """One document: its current metadata, every version, every capture, its attachments."""
    document_id = int(request.url_vars["document_id"])
    data = await read(datasette, lambda db: pages.document_page(db, document_id))
    if data is None:
        raise NotFound(f"no document {document_id}")
    return await render(datasette, request, "nianbao_document.html", data)


async def show_diff(datasette: Any, request: Any) -> Response:
    """Two versions side by side: ?from=N&to=M (default: previous and current); ?context=all unfolds."""
    document_id = int(request.url_vars["document_id"])
    old, new = version_number(request, "from"), version_number(request, "to")
    context = None if request.args.get("context") == "all" else diff.CONTEXT_LINES
    data = await read(datasette, lambda db: pages.diff_page(db, document_id, old, new, context))
    if data is None:
        raise NotFound(f"no such versions of document {document_id}")
    return await render(datasette, request, "nianbao_diff.html", data)


def version_number(request: Any, name: str) -> int | None:
    """A version number from the query string; a 400 for anything but a positive integer."""
    value = request.args.get(name)
    if not value:
        return None
    if not value.isdigit() or int(value) < 1:
        raise BadRequest(f"{name} must be a version number")
    return int(value)


async def show_coverage(datasette: Any, request: Any) -> Response:
    """The site × report year matrix."""
    data = await read(datasette, pages.coverage_page)
    return await render(datasette, request, "nianbao_coverage.html", data)


async def show_feed(datasette: Any, request: Any) -> Response:
    """Atom feed of the newest new and changed reports, each linking to its document page or its diff."""
    entries = await read(datasette, lambda db: pages.feed_entries(db, FEED_SIZE))

    def entry_url(entry: dict[str, Any]) -> str:
        path = f"{PREFIX}/document/{entry['document_id']}"
        if entry["change"] != "new":
            path += "/diff?" + urlencode({"from": entry["number"] - 1, "to": entry["number"]})
        url: str = datasette.absolute_url(request, datasette.urls.path(path))
        return url

    body = feed.atom_feed(entries, title=datasette.metadata("title") or "nianbao",
                          feed_url=datasette.absolute_url(request, request.path),
                          home_url=datasette.absolute_url(request, datasette.urls.instance()), entry_url=entry_url)
    return Response(body, content_type="application/atom+xml; charset=utf-8")
