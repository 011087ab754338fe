"""Per-site zstd dictionaries for blobs: trained from a site's first bodies, used for its later pages."""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

import pytest
import zstandard

from archive import Archive, blobs, open_archive
from nianbao.capture import Capture
from nianbao.errors import ArchiveError
from tests.archive_support import extraction, page

_RNG = random.Random(7)
# Chrome shared by every page of the site, like a portal's menus and footer: varied link labels.
CHROME = "".join(f'<li><a href="/col/col{_RNG.randrange(10**6)}/index.html">'
                 f'{"".join(chr(_RNG.randrange(0x4E00, 0x9FA5)) for _ in range(6))}</a></li>\n'
                 for _ in range(300))


def body(number: int) -> bytes:
    """A page of the site: the shared chrome around a short body of its own."""
    return f"2024-0{1 + number % 9}-01 星期一\n第{number}号报告\n{CHROME}正文{number * 7919}。\n".encode()


def record_pages(db: Archive, count: int, *, site: str = "qinglan") -> list[str]:
    """Record ``count`` distinct pages of ``site``; return their blob digests."""
    for number in range(count):
        db.record_capture(page(f"http://{site}.example/xxgk/t{number}.html", site=site, body=body(number)))
    return [blobs.digest(body(number)) for number in range(count)]


def dict_ids(db: Archive, shas: list[str]) -> list[int | None]:
    return [db.db.execute("SELECT dict_id FROM blobs WHERE sha256 = ?", [sha]).fetchone()[0] for sha in shas]


def test_site_gets_a_dictionary_after_its_first_bodies(db: Archive) -> None:
    shas = record_pages(db, blobs.DICTIONARY_SAMPLES + 4)
    ids = dict_ids(db, shas)
    assert ids[:blobs.DICTIONARY_SAMPLES] == [None] * blobs.DICTIONARY_SAMPLES
    assert len(set(ids[blobs.DICTIONARY_SAMPLES:])) == 1 and ids[-1] is not None
    row = db.db.execute("SELECT site, kind, samples, size, sha256, data FROM dictionaries").fetchone()
    assert row[:3] == ("qinglan", "trained", blobs.DICTIONARY_SAMPLES)
    assert row[3] == len(row[5]) <= blobs.DICTIONARY_SIZE and row[4] == blobs.digest(row[5])
    for number, sha in enumerate(shas):
        assert db.blob(sha) == body(number)


def test_dictionary_makes_later_pages_smaller(db: Archive) -> None:
    shas = record_pages(db, blobs.DICTIONARY_SAMPLES + 1)
    stored = db.db.execute("SELECT length(data) FROM blobs WHERE sha256 = ?", [shas[-1]]).fetchone()[0]
    plain = len(zstandard.ZstdCompressor(level=blobs.ZSTD_LEVEL).compress(body(blobs.DICTIONARY_SAMPLES)))
    assert stored * 3 < plain


def test_attachments_small_bodies_and_other_sites_stay_plain(db: Archive) -> None:
    record_pages(db, blobs.DICTIONARY_SAMPLES + 1)
    for number in range(blobs.DICTIONARY_SAMPLES + 1):  # small pages are no samples
        db.record_capture(page(f"http://small.example/{number}.html", site="small",
                               body=f"短{number}".encode()))
    record_pages(db, 3, site="other")
    pdf = b"%PDF-1.4\n" + CHROME.encode() + b"%%EOF"
    db.record_capture(Capture(url="http://qinglan.example/a.pdf", site="qinglan", kind="attachment",
                              status=200, body=pdf, extraction=extraction(content_type="pdf")))
    assert dict_ids(db, [blobs.digest(pdf)]) == [None]
    assert db.db.execute("SELECT site FROM dictionaries").fetchall() == [("qinglan",)]


def test_blob_reads_back_with_plain_sqlite_and_zstd(db: Archive) -> None:
    """What docs/archive.md promises: a blob row and its dictionary row are all one needs."""
    sha = record_pages(db, blobs.DICTIONARY_SAMPLES + 1)[-1]
    conn = sqlite3.connect(db.path)
    data, size, dictionary, kind = conn.execute(
        "SELECT b.data, b.size, d.data, d.kind FROM blobs b JOIN dictionaries d ON d.id = b.dict_id "
        "WHERE b.sha256 = ?", [sha]).fetchone()
    conn.close()
    assert kind == "trained"
    zdict = zstandard.ZstdCompressionDict(dictionary, dict_type=zstandard.DICT_TYPE_FULLDICT)
    assert zstandard.ZstdDecompressor(dict_data=zdict).decompress(data, max_output_size=size) == body(
        blobs.DICTIONARY_SAMPLES)


def test_trainer_refusal_falls_back_to_a_raw_content_dictionary() -> None:
    kind, data = blobs.train([b""] * 15 + [b"abc"])  # too little to learn from
    assert (kind, data) == ("raw", b"abc")
    zdict = zstandard.ZstdCompressionDict(data, dict_type=zstandard.DICT_TYPE_RAWCONTENT)
    packed = zstandard.ZstdCompressor(dict_data=zdict).compress(b"abcabc")
    assert zstandard.ZstdDecompressor(dict_data=zdict).decompress(packed) == b"abcabc"


def test_damaged_dictionary_is_reported_and_never_decoded(tmp_path: Path) -> None:
    with open_archive(tmp_path / "a.db") as damaged:
        sha = record_pages(damaged, blobs.DICTIONARY_SAMPLES + 1)[-1]
        damaged.db.execute("UPDATE dictionaries SET data = zeroblob(length(data))")
    with open_archive(tmp_path / "a.db") as reopened:  # a fresh process would have no cached codec
        blobs.clear_codec_cache()
        problems = reopened.check()
        assert any(p.startswith("dictionary 1: bytes do not match") for p in problems)
        assert any(sha in p and "missing or damaged" in p for p in problems)
        with pytest.raises(ArchiveError, match="compression dictionary 1 is missing or damaged"):
            reopened.blob(sha)


def test_backup_keeps_dictionaries(db: Archive, tmp_path: Path) -> None:
    sha = record_pages(db, blobs.DICTIONARY_SAMPLES + 1)[-1]
    db.backup(tmp_path / "copy.db")
    blobs.clear_codec_cache()
    with open_archive(tmp_path / "copy.db", readonly=True) as copy:
        assert copy.blob(sha) == body(blobs.DICTIONARY_SAMPLES)
        assert copy.check() == []


def test_a_damaged_sample_leaves_the_site_without_a_dictionary_but_records_its_pages(tmp_path: Path) -> None:
    with open_archive(tmp_path / "a.db") as store:
        shas = record_pages(store, blobs.DICTIONARY_SAMPLES)
        store.db.execute("UPDATE blobs SET data = ? WHERE sha256 = ?",
                         [zstandard.ZstdCompressor().compress(b"tampered"), shas[3]])
        store.db.conn.commit()
        blobs.clear_codec_cache()
        store.record_capture(page("http://qinglan.example/xxgk/new.html", body=body(99)))
        assert dict_ids(store, [blobs.digest(body(99))]) == [None]
        assert store.blob(blobs.digest(body(99))) == body(99)
        assert store.db.execute("SELECT count(*) FROM dictionaries").fetchone()[0] == 0
    blobs.clear_codec_cache()
