"""The single archive writer of a distributed crawl (``nianbao write --redis URL --db PATH``).

1. Take the crawl's writer lock in Redis (``SET NX PX``, renewed; a writer that cannot renew it
   stops) besides the archive's own file lock, so one writer records each crawl, on any machine.
2. Open the crawl, or take it over (:mod:`.lifecycle`): the run, the views, the crawl id.
3. Claim what a dead writer had read but not acknowledged (``XAUTOCLAIM``; the lock makes that safe).
4. Read the stream in order (``XREADGROUP``, own pending entries first), record each batch in one
   archive transaction (``record_captures``: a savepoint per capture), and only after the commit
   acknowledge and delete the entries and lower the backlog (``MULTI XACK XDEL DECRBY``). A writer
   killed between the two delivers the batch again, and the archive recognises every capture by its
   key. A capture the archive refuses is acknowledged and counted: the run ends ``partial``. A batch
   whose transaction fails as a whole is not acknowledged; the writer backs off and tries again.
5. The crawl is done when its seeds are queued, nothing is queued or in flight, and the stream is
   empty with nothing pending: the writer finishes the run as a crawl of one process would (``ok``;
   ``failed`` when no site could be crawled; ``partial`` when some sites failed, with refused captures
   or dead-lettered requests), merges the search index if the run changed versions, and deletes the
   crawl. Stopped early (SIGTERM), it finishes the run ``interrupted`` and leaves the crawl in Redis
   for the next writer.

Workers may leave extraction to the writer (``NIANBAO_REDIS_EXTRACT=writer``): such captures are
extracted in the writer's own process pool before they are recorded.
"""

from __future__ import annotations

import asyncio
import logging
import os
import resource
import socket
import threading
import time
import uuid
from collections import Counter
from typing import Any

from redis.exceptions import RedisError, ResponseError

import archive
from archive.lock import writer_lock
from archive.revisit import RevisitPolicy
from crawler.crawl_archive import judge, loss_lines
from crawler.distributed.keys import GROUP, CrawlKeys
from crawler.distributed.lifecycle import OpenCrawl, end_crawl, open_crawl
from crawler.distributed.scripts import Scripts
from crawler.distributed.shared import _text
from crawler.distributed.stream import Entry, decode_entry, entry_size
from crawler.pipelines import ExtractPipeline
from nianbao.capture import Capture, ListPage, SiteMove
from nianbao.errors import ArchiveError, NianbaoError

logger = logging.getLogger(__name__)
BLOCK_MS = 1000


class LostLock(NianbaoError):
    """Another writer holds the crawl's lock now: this one must stop."""


