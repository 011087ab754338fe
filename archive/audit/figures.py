"""Do the figures add up? The text against 表三, a year against the next, a version against the last.

表三's ``values`` (extract/reports.py) map row keys (``一`` 本年新收, ``二`` 上年结转, ``四`` 结转下年度 …)
to seven numbers: six applicant columns and 总计. A blank cell counts as zero, as in the balance checks.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

COLUMNS = ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计")
TOTAL = len(COLUMNS) - 1
NEW, CARRIED, REMAINING = "一", "二", "四"
# "共收到政府信息公开申请52件", "全年新收政府信息公开申请16件", "本年度受理政府信息公开申请8件"
_NEW_IN_TEXT = re.compile(r"(?:新收|收到|受理)[^。；，,\n\d]{0,8}?(?:政府)?信息公开申请\s*(\d+)\s*件")
# "上年结转1件", "上年度结转政府信息公开申请3件"
_CARRIED_IN_TEXT = re.compile(r"上年度?结转[^。；，,\n\d]{0,12}?(\d+)\s*件")
TEXT_FIGURES = {NEW: _NEW_IN_TEXT, CARRIED: _CARRIED_IN_TEXT}
TEXT_FIGURE_NAMES = {NEW: "本年新收", CARRIED: "上年结转"}

Number = int | float
Row = Sequence[Number | None]


def row_of(values: Mapping[str, Any] | None, key: str) -> list[Number] | None:
    """A 表三 row with blanks as zero, or None when the row is not there."""
    row = (values or {}).get(key)
    if not isinstance(row, list) or len(row) != len(COLUMNS):
        return None
    return [v if isinstance(v, int | float) else 0 for v in row]


def text_figures(text: str) -> dict[str, int]:
    """The first 本年新收 and 上年结转 counts the text states, by 表三 row key."""
    found = {}
    for key, pattern in TEXT_FIGURES.items():
        match = pattern.search(text)
        if match:
            found[key] = int(match[1])
    return found


def text_against_table(text: str, values: Mapping[str, Any] | None) -> list[str]:
    """Where the text's counts differ from 表三's 总计 (一 + 二 is accepted for 收到, which some count so)."""
    problems = []
    for key, stated in text_figures(text).items():
        row = row_of(values, key)
        if row is None:
            continue
        accepted = {row[TOTAL]}
        carried = row_of(values, CARRIED)
        if key == NEW and carried is not None:
            accepted.add(row[TOTAL] + carried[TOTAL])
        if stated not in accepted:
            problems.append(f"text {TEXT_FIGURE_NAMES[key]} {stated} ≠ 表三 {key} 总计 {row[TOTAL]}")
    return problems


def carry_over(previous: Mapping[str, Any] | None, current: Mapping[str, Any] | None) -> list[str]:
    """Columns where this year's 上年结转 differs from the previous report's 结转下年度."""
    before, now = row_of(previous, REMAINING), row_of(current, CARRIED)
    if before is None or now is None:
        return []
    return [f"{name}: 上年结转 {b} ≠ previous 结转下年度 {a}"
            for name, a, b in zip(COLUMNS, before, now, strict=True) if a != b]


def restated(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    """Figures that differ between two versions' tables, as ``表三 一 总计: 16 → 17``."""
    changes = []
    for kind in sorted(set(old) | set(new)):
        before, after = old.get(kind) or {}, new.get(kind) or {}
        for key in sorted(set(before) | set(after)):
            changes += _row_changes(f"{kind} {key}", before.get(key), after.get(key))
    return changes


def _row_changes(label: str, before: Any, after: Any) -> list[str]:
    """The cells of one row that changed (a row added or dropped counts as one change)."""
    if not isinstance(before, list) or not isinstance(after, list) or len(before) != len(after):
        return [] if before == after else [f"{label}: {before} → {after}"]
    names = COLUMNS if len(before) == len(COLUMNS) else [str(i + 1) for i in range(len(before))]
    return [f"{label} {name}: {a} → {b}" for name, a, b in zip(names, before, after, strict=True) if a != b]


def restated_text(old_text: str, new_text: str) -> list[str]:
    """Counts stated in the text that differ between two versions."""
    before, after = text_figures(old_text), text_figures(new_text)
    return [f"text {TEXT_FIGURE_NAMES[key]}: {before.get(key)} → {after.get(key)}"
            for key in TEXT_FIGURES if before.get(key) != after.get(key)]


def values_by_kind(tables: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The values of the first table of each recognised kind."""
    found: dict[str, Any] = {}
    for table in tables:
        kind = table.get("kind")
        if kind and kind not in found and table.get("values"):
            found[kind] = table["values"]
    return found
