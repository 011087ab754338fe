"""Attachments in the shapes word processors give them: printed PDFs with page numbers, running headers
and ruled 年报 tables (merged cells, a table cut by a page break), Word and Excel files of the 2021
template with merged cells; and the page-furniture rules on their own."""

from __future__ import annotations

import io
import random
import re
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from pypdf import PdfReader
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

import archive
from crawler.cli import main as nianbao
from extract import EXTRACTOR_VERSION, extract_document
from extract.pdf_furniture import Line, PageLines, mark_furniture
from extract.pdf_tables import MAX_RULINGS
from fixture_portal import tables
from fixture_portal.files import docx_file, pdf_font, xlsx_file
from fixture_portal.model import Para, Table
from fixture_portal.printed import PAGE_NUMBERS, printed_pdf
from nianbao.capture import Capture

TITLE = "青岚市交通运输局2021年政府信息公开工作年度报告"
HEADER = "青岚市交通运输局"
LONG = "本机关坚持以公开为常态、不公开为例外，围绕重点领域推进决策、执行、管理、服务、结果公开，持续提升公开质量。"
PARAGRAPHS = [f"（{n}）{LONG * 3}" for n in range(1, 25)]
# Text lines that are page numbers in any printed form.
PAGE_NUMBER_LINE = re.compile(r"^\s*(?:[-—]\s*\d+\s*[-—]|第\s*\d+\s*页.*|\d+\s*/\s*\d+|\d+)\s*$")


def template_tables(seed: int = 5, balanced: bool = True, layout: str = "2021") -> list[Table]:
    """The three template tables (第二十条, 表三, 表四) with their merged cells and own figures."""
    rng = random.Random(seed)
    apps = tables.make_applications(rng, layout, "government")
    if not balanced:
        tables.break_balance(apps)
    return [tables.article20_table(rng, layout, "government"), tables.applications_table(apps, layout, "plain", rng),
            tables.review_table(rng, "plain")]


def report_blocks(balanced: bool = True, layout: str = "2021") -> list[Para | Table]:
    """Prose, then the template tables, then more prose (so 表三 crosses a page break)."""
    article20, applications, review = template_tables(balanced=balanced, layout=layout)
    return [Para("一、总体情况"), *(Para(p) for p in PARAGRAPHS[:4]), Para("二、主动公开政府信息情况"), article20,
            Para("三、收到和处理政府信息公开申请情况"), applications, Para("四、政府信息公开行政复议、行政诉讼情况"),
            review, Para("五、存在的主要问题及改进情况"), *(Para(p) for p in PARAGRAPHS[4:])]


def lines_of(result: dict) -> list[str]:
    return result["text"].split("\n")


def squeezed(text: str) -> str:
    return "".join(text.split())


# --- printed PDFs -------------------------------------------------------------------------


@pytest.mark.parametrize("form", sorted(PAGE_NUMBERS))
def test_page_numbers_and_running_header_leave_the_text(form):
    body = printed_pdf(TITLE, [Para(p) for p in PARAGRAPHS], header=HEADER, page_number=form)
    result = extract_document(body, "http://x/a.pdf")
    lines = lines_of(result)
    assert not [line for line in lines if PAGE_NUMBER_LINE.match(line)]
    assert HEADER not in lines and not any(line.startswith(HEADER) and len(line) < 20 for line in lines)
    text = squeezed(result["text"])
    assert all(squeezed(p) in text for p in PARAGRAPHS)  # a paragraph cut by a page break reads whole
    assert result["flags"] == []


def test_the_printed_title_is_kept_and_chosen_over_a_stale_property():
    body = printed_pdf(TITLE, [Para(p) for p in PARAGRAPHS], header=TITLE, page_number="page_of",
                       info_title="附件2：公开样张")
    result = extract_document(body, "http://x/a.pdf")
    # the running header repeats the title on every page; the cover's own title line stays, once
    assert squeezed(result["text"]).count(TITLE) == 1 and squeezed(result["text"]).startswith(TITLE)
    assert result["title"] == TITLE and result["report_year"] == 2021


@pytest.mark.parametrize("layout", ["2019", "2021"])
def test_ruled_template_tables_are_typed_and_balanced_as_from_html(layout):
    result = extract_document(printed_pdf(TITLE, report_blocks(layout=layout), header=HEADER), "http://x/a.pdf")
    assert [t["grid"] for t in result["tables"]] == [tables.expand_grid(t) for t in template_tables(layout=layout)]
    assert [t["kind"] for t in result["tables"]] == ["article20", "table3", "table4"]
    checks = result["tables"][1]["checks"]
    assert checks["balance"] is checks["results_total"] is checks["row_totals"] is True
    assert result["tables"][2]["checks"]["block_totals"] is True
    assert result["flags"] == []


