"""The order Scrapy's scheduler takes requests in: navigation and what it finds, then revisits.

A report found on a list page is scheduled with the list pages, not behind all of them, so a first
crawl has pages to extract from its first list page on; revisits of documents the archive already
holds wait until the night's lists have been read.
"""

from __future__ import annotations

import asyncio

from scrapy import Request
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from spiders.annual_reports import AnnualReportsSpider

SITE = "127.0.0.1:9"
COLUMN = f"http://{SITE}/zwgk/gknb/index.html"
LIST_PAGE = ('<html><body><ul><li><a href="t20240101_1.html">2023年政府信息公开工作年度报告</a></li></ul>'
             '<a href="index_1.html">下一页</a></body></html>').encode()
REPORT_PAGE = ('<html><body><h1>2023年政府信息公开工作年度报告</h1><p>正文</p>'
               '<a href="/files/2023nb.pdf">附件：2023年年报.pdf</a></body></html>').encode()


def make_spider() -> AnnualReportsSpider:
    return get_crawler(AnnualReportsSpider, {"NIANBAO_MAX_LIST_PAGES": 10})._create_spider(start_url=f"http://{SITE}/")


def response(url: str, body: bytes, kind: str) -> HtmlResponse:
    meta = {"site": SITE, "column": COLUMN, "nianbao_kind": kind}
    return HtmlResponse(url, body=body, request=Request(url, meta=meta), encoding="utf-8")


def test_found_reports_and_attachments_go_with_the_list_pages_and_revisits_after_them():
    spider = make_spider()
    from_list = {r.url: r for r in spider.parse_list(response(COLUMN, LIST_PAGE, "list"))}
    next_page = from_list[f"http://{SITE}/zwgk/gknb/index_1.html"]
    report = from_list[f"http://{SITE}/zwgk/gknb/t20240101_1.html"]
    assert report.priority == next_page.priority

    from_report = [r for r in spider.parse_detail(response(report.url, REPORT_PAGE, "page")) if isinstance(r, Request)]
    assert [(r.url, r.priority) for r in from_report] == [(f"http://{SITE}/files/2023nb.pdf", report.priority)]

    revisit = spider.revisit_request({"site": SITE, "url": f"http://{SITE}/zwgk/gknb/t20220101_9.html",
                                      "kind": "page"})
    assert revisit is not None and revisit.priority < next_page.priority


def test_homepages_go_first():
    spider = make_spider()

    async def start() -> list[Request]:
        return [r async for r in spider.start()]

    homes = asyncio.run(start())
    next_page = next(r for r in spider.parse_list(response(COLUMN, LIST_PAGE, "list")) if r.url.endswith("index_1.html"))
    assert homes and all(home.priority > next_page.priority for home in homes)
