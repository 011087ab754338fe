"""A list page served byte for byte as when it was last read is followed from what the archive
remembers (``list_pages``), not parsed again; any changed byte, or changed list code, reads it again."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

import archive
from crawler.middlewares import KnownListMiddleware
from nianbao.capture import ListPage
from spiders.annual_reports import AnnualReportsSpider, list_rules
from tests.archive_support import undo_text_deltas
from tests.conftest import crawl

# Families whose lists are static pages (hanweb's embedded datastore), a JSON API (gkmlpt) and
# POSTed forms answering HTML fragments (jpaas): every shape a remembered page must replay.
FAMILIES = ("hanweb", "gkmlpt", "jpaas")


@pytest.fixture(scope="module")
def lists_portal():
    from fixture_portal import FixturePortal

    with FixturePortal(seed=5, families=FAMILIES) as served:
        yield served


def crawl_with_stats(db: Path, portal, stats: Path) -> tuple[dict, set[tuple[str, str, str]]]:
    """Crawl; Scrapy's stats and the (site, method, path) of every request the portal served during it."""
    before = len(portal.request_log)
    crawl(db, *portal.homepages(), extra=("--stats", str(stats)))
    served = {(site, method, path) for method, path, site, _ in portal.request_log[before:] if path != "/robots.txt"}
    return json.loads(stats.read_text(encoding="utf-8")), served


def test_unchanged_list_pages_are_followed_from_the_archive(lists_portal, tmp_path):
    db = tmp_path / "a.db"
    first, first_requests = crawl_with_stats(db, lists_portal, tmp_path / "1.json")
    read = first["nianbao/lists/read"]
    assert read > 0 and "nianbao/lists/known" not in first
    with sqlite3.connect(db) as conn:
        assert conn.execute("select count(*) from list_pages").fetchone()[0] == read

    second, second_requests = crawl_with_stats(db, lists_portal, tmp_path / "2.json")
    assert second["nianbao/lists/known"] == read and "nianbao/lists/read" not in second
    assert second_requests == first_requests  # the same list pages, forms and reports, none missed
    with archive.open_archive(db) as store:
        run = store.get_run(store.last_run()["id"])
        assert run["not_modified"] == store.counts()["documents"] >= len(lists_portal.truth())
        assert run["new"] == run["changed"] == run["removed"] == 0

    lists_portal.advance_clock(days=1)  # a new date line in every HTML page: those lists are read again
    third, third_requests = crawl_with_stats(db, lists_portal, tmp_path / "3.json")
    assert third["nianbao/lists/read"] > 0
    assert third["nianbao/lists/read"] + third.get("nianbao/lists/known", 0) == read
    assert third_requests == first_requests


def spider_and_response(body: bytes, known: dict | None) -> tuple[AnnualReportsSpider, HtmlResponse]:
    crawler = get_crawler(AnnualReportsSpider, {"NIANBAO_MAX_LIST_PAGES": 10})
    spider = crawler._create_spider(start_url="http://127.0.0.1:9/")
    url = "http://127.0.0.1:9/zwgk/gknb/index.html"
    meta = {"site": "127.0.0.1:9", "column": url, "nianbao_kind": "list", "frontier_key": "k1"}
    if known is not None:
        meta["nianbao_known_list"] = known
    return spider, HtmlResponse(url, body=body, request=Request(url, meta=meta), encoding="utf-8")


PAGE = ('<html><body><ul><li><a href="t20240101_1.html">2023年政府信息公开工作年度报告</a></li></ul>'
        '<a href="index_1.html">下一页</a></body></html>').encode()


def remembered(rules: str) -> dict:
    """A remembered reading that differs from what PAGE parses to, so a replay is recognisable."""
    return {"key": "k1", "site": "127.0.0.1:9", "url": "http://127.0.0.1:9/zwgk/gknb/index.html", "sha256": "0" * 64,
            "read_at": "2026-01-01T00:00:00Z", "etag": None,
            "rules": rules, "final_url": "http://127.0.0.1:9/zwgk/gknb/index.html", "family": "trs",
            "items": [["http://127.0.0.1:9/zwgk/gknb/t20240102_2.html", "2022年政府信息公开工作年度报告"]],
            "pages": [{"url": "http://127.0.0.1:9/zwgk/gknb/index_1.html", "method": "POST", "form": [["p", "2"]],
                       "style": "trs-static", "headers": {"X-Requested-With": "XMLHttpRequest"}}]}


