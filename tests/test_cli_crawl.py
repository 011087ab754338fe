"""Crawl exit codes and their one line on stderr, run as real subprocesses against the fixture portal."""

from __future__ import annotations

import http.server
import json
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest

from crawler import exit_codes
from tests.conftest import closed_port_url, run_nianbao

FAST = ("--delay", "0", "--concurrency", "8")


def run_statuses(db: Path) -> list[tuple[str, str | None]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("select status, error from runs order by id").fetchall()
    finally:
        conn.close()


@pytest.mark.parametrize("url", ["not-a-url", "ftp://example.org/", "http://", "http:///path", "https:// spaced.example/"])
def test_a_bad_start_url_is_one_line_and_creates_nothing(tmp_path: Path, url: str) -> None:
    db = tmp_path / "nianbao.db"
    result = run_nianbao("crawl", url, "--db", str(db))
    assert result.returncode == exit_codes.FAILED
    assert result.stderr == (f"Error: {url!r} is not an http(s) URL with a host; give a portal's homepage, "
                             "such as http://www.example.gov.cn/\n")
    assert result.stdout == ""
    assert list(tmp_path.iterdir()) == []


def test_no_site_reachable_fails_in_one_line_and_leaves_no_archive(tmp_path: Path) -> None:
    db = tmp_path / "nianbao.db"
    dead = closed_port_url()
    result = run_nianbao("crawl", dead, "--db", str(db), *FAST)
    assert result.returncode == exit_codes.FAILED
    host = dead.split("/")[2]
    assert result.stderr == (f"Error: run 1 failed: no site could be crawled: {host} (connect); "
                             f"nothing archived, so no archive was left at {db}\n")
    assert list(tmp_path.iterdir()) == []


def test_no_site_reachable_in_an_existing_archive_keeps_it_and_its_failed_run(tmp_path: Path, portal) -> None:
    db = tmp_path / "nianbao.db"
    ok = run_nianbao("crawl", portal.homepages()[0], "--db", str(db), *FAST)
    assert ok.returncode == exit_codes.OK and ok.stderr == "", ok.stderr
    dead = closed_port_url()
    result = run_nianbao("crawl", dead, "--db", str(db), *FAST)
    assert result.returncode == exit_codes.FAILED
    assert len(result.stderr.splitlines()) == 1 and result.stderr.startswith("Error: run 2 failed: no site could be")
    assert [status for status, _ in run_statuses(db)] == ["ok", "failed"]


def test_some_sites_failing_make_a_partial_run_with_its_own_exit_code(tmp_path: Path, portal) -> None:
    db = tmp_path / "nianbao.db"
    dead = closed_port_url()
    result = run_nianbao("crawl", dead, portal.homepages()[0], "--db", str(db), *FAST)
    assert result.returncode == exit_codes.PARTIAL == 3
    host = dead.split("/")[2]
    assert result.stderr == f"Error: run 1 partial: 1 of 2 sites failed: {host} (connect)\n"
    assert result.stdout.startswith("run 1: partial — fetched ")
    assert run_statuses(db) == [("partial", f"1 of 2 sites failed: {host} (connect)")]
    status = run_nianbao("status", "--db", str(db), "--json")
    outcomes = {row["site"]: row["outcome"] for row in map(json.loads, status.stdout.splitlines())}
    assert outcomes == {host: "failed", portal.homepages()[0].split("/")[2]: "ok"}


class VanishedColumn(http.server.BaseHTTPRequestHandler):
    """A homepage whose 年报 column answers 200 with a "page not found" notice: the column is gone."""

    PAGES: ClassVar[dict[str, str]] = {"/": '<html><body><a href="/xxgk/nb/">政府信息公开年报</a></body></html>',
                                       "/xxgk/nb/": "<html><head><title>页面不存在</title></head><body>对不起，您访问的页面不存在！</body></html>"}

    def do_GET(self) -> None:
        body = self.PAGES.get(self.path)
        self.send_response(200 if body is not None else 404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        self.wfile.write((body or "").encode("utf-8"))

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def vanished_column() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), VanishedColumn)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def test_a_site_whose_column_vanished_behind_a_200_has_failed(tmp_path: Path, portal, vanished_column) -> None:
    """The column's list answers 200, but what it shows is a soft 404: the site was not reached."""
    db = tmp_path / "nianbao.db"
    result = run_nianbao("crawl", vanished_column, portal.homepages()[0], "--db", str(db), *FAST)
    host = vanished_column.split("/")[2]
    assert result.returncode == exit_codes.PARTIAL, result.stderr
    assert run_statuses(db) == [("partial", f"1 of 2 sites failed: {host} (not_found)")]


