"""The body cascade: which part of the page is the document.

1. Known CMS body containers (``CONTAINERS``, a data list: Hanweb comment markers, TRS
   ``#zoom .TRS_Editor`` … gov.cn ``#UCAP-CONTENT`` …), tried in order; for each selector the
   match with the most text is taken.
2. trafilatura (``favor_precision``, tables and links kept) on the chrome-pruned tree.
3. Baseline: every ``<p>`` and data table of the pruned tree, or else its whole ``<body>``.

Each stage engages only if the previous one under-delivered: less than ``MIN_BODY_CHARS`` of
text and no table or attachment link. A known container with any text delivers on a page that
links attachments: "现将《…》全文发布，详见附件。" is the whole body of such a page. If no stage
delivers, the longest non-empty candidate is kept. The winner is recorded as ``stage`` (``"container:#zoom"``, ``"trafilatura"``,
``"baseline"``).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from copy import deepcopy
from dataclasses import dataclass, field

import trafilatura
from lxml import etree
from lxml.html import HtmlElement, HTMLParser, document_fromstring

from nianbao.families import FAMILIES

from .chrome import CONTAINER_MARK, KEEP_MARK, is_chrome_line
from .density import densest
from .links import LINK_TAGS, is_attachment_href, link_href
from .parse import is_element, text_of
from .render import CELL_SEPARATOR, render_lines
from .tables import is_data_table

LOG = logging.getLogger(__name__)

# A stage delivers a body of at least this many characters (or a table, or an attachment link).
MIN_BODY_CHARS = 40
# A paragraph this long appearing twice in one body is a copy of the body, not the document's own.
REPEAT_MIN_CHARS = 30


@dataclass(frozen=True)
class Container:
    """A known body container: an element with this id, class or tag (optionally inside an id)."""

    name: str
    id: str | None = None
    cls: str | None = None
    tag: str | None = None
    within_id: str | None = None

    def matches(self, element: etree._Element, classes: list[str]) -> bool:
        """True when ``element`` (whose class list is given) is this container."""
        if (self.id and element.get("id") != self.id) or (self.cls and self.cls not in classes):
            return False
        if self.tag and element.tag != self.tag:
            return False
        return not self.within_id or any(a.get("id") == self.within_id for a in element.iterancestors())

    @classmethod
    def parse(cls, selector: str) -> Container:
        """A container from its selector: ``#id``, ``.class``, ``tag.class``, ``#id .class`` or a bare tag name."""
        within, _, own = selector.rpartition(" ")
        tag, dot, cls_name = own.partition(".")
        fields = {"id": tag[1:] if tag.startswith("#") else None,
                  "tag": tag.lower() if tag and not tag.startswith("#") else None,
                  "cls": cls_name if dot else None,
                  "within_id": within[1:] if within.startswith("#") else None}
        return cls(selector, **fields)


# Containers no single family owns, tried after the families' own (portals.md §2.4, §3.4, §4).
GENERIC_CONTAINERS = (
    "#zoom", "#fontzoom", "#zoomcon", "#ivs_content", ".xxgk_content", ".article-content", ".article_con",
    ".Article_content", ".detail-content", ".article-body", ".main-txt", "div.pages_content", ".con_text",
    ".bt-content", ".zc_article_con", ".Three_xilan_07", ".news_cont_d_wrap", "#MyContent",
)
# Priority order: the families' containers (inner first within a family) by family rank, then the generic ones.
CONTAINERS: tuple[Container, ...] = tuple(
    Container.parse(selector)
    for selector in (*(s for family in FAMILIES for s in family.body_containers), *GENERIC_CONTAINERS)
)
# Comment pairs that bracket the body (Hanweb templates, Zhejiang's platform).
MARKERS: tuple[tuple[str, str], ...] = tuple(pair for family in FAMILIES for pair in family.body_markers)
MARKER_STAGE = "hanweb-markers"
_TAGS = frozenset(c.tag for c in CONTAINERS if c.tag)
BASELINE_XPATH = "//p[not(ancestor::p)] | //table"


@dataclass
class Body:
    """The winning body: its stage, its element, and the rendered lines."""

    stage: str | None
    element: etree._Element | None
    lines: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)


def mark_containers(tree: etree._Element) -> None:
    """Mark every body container and its ancestors so chrome pruning leaves them alone."""
    found = [e for matches in find_containers(tree).values() for e in matches]
    found += [c.getparent() for c, _ in _marker_comments(tree)]
    for element in found:
        element.set(CONTAINER_MARK, "1")
        for node in (element, *element.iterancestors()):
            node.set(KEEP_MARK, "1")


def find_containers(tree: etree._Element) -> dict[Container, list[etree._Element]]:
    """Every container match, per container, in one pass over the tree."""
    found: dict[Container, list[etree._Element]] = {c: [] for c in CONTAINERS}
    for element in tree.iter():
        if not is_element(element) or not (element.get("id") or element.get("class") or element.tag in _TAGS):
            continue
        classes = (element.get("class") or "").split()
        for container in CONTAINERS:
            if container.matches(element, classes):
                found[container].append(element)
    return found


def find_body(tree: etree._Element, url: str, *, links_attachments: bool = False) -> Body:
    """Run the cascade over the pruned tree; ``links_attachments``: the page links attachments."""
    candidates: list[Body] = []
    for stage in (_containers, _density, _trafilatura, _baseline):
        body = stage(tree, url)
        if body.element is not None and (_delivers(body) or _points_to_attachments(body, links_attachments)):
            return body
        candidates.append(body)
    best = max(candidates, key=lambda b: sum(map(len, b.lines)))
    flags = [flag for c in candidates for flag in c.flags]
    if not best.lines:
        return Body(None, None, [], [*flags, "no_body"])
    best.flags = flags
    return best


