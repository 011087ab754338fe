"""Reports published as attachments: real PDF, DOCX and XLSX files whose text and tables match the
truth, an image-only PDF, a truncated PDF, and the download headers."""

from __future__ import annotations

import io
from collections.abc import Iterator
from email.utils import parsedate_to_datetime
from urllib.parse import quote, unquote, urljoin

import docx
import httpx
import lxml.html
import openpyxl
import pytest
from pdfminer.high_level import extract_text
from pypdf import PdfReader
from pypdf.errors import PdfReadError

from fixture_portal import FixturePortal

MIME = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@pytest.fixture(scope="module")
def portal() -> Iterator[FixturePortal]:
    with FixturePortal(seed=7, families=("attachments", "gkmlpt", "hanweb_get")) as running:
        yield running


@pytest.fixture(scope="module")
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=20, trust_env=False, follow_redirects=True) as c:
        yield c


def attachment_reports(portal: FixturePortal, site: str = "beihu") -> list[dict]:
    return [t for t in portal.truth() if t["site"] == site]


def flat(text: str) -> str:
    """Text without whitespace: PDF lines wrap paragraphs anywhere."""
    return "".join(text.split())


def docx_content(data: bytes) -> tuple[list[str], list[list[list[str]]]]:
    document = docx.Document(io.BytesIO(data))
    paragraphs = [p.text for p in document.paragraphs if p.text]
    tables = [[[cell.text for cell in row.cells] for row in table.rows] for table in document.tables]
    return paragraphs, tables


def xlsx_grids(data: bytes) -> list[list[list[str]]]:
    """Each sheet as a grid, merged ranges copied into every cell they cover."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    grids = []
    for sheet in book.worksheets:
        values = [
            [sheet.cell(r, c).value for c in range(1, sheet.max_column + 1)]
            for r in range(1, sheet.max_row + 1)
        ]
        for merged in sheet.merged_cells.ranges:
            top = sheet.cell(merged.min_row, merged.min_col).value
            for r in range(merged.min_row, merged.max_row + 1):
                for c in range(merged.min_col, merged.max_col + 1):
                    values[r - 1][c - 1] = top
        grids.append([["" if v is None else str(v) for v in row] for row in values])
    return grids


def test_attachment_only_reports_have_a_short_page_and_their_text_in_files(
    portal: FixturePortal, client: httpx.Client
) -> None:
    reports = attachment_reports(portal)
    assert len(reports) >= 10 and all(t["attachments"] for t in reports)
    kinds = {tuple(a["ext"] for a in t["attachments"]) for t in reports}
    assert {("pdf", "xlsx"), ("docx",), ("pdf",), ("pdf", "docx", "xlsx")} <= kinds
    for entry in reports:
        assert entry["tables"] == [] and len(entry["paragraphs"]) == 1 and "附件" in entry["paragraphs"][0]
        page = lxml.html.fromstring(client.get(entry["url"]).content.decode("utf-8"))
        linked = [truth for truth, attachment in zip(entry["attachments"], portal.document(entry["url"]).attachments,
                                                     strict=True) if attachment.shown == "link"]
        hrefs = [urljoin(entry["url"], h) for h in page.xpath("//div[@class='attachment']//a/@href")]
        assert hrefs == [a["url"] for a in linked]
        assert all(h.startswith("./P0") for h in page.xpath("//div[@class='attachment']//a/@href"))
        assert [a.text_content() for a in page.xpath("//div[@class='attachment']//a")] == [a["name"] for a in linked]
        # the others are shown in the page: pdf.js in a frame (the file in its query), or an <embed>
        shown = [urljoin(entry["url"], unquote(src.split("?file=", 1)[1])) for src in page.xpath("//iframe/@src")]
        shown += [urljoin(entry["url"], src) for src in page.xpath("//embed/@src")]
        assert sorted(hrefs + shown) == sorted(a["url"] for a in entry["attachments"])


def test_text_attachments_hold_exactly_the_truth(portal: FixturePortal, client: httpx.Client) -> None:
    checked = set()
    for entry in attachment_reports(portal):
        for attachment in entry["attachments"]:
            if attachment["needs_ocr"] or attachment["malformed"]:
                continue
            response = client.get(attachment["url"])
            assert response.status_code == 200
            assert response.headers["content-type"] == MIME[attachment["ext"]] == attachment["content_type"]
            check_file(attachment, response.content)
            checked.add(attachment["ext"])
    assert checked == {"pdf", "docx", "xlsx"}


def check_file(attachment: dict, data: bytes) -> None:
    """A file's text and tables against its truth."""
    if attachment["ext"] == "pdf":
        text = flat(extract_text(io.BytesIO(data)))
        assert all(flat(p) in text for p in attachment["paragraphs"])
        reader_text = flat("".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages))
        assert flat(attachment["paragraphs"][0]) in reader_text and attachment["tables"] is None
    elif attachment["ext"] == "docx":
        paragraphs, tables = docx_content(data)
        assert paragraphs == attachment["paragraphs"] and tables == attachment["tables"]
        assert len(paragraphs) > 10
    else:
        assert xlsx_grids(data) == attachment["tables"] and attachment["paragraphs"] is None


