"""Spider middlewares that read the archive: the crawl frontier, and revisits of known documents.

The frontier needs the crawl's own archive (:class:`~crawler.crawl_archive.CrawlArchive`); revisits
need only its :class:`~crawler.archive_view.ArchiveView`, which a distributed worker reads from Redis.
Without them they are off, and say so at start-up. (A distributed crawl's Redis queue is its
resumable frontier.)

**FrontierMiddleware** keeps the crawl frontier in the archive, so a killed crawl resumes exactly.
Every request a spider yields is queued in the archive before Scrapy schedules it; a list page
that yields no capture is marked done in the same transaction as the requests it led to, and
every capture is marked done by the archive pipeline when it is recorded. On start, requests
left queued by an unfinished crawl of the same sites are scheduled again and requests already
done are skipped. Scrapy's JOBDIR alone is not enough: after SIGKILL it can skip
scheduled-but-unfetched requests as already seen.

**RevisitKnownMiddleware** requests every live document the archive holds for the crawled sites.
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

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response

from crawler.archive_view import ViewSource, view_or_off
from crawler.crawl_archive import CrawlArchive, archive_or_off
from crawler.portal_spider import crawled_sites, portal_spider
from nianbao.capture import Capture
from nianbao.crawl_types import FrontierEntry

logger = logging.getLogger(__name__)

# The navigation state a request carries; enough to rebuild it in another process.
FRONTIER_META = ("nianbao_kind", "site", "column", "hub_depth", "title_hint", "classify_rule", "parent_url")


# Start requests (homepages, then every known document) are queued this many to a transaction;
# each is in the archive before Scrapy sees it.
START_BATCH = 256


def frontier_entry(request: Request) -> FrontierEntry:
    """A request as a frontier row (see ``archive.frontier``)."""
    form = [list(pair) for pair in request.meta.get("nianbao_form", ())]
    headers = {k.decode(): v[-1].decode() for k, v in request.headers.items()
               if k.decode() in ("X-Requested-With", "Referer", "Accept")}
    return {"key": request.meta["frontier_key"], "site": request.meta["site"], "url": request.url,
            "method": request.method, "form": form, "headers": headers,
            "callback": getattr(request.callback, "__name__", "parse"),
            "meta": {k: request.meta[k] for k in FRONTIER_META if k in request.meta}}


class FrontierMiddleware:
    def __init__(self, crawler: Crawler, owner: CrawlArchive):
        self.crawler = crawler
        self.owner = owner
        self._done: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FrontierMiddleware:
        if not crawler.settings.getbool("NIANBAO_FRONTIER", True):
            raise NotConfigured
        return cls(crawler, archive_or_off(crawler, "the resumable frontier (NIANBAO_FRONTIER)"))

    async def process_start(self, start: AsyncIterator[Any]) -> AsyncIterator[Any]:
        store, run_id = self.owner.archive, self.owner.run_id
        spider = portal_spider(self.crawler)
        sites = crawled_sites(self.crawler)
        self._done = store.frontier_done_keys(sites)
        pending = store.frontier_pending(sites)
        if pending or self._done:
            logger.warning("resuming an unfinished crawl of %s: %d queued, %d done", ", ".join(sites),
                           len(pending), len(self._done))
        for entry in pending:
            request = spider.request_from_frontier(entry)
            if request is not None:
                yield request

        def queued(batch: list[Request]) -> list[Request]:
            store.frontier_queue([frontier_entry(r) for r in batch], run_id=run_id)
            return batch

        batch: list[Request] = []
        async for obj in start:
            if not isinstance(obj, Request):
                yield obj
            elif obj.meta.get("frontier_key") not in self._done:
                batch.append(obj)
                if len(batch) >= START_BATCH:
                    for request in queued(batch):
                        yield request
                    batch = []
        for request in queued(batch) if batch else ():
            yield request

    async def process_spider_output_async(self, response: Response, result: AsyncIterator[Any]) -> AsyncIterator[Any]:
        """Queue what a response led to, then pass it on.

        The response's own request is marked done here unless a capture of it is among the outputs:
        that capture marks it done when the archive records it, in the same transaction.
        """
        outputs = [obj async for obj in result]
        fresh = [obj for obj in outputs if not (isinstance(obj, Request) and obj.meta.get("frontier_key") in self._done)]
        requests = [obj for obj in fresh if isinstance(obj, Request) and "frontier_key" in obj.meta]
        key = response.meta.get("frontier_key")
        captured = any(isinstance(obj, Capture) and obj.frontier_key == key for obj in fresh)
        done_key = None if captured else key
        if requests or done_key:
            self.owner.archive.frontier_queue([frontier_entry(r) for r in requests], run_id=self.owner.run_id,
                                              done_key=done_key)
        for obj in fresh:
            yield obj

    def process_spider_output(self, response: Response, result: Any) -> Any:
        raise NotImplementedError("FrontierMiddleware works on the async output path only")


class RevisitKnownMiddleware:
    def __init__(self, crawler: Crawler, owner: ViewSource):
        self.crawler = crawler
        self.owner = owner

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RevisitKnownMiddleware:
        if not crawler.settings.getbool("NIANBAO_REVISIT_KNOWN", True):
            raise NotConfigured
        return cls(crawler, view_or_off(crawler, "revisits of known documents (NIANBAO_REVISIT_KNOWN)"))

    async def process_start(self, start: AsyncIterator[Any]) -> AsyncIterator[Any]:
        async for obj in start:
            yield obj
        spider = portal_spider(self.crawler)
        known = self.owner.view.known_documents(crawled_sites(self.crawler))
        if known:
            logger.info("revisiting %d known documents", len(known))
        for document in known:
            request = spider.revisit_request(document)
            if request is not None:
                yield request
