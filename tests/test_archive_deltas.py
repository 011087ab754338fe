"""Later bodies of a page stored as zstd deltas against its first body: smaller, exact, checked."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import zstandard

from archive import Archive, blobs, open_archive
from nianbao.capture import Capture
from tests.archive_support import page, report_body, undo_text_deltas
from tests.test_archive_dictionaries import CHROME

URL = "http://qinglan.example/xxgk/2023/t1.html"
PARAGRAPHS = [f"第{n}段：本年度政府信息公开工作稳步推进，依申请公开答复{n * 37}件。" for n in range(40)]


def version(number: int) -> bytes:
    """The report page as edited ``number`` times: chrome, a header date, and one paragraph rewritten per edit."""
    text = "\n".join(f"{p}（第{number}次修订）" if i < number else p for i, p in enumerate(PARAGRAPHS))
    return report_body(text + "\n" + CHROME, header_date=f"2023-02-0{1 + number} 星期三")


def stored(db: Archive, body: bytes) -> tuple[int, str | None, int | None]:
    """(stored length, base_sha256, dict_id) of a body's blob."""
    return db.db.execute("SELECT length(data), base_sha256, dict_id FROM blobs WHERE sha256 = ?",
                         [blobs.digest(body)]).fetchone()


def test_a_new_version_is_a_small_delta_against_the_first_body(db: Archive) -> None:
    for number in range(3):
        db.record_capture(page(URL, body=version(number)))
    first = blobs.digest(version(0))
    assert stored(db, version(0))[1] is None
    for number in (1, 2):  # each against the first body, never against a delta: one hop to read any blob
        length, base, dict_id = stored(db, version(number))
        assert base == first and dict_id is None
        assert length * 4 < len(zstandard.ZstdCompressor(level=blobs.ZSTD_LEVEL).compress(version(number)))
        assert db.blob(blobs.digest(version(number))) == version(number)
    assert len(db.history(URL)) == 3


def test_a_body_with_nothing_in_common_costs_no_more_than_without_a_base(db: Archive) -> None:
    db.record_capture(page(URL, body=version(0)))
    redesigned = report_body("页面已改版。" + "".join(f"新栏目{n}、" for n in range(200)), title="改版")
    db.record_capture(page(URL, body=redesigned))
    assert stored(db, redesigned)[0] <= len(zstandard.ZstdCompressor(level=blobs.ZSTD_LEVEL).compress(redesigned))
    assert db.blob(blobs.digest(redesigned)) == redesigned


def test_attachments_are_never_deltas(db: Archive) -> None:
    pdf = "http://qinglan.example/xxgk/2023/report.pdf"
    for number in range(2):
        db.record_capture(Capture(url=pdf, site="qinglan", kind="attachment", status=200,
                                  body=b"%PDF-1.4\n" + version(number), extraction=page(pdf).extraction))
    assert stored(db, b"%PDF-1.4\n" + version(1))[1] is None


def test_a_damaged_base_is_reported_for_itself_and_the_delta_on_it(db: Archive) -> None:
    db.record_capture(page(URL, body=version(0)))
    db.record_capture(page(URL, body=version(1)))
    db.db.execute("UPDATE blobs SET data = ? WHERE sha256 = ?",
                  [zstandard.ZstdCompressor().compress(b"tampered"), blobs.digest(version(0))])
    db.db.conn.commit()
    blobs.clear_codec_cache()
    problems = [p for p in db.check() if p.startswith("blob ")]
    assert {p.split()[1].rstrip(":") for p in problems} == {blobs.digest(version(0)), blobs.digest(version(1))}
    db.db.execute("UPDATE blobs SET data = ? WHERE sha256 = ?",  # restore, so the fixture's check passes
                  [zstandard.ZstdCompressor(level=blobs.ZSTD_LEVEL).compress(version(0)), blobs.digest(version(0))])
    db.db.conn.commit()
    blobs.clear_codec_cache()


def test_a_schema_6_archive_keeps_its_blobs_and_gains_deltas(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with open_archive(path) as store:
        store.record_capture(page(URL, body=version(0)))
    conn = sqlite3.connect(path)
    undo_text_deltas(conn)
    conn.execute("ALTER TABLE blobs DROP COLUMN base_sha256")  # as schema 6 had it
    conn.execute("DROP TABLE list_pages")  # nor had it what schema 8 added
    conn.execute("DELETE FROM _sqlite_migrations WHERE name IN ('007_blob_deltas', '008_list_pages', '011_run_partial')")
    conn.execute("UPDATE schema_meta SET value = '6' WHERE key = 'schema_version'")
    conn.commit()
    conn.close()
    with open_archive(path) as store:
        assert store.blob(blobs.digest(version(0))) == version(0)
        store.record_capture(page(URL, body=version(1)))
        assert stored(store, version(1))[1] == blobs.digest(version(0))
        assert store.check() == []


def test_a_damaged_base_never_stops_a_new_body_from_being_stored(tmp_path: Path) -> None:
    with open_archive(tmp_path / "a.db") as store:
        store.record_capture(page(URL, body=version(0)))
        store.db.execute("UPDATE blobs SET data = ? WHERE sha256 = ?",
                         [zstandard.ZstdCompressor().compress(b"tampered"), blobs.digest(version(0))])
        store.db.conn.commit()
        blobs.clear_codec_cache()
        recorded = store.record_capture(page(URL, body=version(1)))
        assert recorded.outcome == "changed"
        assert stored(store, version(1))[1] is None  # stored whole, readable on its own
        assert store.blob(blobs.digest(version(1))) == version(1)
        assert [p.split()[1].rstrip(":") for p in store.check() if p.startswith("blob ")] == [blobs.digest(version(0))]
    blobs.clear_codec_cache()
