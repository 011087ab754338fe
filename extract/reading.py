"""What every attachment reader collects: paragraphs and tables in document order, within budgets.

Readers run in the bounded child (:mod:`.reader_server`) and answer a JSON-ready dict::

    {"blocks": [{"p": "…"} | {"grid": [[…]], "rows": [[…]]} | {"scan": 3, "dpi": 200}, …],
     "title": "…" | None, "flags": [...], "stage": "docx"}

A ``scan`` block stands for a page that only OCR can read (0-based page number, the resolution
of its scan or 0); :mod:`.scanned` puts that page's OCR blocks in its place.

``grid`` is a table with its merged cells copied into every slot they cover (the HTML grid
format); ``rows`` holds each row's own cells, a merged cell once (as an HTML row would).
"""

from __future__ import annotations

import re
from typing import Any

from .parse import squash
from .tables import MAX_GRID_CELLS

# Text one attachment may yield; past it the rest is dropped and the result flagged truncated.
MAX_TEXT_CHARS = 5_000_000
# A metadata title is believed when it holds a CJK character; "untitled" and "Microsoft Word - x.doc" are not titles.
_CJK = re.compile("[\u3400-\u9fff\uf900-\ufaff]")
_WORD_PREFIX = re.compile(r"^Microsoft (Word|Excel) - ", re.IGNORECASE)
_FILE_SUFFIX = re.compile(r"\.(docx?|xlsx?|wps|et|pdf)$", re.IGNORECASE)
# A first paragraph longer than this is body text, not a title.
MAX_TITLE_CHARS = 120


class Collected:
    """Blocks of one attachment, with the character and cell budgets applied."""

    def __init__(self, stage: str) -> None:
        """Nothing collected yet; ``stage`` names the reader."""
        self.stage = stage
        self.blocks: list[dict[str, Any]] = []
        self.flags: list[str] = []
        self.chars = 0
        self.cells = 0

    @property
    def full(self) -> bool:
        """True once a budget ran out (further blocks are ignored)."""
        return "truncated" in self.flags

    def paragraph(self, text: str) -> None:
        """Add one paragraph (whitespace squashed; empty ones dropped)."""
        text = squash(text)
        if text and self._spend(len(text), 0):
            self.blocks.append({"p": text})

    def continue_paragraph(self, text: str) -> None:
        """Append to the last paragraph (one cut by a page break), or start one."""
        text = squash(text)
        if not self.blocks or "p" not in self.blocks[-1]:
            self.paragraph(text)
        elif text and self._spend(len(text), 0):
            self.blocks[-1]["p"] += text

    def table(self, grid: list[list[str]], rows: list[list[str]]) -> None:
        """Add one table, unless it is empty."""
        if not any(any(row) for row in grid):
            return
        size = sum(map(len, grid))
        if self._spend(sum(len(c) for row in rows for c in row), size):
            self.blocks.append({"grid": grid, "rows": rows})

    def scan(self, page: int, dpi: int) -> None:
        """Mark the place of a page that only OCR can read."""
        self.blocks.append({"scan": page, "dpi": dpi})

    def flag(self, flag: str) -> None:
        """Record a flag once."""
        if flag not in self.flags:
            self.flags.append(flag)

    def answer(self, title: str | None = None, **extra: Any) -> dict[str, Any]:
        """The reader's JSON-ready answer."""
        return {"blocks": self.blocks, "title": choose_title(title, self.blocks), "flags": self.flags,
                "stage": self.stage, **extra}

    def _spend(self, chars: int, cells: int) -> bool:
        """Charge a block to the budgets; False (and the truncated flag) when it does not fit."""
        if self.full or self.chars + chars > MAX_TEXT_CHARS or self.cells + cells > MAX_GRID_CELLS:
            self.flag("truncated")
            return False
        self.chars += chars
        self.cells += cells
        return True


def choose_title(meta_title: str | None, blocks: list[dict[str, Any]]) -> str | None:
    """The file's own title property when it looks like one, else its first short paragraph."""
    title = squash(_FILE_SUFFIX.sub("", _WORD_PREFIX.sub("", meta_title or "")))
    if title and _CJK.search(title):
        return title
    first = next((b["p"] for b in blocks if "p" in b), None)
    return first if first and len(first) <= MAX_TITLE_CHARS else None


def cell_value(value: object) -> str:
    """A spreadsheet value as its cell text: whole floats without ``.0``, dates as ISO."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        text = str(value.isoformat())
        return text.removesuffix("T00:00:00")
    return squash(str(value))
