"""Workers never open the archive: every capture and list page goes to the crawl's Redis Stream.

``CaptureStreamPipeline`` takes the archive pipeline's place in a worker. Each entry is added with the
stream's byte count in one transaction (``MULTI XADD INCRBY``), so the backlog a slow or absent
writer leaves is bounded by bytes as well as entries (the scheduler stops popping past either
bound). The stream is never trimmed: ``MAXLEN`` would drop captures no writer has recorded. When an
entry cannot be added, the request's lease is nacked instead of acknowledged, so it is fetched again.

It also shares what one worker learns of a site's CMS family: a capture without one takes the
family another worker recorded.
"""

from __future__ import annotations

import logging
from typing import Any

from redis.exceptions import RedisError
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from crawler.distributed.shared import SharedCrawl, _text
from crawler.distributed.stream import capture_key, encode_capture, encode_list_page, encode_site_move, entry_size
from nianbao.capture import Capture, ListPage, SiteMove

logger = logging.getLogger(__name__)


class CaptureStreamPipeline:
    """The last item pipeline of a worker (see the module docstring)."""

    def __init__(self, crawler: Crawler, shared: SharedCrawl, *, extract_in_writer: bool = False):
        self.crawler, self.shared, self.extract_in_writer = crawler, shared, extract_in_writer
        self._families: dict[str, str] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CaptureStreamPipeline:
        shared = SharedCrawl.of(crawler)
        if shared is None:
            raise NotConfigured("the capture stream needs a distributed crawl (NIANBAO_REDIS_URL)")
        return cls(crawler, shared, extract_in_writer=crawler.settings.get("NIANBAO_REDIS_EXTRACT") == "writer")

    def process_item(self, item: Any) -> Any:
        if isinstance(item, SiteMove):
            self._push_move(item)
            return item
        if not isinstance(item, (Capture, ListPage)):
            return item
        key = item.frontier_key if isinstance(item, Capture) else item.key
        if not key:  # every capture of a fetch names its request; the verdicts come from the frontier itself
            logger.warning("capture of %s without a request key not pushed", item.url)
            return item
        try:
            self._push(item, key)
        except RedisError:
            self.shared.scheduler.failed.add(key)
            raise
        if isinstance(item, Capture):
            if item.kind == "home" and item.error_class:
                self.shared.scheduler.failed_homes.add(key)
            item.body = b""  # on the stream now; don't keep it alive in Scrapy's item chain
        self.crawler.stats.inc_value("nianbao/redis/captures_pushed")
        return item

    def _push(self, item: Capture | ListPage, key: str) -> None:
        crawl = self.shared.crawl_id
        assert crawl is not None
        if isinstance(item, Capture):
            item.site_family = self._family(item.site, item.site_family)
            fields = encode_capture(item, capture_key(crawl, key), extract_in_writer=self.extract_in_writer)
        else:
            self._family(item.site, item.family)
            fields = encode_list_page(item, capture_key(crawl, key))
        pipe = self.shared.server.pipeline(transaction=True)
        pipe.xadd(self.shared.keys.stream, fields)
        pipe.incrby(self.shared.keys("backlog_bytes"), entry_size(fields))
        pipe.execute()

    def _push_move(self, move: SiteMove) -> None:
        """A site's move, for the writer's ``site_aliases`` (recording one twice only refreshes it)."""
        crawl = self.shared.crawl_id
        assert crawl is not None
        fields = encode_site_move(move, capture_key(crawl, f"move:{move.site}:{move.url}"))
        pipe = self.shared.server.pipeline(transaction=True)
        pipe.xadd(self.shared.keys.stream, fields)
        pipe.incrby(self.shared.keys("backlog_bytes"), entry_size(fields))
        pipe.execute()

    def _family(self, site: str, family: str | None) -> str | None:
        """The site's family: this capture's, shared for the other workers, or what another worker shared."""
        key = self.shared.keys("site:family")
        if family is not None:
            if self._families.get(site) != family:
                self.shared.server.hset(key, site, family)
                self._families[site] = family
            return family
        if site not in self._families:
            known = self.shared.server.hget(key, site)
            if known is None:
                return None
            self._families[site] = _text(known)
        return self._families[site]