def test_a_table_cut_by_a_page_break_is_one_table_with_rows_read_whole():
    body = printed_pdf(TITLE, report_blocks(), header=HEADER)
    pages = [squeezed(page.extract_text()) for page in PdfReader(io.BytesIO(body)).pages]
    first = next(n for n, text in enumerate(pages) if "申请人情况" in text)
    last = next(n for n, text in enumerate(pages) if "四、结转下年度继续办理" in text)
    assert last > first  # 表三 goes on over page breaks
    result = extract_document(body, "http://x/a.pdf")
    lines = lines_of(result)
    rows = [line for line in lines if line.startswith("三、本年度办理结果 | ")]
    assert len(rows) == 22  # every result row names its block, on either side of the page break
    assert "（三）不予公开 | 1.属于国家秘密 | " in rows[2]
    assert lines.count("行政复议 | 行政诉讼") == 1  # a cell merged across columns is named once


def test_two_tables_of_one_width_on_either_side_of_a_page_break_stay_two():
    article20, applications, review = template_tables(seed=11)
    body = printed_pdf(TITLE, [*(Para(p) for p in PARAGRAPHS[:3]), article20, applications, review], header=HEADER)
    pages = [squeezed(page.extract_text()) for page in PdfReader(io.BytesIO(body)).pages]
    assert "行政事业性收费" in pages[0] and "申请人情况" not in pages[0] and "申请人情况" in pages[1]
    result = extract_document(body, "http://x/a.pdf")
    assert [t["kind"] for t in result["tables"]] == ["article20", "table3", "table4"]


def test_an_unbalanced_printed_table_is_flagged():
    result = extract_document(printed_pdf(TITLE, report_blocks(balanced=False)), "http://x/a.pdf")
    assert result["tables"][1]["checks"]["balance"] is False
    assert "table3_unbalanced" in result["flags"]


