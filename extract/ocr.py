"""OCR of one scanned page (a PDF page without a text layer, or a frame of an image file).

Runs only in a bounded reader child (:mod:`.scanned` asks for one page at a time), forked from a
reader server whose :func:`warm_up` has loaded the engine once: RapidOCR 3 with the PP-OCRv6 small
detection and recognition models and the PP-OCR mobile orientation classifier, all shipped inside
the ``rapidocr`` wheel, run by OpenVINO on the CPU with one thread. Why this engine, and what the
others measured: bench/ocr/README.md.

Nothing is fetched at run time, and the reader server is kept from trying:

- the model files are passed by path, so RapidOCR never reaches its download code (it downloads a
  model only when none is given and the configured one is missing), and pixels are passed, never a
  path or URL (its image loader fetches URLs);
- :func:`forbid_network` makes every socket connection or name lookup of the server and its
  children fail (a Python audit hook);
- ``openvino_telemetry`` (installed with OpenVINO for its conversion tools, which ask before they
  send anything) cannot be imported here: OpenVINO's tools fall back to their stub without it.

A page's answer is a reader answer (:mod:`.reading`): paragraphs and ruled tables in reading order,
plus ``ocr``, a record of the engine, its version and the page's confidence.
"""

from __future__ import annotations

import statistics
import sys
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

from . import raster
from .reading import Collected
from .scan_tables import Fragment, Table, find_tables, join_text, read_grid

STAGE = "ocr:rapidocr"
ENGINE = "rapidocr"
# Model files inside the rapidocr wheel (its defaults for Chinese; any other choice would download).
MODELS = {"Det": "PP-OCRv6_det_small.onnx", "Rec": "PP-OCRv6_rec_small.onnx",
          "Cls": "ch_ppocr_mobile_v2.0_cls_mobile.onnx"}
# Mean line confidence under which a page is flagged for review (the engine was unsure of its reading).
LOW_CONFIDENCE = 0.8
# A line starting this many line heights right of the text's left edge opens a paragraph (indent);
# a line ending this many short of the right edge closes one.
INDENT_LINES = 1.2
SHORT_LINES = 2.0
# Socket operations the reader server may not perform (Python audit events).
NETWORK_EVENTS = frozenset({"socket.connect", "socket.getaddrinfo", "socket.gethostbyname",
                            "socket.gethostbyaddr", "socket.sendto", "socket.sendmsg"})


@dataclass(frozen=True)
class Line:
    """One recognised line of text."""

    text: str
    confidence: float
    box: tuple[float, float, float, float]


def warm_up() -> None:
    """In the reader server: no network, then load the engine and run it once on a small page, so
    every forked child starts with the models compiled (about 3 s of CPU and 1.1 GB, once)."""
    forbid_network()
    engine()
    identity()
    _recognise(_warm_up_page(), word_boxes=True)


def read_pdf_page(body: bytes, page: int = 0, dpi: int = 0) -> dict[str, Any]:
    """OCR of page ``page`` (0-based) of a PDF, rendered at about its scan's resolution ``dpi``."""
    image, used_dpi = raster.pdf_page(body, page, dpi)
    return read_page(image, page, used_dpi)


def read_image_page(body: bytes, page: int = 0) -> dict[str, Any]:
    """OCR of frame ``page`` of an image file; ``pages`` tells the caller how many frames it has."""
    image, dpi = raster.image_page(body, page)
    return {**read_page(image, page, dpi), "pages": raster.image_frame_count(body)}


def read_page(image: Any, page: int, dpi: int) -> dict[str, Any]:
    """Paragraphs and tables of one straightened page, in reading order, with its OCR record."""
    image = raster.deskew(image)
    tables = find_tables(image)
    lines, fragments = _recognise(image, word_boxes=bool(tables))
    out = Collected(STAGE)
    for item in _reading_order(lines, tables):
        if isinstance(item, Table):
            out.table(*read_grid(item, fragments))
        else:
            out.paragraph(item)
    record = page_record(page, dpi, lines)
    if record["confidence"] is not None and record["confidence"] < LOW_CONFIDENCE:
        out.flag("ocr_low_confidence")
    return out.answer(None, ocr=record)


def page_record(page: int, dpi: int, lines: list[Line]) -> dict[str, Any]:
    """What the archive keeps about how a page was read: engine, version, confidence."""
    weights = [max(1, len(line.text)) for line in lines]
    confidence = (sum(line.confidence * w for line, w in zip(lines, weights, strict=True)) / sum(weights)
                  if lines else None)
    return {"page": page + 1, "engine": ENGINE, "version": identity(), "dpi": dpi, "lines": len(lines),
            "confidence": None if confidence is None else round(confidence, 3)}


