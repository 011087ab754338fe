"""A schedule group run distributed: scheduler.py starts the writer and workers, stops them, and the next
run goes on with the crawl where it stopped, after a restart of Redis in between."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, run_nianbao
from tests.redis_support import RedisServer
from tests.test_scheduler import events, runs, wait_for

pytestmark = pytest.mark.requires_program("redis-server")


@pytest.fixture(scope="module")
def portal():
    from fixture_portal import FixturePortal

    with FixturePortal(seed=5, families=("trs", "hanweb")) as served:
        yield served


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(tmp_path / "redis").start()
    yield server
    server.stop()


def distributed_config(tmp_path: Path, db: Path, urls: list[str], redis_url: str, crawl_args: list[str]) -> Path:
    path = tmp_path / "nianbao.toml"
    path.write_text(f"""
[scheduler]
db = "{db}"

[[scheduler.group]]
name = "fixture"
cron = "0 2 * * *"
start_urls = {json.dumps(urls)}
crawl_args = {json.dumps(crawl_args)}
redis = "{redis_url}"
redis_workers = 2
""", encoding="utf-8")
    return path


def test_a_stopped_distributed_crawl_goes_on_next_time_with_nothing_twice(tmp_path, portal, redis_server):
    db = tmp_path / "nianbao.db"
    cfg = distributed_config(tmp_path, db, portal.homepages(), redis_server.url, ["--delay", "0.1", "--concurrency", "1"])
    # served (a catch-up runs the group at once: it never succeeded); SIGTERM stops it gracefully
    scheduler = subprocess.Popen([sys.executable, "scheduler.py", "--config", str(cfg)], cwd=ROOT,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wait_for(lambda: sqlite3.connect(db).execute("SELECT count(*) FROM captures").fetchone()[0] > 20
             if db.exists() and runs(db) else False, timeout=120)
    scheduler.send_signal(signal.SIGTERM)
    scheduler.communicate(timeout=120)
    assert scheduler.returncode == 0
    assert [r["status"] for r in runs(db)] == ["interrupted"]
    assert redis_server.client().get("nb:{scheduler:fixture}:crawl")  # the crawl waits in Redis
    redis_server.stop()  # Redis restarted between the runs: the crawl comes back from its append-only file
    redis_server.start()
    assert redis_server.client().get("nb:{scheduler:fixture}:crawl")

    result = subprocess.run([sys.executable, "scheduler.py", "--config", str(cfg), "--once"], cwd=ROOT,
                            capture_output=True, text=True, timeout=240, check=False)
    assert result.returncode == 0, result.stdout[-3000:]
    lines = [e["line"] for e in events(result.stdout) if e["event"] == "crawl_output"]
    assert sum(line.startswith("worker done: finished") for line in lines) == 2  # the writer's two workers
    assert [(r["command"], r["status"]) for r in runs(db)] == [("scheduler:fixture", "interrupted"),
                                                               ("scheduler:fixture", "ok")]
    conn = sqlite3.connect(db)
    twice = conn.execute("SELECT url FROM captures WHERE kind IN ('page', 'attachment') GROUP BY url HAVING count(*) > 1")
    assert twice.fetchall() == []  # the second run went on from the queue: nothing fetched again
    archived = {url for (url,) in conn.execute("SELECT url FROM documents")}
    assert {report["url"] for report in portal.truth()} <= archived
    assert run_nianbao("check", "--db", str(db)).returncode == 0
