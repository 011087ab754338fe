"""Does a 年报 follow the national template? Its sections, tables, rows and columns.

Two formats: 国办公开办函〔2019〕60号 (reports for 2019 and 2020) and 国办公开办函〔2021〕30号 (from
the 2021 report on). Both have six sections and three statistics tables (表二 第二十条, 表三, 表四);
2021 rewrote 表二 and split 表三's （六）其他处理 into three rows. Tables are read from the stored
extraction (``versions.tables``: each recognised table's ``kind``, ``grid`` and ``values``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

FORMAT_2019 = "2019"
FORMAT_2021 = "2021"
SECTIONS = (
    ("一、总体情况", "总体情况"),
    ("二、主动公开政府信息情况", "主动公开政府信息"),
    ("三、收到和处理政府信息公开申请情况", "收到和处理政府信息公开申请"),
    ("四、政府信息公开行政复议、行政诉讼情况", "行政复议.{0,8}行政诉讼"),
    ("五、存在的主要问题及改进情况", "存在的主要问题"),
    ("六、其他需要报告的事项", "其他需要报告的事项"),
)
# A heading line: an ordinal, then the section's words; short, and not a table row ("a | b").
_HEADING = re.compile(r"^[一二三四五六七八九十]{1,2}\s*[、.．]\s*(?P<words>.{2,38})$")
_SECTION_WORDS = [(name, re.compile(words)) for name, words in SECTIONS]
TABLE_NAMES = {"article20": "表二", "table3": "表三", "table4": "表四"}
_T3_ROWS = ("一", "二", "三（一）", "三（二）", *(f"三（三）{i}" for i in range(1, 9)),
            *(f"三（四）{i}" for i in range(1, 4)), *(f"三（五）{i}" for i in range(1, 6)))
ROWS: dict[str, dict[str, tuple[str, ...]]] = {
    "table3": {FORMAT_2019: (*_T3_ROWS, "三（六）", "三（七）", "四"),
               FORMAT_2021: (*_T3_ROWS, "三（六）1", "三（六）2", "三（六）3", "三（七）", "四")},
    "article20": {FORMAT_2019: ("规章", "规范性文件", "行政许可", "其他对外管理服务事项", "行政处罚", "行政强制",
                                "行政事业性收费", "政府集中采购"),
                  FORMAT_2021: ("规章", "行政规范性文件", "行政许可", "行政处罚", "行政强制", "行政事业性收费")},
}
_T3_COLUMNS = ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计")
_T4_COLUMNS = ("行政复议", "行政诉讼", "未经复议直接起诉", "复议后起诉", "结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
COLUMNS: dict[str, dict[str, tuple[str, ...]]] = {
    "table3": {FORMAT_2019: _T3_COLUMNS, FORMAT_2021: _T3_COLUMNS},
    "table4": {FORMAT_2019: _T4_COLUMNS, FORMAT_2021: _T4_COLUMNS},
    "article20": {FORMAT_2019: ("本年新制作数量", "本年新公开数量", "对外公开总数量", "上一年项目数量", "本年增/减",
                                "处理决定数量", "采购项目数量", "采购总金额"),
                  FORMAT_2021: ("本年制发件数", "本年废止件数", "现行有效件数", "本年处理决定数量", "本年收费金额")},
}
# Words only one format's tables carry: which layout a report's tables are in.
LAYOUT_MARKS = {FORMAT_2019: ("政府集中采购", "其他对外管理服务事项", "本年新制作数量", "第二十条第（九）项"),
                FORMAT_2021: ("本年制发件数", "本年收费金额", "行政规范性文件", "逾期不补正")}
# Less text than this (and no template table) is a page pointing to an attachment, or a scan.
MIN_BODY_CHARS = 400
# Formats whose tables reach the archive as grids; a PDF's tables come out as lines of text.
GRID_FORMATS = frozenset({"html", "docx", "xlsx", "doc", "xls", "wps"})

# How far a report could be checked.
CHECKED_FULL = "full"
CHECKED_SECTIONS = "sections"  # its tables are only in a PDF: sections checked, tables not
UNREADABLE = "unreadable"      # no text to read (a scan, a broken file, a link to a missing file)
FREE_FORMAT = "free_format"    # before 2019 there was no national template


@dataclass(frozen=True)
class Content:
    """What one document of a report holds: its text, its described tables, its format."""

    text: str
    tables: Sequence[dict[str, Any]]
    content_type: str | None


@dataclass
class Conformance:
    """What a report has of its template, and what it lacks."""

    format_expected: str | None
    checked: str
    layout: str | None = None
    sections_found: list[str] = field(default_factory=list)
    sections_missing: list[str] = field(default_factory=list)
    tables_found: list[str] = field(default_factory=list)
    tables_missing: list[str] = field(default_factory=list)
    tables_extra: int = 0
    rows_missing: list[str] = field(default_factory=list)
    rows_extra: list[str] = field(default_factory=list)
    columns_missing: list[str] = field(default_factory=list)


def format_of(year: int) -> str | None:
    """The template in force for a report year (None before 2019)."""
    if year >= 2021:
        return FORMAT_2021
    return FORMAT_2019 if year >= 2019 else None


def conformance(year: int, contents: Sequence[Content]) -> Conformance:
    """Sections, tables, rows and columns of a report (its page and attachments) against its year's template."""
    expected = format_of(year)
    tables = template_tables(contents)
    checked = how_checkable(expected, contents, tables)
    result = Conformance(expected, checked)
    if checked in (FREE_FORMAT, UNREADABLE):
        return result
    result.sections_found = sections_in("\n".join(c.text for c in contents))
    result.sections_missing = [name for name, _ in SECTIONS if name not in result.sections_found]
    if checked == CHECKED_FULL:
        assert expected is not None
        check_tables(result, tables, contents, expected)
    return result


