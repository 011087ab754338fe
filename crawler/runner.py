"""Run one crawl in this process: start URLs checked, settings, the Scrapy process, and what the crawl left."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scrapy.crawler import AsyncCrawlerProcess
from scrapy.settings import Settings

import archive
from crawler.crawl_archive import CrawlArchive
from crawler.logformat import quiet_crawl_log
from crawler.registry import SiteEntry, is_http_url
from crawler.settings import user_agent
from nianbao.errors import NianbaoError

# The spider, by name: Scrapy loads it from SPIDER_MODULES, so the crawl layer never imports the
# spiders package (spiders sit above crawler; see nianbao/__init__.py).
SPIDER = "annual_reports"

# Settings for crawling the loopback fixture portal: politeness protects real servers, not ours.
FIXTURE_SETTINGS: dict[str, Any] = {
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
}


def crawl_settings(db_path: str | Path, overrides: Mapping[str, Any] | None = None) -> Settings:
    """nianbao's Scrapy settings with ``NIANBAO_DB`` and any overrides applied."""
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.set("NIANBAO_DB", str(db_path), priority="cmdline")
    # tldextract (used by Scrapy's cookie handling) would try to download the suffix list offline
    os.environ.setdefault("TLDEXTRACT_CACHE", str(Path(db_path).resolve().parent / ".tldextract"))
    for key, value in (overrides or {}).items():
        settings.set(key, value, priority="cmdline")
    if "USER_AGENT" not in (overrides or {}):  # the contact URL is a setting of its own; keep the UA honest
        settings.set("USER_AGENT", user_agent(settings.get("NIANBAO_CONTACT_URL")), priority="cmdline")
    return settings


def registry_targets(entries: Sequence[SiteEntry]) -> list[dict[str, Any]]:
    """Crawl targets for registry entries, as plain dicts (they travel through Scrapy and queues)."""
    return [{"name": e.name, "root": e.root, "start_urls": list(e.start_urls_or_root()), "hosts": list(e.hosts()),
             "aliases": list(e.aliases), "column": e.column, "column_selectors": list(e.column_selectors),
             "family": e.family} for e in entries]


class StartUrlError(NianbaoError):
    """A start URL a crawl cannot begin from."""


def check_start_urls(urls: Sequence[str]) -> None:
    """Refuse, before anything is opened or fetched, a start URL that is not an http(s) URL with a host."""
    for url in urls:
        if not is_http_url(url):
            raise StartUrlError(f"{url!r} is not an http(s) URL with a host; give a portal's homepage, "
                                "such as http://www.example.gov.cn/")


@dataclass
class CrawlResult:
    """What a crawl left: its run row, the signal that stopped it, and the archive's counts."""

    run: dict[str, Any] | None  # None when the crawl never started a run
    signum: int | None = None  # SIGTERM or SIGINT when a signal stopped the crawl
    counts: dict[str, int] | None = None  # sites, documents, versions, captures; None when the archive was removed
    archive_removed: bool = False  # the archive was new and nothing was archived, so it was not kept
    unwritable: str | None = None  # why the archive stopped taking writes, if it did


class _CrawlProcess(AsyncCrawlerProcess):
    """Scrapy's process, remembering the signal that stopped it (the command exits 128 + that signal)."""

    signum: int | None = None

    def _signal_shutdown(self, signum: int, frame: Any) -> None:
        self.signum = self.signum or signum
        super()._signal_shutdown(signum, frame)

    def _signal_shutdown_reactorless(self, signum: int, frame: Any) -> None:
        self.signum = self.signum or signum
        super()._signal_shutdown_reactorless(signum, frame)


def run_crawl(start_urls: Sequence[str] = (), *, db_path: str | Path, settings: Mapping[str, Any] | None = None,
              sites: Sequence[SiteEntry] = (), targets: Sequence[dict[str, Any]] = (),
              stats_out: dict[str, Any] | None = None, debug: bool = False) -> CrawlResult:
    """Crawl homepages (``start_urls``), registry ``sites`` and ready-made ``targets`` into the archive.

    The archive is opened (created, migrated) and its writer lock taken before Scrapy starts, so a
    busy archive or a file that is not one fails at once; a new archive in which nothing was
    archived is removed again. Scrapy's log shows no tracebacks unless ``debug``, and fetch
    failures (recorded in the archive) only at INFO. Twisted's reactor cannot be restarted, so
    this can run once per process; a scheduler runs each crawl in a subprocess. ``stats_out``
    receives Scrapy's stats (bytes, responses, timings).
    """
    check_start_urls(start_urls)
    created = not Path(db_path).exists()
    with archive.open_archive(db_path, writer=True) as store:
        process = _CrawlProcess(crawl_settings(db_path, settings))
        crawler = process.create_crawler(SPIDER)
        process.crawl(crawler, start_urls=list(start_urls), sites=[*registry_targets(sites), *targets])
        quiet_crawl_log(debug=debug)
        process.start()
        run_id = crawler.stats.get_value("nianbao/run_id") if crawler.stats else None
        owner = CrawlArchive.of(crawler)
        result = CrawlResult(store.get_run(run_id) if run_id else None, process.signum, store.counts(),
                             unwritable=owner.unwritable if owner is not None else None)
    if stats_out is not None and crawler.stats:
        stats_out.update({k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in crawler.stats.get_stats().items()})
    if created and _nothing_archived(result.run):
        remove_archive_files(db_path)
        result.counts, result.archive_removed = None, True
    return result


def _nothing_archived(run: dict[str, Any] | None) -> bool:
    """No capture of the run succeeded (or there was no run)."""
    return run is None or (run["status"] == "failed" and not (run["fetched"] or 0) - (run["errors"] or 0))


def remove_archive_files(db_path: str | Path) -> None:
    """Delete an archive file with its WAL, shared-memory and lock files."""
    for suffix in ("", "-wal", "-shm", ".lock"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