def test_the_spider_replays_a_remembered_reading_made_by_its_own_rules():
    known = remembered(list_rules())
    spider, response = spider_and_response(PAGE, known)
    out = list(spider.parse_list(response))
    [seen] = [o for o in out if isinstance(o, ListPage)]  # nothing read: the reading is confirmed as of now
    assert {**seen.to_dict(), "read_at": known["read_at"]} == known and seen.read_at > known["read_at"]
    urls = {(r.method, r.url) for r in out if isinstance(r, Request)}
    assert urls == {("GET", "http://127.0.0.1:9/zwgk/gknb/t20240102_2.html"),
                    ("POST", "http://127.0.0.1:9/zwgk/gknb/index_1.html")}
    post = next(r for r in out if isinstance(r, Request) and r.method == "POST")
    assert post.body == b"p=2" and post.headers[b"X-Requested-With"] == b"XMLHttpRequest"
    assert spider._families["127.0.0.1:9"] == "trs"


@pytest.mark.parametrize("known", [remembered("other rules"), None])
def test_a_reading_by_other_rules_or_none_means_the_page_is_read(known):
    spider, response = spider_and_response(PAGE, known)
    out = list(spider.parse_list(response))
    [page] = [o for o in out if isinstance(o, ListPage)]
    assert page.items == [["http://127.0.0.1:9/zwgk/gknb/t20240101_1.html", "2023年政府信息公开工作年度报告"]]
    assert [p["url"] for p in page.pages] == ["http://127.0.0.1:9/zwgk/gknb/index_1.html"]
    assert page.sha256 == hashlib.sha256(PAGE).hexdigest() and page.rules == list_rules() and page.key == "k1"
    assert {r.url for r in out if isinstance(r, Request)} == {"http://127.0.0.1:9/zwgk/gknb/t20240101_1.html",
                                                               "http://127.0.0.1:9/zwgk/gknb/index_1.html"}


def test_site_selectors_are_part_of_the_rules():
    assert list_rules(["div.list a"]) != list_rules() == list_rules([])


def middleware_with(tmp_path, etag: str | None) -> KnownListMiddleware:
    """A middleware whose archive remembers list request k1 of site 127.0.0.1:9 as read from PAGE."""
    crawler = get_crawler(AnnualReportsSpider)
    crawler.spider = crawler._create_spider(start_url="http://127.0.0.1:9/")
    with archive.open_archive(tmp_path / "a.db") as store:
        url = "http://127.0.0.1:9/l"
        store.record_list_page(ListPage(key="k1", site="127.0.0.1:9", url=url, final_url=url, family=None,
                                        rules=list_rules(), sha256=hashlib.sha256(PAGE).hexdigest(),
                                        items=[], pages=[], etag=etag).to_dict())
        middleware = KnownListMiddleware(crawler, owner=None)  # the remembered pages are given below
        middleware._known = store.known_list_pages(["127.0.0.1:9"])
    return middleware


def list_request(key: str = "k1") -> Request:
    return Request("http://127.0.0.1:9/l", meta={"nianbao_kind": "list", "frontier_key": key, "site": "127.0.0.1:9"})


def test_the_middleware_hands_over_a_reading_only_for_the_same_bytes(tmp_path):
    middleware = middleware_with(tmp_path, etag=None)
    for body, handed in ((PAGE, True), (PAGE + b" ", False)):
        request = list_request()
        middleware.process_request(request)
        assert b"If-None-Match" not in request.headers  # no ETag was served: nothing to ask with
        middleware.process_response(request, HtmlResponse(request.url, body=body, request=request))
        assert ("nianbao_known_list" in request.meta) is handed


