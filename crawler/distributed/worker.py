"""Run one worker of a distributed crawl in this process: nianbao's settings with the shared frontier."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from scrapy.crawler import AsyncCrawlerProcess

from crawler.registry import SiteEntry
from crawler.runner import SPIDER, crawl_settings, registry_targets

# Connection parameters (scrapy-redis's REDIS_PARAMS): every Redis call blocks the reactor thread, so
# a hung Redis must fail fast (scrapy-redis's default is 30 s) and is then retried by the caller.
REDIS_PARAMS = {"socket_timeout": 5, "socket_connect_timeout": 5, "retry_on_timeout": True,
                "health_check_interval": 30}
# The reasons a worker's crawl may end with that are not failures.
CLEAN_ENDS = ("finished", "shutdown")


def worker_settings(redis_url: str, *, extract_in: str = "worker") -> dict[str, Any]:
    """What makes a crawl a worker: the lease scheduler, the capture stream, no archive.

    Politeness settings keep their meaning, across all workers: ``DOWNLOAD_DELAY`` (from the end of a
    host's last response, randomised by ``DOWNLOAD_DELAY_JITTER``), ``CONCURRENT_REQUESTS_PER_DOMAIN``
    (requests in flight per host over every worker) and ``AUTOTHROTTLE_*``, applied in Redis to a
    delay every worker shares; Scrapy's own AutoThrottle extension, which sees one process, is off.
    """
    from crawler import settings as base

    pipelines: dict[str, int | None] = {"crawler.pipelines.ArchivePipeline": None,
                                        "crawler.distributed.stream_pipeline.CaptureStreamPipeline": 800}
    if extract_in == "writer":
        pipelines["crawler.pipelines.ExtractPipeline"] = None
    return {
        "NIANBAO_REDIS_URL": redis_url, "REDIS_URL": redis_url, "REDIS_PARAMS": REDIS_PARAMS,
        "NIANBAO_REDIS_EXTRACT": extract_in, "NIANBAO_DB": "", "NIANBAO_FRONTIER": False,
        "NIANBAO_SHARED_FRONTIER": True,
        "SCHEDULER": "crawler.distributed.scheduler.LeaseScheduler",
        "SCHEDULER_SERIALIZER": "crawler.distributed.requests_json",
        "ITEM_PIPELINES": {**base.ITEM_PIPELINES, **pipelines},
        "EXTENSIONS": {**base.EXTENSIONS, "crawler.distributed.shared.SharedCrawl": 50,
                       "scrapy.extensions.throttle.AutoThrottle": None},
        "SPIDER_MIDDLEWARES": {**base.SPIDER_MIDDLEWARES, "crawler.distributed.middlewares.SeededMiddleware": 10},
        "DOWNLOADER_MIDDLEWARES": {**base.DOWNLOADER_MIDDLEWARES,
                                   "crawler.distributed.middlewares.SharedMovesMiddleware": 55,
                                   "crawler.distributed.middlewares.RobotsGapMiddleware": 110},
    }


def run_worker(start_urls: Sequence[str] = (), *, redis_url: str, settings: Mapping[str, Any] | None = None,
               sites: Sequence[SiteEntry] = (), targets: Sequence[dict[str, Any]] = (),
               stats_out: dict[str, Any] | None = None) -> str:
    """Work on the distributed crawl of these sites until it is done; returns why the worker stopped.

    Like :func:`crawler.runner.run_crawl`, once per process. ``settings`` may override the worker's
    own (``NIANBAO_REDIS_EXTRACT`` chooses where pages are extracted).
    """
    os.environ.setdefault("TLDEXTRACT_CACHE", str(Path.cwd() / ".tldextract"))  # no archive beside which to keep it
    overrides = dict(settings or {})
    merged = {**worker_settings(redis_url, extract_in=overrides.get("NIANBAO_REDIS_EXTRACT", "worker")), **overrides}
    process = AsyncCrawlerProcess(crawl_settings("", merged))
    crawler = process.create_crawler(SPIDER)
    process.crawl(crawler, start_urls=list(start_urls), sites=[*registry_targets(sites), *targets])
    process.start()
    stats = crawler.stats.get_stats() if crawler.stats else {}
    if stats_out is not None:
        stats_out.update({k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in stats.items()})
    return str(stats.get("finish_reason", "unknown"))
