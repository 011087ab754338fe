"""A full disk stops the crawl with one clear message and a failed run; nothing is lost.

The archive lives on a real 8 MB file system: a tmpfs mounted for the test when it runs as root
and may mount (SQLite then sees ENOSPC, SQLITE_FULL), else each file of the crawl process is capped
at 3 MB by RLIMIT_FSIZE (writes past it fail with EFBIG, which SQLite reports as an I/O error).
Either way the crawl must close its run as ``failed`` with the reason (or, when even that cannot
be written, say so with the reason and leave the run for the next crawl to close), print no
traceback, and the next crawl, given room, must finish the job with every report archived once.
"""

from __future__ import annotations

import errno
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import archive
from crawler import exit_codes
from tests.conftest import ROOT, _missing

# A tmpfs that holds a first small crawl with room to spare but not the next, whole one (about
# 5.6 MB of archive and up to 4 MB of WAL); or each file of the crawl capped at FILE_LIMIT.
DISK_SIZE = 8 * 1024 * 1024
FILE_LIMIT = 3 * 1024 * 1024


def _mount(path: Path) -> bool:
    """Mount a DISK_SIZE tmpfs on ``path``; False when this process may not."""
    if os.geteuid() != 0 or shutil.which("mount") is None:
        return False
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={DISK_SIZE}", "tmpfs", str(path)], capture_output=True,
                          check=False)
    return done.returncode == 0


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[tuple[Path, bool]]:
    """A directory that holds DISK_SIZE bytes, and whether that is a real file system (else RLIMIT_FSIZE)."""
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    mounted = _mount(mount_point)
    try:
        yield mount_point, mounted
    finally:
        if mounted:
            subprocess.run(["umount", "-l", str(mount_point)], check=False)


def _limit_file_size() -> None:
    resource.setrlimit(resource.RLIMIT_FSIZE, (FILE_LIMIT, FILE_LIMIT))


def crawl(db: Path, urls: list[str], *, limited: bool) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "crawler.cli", "crawl", *urls, "--db", str(db), "--delay", "0",
                           "--concurrency", "8"], capture_output=True, text=True, timeout=300, cwd=ROOT, check=False,
                          preexec_fn=_limit_file_size if limited else None)


def run_reader(db: Path, args: list[str], *, limited: bool) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "crawler.cli", *args, "--db", str(db)], capture_output=True, text=True,
                          timeout=120, cwd=ROOT, check=False, preexec_fn=_limit_file_size if limited else None)


def test_a_full_disk_fails_the_run_once_and_clearly_and_the_next_crawl_finishes(small_disk, tmp_path):
    from fixture_portal import FixturePortal

    disk, mounted = small_disk
    db = disk / "nianbao.db"
    with FixturePortal(seed=5, families=("trs", "hanweb", "ucap")) as portal:
        # a first night archives one small site (about 1.1 MB); the next, every site, fills the disk
        # (a new archive in which nothing could be archived before the disk filled would be removed)
        first = crawl(db, [site.homepage for site in portal.sites.values() if site.family == "ucap"],
                      limited=not mounted)
        assert first.returncode == exit_codes.OK, first.stderr[-3000:]
        full = crawl(db, portal.homepages(), limited=not mounted)
        assert full.returncode == exit_codes.FAILED, full.stderr[-3000:]
        assert "Traceback" not in full.stderr, full.stderr[-5000:]
        # one clear message, the run's failure (beside the crawl's progress lines)
        lines = [line for line in full.stderr.splitlines() if not line.startswith("pages ")]
        assert len(lines) == 1, full.stderr[-3000:]
        [line] = lines
        cause = "database or disk is full" if mounted else "disk I/O error"
        # read as an archivist's tools do, through the reader (a bare ``mode=ro`` connection cannot
        # create the ``-shm`` file on this disk when the crawl's last close removed it)
        with archive.open_archive(db, readonly=True) as store:
            [(status, error)] = store.db.execute("select status, error from runs where id = 2").fetchall()
        if status == "failed":
            assert line.startswith("Error: run 2 failed: the archive cannot be written: ") and cause in line, line
            assert cause in error
        else:  # the disk filled up to the run's own end: it stays running, and the next crawl closes it
            assert status == "running"
            assert line.startswith("Error: run 2 could not be closed: the archive cannot be written (") and cause in line, line
        # readers keep working on the full disk (status exits 1: it reports the failed or unfinished run)
        for reader, code in ((["stats"], 0), (["search", "年度报告"], 0), (["status"], exit_codes.FAILED)):
            read = run_reader(db, reader, limited=not mounted)
            assert read.returncode == code and "Traceback" not in read.stderr, read.stderr[-3000:]
            assert read.stdout.strip(), reader

        roomy = tmp_path / "roomy.db"  # the operator frees space: here, the archive moves to a disk with room
        for suffix in ("", "-wal", "-shm"):
            if Path(f"{db}{suffix}").exists():
                shutil.copyfile(f"{db}{suffix}", f"{roomy}{suffix}")
        again = crawl(roomy, portal.homepages(), limited=False)
        assert again.returncode == 0, again.stderr[-3000:]
        truth = {t["url"] for t in portal.truth()}
    with archive.open_archive(roomy) as store:
        runs = store.db.execute("select status from runs order by id").fetchall()
        assert [r[0] for r in runs] == ["ok", "failed" if status == "failed" else "interrupted", "ok"]
        archived = [r[0] for r in store.db.execute("select url from documents where kind = 'page'")]
        news = store.db.execute("select url, count(*) from captures where outcome = 'new' group by url having count(*) > 1")
        assert set(archived) == truth and len(archived) == len(truth)
        assert news.fetchall() == []  # nothing archived twice
        assert store.check() == []


def test_readers_open_an_archive_on_a_full_disk_with_no_shm_file(small_disk):
    """A closed WAL archive keeps no ``-shm``; on a full disk a reader cannot create one, and reads all the same."""
    disk, mounted = small_disk
    if not mounted:
        _missing("needs a tmpfs of its own (root may mount): RLIMIT_FSIZE does not stop creating an empty -shm file")
    db = disk / "nianbao.db"
    with archive.open_archive(db) as store:
        store.db["notes"].insert({"text": "年度报告"})
    assert not Path(f"{db}-shm").exists() and not Path(f"{db}-wal").exists()
    _fill(disk / "filler")
    bare = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    with pytest.raises(sqlite3.OperationalError):  # what a bare read-only connection meets here
        bare.execute("select count(*) from sqlite_schema").fetchone()
    bare.close()
    with archive.open_archive(db, readonly=True) as store:
        assert [row["text"] for row in store.db["notes"].rows] == ["年度报告"]
    stats = run_reader(db, ["stats"], limited=False)
    assert stats.returncode == 0 and "Traceback" not in stats.stderr, stats.stderr[-3000:]


def _fill(path: Path) -> None:
    """Write ``path`` until its file system has no byte left."""
    with open(path, "wb", buffering=0) as filler:
        try:
            while True:
                filler.write(b"x" * 65536)
        except OSError as exc:
            assert exc.errno == errno.ENOSPC, exc
