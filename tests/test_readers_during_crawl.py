"""Archivists read the archive while a crawl writes it: sqlite3, the CLI, Datasette and the Python API never see a lock."""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
import subprocess
import sys
import time

import pytest

import archive
from nianbao.errors import ArchiveError
from tests.conftest import ROOT, run_nianbao


@pytest.fixture(scope="module")
def small_portal():
    from fixture_portal import FixturePortal

    with FixturePortal(seed=13, families=("hanweb",)) as served:
        yield served


def test_readers_work_while_a_crawl_writes(small_portal, tmp_path):
    db = tmp_path / "nianbao.db"
    crawl = subprocess.Popen([sys.executable, "-m", "crawler.cli", "crawl", *small_portal.homepages(), "--db", str(db),
                              "--delay", "0.05", "--concurrency", "1"], cwd=ROOT,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    seen, errors = [], []
    try:
        while crawl.poll() is None:
            if db.exists():
                try:
                    seen.append(read_all_ways(db))
                except (sqlite3.Error, ArchiveError, AssertionError) as exc:
                    if "no such table" not in str(exc) and "schema version" not in str(exc):  # still being created
                        errors.append(repr(exc))
            time.sleep(0.05)
    finally:
        _stdout, stderr = crawl.communicate(timeout=120)
    assert crawl.returncode == 0, stderr[-2000:]
    assert errors == []
    assert len(seen) >= 5 and seen == sorted(seen)  # counts only grow; every snapshot consistent
    with archive.open_archive(db) as store:
        assert store.check() == []


def read_all_ways(db) -> int:
    """Count versions through plain sqlite3 (the CLI if installed), the nianbao CLI and the read-only API."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
    try:
        with conn:
            versions = conn.execute("select count(*) from versions").fetchone()[0]
            current = conn.execute("select count(*) from documents where current_version_id is not null").fetchone()[0]
            assert current <= versions
    finally:
        conn.close()
    if shutil.which("sqlite3"):
        cli = subprocess.run(["sqlite3", "-readonly", str(db), "select count(*) from captures"], capture_output=True,
                             text=True, timeout=30, check=False)
        assert cli.returncode == 0 and "locked" not in cli.stderr, cli.stderr
    stats = run_nianbao("stats", "--db", str(db), timeout=60)
    assert stats.returncode == 0 and "locked" not in stats.stderr, stats.stderr
    with archive.open_archive(db, readonly=True) as store:
        store.search("政府信息公开", limit=3)
    asyncio.run(read_with_datasette(db))
    return versions


async def read_with_datasette(db) -> None:
    """What an archivist's Datasette shows: a view's rows, then a SQL count (counts only grow meanwhile)."""
    from datasette.app import Datasette

    ds = Datasette([str(db)])
    rows = await ds.client.get(f"/{db.stem}/current_reports.json?_shape=array&_size=5")
    assert rows.status_code == 200, rows.text[:500]
    query = await ds.client.get(f"/{db.stem}.json", params={"sql": "select count(*) as n from versions",
                                                              "_shape": "array"})
    assert query.status_code == 200 and "locked" not in query.text, query.text[:500]
    assert len(rows.json()) <= query.json()[0]["n"]
