"""What a crawl reads of earlier crawls, as one small interface with two sources.

These facts steer a crawl: the validators of live documents, by URL and by key (conditional
requests), list pages as last read (known lists), the body behind each live document's current
version (known bodies, not extracted again), the origins sites moved to (site aliases), and the
documents due for a visit and the keys not due (revisits). A crawl in one process reads them
from its own archive: :class:`archive.Archive` implements :class:`ArchiveView` as it is, and the
crawl's :class:`~crawler.crawl_archive.CrawlArchive` hands it out. A worker of a distributed crawl
has no archive; its :class:`~crawler.distributed.shared.SharedCrawl` hands out the same facts as
the crawl's writer published them in Redis. The components that use them see only the view.
"""

from __future__ import annotations

import logging
from typing import Any, Protocol

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from crawler.crawl_archive import CrawlArchive
from nianbao.crawl_types import KnownDocument

logger = logging.getLogger(__name__)


class ArchiveView(Protocol):
    """The archive's answers a crawl needs (see ``archive.Archive`` for each)."""

    def site_validators(self, sites: list[str]) -> dict[str, dict[str, str | None]]: ...

    def site_validators_by_key(self, sites: list[str]) -> dict[tuple[str, str], dict[str, str | None]]: ...

    def known_list_pages(self, sites: list[str]) -> dict[str, dict[str, Any]]: ...

    def current_body(self, url: str, *, site: str) -> tuple[str, str | None] | None: ...

    def site_aliases(self, sites: list[str]) -> list[dict[str, Any]]: ...

    def due_documents(self, sites: list[str], *, everything: bool = False) -> list[KnownDocument]: ...

    def not_due_keys(self, sites: list[str]) -> set[tuple[str, str]]: ...

    def not_due_list_pages(self, sites: list[str]) -> set[str]: ...


class ViewSource(Protocol):
    """Whoever owns the crawl's view; it is opened on first use."""

    @property
    def view(self) -> ArchiveView: ...


def view_source(crawler: Crawler | None) -> ViewSource | None:
    """The crawl's own archive, else the shared crawl a worker joined, else None."""
    owner = CrawlArchive.of(crawler)
    if owner is not None or crawler is None or not crawler.settings.get("NIANBAO_REDIS_URL"):
        return owner
    from crawler.distributed.shared import SharedCrawl  # only workers need the Redis client

    return SharedCrawl.of(crawler)


def view_or_off(crawler: Crawler, feature: str) -> ViewSource:
    """The view's source for a component that needs it; without one, say the feature is off."""
    source = view_source(crawler)
    if source is None:
        logger.warning("%s: off (this crawl writes no archive)", feature)
        raise NotConfigured(f"{feature} needs the crawl's archive or a shared crawl's view")
    return source
