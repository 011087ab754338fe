"""Crawl progress: a live bar on a terminal, periodic one-line summaries otherwise."""

from __future__ import annotations

import sys
import time
from typing import Any, TextIO

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.utils.asyncio import create_looping_call

OUTCOMES = ("new", "changed", "unchanged", "not_modified", "removed", "error")


class Progress:
    """Reads the crawl's stats every ``interval`` seconds and shows pages, reports and errors."""

    def __init__(self, stats: Any, interval: float, stream: TextIO):
        self.stats, self.interval, self.stream = stats, interval, stream
        self.interactive = stream.isatty()
        self._bar: Any = None
        self._task: Any = None
        self._started = time.monotonic()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Progress:
        mode = crawler.settings.get("NIANBAO_PROGRESS", "auto")
        if mode == "off":
            raise NotConfigured
        stream = sys.stderr
        interval = crawler.settings.getfloat("NIANBAO_PROGRESS_INTERVAL", 10.0)
        progress = cls(crawler.stats, 0.5 if stream.isatty() else interval, stream)
        crawler.signals.connect(progress.opened, signal=signals.spider_opened)
        crawler.signals.connect(progress.closed, signal=signals.spider_closed)
        return progress

    def counts(self) -> dict[str, int]:
        get = self.stats.get_value
        out = {"pages": get("response_received_count", 0)}
        out.update({name: get(f"nianbao/outcome/{name}", 0) for name in OUTCOMES})
        return out

    def line(self) -> str:
        c = self.counts()
        rate = c["pages"] / max(time.monotonic() - self._started, 1e-6)
        pushed = self.stats.get_value("nianbao/redis/captures_pushed")
        if pushed is not None:  # a worker of a distributed crawl: outcomes are the writer's to know
            return f"pages {c['pages']} ({rate:.1f}/s) · captures pushed to the writer {pushed}"
        return (f"pages {c['pages']} ({rate:.1f}/s) · reports new {c['new']} changed {c['changed']} "
                f"unchanged {c['unchanged'] + c['not_modified']} removed {c['removed']} · errors {c['error']}")

    def opened(self, spider: Any) -> None:
        self._started = time.monotonic()
        if self.interactive:
            from tqdm import tqdm

            self._bar = tqdm(total=None, unit="page", file=self.stream, dynamic_ncols=True, leave=True)
        self._task = create_looping_call(self.tick)
        self._task.start(self.interval, now=False)

    def tick(self) -> None:
        if self._bar is not None:
            c = self.counts()
            self._bar.update(c["pages"] - self._bar.n)
            self._bar.set_postfix(new=c["new"], changed=c["changed"], errors=c["error"], refresh=True)
        else:
            print(self.line(), file=self.stream, flush=True)

    def closed(self, spider: Any) -> None:
        if self._task is not None and self._task.running:
            self._task.stop()
        if self._bar is not None:
            self.tick()
            self._bar.close()
