"""The standard 年报 tables (第二十条, 表三, 表四, the pre-2019 statistics table) with their spans."""

from __future__ import annotations

import random
from dataclasses import dataclass

from .model import Cell, Table

APPLICANTS = ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")
NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
REFUSED = (
    "1.属于国家秘密", "2.其他法律行政法规禁止公开", "3.危及“三安全一稳定”", "4.保护第三方合法权益",
    "5.属于三类内部事务信息", "6.属于四类过程性信息", "7.属于行政执法案卷", "8.属于行政查询事项",
)
UNAVAILABLE = ("1.本机关不掌握相关政府信息", "2.没有现成信息需要另行制作", "3.补正后申请内容仍不明确")
NOT_PROCESSED = (
    "1.信访举报投诉类申请", "2.重复申请", "3.要求提供公开出版物", "4.无正当理由大量反复申请",
    "5.要求行政机关确认或重新出具已获取信息",
)
OTHER_2021 = (
    "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    "3.其他",
)
# 三、本年度办理结果: (block label, sub-rows or () for a single colspan-2 row), per layout.
RESULT_BLOCKS = {
    "2019": (("（一）予以公开", ()), ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", ()),
             ("（三）不予公开", REFUSED), ("（四）无法提供", UNAVAILABLE), ("（五）不予处理", NOT_PROCESSED),
             ("（六）其他处理", ())),
    "2021": (("（一）予以公开", ()), ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", ()),
             ("（三）不予公开", REFUSED), ("（四）无法提供", UNAVAILABLE), ("（五）不予处理", NOT_PROCESSED),
             ("（六）其他处理", OTHER_2021)),
}
# How often a handled application ends in each result row, by position in the flattened rows.
RESULT_WEIGHTS_HEAD = (6.0, 2.0)
RESULT_WEIGHT_TAIL = 0.25
# Mean yearly applications per applicant column, by kind of unit.
VOLUME = {"government": (60, 8, 1, 1, 3, 2), "department": (12, 3, 0, 0, 1, 1),
          "township": (4, 1, 0, 0, 0, 0)}
REVIEW_HEADS = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")


@dataclass
class Applications:
    """表三 numbers: one row of six applicant counts per line of the table."""

    new: list[int]
    carried: list[int]
    results: list[list[int]]
    remaining: list[int]

    def totals(self) -> list[int]:
        """（七）总计: column sums of the result rows."""
        return [sum(row[c] for row in self.results) for c in range(len(APPLICANTS))]


def result_labels(layout: str, omit: str | None = None) -> list[tuple[str, tuple[str, ...], int]]:
    """Flattened result rows as (block, sub-label or (), index within block); ``omit`` leaves a sub-row out."""
    rows: list[tuple[str, tuple[str, ...], int]] = []
    for block, all_subs in RESULT_BLOCKS[layout]:
        subs = tuple(sub for sub in all_subs if sub != omit)
        rows.extend((block, subs, i) for i in range(max(1, len(subs))))
    return rows


