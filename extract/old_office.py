"""Word 97-2003 (DOC, and WPS files saved in its format) with Debian tools; Excel 97-2003 (XLS) with xlrd.

No maintained Python library reads DOC; the Debian packages ``antiword`` and ``catdoc`` do.
Each tool is tried in the order of ``TOOLS``; a tool that is not installed is recorded as the
flag ``tool_missing:<tool>`` and the next one is tried. Both read paragraphs well; tables with
merged cells come out as approximate rows. catdoc's ``xls2csv`` garbles Chinese shared
strings, so XLS is read with xlrd (merged cells expanded as for XLSX).
Run only inside the bounded worker, so the tools inherit its memory and CPU limits. The file is
written to a per-job temporary directory, removed afterwards.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import xlrd

from .reading import Collected, cell_value
from .tables import MAX_GRID_CELLS

# How long one tool may run (the worker's own CPU limit is the backstop).
TOOL_SECONDS = 50
# Per format: (tool, arguments before the file name, output parser), tried in order.
# antiword -w 0: one paragraph per line, tables as |cell|cell| rows; catdoc -w: tables as tab-separated rows.
Parser = Callable[[str, Collected], None]


def _antiword_lines(output: str, out: Collected) -> None:
    """Paragraph lines, and runs of ``|a |b |`` lines as tables."""
    _split_rows(output, out, lambda line: line.startswith("|") and line.rstrip().endswith("|"),
                lambda line: line.strip()[1:-1].split("|"))


def _catdoc_lines(output: str, out: Collected) -> None:
    """Paragraph lines, and runs of tab-separated lines as tables."""
    _split_rows(output, out, lambda line: "\t" in line.strip(), lambda line: line.strip().split("\t"))


TOOLS: dict[str, tuple[tuple[str, tuple[str, ...], Parser], ...]] = {
    "doc": (("antiword", ("-m", "UTF-8.txt", "-w", "0"), _antiword_lines),
            ("catdoc", ("-d", "utf-8", "-w"), _catdoc_lines)),
}


def read_doc(body: bytes) -> dict[str, Any]:
    """A Word 97-2003 document: antiword, else catdoc."""
    return _read("doc", body)


def read_xls(body: bytes) -> dict[str, Any]:
    """An Excel 97-2003 workbook: each sheet one table, merged ranges expanded."""
    book = xlrd.open_workbook(file_contents=body, formatting_info=True, on_demand=True)
    out = Collected("xls")
    try:
        for index in range(book.nsheets):
            if out.full:
                break
            sheet = book.sheet_by_index(index)
            out.table(*_sheet_grid(sheet))
    finally:
        book.release_resources()
    return out.answer(None)


def _sheet_grid(sheet: Any) -> tuple[list[list[str]], list[list[str]]]:
    """Values with merged ranges filled (grid), and each row's own cells (rows)."""
    height = min(sheet.nrows, MAX_GRID_CELLS // max(sheet.ncols, 1))
    grid = [[cell_value(v) for v in sheet.row_values(r)] + [""] * (sheet.ncols - sheet.row_len(r))
            for r in range(height)]
    covered: set[tuple[int, int]] = set()
    for top, bottom, left, right in sheet.merged_cells:  # xlrd ranges are half-open
        if len(covered) >= MAX_GRID_CELLS:  # many overlapping ranges: the grid's budget bounds the work
            break
        for r in range(top, min(bottom, height)):
            for c in range(left, min(right, sheet.ncols)):
                if (r, c) != (top, left):
                    grid[r][c] = grid[top][left] if top < height else ""
                if c != left:  # a row names the range once, as for XLSX
                    covered.add((r, c))
    keep = [r for r in range(height) if any(grid[r])]
    rows = [[v for c, v in enumerate(grid[r]) if (r, c) not in covered] for r in keep]
    return [grid[r] for r in keep], rows


def _read(kind: str, body: bytes) -> dict[str, Any]:
    """Try each tool for ``kind`` until one reads the file."""
    missing: list[str] = []
    errors: list[str] = []
    with tempfile.TemporaryDirectory(prefix="nianbao-") as folder:
        path = Path(folder) / f"attachment.{kind}"
        path.write_bytes(body)
        for tool, arguments, parse in TOOLS[kind]:
            if shutil.which(tool) is None:
                missing.append(f"tool_missing:{tool}")
                continue
            done = subprocess.run([tool, *arguments, str(path)], capture_output=True, timeout=TOOL_SECONDS,
                                  check=False)
            if done.returncode == 0 and done.stdout.strip():
                out = Collected(f"{kind}:{tool}")
                parse(_decoded(done.stdout, out), out)
                return _answer(out, missing)
            errors.append(f"{tool}: exit {done.returncode}: {done.stderr.decode('utf-8', 'replace')[:200]}")
    out = Collected(kind)
    for flag in missing or ["attachment_malformed"]:
        out.flag(flag)
    return out.answer(None, error="; ".join(errors) or None)


def _decoded(output: bytes, out: Collected) -> str:
    """The tool's UTF-8 output; bytes it could not map are replaced and flagged ``decode_lossy``."""
    try:
        return output.decode("utf-8")
    except UnicodeDecodeError:
        out.flag("decode_lossy")
        return output.decode("utf-8", "replace")


def _answer(out: Collected, missing: list[str]) -> dict[str, Any]:
    """The tool's blocks, with the tools found missing on the way recorded."""
    for flag in missing:
        out.flag(flag)
    return out.answer(None)


def _split_rows(output: str, out: Collected, is_row: Callable[[str], bool],
                cells: Callable[[str], list[str]]) -> None:
    """Lines to paragraphs; consecutive table-row lines to one table."""
    table: list[list[str]] = []
    for line in output.splitlines():
        if is_row(line):
            table.append([" ".join(cell.split()) for cell in cells(line)])
            continue
        _flush(table, out)
        out.paragraph(line)
    _flush(table, out)


def _flush(table: list[list[str]], out: Collected) -> None:
    """Emit the table being gathered, if any, and start a new one."""
    if table:
        width = max(map(len, table))
        out.table([row + [""] * (width - len(row)) for row in table], [list(row) for row in table])
        table.clear()
