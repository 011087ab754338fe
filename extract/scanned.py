"""The scanned pages of an attachment, read by OCR one page per bounded child (:mod:`.ocr`).

The PDF reader leaves a ``{"scan": page, "dpi": …}`` block where a page has no text layer; an image
file is scans only (a multi-page TIFF, one per frame). Each such page is read in a child of its own
under ``OCR_LIMITS`` and its blocks take the scan block's place, so a mixed PDF reads in page order.
The children are forked from the reader server, which loaded the engine once (``ocr.warm_up``) and
never reads a page itself: the memory the engine gains on a page (OpenVINO compiles for every new
input size) goes with the child, and the server stays as it was after warm-up.

At most ``MAX_OCR_PAGES`` pages of one document are read (the rest: ``needs_ocr`` and ``truncated``).
Pages are left unread, flagged ``needs_ocr``, when the caller defers OCR (``ocr=False``: a crawl,
which must not wait minutes on a scan) or the OCR extra is not installed (``tool_missing:ocr``); the
result is then *pending* (:data:`nianbao.fields.OCR_PENDING`), so a later re-extraction reads them.
"""

from __future__ import annotations

import importlib.util
from collections import deque
from typing import Any

from .bounded_reader import Limits, run_bounded
from .reading import choose_title

# What one page's OCR child may use. The warmed-up engine alone maps about 2.5 GB of address space
# (RSS 1.1 GB, shared with the server); a page adds a few hundred MB and 2–7 s of CPU.
OCR_LIMITS = Limits(memory_bytes=4 << 30, cpu_seconds=40, wall_seconds=120.0)
# Pages read by OCR in one document (a scanned report runs to 10–40 pages; a longer file is a scanned
# archive of something else).
MAX_OCR_PAGES = 100
# Frames of one image file that are looked at.
MAX_FRAMES = 200
TARGETS = {"pdf": "extract.ocr:read_pdf_page", "image": "extract.ocr:read_image_page"}
STAGE = "ocr:rapidocr"
# Packages the OCR child imports: the ``ocr`` extra of pyproject.toml.
OCR_PACKAGES = ("rapidocr", "openvino", "pypdfium2")


def ocr_available() -> bool:
    """Whether the OCR extra is installed (checked without importing it)."""
    return all(importlib.util.find_spec(name) is not None for name in OCR_PACKAGES)


def image_answer() -> dict[str, Any]:
    """The reader answer of an image file before OCR: its first frame, to be read."""
    return {"blocks": [{"scan": 0, "dpi": 0}], "title": None, "flags": [], "stage": None}


def read_scans(kind: str, body: bytes, answer: dict[str, Any], *, ocr: bool = True) -> tuple[dict[str, Any], bool]:
    """``answer`` with its scan blocks replaced by OCR of their pages, and whether OCR is pending
    (pages left for a later re-extraction)."""
    pages = _Pages(kind, body, answer)
    if not pages.todo:
        return answer, False
    if ocr and not ocr_available():
        pages.flags.append("tool_missing:ocr")
        ocr = False
    pages.read() if ocr else pages.skip_all()
    return pages.answer(), not ocr


class _Pages:
    """A document's blocks, with its scan blocks being read one by one."""

    def __init__(self, kind: str, body: bytes, answer: dict[str, Any]) -> None:
        """Blocks and flags of the reader's answer; the scan blocks still to read."""
        self.kind, self.body, self.base = kind, body, answer
        self.todo = deque(answer.get("blocks") or [])
        self.blocks: list[dict[str, Any]] = []
        self.flags: list[str] = list(answer.get("flags") or [])
        self.records: list[dict[str, Any]] = []
        self.read_text = False  # some OCR'd page gave text
        self.todo_scans = sum("scan" in block for block in self.todo)
        if not self.todo_scans:
            self.todo.clear()

    def read(self) -> None:
        """OCR every scan block in order, up to MAX_OCR_PAGES; other blocks pass through."""
        while self.todo:
            block = self.todo.popleft()
            if "scan" not in block:
                self.blocks.append(block)
            elif len(self.records) >= MAX_OCR_PAGES:
                self.flags += ["needs_ocr", "truncated"]
            else:
                self._read_page(block)

    def skip_all(self) -> None:
        """Leave every scan page unread."""
        self.blocks = [block for block in self.todo if "scan" not in block]
        self.todo.clear()
        self.flags.append("needs_ocr")

    def _read_page(self, block: dict[str, Any]) -> None:
        """One page's OCR child; its blocks in the page's place, or ``needs_ocr`` when a cap stopped it."""
        args = {"page": block["scan"], "dpi": block["dpi"]} if self.kind == "pdf" else {"page": block["scan"]}
        page = run_bounded(TARGETS[self.kind], self.body, OCR_LIMITS, args)
        page_flags = page.get("flags") or []
        self.flags += page_flags
        if not page.get("ocr"):
            # the page's child failed, its flag says how; one stopped by a cap is a page left unread,
            # a malformed file has nothing left to read
            self.flags += [] if "attachment_malformed" in page_flags else ["needs_ocr"]
            return
        self.blocks += page.get("blocks") or []
        self.records.append(page["ocr"])
        self.read_text |= bool(page.get("blocks"))
        if self.kind == "image" and block["scan"] == 0:
            frames = min(int(page.get("pages") or 1), MAX_FRAMES)
            self.todo.extend({"scan": frame, "dpi": 0} for frame in range(1, frames))
            if int(page.get("pages") or 1) > MAX_FRAMES:
                self.flags.append("truncated")

    def answer(self) -> dict[str, Any]:
        """The reader's answer with the OCR'd pages in; stage and flags say that OCR read them."""
        flags = list(dict.fromkeys(self.flags + (["ocr"] if self.read_text else [])))
        title = self.base.get("title") or choose_title(None, self.blocks)
        return {**self.base, "blocks": self.blocks, "flags": flags, "ocr": self.records,
                "stage": self._stage(), "title": title}

    def _stage(self) -> str | None:
        """The reader's stage, joined by OCR's when OCR read some page."""
        own = self.base.get("stage")
        if not self.records:
            return str(own) if own else None
        return f"{own}+{STAGE}" if own else STAGE
