"""How the writer opens a distributed crawl, takes one over, and ends it.

A crawl is opened for the sites the first worker proposed: the writer starts an archive run, publishes
the views workers read (:mod:`.view`), and only then sets the crawl's id, which the workers wait for.
A writer that finds a crawl open takes it over: it continues the run a killed writer left running,
or starts a new run when the last writer stopped (its run ended ``interrupted``). A crawl ends by
deleting its id first (every worker script is fenced on it) and then its keys.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from redis.exceptions import RedisError

from archive import Archive
from crawler.distributed.keys import CrawlKeys
from crawler.distributed.scripts import Scripts
from crawler.distributed.view import publish_views
from nianbao.errors import ArchiveError, NianbaoError

logger = logging.getLogger(__name__)
POLL_SECONDS = 0.25
KEPT_UNTIL_LAST = ("targets", "code")  # a worker of the next crawl may have proposed them already
ENDED_SECONDS = 86_400  # how long the id of an ended crawl is kept, for its workers to recognise


class CrawlNotOpened(NianbaoError):
    """No worker proposed sites in time, or the writer was stopped while waiting."""


@dataclass(frozen=True)
class OpenCrawl:
    crawl_id: str
    run_id: int
    sites: list[str]


def open_crawl(server: Any, keys: CrawlKeys, store: Archive, *, wait_seconds: float,
               stopping: Callable[[], bool]) -> OpenCrawl | None:
    """The crawl to record: the open one, taken over, or a new one for the sites workers proposed.

    None when the open crawl was recorded to its end already (its writer died before deleting it).
    """
    crawl_id = _text(server.get(keys("crawl")))
    if crawl_id:
        return _take_over(server, keys, store, crawl_id)
    clear_crawl(server, keys, keep=(*KEPT_UNTIL_LAST, "ended"))  # what an ending crawl's writer did not delete
    sites = _proposed_sites(server, keys, wait_seconds, stopping)
    store.close_stale_runs()
    run_id = store.start_run(command=keys.label, sites=sites)
    publish_views(server, keys, store, sites)
    crawl_id = f"{run_id}-{uuid.uuid4().hex[:8]}"
    Scripts(server)("OPEN", keys.prefix, crawl_id, run_id)
    logger.info("opened crawl %s (%s) of %d sites, run %d", keys.label, crawl_id, len(sites), run_id)
    return OpenCrawl(crawl_id, run_id, sites)


def _take_over(server: Any, keys: CrawlKeys, store: Archive, crawl_id: str) -> OpenCrawl | None:
    sites = sorted(json.loads(server.get(keys("targets")) or "{}"))
    run_id = int(server.get(keys("run")) or 0)
    status = _run_status(store, run_id)
    if status in ("ok", "partial", "failed"):
        logger.warning("crawl %s (%s) was recorded to its end in run %d; deleting it", keys.label, crawl_id, run_id)
        end_crawl(server, keys)
        return None
    running = status == "running"
    stale = store.close_stale_runs(keep=run_id if running else None)
    if stale:
        logger.warning("runs %s ended without closing; marked interrupted", stale)
    if not running:
        run_id = store.start_run(command=keys.label, sites=sites)
        server.set(keys("run"), run_id)
    logger.info("took over crawl %s (%s), run %d", keys.label, crawl_id, run_id)
    return OpenCrawl(crawl_id, run_id, sites)


def _run_status(store: Archive, run_id: int) -> str | None:
    """The run's status, or None when this archive has no such run."""
    try:
        return str(store.get_run(run_id)["status"]) if run_id else None
    except ArchiveError:
        return None


def _proposed_sites(server: Any, keys: CrawlKeys, wait_seconds: float, stopping: Callable[[], bool]) -> list[str]:
    deadline = time.monotonic() + wait_seconds
    logger.info("waiting for a worker of crawl %s to propose its sites", keys.label)
    while not stopping():
        try:
            targets = server.get(keys("targets"))
        except RedisError as exc:  # a Redis restarting: keep waiting
            logger.warning("Redis unreachable: %s", exc)
            targets = None
        if targets:
            return sorted(json.loads(targets))
        if time.monotonic() > deadline:
            break
        time.sleep(POLL_SECONDS)
    raise CrawlNotOpened(f"no worker of crawl {keys.label} proposed its sites within {wait_seconds:g} s; "
                         f"start workers with `nianbao crawl --redis … --label {keys.label}`")


def end_crawl(server: Any, keys: CrawlKeys) -> None:
    """Say which crawl ended, fence its workers out (its id goes), then delete its keys."""
    server.set(keys("ended"), server.get(keys("crawl")) or "", ex=ENDED_SECONDS)
    server.delete(keys("crawl"))
    clear_crawl(server, keys, keep=(*KEPT_UNTIL_LAST, "ended"))
    server.delete(*(keys(name) for name in KEPT_UNTIL_LAST))


def clear_crawl(server: Any, keys: CrawlKeys, *, keep: tuple[str, ...] = ()) -> int:
    """Delete the crawl's keys but the writer lock, the dead captures (for someone to look at) and ``keep``."""
    spared = {keys.writer_lock.encode(), keys("dead_captures").encode(), *(keys(name).encode() for name in keep)}
    doomed = [key for key in server.scan_iter(match=_glob_escape(keys.prefix) + ":*", count=500) if key not in spared]
    for start in range(0, len(doomed), 500):
        server.unlink(*doomed[start:start + 500])
    return len(doomed)


def _glob_escape(text: str) -> str:
    return "".join(f"\\{c}" if c in "*?[]\\" else c for c in text)


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else (value or "")
