"""Ruled tables on a scanned page: cells from the printed rules, their text from OCR fragments.

The 2021 template's statistics tables have merged cells three levels deep and long labels that wrap
inside their cell, so clustering text boxes by position takes a wrapped label's second line for a
row of its own. The printed rules say where the cells are; OCR only says what is in them.

1. Ink by Otsu's threshold (scans differ too much in paper and ink for a fixed one).
2. Rules: pixels in long horizontal (vertical) runs of ink, after bridging one pixel across the
   run so noise does not break a thin rule; projection profiles give their positions.
3. Tables: consecutive horizontal rules joined by a vertical rule belong to one table, so two
   tables on a page stay apart; each table's vertical rules are read within its own rows.
4. The finest grid is consecutive rules; neighbouring slots are one merged cell when no rule runs
   along most of their shared edge (union-find, the top-left slot is the root).
5. Every OCR fragment (a character, or a run of digits) goes to the slot under its centre, never
   whole lines: a detected line can straddle a vertical rule.

The grid comes out as HTML tables do (:mod:`.tables`): a merged cell's text in every slot it covers,
and ``rows`` with each cell once, in the row where it starts. Pure numpy on a straightened page.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from PIL import Image

Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in page pixels
Slot = tuple[int, int]

# A rule is longer than any stroke of a character: 3 % of the page width (about 2.5 characters of
# 五号 text at 200 dpi), 2 % of its height; and at least this many pixels.
MIN_RULE_PIXELS = 20
# A merged cell: no rule along at least this share of the shared edge (corners prove nothing).
EDGE_RULED = 0.5
# A table is framed: its top and bottom rules run along this share of its width. The strokes of a
# large bold heading are long enough to pass for rules, but never line up across the characters.
FRAME_RULED = 0.8
# Slots a table may have; a page whose "rules" make more is noise, not a table.
MAX_SLOTS = 5_000
# A cell of digits and the letters OCR mistakes for them is a count.
_LOOKALIKE_NUMBER = re.compile(r"[0-9OoIl〇]+")
_DIGITS = str.maketrans({"O": "0", "o": "0", "〇": "0", "I": "1", "l": "1"})


@dataclass(frozen=True)
class Fragment:
    """A piece of recognised text and where it is."""

    text: str
    box: Box


@dataclass(frozen=True)
class Rules:
    """The rule masks of a page (to test whether a rule runs along a segment)."""

    h_mask: np.ndarray
    v_mask: np.ndarray
    h_len: int
    v_len: int


@dataclass(frozen=True)
class Table:
    """One ruled table: its rule positions and which slots are merged."""

    ys: list[int]
    xs: list[int]
    roots: dict[Slot, Slot]

    @property
    def box(self) -> Box:
        """The table's outline."""
        return (self.xs[0], self.ys[0], self.xs[-1], self.ys[-1])

    def contains(self, box: Box) -> bool:
        """Whether the centre of ``box`` lies inside the table."""
        return self.slot(box) is not None

    def slot(self, box: Box) -> Slot | None:
        """The finest-grid slot under the centre of ``box``, if inside the table."""
        cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
        col = int(np.searchsorted(self.xs, cx)) - 1
        row = int(np.searchsorted(self.ys, cy)) - 1
        inside = 0 <= row < len(self.ys) - 1 and 0 <= col < len(self.xs) - 1
        return (row, col) if inside else None


