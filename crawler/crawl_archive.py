"""The one owner of a crawl's archive handle and of its run row (a Scrapy extension).

Every component that reads or writes the archive during a crawl gets the handle from here
(:meth:`CrawlArchive.of`): the archive writer (``ArchivePipeline``), the frontier and revisit
spider middlewares, the conditional-request and known-list downloader middlewares, and the extract
pipeline's known-body check. The archive is opened when the first of them asks (item pipelines open
before the ``spider_opened`` signal), the run starts then, and both end at ``spider_closed``, which
Scrapy sends after the pipelines have written their last capture.

A crawl with no archive (``NIANBAO_DB`` empty) has no ``CrawlArchive``, and each feature that needs
one says at start-up that it is off (:func:`archive_or_off`). A worker of a distributed crawl is such
a crawl: what it reads of the archive comes from Redis instead (``crawler.archive_view``).
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.utils.defer import deferred_from_coro

import archive
from archive.revisit import RevisitPolicy
from nianbao.crawl_types import list_read
from nianbao.errors import ArchiveError, ArchiveWriteError

logger = logging.getLogger(__name__)

# Scrapy close reasons of a crawl cut short by a limit, not broken: what it reached is kept.
CAP_REASONS = ("closespider_", "memusage_")
# Requests whose answer shows a site's 年报 column was reached (a homepage alone may lead nowhere; a
# list page only once the spider has read it: ``list_read``, a vanished column answers 200 too).
DOCUMENT_KINDS = ("page", "attachment")


class CrawlArchive:
    """Opens the crawl's archive and run, and closes them with the run's status (:meth:`verdict`).

    A run is ``ok`` only when the crawl finished, reached every site and lost nothing; see
    :meth:`verdict` for ``partial``, ``failed`` and ``interrupted``. A capture the archive refused
    stays queued in the frontier for the next run.
    """

    def __init__(self, db_path: str, command: str, *, compact_after_run: bool = True,
                 revisit: RevisitPolicy | None = None):
        self.db_path = db_path
        self.command = command
        self.compact_after_run = compact_after_run
        self.revisit = revisit or RevisitPolicy()
        self.crawler: Crawler | None = None
        self.run_id: int | None = None
        self.sites: list[str] = []
        self.refused = 0
        self.records_captures = True
        self.listed: set[str] = set()  # sites whose list pages were read or documents answered
        self.unwritable: str | None = None  # why the archive stopped taking writes, once it has
        self._archive: archive.Archive | None = None
        self._closing: Any = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlArchive:
        settings = crawler.settings
        if not settings.get("NIANBAO_DB"):
            raise NotConfigured("NIANBAO_DB is empty: this crawl writes no archive")
        owner = cls(settings.get("NIANBAO_DB"), settings.get("NIANBAO_COMMAND"),
                    compact_after_run=settings.getbool("NIANBAO_COMPACT_AFTER_RUN"),
                    revisit=RevisitPolicy(ceiling_days=settings.getfloat("NIANBAO_REVISIT_CEILING_DAYS")))
        pipelines = settings.getwithbase("ITEM_PIPELINES")
        # with the archive writer off (fetch-only benchmarks) no capture is recorded to judge sites by
        owner.records_captures = pipelines.get("crawler.pipelines.ArchivePipeline") is not None
        owner.crawler = crawler
        crawler.signals.connect(owner.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(owner.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(owner.response_received, signal=signals.response_received)
        crawler.signals.connect(owner.list_read, signal=list_read)
        return owner

    @staticmethod
    def of(crawler: Crawler | None) -> CrawlArchive | None:
        """The crawl's archive owner, or None when this crawl writes no archive."""
        if crawler is None or getattr(crawler, "extensions", None) is None:
            return None
        return crawler.get_extension(CrawlArchive)

    @property
    def view(self) -> archive.Archive:
        """What the crawl reads of earlier crawls (``crawler.archive_view.ArchiveView``): the archive itself."""
        return self.archive

    @property
    def archive(self) -> archive.Archive:
        """The open archive (opened, and the run started, on first use)."""
        if self._archive is None:
            self.open(self.crawler.spider if self.crawler else None)
        assert self._archive is not None
        return self._archive

    def open(self, spider: Any) -> None:
        """Open the archive, mark runs that died while running as interrupted, start this run."""
        if self._archive is not None:
            return
        self._archive = archive.open_archive(self.db_path, writer=True, revisit=self.revisit)
        stale = self._archive.close_stale_runs()  # we hold the writer lock: any "running" run died
        if stale:
            logger.warning("runs %s ended without closing; marked interrupted", stale)
        self.sites = sorted(getattr(spider, "targets", {}))
        self.run_id = self._archive.start_run(command=self.command, sites=self.sites)
        if self.crawler is not None and self.crawler.stats is not None:
            self.crawler.stats.set_value("nianbao/run_id", self.run_id)

    def spider_opened(self, spider: Any) -> None:
        self.open(spider)

    def response_received(self, response: Any, request: Any, spider: Any) -> None:
        """Note a site whose documents answered: on a night with none due it records no capture."""
        if response.status < 400 and request.meta.get("nianbao_kind") in DOCUMENT_KINDS:
            self.listed.add(request.meta.get("site"))

    def list_read(self, site: str) -> None:
        """Note a site whose column the spider read."""
        self.listed.add(site)

    def note_refused(self, count: int = 1) -> None:
        """Captures the archive would not record: the run cannot end ``ok``."""
        self.refused += count

    def archive_failed(self, exc: ArchiveError) -> None:
        """The archive takes no more writes (disk full, an I/O error, a frontier it cannot update): say
        so once, and stop the crawl; its run is closed as failed and the next crawl resumes from the frontier."""
        if self.unwritable is not None:
            return
        self.unwritable = str(exc)
        # a warning: at the crawl's default log level the run's failure line is the one message
        logger.warning("the archive cannot be written (%s): stopping the crawl; the next crawl resumes where it stopped",
                       exc)
        engine = getattr(self.crawler, "engine", None)
        if engine is not None and engine.running:
            self._closing = deferred_from_coro(engine.close_spider_async(reason="archive_unwritable"))

    def spider_closed(self, spider: Any, reason: str) -> None:
        """Finish the run with its status, merge the search index after a complete run, close."""
        if self._archive is None or self.run_id is None:
            return
        status, error = self.verdict(reason, self._archive.run_sites(self.run_id), self._archive.run_losses(self.run_id))
        try:
            self._finish(reason, status, error)
        except ArchiveWriteError as exc:  # a warning: the command's failure line says it (CrawlResult.unwritable)
            self.unwritable = self.unwritable or str(exc)
            logger.warning("run %s could not be closed as %s (%s); the next crawl marks it interrupted",
                           self.run_id, status, exc)
        self._archive.close()
        self._archive = None

    def _finish(self, reason: str, status: str, error: str | None) -> None:
        """Close the run; forget the frontier after a walk to the end; merge the search index."""
        assert self._archive is not None and self.run_id is not None
        if reason == "finished" and not self.refused and not self.unwritable:
            self._archive.frontier_clear(self.sites)  # walked to the end: the next run walks the portals afresh
        counts = self._archive.finish_run(self.run_id, status=status, error=error)
        (logger.info if status == "ok" else logger.warning)("run %s %s: %s%s", self.run_id, status, counts,
                                                            f" ({error})" if error else "")
        # only after a walk to the end: a crawl stopped by SIGTERM should end quickly, and the next run merges
        if (self.compact_after_run and reason == "finished" and status in ("ok", "partial")
                and any(counts.get(k) for k in ("new", "changed", "removed"))):
            self._compact()

    def verdict(self, reason: str, site_rows: list[dict[str, Any]],
                losses: dict[str, dict[str, Any]] | None = None) -> tuple[str, str | None]:
        """The run's status and why, from Scrapy's close reason, what each site's captures did and
        what the run lost or cut short (``losses``: :meth:`archive.Archive.run_losses`).

        A site failed when none of its captures succeeded, the spider read none of its list pages and
        none of its documents answered (a night with no document due records no capture of a site
        whose lists were read; a vanished column answering 200 with a "page not found" is not read).

        ``failed``: the archive stopped taking writes, no site could be crawled, or the crawl broke
        (any close reason other than finishing, a cap or a signal). ``interrupted``: a signal stopped
        it. ``partial``: some sites failed, captures were refused by the archive, a cap
        (``CLOSESPIDER_*``, memory) cut it short, ``LOSS_CLASSES`` captures were recorded, or requests
        were not made past a site's request cap. ``ok``: none of these.
        """
        lost = [f"{self.refused} captures could not be recorded; their requests stay queued"] if self.refused else []
        return judge(reason, site_rows, sites=self.sites, listed=self.listed, lost=lost,
                     records_captures=self.records_captures, unwritable=self.unwritable,
                     cut_short=self._cut_short(losses or {}))

    def _cut_short(self, losses: dict[str, dict[str, Any]]) -> list[str]:
        """What the crawl lost or cut short: ``LOSS_CLASSES`` captures by class, requests a cap kept back."""
        problems = loss_lines(losses)
        stats = self.crawler.stats if self.crawler is not None else None
        if stats is not None and (dropped := stats.get_value("nianbao/capped/requests_not_made")):
            problems.append(f"{dropped} requests not made past a site's request cap")
        return problems

    def _compact(self) -> None:
        """Merge the search index after a run that changed it (see ``archive.maintenance.compact``).

        A failure here loses nothing (every capture is already committed); it is logged, and the
        next run or ``nianbao compact`` tries again.
        """
        assert self._archive is not None
        try:
            sizes = self._archive.compact()
        except ArchiveError as exc:
            logger.error("search index not compacted: %s", exc)
            return
        logger.info("search index compacted: %s → %s bytes", f"{sizes['index_before']:,}", f"{sizes['index_after']:,}")


