"""The crawl frontier, kept in the archive: what is queued and what is done, per site.

A request is queued before it is scheduled and marked done in the same transaction that
records its capture (or, for a list page that yields no capture, together with the requests it
led to). So a crawl killed at any moment resumes from exactly what was not yet recorded: no page
archived twice, none lost. A run that completes clears its sites' frontier, so the next run walks
the portal afresh.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any, cast

from sqlite_utils import Database

from archive import row_dicts, times
from nianbao.capture import request_key
from nianbao.crawl_types import FrontierEntry

__all__ = ["clear", "done_keys", "mark_done", "pending", "queue", "request_key"]


def queue(db: Database, entries: Iterable[FrontierEntry], run_id: int | None) -> int:
    """Add requests as queued unless already known; returns how many were new."""
    now = times.now()
    added = 0
    for entry in entries:
        cursor = db.execute(
            "INSERT OR IGNORE INTO frontier(key, site, url, method, form, headers, callback, meta, state, run_id,"
            " queued_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'queued', ?, ?)",
            [entry["key"], entry["site"], entry["url"], entry.get("method", "GET"),
             json.dumps(entry.get("form", []), ensure_ascii=False),
             json.dumps(entry.get("headers", {}), ensure_ascii=False), entry["callback"],
             json.dumps(entry.get("meta", {}), ensure_ascii=False), run_id, now])
        added += cursor.rowcount
    return added


def mark_done(db: Database, key: str, run_id: int | None) -> None:
    """Mark one request done (a request never queued, e.g. after a frontier reset, is ignored)."""
    db.execute("UPDATE frontier SET state = 'done', done_at = ?, run_id = coalesce(?, run_id) WHERE key = ?",
               [times.now(), run_id, key])


def pending(db: Database, sites: Sequence[str]) -> list[FrontierEntry]:
    """Queued requests of ``sites``, oldest first, with JSON fields decoded."""
    out = []
    for row in row_dicts.iterate(db, f"SELECT * FROM frontier WHERE state = 'queued' AND site IN ({_marks(sites)})"
                                " ORDER BY queued_at, rowid", list(sites)):
        for name in ("form", "headers", "meta"):
            row[name] = json.loads(row[name])
        out.append(cast(FrontierEntry, row))
    return out


def done_keys(db: Database, sites: Sequence[str]) -> set[str]:
    """Keys of requests already done for ``sites`` in an unfinished crawl."""
    sql = f"SELECT key FROM frontier WHERE state = 'done' AND site IN ({_marks(sites)})"
    return {row[0] for row in db.execute(sql, list(sites))}


def done_sites(db: Database, sites: Sequence[str]) -> set[str]:
    """Those of ``sites`` that an unfinished crawl already reached (some request of theirs done)."""
    sql = f"SELECT DISTINCT site FROM frontier WHERE state = 'done' AND site IN ({_marks(sites)})"
    return {row[0] for row in db.execute(sql, list(sites))}


def clear(db: Database, sites: Sequence[str]) -> int:
    """Forget the frontier of ``sites`` (their crawl completed); returns rows removed."""
    return db.execute(f"DELETE FROM frontier WHERE site IN ({_marks(sites)})", list(sites)).rowcount


def _marks(values: Sequence[Any]) -> str:
    return ", ".join("?" for _ in values) or "NULL"
