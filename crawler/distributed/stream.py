"""Captures on the Redis Stream: one entry per capture, list page or site move, the body as raw bytes.

An entry has four fields: ``key`` (the capture key, ``<crawl id>:<request key>``: a fetch pushed
twice carries the same key and is recorded once), ``type`` (``capture``, ``list_page`` or
``site_move``), ``meta`` (JSON of every other field of the item, ``moved_permanently`` included)
and ``body``. Stream fields are binary-safe, so bodies travel as they were served, without base64.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from nianbao.capture import Capture, ListPage, SiteMove, utc_now

EXTRACT_IN_WRITER = "extract_in_writer"  # meta flag: the worker left extraction to the writer


@dataclass
class Entry:
    """One decoded stream entry."""

    stream_id: str
    key: str
    item: Capture | ListPage | SiteMove
    extract_in_writer: bool = False
    size: int = 0  # bytes it counts in the stream's backlog


def capture_key(crawl_id: str, request_key: str) -> str:
    return f"{crawl_id}:{request_key}"


def no_column_key(crawl_id: str, site: str) -> str:
    """The key of a site's "no 年报 column" verdict: one per site and crawl."""
    return f"{crawl_id}:no_column:{site}"


def no_column_meta(site: str, url: str) -> str:
    """The meta of the verdict capture, as the spider makes it in a crawl of one process."""
    return json.dumps({"url": url, "site": site, "kind": "home", "error_class": "no_column", "fetched_at": utc_now(),
                       "error_message": f"no 年报 column found from the homepage of {site}"}, ensure_ascii=False)


def encode_capture(capture: Capture, key: str, *, extract_in_writer: bool = False) -> dict[str, bytes | str]:
    fields = dataclasses.asdict(capture)
    body = fields.pop("body")
    if extract_in_writer:
        fields[EXTRACT_IN_WRITER] = True
    return {"key": key, "type": "capture", "meta": json.dumps(fields, ensure_ascii=False).encode(), "body": body}


def encode_list_page(page: ListPage, key: str) -> dict[str, bytes | str]:
    return {"key": key, "type": "list_page", "meta": json.dumps(page.to_dict(), ensure_ascii=False).encode(), "body": b""}


def encode_site_move(move: SiteMove, key: str) -> dict[str, bytes | str]:
    return {"key": key, "type": "site_move", "meta": json.dumps(dataclasses.asdict(move), ensure_ascii=False).encode(),
            "body": b""}


def entry_size(fields: Mapping[Any, Any]) -> int:
    """What an entry adds to the stream's byte backlog: the bytes of its meta and body (as added, or as read back)."""
    return sum(len(value.encode() if isinstance(value, str) else value)
               for name, value in fields.items() if name in ("meta", "body", b"meta", b"body"))


def decode_entry(stream_id: bytes | str, fields: dict[bytes, bytes]) -> Entry:
    """An entry as the writer reads it; a capture without a fetch time gets the entry's own."""
    sid = stream_id.decode() if isinstance(stream_id, bytes) else stream_id
    meta: dict[str, Any] = json.loads(fields[b"meta"])
    key = fields[b"key"].decode()
    size = entry_size(fields)
    if fields[b"type"] == b"list_page":
        return Entry(sid, key, ListPage(**meta), size=size)
    if fields[b"type"] == b"site_move":
        return Entry(sid, key, SiteMove(**meta), size=size)
    extract_in_writer = bool(meta.pop(EXTRACT_IN_WRITER, False))
    meta.setdefault("fetched_at", _entry_time(sid))
    capture = Capture(**meta, body=fields.get(b"body", b""))
    capture.capture_key = key
    return Entry(sid, key, capture, extract_in_writer, size)


def _entry_time(stream_id: str) -> str:
    """An entry id's milliseconds as an ISO 8601 UTC time."""
    ms = int(stream_id.split("-")[0])
    return datetime.fromtimestamp(ms / 1000, UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