def make_applications(rng: random.Random, layout: str, kind: str,
                      remaining: tuple[int, ...] | None = None) -> Applications:
    """Balanced 表三 numbers: new + carried = handled results + remaining, per column.

    ``remaining`` fixes 结转下年度 (the next report's 上年结转); new applications grow to cover it.
    """
    n_rows = len(result_labels(layout))
    weights = list(RESULT_WEIGHTS_HEAD) + [RESULT_WEIGHT_TAIL] * (n_rows - len(RESULT_WEIGHTS_HEAD))
    new, carried, remaining_out = [], [], []
    results = [[0] * len(APPLICANTS) for _ in range(n_rows)]
    for column, mean in enumerate(VOLUME[kind]):
        count = rng.randint(0, 2 * mean) if mean else rng.choice((0, 0, 0, 1))
        carry = rng.randint(0, min(3, count // 5))
        if remaining is None:
            left = rng.randint(0, min(3, (count + carry) // 4))
        else:
            left = remaining[column]
            count = max(count, left - carry)
        for row in rng.choices(range(n_rows), weights=weights, k=count + carry - left):
            results[row][column] += 1
        new.append(count)
        carried.append(carry)
        remaining_out.append(left)
    return Applications(new, carried, results, remaining_out)


def break_balance(apps: Applications) -> None:
    """Count one more new application than was handled: 一+二 ≠ 总计+四 in one column."""
    apps.new[0] += 1


def drop_result_row(apps: Applications, layout: str, label: str) -> None:
    """Take one result row out of 表三, its counts moved to （一）予以公开 so every total still holds."""
    index = next(i for i, (_, subs, at) in enumerate(result_labels(layout)) if subs and subs[at] == label)
    dropped = apps.results.pop(index)
    apps.results[0] = [a + b for a, b in zip(apps.results[0], dropped, strict=True)]


def value_cell(value: int | str, style: str, rng: random.Random, colspan: int = 1) -> Cell:
    """A number cell; zeros may be written blank (``&nbsp;``) as many portals do."""
    if value == 0 and (style == "nbsp" or (style == "mixed" and rng.random() < 0.5)):
        return Cell("", colspan=colspan, nbsp=True)
    return Cell(str(value), colspan=colspan)


def with_total(values: list[int]) -> list[int]:
    """Six applicant values plus their 总计."""
    return [*values, sum(values)]


def applications_table(apps: Applications, layout: str, style: str, rng: random.Random,
                       omit: str | None = None) -> Table:
    """表三 (收到和处理政府信息公开申请情况) with the template's rowspans and colspans; ``omit``: a row left out."""
    labels = result_labels(layout, omit)
    rows: list[tuple[Cell, ...]] = [
        (Cell(NOTE, rowspan=3, colspan=3), Cell("申请人情况", colspan=7)),
        (Cell("自然人", rowspan=2), Cell("法人或其他组织", colspan=5), Cell("总计", rowspan=2)),
        tuple(Cell(name) for name in APPLICANTS[1:]),
    ]

    def values(numbers: list[int]) -> tuple[Cell, ...]:
        return tuple(value_cell(v, style, rng) for v in with_total(numbers))

    rows.append((Cell("一、本年新收政府信息公开申请数量", colspan=3), *values(apps.new)))
    rows.append((Cell("二、上年结转政府信息公开申请数量", colspan=3), *values(apps.carried)))
    for position, (label, numbers) in enumerate(zip(labels, apps.results, strict=True)):
        head = (Cell("三、本年度办理结果", rowspan=len(labels) + 1),) if position == 0 else ()
        rows.append((*head, *result_label_cells(label), *values(numbers)))
    rows.append((Cell("（七）总计", colspan=2), *values(apps.totals())))
    rows.append((Cell("四、结转下年度继续办理", colspan=3), *values(apps.remaining)))
    return Table(tuple(rows))


def result_label_cells(label: tuple[str, tuple[str, ...], int]) -> tuple[Cell, ...]:
    """Label cells of one result row: the block label (first row only) and the sub-label."""
    block, subs, index = label
    if not subs:
        return (Cell(block, colspan=2),)
    sub = Cell(subs[index])
    return (Cell(block, rowspan=len(subs)), sub) if index == 0 else (sub,)


def review_table(rng: random.Random, style: str) -> Table:
    """表四 (行政复议、行政诉讼): three header rows, then 15 values; each 总计 sums its block."""
    values: list[int] = []
    for _ in range(3):
        block = [rng.choice((0, 0, 0, 1, 2)) for _ in range(4)]
        values.extend([*block, sum(block)])
    rows = (
        (Cell("行政复议", colspan=5), Cell("行政诉讼", colspan=10)),
        (*(Cell(h, rowspan=2) for h in REVIEW_HEADS), Cell("未经复议直接起诉", colspan=5),
         Cell("复议后起诉", colspan=5)),
        tuple(Cell(h) for h in REVIEW_HEADS * 2),
        tuple(value_cell(v, style, rng) for v in values),
    )
    return Table(rows)


def article20_table(rng: random.Random, layout: str, kind: str) -> Table:
    """The 第二十条 table of section 二 (主动公开), in the 2019 or 2021 template."""
    rules = 0 if kind != "government" else rng.randint(0, 3)
    documents = rng.randint(0, 12)
    counts = [rng.randint(0, 400) for _ in range(4)]
    if layout == "2019":
        rows = article20_rows_2019(rng, rules, documents, counts)
    else:
        rows = article20_rows_2021(rng, rules, documents, counts)
    return Table(tuple(rows))


def heading_rows(item: str, columns: tuple[str, ...]) -> list[tuple[Cell, ...]]:
    """Sub-heading row (colspan 4) and the column-name row of one 第二十条 block."""
    names = [Cell(name) for name in columns]
    names[-1] = Cell(columns[-1], colspan=4 - len(names))
    return [(Cell(f"第二十条第（{item}）项", colspan=4),), (Cell("信息内容"), *names)]


def line(label: str, *values: str) -> tuple[Cell, ...]:
    """One data row of the 第二十条 table; the last value stretches to the fourth column."""
    cells = [Cell(v) for v in values]
    cells[-1] = Cell(values[-1], colspan=4 - len(values))
    return (Cell(label), *cells)


def article20_rows_2021(rng: random.Random, rules: int, documents: int,
                        counts: list[int]) -> list[tuple[Cell, ...]]:
    """第二十条 rows in the 2021 template (no （九）项)."""
    decisions = "本年处理决定数量"
    return [
        *heading_rows("一", ("本年制发件数", "本年废止件数", "现行有效件数")),
        line("规章", str(rules), "0", str(rules + rng.randint(0, 5) if rules else 0)),
        line("行政规范性文件", str(documents), str(rng.randint(0, 3)), str(documents + rng.randint(5, 40))),
        *heading_rows("五", (decisions,)), line("行政许可", str(counts[0])),
        *heading_rows("六", (decisions,)), line("行政处罚", str(counts[1])), line("行政强制", str(counts[2])),
        *heading_rows("八", ("本年收费金额（单位：万元）",)),
        line("行政事业性收费", f"{rng.randint(0, 9999) / 100:.2f}"),
    ]


def article20_rows_2019(rng: random.Random, rules: int, documents: int,
                        counts: list[int]) -> list[tuple[Cell, ...]]:
    """第二十条 rows in the 2019 template (with 政府集中采购, （九）项)."""
    projects = ("上一年项目数量", "本年增/减", "处理决定数量")
    return [
        *heading_rows("一", ("本年新制作数量", "本年新公开数量", "对外公开总数量")),
        line("规章", str(rules), str(rules), str(rules + rng.randint(0, 5) if rules else 0)),
        line("规范性文件", str(documents), str(documents), str(documents + rng.randint(5, 40))),
        *heading_rows("五", projects),
        line("行政许可", str(rng.randint(10, 90)), signed(rng.randint(-3, 3)), str(counts[0])),
        line("其他对外管理服务事项", str(rng.randint(0, 20)), "0", str(counts[3])),
        *heading_rows("六", projects),
        line("行政处罚", str(rng.randint(5, 60)), signed(rng.randint(-2, 2)), str(counts[1])),
        line("行政强制", str(rng.randint(0, 10)), "0", str(counts[2])),
        *heading_rows("八", ("上一年项目数量", "本年增/减")),
        line("行政事业性收费", str(rng.randint(0, 12)), signed(rng.randint(-2, 0))),
        *heading_rows("九", ("采购项目数量", "采购总金额")),
        line("政府集中采购", str(rng.randint(0, 30)), f"{rng.randint(0, 900) * 1000}元"),
    ]


def signed(n: int) -> str:
    """An increase or decrease as written in 本年增/减: +3, -2, 0."""
    return f"{n:+d}" if n else "0"


def statistics_table(published: int, requests: int, answered: int, documents: int) -> Table:
    """The pre-2019 政府信息公开情况统计表 (序号 / 统计指标 / 单位 / 统计数), abridged."""
    rows = (
        ("序号", "统计指标", "单位", "统计数"),
        ("1", "一、主动公开情况", "", ""),
        ("2", "（一）主动公开政府信息数（不同渠道和方式公开相同信息计1条）", "条", str(published)),
        ("3", "其中：主动公开规范性文件数", "条", str(documents)),
        ("4", "二、依申请公开情况", "", ""),
        ("5", "（一）收到申请数", "件", str(requests)),
        ("6", "（二）申请办结数", "件", str(answered)),
        ("7", "三、因政府信息公开申请行政复议数", "件", "0"),
        ("8", "四、因政府信息公开申请行政诉讼数", "件", "0"),
    )
    return Table(tuple(tuple(Cell(text, nbsp=not text) for text in row) for row in rows))


def expand_grid(table: Table) -> list[list[str]]:
    """The table as a rectangular grid of cell texts, each span copied into every slot it covers."""
    grid: dict[tuple[int, int], str] = {}
    for r, row in enumerate(table.rows):
        c = 0
        for cell in row:
            while (r, c) in grid:
                c += 1
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    grid[(r + dr, c + dc)] = cell.text
            c += cell.colspan
    height = max(r for r, _ in grid) + 1
    width = max(c for _, c in grid) + 1
    return [[grid.get((r, c), "") for c in range(width)] for r in range(height)]
