"""compact(): the search index merged (superseded versions' delete markers gone), the file shrunk on request."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

import archive
from archive import Archive
from archive.lock import writer_lock
from tests.archive_support import page, report_body
from tests.conftest import run_nianbao

PARAGRAPHS = ("依申请公开办理规范，答复及时。", "主动公开政府信息四千余条。", "行政复议与诉讼情况平稳。",
              "政府信息公开平台建设持续加强。", "年度工作存在的主要问题及改进情况。")


def edited_reports(store: Archive, documents: int, edits: int) -> None:
    """``documents`` reports, each edited ``edits`` times: one capture per transaction, as a crawl commits."""
    for edit in range(edits + 1):
        for n in range(documents):
            text = "\n".join(f"第{edit}稿第{n}号：{p}" for p in PARAGRAPHS)
            store.record_capture(page(f"http://a.example/2023/t{n}.html", site="a", body=report_body(text)))


def test_compact_merges_the_index_and_search_still_finds_only_current_text(db: Archive) -> None:
    edited_reports(db, documents=40, edits=3)
    sizes = db.compact()
    assert sizes["index_after"] < sizes["index_before"]
    assert {r["url"] for r in db.search("第3稿第7号")} == {"http://a.example/2023/t7.html"}
    assert db.search("第2稿第7号") == []  # superseded text is out of the index
    again = db.compact()
    assert again["index_after"] == again["index_before"] == sizes["index_after"]  # already one segment


def pragma(store: Archive, name: str) -> int:
    return store.db.execute(f"PRAGMA {name}").fetchone()[0]


def test_a_new_archive_gives_the_pages_a_merge_frees_back_at_once(db: Archive) -> None:
    assert pragma(db, "auto_vacuum") == 2  # incremental
    edited_reports(db, documents=40, edits=3)
    sizes = db.compact()
    assert sizes["file_after"] < sizes["file_before"]
    assert pragma(db, "freelist_count") == 0


def test_vacuum_gives_an_older_archive_its_freed_pages_back_and_incremental_auto_vacuum(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with archive.open_archive(path) as store:
        store.db.execute("PRAGMA auto_vacuum = NONE")  # as archives created before schema 9 are
        store.db.execute("VACUUM")
    with archive.open_archive(path) as store:
        assert pragma(store, "auto_vacuum") == 0
        edited_reports(store, documents=40, edits=3)
        store.compact()
        assert pragma(store, "freelist_count") > 0  # kept for later writes
        vacuumed = store.compact(vacuum=True)
        assert vacuumed["file_after"] < vacuumed["file_before"]
        assert vacuumed["file_after"] == Path(store.path).stat().st_size
        assert pragma(store, "auto_vacuum") == 2 and pragma(store, "freelist_count") == 0
        assert store.check() == []


def test_cli_compact_reports_sizes_and_waits_for_no_crawl(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    with archive.open_archive(path) as store:
        edited_reports(store, documents=10, edits=2)
    result = run_nianbao("compact", "--vacuum", "--db", str(path))
    assert result.returncode == 0, result.stderr
    assert "search index" in result.stdout and "→" in result.stdout
    with writer_lock(path):
        busy = run_nianbao("compact", "--db", str(path))
    assert busy.returncode != 0 and "another crawl is writing" in busy.stderr
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()


def test_a_compaction_that_fails_says_so_as_an_archive_error(tmp_path: Path) -> None:
    from nianbao.errors import ArchiveError

    with archive.open_archive(tmp_path / "a.db") as store:
        edited_reports(store, documents=3, edits=1)
        store.db.execute("DROP TABLE search_fts")  # an index SQLite cannot merge
        with pytest.raises(ArchiveError, match="compaction failed"):
            store.compact()
        assert store.db.execute("SELECT count(*) FROM captures").fetchone()[0] == 6  # nothing lost
