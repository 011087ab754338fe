"""Where a distributed crawl lives in Redis: one key prefix per crawl label, and the politeness unit.

Every key of the crawl labelled ``L`` starts with ``nb:{L}:``. The braces are a Redis Cluster hash
tag that would put them in one slot, but the scripts build per-host queue names themselves, which
Cluster forbids: a standalone Redis (or one behind Sentinel) is the supported deployment.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

GROUP = "writers"  # the capture stream's consumer group
# The crawl's own keys, deleted when it ends; the writer lock is not among them.
VIEW_KINDS = ("validators", "validators_by_key", "lists", "bodies", "aliases", "due", "known", "not_due", "lists_not_due")


@dataclass(frozen=True)
class CrawlKeys:
    """The key names of one crawl; ``keys("queued")`` is ``nb:{label}:queued``."""

    label: str

    @property
    def prefix(self) -> str:
        return f"nb:{{{self.label}}}"

    def __call__(self, name: str) -> str:
        return f"{self.prefix}:{name}"

    @property
    def stream(self) -> str:
        return self("captures")

    @property
    def writer_lock(self) -> str:
        return f"{self.prefix}:lock:writer"

    def view(self, kind: str) -> str:
        return self(f"view:{kind}")


def gate_key(url: str) -> str:
    """The unit politeness applies to: the server, as host and port (two fixture sites on one address
    are two servers; a real portal's port is its scheme's default)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    return f"{host}:{parts.port}" if parts.port else host
