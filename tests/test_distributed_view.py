"""One read interface, two sources: what the writer publishes in Redis answers as the archive does;
what one worker learns of a site's move, every worker knows."""

from __future__ import annotations

import asyncio

import pytest
from scrapy import Request, signals
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.utils.test import get_crawler

from crawler.archive_view import ArchiveView, view_source
from crawler.distributed.keys import CrawlKeys
from crawler.distributed.middlewares import SharedMovesMiddleware
from crawler.distributed.shared import SharedCrawl
from crawler.distributed.view import RedisArchiveView, publish_views
from crawler.middlewares import ConditionalRequestMiddleware, KnownListMiddleware, SiteBoundaryMiddleware
from crawler.spider_middlewares import RevisitKnownMiddleware
from nianbao.crawl_types import list_read
from spiders.annual_reports import AnnualReportsSpider
from tests.archive_support import error, page, report_body
from tests.redis_support import RedisServer

pytestmark = pytest.mark.requires_program("redis-server")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    running = RedisServer(tmp_path_factory.mktemp("redis")).start()
    yield running
    running.stop()


def filled(db):
    """Two sites' documents (with validators; one seen at two origins, one due, one removed), a list
    page, and a site's move."""
    run = db.start_run(command="test", sites=["qinglan", "yunxi"])
    db.record_captures([
        page("http://q/a.html", headers={"ETag": '"a1"', "Last-Modified": "Mon, 02 Jan 2023 00:00:00 GMT"},
             parent_url="http://q/list", title_hint="2022年报", classify_rule="title"),
        page("http://q/b.html", title_hint="2021年报"),
        page("http://y/c.html", site="yunxi", headers={"ETag": '"c"'}),
        page("https://y2/c.html", site="yunxi", headers={"ETag": '"c"'}),  # the site moved: the same document
        page("http://y/d.html", site="yunxi", body=report_body(title="云溪县2021年政府信息公开工作年度报告")),
        error("http://y/d.html", "not_found", site="yunxi", status=404),
    ], run_id=run)
    db.record_list_page({"key": "k1", "site": "qinglan", "url": "http://q/list", "final_url": "http://q/list",
                         "sha256": "0" * 64, "rules": "r", "family": "trs", "items": [["http://q/a.html", "2022年报"]],
                         "pages": [], "read_at": "2026-12-01T00:00:00Z", "etag": None})
    db.record_alias("yunxi", url="http://y/", location="https://y2/", status=301)
    db.finish_run(run)
    db.db.execute("UPDATE documents SET next_visit = '2000-01-01T00:00:00Z' WHERE url = 'http://q/b.html'")
    db.db.execute("UPDATE documents SET next_visit = '2999-01-01T00:00:00Z', last_seen = '2999-01-01T00:00:00Z' "
                  "WHERE url != 'http://q/b.html'")


def test_the_published_view_answers_as_the_archive(db, server):
    filled(db)
    keys = CrawlKeys("view-test")
    publish_views(server.client(), keys, db, ["qinglan", "yunxi"])
    shared: ArchiveView = RedisArchiveView(server.client(), keys)
    for sites in (["qinglan"], ["yunxi"], ["qinglan", "yunxi"], []):
        assert shared.site_validators(sites) == db.site_validators(sites)
        assert shared.site_validators_by_key(sites) == db.site_validators_by_key(sites)
        assert shared.known_list_pages(sites) == db.known_list_pages(sites)
        assert shared.site_aliases(sites) == db.site_aliases(sites)
        for everything in (False, True):
            assert shared.due_documents(sites, everything=everything) == db.due_documents(sites, everything=everything)
        assert shared.not_due_keys(sites) == db.not_due_keys(sites)
        assert shared.not_due_list_pages(sites) == db.not_due_list_pages(sites)
    for site, url in (("qinglan", "http://q/a.html"), ("qinglan", "http://q/b.html"), ("yunxi", "http://y/c.html"),
                      ("yunxi", "https://y2/c.html"), ("yunxi", "https://y3/c.html"), ("yunxi", "http://y/d.html"),
                      ("qinglan", "http://q/unknown"), ("yunxi", "http://q/a.html")):
        assert shared.current_body(url, site=site) == db.current_body(url, site=site), url
    # not vacuous: there is something to compare
    assert db.site_validators_by_key(["yunxi"]) and db.site_aliases(["yunxi"])
    assert [d["url"] for d in db.due_documents(["qinglan", "yunxi"])] == ["http://q/b.html"]
    assert ("qinglan", "/a.html") in db.not_due_keys(["qinglan"])
    assert db.current_body("https://y3/c.html", site="yunxi") is not None  # found by its key
    assert db.current_body("http://y/d.html", site="yunxi") is None  # removed


def test_a_worker_s_middlewares_read_the_shared_view(server):
    settings = {"NIANBAO_DB": "", "NIANBAO_REDIS_URL": server.url, "REDIS_URL": server.url,
                "NIANBAO_COMMAND": "view-test", "EXTENSIONS": {"crawler.distributed.shared.SharedCrawl": 50}}
    crawler = get_crawler(AnnualReportsSpider, settings)
    shared = SharedCrawl.of(crawler)
    assert shared is not None and view_source(crawler) is shared
    for component in (ConditionalRequestMiddleware, KnownListMiddleware, RevisitKnownMiddleware):
        assert component.from_crawler(crawler).owner is shared
    assert isinstance(shared.view, RedisArchiveView)


