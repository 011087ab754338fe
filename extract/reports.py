"""Recognise the 年报 template tables (2019/2021 formats) in a grid and check their arithmetic.

Kinds (portals.md §12.2–12.3):

- ``article20``: 表二, 主动公开政府信息情况 (第二十条第（一）…（九）项 blocks).
- ``table3``: 表三, 收到和处理政府信息公开申请情况 (7 value columns).
- ``table4``: 表四, 行政复议、行政诉讼情况 (one row of 15 values).

A failed check is data (``checks``), never an exception; the caller turns it into a flag.
"""

from __future__ import annotations

import re
from typing import Any

Number = int | float

# Grid text (whitespace removed, brackets full-width) that identifies each kind; all must occur.
KIND_MARKERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("table3", ("本年新收", "本年度办理结果")),
    ("table4", ("行政复议", "行政诉讼", "复议后起诉")),
    ("article20", ("第二十条第（一）项",)),
)
T3_COLUMNS = ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计")
T4_BLOCKS = ("行政复议", "未经复议直接起诉", "复议后起诉")
T4_COLUMNS = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
# Cells that mean "nothing here" in reports (the 2019 Shanghai HTML leaves zero cells blank).
BLANKS = frozenset({"", "-", "—", "——", "－", "/", "／", "无", "空"})
_NUMBER = re.compile(r"^(-?\d+(?:\.\d+)?)\s*(?:元|万元|件|条|个|项|人次|人|%|次)?$")
_TOP = re.compile(r"^([一二三四])、")
# 表三's top rows by their words, for a label whose ordinal is lost (OCR drops a lone 一 beside a rule).
TOP_LABELS = (("本年新收", "一"), ("上年结转", "二"), ("本年度办理结果", "三"), ("结转下年度", "四"))
_SUB = re.compile(r"^（([一二三四五六七])）")
_ITEM = re.compile(r"^(\d{1,2})[.．、]")
_BRACKETS = str.maketrans({"(": "（", ")": "）"})


def describe_table(grid: list[list[str]], rows: list[list[str]] | None = None) -> dict[str, Any]:
    """``{"grid", "kind", "values", "checks"}`` for one table.

    ``grid`` is the span-expanded grid; ``rows`` the raw cells per row, which 表二 reads so that
    a value spread over several columns by colspan is counted once.
    """
    kind = table_kind(grid)
    values, checks = None, None
    if kind == "article20":
        values, checks = read_article20(rows if rows is not None else grid)
    elif kind == "table3":
        values, checks = read_table3(grid)
    elif kind == "table4":
        values, checks = read_table4(grid)
    return {"grid": grid, "kind": kind, "values": values, "checks": checks}


def table_kind(grid: list[list[str]]) -> str | None:
    """Which template table the grid is, if any."""
    text = "".join(norm(cell) for row in grid for cell in row)
    for kind, markers in KIND_MARKERS:
        if all(marker in text for marker in markers):
            return kind
    return None


def failed_checks(checks: dict[str, Any] | None) -> bool:
    """True when any check ran and failed."""
    if not checks:
        return False
    return any(v is False for k, v in checks.items() if k != "failures")


def norm(cell: str) -> str:
    """Cell text without whitespace and with full-width brackets, for matching labels."""
    return "".join(cell.split()).translate(_BRACKETS)


def parse_number(cell: str) -> Number | None:
    """A report cell as a number; blanks and dashes are None; units such as 元 are allowed."""
    text = norm(cell).replace(",", "").replace("，", "")
    match = None if text in BLANKS else _NUMBER.match(text)
    if not match:
        return None
    number = float(match[1])
    return int(number) if number.is_integer() else number


def is_numeric_cell(cell: str) -> bool:
    """True for a number or a blank (a blank is a zero in these tables)."""
    return norm(cell) in BLANKS or parse_number(cell) is not None


# --- 表三 -------------------------------------------------------------------------------


def read_table3(grid: list[list[str]]) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """Rows keyed by ordinal path (``一``, ``三（三）1``, ``三（七）``, ``四``) → 7 values."""
    width = len(grid[0]) if grid else 0
    if width < len(T3_COLUMNS) + 1:
        return None, None
    values: dict[str, Any] = {}
    for row in grid:
        key = _ordinal_key(row[: width - len(T3_COLUMNS)])
        cells = row[width - len(T3_COLUMNS):]
        if key and key not in values and all(map(is_numeric_cell, cells)):
            values[key] = [parse_number(cell) for cell in cells]
    return (values or None), (check_table3(values) if values else None)


def check_table3(values: dict[str, list[Number | None]]) -> dict[str, Any]:
    """The three identities of 表三; each is None when its rows are missing."""
    failures: list[str] = []
    return {
        "balance": _t3_balance(values, failures),
        "results_total": _t3_results_total(values, failures),
        "row_totals": _t3_row_totals(values, failures),
        "failures": failures,
    }


