"""Item pipelines: extract off the reactor thread, then write each capture to the archive.

``ExtractPipeline`` runs :func:`extract.extract_document` in a pool of worker
processes (trafilatura costs tens of milliseconds a page and has crashed under threads), so
fetching goes on while pages are extracted on every core. ``ArchivePipeline`` is the single
writer: captures in groups, each whole or not at all. Both reach the archive through the crawl's
:class:`~crawler.crawl_archive.CrawlArchive`.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from twisted.internet import task

import archive
from crawler.archive_view import ArchiveView, view_source
from crawler.crawl_archive import CrawlArchive, archive_or_off
from extract import EXTRACTOR_VERSION, extract_in_worker
from extract.processes import prepare_worker
from nianbao.capture import Capture, ListPage, SiteMove
from nianbao.errors import ArchiveError, ArchiveWriteError, ExtractionTimeout

logger = logging.getLogger(__name__)


class ExtractPipeline:
    """Fill ``capture.extraction`` for every successfully fetched page or attachment."""

    def __init__(self, workers: int, max_tasks_per_child: int, *, timeout: float = 120.0,
                 memory_bytes: int = 2 << 30, max_unread_bytes: int = 0,
                 extract: Callable[..., dict[str, Any]] | None = None, view: ArchiveView | None = None):
        """``extract`` defaults to :func:`extract.extract_document`, through a trampoline so the
        crawl process never loads the extraction stack; workers get it by name, so it must be a
        module-level function. A body over ``max_unread_bytes`` (0: no cap) that extraction could
        not read is not kept (see :meth:`_cap_unread`). ``view`` answers which bodies are known
        (default: the crawl's view)."""
        self.extract = extract or extract_in_worker
        self.workers = workers
        self.max_tasks_per_child = max_tasks_per_child
        self.timeout = timeout
        self.memory_bytes = memory_bytes
        self.max_unread_bytes = max_unread_bytes
        self.log_level = "WARNING"  # the workers' (the crawl's LOG_LEVEL, from_crawler)
        self._pool: ProcessPoolExecutor | None = None
        self._submitted = 0
        self.crawler: Crawler | None = None
        self.view = view

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ExtractPipeline:
        settings = crawler.settings
        pipeline = cls(settings.getint("NIANBAO_EXTRACT_WORKERS"), settings.getint("NIANBAO_EXTRACT_MAX_TASKS_PER_CHILD"),
                       timeout=settings.getfloat("NIANBAO_EXTRACT_TIMEOUT"),
                       memory_bytes=settings.getint("NIANBAO_EXTRACT_MEMORY_MB") * 1024 * 1024,
                       max_unread_bytes=settings.getint("NIANBAO_MAX_UNREAD_BYTES"))
        pipeline.log_level = settings.get("LOG_LEVEL", "WARNING")
        crawler.signals.connect(pipeline.close, signal=signals.spider_closed)
        pipeline.crawler = crawler
        return pipeline

    def _known_body(self, capture: Capture) -> bool:
        """Whether the archive's current version of this URL was made from these very bytes by this extractor.

        Portals without ETag/Last-Modified resend unchanged reports in full every night; extracting
        them again would cost as much as the first crawl and can only find the same content.
        """
        if self.view is None:
            source = view_source(self.crawler)
            self.view = source.view if source is not None else None
        current = self.view.current_body(capture.url, site=capture.site) if self.view is not None else None
        if current is None or current[1] != EXTRACTOR_VERSION:
            return False  # a new URL (the whole first crawl) is never hashed here
        return current[0] == hashlib.sha256(capture.body).hexdigest()

    def _executor(self) -> ProcessPoolExecutor:
        """The worker pool, replaced whole every ``workers × max_tasks_per_child`` pages.

        Recycling bounds the memory lxml/trafilatura leak per page. It is done by swapping pools
        rather than with ``ProcessPoolExecutor(max_tasks_per_child=…)``, which deadlocks on
        Python 3.11 when a worker retires while work is queued (the crawl then hangs forever).
        """
        if self._pool is not None and self._submitted >= self.workers * self.max_tasks_per_child:
            self._pool.shutdown(wait=False)  # queued pages still finish in the old pool
            self._pool = None
        if self._pool is None:
            # spawn, not fork: the crawler process runs threads (reactor pool, DNS) a fork would copy mid-state
            self._pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"),
                                             initializer=prepare_worker,
                                             initargs=(self.memory_bytes, os.getpid(), self.log_level))
            self._submitted = 0
        self._submitted += 1
        return self._pool

    async def _extract(self, capture: Capture) -> dict[str, Any]:
        args = (capture.body, capture.final_url or capture.url, capture.headers)
        if self.workers <= 0:
            return self.extract(*args)
        loop = asyncio.get_running_loop()
        pool = self._executor()
        try:
            return await asyncio.wait_for(loop.run_in_executor(pool, self.extract, *args), self.timeout)
        except TimeoutError:
            self._kill(pool)
            raise ExtractionTimeout(f"extraction took over {self.timeout:g} s; its worker was killed") from None

    def _kill(self, pool: ProcessPoolExecutor) -> None:
        """Stop a pool whose worker is stuck: the executor has no public way to kill one task."""
        for process in list(getattr(pool, "_processes", {}).values()):
            process.kill()
        pool.shutdown(wait=False, cancel_futures=True)
        if self._pool is pool:
            self._pool = None

    async def process_item(self, item: Any) -> Any:
        if not isinstance(item, Capture) or not item.ok or item.status != 200 or item.kind not in ("page", "attachment"):
            return item
        owner = CrawlArchive.of(self.crawler)
        if owner is not None and owner.unwritable:
            return item  # the crawl is stopping and nothing more is recorded: don't extract what cannot be kept
        if self._known_body(item):
            item.known_body = True  # the archive records it as a revisit of the current version
            if self.crawler is not None and self.crawler.stats is not None:
                self.crawler.stats.inc_value("nianbao/extract/known_body")
            return item
        try:
            item.extraction = await self._extract(item)
        except BrokenProcessPool as exc:
            # a worker died (native crash, memory limit): this page is recorded, the pool rebuilt
            self._pool = None
            _extraction_failed(item, f"extraction worker crashed: {exc}")
        except Exception as exc:
            _extraction_failed(item, f"extraction failed: {type(exc).__name__}: {exc}")
        self._cap_unread(item)
        return item

    def _cap_unread(self, item: Capture) -> None:
        """A body extraction could not read (no text) and over NIANBAO_MAX_UNREAD_BYTES is recorded as
        ``too_large`` without its bytes: an archive can choose not to hold 200 MB it cannot search."""
        size = len(item.body)
        if not self.max_unread_bytes or size <= self.max_unread_bytes or (item.extraction or {}).get("text"):
            return
        why = item.error_message or ", ".join((item.extraction or {}).get("flags") or ["no text"])
        item.error_class = "too_large"
        item.error_message = (f"{size} bytes that could not be read ({why}) are over NIANBAO_MAX_UNREAD_BYTES "
                              f"({self.max_unread_bytes}): not kept")

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