def _delivers(body: Body) -> bool:
    """Enough text, or a table, or an attachment link."""
    if sum(map(len, body.lines)) >= MIN_BODY_CHARS:
        return True
    element = body.element
    return element is not None and (
        any(is_data_table(t) for t in element.iter("table"))
        or any(is_attachment_href(link_href(a)) for a in element.iter(*LINK_TAGS))
    )


def _points_to_attachments(body: Body, links_attachments: bool) -> bool:
    """A short known container on a page whose report is in its attachments."""
    return links_attachments and bool(body.lines) and (body.stage or "").startswith("container:")


# 1. ---------------------------------------------------------------------------------------


def _containers(tree: etree._Element, url: str) -> Body:
    """Stage 1: the first known container that delivers, else the first one with any text."""
    fallback = None
    for body in _container_candidates(tree):
        if _delivers(body):
            return body
        if fallback is None and body.lines:
            fallback = body
    return fallback or Body("container", None)


def _container_candidates(tree: etree._Element) -> Iterator[Body]:
    """Candidates in priority order: the Hanweb marker region, then each matched container."""
    marked = _between_markers(tree)
    if marked is not None:
        yield _body(f"container:{MARKER_STAGE}", marked)
    for container, matches in find_containers(tree).items():
        if matches:
            yield _body(f"container:{container.name}", max(matches, key=lambda e: len(text_of(e))))


def _between_markers(tree: etree._Element) -> etree._Element | None:
    """A new <div> holding copies of what lies between a Hanweb begin/end comment pair."""
    for begin, end_text in _marker_comments(tree):
        holder = tree.makeelement("div", {})
        holder.text = begin.tail
        for node in begin.itersiblings():
            if not is_element(node) and end_text in (node.text or ""):
                break
            copied = deepcopy(node)
            holder.append(copied)
        return holder
    return None


def _marker_comments(tree: etree._Element) -> list[tuple[etree._Element, str]]:
    """Begin-marker comments with the text of their end marker."""
    found = []
    for comment in tree.iter(etree.Comment):
        for begin, end in MARKERS:
            if begin in (comment.text or ""):
                found.append((comment, end))
    return found


# 2. ---------------------------------------------------------------------------------------


def _density(tree: etree._Element, url: str) -> Body:
    """Stage 2: the smallest section holding nearly all of the page's own text (``density.py``)."""
    element = densest(tree)
    return _body("density", element) if element is not None else Body("density", None)


# 3. ---------------------------------------------------------------------------------------


def _trafilatura(tree: etree._Element, url: str) -> Body:
    """Stage 2: trafilatura's main-content extraction (it works on its own copy of the tree)."""
    try:
        document = trafilatura.bare_extraction(
            as_html_tree(tree), url=url or None, favor_precision=True, include_tables=True, include_links=True,
            include_comments=False, with_metadata=False, deduplicate=False,
        )
    except Exception as exc:  # a third-party failure must not lose the page: record, fall back
        LOG.warning("trafilatura failed on %s: %s: %s", url, type(exc).__name__, exc)
        return Body("trafilatura", None, flags=["trafilatura_failed"])
    element = getattr(document, "body", None)
    return _body("trafilatura", element) if element is not None else Body("trafilatura", None)


def as_html_tree(tree: etree._Element) -> HtmlElement:
    """The tree as trafilatura takes it (an ``lxml.html`` tree; ours is plain lxml, for speed)."""
    return document_fromstring(etree.tostring(tree, encoding="unicode"),
                               parser=HTMLParser(huge_tree=True, remove_comments=False))


# 4. ---------------------------------------------------------------------------------------


def _baseline(tree: etree._Element, url: str) -> Body:
    """Stage 3: all paragraphs and data tables, or the whole <body> when there are none."""
    holder = tree.makeelement("div", {})
    # judged once each (a table of thousands of <p> cells would otherwise be judged once per cell);
    # the set holds the elements, so ancestors found again are these very objects
    data_tables = {table for table in tree.iter("table") if is_data_table(table)}
    for element in tree.xpath(BASELINE_XPATH):
        if element.tag == "p" and any(table in data_tables for table in element.iterancestors("table")):
            continue
        if element.tag == "table" and element not in data_tables:
            continue
        holder.append(_detached(element))
    if len(holder):
        return _body("baseline", holder)
    page = next(tree.iter("body"), None)
    return _body("baseline", page) if page is not None else Body("baseline", None)


def _detached(element: etree._Element) -> etree._Element:
    """A copy of ``element`` without its tail (the tail belongs to the surrounding text)."""
    copied = deepcopy(element)
    copied.tail = None
    return copied


def _body(stage: str, element: etree._Element) -> Body:
    """A candidate with its rendered lines, chrome lines and repeated paragraphs left out."""
    return Body(stage, element, once([line for line in render_lines(element) if not is_chrome_line(line)]))


def once(lines: list[str]) -> list[str]:
    """The lines with a second copy of a long paragraph left out (a body served twice, or a hidden
    copy for a read-aloud widget); short lines and table rows may repeat."""
    seen: set[str] = set()
    kept = []
    for line in lines:
        if len(line) >= REPEAT_MIN_CHARS and CELL_SEPARATOR not in line:
            if line in seen:
                continue
            seen.add(line)
        kept.append(line)
    return kept
