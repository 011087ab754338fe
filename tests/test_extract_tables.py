"""Table grids (spans expanded and clamped) and the 年报 template tables with their checks."""

from __future__ import annotations

from pathlib import Path

import lxml.html
import pytest

from extract import extract_document
from extract.reports import check_table3, parse_number, table_kind
from extract.tables import MAX_SPAN, is_data_table, table_grid

DATA = Path(__file__).parent / "data" / "extract"
REPORT_URL = "http://www.qinglan.gov.cn/zwgk/zfxxgknb/202201/t20220125_1.html"


def table(html: str):
    return lxml.html.fragment_fromstring(html)


def report(replace: tuple[str, str] | None = None) -> dict:
    html = (DATA / "report_2021.html").read_text("utf-8")
    if replace:
        assert html.count(replace[0]) == 1, "the edit must hit exactly one place"
        html = html.replace(*replace)
    return extract_document(html.encode("utf-8"), REPORT_URL)


def by_kind(result: dict, kind: str) -> dict:
    [found] = [t for t in result["tables"] if t["kind"] == kind]
    return found


def test_rowspan_and_colspan_are_expanded():
    grid, cut = table_grid(
        table(
            "<table><tr><td rowspan=2 colspan=2>A</td><td>B</td></tr><tr><td>C</td></tr>"
            "<tr><td>D</td><td>&nbsp;</td><td> E </td></tr></table>"
        )
    )
    assert grid == [["A", "A", "B"], ["A", "A", "C"], ["D", "", "E"]]
    assert cut is False


def test_cell_text_joins_inline_tags_and_spaces_blocks():
    grid, _ = table_grid(
        table(
            "<table><tr><td>自<b>然</b>人</td><td><p>12</p><p>34</p></td>"
            "<td><span>一、本年新收</span><span>政府信息公开申请数量</span></td>"
            "<td>a<br>b<!-- c -->d</td></tr></table>"
        )
    )
    assert grid == [["自然人", "12 34", "一、本年新收政府信息公开申请数量", "a bd"]]


def test_rows_are_padded_and_rowspan_past_the_end_is_cut_quietly():
    grid, cut = table_grid(
        table("<table><tr><td rowspan=9>A</td><td>B</td><td>X</td></tr><tr><td>C</td></tr></table>")
    )
    assert grid == [["A", "B", "X"], ["A", "C", ""]]
    assert cut is False


def test_absurd_spans_are_clamped_and_reported():
    grid, cut = table_grid(
        table(
            "<table><tr><td colspan=9007199254740991>A</td></tr>"
            "<tr><td>B</td><td colspan=-3>C</td></tr></table>"
        )
    )
    assert len(grid[0]) == MAX_SPAN
    assert grid[1][:3] == ["B", "C", ""]
    assert cut is True


def test_nested_tables_are_not_part_of_the_outer_grid():
    outer = table("<table><tr><td>a</td><td><table><tr><td>x</td><td>y</td></tr></table></td></tr></table>")
    grid, _ = table_grid(outer)
    assert grid == [["a", "x y"]]
    assert not is_data_table(outer)


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("<table><tr><td>索引号</td><td>1</td></tr></table>", True),
        ("<table><tr><td>只有一列</td></tr><tr><td>两行</td></tr></table>", False),
        ("<table><tr><td><ul><li><a href='/'>首页</a></li></ul></td><td>正文</td></tr></table>", False),
        (f"<table><tr><td>导航</td><td>{'长正文' * 200}</td></tr></table>", False),
    ],
)
def test_data_or_layout_table(html, expected):
    assert is_data_table(table(html)) is expected


def test_a_huge_table_with_huge_spans_does_not_explode():
    rows = "".join(f"<tr>{'<td colspan=1000 rowspan=1000>9</td>' * 20}</tr>" for _ in range(1000))
    grid, cut = table_grid(table(f"<table>{rows}</table>"))
    assert cut is True
    assert sum(map(len, grid)) <= 210_000


