"""The archive's read-only web face, ``nianbao serve``: Datasette 0.65 with nianbao's metadata and plugin.

    app.py                  make_datasette(path), serve(path, host=, port=): Datasette on the archive, uvicorn
    plugin.py               the Datasette hooks: search filter, query_only connections, routes, links, menu,
                            the audit's nianbao_audit() and canned queries (archive.audit.sql)
    views.py, pages.py      the document, diff, coverage and feed pages: request handling / archive reads
    diff.py, feed.py        side-by-side comparison of two versions; the Atom document
    sql_search.py           nianbao_search(q), the archive's search as a SQL function (no Datasette needed)
    sqlite_utils_plugin.py  the same function in ``sqlite-utils query`` and ``rows``
    metadata.yaml, templates/, static/   titles, facets, canned queries, hidden tables; pages; the CJK stylesheet

Imports archive and nianbao only. Datasette is the optional extra ``serve``: nothing outside this
package imports it, and this ``__init__`` imports nothing, so the sqlite-utils plugin loads without it.
"""
