"""Spider middleware that revisits every live document the archive holds for the crawled sites.

A nightly run must notice a report edited or removed even when no list links it any more (a
column redesigned, a report quietly delisted). So after the spider's own start requests, each
known page and attachment is requested directly, conditionally where validators are stored.
This also lets revalidation run at full concurrency from the first second, instead of waiting
for the list pages to lead to each report again. The spider skips a URL it already asked for,
so a list that links a known report later adds no second request.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from crawler.pipelines import crawl_archive

logger = logging.getLogger(__name__)


class RevisitKnownMiddleware:
    def __init__(self, crawler: Crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RevisitKnownMiddleware:
        if not crawler.settings.getbool("NIANBAO_REVISIT_KNOWN", True):
            raise NotConfigured
        return cls(crawler)

    async def process_start(self, start: AsyncIterator[Any]) -> AsyncIterator[Any]:
        async for obj in start:
            yield obj
        store = crawl_archive(self.crawler)
        if store is None:
            raise NotConfigured("revisiting known documents needs crawler.pipelines.ArchivePipeline")
        spider = self.crawler.spider
        known = store.known_documents(sorted(getattr(spider, "targets", {})))
        if known:
            logger.info("revisiting %d known documents", len(known))
        for document in known:
            request = spider.revisit_request(document)
            if request is not None:
                yield request