class Writer:
    """Records one distributed crawl into one archive (see the module docstring)."""

    def __init__(self, server: Any, keys: CrawlKeys, db_path: str, *, batch: int = 64, lock_ms: int = 10_000,
                 wait_seconds: float = 600.0, extract_workers: int = 2, compact: bool = True,
                 revisit: RevisitPolicy | None = None):
        self.server, self.keys, self.db_path = server, keys, db_path
        self.revisit = revisit or RevisitPolicy()
        self.batch, self.lock_ms, self.wait_seconds, self.compact = batch, lock_ms, wait_seconds, compact
        self.scripts = Scripts(server)
        self.me = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.extractor = ExtractPipeline(extract_workers, 5000)
        self.counts: Counter[str] = Counter(dict.fromkeys(
            ("recorded", "duplicates", "refused", "list_pages", "site_moves", "extracted"), 0))
        self.crawl: OpenCrawl | None = None
        self.store: archive.Archive | None = None
        self._stop = False
        self._lock_lost = threading.Event()
        self._lock_held = threading.Event()
        self._write_cpu = 0.0  # CPU seconds spent recording batches (the cost per capture, without idling)

    def stop(self) -> None:
        """Finish the current batch, then end the run as interrupted (a signal handler may call it)."""
        self._stop = True

    def run(self) -> dict[str, Any]:
        """Record the crawl until it is done or the writer is stopped; a summary of what was done."""
        started, cpu = time.monotonic(), time.process_time()
        with writer_lock(self.db_path):
            self._take_lock()
            try:
                with archive.open_archive(self.db_path, revisit=self.revisit) as store:
                    self.store = store
                    self.extractor.view = store
                    run = self._record_crawl()
            finally:
                self._lock_held.clear()
                self.extractor.close()
                if not self._lock_lost.is_set():
                    self.server.delete(self.keys.writer_lock)
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        return {**(run or {"status": "nothing to do"}), **self.counts, "writer": self.me,
                "seconds": round(time.monotonic() - started, 2), "write_cpu_s": round(self._write_cpu, 3),
                "cpu_s": round(time.process_time() - cpu + children.ru_utime + children.ru_stime, 3)}

    def _record_crawl(self) -> dict[str, Any] | None:
        assert self.store is not None
        self.crawl = open_crawl(self.server, self.keys, self.store, wait_seconds=self.wait_seconds,
                                stopping=lambda: self._stop)
        if self.crawl is None:
            return None
        self._claim()
        done = self._consume()
        return self._finish(done)

    # -- the lock ----------------------------------------------------------------------------------

    def _take_lock(self) -> None:
        """Wait for the crawl's writer lock, then keep renewing it from a thread of its own: a batch
        that takes long (extraction in the writer, a slow disk) must not let it expire."""
        deadline = time.monotonic() + self.wait_seconds
        while not self._lock_taken():
            if self._stop or time.monotonic() > deadline:
                raise LostLock("stopped while waiting for the writer lock")
            time.sleep(1)
        self._lock_held.set()
        threading.Thread(target=self._renew_lock, name="writer-lock", daemon=True).start()

    def _lock_taken(self) -> bool:
        try:
            if self.server.set(self.keys.writer_lock, self.me, nx=True, px=self.lock_ms):
                return True
            logger.warning("writer lock of crawl %s held by %s; waiting", self.keys.label,
                           self.server.get(self.keys.writer_lock))
        except RedisError as exc:  # a Redis starting or restarting: wait for it as for the lock
            logger.warning("Redis unreachable: %s", exc)
        return False

    def _renew_lock(self) -> None:
        while self._lock_held.is_set():
            try:
                if not self.scripts("RENEW_LOCK", self.keys.writer_lock, self.me, self.lock_ms):
                    self._lock_lost.set()
                    return
            except RedisError as exc:  # Redis away: try again; if the lock expires meanwhile, it is lost
                logger.warning("writer lock not renewed: %s", exc)
            time.sleep(self.lock_ms / 4000)

    def _keep_lock(self) -> None:
        if self._lock_lost.is_set():
            raise LostLock(f"the writer lock of crawl {self.keys.label} was lost: another writer may be running")

    # -- consuming ---------------------------------------------------------------------------------

    def _claim(self) -> None:
        """Make every entry read but not acknowledged (by any writer before) this writer's own."""
        try:
            self.server.xgroup_create(self.keys.stream, GROUP, id="0", mkstream=True)
        except ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise
        cursor, claimed = "0-0", 0
        while True:
            # the full reply: redis-py's justid form drops the cursor
            reply = self.server.xautoclaim(self.keys.stream, GROUP, self.me, 0, cursor, count=500)
            cursor, claimed = reply[0], claimed + len(reply[1])
            if cursor in (b"0-0", "0-0"):
                break
        for consumer in self.server.xinfo_consumers(self.keys.stream, GROUP):
            if consumer["name"] != self.me.encode() and not consumer["pending"]:
                self.server.xgroup_delconsumer(self.keys.stream, GROUP, consumer["name"])
        if claimed:
            logger.warning("claimed %d captures a stopped writer had read", claimed)

    def _consume(self) -> bool:
        """Record the stream until the crawl is done (True) or the writer is stopped (False)."""
        own_pending = True  # first what this writer holds (claimed or read before a failure), then new entries
        while not self._stop:
            try:
                self._keep_lock()
                reply = self.server.xreadgroup(GROUP, self.me, {self.keys.stream: "0" if own_pending else ">"},
                                               count=self.batch, block=None if own_pending else BLOCK_MS)
                entries = reply[0][1] if reply else []
                if entries:
                    cpu = time.process_time()
                    self._write(entries)
                    self._write_cpu += time.process_time() - cpu
                elif own_pending:
                    own_pending = False
                elif self._done():
                    return True
            except (ArchiveError, RedisError) as exc:
                logger.error("batch not recorded (%s); trying again", exc)
                own_pending = True
                time.sleep(1)
        return False

    def _write(self, entries: list[Any]) -> None:
        """Record one batch, then acknowledge it."""
        assert self.store is not None and self.crawl is not None
        decoded = [entry for sid, fields in entries if fields and (entry := self._decode(sid, fields)) is not None]
        captures = [e for e in decoded if isinstance(e.item, Capture)]
        self._extract([e for e in captures if e.extract_in_writer])
        for entry in decoded:
            if isinstance(entry.item, ListPage):
                self._remember_list(entry.item)
        items = [e.item for e in captures if isinstance(e.item, Capture)]
        self._keep_lock()  # extraction may have taken long: never commit what another writer may have taken
        results = self.store.record_captures(items, run_id=self.crawl.run_id) if items else []
        for capture, result in zip(items, results, strict=True):
            self._count(capture, result)
        for move in (e.item for e in decoded if isinstance(e.item, SiteMove)):  # after its site's captures
            self._remember_move(move)
        pipe = self.server.pipeline(transaction=True)
        ids = [sid for sid, _ in entries]
        pipe.xack(self.keys.stream, GROUP, *ids)
        pipe.xdel(self.keys.stream, *ids)
        pipe.decrby(self.keys("backlog_bytes"), sum(entry_size(fields) for _, fields in entries if fields))
        pipe.execute()

    def _decode(self, stream_id: bytes, fields: dict[bytes, bytes]) -> Entry | None:
        """The entry, or None for one that is no capture: it goes to the dead captures, kept as it came."""
        try:
            return decode_entry(stream_id, fields)
        except (ValueError, TypeError, KeyError) as exc:  # not JSON, or not the fields of a capture
            logger.error("stream entry %s is not a capture (%s); kept in %s", stream_id, exc, self.keys("dead_captures"))
            self.server.xadd(self.keys("dead_captures"), {**fields, b"error": str(exc)})
            self.server.hincrby(self.keys("stats"), "refused", 1)
            self.counts["refused"] += 1
            return None

    def _extract(self, entries: list[Entry]) -> None:
        """Extract in the writer's pool what the workers left to it (a known body is not extracted again)."""
        if entries:
            async def extract_all() -> None:
                await asyncio.gather(*(self.extractor.process_item(e.item) for e in entries))

            asyncio.run(extract_all())
            self.counts["extracted"] += len(entries)

    def _remember_list(self, page: ListPage) -> None:
        assert self.store is not None
        try:
            self.store.record_list_page(page.to_dict())
        except ArchiveError as exc:  # loses only a shortcut: the page is read again next time
            logger.warning("list page %s not remembered: %s", page.url, exc)
        self.counts["list_pages"] += 1

    def _remember_move(self, move: SiteMove) -> None:
        assert self.store is not None
        try:
            self.store.record_alias(move.site, url=move.url, location=move.location, status=move.status,
                                    seen_at=move.seen_at)
        except ArchiveError as exc:  # loses only a shortcut: the next crawl follows the redirect again
            logger.warning("move of %s to %s not remembered: %s", move.site, move.location, exc)
        self.counts["site_moves"] += 1

    def _count(self, capture: Capture, result: Any) -> None:
        if isinstance(result, Exception):
            logger.error("capture of %s not recorded: %s", capture.url, result)
            self.counts["refused"] += 1
            self.server.hincrby(self.keys("stats"), "refused", 1)
        elif result.duplicate:
            self.counts["duplicates"] += 1
        else:
            self.counts["recorded"] += 1

    def _done(self) -> bool:
        assert self.crawl is not None
        crawl, queued, inflight, _dead, entries, seeded, _bytes = self.scripts("STATUS", self.keys.prefix)
        if not crawl:  # lost with the last second of a crashed Redis's writes: the lock holder sets it again
            self.scripts("OPEN", self.keys.prefix, self.crawl.crawl_id, self.crawl.run_id)
            return False
        if not int(seeded) or int(queued) or int(inflight) or int(entries):
            return False
        return int(self.server.xpending(self.keys.stream, GROUP)["pending"]) == 0

    # -- the end -----------------------------------------------------------------------------------

    def _finish(self, done: bool) -> dict[str, Any]:
        assert self.store is not None and self.crawl is not None
        if not done:
            self.server.delete(self.keys("run"))
            return self.store.finish_run(self.crawl.run_id, status="interrupted",
                                         error="the writer was stopped; the next writer goes on with the crawl")
        status, error = self._verdict()
        run = self.store.finish_run(self.crawl.run_id, status=status, error=error)
        if self.compact and status != "failed" and any(run.get(k) for k in ("new", "changed", "removed")):
            self._compact()
        end_crawl(self.server, self.keys)
        logger.info("crawl %s done: run %s %s", self.keys.label, run["id"], run["status"])
        return run

    def _verdict(self) -> tuple[str, str | None]:
        """As a crawl of one process judges its run (``crawler.crawl_archive.judge``): ``failed`` when no
        site could be crawled, ``partial`` when some sites failed, captures were refused, requests
        dead-lettered or captures of a loss class (``parse``, ``capped`` …) recorded. A site whose lists
        answered (a worker said so) was reached, captures or not."""
        assert self.store is not None and self.crawl is not None
        refused = int(self.server.hget(self.keys("stats"), "refused") or 0)
        dead = int(self.server.zcard(self.keys("dead")))
        lost = [f"{refused} captures could not be recorded"] * bool(refused)
        lost += [f"{dead} requests dead-lettered after repeated lease expiries"] * bool(dead)
        listed = {_text(site) for site in self.server.smembers(self.keys("listed"))}
        cut_short = loss_lines(self.store.run_losses(self.crawl.run_id))
        return judge("finished", self.store.run_sites(self.crawl.run_id), sites=self.crawl.sites, listed=listed,
                     lost=lost, cut_short=cut_short)

    def _compact(self) -> None:
        """Merge the search index (a failure loses nothing: ``nianbao compact`` can do it later)."""
        assert self.store is not None
        try:
            self.store.compact()
        except ArchiveError as exc:
            logger.error("search index not compacted: %s", exc)
