"""Scrapy's in-memory stats collector, with plain attribute access.

Scrapy 2.19's ``StatsCollector.__getattribute__`` runs on every attribute read of the collector:
it formats a cache name, raises and catches ``AttributeError`` for plain attributes such as
``_stats``, and hands out methods wrapped to warn about a deprecated ``spider`` argument. With a
dozen stats per response that was about 3 % of the crawl process. nianbao passes no ``spider``
argument, so the warning has nothing to catch.
"""

from __future__ import annotations

from scrapy.statscollectors import MemoryStatsCollector


class PlainStatsCollector(MemoryStatsCollector):
    """``MemoryStatsCollector`` without the per-access wrapper."""

    __getattribute__ = object.__getattribute__
