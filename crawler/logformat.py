"""The crawl's log: no per-response DEBUG lines nobody would see, fetch failures at INFO, tracebacks only for --debug."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from scrapy.crawler import Crawler
from scrapy.logformatter import LogFormatter


class QuietLogFormatter(LogFormatter):
    """Skip "Crawled (200) …" and "Scraped from …" unless the crawl logs at DEBUG.

    Scrapy builds both messages (and a log record) for every response before the level filter
    drops them; on a night of 304s that is a visible share of the crawl process's CPU.
    """

    def __init__(self, debug: bool = True):
        self.debug = debug

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> QuietLogFormatter:
        level = crawler.settings.get("LOG_LEVEL", "DEBUG")
        number = level if isinstance(level, int) else logging.getLevelName(str(level).upper())
        return cls(debug=not isinstance(number, int) or number <= logging.DEBUG)

    def crawled(self, *args: Any, **kwargs: Any) -> Any:
        return super().crawled(*args, **kwargs) if self.debug else None

    def scraped(self, *args: Any, **kwargs: Any) -> Any:
        return super().scraped(*args, **kwargs) if self.debug else None


# Loggers whose ERROR records are fetch failures the archive already records, each with its class
# (`nianbao coverage`, `status`, `history`): at the crawl's default level they would repeat every
# unreachable host's story on stderr, with a traceback.
FETCH_FAILURE_LOGGERS = ("scrapy.downloadermiddlewares.retry", "scrapy.downloadermiddlewares.robotstxt",
                         "crawler.middlewares")


class CrawlLogRecords:
    """A log record factory: fetch failures become INFO (the archive records them); no tracebacks unless ``debug``.

    A factory, not a handler filter: Scrapy replaces its root handler when the crawl starts, and a
    handler compares levels before its filters run.
    """

    def __init__(self, base: Callable[..., logging.LogRecord], *, debug: bool = False):
        self.base, self.debug = base, debug

    def __call__(self, *args: Any, **kwargs: Any) -> logging.LogRecord:
        record = self.base(*args, **kwargs)
        if record.name.startswith(FETCH_FAILURE_LOGGERS) and record.levelno > logging.INFO:
            record.levelno, record.levelname = logging.INFO, "INFO"
        if not self.debug:
            record.exc_info, record.exc_text, record.stack_info = None, None, None
        return record


def quiet_crawl_log(*, debug: bool = False) -> None:
    """Make every log record of this process through :class:`CrawlLogRecords` (a crawl is the process's last work)."""
    logging.setLogRecordFactory(CrawlLogRecords(logging.getLogRecordFactory(), debug=debug))
