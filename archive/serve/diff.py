"""Side-by-side comparison of two versions: text lines, metadata fields and statistics-table cells.

archive.history.diff gives a unified diff for the terminal; a reader comparing two 年报 wants
both texts side by side with the changed characters marked (Chinese has no spaces, so a changed
line is compared character by character), and the statistics tables cell by cell, since a
corrected figure is the change that matters most in a 年报.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape

from archive.history import DIFF_FIELDS

# Compared cell by cell rather than as a field.
TABLE_FIELDS = ("tables",)
# Lines longer than this are not compared character by character (a whole-page line would be slow).
MAX_INTRALINE_CHARS = 2000
# Below this share of common characters a changed line is shown as wholly removed and added.
MIN_SHARED_RATIO = 0.5
# Unchanged lines kept around each change; a 年报 is 50-200 lines and a correction touches one or two.
CONTEXT_LINES = 3


@dataclass(frozen=True)
class LineRow:
    """One row of the side-by-side text: line numbers (None where a side has no line) and marked-up text."""

    kind: str  # equal, replace, delete, insert; skip (old_no = how many equal lines were folded)
    old_no: int | None
    old: Markup
    new_no: int | None
    new: Markup


@dataclass(frozen=True)
class FieldRow:
    """One metadata field of both versions."""

    name: str
    old: str
    new: str
    changed: bool


@dataclass(frozen=True)
class CellPair:
    """One cell position of a table in both versions (None where that version's grid has no such cell)."""

    old: str | None
    new: str | None

    @property
    def changed(self) -> bool:
        return self.old != self.new

    @property
    def html(self) -> Markup:
        """The cell in one merged grid: its value, or <del>old</del><ins>new</ins> where it changed."""
        if not self.changed:
            return escape(self.new or "")
        old = Markup("<del>{}</del>").format(self.old) if self.old else Markup("")
        new = Markup("<ins>{}</ins>").format(self.new) if self.new else Markup("")
        return old + new


@dataclass(frozen=True)
class TableDiff:
    """The n-th table of both versions, cell by cell over the larger of the two grids."""

    index: int
    kind: str
    rows: list[list[CellPair]]
    changed_cells: int
    presence: str  # both, old_only, new_only


def text_rows(old: str, new: str, context: int | None = CONTEXT_LINES) -> list[LineRow]:
    """Both texts line by line, aligned, changed characters marked; unchanged runs folded to ``context``."""
    rows = aligned_rows(old, new)
    return rows if context is None else fold_unchanged(rows, context)


def fold_unchanged(rows: list[LineRow], context: int) -> list[LineRow]:
    """The middle of each long run of equal lines as one "skip" row counting them (as diff -U does)."""
    folded: list[LineRow] = []
    i = 0
    while i < len(rows):
        if rows[i].kind != "equal":
            folded.append(rows[i])
            i += 1
            continue
        j = i
        while j < len(rows) and rows[j].kind == "equal":
            j += 1
        keep_head = context if i > 0 else 0
        keep_tail = context if j < len(rows) else 0
        if j - i > keep_head + keep_tail + 1:
            skipped = j - i - keep_head - keep_tail
            folded += rows[i:i + keep_head]
            folded.append(LineRow("skip", skipped, Markup(""), None, Markup("")))
            folded += rows[j - keep_tail:j]
        else:
            folded += rows[i:j]
        i = j
    return folded


def aligned_rows(old: str, new: str) -> list[LineRow]:
    """Both texts line by line, aligned, with changed characters marked inside replaced lines."""
    a, b = old.splitlines(), new.splitlines()
    rows: list[LineRow] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            rows += [LineRow("equal", i + 1, escape(a[i]), j + 1, escape(b[j]))
                     for i, j in zip(range(i1, i2), range(j1, j2), strict=True)]
            continue
        for k in range(max(i2 - i1, j2 - j1)):
            i, j = i1 + k, j1 + k
            left = a[i] if i < i2 else None
            right = b[j] if j < j2 else None
            rows.append(_changed_row(left, i + 1, right, j + 1))
    return rows


def _changed_row(left: str | None, old_no: int, right: str | None, new_no: int) -> LineRow:
    """A row of a changed block: both sides marked character by character, or one side only."""
    if left is None:
        return LineRow("insert", None, Markup(""), new_no, Markup("<ins>{}</ins>").format(right))
    if right is None:
        return LineRow("delete", old_no, Markup("<del>{}</del>").format(left), None, Markup(""))
    old_html, new_html = intraline(left, right)
    return LineRow("replace", old_no, old_html, new_no, new_html)


def intraline(old: str, new: str) -> tuple[Markup, Markup]:
    """Two versions of a line with removed characters in <del> (left) and added ones in <ins> (right)."""
    if len(old) + len(new) > MAX_INTRALINE_CHARS:
        return Markup("<del>{}</del>").format(old), Markup("<ins>{}</ins>").format(new)
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    if matcher.ratio() < MIN_SHARED_RATIO:  # a rewritten sentence: scattered common characters only confuse
        return Markup("<del>{}</del>").format(old), Markup("<ins>{}</ins>").format(new)
    left, right = [], []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            left.append(escape(old[i1:i2]))
            right.append(escape(new[j1:j2]))
            continue
        if i2 > i1:
            left.append(Markup("<del>{}</del>").format(old[i1:i2]))
        if j2 > j1:
            right.append(Markup("<ins>{}</ins>").format(new[j1:j2]))
    return Markup("").join(left), Markup("").join(right)


def field_rows(older: dict[str, Any], newer: dict[str, Any]) -> list[FieldRow]:
    """Every extraction field but text and tables, both versions as text, marked where they differ."""
    rows = []
    for name in DIFF_FIELDS:
        if name in TABLE_FIELDS:
            continue
        old, new = _shown(older.get(name)), _shown(newer.get(name))
        rows.append(FieldRow(name, old, new, old != new))
    return rows


def _shown(value: Any) -> str:
    """A field value as displayed: JSON for lists, empty for NULL."""
    if value is None:
        return ""
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def table_diffs(old_tables: list[dict[str, Any]], new_tables: list[dict[str, Any]]) -> list[TableDiff]:
    """The tables of both versions paired by position, each compared cell by cell on its expanded grid."""
    diffs = []
    for index in range(max(len(old_tables), len(new_tables))):
        old = old_tables[index] if index < len(old_tables) else None
        new = new_tables[index] if index < len(new_tables) else None
        presence = "both" if old and new else ("old_only" if old else "new_only")
        rows = _grid_pairs(_grid(old), _grid(new))
        changed = sum(cell.changed for row in rows for cell in row)
        diffs.append(TableDiff(index + 1, (new or old or {}).get("kind") or "", rows, changed, presence))
    return diffs


def _grid(table: dict[str, Any] | None) -> list[list[str]]:
    """A table's expanded grid (spans repeated, as extraction stores it), or no rows."""
    return [[str(cell) for cell in row] for row in (table or {}).get("grid") or []]


def _grid_pairs(old: list[list[str]], new: list[list[str]]) -> list[list[CellPair]]:
    """Cell pairs over the union of both grids' shapes."""
    rows = []
    for r in range(max(len(old), len(new))):
        left = old[r] if r < len(old) else []
        right = new[r] if r < len(new) else []
        rows.append([CellPair(left[c] if c < len(left) else None, right[c] if c < len(right) else None)
                     for c in range(max(len(left), len(right)))])
    return rows