@cache
def identity() -> str:
    """The engine's version as it changes output: package, models, runtime and the precision it
    computes in (OpenVINO picks bfloat16 on CPUs that have it, float32 elsewhere)."""
    import openvino

    precision = openvino.Core().get_property("CPU", "INFERENCE_PRECISION_HINT").get_type_name()
    models = "PP-OCRv6 small det/rec, mobile v2.0 cls"
    return f"rapidocr {metadata.version('rapidocr')} ({models}); openvino {metadata.version('openvino')} {precision}"


@cache
def engine() -> Any:
    """The RapidOCR engine, built once per process (the reader server's children inherit it)."""
    sys.modules.setdefault("openvino_telemetry", None)  # type: ignore[arg-type]  # import now fails: see module doc
    import rapidocr
    from rapidocr import EngineType, RapidOCR

    models = Path(rapidocr.__file__).parent / "models"
    params: dict[str, Any] = {"Global.log_level": "warning", "EngineConfig.openvino.inference_num_threads": 1}
    for task, name in MODELS.items():
        params[f"{task}.engine_type"] = EngineType.OPENVINO
        params[f"{task}.model_path"] = str(models / name)
    return RapidOCR(params=params)


def forbid_network() -> None:
    """From now on, this process and its children cannot connect anywhere or look a name up."""
    def refuse(event: str, args: tuple[Any, ...]) -> None:
        if event in NETWORK_EVENTS:
            raise PermissionError(f"the OCR reader may not use the network ({event})")

    if not getattr(forbid_network, "installed", False):
        sys.addaudithook(refuse)
        forbid_network.installed = True  # type: ignore[attr-defined]


def _recognise(image: Any, *, word_boxes: bool) -> tuple[list[Line], list[Fragment]]:
    """Lines of the page and, when asked (tables need them), the engine's per-character boxes."""
    import numpy as np

    result = engine()(np.asarray(image.convert("RGB")), return_word_box=word_boxes)
    if result.txts is None or result.boxes is None:
        return [], []
    lines = [Line(str(text), float(score), _bounds(box))
             for box, text, score in zip(result.boxes, result.txts, result.scores, strict=True) if str(text).strip()]
    fragments = [Fragment(str(word[0]), _bounds(word[2]))
                 for line in (result.word_results if word_boxes else ()) for word in line if len(word) >= 3]
    return lines, fragments


def _reading_order(lines: list[Line], tables: list[Table]) -> list[str | Table]:
    """Paragraphs of the lines outside the tables, and the tables, top to bottom."""
    outside = [line for line in lines if not any(table.contains(line.box) for table in tables)]
    items: list[tuple[float, str | Table]] = [(table.box[1], table) for table in tables]
    items += [(top, text) for top, text in paragraphs(outside)]
    return [item for _, item in sorted(items, key=lambda pair: pair[0])]


def paragraphs(lines: list[Line]) -> list[tuple[float, str]]:
    """(top, text) of each paragraph: visual rows joined while a row runs to the right margin and
    the next one is not indented."""
    rows = _rows(lines)
    if not rows:
        return []
    height = statistics.median(row[0].box[3] - row[0].box[1] for row in rows)
    left = min(row[0].box[0] for row in rows)
    right = max(row[-1].box[2] for row in rows)
    out: list[tuple[float, str]] = []
    previous_end = right
    for row in rows:
        text = "".join(line.text for line in row)
        opens = row[0].box[0] > left + INDENT_LINES * height or previous_end < right - SHORT_LINES * height
        if out and not opens:
            out[-1] = (out[-1][0], join_text(out[-1][1], text))
        else:
            out.append((row[0].box[1], text))
        previous_end = row[-1].box[2]
    return out


def _rows(lines: list[Line]) -> list[list[Line]]:
    """Lines grouped into visual rows (a heading and its number may be two boxes), each left to right."""
    rows: list[list[Line]] = []
    for line in sorted(lines, key=lambda item: (item.box[1] + item.box[3]) / 2):
        centre = (line.box[1] + line.box[3]) / 2
        last = rows[-1][-1] if rows else None
        if last is not None and abs(centre - (last.box[1] + last.box[3]) / 2) < (last.box[3] - last.box[1]) / 2:
            rows[-1].append(line)
        else:
            rows.append([line])
    return [sorted(row, key=lambda item: item.box[0]) for row in rows]


def _bounds(quad: Any) -> tuple[float, float, float, float]:
    """The axis-aligned box of a quadrilateral of four (x, y) points."""
    xs = [float(point[0]) for point in quad]
    ys = [float(point[1]) for point in quad]
    return (min(xs), min(ys), max(xs), max(ys))


def _warm_up_page() -> Any:
    """A small page with a few dark strokes: enough to run detection, classification and
    recognition once, so the models are compiled before the first real page."""
    from PIL import Image, ImageDraw

    image = Image.new("L", (800, 300), 235)
    draw = ImageDraw.Draw(image)
    for top in (40, 120, 200):
        draw.rectangle((60, top, 700, top + 28), outline=30, width=3)
        for left in range(80, 680, 40):
            draw.line((left, top + 6, left + 20, top + 22), fill=30, width=4)
    return image