def worker_crawler(server, label: str):
    """A worker's crawler of one registry site, its spider created, as ``nianbao crawl --redis`` makes it."""
    settings = {"NIANBAO_DB": "", "NIANBAO_REDIS_URL": server.url, "REDIS_URL": server.url, "NIANBAO_COMMAND": label,
                "EXTENSIONS": {"crawler.distributed.shared.SharedCrawl": 50}}
    crawler = get_crawler(AnnualReportsSpider, settings)
    crawler.spider = crawler._create_spider(sites=[{"name": "q", "root": "http://old.q.gov.cn/", "hosts": ["old.q.gov.cn"],
                                                    "start_urls": ["http://old.q.gov.cn/"]}])
    return crawler


def test_a_site_move_one_worker_accepts_reaches_the_others(server):
    first, second = worker_crawler(server, "moves-test"), worker_crawler(server, "moves-test")
    redirected = Request("https://www.q.gov.cn/", meta={"site": "q", "nianbao_kind": "home",
                                                        "redirect_urls": ["http://old.q.gov.cn/"], "redirect_reasons": [301]})
    queued = Request("https://www.q.gov.cn/xxgk/nb/", meta={"site": "q", "nianbao_kind": "list"})
    boundary = SiteBoundaryMiddleware(second)
    with pytest.raises(IgnoreRequest, match="offsite"):  # without the move, the new origin is offsite
        boundary.process_request(queued)
    SharedMovesMiddleware.from_crawler(first).process_request(redirected)  # the first worker follows the move
    assert first.spider.allows(queued.url, "q")
    SharedMovesMiddleware.from_crawler(second).process_request(queued)  # the second worker pops a request there
    assert boundary.process_request(queued) is None and second.spider.allows(queued.url, "q")
    assert not second.spider.allows("https://elsewhere.gov.cn/", "q")  # a move, not an open door


def test_known_urls_not_due_are_left_out_while_start_requests_are_still_coming(db, server):
    """Start requests are consumed lazily: a list page can be read before the last one is out, and
    what it links must already be filtered by what is due."""
    filled(db)
    label = "revisit-start"
    publish_views(server.client(), CrawlKeys(label), db, ["qinglan"])
    settings = {"NIANBAO_DB": "", "NIANBAO_REDIS_URL": server.url, "REDIS_URL": server.url, "NIANBAO_COMMAND": label,
                "EXTENSIONS": {"crawler.distributed.shared.SharedCrawl": 50}}
    crawler = get_crawler(AnnualReportsSpider, settings)
    crawler.spider = crawler._create_spider(sites=[{"name": "qinglan", "root": "http://q/", "hosts": ["q"],
                                                    "start_urls": ["http://q/"]}])
    middleware = RevisitKnownMiddleware.from_crawler(crawler)

    async def start():
        yield Request("http://q/")
        yield Request("http://q/more")

    async def listed():
        yield Request("http://q/a.html", meta={"site": "qinglan", "nianbao_kind": "page"})  # known, not due
        yield Request("http://q/new.html", meta={"site": "qinglan", "nianbao_kind": "page"})

    async def crawl():
        out = middleware.process_start(start())
        first = await anext(out)
        followed = [request.url async for request in middleware.process_spider_output_async(None, listed())]
        return first.url, followed, [request.url async for request in out]

    first, followed, rest = asyncio.run(crawl())
    assert first == "http://q/"
    assert followed == ["http://q/new.html"]
    assert rest == ["http://q/more", "http://q/b.html"]  # then the documents due


def test_a_worker_notes_a_site_reached_when_it_read_a_list_not_when_the_list_merely_answered(server):
    settings = {"NIANBAO_DB": "", "NIANBAO_REDIS_URL": server.url, "REDIS_URL": server.url,
                "NIANBAO_COMMAND": "listed-test", "EXTENSIONS": {"crawler.distributed.shared.SharedCrawl": 50}}
    crawler = get_crawler(AnnualReportsSpider, settings)
    SharedCrawl.of(crawler)
    listed = CrawlKeys("listed-test")("listed")
    answered = Request("http://q/nb/", meta={"site": "vanished", "nianbao_kind": "list"})
    crawler.signals.send_catch_log(signals.response_received, response=Response(answered.url, status=200),
                                   request=answered, spider=None)
    assert server.client().smembers(listed) == set()  # a soft 404 answers 200 too
    crawler.signals.send_catch_log(list_read, site="qinglan")
    page = Request("http://y/a.html", meta={"site": "yunxi", "nianbao_kind": "page"})
    crawler.signals.send_catch_log(signals.response_received, response=Response(page.url, status=304),
                                   request=page, spider=None)
    assert server.client().smembers(listed) == {b"qinglan", b"yunxi"}
