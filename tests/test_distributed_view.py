"""One read interface, two sources: what the writer publishes in Redis answers as the archive does."""

from __future__ import annotations

import pytest
from scrapy.utils.test import get_crawler

from crawler.archive_view import ArchiveView, view_source
from crawler.distributed.keys import CrawlKeys
from crawler.distributed.shared import SharedCrawl
from crawler.distributed.view import RedisArchiveView, publish_views
from crawler.middlewares import ConditionalRequestMiddleware, KnownListMiddleware
from crawler.spider_middlewares import RevisitKnownMiddleware
from spiders.annual_reports import AnnualReportsSpider
from tests.archive_support import page
from tests.redis_support import RedisServer

pytestmark = pytest.mark.requires_program("redis-server")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    running = RedisServer(tmp_path_factory.mktemp("redis")).start()
    yield running
    running.stop()


def filled(db):
    """Two sites' documents (with validators), a list page, and a removed document."""
    run = db.start_run(command="test", sites=["qinglan", "yunxi"])
    db.record_captures([
        page("http://q/a.html", headers={"ETag": '"a1"', "Last-Modified": "Mon, 02 Jan 2023 00:00:00 GMT"},
             parent_url="http://q/list", title_hint="2022年报", classify_rule="title"),
        page("http://q/b.html", title_hint="2021年报"),
        page("http://y/c.html", site="yunxi", headers={"ETag": '"c"'}),
    ], run_id=run)
    db.record_list_page({"key": "k1", "site": "qinglan", "url": "http://q/list", "final_url": "http://q/list",
                         "sha256": "0" * 64, "rules": "r", "family": "trs", "items": [["http://q/a.html", "2022年报"]],
                         "pages": [], "read_at": "2026-12-01T00:00:00Z", "etag": None})
    db.finish_run(run)


def test_the_published_view_answers_as_the_archive(db, server):
    filled(db)
    keys = CrawlKeys("view-test")
    publish_views(server.client(), keys, db, ["qinglan", "yunxi"])
    shared: ArchiveView = RedisArchiveView(server.client(), keys)
    for sites in (["qinglan"], ["yunxi"], ["qinglan", "yunxi"], []):
        assert shared.site_validators(sites) == db.site_validators(sites)
        assert shared.known_list_pages(sites) == db.known_list_pages(sites)
        assert shared.known_documents(sites) == db.known_documents(sites)
    for url in ("http://q/a.html", "http://q/b.html", "http://y/c.html", "http://q/unknown"):
        assert shared.current_body(url) == db.current_body(url)
    assert shared.site_validators(["qinglan"])  # not vacuous: there is something to compare


def test_a_worker_s_middlewares_read_the_shared_view(server):
    settings = {"NIANBAO_DB": "", "NIANBAO_REDIS_URL": server.url, "REDIS_URL": server.url,
                "NIANBAO_COMMAND": "view-test", "EXTENSIONS": {"crawler.distributed.shared.SharedCrawl": 50}}
    crawler = get_crawler(AnnualReportsSpider, settings)
    shared = SharedCrawl.of(crawler)
    assert shared is not None and view_source(crawler) is shared
    for component in (ConditionalRequestMiddleware, KnownListMiddleware, RevisitKnownMiddleware):
        assert component.from_crawler(crawler).owner is shared
    assert isinstance(shared.view, RedisArchiveView)
