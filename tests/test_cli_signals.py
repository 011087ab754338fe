"""SIGTERM and SIGINT in every long command: the work stops, nothing half-done is kept, no process is left.

Each command runs as a real subprocess; the signal is sent while it is demonstrably mid-way.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

import archive
from nianbao.capture import Capture
from tests.archive_support import extraction
from tests.conftest import ROOT, crawl

BIG_BODIES = 48  # 2 MiB each, incompressible: VACUUM and VACUUM INTO take a noticeable while
SLOW = ["--delay", "0.15", "--concurrency", "1"]


def start(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "crawler.cli", *args], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def wait_for(predicate: Callable[[], object], timeout: float = 120, step: float = 0.02) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        time.sleep(step)


def descendants(pid: int) -> set[int]:
    """Live processes below ``pid`` (Linux /proc)."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z":
            parents[int(stat.parent.name)] = int(fields[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def alive(pids: set[int]) -> set[int]:
    return {pid for pid in pids if Path(f"/proc/{pid}").exists()
            and Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"}


def runs(db: Path) -> list[tuple[str, str | None]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("select status, error from runs order by id").fetchall()
    except sqlite3.OperationalError:
        return []
    finally:
        conn.close()


@pytest.fixture(scope="module")
def hanweb_portal():
    from fixture_portal import FixturePortal

    with FixturePortal(seed=5, families=("trs", "hanweb", "attachments")) as served:
        yield served


@pytest.fixture(scope="module")
def big_archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An archive of about 100 MiB of incompressible bodies."""
    path = tmp_path_factory.mktemp("big") / "big.db"
    with archive.open_archive(path) as db:
        for n in range(BIG_BODIES):
            body = os.urandom(2 * 2**20)
            db.record_capture(Capture(url=f"http://big.example/{n}.pdf", site="big", kind="attachment", status=200,
                                      body=body, extraction=extraction(title=f"报告{n}", text=f"第{n}份。")))
    return path


def copy_of(source: Path, tmp_path: Path) -> Path:
    target = tmp_path / source.name
    shutil.copy(source, target)
    return target


# -- crawls ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_crawl_stopped_by_a_signal_is_interrupted_and_leaves_no_process(hanweb_portal, tmp_path: Path,
                                                                           signum: int, code: int) -> None:
    db = tmp_path / "nianbao.db"
    crawl_process = start("crawl", *hanweb_portal.homepages(), "--db", str(db), *SLOW)
    wait_for(lambda: runs(db) and descendants(crawl_process.pid))  # running, extraction workers up
    workers = descendants(crawl_process.pid)
    crawl_process.send_signal(signum)
    _, stderr = crawl_process.communicate(timeout=120)
    assert crawl_process.returncode == code
    name = signal.Signals(signum).name
    assert stderr.splitlines()[-1] == f"stopped by {name}: run 1 is interrupted; the next crawl resumes it"
    assert "Traceback" not in stderr and "Error" not in stderr  # before it, only progress lines
    assert runs(db)[0][0] == "interrupted"
    wait_for(lambda: not alive(workers), timeout=30)


def test_the_demo_stopped_by_sigterm_is_interrupted(tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    demo = start("demo", "--db", str(db))
    wait_for(lambda: runs(db))
    time.sleep(0.5)
    children = descendants(demo.pid)
    demo.send_signal(signal.SIGTERM)
    _, stderr = demo.communicate(timeout=120)
    assert demo.returncode == 143 and stderr.endswith("is interrupted; the next crawl resumes it\n")
    assert runs(db)[0][0] == "interrupted"
    wait_for(lambda: not alive(children), timeout=30)


def test_scheduler_once_passes_sigterm_to_its_crawl_and_exits_143(hanweb_portal, tmp_path: Path) -> None:
    db = tmp_path / "nianbao.db"
    config = tmp_path / "nianbao.toml"
    config.write_text(f'[scheduler]\ndb = "{db}"\n\n[[scheduler.group]]\nname = "fixture"\n'
                      f"start_urls = {json.dumps(hanweb_portal.homepages())}\ncrawl_args = {json.dumps(SLOW)}\n",
                      encoding="utf-8")
    scheduler = subprocess.Popen([sys.executable, "scheduler.py", "--config", str(config), "--once"], cwd=ROOT,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wait_for(lambda: runs(db) and len(descendants(scheduler.pid)) > 1)
    below = descendants(scheduler.pid)
    scheduler.send_signal(signal.SIGTERM)
    stdout, stderr = scheduler.communicate(timeout=120)
    assert scheduler.returncode == 143, stderr
    assert runs(db)[0][0] == "interrupted"
    log = [json.loads(line) for line in stdout.splitlines()]
    end = next(e for e in log if e["event"] == "crawl_end")
    assert end["exit_code"] == 143 and end["level"] == "error"
    assert [e["event"] for e in log if e["event"] != "crawl_output"] == ["crawl_start", "stopping", "crawl_end"]
    wait_for(lambda: not alive(below), timeout=30)  # the crawl and its workers: no orphan


# -- archive commands --------------------------------------------------------------------------


def test_reextract_stopped_by_sigterm_keeps_what_it_finished(hanweb_portal, tmp_path: Path) -> None:
    db = tmp_path / "nianbao.db"
    crawl(db, *hanweb_portal.homepages())
    conn = sqlite3.connect(db)
    conn.execute("UPDATE captures SET extractor_version = '0'")  # every body is stale now
    conn.commit()
    conn.close()

    def redone() -> int:
        with sqlite3.connect(db) as check:
            return check.execute("select count(*) from captures where extractor_version != '0'").fetchone()[0]

    job = start("reextract", "--db", str(db))
    wait_for(lambda: redone() > 0)
    below = descendants(job.pid)
    job.send_signal(signal.SIGTERM)
    _, stderr = job.communicate(timeout=120)
    assert job.returncode == 143
    assert stderr == ("stopped by SIGTERM; documents already re-extracted are kept; "
                      "run `nianbao reextract` again to finish\n")
    done = redone()
    with archive.open_archive(db, readonly=True) as store:
        assert store.check() == []
        total = store.db.execute("select count(*) from captures where sha256 is not null").fetchone()[0]
    assert 0 < done < total
    wait_for(lambda: not alive(below), timeout=30)
    finish = start("reextract", "--db", str(db))
    assert finish.wait(timeout=300) == 0


def test_compact_vacuum_stopped_by_sigterm_leaves_the_archive_as_it_was(big_archive: Path, tmp_path: Path) -> None:
    db = copy_of(big_archive, tmp_path)
    wal = Path(f"{db}-wal")
    job = start("compact", "--vacuum", "--db", str(db))
    wait_for(lambda: wal.exists() and wal.stat().st_size > 8 * 2**20, step=0.005)  # VACUUM is writing
    job.send_signal(signal.SIGTERM)
    _, stderr = job.communicate(timeout=60)
    assert job.returncode == 143, stderr
    assert stderr == "stopped by SIGTERM; the archive is as it was before\n"
    with archive.open_archive(db, readonly=True) as store:
        assert store.check() == [] and store.stats()["blobs"] == BIG_BODIES


def test_backup_stopped_by_sigterm_leaves_no_partial_file(big_archive: Path, tmp_path: Path) -> None:
    db = copy_of(big_archive, tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    job = start("backup", str(out / "copy.db"), "--db", str(db))
    wait_for(lambda: any(p.stat().st_size > 8 * 2**20 for p in out.iterdir()), step=0.005)
    job.send_signal(signal.SIGTERM)
    _, stderr = job.communicate(timeout=60)
    assert job.returncode == 143, stderr
    assert stderr == f"stopped by SIGTERM; no backup was written to {out / 'copy.db'}\n"
    assert list(out.iterdir()) == []


def test_a_killed_backup_is_cleaned_up_by_the_next_backup_and_by_check(big_archive: Path, tmp_path: Path) -> None:
    db = copy_of(big_archive, tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    for n in range(2):  # two backups killed mid-way, as a cron job's timeout would
        job = start("backup", str(out / f"backup{n}.db"), "--db", str(db))
        wait_for(lambda: any(p.stat().st_size > 8 * 2**20 for p in out.iterdir()), step=0.005)
        job.send_signal(signal.SIGKILL)
        job.wait(timeout=30)
    left = sorted(p.name for p in out.iterdir())
    assert left and all(".backup-partial" in name for name in left), left
    wasted = sum(p.stat().st_size for p in out.iterdir())
    result = start("backup", str(out / "backup2.db"), "--db", str(db))
    _, stderr = result.communicate(timeout=120)
    assert result.returncode == 0, stderr
    assert sorted(p.name for p in out.iterdir()) == ["backup2.db"]
    removed = [line for line in stderr.splitlines() if line.startswith("removed ")]
    assert len(removed) == len(left) and all("left by a backup that was killed" in line for line in removed)
    assert sum(int(line.split("(")[1].split()[0].replace(",", "")) for line in removed) == wasted

    beside = start("backup", str(tmp_path / "beside.db"), "--db", str(db))
    wait_for(lambda: any(".backup-partial" in p.name and p.stat().st_size > 8 * 2**20 for p in tmp_path.iterdir()),
             step=0.005)
    beside.send_signal(signal.SIGKILL)
    beside.wait(timeout=30)
    check = subprocess.run([sys.executable, "-m", "crawler.cli", "check", "--db", str(db)], cwd=ROOT,
                           capture_output=True, text=True, timeout=300, check=False)
    assert check.returncode == 0 and check.stdout == "check: ok\n", check.stderr
    assert "left by a backup that was killed" in check.stderr
    assert not [p for p in tmp_path.iterdir() if ".backup-partial" in p.name]


def test_a_running_backup_is_never_taken_for_a_killed_one(tmp_path: Path) -> None:
    from archive import maintenance

    partial = tmp_path / ".copy.db.0123abcd.backup-partial"
    held = maintenance._hold(partial)
    partial.write_bytes(b"in progress")
    assert maintenance.remove_stale_backups(tmp_path) == []
    assert partial.exists()
    maintenance._release(partial, held)
    assert not partial.exists()
    orphan = tmp_path / ".copy.db.89abcdef.backup-partial-journal"
    orphan.write_bytes(b"journal of a killed backup")
    assert maintenance.remove_stale_backups(tmp_path) == [(orphan, len(b"journal of a killed backup"))]
