"""An Atom feed (RFC 4287) of new and changed reports, built with the standard library.

datasette-atom renders any query with atom_* columns, but brings feedgen and bleach and needs the
query to build absolute links in SQL; the feed here is one fixed query, so it is written directly.
Entry ids are the report's own URL with the version number as fragment: stable across restarts
and hosts, and unique per version, as Atom requires.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from xml.etree import ElementTree as ET

ATOM = "http://www.w3.org/2005/Atom"
ET.register_namespace("", ATOM)


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
    if text is not None:
        element.text = text
    return element


def entry_title(entry: dict[str, Any]) -> str:
    """"新增" or "更新 v3" before the report's title, so a reader sees the kind of change in the list."""
    label = "新增" if entry["change"] == "new" else f"更新 v{entry['number']}"
    return f"[{label}] {entry['title'] or entry['url']}"


def entry_summary(entry: dict[str, Any]) -> str:
    """Site, issuer, report year and publication date in one line."""
    year = f"{entry['report_year']}年度" if entry["report_year"] else None
    published = f"发布 {entry['publish_date']}" if entry["publish_date"] else None
    parts = [entry["site"], entry.get("issuer"), year, published]
    return " · ".join(str(part) for part in parts if part)


def atom_feed(entries: list[dict[str, Any]], *, title: str, feed_url: str, home_url: str,
              entry_url: Callable[[dict[str, Any]], str]) -> bytes:
    """The feed document, newest entry first; ``updated`` is the newest entry's time (the epoch if none)."""
    feed = ET.Element(f"{{{ATOM}}}feed")
    _sub(feed, "title", title)
    _sub(feed, "id", feed_url)
    _sub(feed, "link", href=feed_url, rel="self", type="application/atom+xml")
    _sub(feed, "link", href=home_url, rel="alternate", type="text/html")
    _sub(feed, "updated", entries[0]["created_at"] if entries else "1970-01-01T00:00:00Z")
    _sub(_sub(feed, "author"), "name", "nianbao")
    for entry in entries:
        item = _sub(feed, "entry")
        _sub(item, "id", f"{entry['url']}#v{entry['number']}")
        _sub(item, "title", entry_title(entry))
        _sub(item, "updated", entry["created_at"])
        _sub(item, "link", href=entry_url(entry), rel="alternate", type="text/html")
        _sub(item, "summary", entry_summary(entry))
    document: bytes = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return document
