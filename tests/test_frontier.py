"""The frontier middleware marks a response's request done unless a capture of it will."""

from __future__ import annotations

import asyncio

from scrapy import Request
from scrapy.http import HtmlResponse

import archive
from crawler.spider_middlewares import FrontierMiddleware
from nianbao.capture import Capture

ENTRY = {"key": "home-key", "site": "h", "url": "http://h/", "callback": "parse_discovery"}


class _Owner:
    """Stands in for the crawl's CrawlArchive: an open archive and no run."""

    def __init__(self, store):
        self.archive, self.run_id = store, None
        self.unwritable = None  # the archive takes writes
        self.listed: set[str] = set()


def run_output(store, outputs):
    middleware = FrontierMiddleware(None, _Owner(store))
    request = Request("http://h/", meta={"frontier_key": "home-key", "site": "h", "nianbao_kind": "home"})
    response = HtmlResponse("http://h/", body=b"<html></html>", request=request)

    async def result():
        for obj in outputs:
            yield obj

    async def collect():
        return [obj async for obj in middleware.process_spider_output_async(response, result())]

    return asyncio.run(collect())


def test_a_capture_of_something_else_does_not_keep_the_page_queued(tmp_path):
    with archive.open_archive(tmp_path / "a.db") as store:
        store.frontier_queue([ENTRY])
        no_column = Capture(url="http://h/", site="h", kind="home", error_class="no_column", error_message="none")
        child = Request("http://h/zwgk/", meta={"frontier_key": "hub-key", "site": "h", "nianbao_kind": "hub"},
                        callback=lambda r: None)
        assert run_output(store, [no_column, child]) == [no_column, child]
        assert store.frontier_done_keys(["h"]) == {"home-key"}
        assert [e["key"] for e in store.frontier_pending(["h"])] == ["hub-key"]


def test_a_capture_of_the_page_itself_leaves_marking_done_to_the_archive(tmp_path):
    with archive.open_archive(tmp_path / "a.db") as store:
        store.frontier_queue([ENTRY])
        own = Capture(url="http://h/", site="h", kind="home", status=500, error_class="http_5xx",
                      error_message="HTTP 500", frontier_key="home-key")
        run_output(store, [own])
        assert store.frontier_done_keys(["h"]) == set()
        store.record_capture(own)
        assert store.frontier_done_keys(["h"]) == {"home-key"}
