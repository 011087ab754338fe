"""What nianbao's middlewares need of the spider they serve, as a typed contract.

``spiders.annual_reports.AnnualReportsSpider`` implements it; the middlewares never import the
spider (spiders sit above the crawl layer) and reach it as ``crawler.spider``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, cast

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import Response

from nianbao.capture import Capture
from nianbao.crawl_types import CrawlTarget, FrontierEntry, KnownDocument


class PortalSpider(Protocol):
    """A spider that crawls named sites and can rebuild its requests from archived rows."""

    targets: dict[str, CrawlTarget]

    def allows(self, url: str, site: str) -> bool:
        """Whether ``url`` is on one of the hosts of ``site``."""
        ...

    def accept_move(self, site: str, previous: str, status: int, url: str) -> bool:
        """Whether a redirect from ``previous`` (``status``) to ``url`` says ``site`` moved; if so it is adopted."""
        ...

    def adopt_move(self, site: str, alias: str, origin: str) -> None:
        """``alias``'s origin of ``site`` now answers at ``origin``'s: ask there (learned in an earlier crawl)."""
        ...

    def list_rules_for(self, site: str) -> str:
        """The digest of the rules that read ``site``'s list pages (see ``archive.list_pages``)."""
        ...

    def request_from_frontier(self, entry: FrontierEntry) -> Request | None:
        """A request an interrupted crawl had queued, rebuilt; None when it is not for this crawl."""
        ...

    def revisit_request(self, document: KnownDocument) -> Request | None:
        """A request for a document the archive holds; None when it is not for this crawl."""
        ...

    def skip_released(self, skip: Callable[[Request], bool]) -> None:
        """Pass the requests the spider schedules itself (items held for a column's end, which no spider
        middleware sees) through ``skip`` first: one it is true for is not made."""
        ...

    def reading_failed(self, response: Response, exc: BaseException) -> Capture:
        """The capture recording that reading ``response`` raised ``exc`` (class ``parse``, bytes kept)."""
        ...


def portal_spider(crawler: Crawler) -> PortalSpider:
    """The crawl's spider, as the contract the middlewares rely on."""
    return cast(PortalSpider, crawler.spider)


def crawled_sites(crawler: Crawler) -> list[str]:
    """The names of the sites this crawl covers, sorted."""
    return sorted(getattr(crawler.spider, "targets", {}))
