"""scheduler.py (crawler.schedule) and resumable crawls, with fast triggers and real subprocesses."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

import archive
from tests.conftest import ROOT, crawl

SLOW = ["--delay", "0.15", "--concurrency", "1"]


@pytest.fixture(scope="module")
def hanweb_portal():
    from fixture_portal import FixturePortal

    with FixturePortal(seed=5, families=("trs", "hanweb")) as served:
        yield served


def config(tmp_path: Path, db: Path, urls: list[str], cron: str, crawl_args: list[str]) -> Path:
    path = tmp_path / "nianbao.toml"
    path.write_text(f"""
[scheduler]
db = "{db}"
misfire_grace_seconds = 30

[[scheduler.group]]
name = "fixture"
cron = "{cron}"
start_urls = {json.dumps(urls)}
crawl_args = {json.dumps(crawl_args)}
""", encoding="utf-8")
    return path


@pytest.fixture
def start_scheduler():
    """Start scheduler.py processes; whatever a test leaves running is killed afterwards."""
    started: list[subprocess.Popen[str]] = []

    def start(cfg: Path, *extra: str) -> subprocess.Popen[str]:
        process = subprocess.Popen([sys.executable, "scheduler.py", "--config", str(cfg), *extra], cwd=ROOT,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
            process.communicate(timeout=30)


def events(stdout: str) -> list[dict]:
    """Every line the scheduler prints is one JSON object (the crawl's own output included)."""
    return [json.loads(line) for line in stdout.splitlines()]


def runs(db: Path) -> list[sqlite3.Row]:
    """Run rows; none while the archive is still being created by the crawl."""
    if not db.exists():
        return []
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        return conn.execute("select * from runs order by id").fetchall()
    except sqlite3.OperationalError:  # schema not migrated yet
        return []
    finally:
        conn.close()


def wait_for(predicate, timeout: float = 60, step: float = 0.2) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        time.sleep(step)


def test_once_runs_every_group_and_records_its_run(hanweb_portal, tmp_path):
    db = tmp_path / "nianbao.db"
    cfg = config(tmp_path, db, [hanweb_portal.homepages()[0]], "0 2 * * *", ["--delay", "0"])
    result = subprocess.run([sys.executable, "scheduler.py", "--config", str(cfg), "--once"], cwd=ROOT,
                            capture_output=True, text=True, timeout=240, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    kinds = [e["event"] for e in events(result.stdout) if e["event"] != "crawl_output"]
    assert kinds == ["crawl_start", "crawl_end"]
    assert any(e["event"] == "crawl_output" and "run 1" in e["line"] for e in events(result.stdout))
    assert [(r["command"], r["status"]) for r in runs(db)] == [("scheduler:fixture", "ok")]


def test_overlapping_triggers_never_run_two_crawls_and_sigterm_exits_cleanly(hanweb_portal, tmp_path, start_scheduler):
    db = tmp_path / "nianbao.db"
    cfg = config(tmp_path, db, hanweb_portal.homepages(), "* * * * * *", SLOW)  # fires every second
    scheduler = start_scheduler(cfg)
    wait_for(lambda: len(runs(db)) >= 1, timeout=60)
    time.sleep(4)  # several triggers fire while the first crawl is still running
    scheduler.send_signal(signal.SIGTERM)
    stdout, stderr = scheduler.communicate(timeout=120)
    assert scheduler.returncode == 0, stderr[-3000:]
    log = events(stdout)
    assert any(e["event"] == "trigger_skipped" and e["reason"] == "still running" for e in log)
    recorded = runs(db)
    assert len(recorded) == 1  # the crawl outlived every later trigger
    assert recorded[0]["status"] == "interrupted"
    assert log[-1]["event"] == "stopped"


def test_missed_run_is_caught_up_once(hanweb_portal, tmp_path, start_scheduler):
    db = tmp_path / "nianbao.db"
    # Daily at 02:00: the next regular fire is hours away, and no run ever succeeded: one catch-up now.
    cfg = config(tmp_path, db, [hanweb_portal.homepages()[0]], "0 2 * * *", ["--delay", "0"])
    scheduler = start_scheduler(cfg)
    wait_for(lambda: runs(db) and runs(db)[-1]["status"] != "running", timeout=120)
    time.sleep(2)
    scheduler.send_signal(signal.SIGTERM)
    stdout, _ = scheduler.communicate(timeout=60)
    log = events(stdout)
    assert [e for e in log if e["event"] == "scheduled"][0]["catch_up"] is True
    assert [e["event"] for e in log].count("crawl_start") == 1
    assert [r["status"] for r in runs(db)] == ["ok"]


def test_recent_success_needs_no_catch_up(hanweb_portal, tmp_path, start_scheduler):
    db = tmp_path / "nianbao.db"
    crawl(db, hanweb_portal.homepages()[0], extra=("--label", "scheduler:fixture"))
    cfg = config(tmp_path, db, [hanweb_portal.homepages()[0]], "0 2 * * *", ["--delay", "0"])
    scheduler = start_scheduler(cfg)
    time.sleep(3)
    scheduler.send_signal(signal.SIGTERM)
    stdout, _ = scheduler.communicate(timeout=60)
    log = events(stdout)
    assert [e for e in log if e["event"] == "scheduled"][0]["catch_up"] is False
    assert "crawl_start" not in [e["event"] for e in log]


def children_of(pid: int) -> list[int]:
    """Live child processes of ``pid`` (Linux /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(stat.parent.name))
    return found


def test_crawl_killed_with_sigkill_resumes_with_every_report_exactly_once(hanweb_portal, tmp_path, request):
    db = tmp_path / "nianbao.db"
    urls = hanweb_portal.homepages()
    cmd = [sys.executable, "-m", "crawler.cli", "crawl", *urls, "--db", str(db), *SLOW]
    victim = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    request.addfinalizer(lambda: victim.poll() is None and victim.kill())

    def captured() -> int:
        if not db.exists():
            return 0
        conn = sqlite3.connect(db)
        try:
            return conn.execute("select count(*) from captures").fetchone()[0]
        except sqlite3.OperationalError:
            return 0
        finally:
            conn.close()

    wait_for(lambda: captured() >= 15 and children_of(victim.pid), timeout=120)
    workers = children_of(victim.pid)  # the extraction processes
    victim.send_signal(signal.SIGKILL)
    victim.wait(timeout=30)
    wait_for(lambda: not any(Path(f"/proc/{pid}").exists() for pid in workers), timeout=30)  # none orphaned
    partial = captured()
    assert 0 < partial < len(hanweb_portal.truth())

    crawl(db, *urls)
    conn = sqlite3.connect(db)
    per_url = dict(conn.execute("select url, count(*) from captures where kind = 'page' group by url").fetchall())
    statuses = [r[0] for r in conn.execute("select status from runs order by id")]
    conn.close()
    truth = {t["url"] for t in hanweb_portal.truth()} | {e["url"] for e in hanweb_portal.expected_errors()}
    assert set(per_url) == truth  # none lost
    assert set(per_url.values()) == {1}  # none archived twice
    assert statuses == ["interrupted", "ok"]
    with archive.open_archive(db) as store:
        assert store.check() == []
        assert store.frontier_pending(sorted({u.split("/")[2] for u in urls})) == []


def test_an_unreadable_archive_means_an_unknown_last_run_not_a_crash(tmp_path, capsys):
    from crawler import schedule

    not_an_archive = tmp_path / "nianbao.db"
    not_an_archive.write_bytes(b"this is not a SQLite file" * 100)
    assert schedule.last_success(str(not_an_archive), "scheduler:nightly") is None
    line = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert line["event"] == "last_run_unknown" and line["level"] == "warning"
