"""Reading commands never write: read-only files, a held write lock, older schemas; and what they print."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import archive
from crawler.cli import main
from crawler.text_table import width
from tests.archive_support import error, page, report_body
from tests.conftest import ROOT

URL = "http://qinglan.example/xxgk/2023/t1.html"
READERS = [["search", "依申请公开"], ["stats"], ["status"], ["coverage"], ["coverage", "--by-issuer"],
           ["history", URL], ["show", URL], ["diff", URL], ["check"]]


def run(*args: object) -> Result:
    return CliRunner().invoke(main, [str(arg) for arg in args])


def build(path: Path) -> Path:
    """An archive with a run, two versions of one report, an error capture and a second site."""
    with archive.open_archive(path) as db:
        run_id = db.start_run(command="crawl", sites=["qinglan", "长岭"])
        db.record_capture(page(URL, fetched_at="2023-01-20T02:00:00Z"), run_id=run_id)
        db.record_capture(page(URL, fetched_at="2023-03-01T02:00:00Z", body=report_body("第二版，依申请公开。")),
                          run_id=run_id)
        db.record_capture(error("http://changling.example/", "connect", site="长岭"), run_id=run_id)
        db.finish_run(run_id, status="partial", error="1 of 2 sites failed")
    return path


@pytest.fixture
def filled(tmp_path: Path) -> Path:
    return build(tmp_path / "nianbao.db")


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def archive_files(path: Path) -> set[str]:
    return {p.name for p in path.parent.iterdir() if p.name.startswith(path.name)}


@pytest.mark.parametrize("args", READERS)
def test_a_reader_changes_no_byte_of_the_archive(filled: Path, args: list[str]) -> None:
    with archive.open_archive(filled):  # closed cleanly: no WAL left
        pass
    before, files = digest(filled), archive_files(filled)
    result = run(*args, "--db", filled)
    assert result.exit_code in (0, 1, 3), result.output
    assert digest(filled) == before and archive_files(filled) <= files | {f"{filled.name}-wal", f"{filled.name}-shm"}


@pytest.mark.parametrize("args", READERS)
def test_an_older_schema_asks_for_nianbao_migrate_in_one_line(filled: Path, args: list[str]) -> None:
    with sqlite3.connect(filled) as conn:
        conn.execute("UPDATE schema_meta SET value = '9' WHERE key = 'schema_version'")
    conn.close()
    before = digest(filled)
    result = run(*args, "--db", filled)
    assert result.exit_code == 1
    assert result.output == (f"Error: {filled} has schema version 9, this nianbao reads {archive.SCHEMA_VERSION}: "
                             f"run `nianbao migrate --db {filled}` (or any crawl) first\n")
    assert digest(filled) == before


def test_migrate_brings_an_older_archive_up_and_then_readers_work(tmp_path: Path) -> None:
    from tests.archive_support import undo_text_deltas

    path = build(tmp_path / "old.db")
    conn = sqlite3.connect(path, isolation_level=None)
    undo_text_deltas(conn)  # back to schema 8
    conn.close()
    assert run("stats", "--db", path).exit_code == 1
    result = run("migrate", "--db", path)
    assert result.exit_code == 0, result.output
    assert result.output == f"{path}: schema version 8 → {archive.SCHEMA_VERSION} ({archive.SCHEMA_VERSION - 8} migrations)\n"
    assert run("migrate", "--db", path).output == f"{path}: schema version {archive.SCHEMA_VERSION}, already current\n"
    assert json.loads(run("migrate", "--db", path, "--json").output) == {"from": archive.SCHEMA_VERSION, "to": archive.SCHEMA_VERSION}
    assert run("stats", "--db", path).exit_code == 0
    assert run("check", "--db", path).output == "check: ok\n"


@pytest.mark.parametrize("command", ["stats", "search", "status", "coverage", "history", "show", "check"])
def test_a_db_that_is_not_sqlite_is_one_line(tmp_path: Path, command: str) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("这不是数据库。" * 200, encoding="utf-8")
    args = {"search": ["search", "公开"], "history": ["history", "1"], "show": ["show", "1"]}.get(command, [command])
    result = run(*args, "--db", notes)
    assert result.exit_code == 1
    assert result.output == f"Error: {notes} is not an archive: not an SQLite database file\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_readers_do_not_wait_for_a_writer_holding_the_lock(filled: Path) -> None:
    """A writer that holds SQLite's write lock (check, compaction, a crawl's group) blocks no reader."""
    holder = sqlite3.connect(filled, isolation_level=None, timeout=0)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("INSERT INTO sites(name, first_seen, last_seen) VALUES ('新站', 'a', 'a')")
    try:
        for args in READERS:
            result = run(*args, "--db", filled)
            assert "locked" not in result.output and result.exit_code in (0, 1, 3), (args, result.output)
    finally:
        holder.rollback()
        holder.close()


# -- read-only files ----------------------------------------------------------------------------

UNPRIVILEGED = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"]


@pytest.fixture
def shared_dir() -> Iterator[Path]:
    """A directory another user can read (pytest's tmp_path is private to its owner)."""
    directory = Path(tempfile.mkdtemp(prefix="nianbao-ro-"))
    directory.chmod(0o755)
    yield directory
    for path in directory.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    shutil.rmtree(directory)


def as_reader(*args: object) -> subprocess.CompletedProcess[str]:
    """Run nianbao as a user who cannot write the file: ``nobody`` when the tests run as root."""
    prefix = UNPRIVILEGED if os.geteuid() == 0 else []
    return subprocess.run([*prefix, sys.executable, "-m", "crawler.cli", *map(str, args)], capture_output=True,
                          text=True, cwd=ROOT, timeout=120, check=False)


@pytest.mark.requires_program("setpriv")
@pytest.mark.parametrize("where", ["read-only file", "read-only directory"])
def test_every_reader_reads_a_read_only_archive(shared_dir: Path, where: str) -> None:
    path = build(shared_dir / "nianbao.db")
    path.chmod(0o444)
    if where == "read-only directory":
        shared_dir.chmod(0o555)
    else:
        shared_dir.chmod(0o777)  # the reader may create -shm, but not write the archive
    probe = as_reader("stats", "--db", path, "--json")
    assert probe.returncode == 0, probe.stderr
    assert json.loads(probe.stdout)["versions"] == 2
    for args in [*READERS, ["export", "jsonl", "-"]]:
        result = as_reader(*args, "--db", path)
        assert result.returncode == (1 if args == ["status"] else 0), (args, result.stderr)  # 长岭 failed
        assert "Error" not in result.stderr and "Traceback" not in result.stderr, (args, result.stderr)
    assert as_reader("check", "--db", path).stdout == "check: ok\n"
    refused = as_reader("compact", "--db", path)
    assert refused.returncode == 1 and refused.stderr.startswith("Error: ") and len(refused.stderr.splitlines()) == 1


# -- what readers print ---------------------------------------------------------------------------


def column_starts(lines: list[str], heading: str, value_of) -> set[int]:
    """Display columns where ``heading``'s column starts in each line (``value_of(line)`` finds the value)."""
    starts = {width(lines[0][: lines[0].index(heading)])}
    for line in lines[1:]:
        value = value_of(line)
        starts.add(width(line[: line.rindex(f" {value}") + 1]))
    return starts


def test_status_and_coverage_align_chinese_site_names_by_display_width(filled: Path) -> None:
    status = run("status", "--db", filled)
    assert status.exit_code == 1  # 长岭 failed
    table = [line for line in status.output.splitlines() if not line.startswith("last run")]
    assert [line.split()[0] for line in table] == ["site", "qinglan", "长岭"]
    assert len(column_starts(table, "outcome", lambda line: "ok" if " ok " in line else "failed")) == 1, table
    coverage = run("coverage", "--db", filled).output.splitlines()
    assert coverage[0].split() == ["site", "years", "reports", "missing", "failures"]
    assert len(column_starts(coverage, "failures", lambda line: line.split()[-1])) == 1, coverage


def test_status_exit_code_follows_the_last_run(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    with archive.open_archive(path) as db:
        run_id = db.start_run(command="crawl", sites=["qinglan"])
        db.record_capture(page(URL), run_id=run_id)
        db.finish_run(run_id, status="ok")
    assert run("status", "--db", path).exit_code == 0
    with archive.open_archive(path) as db:
        run_id = db.start_run(command="crawl", sites=["qinglan"])
        db.record_capture(page(URL, body=report_body("改了。")), run_id=run_id)
        db.finish_run(run_id, status="partial", error="capped")
    result = run("status", "--db", path)
    assert result.exit_code == 3 and "last run 2 (crawl): partial" in result.output


def test_search_prints_each_snippet_on_one_line_with_the_match_marked(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    with archive.open_archive(path) as db:
        db.record_capture(page(URL, body=report_body("第一行。\n依申请公开\n第三行。")))
    result = run("search", "依申请", "--db", path)
    assert result.exit_code == 0, result.output
    title, where, snippet = result.stdout.splitlines()
    assert title == "青岚市2022年政府信息公开工作年度报告"
    assert where == f"  {URL}  (document 1, version 1)"
    assert snippet == "  第一行。 [依申请]公开 第三行。"
    assert result.stderr == "1 result\n"
    as_json = run("search", "依申请", "--db", path, "--json")
    assert json.loads(as_json.stdout)["snippet"] == "第一行。\n[依申请]公开\n第三行。" and as_json.stderr == ""


def test_stats_is_a_table_and_json_on_request(filled: Path) -> None:
    table = run("stats", "--db", filled).output.splitlines()
    assert table[0].split() == ["sites", "2"]
    assert "documents       1 (1 live, 0 removed)" in table
    assert any(line.startswith("raw bytes") and "MiB" in line for line in table)
    as_json = json.loads(run("stats", "--db", filled, "--json").output)
    with archive.open_archive(filled, readonly=True) as db:
        assert as_json == db.stats()


@pytest.mark.parametrize("args", [["search", "依申请公开"], ["history", URL], ["show", URL], ["diff", URL],
                                  ["coverage"], ["status"], ["stats"], ["check"]])
def test_json_output_is_json(filled: Path, args: list[str]) -> None:
    result = run(*args, "--db", filled, "--json")
    assert result.exit_code in (0, 1), result.output
    assert [json.loads(line) for line in result.stdout.splitlines()]


def test_show_renders_tables_as_tables(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    grid = [["信息内容", "本年制发件数", "现行有效件数"], ["规章", "0", "3"], ["行政规范性文件", "12", "33"]]
    with archive.open_archive(path) as db:
        db.record_capture(page(URL, tables=[{"kind": "article20", "grid": grid, "checks": None, "values": {}}]))
    lines = run("show", URL, "--db", path).output.splitlines()
    at = lines.index("table 1 (article20):")
    rows = lines[at + 1: at + 4]
    assert [row.split() for row in rows] == grid
    assert len({width(row[: row.index(cells[1])]) for row, cells in zip(rows, grid, strict=True)}) == 1
    assert not any(line.startswith("tables:") for line in lines)


def test_export_warc_compression_follows_the_name(filled: Path, tmp_path: Path) -> None:
    plain = run("export", "warc", tmp_path / "a.warc", "--db", filled)
    gzipped = run("export", "warc", tmp_path / "a.warc.gz", "--db", filled)
    assert plain.exit_code == 0 and gzipped.exit_code == 0, plain.output + gzipped.output
    assert (tmp_path / "a.warc").read_bytes().startswith(b"WARC/1.1\r\n")
    assert (tmp_path / "a.warc.gz").read_bytes()[:2] == b"\x1f\x8b"


def test_sites_is_a_table_padded_by_display_width() -> None:
    result = run("sites")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["name", "region", "level", "family", "title", "homepage"]
    assert len(column_starts(lines, "homepage", lambda line: line.split()[-1])) == 1  # after Chinese titles
    assert result.stderr.endswith(" sites\n") and json.loads(run("sites", "--json").stdout.splitlines()[0])["name"]


def test_status_fails_for_a_run_its_crawl_left_running_and_not_for_one_still_crawling(tmp_path: Path) -> None:
    """A monitor must tell a crawl at work from one that died without closing its run (killed, a full disk)."""
    db = tmp_path / "nianbao.db"
    with archive.open_archive(db) as store:
        store.start_run(command="crawl", sites=["qinglan"])
    dead = run("status", "--db", db)
    assert dead.exit_code == 1, dead.output
    assert "running" in dead.output and "no crawl holds the archive" in dead.output
    with archive.open_archive(db, writer=True):  # a crawl at work holds the writer lock
        live = run("status", "--db", db)
    assert live.exit_code == 0, live.output
    assert "running" in live.output and "no crawl holds" not in live.output


def test_a_writer_starting_while_a_reader_asks_whether_one_is_at_work_is_not_refused(tmp_path: Path) -> None:
    """writer_active holds a shared lock for a moment; a writer starting then waits that moment out."""
    import fcntl
    import threading

    from archive.lock import lock_path, writer_active, writer_lock

    db = tmp_path / "nianbao.db"
    lock_path(db).touch()
    fd = os.open(lock_path(db), os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_SH)  # a reader's probe, caught in the act (held 50 ms here)
    threading.Timer(0.05, os.close, [fd]).start()
    with writer_lock(db):
        assert writer_active(db)
    assert not writer_active(db)
