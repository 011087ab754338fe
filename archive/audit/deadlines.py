"""When a 年报 was due, and whether the archive's evidence shows it on time.

Deadlines (docs/audit.md cites the text):

- reports for 2008–2018: 31 March of the next year, for every 行政机关 (2007 条例 art. 31);
- from the 2019 report on (条例 as revised in 2019, art. 49): a department of a government at county
  level or above by 31 January; a local government's own report by 31 March; townships are not
  named, so they have no statutory deadline.

Evidence. The archive's first capture proves a report existed by then; a publish date is only what
the page claims, and can be backdated. So a report first captured by the deadline is on time, one
whose own publish date is after the deadline is late, and a report claiming an earlier date is late
only when a complete crawl of its site after the deadline did not find it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone

BEIJING = timezone(timedelta(hours=8))
FIRST_REPORT_YEAR = 2008  # the 2007 条例 took effect on 2008-05-01
LAST_OLD_RULE_YEAR = 2018  # reports for 2018 were due before the revised 条例 took effect (2019-05-15)
RULE_2007 = "2007条例第三十一条"
RULE_2019_DEPARTMENT = "2019条例第四十九条第一款"
RULE_2019_GOVERNMENT = "2019条例第四十九条第二款"

# Deadline statuses, from the strongest evidence down.
ON_TIME = "on_time"                  # first captured by the deadline
LATE = "late"                        # its own publish date is after the deadline
FIRST_SEEN_LATE = "first_seen_late"  # no publish date; absent from a complete crawl after the deadline
CLAIMED_ON_TIME_FIRST_SEEN_LATE = "claimed_on_time_first_seen_late"  # dated in time, yet absent after it
UNVERIFIED = "unverified"            # dated in time; the archive first looked after the deadline
UNKNOWN = "unknown"                  # no publish date; the archive first looked after the deadline
NO_DEADLINE = "no_deadline"          # no statutory deadline (township, unknown level, before 2008)


@dataclass(frozen=True)
class Deadline:
    """When a report was due (None: no statutory deadline), and the rule that says so."""

    due: date | None
    rule: str


@dataclass(frozen=True)
class Timeliness:
    """A report's deadline status, the evidence that decided it and how many days late it is known to be."""

    status: str
    evidence: str
    days_late: int | None = None


def deadline_of(level: str, year: int) -> Deadline:
    """The deadline of a body of ``level`` for its report on ``year``."""
    if year < FIRST_REPORT_YEAR:
        return Deadline(None, "before the 条例")
    if year <= LAST_OLD_RULE_YEAR:
        return Deadline(date(year + 1, 3, 31), RULE_2007)
    if level == "department":
        return Deadline(date(year + 1, 1, 31), RULE_2019_DEPARTMENT)
    if level == "government":
        return Deadline(date(year + 1, 3, 31), RULE_2019_GOVERNMENT)
    if level == "township":
        return Deadline(None, "2019条例第四十九条 names no deadline for townships")
    return Deadline(None, "level unknown")


def end_of(day: date) -> str:
    """The last second of a Beijing day, as the archive stores times (UTC, Z)."""
    moment = datetime.combine(day, time(23, 59, 59), tzinfo=BEIJING).astimezone(UTC)
    return moment.isoformat().replace("+00:00", "Z")


def beijing_day(stored: str) -> date:
    """The Beijing date of a stored UTC time."""
    return datetime.fromisoformat(stored).astimezone(BEIJING).date()


def parse_day(value: str | None) -> date | None:
    """A stored ``YYYY-MM-DD`` date, or None for a missing or malformed one."""
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def timeliness(due: date | None, publish_date: str | None, first_seen: str,
               absent_on: str | None) -> Timeliness:
    """The deadline status from the first capture, the claimed publish date and a crawl that missed it.

    ``absent_on`` is the start of the latest complete crawl of the report's site after the deadline
    and before its first capture (None when there was none).
    """
    if due is None:
        return Timeliness(NO_DEADLINE, "rule")
    if first_seen <= end_of(due):
        return Timeliness(ON_TIME, "first_capture")
    claimed = parse_day(publish_date)
    if claimed is not None and claimed > due:
        return Timeliness(LATE, "publish_date", (claimed - due).days)
    if absent_on is not None:
        status = CLAIMED_ON_TIME_FIRST_SEEN_LATE if claimed else FIRST_SEEN_LATE
        return Timeliness(status, "absent_from_crawl", (beijing_day(absent_on) - due).days)
    return Timeliness(UNVERIFIED if claimed else UNKNOWN, "publish_date" if claimed else "none")
