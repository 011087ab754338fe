"""What workers know of the archive: four snapshots the writer publishes in Redis when it opens a crawl.

Workers never open the archive, yet conditional requests, known list pages, known bodies and the
revisits of live documents need what earlier crawls recorded. When the writer opens a crawl it reads
those facts for each site once (the queries a local crawl makes) and stores them as JSON, one field
per site, in ``P:view:<kind>``; :class:`RedisArchiveView` answers the same questions as
:class:`archive.Archive` from them. Within a crawl each URL is fetched once, so a snapshot taken at
its start is what a local crawl would read too.
"""

from __future__ import annotations

import json
from typing import Any, cast

from archive import Archive
from crawler.distributed.keys import CrawlKeys
from nianbao.crawl_types import KnownDocument


def publish_views(server: Any, keys: CrawlKeys, store: Archive, sites: list[str]) -> None:
    """Store each site's validators, list pages, current bodies and live documents for the workers."""
    pipe = server.pipeline(transaction=False)
    for site in sites:
        known = store.known_documents([site])
        bodies = {doc["url"]: store.current_body(doc["url"]) for doc in known}
        facts = {"validators": store.site_validators([site]), "lists": store.known_list_pages([site]),
                 "bodies": {url: body for url, body in bodies.items() if body is not None}, "known": known}
        for kind, value in facts.items():
            pipe.hset(keys.view(kind), site, json.dumps(value, ensure_ascii=False))
    pipe.execute()


class RedisArchiveView:
    """:class:`crawler.archive_view.ArchiveView` over the published snapshots; each site read once."""

    def __init__(self, server: Any, keys: CrawlKeys) -> None:
        self.server, self.keys = server, keys
        self._bodies: dict[str, tuple[str, str | None]] | None = None

    def _read(self, kind: str, sites: list[str]) -> list[Any]:
        values = self.server.hmget(self.keys.view(kind), sites) if sites else []
        return [json.loads(value) for value in values if value is not None]

    def site_validators(self, sites: list[str]) -> dict[str, dict[str, str | None]]:
        return {url: v for part in self._read("validators", sites) for url, v in part.items()}

    def known_list_pages(self, sites: list[str]) -> dict[str, dict[str, Any]]:
        return {key: page for part in self._read("lists", sites) for key, page in part.items()}

    def known_documents(self, sites: list[str]) -> list[KnownDocument]:
        return [cast(KnownDocument, doc) for part in self._read("known", sites) for doc in part]

    def current_body(self, url: str) -> tuple[str, str | None] | None:
        if self._bodies is None:
            every = self.server.hgetall(self.keys.view("bodies"))
            self._bodies = {u: (body[0], body[1]) for value in every.values() for u, body in json.loads(value).items()}
        return self._bodies.get(url)
