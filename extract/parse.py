"""Decoded text → one lxml tree, parsed once and bounded; plus small iterative tree helpers."""

from __future__ import annotations

import re
from collections.abc import Iterator

from lxml import etree

# Input over this many bytes is not parsed (trafilatura's own MAX_FILE_SIZE is 20,000,000).
MAX_BODY_BYTES = 20 * 1024 * 1024
# Tags whose boundaries separate words inside one line of text (a table cell, say).
SPACED_TAGS = frozenset({"p", "div", "br", "li", "dd", "dt", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "td",
                         "th", "table", "ul", "ol", "lb", "row", "cell", "head", "item", "list"})
# libxml2 turns these into U+FFFD, which would then read as damage in the source.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
# The document's end tags, and markup that may follow them.
_DOCUMENT_END = re.compile(r"</(?:body|html)\s*>", re.I)
_MARKUP = re.compile(r"<(?!/?(?:body|html)\b|!--)[a-zA-Z]")
# lxml refuses str input that carries an XML encoding declaration.
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")


def parse_html(text: str) -> tuple[etree._Element | None, list[str]]:
    """Parse a page; return the tree (None when there is no document at all) and flags.

    lxml's plain tree is used, not ``lxml.html``'s: its elements need no Python class lookup, which
    made every walk over the tree several times slower.
    """
    flags: list[str] = []
    text, removed = _CONTROL.subn("", text)
    if removed:
        flags.append("control_chars_removed")
    text = _XML_DECLARATION.sub("", text, count=1)
    text = _keep_after_end(text)
    # huge_tree lifts libxml2's 256-level depth limit to 2048; comments stay for Hanweb markers.
    parser = etree.HTMLParser(huge_tree=True, remove_comments=False, remove_pis=True, default_doctype=False)
    try:
        tree = etree.fromstring(text, parser=parser) if text.strip() else None
    except etree.ParserError:
        tree = None
    if tree is None:
        return None, flags  # "Document is empty": nothing but whitespace
    if any(error.level_name == "FATAL" for error in parser.error_log):
        flags.append("truncated")  # libxml2 stopped (depth over 2048): the rest is lost
    return tree, flags


def _keep_after_end(text: str) -> str:
    """The page without its ``</body>`` and ``</html>`` end tags when markup follows them.

    Some templates (gov.cn articles among them) close the document before the article: browsers
    keep what follows in the body (HTML's "after after body" rule), but libxml2 drops it, and with
    it the whole article. Without the end tags the parser closes the document at the end instead.
    """
    end = _DOCUMENT_END.search(text)
    if end is None or not _MARKUP.search(text, end.end()):
        return text
    return _DOCUMENT_END.sub("", text)


def is_element(node: object) -> bool:
    """True for real elements; False for comments, processing instructions and entities."""
    return isinstance(getattr(node, "tag", None), str)


def iter_text_nodes(root: etree._Element) -> Iterator[tuple[etree._Element, str, bool]]:
    """Every text node under ``root`` as ``(owner, text, is_tail)``, in document order.

    ``owner`` is the element whose ``.text`` it is, or whose ``.tail`` it is when ``is_tail``.
    The text of comments is skipped (their tails are real text). lxml's ``iter`` is iterative,
    so this is safe on deeply nested pages.
    """
    for node in root.iter():
        if is_element(node) and node.text:
            yield node, node.text, False
        if node is not root and node.tail:
            yield node, node.tail, True


def squash(text: str | None) -> str:
    """Collapse every whitespace run (including U+3000 and NBSP) to one space, and strip."""
    if not text:
        return ""
    # str.split() knows Unicode whitespace and is far faster than a regex on large pages.
    return " ".join(text.replace("\u200b", " ").replace("\ufeff", " ").split())


def spaced_text(element: etree._Element) -> str:
    """The element's text on one line: inline tags join directly (``自<b>然</b>人`` is 自然人),
    block boundaries and line breaks become one space. Iterative, like every walker here."""
    if not len(element):  # most table cells: the element's own text is all of it
        return squash(element.text)
    parts: list[str] = []
    stack: list[tuple[etree._Element, bool]] = [(element, False)]
    while stack:
        node, closing = stack.pop()
        if not closing and is_element(node):
            parts.append(" " if node.tag in SPACED_TAGS else "")
            parts.append(node.text or "")
            stack.append((node, True))
            stack.extend((child, False) for child in reversed(node))
            continue
        if closing and node.tag in SPACED_TAGS:
            parts.append(" ")
        if node is not element:
            parts.append(node.tail or "")
    return squash("".join(parts))


def text_of(element: etree._Element) -> str:
    """The element's visible text, whitespace squashed (comments excluded)."""
    return squash("".join(element.itertext()))


def drop(element: etree._Element) -> None:
    """Remove ``element`` and its subtree, keeping its tail text in place."""
    parent = element.getparent()
    if parent is None:
        return
    if element.tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


def has_class(element: etree._Element, name: str) -> bool:
    """True when ``name`` is one of the element's classes."""
    return name in (element.get("class") or "").split()
