"""Decoding rules: BOM > HTTP header > <meta> > detection, strict, with the decision recorded."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from extract import extract_document
from nianbao.pages import decode_html, normalize_codec, rule_flags

DATA = Path(__file__).parent / "data" / "extract"
# 喆 and 堃 are in GBK but not in GB2312: a gb2312 decoder would lose them.
GBK_ONLY = ("王喆", "李堃")
PAGE = "<html><head>{meta}</head><body><p>青岚市人民政府 王喆 李堃 政府信息公开工作年度报告</p></body></html>"


def page(meta: str = "", encoding: str = "utf-8") -> bytes:
    return PAGE.format(meta=meta).encode(encoding)


def test_gbk_file_labelled_gb2312_decodes_as_gb18030_without_loss():
    body = (DATA / "trs_gbk.html").read_bytes()
    text, encoding, rule = decode_html(body, {"Content-Type": "text/html"})
    assert (encoding, rule) == ("gb18030", "meta")
    assert "\ufffd" not in text
    assert all(name in text for name in GBK_ONLY)
    assert rule_flags(rule) == []


def test_header_lying_utf8_over_gbk_with_meta_falls_to_meta():
    body = (DATA / "trs_gbk.html").read_bytes()
    text, encoding, rule = decode_html(body, {"Content-Type": "text/html; charset=utf-8"})
    assert (encoding, rule) == ("gb18030", "http-header-wrong:meta")
    assert rule_flags(rule) == ["encoding_mismatch"]
    assert "王喆" in text


def test_header_lying_without_meta_falls_to_detection():
    body = (DATA / "lying_charset.html").read_bytes()
    text, encoding, rule = decode_html(body, {"content-type": "text/html; charset=UTF-8"})
    assert (encoding, rule) == ("gb18030", "http-header-wrong:detected")
    assert "李堃" in text and "\ufffd" not in text


def test_meta_claiming_gb2312_over_utf8_bytes_is_overruled():
    text, encoding, rule = decode_html(page('<meta charset="gb2312">'), None)
    assert (encoding, rule) == ("utf-8", "meta-wrong:detected")
    assert "王喆" in text


def test_both_labels_wrong_are_named_in_order():
    body = page('<meta http-equiv="Content-Type" content="text/html; charset=gbk">')
    _, encoding, rule = decode_html(body, {"Content-Type": "text/html; charset=ISO-8859-1"})
    assert (encoding, rule) == ("utf-8", "http-header-wrong:meta-wrong:detected")


def test_undeclared_gbk_is_detected():
    text, encoding, rule = decode_html(page(encoding="gbk"), None)
    assert (encoding, rule) == ("gb18030", "detected")
    assert all(name in text for name in GBK_ONLY)


def test_correct_header_wins():
    text, encoding, rule = decode_html(page(encoding="gb18030"), {"Content-Type": "text/html;charset=GBK"})
    assert (encoding, rule) == ("gb18030", "http-header")
    assert "\ufffd" not in text


@pytest.mark.parametrize(
    ("bom", "codec"),
    [(codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")],
)
def test_bom_wins_over_labels(bom, codec):
    body = bom + page('<meta charset="gbk">').decode().encode(codec)
    text, encoding, rule = decode_html(body, {"Content-Type": "text/html; charset=gbk"})
    assert (encoding, rule) == (codec, "bom")
    assert text.startswith("<html>") and "王喆" in text


def test_ascii_page_keeps_its_single_byte_label():
    _, encoding, rule = decode_html(b"<p>plain</p>", {"Content-Type": "text/html; charset=iso-8859-1"})
    assert (encoding, rule) == ("iso8859-1", "http-header")


def test_single_byte_label_on_gbk_bytes_is_not_believed():
    text, encoding, rule = decode_html(page(encoding="gbk"), {"Content-Type": "text/html; charset=latin1"})
    assert (encoding, rule) == ("gb18030", "http-header-wrong:detected")
    assert "王喆" in text


def test_invalid_bytes_are_decoded_lossy_and_say_so():
    body = page('<meta charset="gbk">', "gbk") + b"\xff\xff\x81"
    text, encoding, rule = decode_html(body, None)
    assert encoding == "gb18030"
    assert rule.endswith("lossy:gb18030") and rule.startswith("meta-wrong")
    assert rule_flags(rule) == ["encoding_mismatch", "decode_lossy"]
    assert "王喆" in text and "\ufffd" in text


def test_lossy_decoding_is_flagged_on_the_document_not_as_source_damage():
    body = page('<meta charset="gbk">', "gbk").replace(b"</p>", b"\xff\xff\x81</p>")
    result = extract_document(body, "http://www.qinglan.gov.cn/a.html")
    assert "decode_lossy" in result["flags"]
    assert "source_damaged" not in result["flags"]


@pytest.mark.parametrize("label", ["gb2312", "GBK", "gb18030", "x-gbk", "GB_2312-80", "cp936", "EUC-CN"])
def test_every_gb_label_reads_as_gb18030(label):
    assert normalize_codec(label) == "gb18030"


@pytest.mark.parametrize(
    ("label", "codec"),
    [("UTF8", "utf-8"), ("utf-8", "utf-8"), ("big5", "big5hkscs"), ("no-such-charset", None)],
)
def test_other_labels(label, codec):
    assert normalize_codec(label) == codec


def test_unknown_label_is_skipped_not_fatal():
    _, encoding, rule = decode_html(
        page('<meta charset="x-unknown-cs">'), {"Content-Type": "text/html; charset=bogus"}
    )
    assert (encoding, rule) == ("utf-8", "detected")



def test_utf8_page_with_a_few_broken_bytes_stays_utf8_and_is_flagged():
    from extract import extract_document

    ascii_part = ("<p>Annual report on government information disclosure, statistics section.</p>" * 60).encode()
    # Mostly ASCII, a little Chinese, a few stray bytes: GB18030 would read this with fewer U+FFFD, as mojibake.
    body = (b"<html><body><div id='zoom'>" + ascii_part + "依申请公开".encode() * 2 + b"\x81\x30\x81\x30" * 3
            + ascii_part + b"</div></body></html>")
    assert body.decode("gb18030", "replace").count("\ufffd") < body.decode("utf-8", "replace").count("\ufffd")
    result = extract_document(body, "http://h/a.html", {"Content-Type": "text/html; charset=utf-8"})
    assert result["encoding"] == "utf-8"
    assert "decode_lossy" in result["flags"]
    assert "依申请公开依申请公开" in result["text"]
