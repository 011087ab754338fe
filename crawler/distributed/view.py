"""What workers know of the archive: snapshots the writer publishes in Redis when it opens a crawl.

Workers never open the archive, yet conditional requests, known list pages, known bodies, the
moves sites made and the revisits of due documents and list pages need what earlier crawls recorded. When the
writer opens a crawl it reads those facts once (the queries a local crawl makes at its start) and
stores them as JSON, one field per site, in ``P:view:<kind>``; :class:`RedisArchiveView` answers the
same questions as :class:`archive.Archive` from them. Within a crawl each URL is fetched once, so a
snapshot taken at its start is what a local crawl would read too; which documents are due is
judged at that moment, by the writer's clock and revisit ceiling. Both the due documents and every
live one are published, so each worker's ``NIANBAO_REVISIT`` chooses as a local crawl's would.

One lookup of a local crawl is published only for the crawl's sites: a document found by its URL
under another site name (a portal crawled once from a bare homepage and once as a registry site).
A worker extracts a body the archive knows only under a site name the crawl does not cover again,
as for a new URL, and the archive records the same outcome.
"""

from __future__ import annotations

import json
from typing import Any, cast

from archive import Archive
from crawler.distributed.keys import CrawlKeys
from nianbao.crawl_types import KnownDocument
from nianbao.urls import url_key

Body = tuple[str, str | None]


def publish_views(server: Any, keys: CrawlKeys, store: Archive, sites: list[str]) -> None:
    """Store what the workers read of the archive for ``sites`` (see the module docstring)."""
    facts: dict[str, dict[str, Any]] = {
        "validators": {site: store.site_validators([site]) for site in sites},
        "validators_by_key": {site: {key: v for (_, key), v in store.site_validators_by_key([site]).items()}
                              for site in sites},
        "lists": {site: store.known_list_pages([site]) for site in sites},
        "bodies": _bodies(store, sites),
        "aliases": {site: store.site_aliases([site]) for site in sites},
        "due": _ranked(store.due_documents(sites), sites),
        "known": _ranked(store.known_documents(sites), sites),
        "not_due": {site: [] for site in sites},
        "lists_not_due": {site: sorted(store.not_due_list_pages([site])) for site in sites},
    }
    for site, key in sorted(store.not_due_keys(sites)):
        facts["not_due"][site].append(key)
    pipe = server.pipeline(transaction=False)
    for kind, by_site in facts.items():
        for site, value in by_site.items():
            pipe.hset(keys.view(kind), site, json.dumps(value, ensure_ascii=False))
    pipe.execute()


def _ranked(documents: list[KnownDocument], sites: list[str]) -> dict[str, list[tuple[int, KnownDocument]]]:
    """Each site's documents with their place in the archive's order (all sites read together keep it)."""
    by_site: dict[str, list[tuple[int, KnownDocument]]] = {site: [] for site in sites}
    for rank, document in enumerate(documents):
        by_site[document["site"]].append((rank, document))
    return by_site


def _bodies(store: Archive, sites: list[str]) -> dict[str, dict[str, dict[str, Body | None]]]:
    """Per site, the body each URL, each key and each document's own URL leads to (the first, most
    recently seen, wins)."""
    bodies: dict[str, dict[str, dict[str, Body | None]]] = {site: _no_bodies() for site in sites}
    for site, url, key, document_url, sha256, version in store.site_bodies(sites):
        body = (sha256, version) if sha256 is not None else None
        bodies[site]["urls"].setdefault(url, body)
        bodies[site]["keys"].setdefault(key, body)
        bodies[site]["documents"].setdefault(document_url, body)
    return bodies


def _no_bodies() -> dict[str, dict[str, Any]]:
    return {"urls": {}, "keys": {}, "documents": {}}


class RedisArchiveView:
    """:class:`crawler.archive_view.ArchiveView` over the published snapshots."""

    def __init__(self, server: Any, keys: CrawlKeys) -> None:
        self.server, self.keys = server, keys
        self._bodies: dict[str, dict[str, dict[str, list[Any] | None]]] = {}
        self._documents: dict[str, list[Any] | None] | None = None  # every published site's, by document URL

    def _read(self, kind: str, sites: list[str]) -> list[Any]:
        values = self.server.hmget(self.keys.view(kind), sites) if sites else []
        return [json.loads(value) for value in values if value is not None]

    def site_validators(self, sites: list[str]) -> dict[str, dict[str, str | None]]:
        return {url: v for part in self._read("validators", sites) for url, v in part.items()}

    def site_validators_by_key(self, sites: list[str]) -> dict[tuple[str, str], dict[str, str | None]]:
        parts = zip(sites, self.server.hmget(self.keys.view("validators_by_key"), sites) if sites else [], strict=True)
        return {(site, key): v for site, value in parts if value is not None for key, v in json.loads(value).items()}

    def known_list_pages(self, sites: list[str]) -> dict[str, dict[str, Any]]:
        return {key: page for part in self._read("lists", sites) for key, page in part.items()}

    def site_aliases(self, sites: list[str]) -> list[dict[str, Any]]:
        aliases = [alias for part in self._read("aliases", sites) for alias in part]
        return sorted(aliases, key=lambda alias: (alias["site"], alias["alias"]))

    def due_documents(self, sites: list[str], *, everything: bool = False) -> list[KnownDocument]:
        ranked = [pair for part in self._read("known" if everything else "due", sites) for pair in part]
        return [cast(KnownDocument, document) for _, document in sorted(ranked, key=lambda pair: pair[0])]

    def known_documents(self, sites: list[str]) -> list[KnownDocument]:
        return self.due_documents(sites, everything=True)

    def not_due_keys(self, sites: list[str]) -> set[tuple[str, str]]:
        parts = zip(sites, self.server.hmget(self.keys.view("not_due"), sites) if sites else [], strict=True)
        return {(site, key) for site, value in parts if value is not None for key in json.loads(value)}

    def not_due_list_pages(self, sites: list[str]) -> set[str]:
        return {key for part in self._read("lists_not_due", sites) for key in part}

    def current_body(self, url: str, *, site: str) -> Body | None:
        """As ``archive.identity.find`` looks a URL up: this URL seen for the site, else its key, else a
        document at this URL under another site name."""
        if site not in self._bodies:
            value = self.server.hget(self.keys.view("bodies"), site)
            self._bodies[site] = json.loads(value) if value is not None else _no_bodies()
        urls, by_key = self._bodies[site]["urls"], self._bodies[site]["keys"]
        key = url_key(url)
        body = urls[url] if url in urls else by_key[key] if key in by_key else self._by_document_url(url)
        return (body[0], body[1]) if body is not None else None

    def _by_document_url(self, url: str) -> list[Any] | None:
        if self._documents is None:
            every = self.server.hgetall(self.keys.view("bodies"))
            self._documents = {u: body for value in every.values() for u, body in json.loads(value)["documents"].items()}
        return self._documents.get(url)
