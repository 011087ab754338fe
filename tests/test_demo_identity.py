"""The demo keeps its identity: its sites are named, not numbered by port, so a second demo into one
archive is a refresh; and migration 012 merges the duplicates two demos made before it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

import archive
from tests.archive_support import undo_document_identity
from tests.conftest import run_nianbao

# Tables whose rows name a site (the sites table itself aside).
SITE_COLUMNS = ("captures", "documents", "dictionaries", "list_pages", "frontier", "document_urls", "site_aliases")


def demo(db: Path, *extra: str) -> None:
    result = run_nianbao("demo", "--db", str(db), *extra, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]


def runs(db: Path) -> list[sqlite3.Row]:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        return conn.execute("select * from runs order by id").fetchall()
    finally:
        conn.close()


def errors_of(db: Path, run_id: int) -> set[tuple[str, str, str, str]]:
    with sqlite3.connect(db) as conn:
        return set(conn.execute("select site, kind, key, error_class from captures where run_id = ? "
                                "and outcome = 'error'", [run_id]).fetchall())


@pytest.fixture(scope="module")
def two_demos(tmp_path_factory) -> tuple[Path, dict[str, int]]:
    """A demo, then another one on new ports, into one archive."""
    db = tmp_path_factory.mktemp("demo") / "nianbao.db"
    demo(db)
    with archive.open_archive(db) as store:
        counts = store.counts()
    demo(db)
    return db, counts


def test_a_second_demo_is_a_refresh(two_demos) -> None:
    db, first = two_demos
    with archive.open_archive(db) as store:
        assert store.counts() | {"captures": 0} == first | {"captures": 0}  # no new document, no new version
    one, two = runs(db)[-2:]
    assert two["new"] == two["changed"] == two["removed"] == 0 and two["status"] == "ok"
    assert two["fetched"] == two["errors"]  # no document was due: only the portal's deliberate faults again
    first_errors = errors_of(db, one["id"])
    dead_links = {e for e in first_errors if e[1] == "page"}  # asked for again only after the ceiling
    assert dead_links and all(e[3] == "not_found" for e in dead_links)
    assert errors_of(db, two["id"]) == first_errors - dead_links  # the broken list pages, as the first time


def test_a_demo_revalidating_everything_finds_every_report_where_it_is_now(two_demos) -> None:
    db, first = two_demos
    demo(db, "--revisit", "all")
    with archive.open_archive(db) as store:
        assert store.counts()["documents"] == first["documents"]
        assert store.counts()["versions"] == first["versions"]
        assert store.check() == []
    last = runs(db)[-1]
    assert last["new"] == last["changed"] == last["removed"] == 0
    assert last["unchanged"] + last["not_modified"] == first["documents"]


def test_migration_012_merges_what_two_demos_made_before_it(tmp_path) -> None:
    """Before schema 12 a document was its URL, and each demo's ports made a second copy of every report."""
    db = tmp_path / "nianbao.db"
    demo(db)
    renamed = rename_sites(db, "{}-first")  # so the second demo cannot recognise the first one's reports
    demo(db)
    with sqlite3.connect(db) as conn:
        undo_document_identity(conn)
        for name in renamed:  # as a schema 9 archive of two demos was: one site, two documents per report
            merge_site(conn, f"{name}-first", name)
        before = {table: conn.execute(f"select count(*) from {table}").fetchone()[0]
                  for table in ("documents", "version_rows", "captures")}
        pairs = conn.execute("select count(*) from documents d join documents e on e.site = d.site and e.id > d.id "
                             "and substr(e.url, instr(substr(e.url, 8), '/') + 7) = "
                             "substr(d.url, instr(substr(d.url, 8), '/') + 7)").fetchone()[0]
    assert pairs == before["documents"] // 2 > 300
    with archive.open_archive(db) as store:
        after = store.counts()
        assert store.check() == []
        assert after["documents"] == pairs and after["versions"] == before["version_rows"]
        assert after["captures"] == before["captures"]
        hits = store.search("政府信息公开工作年度报告", limit=1000)
        assert len({hit["document_id"] for hit in hits}) == len(hits)  # each report once in search
        document = next(iter(store.documents()))
        assert len(store.document_urls(document["id"])) == 2
        assert [entry["outcome"] for entry in store.history(document["id"])] == ["new", "new"]
        assert [v["number"] for v in store.versions(current_only=False) if v["document_id"] == document["id"]] == [1, 2]
    demo(db, "--revisit", "all")  # and the merged archive refreshes as any other
    last = runs(db)[-1]
    assert last["new"] == last["changed"] == last["removed"] == 0


def rename_sites(db: Path, pattern: str) -> list[str]:
    """Give every site of the archive another name; the old names."""
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA foreign_keys = OFF")
        names = [name for (name,) in conn.execute("select name from sites")]
        for name in names:
            for table in (*SITE_COLUMNS, "sites"):
                column = "name" if table == "sites" else "site"
                conn.execute(f"update {table} set {column} = ? where {column} = ?", [pattern.format(name), name])
    return names


def merge_site(conn: sqlite3.Connection, old: str, new: str) -> None:
    """Rows of site ``old`` become ``new``'s (schema 9 tables)."""
    for table in ("captures", "documents", "dictionaries", "list_pages", "frontier"):
        conn.execute(f"update {table} set site = ? where site = ?", [new, old])
    conn.execute("delete from sites where name = ?", [old])
