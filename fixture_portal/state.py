"""What changes while the portal runs: the clock, edited and removed reports, the request log."""

from __future__ import annotations

import os
import threading
from datetime import UTC, date, datetime, time, timedelta, timezone

from .model import Block, Document, Para, check_clean

BEIJING = timezone(timedelta(hours=8))
START_DAY = date(2026, 11, 23)
WEEKDAYS = "一二三四五六日"
# The portal's working day starts here; edits made "today" are stamped from this moment on.
OFFICE_OPENS = time(9, 0)

RequestRecord = tuple[str, str, str, dict[str, str]]
Timing = tuple[str, float, float]  # site, when the request came in, when its answer was ready (time.monotonic)
# The simulated clock nianbao's crawler honours too (an ISO moment with a time zone): the portal's
# first day is that moment's date in Beijing, so a benchmark's nights are the same days on both sides.
CLOCK_VARIABLE = "NIANBAO_CLOCK"


def start_day() -> date:
    """The portal's first day: the date of ``NIANBAO_CLOCK`` in Beijing when it is set, else ``START_DAY``."""
    value = os.environ.get(CLOCK_VARIABLE)
    if not value:
        return START_DAY
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise ValueError(f"{CLOCK_VARIABLE}={value!r} has no time zone")
    return moment.astimezone(BEIJING).date()


def beijing_to_utc(moment: datetime) -> datetime:
    """A naive Beijing wall-clock time as an aware UTC datetime."""
    return moment.replace(tzinfo=BEIJING).astimezone(UTC)


class PortalState:
    """Mutable portal state, shared by the request threads and the controlling test."""

    def __init__(self, today: date | None = None) -> None:
        self.lock = threading.Lock()
        self.today = today or start_day()
        self.edits: dict[str, str] = {}
        self.removed: set[str] = set()
        self.modified: dict[str, datetime] = {}
        self.request_log: list[RequestRecord] = []
        self.timings: list[Timing] = []

    def date_line(self) -> str:
        """The header date line of every page, e.g. ``2026-11-23 星期一``."""
        with self.lock:
            day = self.today
        return f"{day.isoformat()} 星期{WEEKDAYS[day.weekday()]}"

    def advance(self, days: int) -> None:
        """Move the portal clock forward."""
        if days < 0:
            raise ValueError("the portal clock only moves forward")
        with self.lock:
            self.today += timedelta(days=days)

    def log(self, record: RequestRecord) -> None:
        """Append one served request."""
        with self.lock:
            self.request_log.append(record)

    def time(self, timing: Timing) -> None:
        """Note when one request was served (for politeness checks)."""
        with self.lock:
            self.timings.append(timing)

    def blocks(self, doc: Document) -> list[Block]:
        """The body as served now: an edit is a paragraph right after the opening one."""
        with self.lock:
            edit = self.edits.get(doc.key)
        if edit is None:
            return list(doc.blocks)
        return [*doc.blocks[:1], Para(edit), *doc.blocks[1:]]

    def last_modified(self, doc: Document) -> datetime:
        """When the page last changed (UTC): its publication, or its latest edit."""
        with self.lock:
            return self.modified.get(doc.key) or beijing_to_utc(doc.published)

    def edit(self, doc: Document, text: str) -> None:
        """Add (or replace) the edit paragraph and move Last-Modified strictly forward."""
        check_clean(text)
        previous = self.last_modified(doc)
        with self.lock:
            now = beijing_to_utc(datetime.combine(self.today, OFFICE_OPENS))
            self.edits[doc.key] = text
            self.modified[doc.key] = max(now, previous + timedelta(seconds=1))

    def set_removed(self, doc: Document, removed: bool) -> None:
        """Make a detail page answer 404, or answer again."""
        with self.lock:
            if removed:
                self.removed.add(doc.key)
            else:
                self.removed.discard(doc.key)

    def is_removed(self, doc: Document) -> bool:
        """Whether the detail page currently answers 404."""
        with self.lock:
            return doc.key in self.removed
