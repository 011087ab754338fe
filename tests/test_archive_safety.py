"""Safety: pragmas, migrations, read-only use, readers during writes, SIGKILL mid-write, backup, check()."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import zstandard

import archive
from archive import Archive
from nianbao.errors import ArchiveError
from tests.archive_support import page, report_body, undo_text_deltas

ROOT = Path(__file__).resolve().parent.parent
URL = "http://qinglan.example/xxgk/2023/t1.html"


def pragma(db: Archive, name: str) -> object:
    return db.db.execute(f"PRAGMA {name}").fetchone()[0]


def test_connection_pragmas(db: Archive) -> None:
    assert pragma(db, "journal_mode") == "wal"
    assert pragma(db, "foreign_keys") == 1
    assert pragma(db, "busy_timeout") >= 5000
    assert pragma(db, "synchronous") == 1  # NORMAL: see docs/archive.md, Safety


def test_schema_is_migrated_once_and_versioned(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    archive.open_archive(path).close()
    with archive.open_archive(path) as again:
        applied = again.db.execute("SELECT migration_set, name FROM _sqlite_migrations").fetchall()
        version = again.db.execute("SELECT value FROM schema_meta WHERE key = 'schema_version'").fetchone()[0]
    assert applied == [("nianbao", "001_initial"), ("nianbao", "002_frontier"),
                       ("nianbao", "003_blob_dictionaries"), ("nianbao", "004_run_sites"),
                       ("nianbao", "005_site_family"), ("nianbao", "006_search_detail_none"),
                       ("nianbao", "007_blob_deltas"), ("nianbao", "008_list_pages"),
                       ("nianbao", "009_text_deltas"), ("nianbao", "010_reports_family"),
                       ("nianbao", "011_run_partial"),
                       ("nianbao", "012_document_identity"),
                       ("nianbao", "013_metadata_rules"), ("nianbao", "014_ocr"),
                       ("nianbao", "015_capture_keys")]
    assert int(version) == archive.SCHEMA_VERSION


def test_a_schema_5_archive_gets_the_positionless_search_index_and_still_finds_phrases(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with archive.open_archive(path) as db:
        db.record_capture(page("http://a.example/1.html", body=report_body("依申请公开政府信息的情况。")))
        # back to schema 5: the index with positions, the last migrations not yet applied
        undo_text_deltas(db.db.conn)
        db.db.execute("DROP TABLE search_fts")
        db.db.execute("CREATE VIRTUAL TABLE search_fts USING fts5(title, text, content='search_source', "
                      "content_rowid='version_id', tokenize='trigram')")
        db.db.execute("INSERT INTO search_fts(search_fts) VALUES ('rebuild')")
        db.db.execute("DELETE FROM _sqlite_migrations WHERE name IN "
                      "('006_search_detail_none', '007_blob_deltas', '008_list_pages', '011_run_partial')")
        db.db.execute("ALTER TABLE blobs DROP COLUMN base_sha256")
        db.db.execute("DROP TABLE list_pages")
        db.db.execute("UPDATE schema_meta SET value = '5' WHERE key = 'schema_version'")
    with archive.open_archive(path) as db:
        sql = db.db.execute("SELECT sql FROM sqlite_master WHERE name = 'search_fts'").fetchone()[0]
        assert "detail=none" in sql
        assert [r["url"] for r in db.search("依申请公开")] == ["http://a.example/1.html"]
        assert db.search("公开依申请") == []
        assert db.check() == []


def test_archive_from_a_newer_nianbao_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    archive.open_archive(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE schema_meta SET value = '99' WHERE key = 'schema_version'")
    conn.close()
    with pytest.raises(ArchiveError, match="schema version 99"):
        archive.open_archive(path)
    with pytest.raises(ArchiveError, match="schema version 99"):
        archive.open_archive(path, readonly=True)


def test_readonly_needs_an_existing_migrated_archive(tmp_path: Path) -> None:
    with pytest.raises(ArchiveError, match="no archive"):
        archive.open_archive(tmp_path / "missing.db", readonly=True)
    sqlite3.connect(tmp_path / "empty.db").close()
    with pytest.raises(ArchiveError, match="schema version 0"):
        archive.open_archive(tmp_path / "empty.db", readonly=True)
    assert not (tmp_path / "missing.db").exists()


def test_unwritable_location_is_an_archive_error(tmp_path: Path) -> None:
    with pytest.raises(ArchiveError, match="cannot open"):
        archive.open_archive(tmp_path / "no" / "such" / "dir.db")


def test_readonly_archive_reads_and_refuses_writes(db: Archive) -> None:
    db.record_capture(page(URL))
    with archive.open_archive(db.path, readonly=True) as reader:
        assert [r["url"] for r in reader.search("依申请公开")] == [URL]
        assert reader.stats()["versions"] == 1 and reader.check() == []
        with pytest.raises(ArchiveError, match="read-only"):
            reader.record_capture(page(URL))
        with pytest.raises(ArchiveError, match="read-only"):
            reader.start_run(command="crawl", sites=[])


def test_readers_work_while_a_write_transaction_is_open(db: Archive) -> None:
    db.record_capture(page(URL))
    writer = sqlite3.connect(db.path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("INSERT INTO sites(name, first_seen, last_seen) VALUES ('x', 'a', 'a')")
    try:
        with archive.open_archive(db.path, readonly=True) as reader:
            assert reader.stats()["sites"] == 1  # the uncommitted site is invisible, and nothing blocks
            assert len(reader.search("公开")) == 1
        cli = subprocess.run(["sqlite3", str(db.path), "SELECT count(*) FROM current_reports"],
                             capture_output=True, text=True, timeout=30, check=True)
        assert cli.stdout.strip() == "1"
    finally:
        writer.execute("ROLLBACK")
        writer.close()


def test_a_second_writer_waits_for_the_lock_instead_of_failing(db: Archive) -> None:
    other = sqlite3.connect(db.path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT INTO sites(name, first_seen, last_seen) VALUES ('other', 'a', 'a')")
    waiting = threading.Event()
    release = threading.Thread(target=lambda: (waiting.wait(30), other.execute("COMMIT")))
    release.start()
    # The other connection commits only once our BEGIN IMMEDIATE has started, so that statement
    # meets a held lock and must wait on busy_timeout rather than fail with "database is locked".
    db.db.conn.set_trace_callback(lambda sql: sql == "BEGIN IMMEDIATE" and waiting.set())
    try:
        recorded = db.record_capture(page(URL))
    finally:
        db.db.conn.set_trace_callback(None)
        waiting.set()
        release.join()
        other.close()
    assert recorded.outcome == "new" and db.stats()["sites"] == 2


def test_a_failure_inside_record_capture_leaves_nothing_behind(db: Archive, monkeypatch) -> None:
    from archive import fts

    def explode(*args: object) -> None:
        raise sqlite3.OperationalError("disk I/O error (simulated)")

    monkeypatch.setattr(fts, "set_current", explode)
    with pytest.raises(ArchiveError, match="simulated"):
        db.record_capture(page(URL))
    monkeypatch.undo()
    counts = [db.db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
              for t in ("sites", "blobs", "captures", "documents", "versions")]
    assert counts == [0, 0, 0, 0, 0]
    assert db.record_capture(page(URL)).outcome == "new"


WRITER = textwrap.dedent("""
    import sys
    sys.path.insert(0, sys.argv[2])
    import archive
    from nianbao.capture import Capture

    FIELDS = ("title text index_no topic issuer written_date publish_date doc_no validity keywords site_name "
              "site_id_code report_year report_year_rule region encoding encoding_rule content_type stage ocr "
              "extractor_version").split()
    db = archive.open_archive(sys.argv[1])
    # Announce each transaction once its first row is written: a kill after this line lands mid-write.
    def announce(sql):
        if sql.startswith("INSERT INTO blobs"):
            print("writing", flush=True)
    db.db.conn.set_trace_callback(announce)
    start = db.stats()["captures"]["total"]
    for i in range(start, start + 100000):
        text = f"第{i}号报告。" + "政府信息公开工作年度报告。依申请公开。" * 1500
        extraction = dict.fromkeys(FIELDS)
        extraction.update(title=f"报告{i}", text=text, tables=[], attachments=[], flags=[], metadata_rules={},
                          is_soft_404=False)
        site = f"site{i // 2 % 3}"
        url = f"http://{site}.example/{i // 2}.html"  # every URL is captured twice: new, then changed
        db.record_capture(Capture(url=url, site=site, status=200, body=text.encode(),
                                  extraction=extraction))
        print("committed", flush=True)
