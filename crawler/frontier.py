"""Spider middleware that keeps the crawl frontier in the archive, so a killed crawl resumes exactly.

Every request a spider yields is queued in the archive before Scrapy schedules it; a list page
that yields no capture is marked done in the same transaction as the requests it led to, and
every capture is marked done by the archive pipeline when it is recorded. On start, requests
left queued by an unfinished crawl of the same sites are scheduled again and requests already
done are skipped. Scrapy's JOBDIR alone is not enough: after SIGKILL it can skip
scheduled-but-unfetched requests as already seen.

Under scrapy-redis the redis queue is the frontier: set ``NIANBAO_FRONTIER = False``.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response

import archive
from nianbao.capture import Capture
from crawler.pipelines import ArchivePipeline

logger = logging.getLogger(__name__)

# The navigation state a request carries; enough to rebuild it in another process.
FRONTIER_META = ("nianbao_kind", "site", "column", "hub_depth", "title_hint", "classify_rule", "parent_url")


# Start requests (homepages, then every known document) are queued this many to a transaction;
# each is in the archive before Scrapy sees it.
START_BATCH = 256


def frontier_entry(request: Request) -> dict[str, Any]:
    """A request as a frontier row (see ``archive.frontier``)."""
    form = [list(pair) for pair in request.meta.get("nianbao_form", ())]
    headers = {k.decode(): v[-1].decode() for k, v in request.headers.items()
               if k.decode() in ("X-Requested-With", "Referer", "Accept")}
    return {"key": request.meta["frontier_key"], "site": request.meta["site"], "url": request.url,
            "method": request.method, "form": form, "headers": headers,
            "callback": getattr(request.callback, "__name__", "parse"),
            "meta": {k: request.meta[k] for k in FRONTIER_META if k in request.meta}}


class FrontierMiddleware:
    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self._done: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FrontierMiddleware:
        if not crawler.settings.getbool("NIANBAO_FRONTIER", True):
            raise NotConfigured
        return cls(crawler)

    def _archive(self) -> tuple[archive.Archive, int | None]:
        pipeline = self.crawler.get_item_pipeline(ArchivePipeline)
        if pipeline is None or pipeline.archive is None:
            raise NotConfigured("the frontier needs crawler.pipelines.ArchivePipeline")
        return pipeline.archive, pipeline.run_id

    async def process_start(self, start: AsyncIterator[Any]) -> AsyncIterator[Any]:
        store, run_id = self._archive()
        spider = self.crawler.spider
        sites = sorted(getattr(spider, "targets", {}))
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
            store, run_id = self._archive()
            store.frontier_queue([frontier_entry(r) for r in requests], run_id=run_id, done_key=done_key)
        for obj in fresh:
            yield obj

    def process_spider_output(self, response: Response, result: Any) -> Any:
        raise NotImplementedError("FrontierMiddleware works on the async output path only")
