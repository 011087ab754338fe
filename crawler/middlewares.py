"""Downloader middlewares: one concern each.

The two that read the archive (conditional requests, known list pages) read it through the crawl's
:class:`~crawler.archive_view.ArchiveView`: the crawl's own archive, or in a distributed worker what
the writer published in Redis. In a crawl with neither they are off, and say so at start-up.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections import Counter
from typing import Any

from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Request, Response

from crawler.archive_view import ViewSource, view_or_off
from crawler.portal_spider import crawled_sites, portal_spider
from nianbao.crawl_types import PRIOR_LIST
from nianbao.urls import url_key

logger = logging.getLogger(__name__)

CONDITIONAL_KINDS = ("page", "attachment")
IN_FULL = "nianbao_list_in_full"  # a list request that must go out without If-None-Match


class ConditionalRequestMiddleware:
    """Send stored ETag / Last-Modified with known pages, so unchanged ones answer 304.

    The validators of every live document of the crawled sites are read from the crawl's view of
    the archive in one query when the first request passes: a night revalidates thousands of documents, and a
    lookup each was a visible share of the crawl process's work. Within a run each URL is fetched once, so what
    the run itself records never matters here.
    """

    def __init__(self, crawler: Crawler, owner: ViewSource):
        self.crawler = crawler
        self.owner = owner
        self._validators: dict[str, dict[str, str | None]] | None = None
        self._by_key: dict[tuple[str, str], dict[str, str | None]] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ConditionalRequestMiddleware:
        if not crawler.settings.getbool("NIANBAO_CONDITIONAL_REQUESTS", True):
            raise NotConfigured
        return cls(crawler, view_or_off(crawler, "conditional requests (NIANBAO_CONDITIONAL_REQUESTS)"))

    def _known(self) -> dict[str, dict[str, str | None]]:
        if self._validators is None:
            sites = crawled_sites(self.crawler)
            self._validators = self.owner.view.site_validators(sites)
            self._by_key = self.owner.view.site_validators_by_key(sites)
        return self._validators

    def process_request(self, request: Request) -> Any:
        if request.meta.get("nianbao_kind") not in CONDITIONAL_KINDS or request.method != "GET":
            return None
        # by URL; a document asked for where its site moved is found by its key
        validators = self._known().get(request.url) or self._by_key.get((request.meta["site"], url_key(request.url)))
        if validators:
            if validators.get("etag"):
                request.headers.setdefault("If-None-Match", validators["etag"])
            if validators.get("last_modified"):
                request.headers.setdefault("If-Modified-Since", validators["last_modified"])
        return None


class KnownListMiddleware:
    """Hand the spider what a list page led to last time when it is served the very same bytes again.

    Most list pages of a column are byte-identical from one night to the next (static CMS output),
    and reading them (decoding, parsing, resolving every link) was a tenth of an unchanged night's
    work. The archive keeps what each list request's body was read to (``list_pages``). If the
    spider's rules are still the ones that made that reading, the request goes out with the page's
    ETag, and when the server answers 304, or the same bytes again, the reading goes to the spider
    in ``meta["nianbao_known_list"]`` and it follows the same links. Any changed byte (a new
    report, a date line) means the page is read again; the remembered reading then goes along in
    ``meta[PRIOR_LIST]``, so the spider can tell a page that leads where it led (only a date line
    changed) from one that lists something new.
    """

    def __init__(self, crawler: Crawler, owner: ViewSource):
        self.crawler = crawler
        self.owner = owner
        self._known: dict[str, dict[str, Any]] | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> KnownListMiddleware:
        if not crawler.settings.getbool("NIANBAO_KNOWN_LISTS", True):
            raise NotConfigured
        return cls(crawler, view_or_off(crawler, "known list pages (NIANBAO_KNOWN_LISTS)"))

    def _pages(self) -> dict[str, dict[str, Any]]:
        if self._known is None:
            self._known = self.owner.view.known_list_pages(crawled_sites(self.crawler))
        return self._known

    def _usable(self, request: Request) -> dict[str, Any] | None:
        """The remembered reading of a list request, if the spider would still read the page that way."""
        if request.meta.get("nianbao_kind") != "list":
            return None
        known = self._pages().get(request.meta.get("frontier_key", ""))
        if known is None or known["rules"] != portal_spider(self.crawler).list_rules_for(request.meta["site"]):
            return None
        return known

    def process_request(self, request: Request) -> Any:
        """Ask for a remembered list page with its ETag. Only the ETag: a list page's Last-Modified is
        often just the time a dynamic portal served it, while an ETag names its bytes."""
        if request.method != "GET" or request.meta.get(IN_FULL):
            return None
        known = self._usable(request)
        if known is not None and known["etag"]:
            request.headers.setdefault("If-None-Match", known["etag"])
        return None

    def process_response(self, request: Request, response: Response) -> Any:
        if response.status not in (200, 304):
            return response
        known = self._usable(request)
        same = known is not None and response.url == known["final_url"] and (
            response.status == 304 or known["sha256"] == hashlib.sha256(response.body).hexdigest())
        if same:
            request.meta["nianbao_known_list"] = known
        elif known is not None and response.status == 200:
            request.meta[PRIOR_LIST] = known  # read again; the spider compares what it finds with this
        elif response.status == 304 and request.meta.get("nianbao_kind") == "list" and not request.meta.get(IN_FULL):
            # nothing to follow for this 304 (the page now ends at another URL): ask once more in full,
            # so the night neither records a bodiless list as an error nor loses the page's links
            retry = request.replace(meta={**request.meta, IN_FULL: True})
            retry.headers.pop(b"If-None-Match", None)
            return retry
        return response


# RFC 9309 §2.3.1: a robots.txt that answers 5xx means "assume complete disallow"; 4xx means no rules.
# Scrapy parses whatever body came back, so a 5xx error page would silently allow everything.
DISALLOW_ALL = b"User-agent: *\nDisallow: /\n"


class StrictRobotsTxtMiddleware(RobotsTxtMiddleware):
    """Scrapy's robots.txt handling, failing closed on server errors as RFC 9309 says."""

    async def _parse_robots(self, response: Response, netloc: str, request: Request) -> None:
        if response.status >= 500:
            logger.warning("robots.txt of %s answered %d (after retries): treating the host as disallowed",
                           netloc, response.status)
            response = response.replace(body=DISALLOW_ALL)
        elif response.status >= 400:
            response = response.replace(body=b"")
        await super()._parse_robots(response, netloc, request)


