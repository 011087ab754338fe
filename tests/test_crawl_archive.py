"""The crawl's archive has one owner; a crawl without one says which features are off."""

from __future__ import annotations

import logging

import pytest
from scrapy.exceptions import NotConfigured
from scrapy.http import Request, Response
from scrapy.utils.test import get_crawler

from crawler.crawl_archive import CrawlArchive
from crawler.middlewares import ConditionalRequestMiddleware, KnownListMiddleware
from crawler.pipelines import ArchivePipeline
from crawler.runner import crawl_settings
from crawler.spider_middlewares import FrontierMiddleware, RevisitKnownMiddleware
from spiders.annual_reports import AnnualReportsSpider

NEEDS_THE_ARCHIVE = [
    (ConditionalRequestMiddleware, "conditional requests"),
    (KnownListMiddleware, "known list pages"),
    (FrontierMiddleware, "the resumable frontier"),
    (RevisitKnownMiddleware, "revisits of known documents"),
    (ArchivePipeline, "the archive writer"),
]


def crawler_for(db: str):
    extensions = {"crawler.crawl_archive.CrawlArchive": crawl_settings(db or "unused.db")["EXTENSIONS"]
                  ["crawler.crawl_archive.CrawlArchive"]}
    # get_crawler builds the extensions, as Crawler.crawl does before the engine and its components
    return get_crawler(AnnualReportsSpider, {"NIANBAO_DB": db, "NIANBAO_COMMAND": "test", "EXTENSIONS": extensions})


def test_with_an_archive_every_component_gets_the_one_owner(tmp_path):
    crawler = crawler_for(str(tmp_path / "a.db"))
    owner = CrawlArchive.of(crawler)
    assert owner is not None
    for component, _ in NEEDS_THE_ARCHIVE:
        assert component.from_crawler(crawler).owner is owner


@pytest.mark.parametrize(("component", "feature"), NEEDS_THE_ARCHIVE)
def test_without_an_archive_each_feature_says_it_is_off(caplog, component, feature):
    crawler = crawler_for("")
    assert CrawlArchive.of(crawler) is None
    with caplog.at_level(logging.WARNING), pytest.raises(NotConfigured):
        component.from_crawler(crawler)
    assert f"{feature}" in caplog.text and "off (this crawl writes no archive)" in caplog.text


@pytest.mark.parametrize(("reason", "refused", "rows", "expected"), [
    ("finished", 0, [("a", 3, None)], ("ok", None)),
    ("finished", 0, [("a", 3, None), ("b", 0, "connect")], ("partial", "1 of 2 sites failed: b (connect)")),
    ("finished", 2, [("a", 3, None)], ("partial", "2 captures could not be recorded; their requests stay queued")),
    ("closespider_pagecount", 0, [("a", 3, None)], ("partial", "stopped early: closespider_pagecount")),
    ("memusage_exceeded", 0, [("a", 3, None)], ("partial", "stopped early: memusage_exceeded")),
    ("finished", 0, [("a", 0, "robots"), ("b", 0, "dns")],
     ("failed", "no site could be crawled: a (robots), b (dns)")),
    ("cancelled", 0, [("a", 3, None)], ("failed", "the crawl stopped: cancelled")),
    ("shutdown", 0, [("a", 0, "connect")],
     ("interrupted", "stopped by a signal; the next crawl resumes from the frontier")),
])
def test_the_run_status_follows_the_close_reason_and_the_sites(reason, refused, rows, expected):
    owner = CrawlArchive("unused.db", "crawl")
    owner.sites, owner.refused = sorted(site for site, _, _ in rows), refused
    site_rows = [{"site": site, "succeeded": ok, "error_classes": classes} for site, ok, classes in rows]
    assert owner.verdict(reason, site_rows) == expected


def test_a_target_that_produced_no_capture_at_all_counts_as_failed():
    owner = CrawlArchive("unused.db", "crawl")
    owner.sites = ["a", "b"]
    status, error = owner.verdict("finished", [{"site": "a", "succeeded": 2, "error_classes": None}])
    assert (status, error) == ("partial", "1 of 2 sites failed: b (nothing fetched)")


def test_a_site_whose_lists_were_read_on_a_night_with_nothing_due_is_not_failed():
    owner = CrawlArchive("unused.db", "crawl")
    owner.sites = ["a", "b", "c", "d"]
    for site, kind in (("a", "list"), ("b", "home"), ("c", "list"), ("d", "list")):
        owner.response_received(Response(f"http://{site}/", status=200), Request(f"http://{site}/",
                                meta={"site": site, "nianbao_kind": kind}), None)
    for site in ("a", "c"):  # the spider read their lists; d's answered 200 with a "page not found"
        owner.list_read(site)
    rows = [{"site": "c", "succeeded": 0, "error_classes": "http_5xx"},  # its one due document failed
            {"site": "d", "succeeded": 0, "error_classes": "not_found"}]
    assert owner.verdict("finished", rows) == ("partial", "2 of 4 sites failed: d (not_found), b (nothing fetched)")


def test_without_the_archive_writer_sites_are_not_judged_by_captures():
    owner = CrawlArchive("unused.db", "crawl")
    owner.sites, owner.records_captures = ["a"], False  # ITEM_PIPELINES without ArchivePipeline
    assert owner.verdict("finished", []) == ("ok", None)


def test_what_a_run_lost_makes_it_partial_beside_its_failed_sites():
    owner = CrawlArchive("unused.db", "crawl")
    owner.sites = ["a", "b"]
    losses = {"parse": {"count": 2, "first": "malformed link"}, "capped": {"count": 1, "first": "list page cap"}}
    assert owner.verdict("finished", [{"site": "a", "succeeded": 3, "error_classes": "capped,parse"}], losses) == (
        "partial", "1 of 2 sites failed: b (nothing fetched); 1 capped (first: list page cap); "
                   "2 parse (first: malformed link)")
    owner.sites = ["a"]
    assert owner.verdict("finished", [{"site": "a", "succeeded": 3, "error_classes": "parse"}], losses) == (
        "partial", "1 capped (first: list page cap); 2 parse (first: malformed link)")


def test_an_archive_that_takes_no_more_writes_fails_the_run_whatever_else_happened():
    owner = CrawlArchive("unused.db", "crawl")
    owner.sites, owner.unwritable = ["a"], "cannot record 8 captures: database or disk is full"
    status, error = owner.verdict("shutdown", [{"site": "a", "succeeded": 3, "error_classes": None}])
    assert status == "failed" and error.startswith("the archive cannot be written: cannot record 8 captures")
