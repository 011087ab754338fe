"""extract_document end to end: the contract, stages, attachments, hostile and non-HTML input."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

import extract as extract_package
from extract import EXTRACTOR_VERSION, KEYS, extract_document
from extract.parse import MAX_BODY_BYTES
from nianbao.errors import NianbaoError
from nianbao.pages import is_soft_404

DATA = Path(__file__).parent / "data" / "extract"
SAMPLES = sorted(p.name for p in DATA.glob("*.html"))
URL = "http://www.qinglan.gov.cn/zwgk/zfxxgknb/202301/t20230120_12345.html"
CONTRACT_KEYS = {
    "title",
    "text",
    "index_no",
    "topic",
    "issuer",
    "written_date",
    "publish_date",
    "doc_no",
    "validity",
    "keywords",
    "site_name",
    "site_id_code",
    "report_year",
    "report_year_rule",
    "region",
    "encoding",
    "encoding_rule",
    "content_type",
    "tables",
    "attachments",
    "flags",
    "stage",
    "metadata_rules",
    "ocr",
    "is_soft_404",
    "extractor_version",
}


def extract(name: str, headers: dict[str, str] | None = None, url: str = URL) -> dict:
    return extract_document((DATA / name).read_bytes(), url, headers)


def all_values(value):
    if isinstance(value, dict):
        for item in value.values():
            yield from all_values(item)
    elif isinstance(value, list):
        for item in value:
            yield from all_values(item)
    else:
        yield value


def test_public_api():
    assert extract_package.__all__ == sorted(extract_package.__all__)
    assert isinstance(EXTRACTOR_VERSION, str) and EXTRACTOR_VERSION
    assert set(KEYS) == CONTRACT_KEYS


@pytest.mark.parametrize("name", SAMPLES)
def test_every_key_present_and_json_ready(name):
    result = extract(name)
    assert set(result) == CONTRACT_KEYS
    assert json.loads(json.dumps(result, ensure_ascii=False)) == result
    assert result["extractor_version"] == EXTRACTOR_VERSION
    assert isinstance(result["flags"], list) and isinstance(result["tables"], list)
    scalars = [v for k, v in result.items() if k not in ("tables",)]
    assert "" not in list(all_values(scalars)) and "号" not in scalars


@pytest.mark.parametrize("name", SAMPLES)
def test_extraction_is_a_pure_function_of_its_input(name):
    assert extract(name) == extract(name)


@pytest.mark.parametrize(
    ("name", "stage"),
    [
        ("trs_gbk.html", "container:#zoom .TRS_Editor"),
        ("hanweb_utf8.html", "container:hanweb-markers"),
        ("govcn_ucap.html", "container:#UCAP-CONTENT"),
        ("report_pre2019.html", "container:.Custom_UnionStyle"),
        ("lying_charset.html", "container:.main-txt"),
        ("inline_meta.html", "density"),  # no known container: the generic stage
    ],
)
def test_stage(name, stage):
    assert extract(name)["stage"] == stage


def test_trs_gbk_page_end_to_end():
    result = extract("trs_gbk.html", {"Content-Type": "text/html"})
    assert (result["encoding"], result["encoding_rule"], result["content_type"]) == (
        "gb18030",
        "meta",
        "html",
    )
    assert result["flags"] == []
    lines = result["text"].splitlines()
    assert lines[0].startswith("本报告根据《中华人民共和国政府信息公开条例》")
    assert "一、总体情况" in lines and "王喆" in result["text"] and "李堃" in result["text"]
    assert (result["report_year"], result["report_year_rule"]) == (2022, "title")
    assert result["attachments"] == [
        {
            "url": "http://www.qinglan.gov.cn/zwgk/zfxxgknb/202301/P020230120512345678901.pdf",
            "name": "青岚市2022年政府信息公开工作年度报告.pdf",
            "ext": "pdf",
        }
    ]


def test_hanweb_download_script_attachment():
    result = extract("hanweb_utf8.html", url="http://www.qingshan.gov.cn/art/2023/1/28/art_1234_567890.html")
    assert result["attachments"] == [
        {
            "url": "http://www.qingshan.gov.cn/module/download/downfile.jsp?classid=0&filename=2301281630123456.pdf",
            "name": "青山区2022年政府信息公开工作年度报告.pdf",
            "ext": "pdf",
        }
    ]


def test_attachment_links_and_base_href():
    html = (
        "<html><head><base href='http://files.qinglan.gov.cn/doc/'></head><body><div id='zoom'>"
        "<p>附件：<a href='nb2022.DOCX'>年报全文</a> <a href='t.xlsx' title='统计表'></a>"
        "<a href='/page.html'>网页</a> <a href='javascript:void(0)'>x.pdf</a> <a href='b.ofd'>版式</a>"
        "<a href='nb2022.DOCX'>重复</a></p></div></body></html>"
    )
    assert extract_document(html.encode(), "http://www.qinglan.gov.cn/a/b.html")["attachments"] == [
        {"url": "http://files.qinglan.gov.cn/doc/nb2022.DOCX", "name": "年报全文", "ext": "docx"},
        {"url": "http://files.qinglan.gov.cn/doc/t.xlsx", "name": "统计表", "ext": "xlsx"},
        {"url": "http://files.qinglan.gov.cn/doc/b.ofd", "name": "版式", "ext": "ofd"},
    ]


def test_attachment_block_outside_the_body():
    html = (
        "<html><body><div id='zoom'><p>" + "报告正文内容。" * 10 + "</p></div>"
        "<div class='fujian'><a href='./P020230120.pdf'>下载全文</a></div>"
        "<div class='side'><a href='/other.pdf'>别的报告</a></div></body></html>"
    )
    result = extract_document(html.encode(), "http://x.gov.cn/nb/202301/t1.html")
    assert [a["url"] for a in result["attachments"]] == ["http://x.gov.cn/nb/202301/P020230120.pdf"]


def test_soft_404():
    result = extract("soft_404.html")
    assert result["is_soft_404"] is True and "soft_404" in result["flags"]
    others = [extract(name) for name in SAMPLES if name != "soft_404.html"]
    assert not any(r["is_soft_404"] for r in others)


@pytest.mark.parametrize(
    ("text", "title", "expected"),
    [
        ("抱歉，您访问的页面不存在！", None, True),
        ("404", None, True),
        ("正文" * 400, "404 Not Found", True),
        ("找不到您要的信息？请使用站内搜索。" + "栏目导航" * 200, "青岚市人民政府", False),
        ("找不到您要的信息？", "青岚市人民政府", True),
        ("联系电话：0531-4041234 邮编：250404", None, False),
        ("页面不存在" + "正文" * 1000, None, False),  # long pages are never error pages
    ],
)
def test_soft_404_rules(text, title, expected):
    assert is_soft_404(text, title) is expected


def test_lying_header_is_recorded():
    result = extract("lying_charset.html", {"Content-Type": "text/html; charset=utf-8"})
    assert result["encoding_rule"] == "http-header-wrong:detected"
    assert "encoding_mismatch" in result["flags"]
    assert "李堃" in result["text"] and "\ufffd" not in result["text"]


def pdf() -> bytes:
    return b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"


def ooxml(member: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(member, "<x/>")
    return buffer.getvalue()


OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512


@pytest.mark.parametrize(
    ("body", "kind", "flag"),
    [
        (pdf(), "pdf", "attachment_malformed"),
        (ooxml("word/document.xml"), "docx", "attachment_malformed"),
        (ooxml("xl/workbook.xml"), "xlsx", "attachment_malformed"),
        (ooxml("OFD.xml"), "ofd", "attachment_not_extracted"),
        (ooxml("other.txt"), "zip", "attachment_not_extracted"),
        (b"PK\x03\x04broken", "zip", "attachment_not_extracted"),
        (OLE + "PowerPoint".encode("utf-16-le"), "ppt", "attachment_not_extracted"),
        (b"{\\rtf1\\ansi hello}", "rtf", "attachment_not_extracted"),
        (b"\x1f\x8b\x08\x00" + b"\0" * 20, "gzip", "attachment_not_extracted"),
        (b"\x00\x01\x02" * 400, "binary", "attachment_not_extracted"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "image", "attachment_malformed"),
    ],
)
def test_non_html_that_cannot_be_read_is_flagged(body, kind, flag):
    result = extract_document(body, "http://x.gov.cn/a", {"Content-Type": "text/html"})
    assert result["content_type"] == kind
    assert result["flags"] == [flag]
    assert result["text"] is None and result["stage"] is None and result["encoding"] is None
    assert set(result) == CONTRACT_KEYS


def test_body_over_the_cap_is_flagged_not_parsed():
    body = b"<html><body><p>x</p>" + b" " * MAX_BODY_BYTES + b"</body></html>"
    result = extract_document(body, "http://x.gov.cn/")
    assert result["flags"] == ["too_large"] and result["text"] is None


def test_body_just_under_the_cap_is_extracted():
    paragraph = ("<p>" + "政府信息公开工作年度报告正文内容。" * 20 + "</p>\n").encode()
    head, tail = b"<html><body><div id='zoom'>", b"<p>END-MARKER</p></div></body></html>"
    count = (MAX_BODY_BYTES - len(head) - len(tail)) // len(paragraph)
    body = head + paragraph * count + tail
    assert MAX_BODY_BYTES - len(paragraph) < len(body) <= MAX_BODY_BYTES
    result = extract_document(body, "http://x.gov.cn/")
    assert result["stage"] == "container:#zoom" and result["flags"] == []
    assert result["text"].endswith("END-MARKER")


def nested(depth: int) -> bytes:
    return (
        "<html><body>"
        + "<div>" * depth
        + "<p>DEPTH-MARKER 深层正文。</p>"
        + "</div>" * depth
        + "<p>AFTER-MARKER</p></body></html>"
    ).encode()


def test_content_300_levels_deep_survives():
    result = extract_document(nested(300), "http://x.gov.cn/")
    assert "DEPTH-MARKER" in result["text"] and "AFTER-MARKER" in result["text"]
    assert "truncated" not in result["flags"]


def test_content_beyond_the_parser_depth_limit_is_flagged_truncated():
    result = extract_document(nested(5000), "http://x.gov.cn/")
    assert "truncated" in result["flags"]
    assert "DEPTH-MARKER" not in (result["text"] or "")


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"   ",
        b"<html/>",
        b"<p>unclosed <b>tags <table><tr><td>cell",
        b"<p>\x00\x01NUL</p>",
        "<p>\ud800</p>".encode("utf-8", "surrogatepass"),
        b"<?xml version='1.0' encoding='gbk'?><p>x</p>",
        b"<html><body><table><tr><td rowspan='x' colspan='-1'>a</td></tr></table></body></html>",
        bytes(range(256)) * 40,
    ],
)
def test_malformed_input_becomes_a_result(body):
    try:
        result = extract_document(body, "http://x.gov.cn/")
    except NianbaoError as exc:  # allowed by the contract, but none of these should need it
        pytest.fail(f"raised {exc!r}")
    assert set(result) == CONTRACT_KEYS


def test_empty_page_says_no_body():
    assert extract_document(b"<html><body></body></html>", "http://x.gov.cn/")["flags"] == ["no_body"]


def test_control_characters_are_removed_not_turned_into_damage():
    result = extract_document("<p>正文\x00内容\x01。</p>".encode(), "http://x.gov.cn/")
    assert result["text"] == "正文内容。"
    assert result["flags"] == ["control_chars_removed"]


@pytest.mark.parametrize(
    "damage",
    [
        "我區(qū)緊密圍繞國家、省、市關(guān)于政務(wù)公開工作的要求",
        "?。?)积极推进信用信息“双公示”。",
        "服务\ufffd\ufffd质量",
    ],
)
def test_damage_done_upstream_is_flagged(damage):
    html = f"<html><body><div id='zoom'><p>{damage}</p><p>{'其余正文。' * 10}</p></div></body></html>"
    result = extract_document(html.encode("utf-8"), "http://x.gov.cn/")
    assert "source_damaged" in result["flags"]


@pytest.mark.parametrize("name", SAMPLES)
def test_clean_samples_are_not_flagged_damaged(name):
    assert "source_damaged" not in extract(name)["flags"]


def test_twenty_thousand_cell_table_is_handled():
    rows = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in range(20)) + "</tr>" for _ in range(1000))
    html = f"<html><body><div id='zoom'><table>{rows}</table></div></body></html>"
    result = extract_document(html.encode(), "http://x.gov.cn/")
    [table] = result["tables"]
    assert len(table["grid"]) == 1000 and len(table["grid"][0]) == 20
    assert result["text"].splitlines()[0] == " | ".join(map(str, range(20)))
