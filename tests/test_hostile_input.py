"""Hostile input, one piece at a time: nothing dropped silently, nothing unbounded.

Each test feeds one reader what a hostile or broken portal serves. Time bounds are hang guards
(pytest-timeout, ten times what the code needs and far below what the quadratic code took), not
speed claims; the speed itself is in bench/hostile.
"""

from __future__ import annotations

import asyncio
import copy
import io
import json

import docx
import lxml.html
import pytest
from scrapy import Request
from scrapy.exceptions import DontCloseSpider
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from crawler.pipelines import ExtractPipeline
from crawler.spider_middlewares import ReadingFailureMiddleware
from extract import extract_document
from extract.office import read_docx
from extract.tables import MAX_GRID_CELLS, table_grid
from nianbao.capture import Capture
from nianbao.errors import ListFormatError
from nianbao.pages import attachment_ext, decode_html, rule_flags
from spiders import apis
from spiders.annual_reports import AnnualReportsSpider
from spiders.listing import attachment_links, malformed_items, parse_tree, scan_attachment_links
from spiders.pagination import hanweb_jpage, jquery_pagination, next_list_pages, trs_count_page_var

PAGE_URL = "http://h/nb/202403/t20240301_1.html"
BAD_HREFS = ("http://[bad/x.pdf", "http://www.bad？.gov.cn/y.pdf")


# -- malformed links ------------------------------------------------------------------------------

def test_a_malformed_attachment_link_is_skipped_alone_and_reported():
    body = "".join(f'<a href="{href}">附件{n}</a>' for n, href in enumerate(BAD_HREFS)).encode()
    body += '<a href="/files/P020240301.pdf">附件：年度报告.pdf</a>'.encode()
    scan = scan_attachment_links(PAGE_URL, body, attachment_ext)
    assert scan.links == [("http://h/files/P020240301.pdf", "附件：年度报告.pdf")]
    assert [bad.href for bad in scan.malformed] == list(BAD_HREFS)
    assert attachment_links(PAGE_URL, body, attachment_ext) == scan.links


@pytest.mark.parametrize("href", BAD_HREFS)
def test_a_malformed_href_is_no_attachment(href):
    assert attachment_ext(href) is None


def test_a_malformed_list_item_is_left_out_and_named():
    tree = parse_tree('<ul><li><a href="http://[bad/nb/t20240101_9.html">2023年政府信息公开工作年度报告</a></li>'
                      '<li><a href="t20240102_2.html">2022年政府信息公开工作年度报告</a></li></ul>')
    assert [bad.href for bad in malformed_items("http://h/nb/index.html", tree)] == ["http://[bad/nb/t20240101_9.html"]


def test_extraction_skips_a_malformed_attachment_link():
    page = ("<html><head><title>青岚市2023年政府信息公开工作年度报告</title></head><body><div id='zoom'>"
            "<p>本报告根据《中华人民共和国政府信息公开条例》编制，统计期限自2023年1月1日起至2023年12月31日止。</p>"
            + "".join(f'<a href="{href}">附件{n}.pdf</a>' for n, href in enumerate(BAD_HREFS))
            + '<a href="/files/a.pdf">附件3.pdf</a></div></body></html>')
    result = extract_document(page.encode(), PAGE_URL)
    assert [a["url"] for a in result["attachments"]] == ["http://h/files/a.pdf"]
    assert result["text"] is not None


# -- work linear in the page ------------------------------------------------------------------------

@pytest.mark.timeout(30)
def test_a_hundred_thousand_frames_are_read_up_to_their_cap():
    from spiders.listing import MAX_EMBEDS

    body = b"<html><body>" + b"".join(b'<iframe src="/f/%d.pdf">' % n for n in range(100_000)) + b"</body></html>"
    scan = scan_attachment_links(PAGE_URL, body, attachment_ext)
    assert len(scan.links) == MAX_EMBEDS and scan.capped
    unclosed = scan_attachment_links(PAGE_URL, b'<embed src="/f/1.pdf" title="' + b"x" * 2_000_000, attachment_ext)
    assert unclosed.links == [] and not unclosed.capped  # a tag never closed is no tag


