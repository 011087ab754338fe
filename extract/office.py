"""DOCX (python-docx) and XLSX (openpyxl, read-only) → paragraphs and table grids.

Run only inside the bounded worker, and only after :mod:`.zipguard` has checked the zip's
declared sizes. Merged cells are expanded as HTML spans are: the text is copied into every
slot the merge covers (``grid``). ``rows`` reads each row whole: a cell merged across columns
once, a cell merged down rows (Word's ``vMerge``, a tall merged range) in every row it covers,
so a row's line still names the label it sits under.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import docx
import openpyxl
from docx.oxml.ns import qn
from lxml import etree
from openpyxl.utils import range_boundaries

from .reading import Collected, cell_value
from .render import clean_line
from .tables import MAX_GRID_CELLS, MAX_SPAN

# Text-bearing run children of a Word paragraph, and what each contributes.
RUN_TEXT = {qn("w:t"): None, qn("w:tab"): " ", qn("w:br"): " ", qn("w:cr"): " ", qn("w:noBreakHyphen"): "-"}
_P, _TBL, _SDT, _TR, _TC = qn("w:p"), qn("w:tbl"), qn("w:sdt"), qn("w:tr"), qn("w:tc")
_MERGE_CELL = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}mergeCell"


# --- DOCX ---------------------------------------------------------------------------------


def read_docx(body: bytes) -> dict[str, Any]:
    """Paragraphs and tables of the main document, in order."""
    document = docx.Document(io.BytesIO(body))
    out = Collected("docx")
    for element in _body_elements(document.element.body):
        if element.tag == _P:
            out.paragraph(paragraph_text(element))
        else:
            grid, rows = docx_table(element)
            out.table(grid, rows)
    return out.answer(document.core_properties.title)


def _body_elements(body: Any) -> Iterator[Any]:
    """Top-level paragraphs and tables, looking inside content controls (``w:sdt``)."""
    stack = list(reversed(body))
    while stack:
        element = stack.pop()
        if element.tag in (_P, _TBL):
            yield element
        elif element.tag == _SDT:
            content = element.find(qn("w:sdtContent"))
            stack.extend(reversed(content) if content is not None else ())


def paragraph_text(paragraph: Any) -> str:
    """A paragraph's text from its runs (hyperlinks and fields included)."""
    parts = []
    for node in paragraph.iter(*RUN_TEXT):
        replacement = RUN_TEXT[node.tag]
        parts.append(node.text or "" if replacement is None else replacement)
    return "".join(parts)


def docx_table(table: Any) -> tuple[list[list[str]], list[list[str]]]:
    """The span-expanded grid and the written cells of a Word table."""
    grid: list[list[str]] = []
    rows: list[list[str]] = []
    cells = 0  # counted as rows are added: summing the grid after each row made long tables quadratic
    for tr in table.iterchildren(_TR):
        line = [""] * _grid_before(tr)
        written = []
        for tc in tr.iterchildren(_TC):
            text, span, merge = _cell(tc)
            if merge == "continue":
                above = grid[-1] if grid else []
                text = above[len(line)] if len(line) < len(above) else ""
            written.append(text)
            line.extend([text] * span)
        grid.append(line)
        rows.append(written)
        cells += len(line)
        if cells > MAX_GRID_CELLS:
            break
    width = max(map(len, grid), default=0)
    return [row + [""] * (width - len(row)) for row in grid], rows


def _cell(tc: Any) -> tuple[str, int, str | None]:
    """A cell's text, its column span and its vertical merge. A cell's paragraphs are the lines of
    a narrow column: joined as a PDF's wrapped lines are (no space between Chinese characters)."""
    text = clean_line("\n".join(paragraph_text(p) for p in tc.iter(_P)))
    properties = tc.find(qn("w:tcPr"))
    span, merge = 1, None
    if properties is not None:
        span_node = properties.find(qn("w:gridSpan"))
        merge_node = properties.find(qn("w:vMerge"))
        span = _int(span_node.get(qn("w:val")) if span_node is not None else None)
        if merge_node is not None:
            merge = merge_node.get(qn("w:val")) or "continue"  # a bare <w:vMerge/> continues
    return text, span, merge


