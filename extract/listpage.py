"""List pages: a column's rows (title and date), wherever the page keeps them.

Rows are read from five places (docs/layouts.md, list-page layouts):

- the markup: sibling elements (``li``, ``tr``, ``dd``, one ``table`` per item …) that each hold
  a link and a date (the date may sit inside the link, or in the next sibling);
- HTML comments: a CMS that draws its live list with JavaScript often leaves the server's list,
  pager and all, inside a comment;
- JavaScript arrays of objects with a title and a URL (a list rendered in the browser from inline
  data); the page shows the first ``perPage`` of them;
- rows a template writes from script strings (``var url = …; var title = …; document.writeln(…)``);
- Hanweb datastores: ``<record><![CDATA[<li>…</li>]]></record>`` in an XML script.

A page is a list page when its rows carry more text than everything else on it that is not a link:
then its text is the rows alone, one per line (``title | YYYY-MM-DD``), without menus or pager words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

from nianbao.pages import ARRAY_START, page_size, script_rows, string_rows

from .chrome import CONTAINER_MARK
from .dates import parse_date
from .parse import is_element, squash, text_of

# A known body container with this much text outside links holds a document, not a list.
DOCUMENT_CHARS = 100
# Fewer rows than this are a short link list, not a column page.
MIN_ROWS = 3
# Most rows of a list carry a date; navigation does not.
DATED_SHARE = 0.6
# A list without dates: at least this many rows, titles this long on average (menu items are short).
UNDATED_ROWS = 8
UNDATED_TITLE_CHARS = 14
# A row's link text is at least this long (menus are two to six characters).
MIN_TITLE_CHARS = 6
# Elements that make a row, found by climbing from its link to the first one that has siblings alike.
ROW_TAGS = frozenset({"li", "tr", "dd", "dt", "p", "div", "span", "h3", "h4", "table", "section", "article"})
ROW_CLIMB = 5
DATE = re.compile(r"(?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?")
_BRACKETED_DATE = re.compile(rf"[\[【(（]?\s*{DATE.pattern}\s*[\]】)）]?")
DATASTORE_RECORD = re.compile(r"<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.S | re.I)
_HINTS = re.compile(r"\[\s*\{|perPage|pageSize|<record>|document\.write", re.I)
_CJK = re.compile(r"[\u4e00-\u9fff]")


@dataclass(frozen=True)
class Row:
    """One item of a list page."""

    title: str
    date: str | None
    url: str | None
    own: int = field(default=0, compare=False)  # the row's text outside links (its date, its columns)
    element: etree._Element | None = field(default=None, compare=False)  # where it is in the page

    def line(self) -> str:
        """The row as a line of text."""
        return f"{self.title} | {self.date}" if self.date else self.title


def inline_scripts(tree: etree._Element) -> list[str]:
    """Inline scripts that may hold rows (data arrays, page sizes, datastores), read before scripts are dropped."""
    return [script.text for script in tree.iter("script") if script.text and _HINTS.search(script.text)]


def list_rows(tree: etree._Element, scripts: list[str]) -> list[Row]:
    """The longest of the markup's, the comments' and the scripts' row lists."""
    candidates = [markup_rows(tree), comment_rows(tree), array_rows(scripts), datastore_rows(scripts),
                  written_rows(scripts)]
    return max(candidates, key=len)


def is_list_page(rows: list[Row], weights: dict[etree._Element, int], root: etree._Element) -> bool:
    """Rows that outweigh the rest of the page's own (non-link) text make it a list page, unless a
    known body container holds a document beside them (an article's related links)."""
    if len(rows) < MIN_ROWS:
        return False
    rest = weights.get(root, 0) - sum(row.own for row in rows)
    if sum(len(row.title) for row in rows) < rest:
        return False
    inside = {a for row in rows if row.element is not None for a in row.element.iterancestors()}
    return not any(weights.get(c, 0) >= DOCUMENT_CHARS and c not in inside
                   for c in root.iter() if is_element(c) and c.get(CONTAINER_MARK) is not None)


def markup_rows(root: etree._Element) -> list[Row]:
    """The biggest group of dated rows under one parent, in page order, each once."""
    titled = [a for a in root.iter("a") if _titled(a)]
    links_under: dict[etree._Element, int] = {}
    for anchor in titled:
        for element in anchor.iterancestors():
            links_under[element] = links_under.get(element, 0) + 1
    groups: dict[tuple[etree._Element, str], list[etree._Element]] = {}
    for anchor in titled:
        row = _row_of(anchor, links_under)
        if row is not None:
            members = groups.setdefault((row.getparent(), row.tag), [])
            if not members or members[-1] is not row:
                members.append(row)
    best: list[Row] = []
    for members in groups.values():
        if len(members) <= len(best):  # it cannot give more rows than it has members
            continue
        rows = [r for r in (_read_row(m) for m in members) if r is not None]
        if len(rows) > len(best) and _a_list(rows):
            best = rows
    return _unique(best)


