"""Attachments → text and tables: the fixture portal's real PDF/DOCX/XLSX files against its truth,
legacy DOC/XLS files, zip bombs, and tools that are not installed."""

from __future__ import annotations

import io
import json
import shutil
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import docx
import httpx
import openpyxl
import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from extract import KEYS, extract_document
from extract.reading import MAX_TITLE_CHARS
from fixture_portal import FixturePortal
from fixture_portal.files import pdf_font

DATA = Path(__file__).parent / "data" / "extract"
FAMILIES = ("attachments", "hanweb_get", "gkmlpt")


def squeezed(text: str | None) -> str:
    """Text without any whitespace: PDF line wrapping may put a space where none was."""
    return "".join((text or "").split())


@pytest.fixture(scope="module")
def served() -> list[tuple[dict, dict, dict]]:
    """(report truth, attachment truth, extraction) for every attachment the portal serves."""
    with FixturePortal(seed=7, families=FAMILIES) as portal, httpx.Client(follow_redirects=True) as client:
        pairs = [(report, att) for report in portal.truth() for att in report["attachments"]]
        # every file of the attachment-only site, and the first file of each other family
        firsts = {report["family"]: att["url"] for report, att in reversed(pairs)}
        pairs = [(r, a) for r, a in pairs if r["family"] == "attachments" or a["url"] in firsts.values()]
        bodies = [client.get(att["url"]).content for _, att in pairs]
    with ThreadPoolExecutor(4) as pool:  # each extraction waits on its own child process
        # as a crawl extracts them: scanned pages are left for OCR (tests/test_extract_ocr.py reads them)
        results = list(pool.map(lambda item: extract_document(item[1], item[0][1]["url"], None, ocr=False),
                                zip(pairs, bodies, strict=False)))
    return [(report, att, result) for (report, att), result in zip(pairs, results, strict=False)]


def test_every_served_kind_is_covered(served):
    kinds = {(att["ext"], att["needs_ocr"], att["malformed"]) for _, att, _ in served}
    assert {("pdf", False, False), ("docx", False, False), ("xlsx", False, False), ("pdf", True, False),
            ("pdf", False, True)} <= kinds


def test_readable_attachments_give_every_paragraph_title_and_year(served):
    readable = [(r, a, x) for r, a, x in served if a["paragraphs"] is not None]
    assert readable
    for report, att, result in readable:
        text = squeezed(result["text"])
        missing = [p for p in att["paragraphs"] if squeezed(p) not in text]
        assert not missing, (att["url"], missing[:3])
        assert result["title"] == report["title"]
        assert result["report_year"] == report["report_year"]
        assert result["flags"] == [] and set(result) == set(KEYS)


def test_office_tables_match_the_truth_grids_and_are_recognised(served):
    tabled = [(a, x) for _, a, x in served if a["tables"]]
    assert {a["ext"] for a, _ in tabled} == {"docx", "xlsx"}
    for att, result in tabled:
        assert [t["grid"] for t in result["tables"]] == att["tables"], att["url"]
    kinds = [t["kind"] for _, x in tabled for t in x["tables"]]
    assert {"article20", "table3", "table4"} <= set(kinds)


def test_docx_paragraphs_are_lines_of_their_own(served):
    for _, att, result in served:
        if att["ext"] == "docx" and att["paragraphs"]:
            assert set(att["paragraphs"]) <= set(result["text"].split("\n"))


def test_stage_names_the_reader(served):
    stages = {a["ext"]: x["stage"] for _, a, x in served if a["paragraphs"] or a["tables"]}
    assert stages == {"pdf": "pdf:pdfminer", "docx": "docx", "xlsx": "xlsx"}


def test_scanned_pdf_needs_ocr(served):
    scans = [x for _, a, x in served if a["needs_ocr"]]
    assert scans
    for result in scans:
        assert result["flags"] == ["needs_ocr"] and result["text"] is None and result["stage"] is None


def test_truncated_pdf_is_malformed_not_an_error(served):
    broken = [x for _, a, x in served if a["malformed"]]
    assert broken
    for result in broken:
        assert "attachment_malformed" in result["flags"] and result["text"] is None
        assert set(result) == set(KEYS)


# --- generated files ----------------------------------------------------------------------


def pdf_bytes(title: str, paragraphs: list[str], info_title: str = "untitled") -> bytes:
    """A CID-font PDF, one wrapped paragraph after another, over as many pages as it takes."""
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4, invariant=1)
    pdf.setTitle(info_title)
    y = A4[1] - 72
    for paragraph in [title, *paragraphs]:
        for start in range(0, len(paragraph), 30):
            if y < 72:
                pdf.showPage()
                y = A4[1] - 72
            pdf.setFont(pdf_font(), 11)
            pdf.drawString(72, y, paragraph[start:start + 30])
            y -= 16
        y -= 12
    pdf.save()
    return out.getvalue()


def test_pdf_wrapped_lines_become_one_paragraph_across_pages():
    long = "本机关坚持以公开为常态、不公开为例外，推进决策、执行、管理、服务、结果公开。" * 3
    paragraphs = [f"第{n}段：{long}" for n in range(1, 40)]
    result = extract_document(pdf_bytes("青岚市2019年度政府信息公开工作报告", paragraphs), "http://x/a.pdf")
    lines = result["text"].split("\n")
    assert lines[0] == "青岚市2019年度政府信息公开工作报告"
    assert lines[1:] == paragraphs
    # the info title "untitled" is no title; the first line is
    assert result["title"] == lines[0] and result["report_year"] == 2019


def test_pdf_info_title_in_chinese_is_preferred():
    body = pdf_bytes("一、总体情况", ["正文。"], info_title="石桥县2022年政府信息公开工作年度报告")
    result = extract_document(body, "http://x/a.pdf")
    assert result["title"] == "石桥县2022年政府信息公开工作年度报告" and result["report_year"] == 2022