def judge(reason: str, site_rows: list[dict[str, Any]], *, sites: list[str], listed: set[str], lost: list[str],
          records_captures: bool = True, unwritable: str | None = None,
          cut_short: list[str] | None = None) -> tuple[str, str | None]:
    """A run's status and why (see :meth:`CrawlArchive.verdict`), from Scrapy's close reason, the run's
    sites and what their captures did, the sites whose lists were read, what was lost on the way,
    why the archive stopped taking writes (``unwritable``) and what the crawl cut short.
    A distributed crawl's writer judges its run by it too."""
    if unwritable:
        return "failed", f"the archive cannot be written: {unwritable}; the next crawl resumes where this one stopped"
    if reason == "shutdown":
        return "interrupted", "stopped by a signal; the next crawl resumes from the frontier"
    failed = _failed_sites(site_rows, sites, listed) if records_captures else []
    if failed and len(failed) == len({*sites, *(r["site"] for r in site_rows)}):
        return "failed", "; ".join([f"no site could be crawled: {_failures(failed)}", *lost])
    if reason != "finished" and not reason.startswith(CAP_REASONS):
        return "failed", "; ".join([f"the crawl stopped: {reason}", *lost])
    problems = [f"stopped early: {reason}"] if reason != "finished" else []
    problems += lost
    if failed:
        problems.append(f"{len(failed)} of {len(sites) or len(site_rows)} sites failed: {_failures(failed)}")
    problems += cut_short or []
    return ("partial", "; ".join(problems)) if problems else ("ok", None)