def _extraction_failed(item: Capture, message: str) -> None:
    """Our own reading of a body failed: recorded as ``parse``, its bytes kept for a fixed extractor."""
    item.error_class, item.error_message = "parse", message
    logger.error("%s: %s", item.url, message)


class ArchivePipeline:
    """The single archive writer: records every capture of the crawl's run.

    Captures are committed in groups of up to ``NIANBAO_ARCHIVE_BATCH``, and at least every
    ``NIANBAO_ARCHIVE_FLUSH_SECONDS``: one commit and one search-index flush per group instead of
    per page was a fifth of the crawl process's work. Each capture still goes in whole or not at
    all, with its frontier mark; a crash loses at most the unflushed group, whose requests are
    still queued in the frontier and fetched again on resume. The last group is written in
    ``close_spider``, which Scrapy calls before the archive's owner closes the run.
    """

    def __init__(self, owner: CrawlArchive, *, batch: int = 1, flush_seconds: float = 1.0):
        self.owner = owner
        self.batch = max(1, batch)
        self.flush_seconds = flush_seconds
        self.archive: archive.Archive | None = None
        self._pending: list[Capture] = []
        self._flusher: task.LoopingCall | None = None
        self.refused = 0
        self.crawler: Crawler | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArchivePipeline:
        settings = crawler.settings
        pipeline = cls(archive_or_off(crawler, "the archive writer"), batch=settings.getint("NIANBAO_ARCHIVE_BATCH"),
                       flush_seconds=settings.getfloat("NIANBAO_ARCHIVE_FLUSH_SECONDS"))
        pipeline.crawler = crawler
        return pipeline

    @property
    def run_id(self) -> int | None:
        """The run the captures are recorded in (the owner's)."""
        return self.owner.run_id

    def open_spider(self) -> None:
        self.archive = self.owner.archive
        if self.batch > 1:
            self._flusher = task.LoopingCall(self.flush)
            self._flusher.start(self.flush_seconds, now=False)

    def process_item(self, item: Any) -> Any:
        if isinstance(item, ListPage) and self.archive is not None:
            self._remember_list(item)
            return item
        if isinstance(item, SiteMove) and self.archive is not None:
            self._remember_move(item)
            return item
        if not isinstance(item, Capture) or self.archive is None:
            return item
        self._pending.append(item)
        if len(self._pending) >= self.batch:
            self.flush()
        return item

    def flush(self) -> None:
        """Record the pending captures in one transaction.

        A capture the archive refuses (or a whole group, when the transaction itself fails: disk
        full, a lock held too long) is logged and counted, and its request stays queued in the
        frontier; the run then ends as failed and keeps the frontier, so the next run fetches
        exactly those again.
        """
        if not self._pending or self.archive is None:
            return
        captures, self._pending = self._pending, []
        results = self._record(captures)
        for capture, result in zip(captures, results, strict=True):
            if isinstance(result, Exception):
                if not isinstance(result, ArchiveWriteError):  # that one was said once, by the owner
                    logger.error("capture of %s not recorded: %s", capture.url, result)
                self.refused += 1
                self.owner.note_refused()
                self._count("nianbao/archive/refused")
            else:
                self._count(f"nianbao/outcome/{result.outcome}")
            capture.body = b""  # recorded, or to be fetched again; don't keep it alive in Scrapy's item chain

    def _record(self, captures: list[Capture]) -> list[Any]:
        """Record a group; an ArchiveError in place of each capture the archive refused. Once the file
        takes no writes (disk full), the crawl is stopping and later groups are not even tried."""
        assert self.archive is not None
        error = self.owner.unwritable and ArchiveWriteError(self.owner.unwritable)
        if error:
            return [error] * len(captures)
        try:
            return list(self.archive.record_captures(captures, run_id=self.owner.run_id))
        except ArchiveWriteError as exc:
            self.owner.archive_failed(exc)
            return [exc] * len(captures)
        except ArchiveError as exc:
            return [exc] * len(captures)
        except Exception as exc:  # a bug in recording must not drop the group unseen: refused, queued again
            logger.exception("recording %d captures failed", len(captures))
            return [ArchiveError(f"recording failed: {type(exc).__name__}: {exc}")] * len(captures)

    def _count(self, stat: str) -> None:
        if self.crawler is not None and self.crawler.stats is not None:
            self.crawler.stats.inc_value(stat)

    def _remember_list(self, page: ListPage) -> None:
        """Keep what a list page led to. Failing loses nothing but a shortcut: the page is read again next time."""
        assert self.archive is not None
        if self.owner.unwritable:
            return
        try:
            self.archive.record_list_page(page.to_dict())
        except ArchiveWriteError as exc:
            self.owner.archive_failed(exc)
        except ArchiveError as exc:
            logger.warning("list page %s not remembered: %s", page.url, exc)

    def _remember_move(self, move: SiteMove) -> None:
        """Keep a site's permanent move, so later crawls ask its new origin directly; failing loses only that."""
        assert self.archive is not None
        try:
            self.archive.record_alias(move.site, url=move.url, location=move.location, status=move.status,
                                      seen_at=move.seen_at)
        except ArchiveError as exc:
            logger.warning("move of %s to %s not remembered: %s", move.site, move.location, exc)

    def close_spider(self) -> None:
        """Write the last group; the owner then finishes the run (``spider_closed``)."""
        if self._flusher is not None and self._flusher.running:
            self._flusher.stop()
        self.flush()
