"""The crawl's archive has one owner; a crawl without one says which features are off."""

from __future__ import annotations

import logging

import pytest
from scrapy.exceptions import NotConfigured
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
