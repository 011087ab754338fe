"""Distributed-crawl commands of the ``nianbao`` CLI: ``write`` (the single archive writer) and ``redis status``.

Workers are ``nianbao crawl --redis URL …``; see docs/distributed.md. The commands are collected in
``DISTRIBUTED_COMMANDS`` for ``main.add_command``.
"""

from __future__ import annotations

import json
import logging
import signal
import sys
from pathlib import Path
from typing import Any

import click

from crawler import exit_codes
from crawler.cli_base import DB_OPTION, CommandFailed, NianbaoGroup, OneLineErrors

REDIS_OPTION = click.option("--redis", "redis_url", required=True, metavar="URL",
                            help="The crawl's Redis, e.g. redis://host:6379/0 (rediss:// for TLS).")
LABEL_OPTION = click.option("--label", default="crawl", show_default=True,
                            help="The crawl's name: its workers' --label, and the run's command in the archive.")


def _client(redis_url: str) -> Any:
    from redis import Redis

    from crawler.distributed.worker import REDIS_PARAMS

    return Redis.from_url(redis_url, **REDIS_PARAMS)


@click.command(cls=OneLineErrors)
@REDIS_OPTION
@DB_OPTION
@LABEL_OPTION
@click.option("--batch", default=64, show_default=True, help="Captures recorded per archive transaction.")
@click.option("--extract-workers", default=2, show_default=True,
              help="Extraction processes, for captures whose workers left extraction to the writer.")
@click.option("--wait", "wait_seconds", default=600.0, show_default=True,
              help="Seconds to wait for a worker to propose the crawl's sites.")
@click.option("--revisit-ceiling-days", default=7.0, show_default=True,
              help="NIANBAO_REVISIT_CEILING_DAYS of the crawl: the writer judges which documents are due "
              "and plans each one's next visit.")
@click.option("--log-level", default="INFO", show_default=True)
def write(redis_url: str, db_path: str, label: str, batch: int, extract_workers: int, wait_seconds: float,
          revisit_ceiling_days: float, log_level: str) -> None:
    """Record a distributed crawl into the archive: the one writer its workers feed.

    Prints the run and its counts as JSON. Exit code as a crawl's: 0 when the run is ok, 3 when
    partial, 4 when another process holds the archive, 143 (130) when SIGTERM (SIGINT) stopped it:
    the run is then interrupted and the next writer goes on with the crawl.
    """
    from archive.revisit import RevisitPolicy
    from crawler.distributed.keys import CrawlKeys
    from crawler.distributed.writer import Writer

    logging.basicConfig(level=log_level.upper(), format="%(asctime)s [%(name)s] %(levelname)s: %(message)s")
    writer = Writer(_client(redis_url), CrawlKeys(label), db_path, batch=batch, extract_workers=extract_workers,
                    wait_seconds=wait_seconds, revisit=RevisitPolicy(ceiling_days=revisit_ceiling_days))
    stopped_by: list[int] = []

    def stop(signum: int, _frame: Any) -> None:
        stopped_by.append(signum)
        writer.stop()

    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, stop)
    summary = writer.run()  # errors: one line, by OneLineErrors
    click.echo(json.dumps(summary, ensure_ascii=False, default=str))
    sys.exit(exit_codes.for_run(str(summary["status"]), signum=stopped_by[0] if stopped_by else None)
             if summary["status"] != "nothing to do" else exit_codes.OK)


def work(redis_url: str, start_urls: list[str], *, settings: dict[str, Any], sites: list[Any], stats_out: dict[str, Any],
         stats_path: str | None) -> None:
    """``nianbao crawl --redis URL …``: be a worker of the distributed crawl until it is done."""
    from crawler.distributed.worker import CLEAN_ENDS, run_worker

    reason = run_worker(start_urls, redis_url=redis_url, settings=settings, sites=sites, stats_out=stats_out)
    if stats_path:
        Path(stats_path).write_text(json.dumps(stats_out, ensure_ascii=False, indent=1), encoding="utf-8")
    if reason not in CLEAN_ENDS:
        raise CommandFailed(f"worker stopped: {reason} (see the log above)")
    click.echo(f"worker done: {reason}; fetched {stats_out.get('downloader/response_count', 0)} responses")


@click.group(cls=NianbaoGroup)
def redis() -> None:
    """Look at a distributed crawl in Redis."""


@redis.command(cls=OneLineErrors)
@REDIS_OPTION
@LABEL_OPTION
def status(redis_url: str, label: str) -> None:
    """Queue depth, leases, stream backlog, writer lag, dead letters and workers, as JSON."""
    from crawler.distributed.keys import CrawlKeys
    from crawler.distributed.status import crawl_status

    click.echo(json.dumps(crawl_status(_client(redis_url), CrawlKeys(label)), ensure_ascii=False, indent=1))


DISTRIBUTED_COMMANDS = (write, redis)
