"""Attachments (PDF, DOCX, XLSX, DOC, XLS, images) → the same result keys an HTML page fills.

The reader for each sniffed type is data (``READERS``). It runs in a bounded child process
(:mod:`.bounded_reader`); zipped formats are first checked by their central directory
(:mod:`.zipguard`). Scanned PDF pages and image files are then read by OCR, a page per child
(:mod:`.scanned`). The reader's paragraphs become ``text`` (tables as ``a | b`` rows, as for
HTML), its grids become ``tables`` with the 年报 template tables recognised, and its title and
flags are kept. HTML never comes here, so pages pay nothing for it.
"""

from __future__ import annotations

from typing import Any

from nianbao.fields import OCR_PENDING

from .bounded_reader import LIMITS, Limits, run_bounded
from .render import CELL_SEPARATOR
from .reports import describe_table, failed_checks
from .scanned import image_answer, read_scans
from .zipguard import zip_verdict

# Sniffed content type → the reader that runs in the bounded child.
READERS: dict[str, str] = {
    "pdf": "extract.pdf:read_pdf",
    "docx": "extract.office:read_docx",
    "xlsx": "extract.office:read_xlsx",
    "doc": "extract.old_office:read_doc",
    "xls": "extract.old_office:read_xls",
}
ZIPPED = frozenset({"docx", "xlsx"})
# Types that are pictures: whatever text they show, OCR reads.
PICTURES = frozenset({"image"})
# Attachments over this size are not read (scanned reports run to tens of MB; text ones rarely do).
MAX_ATTACHMENT_BYTES = 64 * 1024 * 1024


def extract_attachment(result: dict[str, Any], body: bytes, limits: Limits = LIMITS, *, ocr: bool = True) -> None:
    """Fill ``result`` (its ``content_type`` already sniffed) from an attachment's bytes; ``ocr``
    False leaves scanned pages for later (the result's version is then pending)."""
    kind = result["content_type"]
    verdict = _refusal(kind, body)
    if verdict:
        result["flags"].append(verdict)
        return
    answer = image_answer() if kind in PICTURES else run_bounded(READERS[kind], body, limits)
    answer, pending = read_scans(kind, body, answer, ocr=ocr)
    fill_from_answer(result, answer)
    if pending:
        result["extractor_version"] += OCR_PENDING


def fill_from_answer(result: dict[str, Any], answer: dict[str, Any]) -> None:
    """text, tables, title, stage and flags from a reader's answer."""
    lines: list[str] = []
    for block in answer.get("blocks") or []:
        if "p" in block:
            lines.append(block["p"])
        elif "grid" in block:
            lines.extend(_row_lines(block["rows"]))
            _add_table(result, block["grid"], block["rows"])
    result["text"] = "\n".join(lines) or None
    result["title"] = answer.get("title")
    result["ocr"] = answer.get("ocr") or []
    result["stage"] = answer.get("stage") if result["text"] else None
    result["flags"].extend(answer.get("flags") or [])
    if result["text"] is None and not result["flags"]:
        result["flags"].append("no_body")


def _refusal(kind: str, body: bytes) -> str | None:
    """The flag for an attachment that is not read at all, or None."""
    if kind not in READERS and kind not in PICTURES:
        return "attachment_not_extracted"
    if len(body) > MAX_ATTACHMENT_BYTES:
        return "attachment_too_large"
    return zip_verdict(body) if kind in ZIPPED else None


def _add_table(result: dict[str, Any], grid: list[list[str]], rows: list[list[str]]) -> None:
    """One table, described like an HTML one (年报 kinds, values, checks)."""
    described = describe_table(grid, rows)
    result["tables"].append(described)
    if failed_checks(described["checks"]):
        result["flags"].append(f"{described['kind']}_unbalanced")


def _row_lines(rows: list[list[str]]) -> list[str]:
    """A table's rows as text lines; empty rows dropped."""
    return [CELL_SEPARATOR.join(cells).rstrip() for cells in rows if any(cells)]
