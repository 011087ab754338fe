"""Run one crawl in this process: settings, Scrapy process, and the resulting run row."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from scrapy.crawler import AsyncCrawlerProcess
from scrapy.settings import Settings

from archive.lock import writer_lock
from crawler.registry import SiteEntry
from crawler.settings import user_agent

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


def run_crawl(start_urls: Sequence[str] = (), *, db_path: str | Path, settings: Mapping[str, Any] | None = None,
              sites: Sequence[SiteEntry] = (), targets: Sequence[dict[str, Any]] = (),
              stats_out: dict[str, Any] | None = None) -> int | None:
    """Crawl homepages (``start_urls``), registry ``sites`` and ready-made ``targets``; returns the run id.

    Twisted's reactor cannot be restarted, so this can run once per process; a scheduler runs
    each crawl in a subprocess. ``stats_out`` receives Scrapy's stats (bytes, responses, timings).
    """
    with writer_lock(db_path):
        process = AsyncCrawlerProcess(crawl_settings(db_path, settings))
        crawler = process.create_crawler(SPIDER)
        process.crawl(crawler, start_urls=list(start_urls), sites=[*registry_targets(sites), *targets])
        process.start()
    if stats_out is not None and crawler.stats:
        stats_out.update({k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in crawler.stats.get_stats().items()})
    return crawler.stats.get_value("nianbao/run_id") if crawler.stats else None
