"""Real attachment files (PDF, DOCX, XLSX) holding a report's text and tables, byte-for-byte deterministic.

PDFs use reportlab's built-in CID font ``STSong-Light`` (no font file needed), so pdfminer.six and
pypdf extract the Chinese text. Office files are re-zipped with fixed timestamps, because
python-docx and openpyxl stamp the current time into both the zip entries and ``docProps/core.xml``.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable
from datetime import datetime

import docx
import openpyxl
from PIL import Image as PILImage
from PIL import ImageDraw
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from .model import Block, Cell, Para, Table
from .tables import expand_grid

PDF_FONT = "STSong-Light"
FONT_SIZE = 11
LINE_HEIGHT = 16
PARAGRAPH_GAP = 10  # extra space between paragraphs, so extractors keep them apart
MARGIN = 72
LINE_CHARS = 38  # CJK characters per line at 11 pt between the margins of A4
# Office files carry this moment instead of "now" (zip entries and document properties).
FIXED_MOMENT = datetime(2026, 1, 1, 9, 0, 0)
ZIP_TIME = (2026, 1, 1, 9, 0, 0)
CORE_TIMES = re.compile(r"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:(?:created|modified)>)")
SCAN_SIZE = (620, 877)
TRUNCATE_AT = 0.4  # share of the PDF's bytes a truncated download keeps


def pdf_font() -> str:
    """Register the CID font once; return its name."""
    if PDF_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(PDF_FONT))
    return PDF_FONT


def wrap(text: str, width: int = LINE_CHARS) -> list[str]:
    """Split a paragraph into lines of at most ``width`` characters."""
    return [text[i : i + width] for i in range(0, len(text), width)] or [""]


def row_texts(table: Table) -> list[str]:
    """A table as one line of cell texts per row (spans not repeated), as a PDF print shows it."""
    return ["  ".join(cell.text or "-" for cell in row) for row in table.rows]


def pdf_lines(title: str, blocks: Iterable[Block], with_tables: bool) -> list[list[str]]:
    """The PDF's text as paragraphs of wrapped lines: the title, then the body."""
    paragraphs = [wrap(title)]
    for block in blocks:
        if isinstance(block, Para):
            paragraphs.append(wrap(block.text))
        elif isinstance(block, Table) and with_tables:
            paragraphs.extend(wrap(line) for line in row_texts(block))
    return paragraphs


def text_pdf(title: str, blocks: Iterable[Block], *, with_tables: bool = True) -> bytes:
    """A PDF with a real text layer: title, paragraphs and (optionally) table rows."""
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4, invariant=1)
    pdf.setTitle(title)
    font = pdf_font()
    pdf.setFont(font, FONT_SIZE)
    y = A4[1] - MARGIN
    for lines in pdf_lines(title, blocks, with_tables):
        for line in lines:
            if y < MARGIN:
                pdf.showPage()
                pdf.setFont(font, FONT_SIZE)
                y = A4[1] - MARGIN
            pdf.drawString(MARGIN, y, line)
            y -= LINE_HEIGHT
        y -= PARAGRAPH_GAP
    pdf.showPage()
    pdf.save()
    return out.getvalue()


def scan_pdf(title: str, pages: int = 2) -> bytes:
    """An image-only PDF (a scanned paper copy): grey text-like bars, no text layer at all."""
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4, invariant=1)
    pdf.setTitle(title)
    for page in range(pages):
        pdf.drawImage(ImageReader(scan_image(page)), 0, 0, width=A4[0], height=A4[1])
        pdf.showPage()
    pdf.save()
    return out.getvalue()


def scan_image(page: int) -> PILImage.Image:
    """One scanned page: off-white paper with lines of grey blocks."""
    image = PILImage.new("L", SCAN_SIZE, 246)
    draw = ImageDraw.Draw(image)
    for row in range(34):
        top = 70 + row * 22
        indent = 90 if row % 7 == 0 else 60
        length = 480 - (row * 37 + page * 53) % 160 if row % 7 == 6 else 500
        draw.rectangle((indent, top, indent + length, top + 9), fill=96)
    return image


def truncated(data: bytes) -> bytes:
    """The first part of a file, as a broken upload or a cut-off transfer leaves it."""
    return data[: max(64, int(len(data) * TRUNCATE_AT))]


def docx_file(title: str, blocks: Iterable[Block]) -> bytes:
    """A Word document: the title, then paragraphs and tables (merged cells for spans)."""
    document = docx.Document()
    document.core_properties.created = document.core_properties.modified = FIXED_MOMENT
    document.core_properties.title = title
    document.add_paragraph(title, style="Title")
    for block in blocks:
        if isinstance(block, Para):
            document.add_paragraph(block.text)
        elif isinstance(block, Table):
            add_docx_table(document, block)
    out = io.BytesIO()
    document.save(out)
    return stable_zip(out.getvalue())


def cell_slots(table: Table) -> list[tuple[int, int, Cell]]:
    """(row, column, cell) of every written cell, its column found as HTML places it."""
    taken: set[tuple[int, int]] = set()
    slots = []
    for r, row in enumerate(table.rows):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            slots.append((r, c, cell))
            taken.update((r + dr, c + dc) for dr in range(cell.rowspan) for dc in range(cell.colspan))
            c += cell.colspan
    return slots


def add_docx_table(document: docx.document.Document, table: Table) -> None:
    """One table: text into each written cell, then merge the cells a span covers."""
    grid = expand_grid(table)
    sheet = document.add_table(rows=len(grid), cols=len(grid[0]))
    sheet.style = "Table Grid"
    # Looking cells up one by one re-walks the whole table each time; take them all once.
    cells = [row.cells for row in sheet.rows]
    slots = cell_slots(table)
    for r, c, cell in slots:
        cells[r][c].text = cell.text
    for r, c, cell in slots:
        if cell.rowspan > 1 or cell.colspan > 1:
            cells[r][c].merge(cells[r + cell.rowspan - 1][c + cell.colspan - 1])


def xlsx_file(title: str, tables: list[Table]) -> bytes:
    """A workbook with one sheet per table (表1, 表2 …), spans as merged cells, integers as numbers."""
    book = openpyxl.Workbook()
    book.properties.created = book.properties.modified = FIXED_MOMENT
    book.properties.title = title
    book.remove(book.active)
    for number, table in enumerate(tables, start=1):
        sheet = book.create_sheet(f"表{number}")
        for r, c, cell in cell_slots(table):
            sheet.cell(r + 1, c + 1, value=sheet_value(cell.text))
            if cell.rowspan > 1 or cell.colspan > 1:
                sheet.merge_cells(
                    start_row=r + 1, start_column=c + 1, end_row=r + cell.rowspan, end_column=c + cell.colspan
                )
    out = io.BytesIO()
    book.save(out)
    return stable_zip(out.getvalue())


def sheet_value(text: str) -> int | str | None:
    """A plain whole number as a number (as clerks type them); anything else as text; blank as empty."""
    if not text:
        return None
    if text.isdigit() and (text == "0" or not text.startswith("0")):
        return int(text)
    return text


def stable_zip(data: bytes) -> bytes:
    """Re-zip with fixed entry times and fixed document-property times."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "docProps/core.xml":
                stamp = FIXED_MOMENT.strftime("%Y-%m-%dT%H:%M:%SZ")
                content = CORE_TIMES.sub(rf"\g<1>{stamp}\g<2>", content.decode("utf-8")).encode("utf-8")
            target.writestr(zipfile.ZipInfo(info.filename, ZIP_TIME), content, zipfile.ZIP_DEFLATED)
    return out.getvalue()
