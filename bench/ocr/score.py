"""How OCR output is scored against the truth of a generated scan (bench/ocr/README.md, and the tests).

Characters: edit distance over the reference length, whitespace removed and NFKC applied to both
sides (an engine writing a half-width ``(`` where the page has ``（`` chose a glyph, it did not
misread). Tables: a cell is exact when every slot of the expanded grid that the truth fills reads
the same; a missed or extra rule shifts the grid and costs every cell after it, as it would in use.
"""

from __future__ import annotations

import unicodedata


def normalise(text: str) -> str:
    """Whitespace removed, full-width forms folded (NFKC)."""
    return unicodedata.normalize("NFKC", "".join(text.split()))


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance, two rows at a time."""
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i]
        for j, char_b in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b)))
        previous = current
    return previous[-1]


def character_error_rate(ocr: str, truth: str) -> float:
    """Edit distance over the length of the truth, both normalised."""
    reference = normalise(truth)
    return edit_distance(normalise(ocr), reference) / max(1, len(reference))


def cell_exactness(grid: list[list[str]], truth: list[list[str]], numbers_only: bool = False) -> float:
    """Share of the truth's filled slots that read exactly the same (or of its numeric slots)."""
    compared = matched = 0
    for r, row in enumerate(truth):
        for c, want in enumerate(row):
            if not want or (numbers_only and not want.isdigit()):
                continue
            got = grid[r][c] if r < len(grid) and c < len(grid[r]) else ""
            compared += 1
            matched += normalise(got) == normalise(want)
    return matched / max(1, compared)