def _grid_before(tr: Any) -> int:
    """Grid columns skipped before a row's first cell."""
    node = tr.find(f"{qn('w:trPr')}/{qn('w:gridBefore')}")
    return _int(node.get(qn("w:val"))) if node is not None else 0


def _int(value: str | None) -> int:
    """A span attribute in 1..MAX_SPAN."""
    try:
        return min(max(int(value or "1"), 1), MAX_SPAN)
    except ValueError:
        return 1


# --- XLSX ---------------------------------------------------------------------------------


def read_xlsx(body: bytes) -> dict[str, Any]:
    """Each worksheet as one table (merged ranges expanded); the text is its rows."""
    book = openpyxl.load_workbook(io.BytesIO(body), read_only=True, data_only=True)
    out = Collected("xlsx")
    try:
        for sheet in book.worksheets:
            if out.full:
                break
            grid, rows = sheet_table(sheet, _merges(sheet))
            out.table(grid, rows)
        title = book.properties.title if book.properties else None
    finally:
        book.close()
    return out.answer(title)


def sheet_table(sheet: Any, merges: list[tuple[int, int, int, int]]) -> tuple[list[list[str]], list[list[str]]]:
    """The sheet's values as a grid (0-based), merged ranges filled, empty rows and columns trimmed."""
    values: list[list[str]] = []
    cells = 0
    for row in sheet.iter_rows(min_row=1, min_col=1, values_only=True):
        values.append([cell_value(v) for v in row])
        cells += len(values[-1])
        if cells > MAX_GRID_CELLS:
            break
    covered = _fill_merges(values, merges)
    keep = [r for r, row in enumerate(values) if any(row)]
    width = max((max((c + 1 for c, v in enumerate(values[r]) if v), default=0) for r in keep), default=0)
    grid = [(values[r] + [""] * width)[:width] for r in keep]
    rows = [[v for c, v in enumerate(values[r][:width]) if (r, c) not in covered] for r in keep]
    return grid, rows


def _fill_merges(values: list[list[str]], merges: list[tuple[int, int, int, int]]) -> set[tuple[int, int]]:
    """Copy each merged range's top-left value into its other slots; return the slots right of
    a range's first column (a row's line names the range once, and in every row it covers). At most
    MAX_GRID_CELLS slots are filled in all: a sheet of many huge merged ranges stops there."""
    covered: set[tuple[int, int]] = set()
    budget = MAX_GRID_CELLS
    for top, left, bottom, right in merges:
        area = (bottom - top + 1) * (right - left + 1)
        if top >= len(values) or area > budget:
            continue
        budget -= area
        text = values[top][left] if left < len(values[top]) else ""
        for r in range(top, min(bottom, len(values) - 1) + 1):
            row = values[r]
            row.extend([""] * (right + 1 - len(row)))
            for c in range(left, right + 1):
                if (r, c) != (top, left):
                    row[c] = text
                if c != left:
                    covered.add((r, c))
    return covered


def _merges(sheet: Any) -> list[tuple[int, int, int, int]]:
    """Merged ranges as 0-based (top, left, bottom, right); read-only sheets do not expose them."""
    found = []
    with sheet._get_source() as source:  # the sheet's XML part inside the workbook zip
        for _, element in etree.iterparse(source, tag=_MERGE_CELL, resolve_entities=False, no_network=True):
            bounds = _bounds(element.get("ref", ""))
            if bounds:
                found.append(bounds)
            element.clear()
    return found


def _bounds(ref: str) -> tuple[int, int, int, int] | None:
    """``B2:C3`` as 0-based (top, left, bottom, right); None for a reference that is no range."""
    try:
        left, top, right, bottom = range_boundaries(ref)
    except (ValueError, TypeError):
        return None
    if None in (left, top, right, bottom):
        return None
    return top - 1, left - 1, bottom - 1, right - 1