def test_xlsx_keeps_numbers_as_numbers_and_spans_as_merged_cells(
    portal: FixturePortal, client: httpx.Client
) -> None:
    attachment = next(a for t in attachment_reports(portal) for a in t["attachments"] if a["ext"] == "xlsx")
    book = openpyxl.load_workbook(io.BytesIO(client.get(attachment["url"]).content))
    applications = next(s for s in book.worksheets if s.cell(1, 4).value == "申请人情况")
    assert "A1:C3" in {str(r) for r in applications.merged_cells.ranges}
    assert isinstance(applications.cell(4, 4).value, int)


def test_scanned_pdf_has_no_text_layer(portal: FixturePortal, client: httpx.Client) -> None:
    (scan,) = [a for t in attachment_reports(portal) for a in t["attachments"] if a["needs_ocr"]]
    assert scan["paragraphs"] is None and scan["tables"] is None
    data = client.get(scan["url"]).content
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) >= 1 and all(not page.extract_text().strip() for page in reader.pages)
    assert not extract_text(io.BytesIO(data)).strip()
    assert any(
        "/Image" in str(page["/Resources"]["/XObject"][name]["/Subtype"])
        for page in reader.pages
        for name in page["/Resources"]["/XObject"]
    )


def test_truncated_pdf_is_malformed_and_expected_as_an_error(
    portal: FixturePortal, client: httpx.Client
) -> None:
    (broken,) = [a for t in attachment_reports(portal) for a in t["attachments"] if a["malformed"]]
    data = client.get(broken["url"]).content
    assert data.startswith(b"%PDF") and b"%%EOF" not in data
    with pytest.raises(PdfReadError):
        PdfReader(io.BytesIO(data)).pages[0].extract_text()
    assert {"url": broken["url"], "kind": "bad_attachment"} in portal.expected_errors()


def test_some_downloads_name_the_file_in_content_disposition(
    portal: FixturePortal, client: httpx.Client
) -> None:
    dispositions = []
    for entry in attachment_reports(portal):
        for attachment in entry["attachments"]:
            header = client.head(attachment["url"]).headers.get("content-disposition")
            dispositions.append(header)
            if header:
                assert header == f"attachment; filename*=UTF-8''{quote(attachment['name'])}"
    assert any(dispositions) and not all(dispositions)


def test_gkmlpt_docx_attachment_matches_its_html_report(portal: FixturePortal, client: httpx.Client) -> None:
    entry = next(t for t in attachment_reports(portal, "nanling") if t["attachments"])
    (attachment,) = entry["attachments"]
    assert attachment["ext"] == "docx" and "/attachment/" in attachment["url"]
    paragraphs, tables = docx_content(client.get(attachment["url"]).content)
    assert paragraphs == [entry["title"], *entry["paragraphs"]] == attachment["paragraphs"]
    assert tables == entry["tables"] == attachment["tables"]


def test_files_are_byte_for_byte_deterministic(portal: FixturePortal, client: httpx.Client) -> None:
    with FixturePortal(seed=7, families=("attachments",)) as again:
        first = [a for t in attachment_reports(portal) for a in t["attachments"]][:4]
        second = [a for t in attachment_reports(again) for a in t["attachments"]][:4]
        for one, two in zip(first, second, strict=True):
            assert client.get(one["url"]).content == client.get(two["url"]).content


def test_downloads_carry_static_file_validators_and_answer_304(portal: FixturePortal, client: httpx.Client) -> None:
    attachment = next(a for t in attachment_reports(portal) for a in t["attachments"])
    full = client.get(attachment["url"])
    etag, modified = full.headers["etag"], full.headers["last-modified"]
    assert etag == f'"{int(parsedate_to_datetime(modified).timestamp()):x}-{len(full.content):x}"'  # nginx's shape
    by_tag = client.get(attachment["url"], headers={"If-None-Match": etag})
    assert by_tag.status_code == 304 and by_tag.content == b""
    assert client.get(attachment["url"], headers={"If-Modified-Since": modified}).status_code == 304
    stale = client.get(attachment["url"], headers={"If-None-Match": '"0-0"'})
    assert stale.status_code == 200 and stale.content == full.content
