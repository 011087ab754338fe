"""A data endpoint's JSON: the document a page drawn by JavaScript shows, read as that page would show it.

The record is the object holding the longest text (its HTML ``content``, ``body`` …); that text is
rendered like a body container, its title and dates come from the record's keys. ``stage`` names
the key the text came from (``json:content``), so a version shows where its text was read.
"""

from __future__ import annotations

import json
import re
from typing import Any

from nianbao.pages import TITLE_KEYS

from .body import Body
from .chrome import is_chrome_line, strip_junk
from .dates import parse_date
from .parse import parse_html, squash
from .render import render_lines

# A record's text is at least this long (shorter strings are titles, names, paths).
MIN_TEXT_CHARS = 40
ISSUER_KEYS = ("source", "contentsource", "publisher", "puborg", "fbjg", "organization", "wzly")
DATE_KEYS = re.compile(r"pub|publish|fbrq|fbsj|date|time", re.I)
_CJK = re.compile("[\u4e00-\u9fff]")
# Records are walked breadth-first; a reply nested deeper than this holds no document.
MAX_DEPTH = 32


def read_json(result: dict[str, Any], text: str) -> Body:
    """A JSON reply's record as a body (``stage`` json:<key>); its title, date and issuer go into ``result``."""
    try:
        found = _record(json.loads(text))
    except ValueError:
        found = None
    if found is None:
        return Body(None, None, [], ["no_body"])
    record, key = found
    _fields(result, {str(k).lower(): (str(k), v) for k, v in record.items()})
    tree, _ = parse_html(f"<html><body><div>{record[key]}</div></body></html>")
    if tree is None:
        return Body(None, None, [], ["no_body"])
    strip_junk(tree)
    holder = next(tree.iter("body"))
    return Body(f"json:{key}", holder, [line for line in render_lines(holder) if not is_chrome_line(line)])


def _record(data: Any) -> tuple[dict[str, Any], str] | None:
    """The object holding the longest text with Chinese in it, and that text's key."""
    best: tuple[int, dict[str, Any], str] | None = None
    level: list[Any] = [data]
    for _ in range(MAX_DEPTH):
        following: list[Any] = []
        for node in level:
            items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
            for key, value in items:
                if isinstance(value, str) and isinstance(node, dict) and len(value) >= MIN_TEXT_CHARS \
                        and _CJK.search(value) and (best is None or len(value) > best[0]):
                    best = (len(value), node, str(key))
                elif isinstance(value, (dict, list)):
                    following.append(value)
        if not following:
            break
        level = following
    return (best[1], best[2]) if best else None


def _fields(result: dict[str, Any], keys: dict[str, tuple[str, Any]]) -> None:
    """Title, publish date and issuer from the record's keys, each with its rule."""
    rules: dict[str, str] = {}
    title = next(((k, v) for name in TITLE_KEYS if (k := keys.get(name, ("", None))[0])
                  and isinstance(v := keys[name][1], str) and v.strip()), None)
    if title:
        result["title"], rules["title"] = squash(re.sub(r"<[^>]+>", "", title[1])), f"json:{title[0]}"
    date = next(((k, parse_date(v)) for k, v in keys.values() if DATE_KEYS.search(k) and isinstance(v, str)
                 and parse_date(v)), None)
    if date:
        result["publish_date"], rules["publish_date"] = date[1], f"json:{date[0]}"
    issuer = next(((keys[n][0], squash(keys[n][1])) for n in ISSUER_KEYS
                   if isinstance(keys.get(n, ("", None))[1], str) and squash(keys[n][1])), None)
    if issuer:
        result["issuer"], rules["issuer"] = issuer[1], f"json:{issuer[0]}"
    result["metadata_rules"] = rules