def find_tables(page: Image.Image) -> list[Table]:
    """The ruled tables of a page, top to bottom (a framed heading of one cell is no table)."""
    rules = find_rules(page)
    ys = _peaks(rules.h_mask.sum(axis=1), 2 * rules.h_len)
    tables = []
    for band in _bands(rules, ys):
        top, bottom = band[0], band[-1]
        xs = _peaks(rules.v_mask[top:bottom].sum(axis=0), min(2 * rules.v_len, (bottom - top) // 2))
        slots = (len(band) - 1) * (len(xs) - 1)
        if len(xs) >= 2 and 2 <= slots <= MAX_SLOTS and _framed(rules, band, xs):
            tables.append(Table(band, xs, merge_cells(rules, band, xs)))
    return tables


def read_grid(table: Table, fragments: Sequence[Fragment]) -> tuple[list[list[str]], list[list[str]]]:
    """(grid, rows) of a table: each merged cell's text in every slot it covers; each cell once per row."""
    found: dict[Slot, list[Fragment]] = {}
    for fragment in fragments:
        slot = table.slot(fragment.box)
        if slot is not None:
            found.setdefault(table.roots[slot], []).append(fragment)
    texts = {root: as_number(join_fragments(parts)) for root, parts in found.items()}
    shape = range(len(table.ys) - 1), range(len(table.xs) - 1)
    grid = [[texts.get(table.roots[(r, c)], "") for c in shape[1]] for r in shape[0]]
    rows = [[texts.get((r, c), "") for c in shape[1] if table.roots[(r, c)] == (r, c)] for r in shape[0]]
    return grid, rows


def join_fragments(fragments: Sequence[Fragment]) -> str:
    """A cell's text: visual lines top to bottom (a wrapped label), left to right; no spaces, as
    Chinese is written, except between two Latin words."""
    lines: list[list[Fragment]] = []
    for fragment in sorted(fragments, key=lambda f: (f.box[1] + f.box[3]) / 2):
        if lines and _same_line(lines[-1][-1], fragment):
            lines[-1].append(fragment)
        else:
            lines.append([fragment])
    text = ""
    for line in lines:
        for fragment in sorted(line, key=lambda f: f.box[0]):
            text = join_text(text, fragment.text)
    return text


def as_number(text: str) -> str:
    """A count the engine read with letter look-alikes (``O`` for 0, ``l`` for 1) as digits; any
    other text as it is."""
    return text.translate(_DIGITS) if _LOOKALIKE_NUMBER.fullmatch(text) else text


def join_text(left: str, right: str) -> str:
    """Two pieces of one line, or a line and the next: a space only between two Latin letters
    (Chinese wraps anywhere, numbers included)."""
    if left and right and _latin(left[-1]) and _latin(right[0]):
        return f"{left} {right}"
    return left + right


def find_rules(page: Image.Image) -> Rules:
    """Masks of the pixels that belong to long horizontal and vertical runs of ink."""
    ink = binarize(page)
    height, width = ink.shape
    h_len, v_len = max(MIN_RULE_PIXELS, width // 33), max(MIN_RULE_PIXELS, height // 50)
    h_mask = _long_runs(_bridge(ink, axis=1), h_len, axis=1)
    v_mask = _long_runs(_bridge(ink, axis=0), v_len, axis=0)
    return Rules(h_mask, v_mask, h_len, v_len)


def binarize(page: Image.Image) -> np.ndarray:
    """Ink mask by Otsu's threshold."""
    pixels = np.asarray(page.convert("L"))
    hist = np.bincount(pixels.ravel(), minlength=256).astype(np.float64)
    cum, cum_mean = np.cumsum(hist), np.cumsum(hist * np.arange(256))
    with np.errstate(divide="ignore", invalid="ignore"):
        between = (cum_mean[-1] * cum - cum[-1] * cum_mean) ** 2 / (cum * (cum[-1] - cum))
    return pixels < int(np.nanargmax(between))


def merge_cells(rules: Rules, ys: list[int], xs: list[int]) -> dict[Slot, Slot]:
    """Each slot of the finest grid → the top-left slot of the merged cell it belongs to."""
    parent = {(r, c): (r, c) for r in range(len(ys) - 1) for c in range(len(xs) - 1)}

    def root(slot: Slot) -> Slot:
        while parent[slot] != slot:
            parent[slot] = parent[parent[slot]]
            slot = parent[slot]
        return slot

    for r, c in list(parent):
        if c + 2 < len(xs) and not _ruled(rules.v_mask, xs[c + 1], ys[r], ys[r + 1], vertical=True):
            first, second = root((r, c)), root((r, c + 1))
            parent[max(first, second)] = min(first, second)
        if r + 2 < len(ys) and not _ruled(rules.h_mask, ys[r + 1], xs[c], xs[c + 1], vertical=False):
            first, second = root((r, c)), root((r + 1, c))
            parent[max(first, second)] = min(first, second)
    return {slot: root(slot) for slot in parent}


def _bands(rules: Rules, ys: list[int]) -> list[list[int]]:
    """Horizontal rules grouped into tables: consecutive rules belong together when a vertical
    rule runs between them."""
    bands: list[list[int]] = []
    for y in ys:
        if bands and _joined(rules, bands[-1][-1], y):
            bands[-1].append(y)
        else:
            bands.append([y])
    return [band for band in bands if len(band) >= 2]


def _joined(rules: Rules, top: int, bottom: int) -> bool:
    """Whether some vertical rule crosses most of the band between two horizontal rules."""
    margin = (bottom - top) // 5
    band = rules.v_mask[top + margin: bottom - margin]
    return band.size > 0 and bool((band.mean(axis=0) > EDGE_RULED).any())


def _framed(rules: Rules, ys: list[int], xs: list[int]) -> bool:
    """Whether the top and bottom rules of a band run along most of its width."""
    return all(_rule_share(rules.h_mask, y, xs[0], xs[-1], vertical=False) >= FRAME_RULED for y in (ys[0], ys[-1]))


def _ruled(mask: np.ndarray, fixed: int, lo: int, hi: int, *, vertical: bool, tolerance: int = 3) -> bool:
    """Whether a rule runs along most of the segment [lo, hi) at ``fixed``."""
    margin = (hi - lo) // 5
    lo, hi = lo + margin, hi - margin
    if hi <= lo:
        return True
    return _rule_share(mask, fixed, lo, hi, vertical=vertical, tolerance=tolerance) > EDGE_RULED


def _rule_share(mask: np.ndarray, fixed: int, lo: int, hi: int, *, vertical: bool, tolerance: int = 3) -> float:
    """The share of the segment [lo, hi) at ``fixed`` (give or take ``tolerance``) that a rule covers."""
    near = slice(max(0, fixed - tolerance), fixed + tolerance + 1)
    along = mask[lo:hi, near].any(axis=1) if vertical else mask[near, lo:hi].any(axis=0)
    return float(along.mean()) if along.size else 0.0


def _long_runs(ink: np.ndarray, length: int, axis: int) -> np.ndarray:
    """Pixels inside a run of ink at least ``length`` long along ``axis`` (1: horizontal), by
    sliding-window sums over cumulative sums."""
    lines = ink if axis == 1 else ink.T
    cum = np.pad(np.cumsum(lines, axis=1, dtype=np.int32), ((0, 0), (1, 0)))
    full = (cum[:, length:] - cum[:, :-length]) == length  # window [i, i + length) all ink
    covered = np.pad(np.cumsum(full, axis=1, dtype=np.int32), ((0, 0), (1, 0)))
    index = np.arange(lines.shape[1])
    lo = np.clip(index - length + 1, 0, full.shape[1])
    hi = np.clip(index + 1, 0, full.shape[1])
    out = (covered[:, hi] - covered[:, lo]) > 0
    return out if axis == 1 else out.T


def _bridge(ink: np.ndarray, axis: int) -> np.ndarray:
    """Ink thickened by a pixel across the rule direction, so a rule broken by noise stays whole."""
    across = 0 if axis == 1 else 1
    thick: np.ndarray = ink | np.roll(ink, 1, axis=across) | np.roll(ink, -1, axis=across)
    return thick


def _peaks(profile: np.ndarray, min_count: int) -> list[int]:
    """Centres of the runs of positions whose profile reaches ``min_count``."""
    hits = np.flatnonzero(profile >= max(1, min_count))
    if hits.size == 0:
        return []
    groups = np.split(hits, np.flatnonzero(np.diff(hits) > 2) + 1)
    return [int(group.mean().round()) for group in groups]


def _same_line(previous: Fragment, fragment: Fragment) -> bool:
    """Whether two fragments sit on one visual line (centres closer than half a line height)."""
    height = max(1.0, previous.box[3] - previous.box[1])
    return abs((fragment.box[1] + fragment.box[3]) / 2 - (previous.box[1] + previous.box[3]) / 2) < height / 2


def _latin(char: str) -> bool:
    return char.isascii() and char.isalpha()