def loss_lines(losses: dict[str, dict[str, Any]]) -> list[str]:
    """``LOSS_CLASSES`` captures of a run (:meth:`archive.Archive.run_losses`), a line per class."""
    return [f"{loss['count']} {name} (first: {loss['first']})" for name, loss in sorted(losses.items())]


def _failed_sites(site_rows: list[dict[str, Any]], sites: list[str], listed: set[str]) -> list[dict[str, Any]]:
    """Sites none of whose captures succeeded, and sites that produced no capture at all, unless
    their list pages were read or documents answered (``listed``)."""
    seen = {row["site"] for row in site_rows} | listed
    return ([row for row in site_rows if not row["succeeded"] and row["site"] not in listed]
            + [{"site": site, "error_classes": None} for site in sites if site not in seen])


def _failures(rows: list[dict[str, Any]]) -> str:
    """``site (class, class)`` for each failed site, the first five."""
    shown = [f"{row['site']} ({row['error_classes'] or 'nothing fetched'})" for row in rows[:5]]
    return ", ".join(shown) + (f" and {len(rows) - 5} more" if len(rows) > 5 else "")


def archive_or_off(crawler: Crawler, feature: str) -> CrawlArchive:
    """The crawl's archive owner for a component that needs it; without one, say the feature is off."""
    owner = CrawlArchive.of(crawler)
    if owner is None:
        logger.warning("%s: off (this crawl writes no archive)", feature)
        raise NotConfigured(f"{feature} needs the crawl's archive (crawler.crawl_archive.CrawlArchive)")
    return owner
