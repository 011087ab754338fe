"""Nothing lost, nothing twice: workers, the writer and redis-server killed at random moments.

Two workers and one writer crawl part of the fixture portal through a redis-server with its
append-only file in the test's directory. For a while, every few seconds (seeded) one of them is
killed: a worker or the writer with SIGKILL, redis-server alternately with SIGKILL (a crash: up to a
second of its writes lost) and SIGTERM; each comes back a moment later, Redis from its file. Then the
crawl is left to finish. Every report of the portal must be in the archive exactly once, with one
capture and one version, the run ``ok``, ``nianbao check`` clean and the crawl gone from Redis.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import time
from collections import Counter
from pathlib import Path

import pytest
import redis

from tests.conftest import run_nianbao
from tests.redis_support import RedisServer, nianbao_process, worker_args, writer_args

pytestmark = pytest.mark.requires_program("redis-server")
SEED = int(os.environ.get("NIANBAO_KILL_SEED", "20261206"))  # another seed: NIANBAO_KILL_SEED=N pytest …
CHAOS_SECONDS = 30
FINISH_SECONDS = 180
# Kills come in a shuffled order, so each kind happens at least once in the chaos window.
VICTIMS = ["worker0", "worker1", "writer", "redis", "worker0", "worker1", "writer", "redis", "worker1", "worker0"]
WORKER_SETTINGS = ("--delay", "0.1", "--concurrency", "1", "--workers", "1",
                   "-s", "NIANBAO_REDIS_LEASE_SECONDS=3", "-s", "NIANBAO_REDIS_WAIT_SECONDS=90",
                   # the chaos kills the same requests' workers again and again: never dead-letter here
                   "-s", "NIANBAO_REDIS_MAX_ATTEMPTS=1000")


class Crowd:
    """The crawl's processes by name; each killed one is started again after a pause."""

    def __init__(self, tmp: Path, server: RedisServer, urls: list[str]) -> None:
        self.tmp, self.server, self.urls = tmp, server, urls
        self.processes: dict[str, subprocess.Popen[bytes] | None] = {}
        self.back_at: dict[str, float] = {}
        self.kills: Counter[str] = Counter()

    def start(self, name: str) -> None:
        if name == "redis":
            self.server.start()
            return
        args = (writer_args(self.server, self.tmp / "archive.db") if name == "writer"
                else worker_args(self.server, self.urls, *WORKER_SETTINGS))
        self.processes[name] = nianbao_process(args, self.tmp / f"{name}.log")

    def kill(self, name: str, rng: random.Random) -> None:
        if name == "redis":
            how = (signal.SIGKILL, signal.SIGTERM)[self.kills["redis"] % 2]
            self.server.stop(how)
        else:
            process = self.processes[name]
            assert process is not None
            process.kill()
            process.wait()
            self.processes[name] = None
        self.kills[name] += 1
        self.back_at[name] = time.monotonic() + rng.uniform(0.2, 1.5)

    def restart_due(self, *, now: float) -> None:
        for name, at in list(self.back_at.items()):
            if now >= at:
                del self.back_at[name]
                self.start(name)

    def restart_crashed(self) -> None:
        """A process that failed on its own (e.g. Redis away too long at start) is started again."""
        for name, process in self.processes.items():
            if process is not None and process.poll() not in (None, 0) and name not in self.back_at:
                self.start(name)

    def writer_done(self) -> bool:
        writer = self.processes.get("writer")
        return writer is not None and writer.poll() == 0

    def stop_all(self) -> None:
        for process in self.processes.values():
            if process is not None and process.poll() is None:
                process.kill()
                process.wait()


def crawl_open_for(server: RedisServer, seconds: float, since: dict[str, float]) -> bool:
    """Whether the crawl has been open this long (Redis is not crashed in the second after it opened)."""
    try:
        opened = server.client().exists("nb:{crawl}:crawl")
    except redis.ConnectionError:  # Redis itself is down: not open as far as we can tell
        opened = False
    if not opened:
        since.pop("open", None)
        return False
    since.setdefault("open", time.monotonic())
    return time.monotonic() - since["open"] >= seconds


def test_every_report_is_archived_exactly_once_whatever_is_killed(tmp_path):
    from fixture_portal import FixturePortal

    rng = random.Random(SEED)
    victims = rng.sample(VICTIMS, len(VICTIMS))
    server = RedisServer(tmp_path / "redis").start()
    with FixturePortal(seed=5, families=("trs", "hanweb", "relocated")) as portal:
        crowd = Crowd(tmp_path, server, portal.homepages())
        try:
            for name in ("writer", "worker0", "worker1"):
                crowd.start(name)
            run_chaos(crowd, server, rng, victims)
            deadline = time.monotonic() + FINISH_SECONDS
            while not crowd.writer_done() and time.monotonic() < deadline:
                crowd.restart_due(now=time.monotonic())
                crowd.restart_crashed()
                time.sleep(0.1)
            assert crowd.writer_done(), (tmp_path / "writer.log").read_text()[-3000:]
            truth = portal.truth()
        finally:
            crowd.stop_all()
    try:
        assert crowd.kills["writer"] and crowd.kills["redis"] and crowd.kills["worker0"] + crowd.kills["worker1"]
        assert_archived_exactly_once(tmp_path / "archive.db", truth)
        # the writer deleted the crawl, noting it ended; a worker restarted just as it ended may have
        # proposed the next crawl of the same sites (kept until a writer opens it)
        left = set(server.client().keys("*"))
        assert b"nb:{crawl}:ended" in left and left - {b"nb:{crawl}:ended"} <= {b"nb:{crawl}:targets", b"nb:{crawl}:code"}
    finally:
        server.stop()


def run_chaos(crowd: Crowd, server: RedisServer, rng: random.Random, victims: list[str]) -> None:
    """Kill the next victim every 1.5–4 s for CHAOS_SECONDS, once the crawl is open and while it runs."""
    end = time.monotonic() + CHAOS_SECONDS
    next_kill = time.monotonic() + rng.uniform(1.5, 4)
    opened: dict[str, float] = {}
    while time.monotonic() < end and victims and not crowd.writer_done():
        now = time.monotonic()
        crowd.restart_due(now=now)
        crowd.restart_crashed()
        if now >= next_kill and not crowd.back_at and crawl_open_for(server, 2.0, opened):
            crowd.kill(victims.pop(0), rng)
            next_kill = now + rng.uniform(1.5, 4)
        time.sleep(0.05)


def assert_archived_exactly_once(db: Path, truth: list[dict]) -> None:
    conn = sqlite3.connect(db)
    runs = conn.execute("SELECT status, fetched FROM runs ORDER BY id").fetchall()
    assert runs[-1][0] == "ok" and all(fetched == 0 for _, fetched in runs[:-1]), runs
    per_url = dict(conn.execute("SELECT url, count(*) FROM captures WHERE kind IN ('page', 'attachment') GROUP BY url"))
    assert per_url and max(per_url.values()) == 1  # no fetch recorded twice
    for report in truth:
        versions = conn.execute("SELECT count(*) FROM versions v JOIN documents d ON d.id = v.document_id "
                                "WHERE d.url = ?", [report["url"]]).fetchone()[0]
        assert (per_url.get(report["url"]), versions) == (1, 1), report["url"]
    conn.close()
    assert run_nianbao("check", "--db", str(db)).returncode == 0