def test_docx_merged_cells_expand_like_html_spans():
    document = docx.Document()
    document.add_paragraph("附表")
    table = document.add_table(rows=3, cols=3)
    cells = [row.cells for row in table.rows]
    for r, c, text in ((0, 0, "申请人情况"), (1, 0, "自然人"), (1, 1, "法人"), (2, 0, "3"), (2, 1, "4"), (2, 2, "7")):
        cells[r][c].text = text
    cells[0][0].merge(cells[0][2])
    cells[1][2].text = "总计"
    out = io.BytesIO()
    document.save(out)
    result = extract_document(out.getvalue(), "http://x/a.docx")
    assert result["tables"][0]["grid"] == [["申请人情况"] * 3, ["自然人", "法人", "总计"], ["3", "4", "7"]]
    assert result["text"].split("\n") == ["附表", "申请人情况", "自然人 | 法人 | 总计", "3 | 4 | 7"]
    assert result["title"] == "附表"


def test_xlsx_sheet_with_merges_numbers_and_blank_rows():
    book = openpyxl.Workbook()
    sheet = book.active
    sheet["A1"], sheet["A3"], sheet["B3"], sheet["A4"], sheet["B4"] = "统计表", "项目", "数量", "规章", 3.0
    sheet.merge_cells("A1:B1")
    out = io.BytesIO()
    book.save(out)
    result = extract_document(out.getvalue(), "http://x/a.xlsx")
    assert result["tables"][0]["grid"] == [["统计表", "统计表"], ["项目", "数量"], ["规章", "3"]]
    assert result["text"] == "统计表\n项目 | 数量\n规章 | 3"
    # a sheet has no paragraphs, so without a title property there is no title
    assert result["title"] is None
    book.properties.title = "青岚市2020年政府信息公开统计表"
    out = io.BytesIO()
    book.save(out)
    titled = extract_document(out.getvalue(), "http://x/a.xlsx")
    assert (titled["title"], titled["report_year"]) == ("青岚市2020年政府信息公开统计表", 2020)


def test_a_long_first_paragraph_is_no_title():
    document = docx.Document()
    document.add_paragraph("正" * (MAX_TITLE_CHARS + 1))
    out = io.BytesIO()
    document.save(out)
    assert extract_document(out.getvalue(), "http://x/a.docx")["title"] is None


# --- legacy formats -----------------------------------------------------------------------

LEGACY = json.loads((DATA / "legacy_truth.json").read_text(encoding="utf-8"))
needs_antiword = pytest.mark.requires_program("antiword")
needs_catdoc = pytest.mark.requires_program("catdoc")


@needs_antiword
def test_doc_with_antiword_keeps_paragraphs():
    result = extract_document((DATA / "report.doc").read_bytes(), "http://x/a.doc")
    assert result["stage"] == "doc:antiword" and result["flags"] == []
    lines = set(result["text"].split("\n"))
    found = [p for p in LEGACY["paragraphs"] if p in lines]
    assert len(found) >= 0.9 * len(LEGACY["paragraphs"])
    assert (result["title"], result["report_year"]) == (LEGACY["title"], LEGACY["report_year"])


@needs_catdoc
def test_doc_falls_back_to_catdoc_and_records_the_missing_tool(tmp_path, monkeypatch):
    (tmp_path / "catdoc").symlink_to(shutil.which("catdoc"))
    monkeypatch.setenv("PATH", str(tmp_path))
    result = extract_document((DATA / "report.doc").read_bytes(), "http://x/a.doc")
    assert result["stage"] == "doc:catdoc" and result["flags"] == ["tool_missing:antiword"]
    assert LEGACY["title"] in result["text"].split("\n")


def test_doc_without_any_tool_is_flagged(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    result = extract_document((DATA / "report.doc").read_bytes(), "http://x/a.doc")
    assert result["flags"] == ["tool_missing:antiword", "tool_missing:catdoc"]
    assert result["text"] is None and result["stage"] is None


def test_xls_grids_match_the_truth():
    result = extract_document((DATA / "report.xls").read_bytes(), "http://x/a.xls")
    assert result["content_type"] == "xls" and result["stage"] == "xls" and result["flags"] == []
    assert [t["grid"] for t in result["tables"]] == LEGACY["tables"]
    assert [t["kind"] for t in result["tables"]] == ["article20", "table3", "table4"]


# --- zip bombs ----------------------------------------------------------------------------


def docx_zip(members: dict[str, bytes]) -> bytes:
    """A zip that sniffs as DOCX, with the given members."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize("members", [
    {"word/document.xml": b"\0" * (101 * 1024 * 1024)},  # over 100 MB declared
    {"word/document.xml": b"<w/>", **{f"word/media/{n}.png": b"" for n in range(10_001)}},  # too many entries
    {"word/document.xml": b" " * (3 * 1024 * 1024)},  # 3 MB in a few KB: ratio over 100:1
], ids=["size", "entries", "ratio"])
def test_zip_bombs_are_refused_before_opening(members):
    result = extract_document(docx_zip(members), "http://x/a.docx")
    assert result["content_type"] == "docx"
    assert result["flags"] == ["attachment_too_large"] and result["text"] is None


def test_an_ordinary_compressible_docx_is_not_a_bomb():
    document = docx.Document()
    for _ in range(300):
        document.add_paragraph("本年度政府信息公开工作情况良好。" * 20)
    out = io.BytesIO()
    document.save(out)
    result = extract_document(out.getvalue(), "http://x/a.docx")
    assert result["flags"] == [] and result["text"].count("\n") == 299