""")


def run_writer_until_killed(script: Path, path: Path, after_commits: int) -> int:
    """Run the writer, SIGKILL it inside a transaction after ``after_commits``; return commits reported."""
    proc = subprocess.Popen([sys.executable, str(script), str(path), str(ROOT)], stdout=subprocess.PIPE,
                            text=True)
    committed = 0
    for line in proc.stdout:
        committed += line == "committed\n"
        if committed >= after_commits and line == "writing\n":
            os.kill(proc.pid, signal.SIGKILL)
            break
    committed += sum(line == "committed\n" for line in proc.stdout)  # written before the kill landed
    proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    return committed


def test_sigkill_mid_write_leaves_every_capture_whole(tmp_path: Path) -> None:
    script, path = tmp_path / "writer.py", tmp_path / "killed.db"
    script.write_text(WRITER)
    reported = 0
    for round_ in range(3):
        reported += run_writer_until_killed(script, path, after_commits=12 + round_)
        with archive.open_archive(path) as reopened:
            assert reopened.check() == []
            captures = reopened.stats()["captures"]["total"]
            assert reported <= captures <= reported + 1  # committed ones survive; at most one unreported
            assert_wholly_present(reopened, captures)


def assert_wholly_present(db: Archive, captures: int) -> None:
    """Each capture brought its blob, document and version, and nothing else exists."""
    def one(sql: str) -> object:
        return db.db.execute(sql).fetchone()[0]

    assert one("SELECT count(*) FROM versions") == captures
    assert one("SELECT count(*) FROM captures WHERE version_id IS NULL OR sha256 IS NULL") == 0
    assert one("SELECT count(*) FROM blobs WHERE sha256 NOT IN (SELECT sha256 FROM captures)") == 0
    assert one("SELECT count(*) FROM documents") == (captures + 1) // 2
    assert one("SELECT max(id) FROM captures") == captures
    last = captures - 1
    assert [r["title"] for r in db.search(f"第{last}号报告")] == [f"报告{last}"]


def test_backup_is_a_checked_standalone_snapshot(db: Archive, tmp_path: Path, monkeypatch) -> None:
    db.record_capture(page(URL))
    db.record_capture(page(URL, body=report_body("第二版")))
    for name in ("copy", "copy2", "copyfile", "copyfileobj"):
        monkeypatch.setattr(shutil, name, lambda *a, **k: pytest.fail("backup must not copy the file"))
    dest = db.backup(tmp_path / "snap.db")
    conn = sqlite3.connect(dest)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert conn.execute("SELECT count(*) FROM versions").fetchone()[0] == 2
    conn.close()
    with archive.open_archive(dest, readonly=True) as snap:
        assert snap.check() == [] and [r["url"] for r in snap.search("第二版")] == [URL]
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith((".snap", "snap"))) == ["snap.db"]


def test_backup_refuses_to_overwrite_and_leaves_no_partial_file(db: Archive, tmp_path: Path) -> None:
    target = tmp_path / "exists.db"
    target.write_bytes(b"precious")
    with pytest.raises(ArchiveError, match="refusing to overwrite"):
        db.backup(target)
    assert target.read_bytes() == b"precious"
    with pytest.raises(ArchiveError, match="backup"):
        db.backup(tmp_path / "missing-dir" / "snap.db")
    assert not any("partial" in p.name for p in tmp_path.rglob("*"))


def test_backup_holds_only_committed_data(db: Archive, tmp_path: Path) -> None:
    db.record_capture(page(URL))
    writer = sqlite3.connect(db.path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("INSERT INTO sites(name, first_seen, last_seen) VALUES ('uncommitted', 'a', 'a')")
    try:
        dest = db.backup(tmp_path / "snap.db")
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    with archive.open_archive(dest, readonly=True) as snap:
        assert snap.stats()["sites"] == 1


@pytest.fixture
def damaged(tmp_path: Path) -> Iterator[Archive]:
    """An archive that tests may damage; it is not required to pass check() afterwards."""
    with archive.open_archive(tmp_path / "damaged.db") as opened:
        opened.record_capture(page(URL))
        opened.record_capture(page(URL, body=report_body("第二版")))
        assert opened.check() == []
        yield opened


def test_check_finds_a_damaged_blob(damaged: Archive) -> None:
    forged = zstandard.ZstdCompressor().compress(b"not what was fetched")
    damaged.db.execute("UPDATE blobs SET data = ? WHERE rowid = 1", [forged])
    problems = damaged.check()
    assert len(problems) == 1 and problems[0].startswith("blob ")


def test_check_finds_a_search_index_out_of_step(damaged: Archive) -> None:
    old = damaged.get_version(URL, number=1)["id"]
    damaged.db.execute("UPDATE documents SET current_version_id = ?", [old])
    problems = damaged.check()
    assert any("current version is not the latest" in p for p in problems)
    assert any("search index" in p for p in problems)


def test_check_finds_broken_references(damaged: Archive) -> None:
    damaged.db.execute("PRAGMA foreign_keys = OFF")
    damaged.db.execute("DELETE FROM blobs WHERE sha256 = (SELECT sha256 FROM captures LIMIT 1)")
    problems = damaged.check()
    assert any(p.startswith("foreign_key_check") for p in problems)
