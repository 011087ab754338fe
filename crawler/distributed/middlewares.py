"""A worker's extra middlewares: marking its seeds queued, keeping robots.txt polite, sharing site moves.

**SeededMiddleware** (spider middleware, nearest the engine) tells the other workers and the writer
that this worker's start requests (homepages, known documents) are all queued: until one worker has
said so, an empty queue does not mean the crawl is done.

**RobotsGapMiddleware** (downloader middleware, right after the robots.txt middleware) waits the
host's delay between a robots.txt response and the request that asked for it. robots.txt is fetched
inside a gated request's processing, so no other worker is on the host meanwhile, but the page
followed at once: Scrapy's own slot delay runs from when robots.txt was dispatched, and a worker busy
starting up dispatched it long before the server saw it (gaps of 1 ms were seen without this).
It also puts robots.txt in its host's local download slot (the gate, host and port): Scrapy's slot
by host name alone made every site of one address wait for each other's robots.txt.

**SharedMovesMiddleware** (downloader middleware, right before the site boundary) shares the moves
of sites. A worker that follows a site's permanent move adopts its new origin (see
``crawler.middlewares.SiteBoundaryMiddleware``), but the requests to that origin go to the shared
queue, and a worker that had not seen the move would refuse them as offsite. So a move one worker
accepts is kept in Redis (``P:site:moves``), and a worker about to refuse a request as offsite first
adopts the moves the others accepted.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import time
from collections.abc import AsyncIterator
from typing import Any

from redis.exceptions import RedisError
from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from crawler.distributed.keys import gate_key
from crawler.distributed.shared import SharedCrawl, _text
from crawler.portal_spider import portal_spider

logger = logging.getLogger(__name__)


class SeededMiddleware:
    def __init__(self, shared: SharedCrawl):
        self.shared = shared

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SeededMiddleware:
        shared = SharedCrawl.of(crawler)
        if shared is None:
            raise NotConfigured
        return cls(shared)

    async def process_start(self, start: AsyncIterator[Any]) -> AsyncIterator[Any]:
        async for obj in start:
            yield obj  # the engine queues each start request (engine.crawl) before asking for the next
        while True:  # until Redis answers; closing the spider cancels the wait
            try:
                self.shared.scheduler.mark_seeded()
                return
            except RedisError as exc:
                logger.warning("start requests not marked queued (%s); trying again", exc)
                await asyncio.sleep(1)


class RobotsGapMiddleware:
    def __init__(self, crawler: Crawler):
        settings = crawler.settings
        self.delay, self.jitter = settings.getfloat("DOWNLOAD_DELAY"), settings.getfloat("DOWNLOAD_DELAY_JITTER")
        self.robots_done: dict[str, float] = {}
        crawler.signals.connect(self._left, signal=signals.request_left_downloader)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RobotsGapMiddleware:
        if SharedCrawl.of(crawler) is None or not crawler.settings.getfloat("DOWNLOAD_DELAY"):
            raise NotConfigured
        return cls(crawler)

    def _left(self, request: Request, spider: Any = None) -> None:
        if request.meta.get("dont_obey_robotstxt") and "site" not in request.meta:
            self.robots_done[gate_key(request.url)] = time.monotonic()

    async def process_request(self, request: Request) -> None:
        if request.meta.get("dont_obey_robotstxt") and "site" not in request.meta:
            request.meta.setdefault("download_slot", gate_key(request.url))  # robots.txt itself
            return
        done = self.robots_done.pop(gate_key(request.url), None)
        if done is not None:
            jitter = 1 + random.uniform(-self.jitter, self.jitter)  # noqa: S311 - spacing requests, not secrecy
            wait = done + self.delay * jitter - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)


class SharedMovesMiddleware:
    def __init__(self, crawler: Crawler, shared: SharedCrawl):
        self.crawler, self.shared = crawler, shared

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SharedMovesMiddleware:
        shared = SharedCrawl.of(crawler)
        if shared is None:
            raise NotConfigured
        return cls(crawler, shared)

    def process_request(self, request: Request) -> None:
        site = request.meta.get("site")
        spider = portal_spider(self.crawler)
        if site is None or spider.allows(request.url, site):
            return
        self._adopt_shared(site)
        previous, reasons = request.meta.get("redirect_urls"), request.meta.get("redirect_reasons")
        if not spider.allows(request.url, site) and previous and reasons and \
                spider.accept_move(site, previous[-1], reasons[-1], request.url):
            self.shared.server.hset(self.shared.keys("site:moves"), json.dumps([site, previous[-1]]), request.url)

    def _adopt_shared(self, site: str) -> None:
        """Adopt the moves of ``site`` other workers accepted."""
        spider = portal_spider(self.crawler)
        for field, origin in self.shared.server.hgetall(self.shared.keys("site:moves")).items():
            moved_site, alias = json.loads(field)
            if moved_site == site:
                spider.adopt_move(site, alias, _text(origin))
