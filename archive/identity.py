"""Which document a URL is: its site and key, every URL it was seen at, and moves learned on the way.

A document is identified by its site and its key, the canonical path and query of its URL
(``nianbao.urls.url_key``): scheme, host and port belong to the site, so a portal that moves from
http to https, to another host or port keeps its documents and their histories. ``document_urls``
keeps every URL a document was seen at; ``documents.url`` is where it was last served.

A document can also move within its site (a column renumbered, a report re-filed). A permanent
redirect names its new URL outright. Without one, the move shows when the document's address dies:
a document of the same site that appeared since it was last served there, with its content placed
elsewhere (everything equal but where attachments are linked), is where it went
(:func:`successor`; ``archive.merge`` joins the two). A URL never seen whose content is a removed
document's is that document back (:func:`adopt`). Two live URLs with the same content stay two
documents: a report filed in two columns is not a move. ``site_aliases`` keeps the origins a site's
start page moved away from, learned from permanent redirects.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlite_utils import Database

from archive import row_dicts
from archive.verdicts import placeless_digest
from nianbao.urls import canonical_origin, canonical_url, url_key

# In order: this very URL seen for the site; the site's document with this key; this URL seen for
# another site name (one portal crawled once from a bare homepage and once as a registry site).
_FIND_SQL = (
    "SELECT document_id FROM document_urls WHERE url = ? AND site = ? ORDER BY last_seen DESC LIMIT 1",
    "SELECT document_id FROM document_urls WHERE key = ? AND site = ? ORDER BY last_seen DESC LIMIT 1",
    "SELECT id FROM documents WHERE url = ?",
)
# Documents of a site and kind whose current version has this title, in a status, seen from a time:
# the candidates for the other end of a move.
_SAME_TITLE_SQL = """
    SELECT d.id FROM version_rows r JOIN documents d ON d.current_version_id = r.id
    WHERE r.title = ? AND d.site = ? AND d.kind = ? AND d.status = ? AND d.first_seen >= ? AND d.id != ?
    ORDER BY d.first_seen, d.id LIMIT 20"""
# When a document was last served (a capture that showed its content).
_LAST_SERVED_SQL = """
    SELECT max(fetched_at) FROM captures WHERE document_id = ?
    AND outcome IN ('new', 'changed', 'unchanged', 'not_modified')"""
# The URL a version was captured at (where its content, links included, was read).
_VERSION_URL_SQL = """
    SELECT coalesce(final_url, url) FROM captures WHERE version_id = ? AND outcome IN ('new', 'changed')
    ORDER BY id LIMIT 1"""


def find(db: Database, site: str, url: str) -> int | None:
    """The document ``url`` names within ``site`` (see ``_FIND_SQL``), or None."""
    for sql, params in zip(_FIND_SQL, ([url, site], [url_key(url), site], [url]), strict=True):
        row = db.execute(sql, params).fetchone()
        if row is not None:
            return int(row[0])
    return None


def remember_url(db: Database, document_id: int, site: str, url: str, seen_at: str) -> None:
    """Note that ``document_id`` was seen at ``url`` (added on first sight, ``last_seen`` moved on)."""
    db.execute(
        "INSERT INTO document_urls(document_id, url, site, key, first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?) "
        "ON CONFLICT(document_id, url) DO UPDATE SET last_seen = max(last_seen, excluded.last_seen), "
        "key = excluded.key",  # a key migration 012 worked out in SQL gives way to the canonical one
        [document_id, url, site, url_key(url), seen_at, seen_at])


def move(db: Database, document_id: int, url: str) -> None:
    """Make ``url`` the document's current address (where it was last served)."""
    taken = db.execute("SELECT id FROM documents WHERE url = ? AND id != ?", [url, document_id]).fetchone()
    if taken is None:  # another document already at this exact URL keeps it (see find: the URL wins)
        db.execute("UPDATE documents SET url = ? WHERE id = ?", [url, document_id])


