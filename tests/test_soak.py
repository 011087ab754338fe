"""Soak: the twelve fixture sites and the whole hostile portal, crawled while archivists read.

Readers query in loops the whole time: the sqlite3 shell, ``nianbao search`` and ``nianbao status``,
and a Datasette server on the live file. The crawl is SIGKILLed three times, each time after it has
recorded some captures, and resumed; the fourth run finishes. Then: no reader saw an error, every
good report is archived exactly once, every hostile case is classified. The figures (reader
queries, captures, peak memory) are printed, and kept in bench/hostile/README.md.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

import archive
from crawler import exit_codes
from tests.conftest import ROOT

pytestmark = [pytest.mark.soak, pytest.mark.requires_program("sqlite3")]

KILLS = 3
KILL_AFTER_CAPTURES = 60  # captures a run records before it is killed
# A list-page cap above the fixture's longest column (the per-year site: 31 list pages), so the good
# sites are walked whole, and low enough that the hostile hosts' traps stay short. Items are held
# after the default 20 list pages: the per-year site's last reports are released at the end.
CAPS = ("-s", "NIANBAO_MAX_LIST_PAGES=40")
READER_TIMEOUT = 60
# Seconds between a reader's queries: the CLI readers start an interpreter each time, which would
# otherwise take a core from the crawl.
PAUSE = {"sqlite3": 0.05, "datasette": 0.05, "search": 0.5, "status": 0.5}


class Readers:
    """Reader loops on their own threads; each error they meet is kept, never raised."""

    def __init__(self, db: Path, tmp: Path) -> None:
        self.db, self.socket = db, tmp / "datasette.sock"
        self.errors: list[str] = []
        self.queries: Counter[str] = Counter()
        self.stopping = threading.Event()
        self.threads: list[threading.Thread] = []
        self.datasette: subprocess.Popen[str] | None = None

    def start(self) -> None:
        self.datasette = subprocess.Popen([sys.executable, "-m", "datasette", "serve", str(self.db), "--uds",
                                           str(self.socket)], cwd=ROOT, stdout=subprocess.DEVNULL,
                                          stderr=subprocess.PIPE, text=True)
        for name, read in (("sqlite3", self.sqlite3_shell), ("search", self.search), ("status", self.status),
                           ("datasette", self.datasette_query)):
            thread = threading.Thread(target=self.loop, args=(name, read), daemon=True)
            thread.start()
            self.threads.append(thread)

    def stop(self) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=READER_TIMEOUT)
        if self.datasette is not None:
            self.datasette.terminate()
            self.datasette.wait(timeout=30)

    def loop(self, name: str, read: Callable[[], str | None]) -> None:
        while not self.stopping.is_set():
            try:
                problem = read()
            except Exception as exc:  # a reader's failure is what this test counts
                problem = f"{type(exc).__name__}: {exc}"
            self.queries[name] += 1
            if problem:
                self.errors.append(f"{name}: {problem}")
            time.sleep(PAUSE[name])

    def sqlite3_shell(self) -> str | None:
        # a busy timeout, as docs/archive.md advises for the shell: right after a crash the next opener
        # rebuilds the WAL index, and a shell without one fails at once instead of waiting a moment
        done = subprocess.run(["sqlite3", "-readonly", "-cmd", ".timeout 5000", str(self.db), "select count(*) from captures; "
                               "select count(*) from versions; select count(*) from current_reports;"],
                              capture_output=True, text=True, timeout=READER_TIMEOUT, check=False)
        return None if done.returncode == 0 and not done.stderr else f"exit {done.returncode}: {done.stderr[-300:]}"

    def nianbao(self, *args: str, ok: tuple[int, ...] = (0,)) -> str | None:
        done = subprocess.run([sys.executable, "-m", "crawler.cli", *args, "--db", str(self.db)], cwd=ROOT,
                              capture_output=True, text=True, timeout=READER_TIMEOUT, check=False)
        bad = done.returncode not in ok or "Traceback" in done.stderr or "locked" in done.stderr
        return f"exit {done.returncode}: {done.stderr[-300:]}" if bad else None

    def search(self) -> str | None:
        return self.nianbao("search", "政府信息公开", "--limit", "3")

    def status(self) -> str | None:
        return self.nianbao("status", ok=(0, 1, 3))  # 1: a run interrupted, 3: partial; both are answers

    def datasette_query(self) -> str | None:
        import httpx

        if not self.socket.exists():
            return None  # still starting
        with httpx.Client(transport=httpx.HTTPTransport(uds=str(self.socket)), timeout=READER_TIMEOUT) as client:
            name = self.db.stem
            count = client.get(f"http://datasette/{name}.json",
                               params={"sql": "select count(*) as n from versions", "_shape": "array"})
            view = client.get(f"http://datasette/{name}/current_reports.json", params={"_size": 5, "_shape": "array"})
        for answer in (count, view):
            if answer.status_code != 200 or "locked" in answer.text:
                return f"HTTP {answer.status_code}: {answer.text[:300]}"
        return None


def peak_rss_kib(pid: int) -> int:
    """The high-water mark of a process's resident memory (0 once it is gone)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    return next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:")), 0)


