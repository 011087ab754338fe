"""List pages: a column's rows (title and date), wherever the page keeps them.

Rows are read from three places (docs/layouts.md, list-page layouts):

- the markup: sibling elements (``li``, ``tr``, ``dd`` …) that each hold a link and a date;
- HTML comments: a CMS that draws its live list with JavaScript often leaves the server's list,
  pager and all, inside a comment;
- JavaScript arrays of objects with a title and a URL (a list rendered in the browser from inline
  data); the page shows the first ``perPage`` of them.

A page is a list page when its rows carry more text than everything else on it that is not a link:
then its text is the rows alone, one per line (``title | YYYY-MM-DD``), without menus or pager words.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from lxml import etree
from lxml.html import HTMLParser, fragment_fromstring

from .dates import parse_date
from .parse import squash, text_of

# Fewer rows than this are a short link list, not a column page.
MIN_ROWS = 3
# Most rows of a list carry a date; navigation does not.
DATED_SHARE = 0.6
# A row's link text is at least this long (menus are two to six characters).
MIN_TITLE_CHARS = 6
ROW_TAGS = frozenset({"li", "tr", "dd", "dt", "p", "div", "span", "h3", "h4", "td"})
ROW_CLIMB = 3
DATE = re.compile(r"(?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}")
# JavaScript: an array of objects, the keys naming a row's title and date, the page size.
ARRAY_START = re.compile(r"\[\s*\{")
MAX_ARRAY_CHARS = 2_000_000
TITLE_KEYS = ("title", "showtitle", "articletitle", "doctitle", "name", "bt", "subject")
DATE_KEYS = re.compile(r"date|time|rq|fbsj", re.I)
URL_KEYS = re.compile(r"url|link|href|path", re.I)
URL_VALUE = re.compile(r"(?:https?://|/|\./)[^\s\"'<>,]*?\.(?:s?html?|jsp|aspx?|pdf|docx?)\b")
PER_PAGE = re.compile(r"\b(?:perPage|pageSize|page_size|rows|perpage)\s*[:=]\s*['\"]?(\d{1,3})\b")
_TAGS = re.compile(r"<[^>]+>")
_DECODER = json.JSONDecoder()
_JS_KEY = re.compile(r"([{,]\s*)([A-Za-z_$][\w$]*)\s*:")


@dataclass(frozen=True)
class Row:
    """One item of a list page."""

    title: str
    date: str | None
    url: str | None

    def line(self) -> str:
        """The row as a line of text."""
        return f"{self.title} | {self.date}" if self.date else self.title


def inline_scripts(tree: etree._Element) -> list[str]:
    """The text of every inline script that may hold a data array (read before scripts are dropped)."""
    return [script.text for script in tree.iter("script")
            if script.text and (ARRAY_START.search(script.text) or PER_PAGE.search(script.text))]


def list_rows(tree: etree._Element, scripts: list[str]) -> list[Row]:
    """The longest of the markup's, the comments' and the scripts' row lists."""
    candidates = [markup_rows(tree), comment_rows(tree), script_rows(scripts)]
    return max(candidates, key=len)


def is_list_page(rows: list[Row], own_text_chars: int) -> bool:
    """Rows that outweigh the page's own (non-link) text make it a list page."""
    return len(rows) >= MIN_ROWS and sum(len(row.title) for row in rows) >= own_text_chars


def markup_rows(root: etree._Element) -> list[Row]:
    """The biggest group of dated rows under one parent, in page order, each URL once."""
    groups: dict[tuple[etree._Element, str], list[etree._Element]] = {}
    for anchor in root.iter("a"):
        row = _row_of(anchor)
        if row is not None and row.getparent() is not None:
            members = groups.setdefault((row.getparent(), row.tag), [])
            if not members or members[-1] is not row:
                members.append(row)
    best: list[Row] = []
    for members in groups.values():
        rows = [r for r in (_read_row(m) for m in members) if r is not None]
        if len(rows) > len(best) and sum(1 for r in rows if r.date) >= len(rows) * DATED_SHARE:
            best = rows
    return _unique(best)


def comment_rows(tree: etree._Element) -> list[Row]:
    """Rows of a list left inside an HTML comment."""
    best: list[Row] = []
    for comment in tree.iter(etree.Comment):
        text = comment.text or ""
        if "<a" not in text or "href" not in text:
            continue
        try:
            fragment = fragment_fromstring(text, create_parent="div", parser=HTMLParser(remove_comments=True))
        except (etree.ParserError, ValueError):
            continue
        rows = markup_rows(fragment)
        if len(rows) > len(best):
            best = rows
    return best


