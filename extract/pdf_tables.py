"""Ruled tables of a PDF page → grids, with pdfplumber's table finder (run only inside the bounded worker).

A PDF has no cells, only text and the lines drawn around it. pdfplumber (MIT, built on the
pdfminer.six that reads the text) finds the cells that ruling lines enclose, and merged cells as
larger rectangles; a table drawn without lines stays text. The work is bounded: a page with more
ruling objects than ``MAX_RULINGS`` is not searched for tables (its text is still read), and a
table larger than the grid budget is skipped.

Each table is placed on the grid of its own cell edges: a merged cell's text fills every slot it
covers (``grid``, as HTML spans are expanded), and ``rows`` reads each row whole, as for Word
tables (:mod:`.office`): a cell spanning columns once, a cell spanning rows in every row.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from typing import Any

from pdfminer.layout import LTCurve, LTFigure

from .render import clean_line
from .tables import MAX_GRID_CELLS

# Ruling objects (lines, rectangles, curves) beyond which a page is not searched for tables:
# the finder's work grows with them, and a real table page draws a few hundred.
MAX_RULINGS = 5000
# Cell edges closer than this (points) are one grid line: pdfplumber snaps ruling lines within 3
# points of each other, so the parts of a table cut by a page break may differ by as much.
EDGE_TOLERANCE = 3.0
# Only ruled tables: cells are what lines enclose, never guessed from text alignment.
SETTINGS = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}


Cell = tuple[float, float, float, float, str]  # x0, top, x1, bottom (points from the page's top), text


@dataclass
class PdfTable:
    """One ruled table: its cells, from the page's top."""

    cells: list[Cell]

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        """x0, top, x1, bottom of the whole table."""
        return (min(c[0] for c in self.cells), min(c[1] for c in self.cells),
                max(c[2] for c in self.cells), max(c[3] for c in self.cells))

    def contains(self, x: float, y: float) -> bool:
        """Whether a point (``y`` from the page's top) lies inside the table."""
        x0, top, x1, bottom = self.bbox
        return x0 <= x <= x1 and top <= y <= bottom

    @property
    def columns(self) -> list[float]:
        """The table's column edges, left to right."""
        return _edges([c[0] for c in self.cells] + [c[2] for c in self.cells])

    def fits_columns(self, other: PdfTable) -> bool:
        """Whether the column edges of one table are all edges of the other (a merged cell hides some
        edges in one part of a table cut by a page break, never adds one)."""
        fewer, more = sorted((self.columns, other.columns), key=len)
        return all(abs(more[_index(more, x)] - x) <= EDGE_TOLERANCE for x in fewer)

    def extend(self, more: PdfTable) -> None:
        """Add the rows of a continuation (the table's part on the next page) below this one's."""
        shift = self.bbox[3] - more.bbox[1]
        self.cells.extend((x0, top + shift, x1, bottom + shift, text) for x0, top, x1, bottom, text in more.cells)

    def shape(self) -> tuple[list[list[str]], list[list[str]]] | None:
        """The grid on the table's own cell edges and its rows; None when over the cell budget."""
        xs = self.columns
        ys = _edges([c[1] for c in self.cells] + [c[3] for c in self.cells])
        width, height = len(xs) - 1, len(ys) - 1
        if width < 1 or height < 1 or width * height > MAX_GRID_CELLS:
            return None
        grid = [[""] * width for _ in range(height)]
        owner: list[list[int | None]] = [[None] * width for _ in range(height)]
        for number, (x0, top, x1, bottom, text) in enumerate(self.cells):
            for r in range(_index(ys, top), _index(ys, bottom)):
                for c in range(_index(xs, x0), _index(xs, x1)):
                    grid[r][c], owner[r][c] = text, number
        rows = [[grid[r][c] for c in range(width) if c == 0 or owner[r][c] is None or owner[r][c] != owner[r][c - 1]]
                for r in range(height)]
        return grid, rows


def page_tables(page: Any) -> list[PdfTable]:
    """The ruled tables of a pdfplumber page, top to bottom; none when it draws no lines or too many."""
    if not 0 < _rulings(page.layout) <= MAX_RULINGS:
        return []
    found = []
    for table in page.find_tables(SETTINGS):
        built = _build(table)
        if built is not None:
            found.append(built)
    return sorted(found, key=lambda t: t.bbox[1])


def _rulings(layout: Any) -> int:
    """Lines, rectangles and curves drawn on a laid-out page (inside figures too), counted up to
    one past MAX_RULINGS."""
    count, stack = 0, [layout]
    while stack and count <= MAX_RULINGS:
        for item in stack.pop():
            if isinstance(item, LTCurve):
                count += 1
            elif isinstance(item, LTFigure):
                stack.append(item)
    return count


def _build(table: Any) -> PdfTable | None:
    """A found table, or None when no cell holds text."""
    cells = [(*box, text) for box, text in _cell_texts(table)]
    return PdfTable(cells) if any(text for *_, text in cells) else None


def _cell_texts(table: Any) -> list[tuple[tuple[float, float, float, float], str]]:
    """Every cell's box and its text (wrapped lines joined as in paragraphs)."""
    pairs = []
    for row, texts in zip(table.rows, table.extract(), strict=True):
        for box, text in zip(row.cells, texts, strict=True):
            if box is not None:
                pairs.append((box, clean_line(text or "")))
    return pairs


def _edges(values: list[float]) -> list[float]:
    """Distinct edge positions, those within EDGE_TOLERANCE of the previous one merged."""
    edges: list[float] = []
    for value in sorted(values):
        if not edges or value - edges[-1] > EDGE_TOLERANCE:
            edges.append(value)
    return edges


def _index(edges: list[float], value: float) -> int:
    """The grid line a cell edge sits on."""
    at = bisect_left(edges, value - EDGE_TOLERANCE)
    return min(at, len(edges) - 1)
