"""The generic body stage: the smallest page section that holds nearly all of the page's own text.

After chrome pruning, what is left of a government page is mostly its document: menus and related
lists are link text, which does not count here, and footers, breadcrumbs and metadata blocks are
gone. So the walk starts at ``<body>`` and steps into the child holding at least
``DESCEND_SHARE`` of the text weight (characters outside links) for as long as there is one; it
stops at the element where the text splits into paragraphs. Two children with the same text (a
desktop and a mobile copy) do not split it: the first is taken. Only structural elements are
entered, never a paragraph or a data table, so no sibling paragraph is lost on the way down.
"""

from __future__ import annotations

from lxml import etree

from .parse import is_element, squash
from .tables import is_data_table

# A child holding this share of its parent's text weight is where the document is.
DESCEND_SHARE = 0.75
# Elements the walk may step into: page structure, never paragraphs or inline markup.
STRUCTURAL = frozenset({"html", "body", "div", "section", "article", "main", "form", "center", "table", "tbody",
                        "thead", "tr", "td", "th", "ucapcontent", "font"})
# Two copies of one text: equal weights within this share, and the same opening.
COPY_SHARE = 0.02
COPY_OPENING = 200


def text_weights(root: etree._Element) -> dict[etree._Element, int]:
    """Characters of text under each element, links excluded; one pass from the leaves up."""
    weights: dict[etree._Element, int] = {}
    elements = [e for e in root.iter() if is_element(e)]
    for element in reversed(elements):
        if element.tag == "a":
            weights[element] = 0
            continue
        own = len((element.text or "").strip())
        for child in element:
            own += len((child.tail or "").strip()) + weights.get(child, 0)
        weights[element] = own
    return weights


def densest(root: etree._Element) -> etree._Element | None:
    """The element the document's text lives in, or None when the text never narrows below ``<body>``."""
    weights = text_weights(root)
    element = next(root.iter("body"), root)
    while True:
        child = _heavy_child(element, weights)
        if child is None:
            break
        element = child
    return None if element.tag in ("html", "body") else element


def _heavy_child(element: etree._Element, weights: dict[etree._Element, int]) -> etree._Element | None:
    """The structural child holding most of ``element``'s weight, or the first of two copies."""
    total = weights.get(element, 0)
    children = sorted((c for c in element if is_element(c) and weights.get(c, 0)), key=lambda c: -weights[c])
    if not total or not children:
        return None
    first = children[0]
    if weights[first] >= total * DESCEND_SHARE:
        return first if _enterable(first) else None
    if len(children) >= 2 and _copies(first, children[1], weights) \
            and weights[first] + weights[children[1]] >= total * DESCEND_SHARE:
        return min(first, children[1], key=lambda c: element.index(c)) if _enterable(first) else None
    return None


def _enterable(element: etree._Element) -> bool:
    """A structural element, and not a data table."""
    return element.tag in STRUCTURAL and not (element.tag == "table" and is_data_table(element))


def _copies(one: etree._Element, other: etree._Element, weights: dict[etree._Element, int]) -> bool:
    """Two elements carrying the same text (desktop and mobile copies of one body)."""
    if abs(weights[one] - weights[other]) > max(weights[one], weights[other]) * COPY_SHARE:
        return False
    return _opening(one) == _opening(other)


def _opening(element: etree._Element) -> str:
    """The first characters of an element's text, whitespace removed."""
    parts: list[str] = []
    size = 0
    for text in element.itertext():
        piece = "".join(squash(text).split())
        parts.append(piece)
        size += len(piece)
        if size >= COPY_OPENING:
            break
    return "".join(parts)[:COPY_OPENING]