def urls(db: Database, document_id: int) -> list[dict[str, Any]]:
    """Every URL the document was seen at, oldest first."""
    return row_dicts.all_rows(db, "SELECT url, key, first_seen, last_seen FROM document_urls "
                                  "WHERE document_id = ? ORDER BY first_seen, url", [document_id])


def version_url(db: Database, version_id: int) -> str | None:
    """The URL the content of ``version_id`` was read at."""
    row = db.execute(_VERSION_URL_SQL, [version_id]).fetchone()
    return row[0] if row else None


def moved(read_at: str | None, url: str) -> bool:
    """Whether content read at ``url`` was placed elsewhere than content read at ``read_at``."""
    return read_at is not None and canonical_url(read_at) != canonical_url(url)


def current_placeless_digest(db: Database, version_id: int) -> str:
    """:func:`archive.verdicts.placeless_digest` of a current version (its text is plain in version_rows)."""
    row = row_dicts.one(db, "SELECT * FROM version_rows WHERE id = ?", [version_id])
    assert row is not None and row["text_delta"] is None
    return placeless_digest(row, json_columns=True)


def adopt(db: Database, site: str, kind: str, extraction: dict[str, Any]) -> int | None:
    """A removed document of the site whose last content is ``extraction``'s, placed elsewhere: it is back."""
    return _same_content(db, site, kind, extraction.get("title"), placeless_digest(extraction), "removed", "", 0)


def successor(db: Database, document_id: int) -> int | None:
    """A live document that is ``document_id`` moved (see the module docstring), or None."""
    row = row_dicts.one(db, "SELECT d.site, d.kind, d.current_version_id, r.title FROM documents d "
                            "JOIN version_rows r ON r.id = d.current_version_id WHERE d.id = ?", [document_id])
    if row is None:
        return None
    since = db.execute(_LAST_SERVED_SQL, [document_id]).fetchone()[0] or ""
    wanted = current_placeless_digest(db, row["current_version_id"])
    return _same_content(db, row["site"], row["kind"], row["title"], wanted, "live", since, document_id,
                         first_version=True)


def _same_content(db: Database, site: str, kind: str, title: str | None, digest: str, status: str, since: str,
                  other_than: int, *, first_version: bool = False) -> int | None:
    """The first document of ``site`` in ``status``, seen from ``since``, whose (first or current) content has ``digest``."""
    if not title:
        return None
    for (document_id,) in db.execute(_SAME_TITLE_SQL, [title, site, kind, status, since, other_than]).fetchall():
        if _placeless(db, document_id, first_version) == digest:
            return int(document_id)
    return None


def _placeless(db: Database, document_id: int, first_version: bool) -> str:
    """The placeless digest of a document's current (or first) version, read through the versions view."""
    order = "number" if first_version else "number DESC"
    row = row_dicts.one(db, f"SELECT * FROM versions WHERE document_id = ? ORDER BY {order} LIMIT 1", [document_id])
    assert row is not None
    return placeless_digest(row, json_columns=True)


def record_alias(db: Database, site: str, *, url: str, location: str, status: int, seen_at: str) -> None:
    """Remember that ``url``'s origin of ``site`` answered a permanent redirect to ``location``'s origin."""
    alias, origin = canonical_origin(url), canonical_origin(location)
    db.execute(
        "INSERT INTO site_aliases(site, alias, origin, status, url, location, first_seen, last_seen) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(site, alias) DO UPDATE SET origin = excluded.origin, "
        "status = excluded.status, url = excluded.url, location = excluded.location, "
        "last_seen = max(last_seen, excluded.last_seen)",
        [site, alias, origin, status, url, location, seen_at, seen_at])


def aliases(db: Database, sites: Sequence[str]) -> list[dict[str, Any]]:
    """Learned aliases of ``sites``: site, alias (an origin it moved away from), origin (where to), evidence."""
    marks = ", ".join("?" for _ in sites) or "NULL"
    return row_dicts.all_rows(db, f"SELECT * FROM site_aliases WHERE site IN ({marks}) ORDER BY site, alias",
                              list(sites))
