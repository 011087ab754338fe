"""Page images for OCR: frames of an image file, pages of a PDF, at the resolution OCR reads best.

Only the OCR children (:mod:`.ocr`) call this, inside their limits: image decoders and PDFium parse
untrusted bytes. Every page is grey (``L``), straightened (:func:`deskew`) and brought to about
``TARGET_DPI``: the benchmark (bench/ocr/README.md) found 150 dpi loses thin digits (1 against 7)
and 300 dpi buys nothing over 200 but time. A page is refused when it would need more than
``MAX_PIXELS`` pixels, whatever its file claims.
"""

from __future__ import annotations

import io

import numpy as np
from PIL import Image, ImageOps

from nianbao.errors import PageTooLarge

TARGET_DPI = 200
# Images declaring more than this are scaled down to TARGET_DPI; fewer are read as they are.
MAX_NATIVE_DPI = 250
# An A4 page at 600 dpi is 35 million pixels; more than this is a decompression bomb, not a scan.
MAX_PIXELS = 40_000_000
# Resolution assumed for an image that declares none, or an absurd one.
DEFAULT_DPI = 200
A4_SHORT_SIDE_INCHES = 8.27
# Skew search (degrees): scanned pages lie within a few degrees of straight.
MAX_SKEW = 2.0
# Frames of one image file (multi-page TIFF) that are read; more are cut and flagged truncated.
MAX_FRAMES = 200
# Grey value under which a pixel counts as ink when estimating skew (paper is lighter).
INK_BELOW = 160


def image_frame_count(body: bytes) -> int:
    """How many frames (pages) an image file holds."""
    with _opened(body) as image:
        return int(getattr(image, "n_frames", 1))


def image_page(body: bytes, index: int) -> tuple[Image.Image, int]:
    """Frame ``index`` of an image file as a grey page at about TARGET_DPI, and that resolution.

    EXIF orientation is applied (phones photograph reports sideways).
    """
    with _opened(body) as image:
        image.seek(index)
        _check_size(*image.size)
        dpi = declared_dpi(image)
        page = ImageOps.exif_transpose(image).convert("L")
    return normalise(page, dpi)


def declared_dpi(image: Image.Image) -> int:
    """The resolution an image declares; else a guess from its width, taken as an A4 page."""
    declared = image.info.get("dpi")
    if declared and 50 <= float(declared[0]) <= 1200:
        return round(float(declared[0]))
    guess = round(min(image.size) / A4_SHORT_SIDE_INCHES)
    return guess if 100 <= guess <= 1200 else DEFAULT_DPI


def normalise(page: Image.Image, dpi: int) -> tuple[Image.Image, int]:
    """Scale a page scanned finer than MAX_NATIVE_DPI down to TARGET_DPI."""
    if dpi <= MAX_NATIVE_DPI:
        return page, dpi
    scale = TARGET_DPI / dpi
    size = (max(1, round(page.width * scale)), max(1, round(page.height * scale)))
    return page.resize(size, Image.Resampling.LANCZOS), TARGET_DPI


def pdf_page(body: bytes, index: int, dpi: int) -> tuple[Image.Image, int]:
    """Page ``index`` of a PDF rendered in grey (strips and masks composed, /Rotate applied).

    Rendered at the scan's own resolution kept within 150–300 dpi (``dpi`` 0 when unknown:
    TARGET_DPI), then normalised; a page too large for MAX_PIXELS is rendered coarser.
    """
    import pypdfium2  # imported here: only OCR children render pages

    document = pypdfium2.PdfDocument(body)
    try:
        page = document[index]
        width, height = page.get_size()
        dpi = min(300, max(150, dpi or TARGET_DPI))
        dpi = min(dpi, int((MAX_PIXELS / max(1.0, width * height)) ** 0.5 * 72))
        if dpi < 50:
            raise PageTooLarge(f"page {index + 1} is {width:.0f}×{height:.0f} pt: too large to render")
        image = page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
    finally:
        document.close()
    return normalise(image, dpi)


def pdf_page_count(body: bytes) -> int:
    """Pages of a PDF, as PDFium counts them."""
    import pypdfium2

    document = pypdfium2.PdfDocument(body)
    try:
        return len(document)
    finally:
        document.close()


def deskew(page: Image.Image) -> Image.Image:
    """The page turned so its text rows are horizontal (ruled tables need it: 1.5° of skew moves
    a rule 40 px across an A4 page at 200 dpi)."""
    angle = skew_angle(page)
    if abs(angle) < 0.05:
        return page
    return page.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=_paper(page))


def skew_angle(page: Image.Image) -> float:
    """The rotation (degrees, counter-clockwise) that maximises the variance of the row profile,
    searched coarse then fine on a quarter-size image (skew is a property of the whole page)."""
    small = page.reduce(4) if min(page.size) > 800 else page
    ink = Image.fromarray(((np.asarray(small) < INK_BELOW) * 255).astype(np.uint8))
    coarse = _best_angle(ink, np.arange(-MAX_SKEW, MAX_SKEW + 0.01, 0.5))
    return _best_angle(ink, np.arange(coarse - 0.4, coarse + 0.41, 0.1))


def _best_angle(ink: Image.Image, angles: np.ndarray) -> float:
    """The angle among ``angles`` whose rotated row profile changes most sharply."""
    def score(angle: float) -> float:
        rotated = np.asarray(ink.rotate(angle, resample=Image.Resampling.BILINEAR), dtype=np.float32)
        return float(np.var(np.diff(rotated.sum(axis=1))))

    return max((round(float(a), 2) for a in angles), key=score)


def _paper(page: Image.Image) -> int:
    """The page's background grey (its median), to fill the corners a rotation uncovers."""
    return int(np.median(np.asarray(page.reduce(8) if min(page.size) > 800 else page)))


def _opened(body: bytes) -> Image.Image:
    """The image file opened (headers only); Pillow's own bomb guard becomes PageTooLarge."""
    try:
        return Image.open(io.BytesIO(body))
    except Image.DecompressionBombError as exc:
        raise PageTooLarge(str(exc)) from exc


def _check_size(width: int, height: int) -> None:
    """Refuse a frame whose pixel count passes MAX_PIXELS before decoding it."""
    if width * height > MAX_PIXELS:
        raise PageTooLarge(f"image of {width}×{height} pixels is over the {MAX_PIXELS:,}-pixel limit")