@pytest.mark.timeout(30)
def test_twenty_thousand_unclosed_anchors_are_read_in_one_pass():
    body = b"<html><body>" + b"".join(b'<a href="/f/%d.pdf">x' % n for n in range(20_000)) + b"</body></html>"
    scan = scan_attachment_links(PAGE_URL, body, attachment_ext)
    assert len(scan.links) == 1000 and scan.capped  # MAX_ATTACHMENT_HREFS, and the cap is reported
    one = scan_attachment_links(PAGE_URL, b'<a href="/f/1.pdf">x' * 20_000, attachment_ext)
    assert one.links == [("http://h/f/1.pdf", "x")] and not one.malformed


@pytest.mark.timeout(30)
@pytest.mark.parametrize("opening", [".pagination({", ".jpage({", "window._CONFIG = {", "<div queryData=\"",
                                     "<record><![CDATA[", "createPageHTML(", "var param_1 = {"])
def test_a_megabyte_of_unclosed_script_calls_costs_linear_time(opening):
    text = opening * (1_000_000 // len(opening))
    assert next_list_pages("http://h/nb/index.html", text, None) == []
    assert apis.api_columns("http://h/", text) == [] and apis.api_pages("http://h/", text) == []


# -- page counts ------------------------------------------------------------------------------------

@pytest.mark.timeout(30)
@pytest.mark.parametrize("script", [
    "var countPage = 100000000",
    'createPageHTML(100000000, 0, "index", "html")',
    "$('.p').pagination({totalPage: 2e9})",
    "var countPage = " + "9" * 5000,
])
def test_a_claimed_page_count_is_capped_before_it_is_expanded(script):
    assert len(next_list_pages("http://h/nb/index.html", f"<script>{script}</script>", None, 501)) == 501


@pytest.mark.timeout(30)
def test_a_jpage_total_of_two_billion_records_builds_at_most_the_limit():
    text = ("$('#1').jpage({totalRecord:2000000000,groupSize:3,proxyUrl:'/module/web/jpage/dataproxy.jsp',"
            "perPage:15,ajaxParam:{col:1}});")
    assert len(hanweb_jpage("http://h/col/col1/index.html", text, None, 7)) == 7
    assert len(trs_count_page_var("http://h/nb/index.html", "var countPage = 12", None, 7)) == 7
    assert jquery_pagination("http://h/nb/index.html", "$('.p').pagination({totalPage: 'x'})", None) == []


def gkmlpt_reply(total: object) -> str:
    articles = [{"id": n, "title": f"深圳市某局{2018 + n}年政府信息公开工作年度报告", "url": f"/gkmlpt/content/0/0/post_{n}.html"}
                for n in range(5)]
    return json.dumps({"total": total, "articles": articles}, ensure_ascii=False)


API = "http://h/gkmlpt/api/all/41?page=1&sid=9"


def test_a_gkmlpt_total_that_is_no_number_keeps_the_articles_and_says_so():
    reading = apis.read_api_reply(API, gkmlpt_reply("abc"), 501)
    assert reading is not None and len(reading.items) == 5 and reading.pages == []
    assert reading.problems and "'abc' is not a number" in reading.problems[0]
    with pytest.raises(ListFormatError):
        apis.gkmlpt_pages(API, gkmlpt_reply("abc"))


@pytest.mark.timeout(30)
def test_a_gkmlpt_total_of_ten_to_the_twelve_is_capped():
    reading = apis.read_api_reply(API, gkmlpt_reply(10**12), 501)
    assert reading is not None and len(reading.items) == 5 and len(reading.pages) == 501


# -- the spider records what it could not read -------------------------------------------------------

def spider(**settings: object) -> AnnualReportsSpider:
    return get_crawler(AnnualReportsSpider, {"NIANBAO_MAX_LIST_PAGES": 3, **settings})._create_spider(
        start_url="http://h/")


def response(url: str, body: bytes, kind: str, **meta: object) -> HtmlResponse:
    meta = {"site": "h", "column": "http://h/nb/index.html", "nianbao_kind": kind, "frontier_key": "k", **meta}
    return HtmlResponse(url, body=body, request=Request(url, meta=meta), encoding="utf-8")


def test_a_report_page_with_malformed_links_is_captured_and_its_good_attachment_requested():
    body = ("<p>正文</p>" + "".join(f'<a href="{href}">附件</a>' for href in BAD_HREFS)
            + '<a href="/files/a.pdf">附件3</a>').encode()
    out = list(spider().parse_detail(response(PAGE_URL, body, "page")))
    captures = [o for o in out if isinstance(o, Capture)]
    assert captures[0].url == PAGE_URL and captures[0].ok and captures[0].body == body
    assert [(c.url, c.error_class, c.parent_url) for c in captures[1:]] == [(href, "parse", PAGE_URL) for href in BAD_HREFS]
    assert [r.url for r in out if isinstance(r, Request)] == ["http://h/files/a.pdf"]


def test_the_list_page_past_the_cap_is_recorded_capped_once():
    pages = "".join(f'<a href="index_{n}.html">{n + 1}</a>' for n in range(1, 9))
    body = f'<ul><li><a href="t20240101_1.html">2023年政府信息公开工作年度报告</a></li></ul>{pages}'.encode()
    out = list(spider().parse_list(response("http://h/nb/index.html", body, "list")))
    lists = [r for r in out if isinstance(r, Request) and "index_" in r.url]
    capped = [o for o in out if isinstance(o, Capture) and o.error_class == "capped"]
    assert len(lists) == 3
    assert [c.url for c in capped] == ["http://h/nb/index_4.html"] and "NIANBAO_MAX_LIST_PAGES=3" in capped[0].error_message


def test_items_of_deep_list_pages_wait_for_the_column_and_are_capped_when_it_never_ends():
    spider_ = spider(NIANBAO_HOLD_ITEMS_AFTER_PAGE=1)
    body = b'<ul><li><a href="t20240101_7.html">2023\xe5\xb9\xb4\xe5\xb9\xb4\xe5\xba\xa6\xe6\x8a\xa5\xe5\x91\x8a</a></li></ul>'
    deep = response("http://h/nb/index_2.html", body, "list", list_page_no=2)
    assert [o for o in spider_.parse_list(deep) if isinstance(o, Request)] == []
    assert deep.meta["nianbao_holds"]  # the frontier keeps this list page queued meanwhile
    spider_._capped_columns["http://h/nb/index.html"] = "list page cap reached"
    scheduled: list[Request] = []
    spider_.crawler.engine = type("Engine", (), {"crawl": staticmethod(scheduled.append)})()
    with pytest.raises(DontCloseSpider):  # the engine goes on with what was released
        spider_.release_held()
    assert [r.url for r in scheduled] == ["http://h/nb/t20240101_7.html"]
    assert "list page cap reached" in scheduled[0].meta["nianbao_capped"]


def test_held_items_not_due_are_not_released_and_the_crawl_may_close():
    spider_ = spider(NIANBAO_HOLD_ITEMS_AFTER_PAGE=1)
    body = b'<ul><li><a href="t20240101_7.html">2023\xe5\xb9\xb4\xe5\xb9\xb4\xe5\xba\xa6\xe6\x8a\xa5\xe5\x91\x8a</a></li></ul>'
    list(spider_.parse_list(response("http://h/nb/index_2.html", body, "list", list_page_no=2)))
    spider_.skip_released(lambda request: request.url.endswith("t20240101_7.html"))  # known, not due
    scheduled: list[Request] = []
    spider_.crawler.engine = type("Engine", (), {"crawl": staticmethod(scheduled.append)})()
    spider_.release_held()  # nothing released: no DontCloseSpider, so no wait for the next idle check
    assert scheduled == [] and spider_._held == {}


def test_an_exception_while_reading_a_response_becomes_a_parse_capture_with_its_bytes():
    crawler = get_crawler(AnnualReportsSpider)
    crawler.spider = crawler._create_spider(start_url="http://h/")
    page = response(PAGE_URL, "<p>报告</p>".encode(), "page")

    async def reading():
        yield Request("http://h/before.html")
        raise ValueError("Invalid IPv6 URL")

    async def collect():
        return [o async for o in ReadingFailureMiddleware(crawler).process_spider_output_async(page, reading())]

    before, failure = asyncio.run(collect())
    assert before.url == "http://h/before.html"
    assert (failure.url, failure.error_class, failure.body) == (PAGE_URL, "parse", "<p>报告</p>".encode())
    assert "ValueError: Invalid IPv6 URL" in failure.error_message


# -- decoding ---------------------------------------------------------------------------------------

TITLE = "青岚市2023年政府信息公开工作年度报告"
SENTENCES = "本报告由青岚市人民政府办公室根据条例编制全年主动公开政府信息收到申请均依法答复所列数据的统计期限自一月一日起至十二月三十一日止"


def short_page_with_ten_cut_characters() -> bytes:
    """A short UTF-8 page, mostly Chinese, ten of whose characters lost their last two bytes: read
    whole as GB18030 it loses fewer characters than as UTF-8, and all of it turns to mojibake."""
    raw = (("青岚市" + SENTENCES) * 5).encode()
    out, pos = bytearray(), 0
    for n in range(10):
        cut = n * 29 * 3
        out += raw[pos:cut + 1]
        pos = cut + 3
    return f"<html><head><title>{TITLE}</title></head><body><p>".encode() + bytes(out) + raw[pos:] + b"</p></body></html>"


def test_a_utf8_page_with_ten_broken_characters_stays_utf8():
    body = short_page_with_ten_cut_characters()
    text, encoding, rule = decode_html(body, {"Content-Type": "text/html; charset=utf-8"})
    assert (encoding, rule) == ("utf-8", "http-header-wrong:lossy:utf-8")
    assert TITLE in text and text.count("\ufffd") == 10
    result = extract_document(body, PAGE_URL, {"Content-Type": "text/html; charset=utf-8"})
    assert result["title"] == TITLE and "decode_lossy" in result["flags"] and "garbled" not in result["flags"]
    assert "收到申请均依法答复" in result["text"]


@pytest.mark.parametrize("pad", [b"", b" "])
def test_a_utf16_label_on_utf8_bytes_is_caught(pad):
    body = (f"<html><head><title>{TITLE}</title></head><body><p>{SENTENCES}，一，二</p></body></html>".encode()
            .replace("，".encode(), b"\xe3\x80", 1) + pad)
    text, encoding, rule = decode_html(body, {"Content-Type": "text/html; charset=utf-16le"})
    assert encoding == "utf-8" and TITLE in text
    assert rule_flags(rule) == ["encoding_mismatch", "decode_lossy"]


def test_a_utf8_template_around_a_gbk_article_reads_right_in_both():
    body = (f"<html><head><meta charset='utf-8'><title>{TITLE}</title></head><body>\n".encode()
            + f"<p>{SENTENCES}</p>\n".encode("gbk") + "<p>联系电话：0759-1234567</p>\n</body></html>".encode())
    text, _, rule = decode_html(body, None)
    assert TITLE in text and SENTENCES in text and "联系电话" in text
    assert rule.endswith("regions:gb18030+utf-8") and "decode_mixed" in rule_flags(rule)


def test_a_page_of_mostly_invalid_bytes_is_flagged_not_kept_as_text():
    garbage = bytes((n * 151 + 77) % 256 for n in range(30_000))
    body = f"<html><head><meta charset='utf-8'><title>{TITLE}</title></head><body><p>".encode() + garbage + b"</p></body></html>"
    result = extract_document(body, PAGE_URL)
    assert "garbled" in result["flags"] and result["text"] is None
    assert result["title"] == TITLE


# -- tables -----------------------------------------------------------------------------------------

@pytest.mark.timeout(60)
def test_colspans_and_rowspans_are_cut_at_the_documents_cell_budget():
    cells = "".join(f'<td colspan="1000" rowspan="1000">{n}</td>' for n in range(5))
    table = "<table>" + "".join(f"<tr><td>第{r}行</td>{cells}</tr>" for r in range(200)) + "</table>"
    body = (f"<html><head><title>{TITLE}</title></head><body><div id='zoom'><p>{SENTENCES}</p>"
            + table * 3 + "</div></body></html>").encode()
    result = extract_document(body, PAGE_URL)
    grids = [t["grid"] for t in result["tables"]]
    assert sum(len(g) * len(g[0]) for g in grids if g) <= MAX_GRID_CELLS
    assert result["tables"][0].get("truncated") is True and "truncated" in result["flags"]
    assert result["text"] and "第199行" in result["text"]  # every row stays in the text


def test_a_grid_padded_to_its_widest_row_stays_within_its_budget():
    rows = '<tr><td colspan="1000">wide</td></tr>' + "<tr><td>x</td></tr>" * 5000
    grid, cut = table_grid(lxml.html.fragment_fromstring(f"<table>{rows}</table>"), budget=20_000)
    assert cut and len(grid) * len(grid[0]) <= 20_000


@pytest.mark.timeout(60)
def test_a_word_table_of_forty_thousand_rows_is_read_in_linear_time():
    document = docx.Document()
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = "1", "统计"
    row = table.rows[0]._tr
    for _ in range(40_000):
        row.addnext(copy.deepcopy(row))
    out = io.BytesIO()
    document.save(out)
    answer = read_docx(out.getvalue())
    assert "truncated" in answer["flags"]  # past the cell budget: the table is not kept whole
    assert answer["blocks"] == [] or sum(len(b["grid"]) * 2 for b in answer["blocks"] if "grid" in b) <= MAX_GRID_CELLS


# -- bodies that cannot be read ------------------------------------------------------------------------

def test_an_unreadable_body_over_the_cap_is_recorded_without_its_bytes():
    pipeline = ExtractPipeline(workers=0, max_tasks_per_child=10, max_unread_bytes=1000)
    big = Capture(url="http://h/files/scan.pdf", site="h", kind="attachment", status=200, body=b"%PDF-1.4\n" + b"\x00" * 5000)
    small = Capture(url="http://h/files/ok.pdf", site="h", kind="attachment", status=200, body=b"%PDF-1.4\n" + b"\x00" * 500)
    big, small = (asyncio.run(pipeline.process_item(c)) for c in (big, small))
    assert big.error_class == "too_large" and "NIANBAO_MAX_UNREAD_BYTES" in big.error_message
    assert small.error_class is None


# -- recording what could not be read ---------------------------------------------------------------

def test_a_capture_of_a_malformed_link_is_recorded_under_its_url_as_written(tmp_path):
    import archive
    from tests.archive_support import error

    with archive.open_archive(tmp_path / "nianbao.db") as store:
        run = store.start_run(command="crawl", sites=["qinglan"])
        store.record_captures([error("http://[bad/nb/t1.html", "parse"), error("http://h:99999/x.pdf", "parse")],
                              run_id=run)
        rows = store.db.execute("select url, error_class from captures order by id").fetchall()
    assert rows == [("http://[bad/nb/t1.html", "parse"), ("http://h:99999/x.pdf", "parse")]


def test_a_capture_whose_recording_fails_is_refused_alone(tmp_path, monkeypatch):
    import archive
    from archive import record
    from tests.archive_support import page, report_body

    real = record.record

    def failing(db, capture, *args):
        if capture.url.endswith("t2.html"):
            raise RuntimeError("a bug in recording")
        return real(db, capture, *args)

    monkeypatch.setattr(record, "record", failing)
    with archive.open_archive(tmp_path / "nianbao.db") as store:
        run = store.start_run(command="crawl", sites=["qinglan"])
        results = store.record_captures([page(f"http://qinglan.example/t{n}.html", body=report_body(f"第{n}号。"))
                                         for n in (1, 2, 3)], run_id=run)
        urls = [row[0] for row in store.db.execute("select url from captures order by id")]
    assert [type(r).__name__ for r in results] == ["Recorded", "ArchiveError", "Recorded"]
    assert "RuntimeError: a bug in recording" in str(results[1])
    assert urls == ["http://qinglan.example/t1.html", "http://qinglan.example/t3.html"]
