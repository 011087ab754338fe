"""A body element → plain-text lines: one paragraph per line, data tables as ``a | b | c`` rows.

Walks the tree with an explicit stack, so a page nested thousands of levels deep renders
without recursion. Understands both HTML and trafilatura's output vocabulary.
"""

from __future__ import annotations

import re

from lxml import etree

from .parse import is_element
from .tables import cell_text, cells_of, is_data_table, rows_of

BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details", "div",
    "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5",
    "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table",
    "tbody", "td", "tfoot", "th", "thead", "tr", "ul", "ucapcontent",
    # trafilatura's output elements
    "head", "list", "item", "quote", "row", "cell", "doc", "code",
})
BREAK_TAGS = frozenset({"br", "lb"})
CELL_SEPARATOR = " | "
_CJK = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f"
# Source line breaks between two CJK characters are layout, not spaces.
_CJK_BREAK = re.compile(rf"(?<=[{_CJK}])[ \t\r\f\v\xa0]*\n\s*(?=[{_CJK}])")
_WHITESPACE = re.compile("[\\s\u3000\xa0\u200b\ufeff]+")


class _Lines:
    """Collects inline text and cuts it into lines at block boundaries."""

    def __init__(self) -> None:
        """Start with no lines and an empty current line."""
        self.lines: list[str] = []
        self._parts: list[str] = []

    def add(self, text: str | None) -> None:
        """Append inline text to the current line."""
        if text:
            self._parts.append(text)

    def cut(self) -> None:
        """End the current line (a block boundary); empty lines are dropped."""
        line = clean_line("".join(self._parts))
        if line:
            self.lines.append(line)
        self._parts = []

    def extend(self, lines: list[str]) -> None:
        """Add finished lines (table rows) after ending the current line."""
        self.cut()
        self.lines.extend(lines)


def render_lines(root: etree._Element) -> list[str]:
    """The text of ``root`` as non-empty lines."""
    out = _Lines()
    stack: list[tuple[etree._Element, bool]] = [(root, False)]
    while stack:
        node, closing = stack.pop()
        if closing:
            _close(node, root, out)
        else:
            _open(node, root, out, stack)
    out.cut()
    return out.lines


def table_lines(table: etree._Element) -> list[str]:
    """A data table as one line per row, cells joined with `` | ``; empty rows dropped."""
    lines = []
    for row in rows_of(table):
        cells = [cell_text(cell) for cell in cells_of(row)]
        if any(cells):
            lines.append(CELL_SEPARATOR.join(cells).rstrip())
    return lines


def clean_line(text: str) -> str:
    """Squash whitespace; drop source line breaks inside CJK runs."""
    return _WHITESPACE.sub(" ", _CJK_BREAK.sub("", text)).strip()


def _open(node: etree._Element, root: etree._Element, out: _Lines,
          stack: list[tuple[etree._Element, bool]]) -> None:
    """Enter a node: emit its text, or its rows for a data table, and queue its children."""
    if not is_element(node):
        if node is not root:
            out.add(node.tail)  # a comment's tail is ordinary text
        return
    tag = node.tag.lower()
    if tag in BREAK_TAGS:
        out.cut()
        if node is not root:
            out.add(node.tail)
        return
    if tag in BLOCK_TAGS:
        out.cut()
    stack.append((node, True))
    if tag == "table" and is_data_table(node):
        out.extend(table_lines(node))
        return
    out.add(node.text)
    stack.extend((child, False) for child in reversed(node))


def _close(node: etree._Element, root: etree._Element, out: _Lines) -> None:
    """Leave a node: end its block, then continue with its tail."""
    if node.tag.lower() in BLOCK_TAGS:
        out.cut()
    if node is not root:
        out.add(node.tail)