def test_a_remembered_etag_is_sent_and_a_304_hands_the_reading_over(tmp_path):
    middleware = middleware_with(tmp_path, etag='"abc"')
    request = list_request()
    middleware.process_request(request)
    assert request.headers[b"If-None-Match"] == b'"abc"'
    middleware.process_response(request, HtmlResponse(request.url, status=304, body=b"", request=request))
    assert request.meta["nianbao_known_list"]["etag"] == '"abc"'
    unknown = list_request("k2")
    middleware.process_request(unknown)
    assert b"If-None-Match" not in unknown.headers


def test_a_304_with_no_reading_to_follow_asks_once_more_in_full(tmp_path):
    """The page now ends at another URL: its old reading does not apply, and a 304 has no body to read."""
    middleware = middleware_with(tmp_path, etag='"abc"')
    request = list_request()
    middleware.process_request(request)
    moved = "http://127.0.0.1:9/moved/l"
    retry = middleware.process_response(request, HtmlResponse(moved, status=304, body=b"", request=request))
    assert isinstance(retry, Request) and retry.url == request.url
    assert b"If-None-Match" not in retry.headers and "nianbao_known_list" not in retry.meta
    middleware.process_request(retry)
    assert b"If-None-Match" not in retry.headers  # the second time it goes out unconditional
    again = HtmlResponse(moved, status=304, body=b"", request=retry)
    assert middleware.process_response(retry, again) is again  # never a loop


def test_no_etag_is_sent_when_the_list_code_has_changed(tmp_path):
    """After a change to the list code a 304 would leave nothing to read: ask for the page in full."""
    middleware = middleware_with(tmp_path, etag='"abc"')
    with archive.open_archive(tmp_path / "a.db") as store:
        store.db.execute("UPDATE list_pages SET rules = 'older code'")
        store.db.conn.commit()
        middleware._known = store.known_list_pages(["127.0.0.1:9"])
    request = list_request()
    middleware.process_request(request)
    assert b"If-None-Match" not in request.headers
    middleware.process_response(request, HtmlResponse(request.url, body=PAGE, request=request))
    assert "nianbao_known_list" not in request.meta


def test_static_list_pages_answer_304_and_are_followed_from_the_archive(tmp_path):
    """TRS columns are static files with ETags: an unchanged night gets 304s, even on a new day."""
    from fixture_portal import FixturePortal

    with FixturePortal(seed=3, families=("trs",)) as portal:
        db = tmp_path / "a.db"
        first, first_requests = crawl_with_stats(db, portal, tmp_path / "1.json")
        read = first["nianbao/lists/read"]
        portal.advance_clock(days=1)  # a new date line: the bytes change, the ETag does not
        before = len(portal.request_log)
        second, second_requests = crawl_with_stats(db, portal, tmp_path / "2.json")
        asked = [headers for _, path, _, headers in portal.request_log[before:] if "/zfxxgknb/index" in path]
    assert read > 0 and second["nianbao/lists/known"] == read and "nianbao/lists/read" not in second
    assert asked and all(h.get("If-None-Match") for h in asked)
    assert second["downloader/response_status_count/304"] >= read
    assert second_requests == first_requests


def test_a_schema_7_archive_gains_list_pages(tmp_path):
    path = tmp_path / "old.db"
    with archive.open_archive(path):
        pass
    conn = sqlite3.connect(path)
    undo_text_deltas(conn)
    conn.execute("DROP TABLE list_pages")  # as schema 7 had it
    conn.execute("DELETE FROM _sqlite_migrations WHERE name IN ('008_list_pages', '011_run_partial')")
    conn.execute("UPDATE schema_meta SET value = '7' WHERE key = 'schema_version'")
    conn.commit()
    conn.close()
    with archive.open_archive(path) as store:
        assert store.known_list_pages(["x"]) == {}
        assert store.db.execute("select value from schema_meta where key = 'schema_version'").fetchone()[0] == str(archive.SCHEMA_VERSION)
