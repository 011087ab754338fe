"""Downloader middlewares: one concern each."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Request, Response

import archive

logger = logging.getLogger(__name__)

CONDITIONAL_KINDS = ("page", "attachment")


class ConditionalRequestMiddleware:
    """Send stored ETag / Last-Modified with known pages, so unchanged ones answer 304.

    A request may carry them already in ``meta["nianbao_validators"]`` (revisits of known
    documents, read in one query at start); others are looked up in the archive.
    """

    def __init__(self, db_path: str):
        self.db_path = db_path
        self._archive: archive.Archive | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ConditionalRequestMiddleware:
        if not crawler.settings.getbool("NIANBAO_CONDITIONAL_REQUESTS", True):
            raise NotConfigured
        return cls(crawler.settings.get("NIANBAO_DB"))

    def _reader(self) -> archive.Archive | None:
        if self._archive is None and Path(self.db_path).exists():
            self._archive = archive.open_archive(self.db_path, readonly=True)
        return self._archive

    def process_request(self, request: Request) -> Any:
        if request.meta.get("nianbao_kind") not in CONDITIONAL_KINDS or request.method != "GET":
            return None
        if "nianbao_validators" in request.meta:
            validators = request.meta["nianbao_validators"]
        else:
            reader = self._reader()
            validators = reader.validators(request.url) if reader else None
        if validators:
            if validators.get("etag"):
                request.headers.setdefault("If-None-Match", validators["etag"])
            if validators.get("last_modified"):
                request.headers.setdefault("If-Modified-Since", validators["last_modified"])
        return None


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
    """

    def __init__(self, crawler: Crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SiteBoundaryMiddleware:
        return cls(crawler)

    def process_request(self, request: Request) -> Any:
        site = request.meta.get("site")
        spider = self.crawler.spider
        if site is None or not hasattr(spider, "allows"):
            return None
        if not spider.allows(request.url, site):
            origin = request.meta.get("redirect_urls", [request.url])[0]
            raise IgnoreRequest(f"offsite: {request.url} is not on a host of site {site} (from {origin})")
        return None
