"""HTML tables → grids of cell strings, with rowspan/colspan expanded.

The same functions read trafilatura's output tables (``table/row/cell``), so tables look the
same whichever stage of the body cascade produced them.
"""

from __future__ import annotations

from lxml import etree

from .parse import spaced_text

ROW_TAGS = frozenset({"tr", "row"})
CELL_TAGS = frozenset({"td", "th", "cell"})
TABLE_TAGS = frozenset({"table"})
# Elements that never sit in a data cell; a table holding them lays out a page.
LAYOUT_TAGS = ("ul", "ol", "dl", "h1", "h2", "h3", "form", "iframe", "head", "list")
# A cell longer than this is prose, so its table is layout.
MAX_DATA_CELL_CHARS = 400
# Cells whose text, with ASCII whitespace squashed, passes that length (cell_text squashes more).
_LONG_CELLS = etree.XPath(f".//*[self::td or self::th or self::cell][string-length(normalize-space()) > {MAX_DATA_CELL_CHARS}]")
# Spans are clamped: a colspan of 9007199254740991 must not allocate a galaxy.
MAX_SPAN = 1000
# Cells in the expanded grids of one document (all its tables together, padding included): a grid
# is cut where it would pass the budget, the table marked ``truncated`` and the document flagged;
# later tables get no grid. A 年报's tables hold a few thousand cells; a few kilobytes of colspans
# and rowspans can ask for millions. The text of every row is kept whatever the budget.
MAX_GRID_CELLS = 50_000


def rows_of(table: etree._Element) -> list[etree._Element]:
    """The table's own rows (rows of tables nested inside cells are not included)."""
    return [row for row in table.iter(*ROW_TAGS) if _owning_table(row) is table]


def cells_of(row: etree._Element) -> list[etree._Element]:
    """The row's own cells."""
    return list(row.iterchildren(*CELL_TAGS))


def cell_text(cell: etree._Element) -> str:
    """A cell's text on one line; ``&nbsp;``-only cells become ""."""
    return spaced_text(cell)


def is_data_table(table: etree._Element) -> bool:
    """A table holding data, not page layout.

    Layout tables nest tables, hold navigation lists or headings, or carry prose in a cell;
    data tables (report statistics, metadata blocks) have rows of two or more short cells.
    """
    if any(inner is not table for inner in table.iter(*TABLE_TAGS)):
        return False
    if any(True for _ in table.iter(*LAYOUT_TAGS)):
        return False
    rows = rows_of(table)
    if not any(len(cells_of(row)) >= 2 for row in rows):
        return False
    # XPath finds the few cells that might be too long in one pass inside libxml2; only those are
    # measured exactly (a table of 500,000 cells once spent most of its extraction here)
    long_cells = _LONG_CELLS(table)
    return all(len(cell_text(cell)) <= MAX_DATA_CELL_CHARS for cell in long_cells)


def table_grid(table: etree._Element, budget: int = MAX_GRID_CELLS) -> tuple[list[list[str]], bool]:
    """The expanded grid (every row as wide as the widest) and whether it had to be cut.

    Expansion stops before the grid (its rows padded to the widest, plus the cells rowspans still
    carry down) would pass ``budget`` cells; the rows placed so far are kept.
    """
    rows = rows_of(table)
    grid = _Grid(len(rows), budget)
    for index, row in enumerate(rows):
        if not grid.add_row(index, cells_of(row)):
            return _pad(grid.rows), True
    return _pad(grid.rows), grid.clamped


def grid_cells(grid: list[list[str]]) -> int:
    """Cells in a padded grid."""
    return len(grid) * (len(grid[0]) if grid else 0)


class _Grid:
    """Rows under construction, the cells rowspans carry down, and the cell budget."""

    def __init__(self, total_rows: int, budget: int = MAX_GRID_CELLS) -> None:
        """An empty grid for a table of ``total_rows`` rows, that may grow to ``budget`` cells."""
        self.rows: list[list[str]] = []
        self.pending: dict[tuple[int, int], str] = {}
        self.total_rows = total_rows
        self.budget = budget
        self.allocated = 0
        self.width = 0
        self.clamped = False

    def add_row(self, index: int, cells: list[etree._Element]) -> bool:
        """Place one row; False when the budget ran out (the row is then dropped: padded, it would pass it)."""
        line: list[str] = []
        self.rows.append(line)
        for cell in cells:
            _fill_pending(line, index, self.pending)
            rowspan, cut_r = _span(cell.get("rowspan"), self.total_rows - index)
            colspan, cut_c = _span(cell.get("colspan"), MAX_SPAN)
            self.clamped |= cut_r or cut_c
            self.allocated += rowspan * colspan
            if self._over(len(line) + colspan):
                self.rows.pop()
                return False
            self._place(line, index, cell_text(cell), rowspan, colspan)
        _fill_pending(line, index, self.pending)
        self.width = max(self.width, len(line))
        return True

    def _over(self, line_width: int) -> bool:
        """Whether placing up to ``line_width`` cells in the current row passes the budget, padding included."""
        width = max(self.width, line_width)
        return self.allocated > self.budget or len(self.rows) * width > self.budget

    def _place(self, line: list[str], index: int, text: str, rowspan: int, colspan: int) -> None:
        """Put a cell at the end of ``line`` and reserve its place in the rows below."""
        for _ in range(colspan):
            for below in range(1, rowspan):
                self.pending[(index + below, len(line))] = text
            line.append(text)


def _fill_pending(line: list[str], index: int, pending: dict[tuple[int, int], str]) -> None:
    """Append the carried-down cells that sit at the current position of the row."""
    while (index, len(line)) in pending:
        line.append(pending.pop((index, len(line))))


def _span(value: str | None, limit: int) -> tuple[int, bool]:
    """A span attribute as an int in 1..limit, and whether it exceeded MAX_SPAN.

    A rowspan reaching past the last row is cut silently, as browsers do; only absurd spans
    count as a cut.
    """
    try:
        span = int((value or "1").strip())
    except ValueError:
        return 1, False
    if span < 1:
        return 1, False
    return min(span, limit, MAX_SPAN), span > MAX_SPAN


def _pad(grid: list[list[str]]) -> list[list[str]]:
    """Every row padded with "" to the widest row's width."""
    width = max(map(len, grid), default=0)
    return [row + [""] * (width - len(row)) for row in grid]


def _owning_table(element: etree._Element) -> etree._Element | None:
    """The nearest table ancestor."""
    for ancestor in element.iterancestors(*TABLE_TAGS):
        return ancestor
    return None
