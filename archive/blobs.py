"""Content-addressed raw bodies: each distinct byte string stored once, zstd-compressed.

A site's pages share their template chrome, so once a site has DICTIONARY_SAMPLES bodies its
later pages are compressed with a zstd dictionary trained on those first bodies (about three
times smaller than plain zstd on portal pages; see bench/archive/README.md). The dictionary is
stored in ``dictionaries`` and referenced by ``blobs.dict_id``, so any blob can be read back
with plain SQLite and zstd.

A later body of a page the archive already holds (a new version, or the same report with a new
date in its header) is compressed against that page's first stored body instead, used as a raw
zstd dictionary (``blobs.base_sha256``), whenever that comes out smaller: versions of a report
share nearly all their bytes, and such a delta is about a fifth of the size. A base is always a
blob stored without a base, so reading any blob takes at most one other.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from dataclasses import dataclass
from typing import Any

import zstandard
from sqlite_utils import Database

from archive import row_dicts, times
from nianbao.errors import ArchiveError

logger = logging.getLogger(__name__)

CODEC = "zstd"
# Level 3 is zstd's default: ~6x faster than zlib-6 at a similar ratio on portal pages; with a
# dictionary, level 19 would save only another ~10% at 25x the time.
ZSTD_LEVEL = 3
# Capture kinds whose bodies share a site's chrome; attachments (PDF, Word …) are left plain.
DICTIONARY_KINDS = ("page", "list", "home")
DICTIONARY_SAMPLES = 16
# Smaller bodies are not used as samples: nothing to learn from, and zstd 1.5's trainer has been
# seen to crash the process on empty samples.
MIN_SAMPLE_BYTES = 1024
DICTIONARY_SIZE = 64 * 1024
# zstd's trainer with a small parameter search (k, d as zstd's own "optimize" mode suggests).
TRAINING = {"k": 1024, "d": 8, "steps": 8}
_DICT_TYPES = {"trained": zstandard.DICT_TYPE_FULLDICT, "raw": zstandard.DICT_TYPE_RAWCONTENT}
_CACHE_LIMIT = 256  # (de)compressors kept per thread; one per dictionary in use

_SAMPLES_SQL = (
    "SELECT sha256 FROM captures WHERE site = ? AND sha256 IS NOT NULL AND size >= {min_bytes} "
    "AND kind IN ({kinds}) ORDER BY id"
).format(min_bytes=MIN_SAMPLE_BYTES, kinds=", ".join(f"'{kind}'" for kind in DICTIONARY_KINDS))
_LOAD_SQL = (
    "SELECT b.size, b.codec, b.data, b.dict_id, d.sha256, d.kind, b.base_sha256 FROM blobs b "
    "LEFT JOIN dictionaries d ON d.id = b.dict_id WHERE b.sha256 = ?"
)
# The first body stored for a URL that is not itself a delta: what later bodies of it are compressed against.
_BASE_SQL = (
    "SELECT c.sha256 FROM captures c JOIN blobs b ON b.sha256 = c.sha256 "
    "WHERE c.url = ? AND b.base_sha256 IS NULL ORDER BY c.id LIMIT 1"
)


@dataclass(frozen=True)
class Dictionary:
    """A stored compression dictionary; ``sha256`` (of ``data``) keys the per-thread codec cache."""

    id: int
    sha256: str
    kind: str


_local = threading.local()


def digest(body: bytes) -> str:
    """The hex sha256 of ``body``; the blob's key."""
    return hashlib.sha256(body).hexdigest()


def store(db: Database, body: bytes, *, site: str | None = None, kind: str | None = None,
          url: str | None = None) -> str:
    """Store ``body`` unless a blob with its digest exists; return the digest.

    ``url`` is where it was fetched: a page body is stored as a delta against the first body of
    the same URL when that is smaller.
    """
    sha256 = digest(body)
    if db.execute("SELECT 1 FROM blobs WHERE sha256 = ?", [sha256]).fetchone() is None:
        dictionary = site_dictionary(db, site) if site is not None and kind in DICTIONARY_KINDS else None
        data, base = _codec(db, "compress", dictionary).compress(body), None
        base_sha256 = _base_of(db, url) if url is not None and kind in DICTIONARY_KINDS else None
        if base_sha256 is not None:
            delta = _delta(db, base_sha256, body)
            if delta is not None and len(delta) < len(data):
                data, dictionary, base = delta, None, base_sha256
        db.execute(
            "INSERT INTO blobs(sha256, size, codec, data, dict_id, base_sha256) VALUES (?, ?, ?, ?, ?, ?)",
            [sha256, len(body), CODEC, data, dictionary.id if dictionary else None, base],
        )
    return sha256


def _delta(db: Database, base_sha256: str, body: bytes) -> bytes | None:
    """``body`` compressed against its base; None when the base cannot be read (``check()`` reports
    it), so a damaged old body never stops a new one from being stored."""
    try:
        return bytes(_base_codec(db, "compress", base_sha256).compress(body))
    except ArchiveError as exc:
        logger.warning("stored without a base: %s", exc)
        return None


def _base_of(db: Database, url: str) -> str | None:
    row = db.execute(_BASE_SQL, [url]).fetchone()
    return row[0] if row else None


def site_dictionary(db: Database, site: str) -> Dictionary | None:
    """The site's dictionary, trained on first use once the site has enough bodies; else None."""
    row = db.execute("SELECT id, sha256, kind FROM dictionaries WHERE site = ? ORDER BY id DESC LIMIT 1",
                     [site]).fetchone()
    if row is not None:
        return Dictionary(*row)
    try:
        samples = first_bodies(db, site, DICTIONARY_SAMPLES)
    except ArchiveError as exc:  # a damaged sample (check() reports it) must not block the site's new bodies
        logger.warning("no dictionary for site %s: %s", site, exc)
        return None
    return _add_dictionary(db, site, samples) if samples else None


