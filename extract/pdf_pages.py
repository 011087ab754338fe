"""A PDF's laid-out pages → paragraphs and tables in reading order (run only inside the bounded worker).

Each page is pdfminer's layout (text boxes, each a paragraph or a line as the PDF groups them)
and pdfplumber's ruled tables (:mod:`.pdf_tables`); text inside a table is read as its cells,
never twice. Across pages, page numbers and running headers and footers are dropped
(:mod:`.pdf_furniture`), a paragraph cut by a page break is continued, and a table cut by a page
break (the next page opens with a table on the same columns) is one table again.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from pdfminer.layout import LTTextContainer, LTTextLine

from .pdf_furniture import Line, PageLines
from .pdf_tables import PdfTable, page_tables
from .reading import MAX_TITLE_CHARS, Collected
from .render import clean_line

# A page's last paragraph goes on over the page break when its last line is full (ends within
# this many points of the page's right text edge) and does not end a sentence.
FULL_LINE_SLACK = 12.0
SENTENCE_ENDS = ("。", "！", "？", "；", "：", "…", "）", "」", "”", ".", "!", "?")
# The edges of a table continued on the next page stand this close (points) to the first part's.
COLUMN_TOLERANCE = 2.0
# A printed title's lines are at least this much taller than the document's median line.
TITLE_SCALE = 1.25
# Lines of one title differ in height by less than this share.
TITLE_SIZE_SPREAD = 0.5
# Large print that is no title: a 公文 masthead (发文机关标志, "…文件") or an attachment label.
NOT_TITLE = re.compile(r"(文件|^附件\s*\d*\s*[:：]?)$")


@dataclass
class Box:
    """A text box of the layout: its lines outside tables."""

    lines: list[Line]

    @property
    def text(self) -> str:
        """The box's lines joined as one paragraph (furniture left out)."""
        return clean_line("".join(line.text for line in self.lines if not line.furniture))

    @property
    def top(self) -> float:
        """The top of its first line."""
        return min(line.top for line in self.lines)


@dataclass
class PdfPage:
    """One page: its lines (for furniture and title rules) and its boxes and tables in reading order."""

    lines: PageLines
    items: list[Box | PdfTable] = field(default_factory=list)
    scan: tuple[int, int] | None = None  # a page only OCR can read: (0-based number, its scan's dpi)


def read_page(page: Any) -> PdfPage:
    """Boxes and tables of a pdfplumber page, in reading order."""
    layout = page.layout
    tables = page_tables(page)
    read = PdfPage(PageLines(float(layout.height)))
    boxes = []
    for container in layout:
        if isinstance(container, LTTextContainer):
            lines = [line for line in _lines(container, layout.y1) if not _in_table(line, tables)]
            if any(line.text.strip() for line in lines):
                boxes.append(Box(lines))
                read.lines.lines.extend(lines)
    read.items = _with_tables(boxes, tables)
    return read


def emit(pages: list[PdfPage], out: Collected) -> None:
    """Paragraphs and tables of every page, continuing paragraphs and tables cut by page breaks."""
    _join_tables(pages)
    carry = False
    for page in pages:
        if page.scan is not None:
            out.scan(*page.scan)  # OCR's blocks take its place (extract/scanned.py)
            carry = False
            continue
        items = list(_visible(page))
        for index, item in enumerate(items):
            if isinstance(item, PdfTable):
                _table(item, out)
            elif index == 0 and carry:
                out.continue_paragraph(item.text)
            else:
                out.paragraph(item.text)
        carry = bool(items) and isinstance(items[-1], Box) and _runs_on(items[-1], page)


def printed_title(pages: list[PdfPage]) -> str | None:
    """The first run of large print on the first page with text, as one line (None when all print is alike)."""
    heights = [line.bottom - line.top for page in pages for line in page.lines.lines if not line.furniture]
    first = next((page for page in pages if any(not line.furniture for line in page.lines.lines)), None)
    if not heights or first is None:
        return None
    large = TITLE_SCALE * statistics.median(heights)
    for run in _runs(sorted((ln for ln in first.lines.lines if not ln.furniture), key=lambda ln: ln.top), large):
        title = clean_line("\n".join(line.text for line in run))
        if title and not NOT_TITLE.search(title) and len(title) <= MAX_TITLE_CHARS:
            return title
    return None


def _runs(lines: list[Line], large: float) -> Iterator[list[Line]]:
    """Runs of consecutive lines at least ``large`` tall and of about one height."""
    run: list[Line] = []
    for line in lines:
        height = line.bottom - line.top
        if height >= large and (not run or abs(height / (run[0].bottom - run[0].top) - 1) <= TITLE_SIZE_SPREAD):
            run.append(line)
            continue
        if run:
            yield run
        run = [line] if height >= large else []
    if run:
        yield run


def _lines(container: Any, page_top: float) -> list[Line]:
    """The text lines of a layout box, measured from the page's top."""
    return [Line(line.get_text(), page_top - line.y1, page_top - line.y0, line.x0, line.x1)
            for line in container if isinstance(line, LTTextLine)]


def _in_table(line: Line, tables: list[PdfTable]) -> bool:
    """Whether a line's middle lies inside one of the page's tables."""
    return any(table.contains((line.x0 + line.x1) / 2, (line.top + line.bottom) / 2) for table in tables)


def _with_tables(boxes: list[Box], tables: list[PdfTable]) -> list[Box | PdfTable]:
    """Boxes in layout order, each table placed before the first box that starts below its top."""
    items: list[Box | PdfTable] = []
    pending = list(tables)
    for box in boxes:
        while pending and pending[0].bbox[1] <= box.top:
            items.append(pending.pop(0))
        items.append(box)
    return items + pending


def _visible(page: PdfPage) -> Iterator[Box | PdfTable]:
    """The page's items without boxes that held only furniture."""
    return (item for item in page.items if isinstance(item, PdfTable) or item.text)


def _table(table: PdfTable, out: Collected) -> None:
    """A table's grid and rows, or the truncated flag when it is over the cell budget."""
    shape = table.shape()
    if shape is None:
        out.flag("truncated")
    else:
        out.table(*shape)


def _join_tables(pages: list[PdfPage]) -> None:
    """Append a table that opens a page to the table that closed the page before, when both span
    the same width on the same column edges."""
    previous: PdfTable | None = None
    for page in pages:
        items = list(_visible(page))
        if previous is not None and items and isinstance(items[0], PdfTable) and _continues(previous, items[0]):
            previous.extend(items[0])
            page.items.remove(items[0])
            items = items[1:] or [previous]
        previous = items[-1] if items and isinstance(items[-1], PdfTable) else None


def _continues(first: PdfTable, second: PdfTable) -> bool:
    """Whether ``second`` is the rest of ``first``: the same left and right edges, and columns that fit."""
    same_width = all(abs(first.bbox[i] - second.bbox[i]) <= COLUMN_TOLERANCE for i in (0, 2))
    return same_width and first.fits_columns(second)


def _runs_on(box: Box, page: PdfPage) -> bool:
    """True when a box ends in a full line (at the page's right text edge) that does not end a sentence."""
    kept = [line for line in page.lines.lines if not line.furniture]
    last = [line for line in box.lines if not line.furniture][-1]
    right = max(line.x1 for line in kept)
    return last.x1 >= right - FULL_LINE_SLACK and not box.text.endswith(SENTENCE_ENDS)
