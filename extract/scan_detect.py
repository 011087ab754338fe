"""Which PDF pages are scans: decided per page in the layout pass :mod:`.pdf` already makes.

Per page, not per file: a born-digital report with one scanned, stamped page is common. A page
needs OCR when its text layer is nearly empty or unreadable (private-use code points and U+FFFD are
what a CJK font without a ToUnicode map extracts to) and something is drawn there: images covering
most of the page (scanners may store a page in strips, so their areas add up), or many curves (text
converted to outlines). A PDF already OCR'd (invisible text, render mode 3) has a text layer and is
read as text. A blank page is neither.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from pdfminer.layout import LTCurve, LTImage, LTLayoutContainer, LTLine, LTRect, LTTextContainer

# Fewer readable characters than this on a page is a stray page number, not a text layer.
MIN_TEXT_CHARS = 20
# A text layer with this share of unreadable characters is no use.
MAX_UNREADABLE = 0.3
# Share of the page area that images must cover for a scan.
MIN_IMAGE_COVER = 0.5
# Curves (not straight rules) that make a page of outlined text.
MIN_OUTLINE_CURVES = 200
UNREADABLE_CATEGORIES = frozenset({"Co", "Cc", "Cn"})


def scanned_page(layout: Any) -> int | None:
    """For a page that only OCR can read, the resolution of its scan (0 when unknown); else None."""
    text = "".join(item.get_text() for item in layout if isinstance(item, LTTextContainer))
    if readable(text):
        return None
    cover, dpi, curves = _drawn(layout)
    if cover >= MIN_IMAGE_COVER:
        return dpi
    return 0 if curves >= MIN_OUTLINE_CURVES else None


def readable(text: str) -> bool:
    """Whether a page's text layer holds real text: enough characters, mostly readable ones."""
    chars = [char for char in text if not char.isspace()]
    bad = sum(char == "\ufffd" or unicodedata.category(char) in UNREADABLE_CATEGORIES for char in chars)
    return len(chars) - bad >= MIN_TEXT_CHARS and bad <= MAX_UNREADABLE * len(chars)


def _drawn(layout: Any) -> tuple[float, int, int]:
    """(share of the page under images, the largest image's resolution, curves drawn)."""
    page_area = max(1.0, layout.width * layout.height)
    covered, largest, dpi, curves = 0.0, 0.0, 0, 0
    stack = list(layout)
    while stack:
        item = stack.pop()
        if isinstance(item, LTImage):
            area = item.width * item.height
            covered += area
            if area > largest:
                largest, dpi = area, _resolution(item)
        elif isinstance(item, LTCurve) and not isinstance(item, LTLine | LTRect):
            curves += 1
        elif isinstance(item, LTLayoutContainer):
            stack.extend(item)
    return min(covered / page_area, 1.0), dpi, curves


def _resolution(image: Any) -> int:
    """An image's resolution on the page: its pixels over its placed area (rotation-proof)."""
    width, height = image.srcsize or (0, 0)
    area = image.width * image.height
    if not width or not height or area <= 0:
        return 0
    per_point: float = ((width * height) / area) ** 0.5
    return round(per_point * 72)