def _a_list(rows: list[Row]) -> bool:
    """Rows of a list, not a menu: most carry a date, or there are many and their titles are long."""
    if sum(1 for r in rows if r.date) >= len(rows) * DATED_SHARE:
        return True
    return len(rows) >= UNDATED_ROWS and sum(len(r.title) for r in rows) >= len(rows) * UNDATED_TITLE_CHARS


def comment_rows(tree: etree._Element) -> list[Row]:
    """Rows of a list left inside an HTML comment."""
    texts = [c.text or "" for c in tree.iter(etree.Comment)]
    return _best_fragment([t for t in texts if "<a" in t and "href" in t])


def datastore_rows(scripts: list[str]) -> list[Row]:
    """Rows of a Hanweb datastore, its records being CDATA fragments."""
    records = [record for script in scripts for record in DATASTORE_RECORD.findall(script)]
    return _best_fragment(["\n".join(records)] if records else [])


def array_rows(scripts: list[str]) -> list[Row]:
    """Rows of the longest array of titled objects in the scripts, cut to the page size they give."""
    best = max((script_rows(script) for script in scripts if ARRAY_START.search(script)), key=len, default=[])
    rows = _unique([Row(title, parse_date(date) if date else None, url) for title, url, date in best])
    size = page_size("\n".join(scripts)) if rows else None
    return rows[:size] if size else rows


def written_rows(scripts: list[str]) -> list[Row]:
    """Rows the scripts write from strings: a URL and a title (Chinese text of a title's length) each."""
    found = [row for script in scripts for row in string_rows(script, _title_text)]
    return _unique([Row(title, parse_date(date) if date else None, url) for title, url, date in found])


def _title_text(text: str) -> bool:
    return len(text) >= MIN_TITLE_CHARS and _CJK.search(text) is not None


def _best_fragment(fragments: list[str]) -> list[Row]:
    """The longest row list among HTML fragments."""
    best: list[Row] = []
    for text in fragments:
        try:
            holder = etree.fromstring(f"<div>{text}</div>", parser=_FRAGMENT_PARSER)
        except (etree.ParserError, etree.XMLSyntaxError, ValueError):
            continue
        rows = markup_rows(holder) if holder is not None else []
        best = rows if len(rows) > len(best) else best
    return best


_FRAGMENT_PARSER = etree.HTMLParser(remove_comments=True, recover=True)


def _row_of(anchor: etree._Element, links_under: dict[etree._Element, int]) -> etree._Element | None:
    """The row around an item link: the highest element above it that holds no other item link and
    has siblings alike (a link wrapping the whole row is its own row)."""
    if (anchor.get("href") or "").startswith(("javascript", "#")):
        return None
    row = anchor if DATE.search(text_of(anchor)) and _alike_siblings(anchor) else None
    element = anchor.getparent()
    for _ in range(ROW_CLIMB):
        if element is None or element.tag in ("body", "html") or links_under.get(element, 0) > 1:
            break
        if element.tag in ROW_TAGS and _alike_siblings(element):
            row = element
        element = element.getparent()
    return row


def _titled(anchor: etree._Element) -> bool:
    """A link whose text is long enough to be an item title."""
    return len(_link_title(anchor)) >= MIN_TITLE_CHARS


def _alike_siblings(element: etree._Element) -> bool:
    """Whether the element's parent holds another element of its tag."""
    return any(True for _ in element.itersiblings(element.tag)) or \
        any(True for _ in element.itersiblings(element.tag, preceding=True))


def _read_row(row: etree._Element) -> Row | None:
    """A row's title (its longest link), date (in the row, else in the next sibling) and URL."""
    anchors = [a for a in row.iter("a") if _link_title(a)] if row.tag != "a" else [row]
    if not anchors:
        return None
    anchor = max(anchors, key=lambda a: len(_link_title(a)))
    dates = DATE.findall(text_of(row)) or _sibling_date(row)
    title = _link_title(anchor)
    if DATE.search(title):  # the date printed inside the link: <a>title<span>[2024-01-05]</span></a>
        title = _BRACKETED_DATE.sub("", title).strip() or title
    own = len(text_of(row)) - sum(len(text_of(a)) for a in row.iter("a"))
    return Row(squash(title), parse_date(dates[0]) if dates else None, anchor.get("href"), own, row)


def _sibling_date(row: etree._Element) -> list[str]:
    """The date of a row kept in the element after it (a date-only ``<li>``), if that holds no link."""
    following = next((n for n in row.itersiblings() if is_element(n)), None)
    if following is None or any(True for _ in following.iter("a")):
        return []
    return DATE.findall(text_of(following))


def _link_title(anchor: etree._Element) -> str:
    """The full title of a link: its title attribute when longer than its (often cut) text."""
    title, text = squash(anchor.get("title")), text_of(anchor)
    return title if len(title) >= len(text) else text


def _unique(rows: list[Row]) -> list[Row]:
    """Rows in order, each (URL, title, date) once."""
    return list(dict.fromkeys(rows))
