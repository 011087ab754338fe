"""The shared frontier as Scrapy's scheduler: a lease queue in Redis, gated per host across all workers.

``SCHEDULER = "crawler.distributed.scheduler.LeaseScheduler"``. scrapy-redis's own scheduler pops
requests (a worker killed by SIGKILL loses them, and its dupefilter then blocks them for good), keeps
politeness per process, and never filters nianbao's requests (all ``dont_filter``). Here:

* a pop (``scripts.POP``) moves the request into an in-flight set with a lease and a token, and only
  from a host that has a free slot and whose next allowed time (Redis server time) has passed;
* the host slot is given back when the download ends (``request_left_downloader``): the host's next
  allowed time becomes the end plus its delay, shared by every worker, AutoThrottle's rule applied;
* the lease is acknowledged when the engine is done with the request: callback or errback run, every
  request it led to queued, every capture through the pipelines (on the stream). A retry or redirect
  goes back under the same lease id; a request whose capture could not be pushed is nacked;
* the lease is renewed while the worker lives; any worker requeues expired leases, and dead-letters a
  request after ``NIANBAO_REDIS_MAX_ATTEMPTS`` expiries;
* requests are deduplicated on their frontier key, and the per-site and per-column caps and the "no
  年报 column" verdict are kept in Redis, for all workers at once.

The crawl is done, for every worker at once, when its seeds are queued and nothing is queued or in
flight. Two engine details are private and pinned by the tests: the engine slot's ``remove_request``
(the one moment a request is fully processed) and its ``nextcall`` (to wake the engine when a host's
delay has passed, instead of on its 5 s heartbeat).
"""

from __future__ import annotations

import logging
import random
import time
from typing import Any

from redis.exceptions import RedisError
from scrapy import Request, Spider, signals
from scrapy.core.scheduler import BaseScheduler
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from scrapy.utils.asyncio import create_looping_call
from scrapy.utils.defer import deferred_from_coro
from twisted.internet.defer import Deferred

from crawler.distributed.keys import gate_key
from crawler.distributed.requests_json import decode_request, encode_request
from crawler.distributed.shared import SharedCrawl, _text
from crawler.distributed.stream import no_column_key, no_column_meta

logger = logging.getLogger(__name__)

LEASE = "nianbao_lease"  # request.meta: [id, token] of the lease the request runs under
STATUS = "nianbao_status"  # request.meta: the response status, for the shared throttle
PUSH_BATCH = 64  # requests queued per script call; the buffer is always flushed before an ack
REAP_LIMIT = 100


class CrawlFenced(RedisError):
    """The crawl's id is not in Redis, yet the crawl has not ended: a Redis that crashed lost its last
    writes. The writer sets the id again; until then the worker waits as if Redis were unreachable."""


