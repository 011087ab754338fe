"""Plain-text tables for the terminal, padded by display width (a Chinese character takes two columns)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any

from wcwidth import wcswidth

_SPACES = re.compile(r"\s+")
GAP = "  "


def cell(value: Any) -> str:
    """A value as one line of text: empty for None, every run of whitespace one space, no control characters."""
    if value is None:
        return ""
    text = _SPACES.sub(" ", str(value)).strip()
    return "".join(char for char in text if unicodedata.category(char) != "Cc")


def width(text: str) -> int:
    """Columns ``text`` takes on a terminal."""
    return max(wcswidth(text), 0)


def pad(text: str, columns: int, *, right: bool = False) -> str:
    """``text`` padded with spaces to ``columns`` display columns (on the left when ``right``)."""
    fill = " " * max(columns - width(text), 0)
    return fill + text if right else text + fill


def render(headings: Sequence[str], rows: Iterable[Sequence[Any]], *, numeric: Sequence[int] = ()) -> list[str]:
    """Lines of a table: a heading line, then one line per row; columns in ``numeric`` align right."""
    cells = [[cell(value) for value in row] for row in rows]
    widths = [max([width(heading), *(width(row[i]) for row in cells)]) for i, heading in enumerate(headings)]
    return [_line(list(headings), widths, numeric)] + [_line(row, widths, numeric) for row in cells]


def _line(values: list[str], widths: list[int], numeric: Sequence[int]) -> str:
    return GAP.join(pad(value, widths[i], right=i in numeric) for i, value in enumerate(values)).rstrip()


def plural(count: int, noun: str, plural_form: str | None = None) -> str:
    """``1 site``, ``2 sites``; ``plural_form`` for nouns that do not just take an s."""
    return f"{count} {noun if count == 1 else plural_form or noun + 's'}"


def article(word: str) -> str:
    """``an asp portal``, ``a trs portal``: the indefinite article for a word as it is read aloud."""
    return f"an {word}" if word[:1].lower() in "aeio" else f"a {word}"
