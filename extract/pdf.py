"""PDF → paragraphs, with pdfminer.six (run only inside the bounded worker).

pdfminer rather than pypdf: both decode reportlab's CID font ``STSong-Light`` (UniGB-UCS2-H)
correctly, but pdfminer's layout analysis groups the wrapped lines of a paragraph into one text
box, so a paragraph becomes one line of ``text`` again; pypdf returns bare lines with no
paragraph boundaries. pdfminer ≥ 20251230 loads its CMaps as JSON, not pickle (the CMap CVEs).

A PDF with pages but no text layer (a scan) is flagged ``needs_ocr``. A damaged PDF keeps the
pages read before the damage and is flagged ``attachment_malformed``.
"""

from __future__ import annotations

import io
import logging
from typing import Any

from pdfminer.cmapdb import CMapDB
from pdfminer.converter import PDFPageAggregator
from pdfminer.layout import LAParams, LTTextContainer, LTTextLine
from pdfminer.pdfdocument import PDFDocument
from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
from pdfminer.pdfpage import PDFPage
from pdfminer.pdfparser import PDFParser
from pdfminer.pdftypes import resolve1
from pdfminer.utils import decode_text

from .reading import Collected
from .render import clean_line

STAGE = "pdf:pdfminer"
# Pages read from one PDF; a longer one is cut and flagged truncated.
MAX_PAGES = 2000
# A page's last paragraph goes on over the page break when its last line is full (ends within
# this many points of the page's right text edge) and does not end a sentence.
FULL_LINE_SLACK = 12.0
SENTENCE_ENDS = ("。", "！", "？", "；", "：", "…", "）", "」", "”", ".", "!", "?")
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
    """Paragraphs of every page (tables come out as lines of text: a PDF has no cells)."""
    logging.getLogger("pdfminer").setLevel(logging.ERROR)  # it warns on every odd object
    out = Collected(STAGE)
    try:
        document = PDFDocument(PDFParser(io.BytesIO(body)))
        title = _info_title(document)
        pages = _read_pages(document, out)
    except Exception as exc:
        out.flag("attachment_malformed")
        return out.answer(None, error=f"{type(exc).__name__}: {exc}")
    if pages and not out.blocks:
        out.flag("needs_ocr")
    return out.answer(title)


def _read_pages(document: PDFDocument, out: Collected) -> int:
    """Lay out each page and collect its text boxes; return how many pages were read."""
    manager = PDFResourceManager(caching=True)
    device = PDFPageAggregator(manager, laparams=LAParams())
    interpreter = PDFPageInterpreter(manager, device)
    count, carry = 0, False
    try:
        for count, page in enumerate(PDFPage.create_pages(document), start=1):
            if count > MAX_PAGES or out.full:
                out.flag("truncated")
                break
            interpreter.process_page(page)
            carry = _collect(device.get_result(), out, carry)
    except Exception:  # as above; the pages before the damage are kept
        if not out.blocks:
            raise
        out.flag("attachment_malformed")  # the pages before the damage are kept
    return count


def _collect(layout: Any, out: Collected, carry: bool) -> bool:
    """One paragraph per text box, its wrapped lines joined again; ``carry`` continues the
    previous page's last paragraph. Return whether this page's last paragraph goes on."""
    boxes = [e for e in layout if isinstance(e, LTTextContainer) and e.get_text().strip()]
    for index, box in enumerate(boxes):
        text = clean_line(box.get_text())
        if index == 0 and carry:
            out.continue_paragraph(text)
        else:
            out.paragraph(text)
    return bool(boxes) and _runs_on(boxes[-1], max(box.x1 for box in boxes))


def _runs_on(box: Any, right_edge: float) -> bool:
    """True when a text box ends in a full line that does not end a sentence."""
    lines = [line for line in box if isinstance(line, LTTextLine)]
    text = box.get_text().strip()
    return bool(lines) and lines[-1].x1 >= right_edge - FULL_LINE_SLACK and not text.endswith(SENTENCE_ENDS)


def _info_title(document: PDFDocument) -> str | None:
    """The /Title of the document information dictionary."""
    for info in document.info:
        title = resolve1(info.get("Title"))
        if isinstance(title, bytes):
            return decode_text(title)
        if isinstance(title, str):
            return title
    return None