def script_rows(scripts: list[str]) -> list[Row]:
    """Rows of the longest array of titled objects in the page's scripts, cut to its page size."""
    best: list[Row] = []
    for script in scripts:
        for array in _arrays(script):
            rows = _unique([r for r in map(_object_row, array) if r is not None])
            best = rows if len(rows) > len(best) else best
    size = _page_size("\n".join(scripts)) if best else None
    return best[:size] if size else best


def _row_of(anchor: etree._Element) -> etree._Element | None:
    """The row element around a link whose text is long enough to be an item title."""
    if len(_link_title(anchor)) < MIN_TITLE_CHARS or (anchor.get("href") or "").startswith(("javascript", "#")):
        return None
    element = anchor.getparent()
    for _ in range(ROW_CLIMB):
        if element is None:
            return None
        if element.tag in ROW_TAGS:
            return element
        element = element.getparent()
    return None


def _read_row(row: etree._Element) -> Row | None:
    """A row's title (its longest link), date and URL."""
    anchors = [a for a in row.iter("a") if _link_title(a)]
    if not anchors:
        return None
    anchor = max(anchors, key=lambda a: len(_link_title(a)))
    dates = DATE.findall(text_of(row))
    return Row(_link_title(anchor), parse_date(dates[0]) if dates else None, anchor.get("href"))


def _link_title(anchor: etree._Element) -> str:
    """The full title of a link: its title attribute when longer than its (often cut) text."""
    title, text = squash(anchor.get("title")), text_of(anchor)
    return title if len(title) >= len(text) else text


def _unique(rows: list[Row]) -> list[Row]:
    """Rows in order, each (URL, title) once."""
    seen: set[tuple[str | None, str]] = set()
    out = []
    for row in rows:
        key = (row.url, row.title)
        if key not in seen:
            seen.add(key)
            out.append(row)
    return out


def _arrays(script: str) -> Iterator[list[Any]]:
    """Every JSON-readable array of objects in a script (object keys may be bare JavaScript names)."""
    end = 0
    for match in ARRAY_START.finditer(script):
        if match.start() < end:
            continue  # inside an array already read
        try:  # JSON first: the C decoder reads it at once
            value, end = _DECODER.raw_decode(script, match.start())
        except ValueError:
            value = _javascript_array(script, match.start())
        if isinstance(value, list):
            yield value


def _javascript_array(script: str, start: int) -> Any:
    """An array literal written as JavaScript (bare keys), read as JSON; None when it is not one."""
    literal = _balanced(script, start)
    if literal is None:
        return None
    try:
        return json.loads(_JS_KEY.sub(r'\1"\2":', literal))
    except ValueError:
        return None


def _balanced(text: str, start: int) -> str | None:
    """The bracketed literal starting at ``start``, strings respected; None if unbalanced or too long."""
    depth, quote, escaped = 0, "", False
    end = min(len(text), start + MAX_ARRAY_CHARS)
    for index in range(start, end):
        char = text[index]
        if quote:
            escaped, quote = (not escaped and char == "\\"), ("" if char == quote and not escaped else quote)
            continue
        if char in "\"'":
            quote = char
        elif char in "[{":
            depth += 1
        elif char in "]}":
            depth -= 1
            if depth == 0:
                return text[start:index + 1]
    return None


def _object_row(item: Any) -> Row | None:
    """A row from one object of a data array: its title-like key, its first URL and date."""
    if not isinstance(item, dict):
        return None
    keys = {str(k).lower(): v for k, v in item.items()}
    title = next((squash(_TAGS.sub("", v)) for k in TITLE_KEYS if isinstance(v := keys.get(k), str) and v.strip()),
                 None)
    if not title or len(title) < MIN_TITLE_CHARS:
        return None
    date = next((parse_date(v) for k, v in keys.items() if DATE_KEYS.search(k) and isinstance(v, str)
                 and parse_date(v)), None)
    links = (str(v) for k, v in keys.items() if URL_KEYS.search(k) and isinstance(v, (str, dict)))
    found = next((m[0] for m in map(URL_VALUE.search, links) if m), None)
    return Row(title, date, found)


def _page_size(script: str) -> int | None:
    """The number of rows the page shows at once, when its script says."""
    match = PER_PAGE.search(script)
    return int(match[1]) if match and int(match[1]) > 0 else None
