"""Page furniture of a PDF: page numbers and the running headers and footers printed on every page.

A line is furniture when it sits at a page's edge (within ``EDGE_SHARE`` of the height from the
top or bottom, and among the ``EDGE_ROWS`` outermost rows of text there) and either

- reads as a page number in one of the forms printed in Chinese documents (``- 3 -``, ``—3—``,
  ``第 3 页``, ``第 3 页 共 12 页``, ``共 12 页 第 3 页``, ``3 / 12``, ``Page 3 of 12``, a bare
  ``3`` as the outermost row), or
- repeats at the same edge, at the same distance from it, on at least ``RUNNING_SHARE`` of the
  pages (digits ignored, so ``XX局 第 3 页`` repeats; half of the pages for alternating odd and
  even headers).

The distance matters: a document title printed on the cover is kept even when the later pages
repeat it as their running header, because it stands elsewhere on its page. A line as wide as the
text block (``FULL_MEASURE_SHARE`` of it) with another line less than a line's height above or below
it is body text run on from line to line, never a running header or footer, even when a stock
sentence happens to open several pages.
"""

from __future__ import annotations

import math
import re
import statistics
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field

# Share of the page height, from the top or the bottom edge, where headers and footers sit.
EDGE_SHARE = 0.15
# Rows of text (lines at one height) from an edge that may be furniture.
EDGE_ROWS = 2
# Lines whose tops differ by less than this (points) are one row.
ROW_TOLERANCE = 2.0
# A running header or footer repeats on this share of the pages with text (and on two at least).
RUNNING_SHARE = 0.4
# Its copies stand this close (points) to their usual distance from the edge.
POSITION_TOLERANCE = 6.0
# A line this share as wide as the text block (leftmost start to rightmost end of the document's
# lines), set close to the next, is body text run on; headers and footers are shorter or stand apart.
FULL_MEASURE_SHARE = 0.85
_DASH = "-－—–~～"
PAGE_NUMBER = re.compile(
    rf"""^(?:
        [{_DASH}]\s*\d{{1,4}}\s*[{_DASH}]
      | 第\s*\d{{1,4}}\s*页(?:\s*[,，、/／]?\s*共\s*\d{{1,4}}\s*页)?
      | 共\s*\d{{1,4}}\s*页\s*[,，、/／]?\s*第\s*\d{{1,4}}\s*页
      | \d{{1,4}}\s*[/／]\s*\d{{1,4}}
      | (?:page|p\.)\s*\d{{1,4}}(?:\s*(?:of|/)\s*\d{{1,4}})?
    )$""",
    re.VERBOSE | re.IGNORECASE,
)
BARE_NUMBER = re.compile(r"^\d{1,4}$")
_DIGITS = re.compile(r"\d+")


@dataclass
class Line:
    """One line of text on a page: its text, its top and bottom (from the page's top), its left and right ends."""

    text: str
    top: float
    bottom: float
    x0: float
    x1: float
    furniture: bool = False


@dataclass
class PageLines:
    """The lines of one page outside its tables, and the page's height."""

    height: float
    lines: list[Line] = field(default_factory=list)


def mark_furniture(pages: list[PageLines]) -> int:
    """Mark page numbers and running headers and footers on every page; return how many lines."""
    edges = [_edge_lines(page) for page in pages]
    for page_edges in edges:
        for side in page_edges.values():
            for rank, line in side:
                if _is_page_number(line.text, outermost=rank == 0):
                    line.furniture = True
    _mark_running(pages, edges)
    return sum(line.furniture for page in pages for line in page.lines)


def normal(text: str) -> str:
    """Text as compared: NFKC (full-width digits and dashes folded), whitespace removed."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def _is_page_number(text: str, *, outermost: bool) -> bool:
    """Whether a line reads as a page number (a bare number only as the outermost row)."""
    folded = normal(text)
    return bool(PAGE_NUMBER.match(folded)) or (outermost and bool(BARE_NUMBER.match(folded)))


def _edge_lines(page: PageLines) -> dict[str, list[tuple[int, Line]]]:
    """Per side (``top``, ``bottom``): the lines in the edge band with their row rank from the edge."""
    band = page.height * EDGE_SHARE
    sides: dict[str, list[tuple[int, Line]]] = {}
    for side in ("top", "bottom"):
        near = sorted((ln for ln in page.lines if _distance(ln, side, page.height) <= band),
                      key=lambda ln: _distance(ln, side, page.height))
        ranked, rank, last = [], -1, -math.inf
        for line in near:
            if _distance(line, side, page.height) - last > ROW_TOLERANCE:
                rank, last = rank + 1, _distance(line, side, page.height)
            if rank >= EDGE_ROWS:
                break
            ranked.append((rank, line))
        sides[side] = ranked
    return sides


def _distance(line: Line, side: str, height: float) -> float:
    """How far a line stands from the page's top or bottom edge."""
    return line.top if side == "top" else height - line.bottom


def _mark_running(pages: list[PageLines], edges: list[dict[str, list[tuple[int, Line]]]]) -> None:
    """Mark lines that repeat at one edge, at one distance from it, on enough pages."""
    with_text = sum(1 for page in pages if page.lines)
    needed = max(2, math.ceil(RUNNING_SHARE * with_text))
    widest = FULL_MEASURE_SHARE * _measure(pages)
    seen: dict[tuple[str, str], list[tuple[int, float, Line]]] = defaultdict(list)
    for number, (page, page_edges) in enumerate(zip(pages, edges, strict=True)):
        for side, ranked in page_edges.items():
            for _, line in ranked:
                key = _DIGITS.sub("0", normal(line.text))
                if key and not (line.x1 - line.x0 >= widest and _run_on(line, page)):
                    seen[(side, key)].append((number, _distance(line, side, page.height), line))
    for copies in seen.values():
        if len({number for number, _, _ in copies}) < needed:
            continue
        usual = statistics.median(distance for _, distance, _ in copies)
        placed = [(n, line) for n, distance, line in copies if abs(distance - usual) <= POSITION_TOLERANCE]
        if len({n for n, _ in placed}) >= needed:
            for _, line in placed:
                line.furniture = True


def _measure(pages: list[PageLines]) -> float:
    """The width of the text block: from the leftmost start to the rightmost end of any line."""
    lines = [line for page in pages for line in page.lines]
    return max(ln.x1 for ln in lines) - min(ln.x0 for ln in lines) if lines else 0.0


def _run_on(line: Line, page: PageLines) -> bool:
    """Whether another line of the page stands less than this line's height above or below it."""
    height = line.bottom - line.top
    return any(0 <= other.top - line.bottom < height or 0 <= line.top - other.bottom < height
               for other in page.lines if other is not line)