@pytest.mark.parametrize("command", ["crawl", "demo"])
def test_a_db_that_is_not_sqlite_is_one_line_for_crawl_and_demo(tmp_path: Path, command: str) -> None:
    notes = tmp_path / "notes.db"
    notes.write_bytes(b"plain text, not a database\n" * 50)
    args = [command, "--db", str(notes)] + (["http://127.0.0.1:9/"] if command == "crawl" else [])
    result = run_nianbao(*args)
    assert result.returncode == exit_codes.FAILED
    assert result.stderr == f"Error: {notes} is not an archive: not an SQLite database file\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.db"]


def test_a_busy_archive_is_refused_with_its_own_exit_code(tmp_path: Path, portal) -> None:
    from archive.lock import writer_lock

    db = tmp_path / "nianbao.db"
    with writer_lock(db):
        result = run_nianbao("crawl", portal.homepages()[0], "--db", str(db), *FAST)
    assert result.returncode == exit_codes.BUSY == 4
    assert len(result.stderr.splitlines()) == 1 and "another crawl is writing to" in result.stderr


def test_usage_errors_are_one_line_with_exit_code_2(tmp_path: Path) -> None:
    for args in (["crawl"], ["crawl", "--no-such-option"], ["search"], ["frobnicate"]):
        result = run_nianbao(*args, "--db", str(tmp_path / "x.db"))
        assert result.returncode == exit_codes.USAGE, (args, result.stderr)
        assert len(result.stderr.splitlines()) == 1 and result.stderr.startswith("Error: "), (args, result.stderr)
        assert "--help" in result.stderr


def test_tracebacks_only_with_debug(tmp_path: Path) -> None:
    notes = tmp_path / "notes.db"
    notes.write_bytes(b"not sqlite" * 100)
    quiet = run_nianbao("stats", "--db", str(notes))
    loud = run_nianbao("--debug", "stats", "--db", str(notes))
    assert "Traceback" not in quiet.stderr and len(quiet.stderr.splitlines()) == 1
    assert "Traceback (most recent call last)" in loud.stderr and loud.returncode == 1


def test_demo_names_its_errors_as_the_fixture_portals_deliberate_faults(tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    result = run_nianbao("demo", "--db", str(db), timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "fixture portal: 12 sites on 127.0.0.1" in result.stdout
    run_line = next(line for line in result.stdout.splitlines() if line.startswith("run 1: ok"))
    assert run_line.endswith("errors 3 — all are the fixture portal's deliberate faults: a dead link, "
                             "a vanished column, an empty list page"), run_line
    assert result.stderr == ""  # the truncated PDF is a flag on its version, not a line naming no URL


def test_the_crawl_log_speaks_of_an_asp_portal(tmp_path: Path, portal) -> None:
    asp = next(site for site in portal.sites.values() if site.family == "asp")
    result = run_nianbao("crawl", asp.homepage, "--db", str(tmp_path / "a.db"), "--log-level", "INFO", *FAST)
    assert result.returncode == exit_codes.OK, result.stderr[-3000:]
    assert f"{asp.base_url.split('//')[1]} looks like an asp portal" in result.stderr
    assert "looks like a asp" not in result.stderr


def test_crawl_json_prints_the_run_and_the_archive(tmp_path: Path, portal) -> None:
    db = tmp_path / "a.db"
    result = run_nianbao("crawl", portal.homepages()[0], "--db", str(db), "--json", *FAST)
    assert result.returncode == exit_codes.OK, result.stderr[-3000:]
    summary = json.loads(result.stdout)
    assert summary["run"]["status"] == "ok" and summary["run"]["id"] == 1
    assert summary["archive"]["path"] == str(db) and summary["archive"]["documents"] > 0
