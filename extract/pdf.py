"""PDF → paragraphs and tables, with pdfminer.six's layout and pdfplumber's ruled tables (run only
inside the bounded worker).

pdfminer rather than pypdf: both decode reportlab's CID font ``STSong-Light`` (UniGB-UCS2-H)
correctly, but pdfminer's layout analysis groups the wrapped lines of a paragraph into one text
box, so a paragraph becomes one line of ``text`` again; pypdf returns bare lines with no
paragraph boundaries. pdfminer ≥ 20251230 loads its CMaps as JSON, not pickle (the CMap CVEs).
pdfplumber drives the same pdfminer pass and finds the cells of ruled tables
(:mod:`.pdf_tables`); pages are put together, page numbers and running headers and footers
dropped, in :mod:`.pdf_pages`.

A page without a usable text layer that is covered by images (a scan) or drawn as curves (text
turned into outlines) is left for OCR as a ``{"scan": page, "dpi": …}`` block in its place
(:func:`.scan_detect.scanned_page`); :mod:`.scanned` reads those pages. A PDF with pages but no
text and no such page is flagged ``needs_ocr``. A damaged PDF keeps the pages read before the
damage and is flagged ``attachment_malformed``.
"""

from __future__ import annotations

import io
import logging
from typing import Any

import pdfplumber
from pdfminer.cmapdb import CMapDB
from pdfminer.pdfdocument import PDFDocument
from pdfminer.pdfpage import PDFPage
from pdfminer.pdftypes import resolve1
from pdfminer.utils import decode_text
from pdfplumber.page import Page

from .pdf_furniture import PageLines, mark_furniture
from .pdf_pages import PdfPage, emit, printed_title, read_page
from .reading import MAX_TEXT_CHARS, Collected
from .scan_detect import scanned_page

STAGE = "pdf:pdfminer"
# Pages read from one PDF; a longer one is cut and flagged truncated.
MAX_PAGES = 2000
# pdfminer's layout analysis with its default parameters (an empty dict: pdfplumber then runs it).
LAYOUT: dict[str, Any] = {}
# The predefined CMaps of Chinese (Adobe-GB1) CID fonts. pdfminer loads each, and the Adobe-GB1
# unicode map, on first use: 20–50 ms apiece, about 40 % of reading a short report that uses them.
CHINESE_CMAPS = ("UniGB-UCS2-H", "UniGB-UTF16-H", "UniGB-UTF8-H", "GBK-EUC-H", "GB-EUC-H", "GBK2K-H")


def warm_up() -> None:
    """Load the Chinese CMaps into pdfminer's caches. The reader server calls this once, so every
    child it forks starts with them loaded (about 0.15 s and 25 MB, once)."""
    for name in CHINESE_CMAPS:
        CMapDB.get_cmap(name)
    CMapDB.get_unicode_map("Adobe-GB1", vertical=False)


def read_pdf(body: bytes) -> dict[str, Any]:
    """Paragraphs and ruled tables of every page; the printed title when the first page has one."""
    logging.getLogger("pdfminer").setLevel(logging.ERROR)  # it warns on every odd object
    out = Collected(STAGE)
    try:
        with pdfplumber.open(io.BytesIO(body), laparams=LAYOUT) as pdf:
            title = _info_title(pdf.doc)
            pages = _read_pages(pdf, out)
    except Exception as exc:
        out.flag("attachment_malformed")
        return out.answer(None, error=f"{type(exc).__name__}: {exc}")
    mark_furniture([page.lines for page in pages])
    emit(pages, out)
    if pages and not out.blocks:
        out.flag("needs_ocr")
    return out.answer(printed_title(pages) or title)


def _read_pages(pdf: Any, out: Collected) -> list[PdfPage]:
    """Lay out each page and collect its boxes and tables."""
    pages: list[PdfPage] = []
    chars = 0
    try:
        for number, page in enumerate(PDFPage.create_pages(pdf.doc), start=1):
            if number > MAX_PAGES or chars > MAX_TEXT_CHARS:
                out.flag("truncated")
                break
            pages.append(_read_page(Page(pdf, page, page_number=number)))
            chars += sum(len(line.text) for line in pages[-1].lines.lines)
    except Exception:  # as above; the pages before the damage are kept
        if not pages:
            raise
        out.flag("attachment_malformed")
    return pages


def _read_page(page: Page) -> PdfPage:
    """One page's content, or its place when only OCR can read it; its cached layout objects are
    let go at once."""
    try:
        scan = scanned_page(page.layout)
        if scan is not None:
            return PdfPage(PageLines(float(page.layout.height)), scan=(page.page_number - 1, scan))
        return read_page(page)
    finally:
        page.close()


def _info_title(document: PDFDocument) -> str | None:
    """The /Title of the document information dictionary."""
    for info in document.info:
        title = resolve1(info.get("Title"))
        if isinstance(title, bytes):
            return decode_text(title)
        if isinstance(title, str):
            return title
    return None