def test_a_page_that_draws_too_many_lines_keeps_its_text_without_tables():
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4, invariant=1)
    for n in range(MAX_RULINGS + 10):
        x = 72 + (n % 100) * 4.5
        y = 100 + (n // 100) * 4
        pdf.line(x, y, x + 3, y)
    pdf.setFont(pdf_font(), 12)
    pdf.drawString(72, 780, "一、总体情况")
    pdf.showPage()
    pdf.save()
    result = extract_document(out.getvalue(), "http://x/a.pdf")
    assert result["text"] == "一、总体情况" and result["tables"] == []


# --- Word and Excel -----------------------------------------------------------------------


def test_docx_of_the_template_reads_every_merged_cell_whole():
    result = extract_document(docx_file(TITLE, report_blocks()), "http://x/a.docx")
    assert [t["grid"] for t in result["tables"]] == [tables.expand_grid(t) for t in template_tables()]
    assert [t["kind"] for t in result["tables"]] == ["article20", "table3", "table4"]
    lines = lines_of(result)
    assert len([line for line in lines if line.startswith("三、本年度办理结果 | ")]) == 22
    header = [line for line in lines if line.startswith(tables.NOTE)]
    assert [h.split(" | ")[1:] for h in header] == [["申请人情况"], ["自然人", "法人或其他组织", "总计"],
                                                     ["自然人", *tables.APPLICANTS[1:], "总计"]]
    assert "结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 | 未经复议直接起诉 | 复议后起诉" in lines


def test_xlsx_merged_ranges_fill_the_grid_and_name_a_tall_label_in_each_row():
    result = extract_document(xlsx_file(TITLE, template_tables()[1:2]), "http://x/a.xlsx")
    assert result["tables"][0]["grid"] == tables.expand_grid(template_tables()[1])
    assert result["tables"][0]["kind"] == "table3" and result["tables"][0]["checks"]["balance"] is True
    rows = [line for line in lines_of(result) if line.startswith("三、本年度办理结果")]
    assert len(rows) == 22 and rows[-1].startswith("三、本年度办理结果 | （七）总计 | ")


def test_xlsx_range_merged_both_ways_is_named_once_per_row():
    book = openpyxl.Workbook()
    sheet = book.active
    sheet["A1"], sheet["C1"], sheet["C2"] = "合计", "3", "4"
    sheet.merge_cells("A1:B2")
    out = io.BytesIO()
    book.save(out)
    result = extract_document(out.getvalue(), "http://x/a.xlsx")
    assert result["tables"][0]["grid"] == [["合计", "合计", "3"], ["合计", "合计", "4"]]
    assert result["text"] == "合计 | 3\n合计 | 4"


# --- furniture rules ----------------------------------------------------------------------


def page(*lines: tuple[str, float], height: float = 842.0) -> PageLines:
    """A page of one-line texts at the given tops (12 points tall)."""
    return PageLines(height, [Line(text, top, top + 12, 72, 300) for text, top in lines])


def marked(pages: list[PageLines]) -> list[list[str]]:
    mark_furniture(pages)
    return [[line.text for line in p.lines if line.furniture] for p in pages]


BODY = ("本机关坚持以公开为常态", "不公开为例外", "推进决策公开", "推进执行公开", "推进管理公开", "推进服务公开")


def test_a_number_in_the_body_or_a_page_phrase_mid_page_is_kept():
    pages = [page((BODY[n], 100), ("12", 400), ("第 3 页", 420), (BODY[n + 3], 700)) for n in range(3)]
    assert marked(pages) == [[], [], []]


def test_a_bare_number_is_a_page_number_only_as_the_outermost_row():
    pages = [page((BODY[n], 100), (BODY[n + 3], 760), (str(n + 1), 800)) for n in range(3)]
    assert marked(pages) == [["1"], ["2"], ["3"]]
    # a number above the last row, standing higher on each page (a table's last figure), stays
    pages = [page((BODY[n], 100), (str(n + 1), 760 - 20 * n), (BODY[n + 3], 800)) for n in range(3)]
    assert marked(pages) == [[], [], []]


def test_running_lines_repeat_at_one_distance_and_digits_do_not_matter():
    header, footer = "青岚市交通运输局 2021 年报", "共5页 第{n}页"
    pages = [page((header, 40), (BODY[n], 120), (footer.format(n=n + 1), 810)) for n in range(5)]
    pages[0] = page((header, 90), (BODY[5], 120), (footer.format(n=1), 810))  # the cover's title, lower down
    found = marked(pages)
    assert found[0] == ["共5页 第1页"]
    assert found[1:] == [[header, footer.format(n=n)] for n in range(2, 6)]


def test_a_stock_sentence_opening_several_pages_is_body_text():
    # the first line of a page, as wide as the text block and run on into the next line, on 3 of 5 pages
    opening = "严格执行法定答复期限，全年平均答复时间为{n}个工作日，对需要延期答复的"
    def body_page(n: int, top: str) -> PageLines:
        lines = [Line(top, 72, 84, 72, 523), Line(BODY[n], 88, 100, 72, 400), Line(BODY[n + 1], 300, 312, 72, 523)]
        return PageLines(842.0, lines)
    pages = [body_page(n, opening.format(n=10 + n) if n % 2 == 0 else BODY[n + 2]) for n in range(5)]
    assert marked(pages) == [[]] * 5
    # the same line standing apart from the text below it is a running header
    pages = [PageLines(842.0, [Line(opening.format(n=n), 40, 52, 72, 523), Line(BODY[n], 120, 132, 72, 523)])
             for n in range(3)]
    assert marked(pages) == [[opening.format(n=n)] for n in range(3)]


def test_a_line_on_too_few_pages_is_no_running_header():
    pages = [page(("附件", 40), (BODY[0], 120))] + [page((BODY[n], 40), (BODY[n - 1], 120)) for n in range(1, 6)]
    assert marked(pages) == [[]] * 6


# --- re-extraction ------------------------------------------------------------------------


def test_reextract_rebuilds_attachment_versions_of_an_older_extractor(tmp_path: Path):
    url = "http://qinglan.example/xxgk/2021/report.pdf"
    body = printed_pdf(TITLE, report_blocks(), header=HEADER, page_number="page_of")
    older = {**extract_document(body, url, {}), "extractor_version": "3", "tables": []}
    older["text"] = "\n".join([HEADER, *lines_of(older), "第 1 页 共 3 页"])
    file = tmp_path / "v3.db"
    with archive.open_archive(file) as db:
        db.record_capture(Capture(url=url, site="qinglan", status=200, body=body, extraction=older,
                                  fetched_at="2024-02-01T00:00:00Z"))
    result = CliRunner().invoke(nianbao, ["reextract", "--db", str(file)])
    assert result.exit_code == 0, result.output
    with archive.open_archive(file, readonly=True) as db:
        version = db.get_version(url)
        assert version["extractor_version"] == EXTRACTOR_VERSION != "3"
        assert "第 1 页 共 3 页" not in version["text"] and not version["text"].startswith(HEADER + "\n")
        assert db.check() == []
