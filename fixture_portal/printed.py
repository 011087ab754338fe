"""Reports printed to PDF as word processors print them: a large title, wrapped paragraphs, ruled
tables (merged cells drawn as one box), a running header and a page number on every page.

Byte-for-byte deterministic (reportlab with ``invariant``). The page-number forms are those of
Chinese documents; ``PAGE_NUMBERS`` names them.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass, field

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from .files import pdf_font, wrap
from .model import Block, Para, Table
from .tables import expand_grid

TITLE_SIZE = 20
BODY_SIZE = 12
CELL_SIZE = 9
HEADER_SIZE = 9
MARGIN = 72
TEXT_WIDTH = A4[0] - 2 * MARGIN
CELL_PAD = 3
# Page-number forms, filled with the page number and the page count.
PAGE_NUMBERS = {
    "dash": "- {n} -",
    "emdash": "—{n}—",
    "page": "第 {n} 页",
    "page_of": "第 {n} 页 共 {total} 页",
    "slash": "{n} / {total}",
    "bare": "{n}",
}


@dataclass
class Page:
    """Drawing steps of one page, run once the page count is known."""

    steps: list[tuple[str, tuple]] = field(default_factory=list)


class _Layout:
    """Pages being filled from the top down."""

    def __init__(self) -> None:
        self.pages = [Page()]
        self.y = A4[1] - MARGIN

    def room(self, height: float) -> None:
        """Start a new page unless ``height`` points fit above the bottom margin."""
        if self.y - height < MARGIN:
            self.pages.append(Page())
            self.y = A4[1] - MARGIN

    def text(self, x: float, size: int, line: str) -> None:
        """One line at the current height."""
        self.pages[-1].steps.append(("text", (x, self.y, size, line)))


def printed_pdf(title: str, blocks: Iterable[Block], *, header: str | None = None,
                page_number: str | None = "dash", info_title: str = "") -> bytes:
    """A report as printed: title in large print, paragraphs, ruled tables, header and page numbers.
    ``info_title`` is the document property (word processors often leave a stale one or none)."""
    layout = _Layout()
    for line in wrap(title, int(TEXT_WIDTH // TITLE_SIZE)):
        layout.room(TITLE_SIZE * 1.5)
        layout.text(MARGIN + (TEXT_WIDTH - len(line) * TITLE_SIZE) / 2, TITLE_SIZE, line)
        layout.y -= TITLE_SIZE * 1.5
    layout.y -= BODY_SIZE
    for block in blocks:
        if isinstance(block, Para):
            _paragraph(layout, block.text)
        elif isinstance(block, Table):
            _table(layout, block)
    return _draw(layout.pages, info_title, header, PAGE_NUMBERS.get(page_number or ""))


def _paragraph(layout: _Layout, text: str) -> None:
    """Wrapped lines, with a gap after the paragraph."""
    for line in wrap(text, int(TEXT_WIDTH // BODY_SIZE)):
        layout.room(BODY_SIZE * 2)
        layout.text(MARGIN, BODY_SIZE, line)
        layout.y -= BODY_SIZE * 2
    layout.y -= BODY_SIZE * 0.5


def _table(layout: _Layout, table: Table) -> None:
    """Ruled rows; a page break falls only between rows that no merged cell joins."""
    grid = expand_grid(table)
    widths = _widths(grid)
    starts = _cell_starts(table)
    heights = [_row_height(grid, widths, starts, r) for r in range(len(grid))]
    for first, last in _unbreakable(table, len(grid)):
        layout.room(sum(heights[first:last]))
        tops = [layout.y]
        for height in heights[first:last]:
            tops.append(tops[-1] - height)
        for (r, c), (rowspan, colspan, text) in starts.items():
            if first <= r < last:
                _cell(layout, widths, c, colspan, tops[r - first], tops[r - first + rowspan], text)
        layout.y = tops[-1]
    layout.y -= BODY_SIZE


def _cell(layout: _Layout, widths: list[float], c: int, colspan: int, top: float, bottom: float, text: str) -> None:
    """One cell's box and its wrapped text."""
    x = MARGIN + sum(widths[:c])
    width = sum(widths[c:c + colspan])
    layout.pages[-1].steps.append(("rect", (x, bottom, width, top - bottom)))
    y = top - CELL_PAD - CELL_SIZE
    for line in wrap(text, _chars(width)) if text else []:
        layout.pages[-1].steps.append(("text", (x + CELL_PAD, y, CELL_SIZE, line)))
        y -= CELL_SIZE * 1.3


def _cell_starts(table: Table) -> dict[tuple[int, int], tuple[int, int, str]]:
    """(row, column) of each written cell → (rowspan, colspan, text), placed as HTML places them."""
    taken: set[tuple[int, int]] = set()
    starts = {}
    for r, row in enumerate(table.rows):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            starts[(r, c)] = (cell.rowspan, cell.colspan, cell.text)
            taken.update((r + dr, c + dc) for dr in range(cell.rowspan) for dc in range(cell.colspan))
            c += cell.colspan
    return starts


def _widths(grid: list[list[str]]) -> list[float]:
    """Column widths in proportion to their longest text (within limits), filling the text width."""
    wants = [min(max(4, *(len(row[c]) for row in grid)), 14) for c in range(len(grid[0]))]
    return [TEXT_WIDTH * want / sum(wants) for want in wants]


def _chars(width: float) -> int:
    """Characters of the cell font that fit in a cell of ``width``."""
    return max(1, int((width - 2 * CELL_PAD) // CELL_SIZE))


def _row_height(grid: list[list[str]], widths: list[float], starts: dict, r: int) -> float:
    """Tall enough for the wrapped text of every single-row cell starting in row ``r``."""
    lines = [len(wrap(text, _chars(sum(widths[c:c + colspan]))))
             for (row, c), (rowspan, colspan, text) in starts.items() if row == r and rowspan == 1]
    return max([1, *lines]) * CELL_SIZE * 1.3 + 2 * CELL_PAD


def _unbreakable(table: Table, height: int) -> list[tuple[int, int]]:
    """Runs of rows (first, end) that merged cells tie together."""
    reach = list(range(1, height + 1))
    for (r, _), (rowspan, _, _) in _cell_starts(table).items():
        reach[r] = max(reach[r], r + rowspan)
    runs, first, end = [], 0, 0
    for r in range(height):
        end = max(end, reach[r])
        if end == r + 1:
            runs.append((first, end))
            first = r + 1
    return runs


def _draw(pages: list[Page], info_title: str, header: str | None, number: str | None) -> bytes:
    """Run every page's steps, with the running header and the page number."""
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4, invariant=1)
    pdf.setTitle(info_title)
    font = pdf_font()
    for n, page in enumerate(pages, start=1):
        if header:
            pdf.setFont(font, HEADER_SIZE)
            pdf.drawCentredString(A4[0] / 2, A4[1] - 40, header)
            pdf.line(MARGIN, A4[1] - 46, A4[0] - MARGIN, A4[1] - 46)
        if number:
            pdf.setFont(font, HEADER_SIZE)
            pdf.drawCentredString(A4[0] / 2, 36, number.format(n=n, total=len(pages)))
        for kind, args in page.steps:
            if kind == "text":
                x, y, size, line = args
                pdf.setFont(font, size)
                pdf.drawString(x, y, line)
            else:
                pdf.rect(*args)
        pdf.showPage()
    pdf.save()
    return out.getvalue()
