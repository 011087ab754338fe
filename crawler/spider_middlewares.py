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

A list page whose items wait for the end of its column's pagination (the spider sets
``meta["nianbao_holds"]``) stays queued until the run ends, so a crawl killed meanwhile reads it
again rather than losing what it listed. When the archive's file takes no more writes (disk full),
the owner is told once and the crawl stops; what the response led to is not queued, and its
request stays queued for the next crawl.

**ReadingFailureMiddleware** sits next to the spider: an exception while the spider reads a
response becomes a ``parse`` capture of that response, its bytes kept, after whatever the spider
had already yielded; nothing is lost silently and the crawl goes on.

**RevisitKnownMiddleware** requests the documents the archive holds for the crawled sites that
are due (``archive.revisit``: each document's next visit adapts to what it showed, never later than
the ceiling, ``NIANBAO_REVISIT_CEILING_DAYS``; ``NIANBAO_REVISIT = "all"`` asks for every live one).
A nightly run must notice a report edited or removed even when no list links it any more (a
column redesigned, a report quietly delisted). So after the spider's own start requests, each due
page and attachment is requested directly, where its site is now, conditionally where validators
are stored. A list page that links a known document that is not due does not lead to a request:
the list itself shows the report is still listed, and its next visit will revalidate it. Documents
the archive does not know are always requested, the night they are listed. Likewise a further page
of a list (its pagination, not a sub-column) linked from a page that leads where it led last time
(served the same bytes, or read again to the same items and pages) is asked for only when it is
due (``archive.revisit.list_page_due``: once a ceiling); a page asked for so walks the rest of its
list, and a page listing something new always leads on. Origins a site moved to in earlier
crawls (``site_aliases``) are handed to the spider before anything is asked.
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
from nianbao.crawl_types import SAME_LIST, FrontierEntry
from nianbao.errors import ArchiveError, ConfigError
from nianbao.urls import url_key

logger = logging.getLogger(__name__)
WALK = "nianbao_list_walk"  # a list's further pages are walked to its end tonight

# NIANBAO_REVISIT: request the known documents that are due, or every live one.
REVISIT_MODES = ("due", "all")

# The navigation state a request carries; enough to rebuild it in another process.
FRONTIER_META = ("nianbao_kind", "site", "column", "hub_depth", "title_hint", "classify_rule", "parent_url",
                 "list_page_no")


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
        store = self.owner.archive
        spider = portal_spider(self.crawler)
        sites = crawled_sites(self.crawler)
        self._done = store.frontier_done_keys(sites)
        pending = store.frontier_pending(sites)
        # a site the unfinished crawl reached counts as reached: this run may have nothing left to ask of it
        self.owner.listed.update(store.frontier_done_sites(sites))
        if pending or self._done:
            logger.warning("resuming an unfinished crawl of %s: %d queued, %d done", ", ".join(sites),
                           len(pending), len(self._done))
        for entry in pending:
            request = spider.request_from_frontier(entry)
            if request is not None:
                yield request

        batch: list[Request] = []
        async for obj in start:
            if not isinstance(obj, Request):
                yield obj
            elif obj.meta.get("frontier_key") not in self._done:
                batch.append(obj)
                if len(batch) >= START_BATCH:
                    for request in self._queued(batch):
                        yield request
                    batch = []
        for request in self._queued(batch):
            yield request

    def _queued(self, batch: list[Request], done_key: str | None = None) -> list[Request]:
        """``batch``, once queued in the archive (with ``done_key`` marked done); nothing when the
        archive takes no writes (the owner stops the crawl; the next one resumes from the frontier)."""
        if not batch and not done_key:
            return batch
        try:
            self.owner.archive.frontier_queue([frontier_entry(r) for r in batch], run_id=self.owner.run_id,
                                              done_key=done_key)
        except ArchiveError as exc:  # without its frontier a crawl cannot resume: it stops, failed
            self.owner.archive_failed(exc)
            return []
        return batch

    async def process_spider_output_async(self, response: Response, result: AsyncIterator[Any]) -> AsyncIterator[Any]:
        """Queue what a response led to, then pass it on.

        The response's own request is marked done here unless a capture of it is among the outputs:
        that capture marks it done when the archive records it, in the same transaction.
        """
        outputs = [obj async for obj in result]
        if self.owner.unwritable:
            return  # the crawl is stopping; this response's request stays queued for the next crawl
        fresh = [obj for obj in outputs if not (isinstance(obj, Request) and obj.meta.get("frontier_key") in self._done)]
        requests = [obj for obj in fresh if isinstance(obj, Request) and "frontier_key" in obj.meta]
        key = response.meta.get("frontier_key")
        captured = any(isinstance(obj, Capture) and obj.frontier_key == key for obj in fresh)
        done_key = None if captured or response.meta.get("nianbao_holds") else key
        self._queued(requests, done_key)
        if self.owner.unwritable:
            return
        for obj in fresh:
            yield obj

    def process_spider_output(self, response: Response, result: Any) -> Any:
        raise NotImplementedError("FrontierMiddleware works on the async output path only")


