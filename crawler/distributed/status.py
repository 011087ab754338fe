"""What to watch in a distributed crawl, from one look at Redis (``nianbao redis status``)."""

from __future__ import annotations

import time
from typing import Any

from redis.exceptions import ResponseError

from crawler.distributed.keys import GROUP, CrawlKeys
from crawler.distributed.scripts import Scripts


def crawl_status(server: Any, keys: CrawlKeys) -> dict[str, Any]:
    """Queue depth, leases, stream backlog and writer lag, dead letters, workers, the writer lock, Redis itself."""
    crawl, queued, inflight, dead, entries, seeded, backlog = Scripts(server)("STATUS", keys.prefix)
    now_ms = int(time.time() * 1000)
    oldest_lease = server.zrange(keys("inflight"), 0, 0, withscores=True)
    first_entry = server.xrange(keys.stream, count=1)
    info = server.info()
    return {
        "crawl": _text(crawl) or None, "run": int(server.get(keys("run")) or 0) or None, "seeded": bool(int(seeded)),
        "queued": int(queued), "in_flight": int(inflight), "dead_letters": int(dead),
        "lease_expires_in_s": round((oldest_lease[0][1] - now_ms) / 1000, 1) if oldest_lease else None,
        "stream_entries": int(entries), "stream_bytes": int(backlog), "pending": _pending(server, keys),
        "writer_lag_s": round((now_ms - int(_text(first_entry[0][0]).split("-")[0])) / 1000, 1) if first_entry else 0.0,
        "writer": _text(server.get(keys.writer_lock)) or None,
        "workers": {_text(w): round((now_ms - ms) / 1000, 1) for w, ms in server.zrange(keys("workers"), 0, -1,
                                                                                     withscores=True)},
        "stats": {_text(k): int(v) for k, v in server.hgetall(keys("stats")).items()},
        "redis": {k: info.get(k) for k in ("used_memory", "maxmemory", "maxmemory_policy", "aof_enabled",
                                           "aof_last_write_status", "loading")},
    }


def _pending(server: Any, keys: CrawlKeys) -> int:
    if not server.exists(keys.stream):
        return 0
    try:
        return int(server.xpending(keys.stream, GROUP)["pending"])
    except ResponseError:  # NOGROUP: no writer has read the stream yet
        return 0


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value or "")