def how_checkable(expected: str | None, contents: Sequence[Content], tables: dict[str, dict[str, Any]]) -> str:
    """How much of the template can be checked from what the archive read."""
    if expected is None:
        return FREE_FORMAT
    bodies = [c for c in contents if len(c.text) >= MIN_BODY_CHARS]
    if not bodies and not tables:
        return UNREADABLE
    if tables or any(c.content_type in GRID_FORMATS for c in bodies):
        return CHECKED_FULL
    return CHECKED_SECTIONS


def sections_in(text: str) -> list[str]:
    """The template sections that have a heading line in ``text``, in template order."""
    headings = [m["words"] for line in text.splitlines() if "|" not in line
                for m in [_HEADING.match(line.strip())] if m]
    return [name for name, words in _SECTION_WORDS if any(words.search(h) for h in headings)]


def template_tables(contents: Iterable[Content]) -> dict[str, dict[str, Any]]:
    """The first table of each template kind, page before attachments."""
    found: dict[str, dict[str, Any]] = {}
    for content in contents:
        for table in content.tables:
            kind = table.get("kind")
            if kind in TABLE_NAMES and kind not in found:
                found[kind] = table
    return found


def check_tables(result: Conformance, tables: dict[str, dict[str, Any]], contents: Sequence[Content],
                 expected: str) -> None:
    """Tables found and missing, the layout they are in, and their rows and columns."""
    result.tables_found = [TABLE_NAMES[k] for k in TABLE_NAMES if k in tables]
    result.tables_missing = [TABLE_NAMES[k] for k in TABLE_NAMES if k not in tables]
    result.tables_extra = sum(1 for c in contents for t in c.tables if not t.get("kind"))
    result.layout = layout_of(tables)
    layout = result.layout if result.layout in (FORMAT_2019, FORMAT_2021) else expected
    for kind, table in tables.items():
        name = TABLE_NAMES[kind]
        missing, extra = rows_against(kind, table, layout)
        result.rows_missing += [f"{name} {row}" for row in missing]
        result.rows_extra += [f"{name} {row}" for row in extra]
        grid_text = table_text(table)
        result.columns_missing += [f"{name} {c}" for c in COLUMNS[kind][layout] if c not in grid_text]


def rows_against(kind: str, table: dict[str, Any], layout: str) -> tuple[list[str], list[str]]:
    """Template rows the table lacks, and data rows it has that the template does not.

    表二's rows are looked up by their label cells, since a value the extractor could not read as a
    number (such as ``+3`` in 本年增/减) leaves its row out of ``values``.
    """
    if kind not in ROWS:
        return ([] if table.get("values") else ["data row"]), []
    values = table.get("values") or {}
    present = set(values) | ({_plain(row[0]) for row in table.get("grid") or [] if row} if kind == "article20" else set())
    expected = ROWS[kind][layout]
    return [r for r in expected if r not in present], [r for r in values if r not in expected]


def layout_of(tables: dict[str, dict[str, Any]]) -> str | None:
    """Which format's layout the tables are in: 2019, 2021, mixed, or None when nothing tells."""
    text = "".join(table_text(t) for t in tables.values())
    keys = (tables.get("table3") or {}).get("values") or {}
    found = {fmt for fmt, marks in LAYOUT_MARKS.items() if any(mark in text for mark in marks)}
    found |= {FORMAT_2019} if "三（六）" in keys else set()
    found |= {FORMAT_2021} if "三（六）1" in keys else set()
    if not found:
        return None
    return found.pop() if len(found) == 1 else "mixed"


def table_text(table: dict[str, Any]) -> str:
    """A table's cells run together, as :func:`_plain`, for finding words."""
    return "".join(_plain(cell) for row in table.get("grid") or [] for cell in row)


def _plain(cell: Any) -> str:
    """A cell without whitespace and with full-width brackets, as extraction keys rows."""
    return "".join(str(cell).split()).replace("(", "（").replace(")", "）")