def test_report_2021_tables_are_recognised():
    result = report()
    assert [t["kind"] for t in result["tables"]] == ["article20", "table3", "table4"]
    assert not any(flag.endswith("_unbalanced") for flag in result["flags"])


def test_table3_grid_values_and_checks():
    t3 = by_kind(report(), "table3")
    assert (len(t3["grid"]), len(t3["grid"][0])) == (28, 10)  # 3 header rows + 25 data rows
    assert t3["grid"][9][:3] == ["三、本年度办理结果", "（三）不予公开", "3.危及“三安全一稳定”"]
    values = t3["values"]
    assert len(values) == 25
    assert values["一"] == [120, 8, 0, 1, 2, 0, 131]
    assert values["三（一）"] == [70, 5, None, 1, None, None, 76]  # &nbsp; cells are blanks
    assert values["三（四）1"] == [20, 2, 0, 0, 1, 0, 23]
    assert values["三（六）3"] == [3, 1, 0, 0, 0, 0, 4]
    assert values["四"] == [4, 0, 0, 0, 1, 0, 5]
    assert t3["checks"] == {"balance": True, "results_total": True, "row_totals": True, "failures": []}


def test_table4_values():
    t4 = by_kind(report(), "table4")
    assert t4["values"] == {
        "行政复议": [2, 1, 0, 1, 4],
        "未经复议直接起诉": [1, 0, 0, 1, 2],
        "复议后起诉": [0, 0, 0, 0, 0],
    }
    assert t4["checks"]["block_totals"] is True


def test_article20_counts_a_colspan_value_once():
    t2 = by_kind(report(), "article20")
    assert t2["values"] == {
        "规章": [3, 0, 15],
        "行政规范性文件": [61, 59, 422],
        "行政许可": [1520],
        "行政处罚": [3408],
        "行政强制": [112],
        "行政事业性收费": [265.4],
    }
    assert t2["checks"] is None


def test_broken_table3_is_flagged_not_raised():
    result = report(('<p align="center">131</p>', '<p align="center">130</p>'))
    t3 = by_kind(result, "table3")
    assert "table3_unbalanced" in result["flags"]
    assert t3["checks"]["balance"] is False and t3["checks"]["row_totals"] is False
    assert t3["checks"]["results_total"] is True
    assert any("总计" in failure for failure in t3["checks"]["failures"])


def test_broken_results_total_is_caught():
    # （一）予以公开, 自然人: 70 → 71 breaks the 总计 of that row and the results sum, not 一+二=七+四.
    result = report(('<p align="center">70</p>', '<p align="center">71</p>'))
    checks = by_kind(result, "table3")["checks"]
    assert (checks["balance"], checks["results_total"], checks["row_totals"]) == (True, False, False)


def test_broken_table4_is_flagged():
    html_row = '<p align="center">4</p></td><td valign="center"><p align="center">1</p>'
    result = report((html_row, html_row.replace(">4<", ">5<")))
    assert "table4_unbalanced" in result["flags"]
    assert by_kind(result, "table4")["checks"]["block_totals"] is False


def test_check_table3_without_needed_rows_is_undecided():
    checks = check_table3({"一": [1, 0, 0, 0, 0, 0, 1]})
    assert checks["balance"] is None and checks["results_total"] is None
    assert checks["row_totals"] is True


def test_kind_of_an_ordinary_table_is_none():
    assert (
        table_kind([["序号", "统计指标", "单位", "统计数"], ["1", "主动公开政府信息数", "条", "8653"]])
        is None
    )


@pytest.mark.parametrize(
    ("cell", "number"),
    [
        ("12", 12),
        (" 3 ", 3),
        ("265.4", 265.4),
        ("251000元", 251000),
        ("1,520", 1520),
        ("", None),
        ("—", None),
        ("/", None),
        ("无", None),
        ("三", None),
        ("12条3", None),
    ],
)
def test_parse_number(cell, number):
    assert parse_number(cell) == number
