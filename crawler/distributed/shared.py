"""A worker's membership of a distributed crawl (a Scrapy extension): the Redis connection, the crawl's
keys, and which crawl it joined.

Workers of one crawl share a label (``--label``, default ``crawl``: keys ``nb:{label}:…``). The first
worker proposes its sites and the digest of its list-reading code; the writer then opens the crawl
(a new id, the archive run, the published views) and every worker of those sites and that code
joins it. A worker with other sites or other code is refused: the crawl would mix two spiders.

The scheduler, the capture pipeline and the middlewares that read the archive get it from here
(:meth:`SharedCrawl.of`), as a crawl of one process gets its archive from ``CrawlArchive``.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import os
import socket
import time
from typing import Any

from redis.exceptions import RedisError
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import CloseSpider, NotConfigured
from scrapy_redis.connection import get_redis_from_settings

from crawler.crawl_archive import DOCUMENT_KINDS
from crawler.distributed.keys import CrawlKeys
from crawler.distributed.scripts import Scripts
from crawler.distributed.view import RedisArchiveView
from crawler.portal_spider import crawled_sites, portal_spider
from nianbao.crawl_types import list_read

logger = logging.getLogger(__name__)
JOIN_POLL_SECONDS = 0.25


class SharedCrawl:
    """The worker's side of one distributed crawl."""

    def __init__(self, server: Any, keys: CrawlKeys, *, wait_seconds: float = 600.0):
        self.server, self.keys, self.wait_seconds = server, keys, wait_seconds
        self.scripts = Scripts(server)
        self.worker = f"{socket.gethostname()}:{os.getpid()}"
        self.crawl_id: str | None = None
        self.scheduler: Any = None  # the LeaseScheduler, once open: the pipeline nacks through it
        self._view: RedisArchiveView | None = None
        self._listed: set[str] = set()  # sites this worker said were reached

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SharedCrawl:
        settings = crawler.settings
        if not settings.get("NIANBAO_REDIS_URL"):
            raise NotConfigured("NIANBAO_REDIS_URL is empty: not a worker of a distributed crawl")
        shared = cls(get_redis_from_settings(settings), CrawlKeys(settings.get("NIANBAO_COMMAND")),
                     wait_seconds=settings.getfloat("NIANBAO_REDIS_WAIT_SECONDS"))
        crawler.signals.connect(shared.response_received, signal=signals.response_received)
        crawler.signals.connect(shared.list_read, signal=list_read)
        return shared

    def response_received(self, response: Any, request: Any, spider: Any) -> None:
        """Note a site whose documents answered, for the writer's verdict (as ``CrawlArchive`` does in one process)."""
        if response.status < 400 and request.meta.get("nianbao_kind") in DOCUMENT_KINDS:
            self.list_read(request.meta.get("site"))

    def list_read(self, site: str) -> None:
        """Note a site whose column this worker read."""
        if site not in self._listed:
            self.server.sadd(self.keys("listed"), site)
            self._listed.add(site)

    @staticmethod
    def of(crawler: Crawler | None) -> SharedCrawl | None:
        """The crawl's shared state, or None when this is not a worker of a distributed crawl."""
        if crawler is None or getattr(crawler, "extensions", None) is None:
            return None
        return crawler.get_extension(SharedCrawl)

    @property
    def view(self) -> RedisArchiveView:
        """What the writer published of the archive for this crawl (``crawler.archive_view.ArchiveView``)."""
        if self._view is None:
            self._view = RedisArchiveView(self.server, self.keys)
        return self._view

    async def join(self, crawler: Crawler) -> str:
        """Propose or match the crawl's sites and code, then wait until the writer opens the crawl."""
        targets = json.dumps(getattr(crawler.spider, "targets", {}), sort_keys=True, ensure_ascii=False)
        code = code_digest(crawler)
        deadline = time.monotonic() + self.wait_seconds
        waiting = False
        while True:
            try:
                reply = [_text(part) for part in self.scripts("JOIN", self.keys.prefix, targets, code)]
            except RedisError as exc:  # a Redis restarting: ask again until the deadline
                logger.warning("cannot join crawl %s yet: %s", self.keys.label, exc)
                reply = ["unreachable"]
            if reply[0] == "open":
                self.crawl_id = reply[1]
                logger.info("joined crawl %s (%s) as worker %s", self.keys.label, self.crawl_id, self.worker)
                return self.crawl_id
            if reply[0] == "conflict":
                logger.error("crawl %s in %s is of other %s; use another --label, or the same sites and code",
                             self.keys.label, self.server, reply[1])
                raise CloseSpider("redis_conflict")
            if time.monotonic() > deadline:
                logger.error("no writer opened crawl %s within %g s: is `nianbao write --redis … --label %s` running?",
                             self.keys.label, self.wait_seconds, self.keys.label)
                raise CloseSpider("no_writer")
            if not waiting and reply[0] == "wait":
                logger.info("waiting for the writer to open crawl %s", self.keys.label)
                waiting = True
            await asyncio.sleep(JOIN_POLL_SECONDS)


def code_digest(crawler: Crawler) -> str:
    """The rules every worker must read list pages by (the spider's list code and each site's selectors)."""
    spider = portal_spider(crawler)
    rules = {site: spider.list_rules_for(site) for site in crawled_sites(crawler)}
    return hashlib.sha256(json.dumps(rules, sort_keys=True).encode()).hexdigest()[:32]


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