class SiteBoundaryMiddleware:
    """Drop any request, redirects included, that leaves the hosts of the site it belongs to.

    Scrapy's own OffsiteMiddleware lets ``dont_filter`` requests through, and nianbao's requests
    all carry it (the spider deduplicates on its own), so it would let a redirect lead anywhere.
    One redirect leaves the site's hosts and is followed: a permanent one by which the site says it
    moved (a start page, or a page forwarded to the same path elsewhere); the spider adopts the new
    origin for the rest of the crawl, and the archive remembers it (``site_aliases``).
    """

    def __init__(self, crawler: Crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SiteBoundaryMiddleware:
        return cls(crawler)

    def process_request(self, request: Request) -> Any:
        site = request.meta.get("site")
        if site is None:  # not a request of a nianbao site (robots.txt is asked for by Scrapy itself)
            return None
        spider = portal_spider(self.crawler)
        if not spider.allows(request.url, site) and not self._site_moved(request, site):
            origin = request.meta.get("redirect_urls", [request.url])[0]
            raise IgnoreRequest(f"offsite: {request.url} is not on a host of site {site} (from {origin})")
        return None

    def _site_moved(self, request: Request, site: str) -> bool:
        """Whether this request follows a redirect by which the site said it moved (the spider decides and adopts it)."""
        previous, reasons = request.meta.get("redirect_urls"), request.meta.get("redirect_reasons")
        if not previous or not reasons:
            return False
        return portal_spider(self.crawler).accept_move(site, previous[-1], reasons[-1], request.url)


class SiteBudgetMiddleware:
    """Refuse, before it is sent, a request a cap has stopped; each is recorded as ``capped``.

    The spider marks requests a cap of its own stopped (``meta["nianbao_capped"]``: the items of a
    column that never ended, the first request past a site's request cap). Besides those, a site
    gets at most ``NIANBAO_MAX_BYTES_PER_SITE`` bytes of responses and ``NIANBAO_MAX_SECONDS_PER_SITE``
    seconds from its first request (0: no cap); past either, its requests are refused. A refused
    request reaches the spider's errback, which records it (``spiders.failures``: "capped: …").
    """

    def __init__(self, max_bytes: int, max_seconds: float):
        self.max_bytes = max_bytes
        self.max_seconds = max_seconds
        self.received: Counter[str] = Counter()
        self.started: dict[str, float] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SiteBudgetMiddleware:
        settings = crawler.settings
        return cls(settings.getint("NIANBAO_MAX_BYTES_PER_SITE"), settings.getfloat("NIANBAO_MAX_SECONDS_PER_SITE"))

    def process_request(self, request: Request) -> Any:
        site = request.meta.get("site")
        reason = request.meta.get("nianbao_capped") or (self._spent(site) if site else None)
        if reason:
            raise IgnoreRequest(f"capped: {reason}")
        return None

    def process_response(self, request: Request, response: Response) -> Any:
        site = request.meta.get("site")
        if site:
            self.received[site] += len(response.body)
        return response

    def _spent(self, site: str) -> str | None:
        """Why ``site`` may send nothing more, or None while it is within its budgets."""
        started = self.started.setdefault(site, time.monotonic())
        if self.max_bytes and self.received[site] >= self.max_bytes:
            return f"site {site} received {self.received[site]} bytes, NIANBAO_MAX_BYTES_PER_SITE={self.max_bytes}"
        if self.max_seconds and time.monotonic() - started >= self.max_seconds:
            return f"site {site} has been crawled for NIANBAO_MAX_SECONDS_PER_SITE={self.max_seconds:g} s"
        return None