class ReadingFailureMiddleware:
    def __init__(self, crawler: Crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ReadingFailureMiddleware:
        return cls(crawler)

    async def process_spider_output_async(self, response: Response, result: AsyncIterator[Any]) -> AsyncIterator[Any]:
        """Pass the spider's output on; if reading the response raises, record it as a ``parse`` capture."""
        try:
            async for obj in result:
                yield obj
        except Exception as exc:  # every failure of our own reading is recorded, never dropped
            if not isinstance(response, Response) or "site" not in response.meta:
                raise
            logger.error("reading %s failed: %s: %s (recorded as parse, its bytes kept)", response.url,
                         type(exc).__name__, exc)
            yield portal_spider(self.crawler).reading_failed(response, exc)

    def process_spider_output(self, response: Response, result: Any) -> Any:
        raise NotImplementedError("ReadingFailureMiddleware works on the async output path only")


class RevisitKnownMiddleware:
    def __init__(self, crawler: Crawler, owner: ViewSource, *, everything: bool = False):
        self.crawler = crawler
        self.owner = owner
        self.everything = everything
        self._not_due: set[tuple[str, str]] = set()
        self._lists_not_due: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RevisitKnownMiddleware:
        if not crawler.settings.getbool("NIANBAO_REVISIT_KNOWN", True):
            raise NotConfigured
        mode = crawler.settings.get("NIANBAO_REVISIT", "due")
        if mode not in REVISIT_MODES:
            raise ConfigError(f"NIANBAO_REVISIT={mode!r}: expected one of {', '.join(REVISIT_MODES)}")
        owner = view_or_off(crawler, "revisits of known documents (NIANBAO_REVISIT_KNOWN)")
        return cls(crawler, owner, everything=mode == "all")

    async def process_start(self, start: AsyncIterator[Any]) -> AsyncIterator[Any]:
        spider, sites, store = portal_spider(self.crawler), crawled_sites(self.crawler), self.owner.view
        for alias in store.site_aliases(sites):  # moves learned in earlier crawls: ask the new origin at once
            spider.adopt_move(alias["site"], alias["alias"], alias["origin"])
        # Known before the first start request goes out: start requests are consumed lazily, so a list
        # page can be read (and its links filtered) while later ones are still to come.
        due = store.due_documents(sites, everything=self.everything)
        self._not_due = set() if self.everything else store.not_due_keys(sites)
        self._lists_not_due = set() if self.everything else store.not_due_list_pages(sites)
        spider.skip_released(self._skipped)  # items held for a column's end are listed items too
        async for obj in start:
            yield obj
        logger.info("revisiting %d known documents (%s); %d known URLs and %d further list pages not due", len(due),
                    "all of them" if self.everything else "those due", len(self._not_due), len(self._lists_not_due))
        for document in due:
            request = spider.revisit_request(document)
            if request is not None:
                yield request

    async def process_spider_output_async(self, response: Response, result: AsyncIterator[Any]) -> AsyncIterator[Any]:
        """Pass everything on but requests for known documents that are not due (a list still linking them)
        and for further pages, not due, of a list page that leads where it led last time."""
        async for obj in result:
            if isinstance(obj, Request) and (self._skipped(obj) or self._list_page_skipped(response, obj)):
                continue
            yield obj

    def process_spider_output(self, response: Response, result: Any) -> Any:
        raise NotImplementedError("RevisitKnownMiddleware works on the async output path only")

    def _skipped(self, request: Request) -> bool:
        """A page or attachment the archive holds that is not due: the list linking it says it is still listed."""
        if not self._not_due or request.meta.get("nianbao_kind") not in ("page", "attachment"):
            return False
        if (request.meta["site"], url_key(request.url)) not in self._not_due:
            return False
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value("nianbao/revisit/not_due")
        return True

    def _list_page_skipped(self, response: Response | None, request: Request) -> bool:
        """A further page of a list, linked from a list page that leads where it led, not due tonight.
        One that is goes out marked as a walk, and the pages it links follow it whatever their own turn."""
        if not request.meta.get("nianbao_further_page"):  # a sub-column's first page is read every run
            return False
        linking = response.meta if response is not None else {}
        walking = bool(linking.get(WALK))
        if walking or not linking.get(SAME_LIST):  # a walk goes on; a page listing something new leads on
            request.meta[WALK] = walking
            return False
        if request.meta.get("frontier_key") not in self._lists_not_due:  # its night: walk from here
            request.meta[WALK] = True
            return False
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value("nianbao/revisit/list_pages_not_due")
        return True