def _t3_balance(values: dict[str, list[Number | None]], failures: list[str]) -> bool | None:
    """一 + 二 = 三（七）总计 + 四, column by column."""
    rows = [values.get(key) for key in ("一", "二", "三（七）", "四")]
    if any(row is None for row in rows):
        return None
    new, carried, total, forward = ([_z(v) for v in row] for row in rows if row is not None)
    ok = True
    for col, name in enumerate(T3_COLUMNS):
        received, settled = new[col] + carried[col], total[col] + forward[col]
        if received != settled:
            ok = False
            failures.append(f"balance {name}: 一+二={received} ≠ 三（七）+四={settled}")
    return ok


def _t3_results_total(values: dict[str, list[Number | None]], failures: list[str]) -> bool | None:
    """三（七）总计 = the sum of every other 三 row (（一）…（六） and their items)."""
    total = values.get("三（七）")
    parts = [row for key, row in values.items() if key.startswith("三") and key != "三（七）"]
    if total is None or not parts:
        return None
    ok = True
    for col, name in enumerate(T3_COLUMNS):
        summed = sum(_z(row[col]) for row in parts)
        if summed != _z(total[col]):
            ok = False
            failures.append(f"results_total {name}: parts={summed} ≠ 三（七）={_z(total[col])}")
    return ok


def _t3_row_totals(values: dict[str, list[Number | None]], failures: list[str]) -> bool:
    """In every row, 总计 = 自然人 + the five 法人或其他组织 columns."""
    ok = True
    for key, row in values.items():
        summed = sum(_z(v) for v in row[:-1])
        if summed != _z(row[-1]):
            ok = False
            failures.append(f"row_totals {key}: sum={summed} ≠ 总计={_z(row[-1])}")
    return ok


def _ordinal_key(label_cells: list[str]) -> str | None:
    """``三、…`` + ``（三）…`` + ``1.…`` → ``三（三）1``; None for header rows."""
    top = sub = item = None
    for cell in dict.fromkeys(norm(c) for c in label_cells if c.strip()):
        if match := _TOP.match(cell):
            top = match[1]
        elif top is None and (named := _top_by_words(cell)):
            top = named
        elif match := _SUB.match(cell):
            sub = match[1]
        elif match := _ITEM.match(cell):
            item = match[1]
    if top is None:
        return None
    return top + (f"（{sub}）" if sub else "") + (item or "")


def _top_by_words(cell: str) -> str | None:
    """The ordinal of a top-level label known by its words (``、本年新收…`` → ``一``)."""
    return next((ordinal for words, ordinal in TOP_LABELS if cell.lstrip("、").startswith(words)), None)


# --- 表四 -------------------------------------------------------------------------------


def read_table4(grid: list[list[str]]) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """The 15-value data row split into its three blocks of five."""
    row = _last_value_row(grid, 3 * len(T4_COLUMNS))
    if row is None:
        return None, None
    numbers = [parse_number(cell) for cell in row[-3 * len(T4_COLUMNS):]]
    size = len(T4_COLUMNS)
    values = {name: numbers[i * size:(i + 1) * size] for i, name in enumerate(T4_BLOCKS)}
    return values, check_table4(values)


def check_table4(values: dict[str, list[Number | None]]) -> dict[str, Any]:
    """Each block's 总计 equals the sum of its four results."""
    failures = [
        f"block_totals {name}: sum={sum(_z(v) for v in block[:-1])} ≠ 总计={_z(block[-1])}"
        for name, block in values.items()
        if sum(_z(v) for v in block[:-1]) != _z(block[-1])
    ]
    return {"block_totals": not failures, "failures": failures}


def _last_value_row(grid: list[list[str]], count: int) -> list[str] | None:
    """The last row ending in ``count`` numeric-or-blank cells, at least one of them a number."""
    for row in reversed(grid):
        tail = row[-count:]
        if len(tail) == count and all(map(is_numeric_cell, tail)) and any(
            parse_number(c) is not None for c in tail
        ):
            return row
    return None


# --- 表二 -------------------------------------------------------------------------------


def read_article20(grid: list[list[str]]) -> tuple[dict[str, Any] | None, None]:
    """信息内容 label → its numbers (None for blanks); header and block rows are skipped."""
    values: dict[str, Any] = {}
    for row in grid:
        label = norm(row[0]) if row else ""
        cells = row[1:]
        if not label or label.startswith("第二十条") or label == "信息内容":
            continue
        if cells and all(map(is_numeric_cell, cells)):
            values.setdefault(label, [parse_number(cell) for cell in cells])
    return (values or None), None


def _z(value: Number | None) -> Number:
    """A blank counts as zero in the balance rules."""
    return value or 0