def children(pid: int) -> list[int]:
    try:
        return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def newest_run(db: Path) -> tuple[int, int]:
    """(id, captures recorded so far) of the newest run; (0, 0) before the first."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)
    try:
        row = conn.execute("select r.id, (select count(*) from captures c where c.run_id = r.id) from runs r "
                           "order by r.id desc limit 1").fetchone()
    finally:
        conn.close()
    return (row[0], row[1]) if row else (0, 0)


def crawl_once(db: Path, urls: list[str], kill: bool, figures: Counter[str]) -> int:
    """One crawl; SIGKILLed once it has recorded KILL_AFTER_CAPTURES captures if ``kill``. Its exit code."""
    crawl = subprocess.Popen([sys.executable, "-m", "crawler.cli", "crawl", *urls, "--db", str(db), "--delay", "0",
                              "--concurrency", "8", *CAPS], cwd=ROOT, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, text=True)
    errors: list[str] = []
    drain = threading.Thread(target=lambda: errors.append(crawl.stderr.read() if crawl.stderr else ""), daemon=True)
    drain.start()
    before = newest_run(db)[0]
    while crawl.poll() is None:
        figures["crawl_peak_kib"] = max(figures["crawl_peak_kib"], peak_rss_kib(crawl.pid))
        for child in children(crawl.pid):
            figures["worker_peak_kib"] = max(figures["worker_peak_kib"], peak_rss_kib(child))
        run, captured = newest_run(db)
        if kill and run > before and captured >= KILL_AFTER_CAPTURES:
            os.kill(crawl.pid, signal.SIGKILL)
            figures["kills"] += 1
            break
        time.sleep(0.1)
    code = crawl.wait(timeout=300)
    drain.join(timeout=30)
    assert "Traceback" not in "".join(errors), "".join(errors)[-3000:]
    return code


def test_soak(tmp_path):
    from fixture_portal import FixturePortal
    from fixture_portal.hostile import HostilePortal

    db = tmp_path / "nianbao.db"
    figures: Counter[str] = Counter()
    started = time.monotonic()
    with FixturePortal(seed=7) as portal, HostilePortal() as hostile:
        urls = portal.homepages() + hostile.homepages()
        archive.open_archive(db).close()  # readers need the file from their first query on
        readers = Readers(db, tmp_path)
        readers.start()
        try:
            codes = []
            for attempt in range(KILLS + 1):
                begun = time.monotonic()
                codes.append(crawl_once(db, urls, kill=attempt < KILLS, figures=figures))
                figures[f"run{attempt + 1}_seconds"] = round(time.monotonic() - begun, 1)
        finally:
            readers.stop()
        truth = [t["url"] for t in portal.truth() if not t["removed"]] + hostile.good_reports()
        expected = hostile.expected()
    figures.update(seconds=round(time.monotonic() - started), **{f"{k}_queries": v for k, v in readers.queries.items()})
    print("soak figures:", json.dumps(dict(figures), sort_keys=True))

    assert figures["kills"] == KILLS and codes[-1] == exit_codes.PARTIAL
    assert readers.errors == []
    assert all(readers.queries[name] > 0 for name in ("sqlite3", "search", "status", "datasette")), readers.queries
    with archive.open_archive(db, readonly=True) as store:
        statuses = [row[0] for row in store.db.execute("select status from runs order by id")]
        assert statuses == ["interrupted"] * KILLS + ["partial"]
        for url in truth:
            news = store.db.execute("select count(*) from captures where url = ? and outcome = 'new'", [url]).fetchone()[0]
            versions = store.db.execute("select count(*) from versions v join documents d on d.id = v.document_id "
                                        "where d.url = ?", [url]).fetchone()[0]
            assert (news, versions) == (1, 1), url
        errors = store.db.execute("select url, error_class from captures where outcome = 'error'").fetchall()
        for case in expected:
            prefix = case.url[-1] in "?_=/"
            assert any(cls == case.error_class and (url == case.url or (prefix and url.startswith(case.url)))
                       for url, cls in errors), case
        assert store.check() == []