def first_bodies(db: Database, site: str, count: int) -> list[bytes]:
    """The first ``count`` distinct bodies (MIN_SAMPLE_BYTES or more) of the site's pages, lists,
    homes; [] while the site has fewer (nothing is read from the blobs until there are enough)."""
    seen: list[str] = []
    for (sha256,) in db.execute(_SAMPLES_SQL, [site]):  # stops reading as soon as there are enough
        if sha256 not in seen:
            seen.append(sha256)
            if len(seen) == count:
                return [load(db, sha) for sha in seen]
    return []


def train(samples: list[bytes]) -> tuple[str, bytes]:
    """(kind, data) of a dictionary for ``samples``: zstd-trained, or the samples themselves as raw content.

    zstd's trainer refuses material it cannot learn from (too little, too uniform); the samples
    are still a valid raw-content dictionary then, and the row's ``kind`` says which it is.
    """
    try:
        trained = zstandard.train_dictionary(DICTIONARY_SIZE, list[bytes | bytearray | memoryview](samples),
                                             level=ZSTD_LEVEL, **TRAINING)
    except zstandard.ZstdError:
        return "raw", b"".join(samples)[-DICTIONARY_SIZE:]
    return "trained", trained.as_bytes()


def _add_dictionary(db: Database, site: str, samples: list[bytes]) -> Dictionary:
    """Train and store the site's dictionary."""
    kind, data = train(samples)
    sha256 = digest(data)
    cursor = db.execute(
        "INSERT INTO dictionaries(site, kind, created_at, samples, size, sha256, data) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        [site, kind, times.now(), len(samples), len(data), sha256, data],
    )
    return Dictionary(row_dicts.inserted_id(cursor), sha256, kind)


def load(db: Database, sha256: str) -> bytes:
    """The raw bytes of blob ``sha256``, verified against their digest."""
    row = db.execute(_LOAD_SQL, [sha256]).fetchone()
    if row is None:
        raise ArchiveError(f"no blob {sha256}")
    size, codec, data, dict_id, dict_sha256, dict_kind, base_sha256 = row
    dictionary = Dictionary(dict_id, dict_sha256, dict_kind) if dict_id is not None else None
    body = decode(db, size, codec, data, dictionary, base_sha256)
    if digest(body) != sha256:
        raise ArchiveError(f"blob {sha256} is damaged: its bytes hash to {digest(body)}")
    return body


def decode(db: Database, size: int, codec: str, data: bytes, dictionary: Dictionary | None,
           base_sha256: str | None = None) -> bytes:
    """Decompress one stored blob (against its base blob when it has one); ``size`` bounds the output."""
    if codec != CODEC:
        raise ArchiveError(f"unknown blob codec {codec!r}")
    decompressor = (_base_codec(db, "decompress", base_sha256) if base_sha256 is not None
                    else _codec(db, "decompress", dictionary))
    try:
        return bytes(decompressor.decompress(data, max_output_size=size))
    except zstandard.ZstdError as exc:
        raise ArchiveError(f"blob cannot be decompressed: {exc}") from exc


def _codec(db: Database, direction: str, dictionary: Dictionary | None) -> Any:
    """A (de)compressor for ``dictionary``, cached per thread (zstd objects are not thread-safe)."""
    cache = _local.__dict__.setdefault("codecs", {})
    key = (direction, dictionary.sha256 if dictionary else None)
    if key not in cache:
        if len(cache) >= _CACHE_LIMIT:
            cache.clear()
        zdict = _zstd_dict(db, dictionary) if dictionary else None
        cache[key] = (zstandard.ZstdCompressor(level=ZSTD_LEVEL, dict_data=zdict) if direction == "compress"
                      else zstandard.ZstdDecompressor(dict_data=zdict))
    return cache[key]


def _base_codec(db: Database, direction: str, base_sha256: str) -> Any:
    """A (de)compressor with blob ``base_sha256`` (read and verified) as raw-content dictionary, cached per thread."""
    cache = _local.__dict__.setdefault("codecs", {})
    key = (direction, "base:" + base_sha256)
    if key not in cache:
        if len(cache) >= _CACHE_LIMIT:
            cache.clear()
        zdict = zstandard.ZstdCompressionDict(load(db, base_sha256), dict_type=zstandard.DICT_TYPE_RAWCONTENT)
        cache[key] = (zstandard.ZstdCompressor(level=ZSTD_LEVEL, dict_data=zdict) if direction == "compress"
                      else zstandard.ZstdDecompressor(dict_data=zdict))
    return cache[key]


def clear_codec_cache() -> None:
    """Forget this thread's cached (de)compressors, so dictionaries are read from the file again."""
    _local.__dict__.pop("codecs", None)


def _zstd_dict(db: Database, dictionary: Dictionary) -> zstandard.ZstdCompressionDict:
    """Load a dictionary's bytes, checked against its digest (the cache trusts the digest)."""
    row = db.execute("SELECT data FROM dictionaries WHERE id = ?", [dictionary.id]).fetchone()
    if row is None or digest(row[0]) != dictionary.sha256:
        raise ArchiveError(f"compression dictionary {dictionary.id} is missing or damaged")
    return zstandard.ZstdCompressionDict(row[0], dict_type=_DICT_TYPES[dictionary.kind])