class LeaseScheduler(BaseScheduler):
    """See the module docstring."""

    def __init__(self, crawler: Crawler, shared: SharedCrawl):
        settings = crawler.settings
        self.crawler, self.shared, self.scripts, self.keys = crawler, shared, shared.scripts, shared.keys
        self.conc = settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN")
        self.delay_ms = int(settings.getfloat("DOWNLOAD_DELAY") * 1000)
        self.jitter = settings.getfloat("DOWNLOAD_DELAY_JITTER")
        self.max_delay_ms = int(settings.getfloat("AUTOTHROTTLE_MAX_DELAY") * 1000)
        self.target = settings.getfloat("AUTOTHROTTLE_TARGET_CONCURRENCY")
        self.throttle = settings.getbool("AUTOTHROTTLE_ENABLED")
        self.lease_ms = int(settings.getfloat("NIANBAO_REDIS_LEASE_SECONDS") * 1000)
        self.max_attempts = settings.getint("NIANBAO_REDIS_MAX_ATTEMPTS")
        self.backlog = (settings.getint("NIANBAO_REDIS_BACKLOG_CAPTURES"),
                        settings.getint("NIANBAO_REDIS_BACKLOG_MB") * 1024 * 1024)
        self.caps = (settings.getint("NIANBAO_MAX_REQUESTS_PER_SITE"), settings.getint("NIANBAO_MAX_LIST_PAGES"))
        self.held: dict[str, str] = {}  # lease id -> token, renewed while we live
        self.failed: set[str] = set()  # leases whose captures did not reach the stream: nack, never ack
        self.failed_homes: set[str] = set()  # homepage leases whose fetch failed (the verdict needs it)
        self.gone = False  # the crawl ended (the writer closed it)
        self.seeded = False
        self._closing = False
        self.spider: Spider | None = None
        self._pending: list[Request] = []
        self._unreachable_since: float | None = None
        self._loops: list[Any] = []

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> LeaseScheduler:
        shared = SharedCrawl.of(crawler)
        if shared is None:
            raise NotConfigured("the lease scheduler needs a distributed crawl (NIANBAO_REDIS_URL)")
        return cls(crawler, shared)

    # -- lifecycle -------------------------------------------------------------------------------

    def open(self, spider: Spider) -> Deferred[None]:
        self.spider = spider
        self.shared.scheduler = self
        return deferred_from_coro(self._open())

    async def _open(self) -> None:
        await self.shared.join(self.crawler)
        slot = self.crawler.engine._slot  # private: see the module docstring
        assert slot is not None
        done_with = slot.remove_request

        def remove_request(request: Request) -> None:
            done_with(request)
            self._finished(request)

        slot.remove_request = remove_request  # type: ignore[method-assign]
        self.crawler.signals.connect(self._left_downloader, signal=signals.request_left_downloader)
        self.crawler.signals.connect(self._downloaded, signal=signals.response_downloaded)
        for func, seconds in ((self._renew, self.lease_ms / 3000), (self._reap, max(0.5, self.lease_ms / 4000))):
            loop = create_looping_call(func)
            loop.start(seconds, now=False)
            self._loops.append(loop)

    def close(self, reason: str) -> None:
        """Never flush the shared queue; hand back what this worker holds, at once rather than at expiry."""
        for loop in self._loops:
            if loop.running:
                loop.stop()
        if self.shared.crawl_id is None or self.gone:
            return
        try:
            self._flush()
            for rid, token in list(self.held.items()):
                self._requeue(rid, token, count_attempt=False)
        except RedisError as exc:
            logger.warning("leases not handed back (%s): they expire in %g s", exc, self.lease_ms / 1000)
            return
        if self.held:
            logger.info("handed back %d leases", len(self.held))
        self.held.clear()

    def mark_seeded(self) -> None:
        """This worker's start requests are all queued: the crawl may end once nothing is left."""
        self._flush()
        self._script("SEEDED")
        self.seeded = True

    # -- the engine's interface ------------------------------------------------------------------

    def enqueue_request(self, request: Request) -> bool:
        lease = request.meta.pop(LEASE, None)
        if lease and lease[0] == request.meta.get("frontier_key") and self.held.get(lease[0]) == lease[1]:
            return self._requeue_changed(request, lease)  # a retry or a redirect of a request we hold
        self._pending.append(request)
        if len(self._pending) >= PUSH_BATCH:
            self._flush()
        return True

    def next_request(self) -> Request | None:
        reply = self._call(self._pop)
        if reply is None or reply[0] != "ok":
            kind = reply[0] if reply else "error"
            # nothing poppable now: wake the engine when the first host is free, not on its heartbeat
            wait = int(reply[1]) / 1000 if kind == "wait" else {"empty": 0.1, "backpressure": 0.5}.get(kind, 1.0)
            self._wake(min(max(wait, 0.005), 1.0))
            return None
        _, rid, token, payload, gate = reply
        self.held[rid] = token
        assert self.spider is not None
        request = decode_request(payload, self.spider)
        request.meta[LEASE] = [rid, token]
        request.meta["download_slot"] = gate  # Scrapy's local slot is the shared gate
        self.crawler.stats.inc_value("nianbao/redis/popped")
        return request

    def has_pending_requests(self) -> bool:
        status = self._call(self.status)
        if status is None:
            return not self.gone  # Redis away (or the crawl's id lost): assume work remains
        _crawl, queued, inflight, _dead, _entries, seeded, _bytes = status
        return not self.gone and bool(queued or inflight or not seeded)

    def __len__(self) -> int:
        status = self._call(self.status)
        return int(status[1]) if status else 0

    def status(self) -> list[Any]:
        """(crawl id, queued, in flight, dead, stream entries, seeded, stream bytes) in one snapshot."""
        self._flush()
        reply = self.scripts("STATUS", self.keys.prefix)
        if _text(reply[0]) != self.shared.crawl_id:
            self._fenced()
        return [_text(reply[0]), *map(int, reply[1:])]

    def _script(self, name: str, *args: Any) -> list[Any]:
        """Run one of the crawl's fenced scripts (prefix and crawl id first)."""
        reply: list[Any] = self.scripts(name, self.keys.prefix, self.shared.crawl_id, *args)
        if _text(reply[0]) == "gone":
            self._fenced()
        return reply

    def _fenced(self) -> None:
        """The crawl's id is gone: the crawl ended (stop), or Redis lost it (wait: :class:`CrawlFenced`)."""
        if _text(self.shared.server.get(self.keys("ended"))) == self.shared.crawl_id:
            self.gone = True
            return
        raise CrawlFenced(f"crawl {self.shared.crawl_id} is not in Redis and has not ended")

    # -- Redis calls -------------------------------------------------------------------------------

    def _call(self, func: Any) -> Any:
        """``func()``, or None while Redis is unreachable; past NIANBAO_REDIS_WAIT_SECONDS the crawl closes."""
        try:
            result = func()
        except RedisError as exc:
            now = time.monotonic()
            if self._unreachable_since is None:
                self._unreachable_since = now
                logger.error("Redis unreachable (%s); retrying", exc)
            elif now - self._unreachable_since > self.shared.wait_seconds and not self._closing:
                self._closing = True
                logger.error("Redis unreachable for %g s: closing", now - self._unreachable_since)
                deferred_from_coro(self.crawler.engine.close_spider_async(reason="redis_unavailable"))
            return None
        if self._unreachable_since is not None:
            logger.warning("Redis reachable again")
            self._unreachable_since = None
        return result

    def _pop(self) -> list[Any]:
        self._flush()
        reply = self._script("POP", self.conc, self.lease_ms, self.shared.worker, *self.backlog, self.delay_ms,
                             self._jitter())
        kind = _text(reply[0])
        if kind != "ok":
            return [kind, *(_text(part) for part in reply[1:])]
        return [kind, _text(reply[1]), _text(reply[2]), reply[3], _text(reply[4])]

    def _flush(self) -> None:
        """Queue the buffered requests in one script call; on failure they stay buffered for the next try."""
        if not self._pending:
            return
        batch, self._pending = self._pending, []
        args: list[Any] = [self.conc, *self.caps]
        assert self.spider is not None
        for request in batch:
            meta = request.meta
            counted = meta.get("nianbao_kind") == "list" and meta.get("column") not in (None, request.url)
            args += [meta["frontier_key"], gate_key(request.url), request.priority, encode_request(request, self.spider),
                     meta["site"], meta.get("nianbao_kind", ""), meta["column"] if counted else ""]
        try:
            reply = self._script("PUSH", *args)
        except RedisError:
            self._pending = batch + self._pending
            raise
        if self.gone:
            return
        self.crawler.stats.inc_value("nianbao/redis/pushed", int(reply[1]))
        self.crawler.stats.inc_value("nianbao/redis/duplicates", int(reply[2]))
        if int(reply[3]):
            logger.warning("%d requests over NIANBAO_MAX_REQUESTS_PER_SITE or NIANBAO_MAX_LIST_PAGES not queued",
                           int(reply[3]))

    # -- lease events ------------------------------------------------------------------------------

    def _requeue_changed(self, request: Request, lease: list[str]) -> bool:
        rid, token = lease
        del self.held[rid]
        assert self.spider is not None
        try:
            self._script("REQUEUE", self.conc, rid, token, encode_request(request, self.spider), gate_key(request.url),
                         request.priority, self.delay_ms, 0)
        except RedisError as exc:
            logger.error("retry of %s not queued (%s); its lease expires and it is fetched again", request.url, exc)
            return False
        return True

    def _downloaded(self, response: Response, request: Request, spider: Spider | None = None) -> None:
        request.meta[STATUS] = response.status

    def _left_downloader(self, request: Request, spider: Spider | None = None) -> None:
        lease = request.meta.get(LEASE)
        if not lease or self.held.get(lease[0]) != lease[1]:
            return  # robots.txt and other engine downloads
        latency = request.meta.get("download_latency") if self.throttle else None
        self._call(lambda: self._script(
            "RELEASE", self.conc, lease[0], lease[1], self.delay_ms, self._jitter(),
            int(latency * 1000) if latency is not None else -1, request.meta.get(STATUS, 0),
            self.delay_ms, self.max_delay_ms, self.target))

    def _finished(self, request: Request) -> None:
        """The engine is done with a request: ack its lease (or nack it when its output did not all reach Redis)."""
        lease = request.meta.get(LEASE)
        if not lease or self.held.get(lease[0]) != lease[1]:
            return  # not ours, or requeued under a new token (retry, redirect)
        rid, token = lease
        self._call(self._flush)
        del self.held[rid]
        if self._pending:  # its children may not be queued yet: no ack; the lease expires and it is redone
            logger.warning("%s not acknowledged: Redis unreachable", request.url)
        elif rid in self.failed:
            self.failed.discard(rid)
            self._call(lambda: self._requeue(rid, token, count_attempt=True))
            self.crawler.stats.inc_value("nianbao/redis/nacked")
        else:
            self._call(lambda: self._ack(request, rid, token))

    def _ack(self, request: Request, rid: str, token: str) -> None:
        meta = request.meta
        site = meta["site"] if meta.get("nianbao_kind") in ("home", "hub") else ""
        crawl = self.shared.crawl_id or ""
        reply = self._script("ACK", self.conc, rid, token, site,
                             "1" if meta.get("nianbao_kind") == "home" and rid in self.failed_homes else "0",
                             no_column_key(crawl, site), no_column_meta(site, request.url) if site else "")
        self.failed_homes.discard(rid)
        if _text(reply[0]) == "no_column":
            logger.warning("no 年报 column found on %s", site)
        self.crawler.stats.inc_value("nianbao/redis/acked")

    def _requeue(self, rid: str, token: str, *, count_attempt: bool) -> None:
        self._script("REQUEUE", self.conc, rid, token, "", "", "", self.delay_ms, 1 if count_attempt else 0)

    def _renew(self) -> None:
        leases = [item for pair in self.held.items() for item in pair]
        self._call(lambda: self._script("RENEW", self.lease_ms, self.shared.worker, int(self.seeded), *leases))

    def _reap(self) -> None:
        reply = self._call(lambda: self._script("REAP", self.conc, self.max_attempts, REAP_LIMIT, self.delay_ms))
        if reply is None or _text(reply[0]) != "ok":
            return
        reaped, dead = int(reply[1]), int(reply[2])
        if reaped or dead:
            logger.warning("requeued %d expired leases; %d requests dead-lettered after %d expiries",
                           reaped, dead, self.max_attempts)
            self._wake(0)

    # -- helpers -----------------------------------------------------------------------------------

    def _jitter(self) -> float:
        return 1 + random.uniform(-self.jitter, self.jitter)  # noqa: S311 - spacing requests, not secrecy

    def _wake(self, delay: float) -> None:
        slot = getattr(self.crawler.engine, "_slot", None)  # private: see the module docstring
        if slot is not None:
            slot.nextcall.schedule(delay)
