"""When each archived document is next due for a request, and why (``documents.next_visit``).

Reports are written once a year and rarely edited, so a night need not ask for every one of them.
Every capture of a document sets its next visit from what it showed:

- **new**, published in the last ``fresh_days``: the next night, then less and less often;
- **new** but published long ago (a portal's back catalogue, met on a first crawl): a first
  check spread evenly over the ceiling, so nights share the work instead of all falling due at once,
  then the ceiling;
- **unchanged** (200 or 304): the interval doubles, up to the ceiling (``ceiling_days``, default 7);
  reports of the current year (report year this year or last, or published within a year) back
  off to half of it only;
- **changed**: the next night again, then backing off anew;
- **removed**: after the ceiling (requested then only if a list still links it);
- **a failed fetch**: the next night; the interval reached so far is kept.

A listed URL that never served a document and answered 404 (a dead link) is asked for again once
a ceiling has passed since, not every night.

A run requests the documents due within ``DUE_GRACE`` of its start (so a night never leaves one due
a few hours later to the next night), and any document not seen for a whole ceiling, so lowering
the ceiling takes effect at once.

The first page of every list is read every run (a shell's first API page too). A further page of
a list (its pagination) is asked for when the page linking it lists something new (a new report at
the top shifts every page after it), and otherwise once a ceiling, on a night fixed by its key
(:func:`list_page_due`); a walk begun there goes on to the list's end. See docs/archive.md.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, cast

from sqlite_utils import Database

from archive import row_dicts
from nianbao import clock
from nianbao.crawl_types import KnownDocument
from nianbao.urls import url_key

DUE_GRACE = timedelta(hours=12)
SHOWN = ("unchanged", "not_modified")


@dataclass(frozen=True)
class RevisitPolicy:
    """The revisit intervals: ``ceiling_days`` bounds every one of them (how late an edit or removal is seen)."""

    ceiling_days: float = 7.0
    first_days: float = 1.0  # after a change, or for a report published lately
    fresh_days: int = 30  # published within this many days: a new report, checked often

    def ceiling_for(self, current: bool) -> float:
        """The longest interval: half the ceiling for a report of the current year."""
        return max(self.first_days, self.ceiling_days / 2) if current else self.ceiling_days


@dataclass(frozen=True)
class Visit:
    """The next visit: due ``after_days`` from now; ``interval_days`` is the back-off reached."""

    after_days: float
    interval_days: float
    reason: str


@dataclass(frozen=True)
class Seen:
    """What the policy looks at in a document."""

    key: str
    published: date | None
    report_year: int | None
    previous_days: float | None
    error_class: str | None = None


def plan(policy: RevisitPolicy, outcome: str, seen: Seen, today: date) -> Visit:
    """The next visit after a capture with ``outcome`` (see the module docstring)."""
    current = is_current(seen, today)
    ceiling = policy.ceiling_for(current)
    if outcome == "new":
        return _first_visit(policy, seen, today, ceiling)
    if outcome == "changed":
        return Visit(policy.first_days, policy.first_days, "changed: checked again the next night")
    if outcome == "removed":
        return Visit(policy.ceiling_days, policy.ceiling_days,
                     "removed: checked again after the ceiling, if a list still links it")
    if outcome in SHOWN:
        return _backed_off(policy, seen, ceiling, current)
    kept = seen.previous_days or policy.first_days
    return Visit(policy.first_days, kept, f"fetch failed ({seen.error_class or outcome}): tried again the next night")


def _first_visit(policy: RevisitPolicy, seen: Seen, today: date, ceiling: float) -> Visit:
    """A document seen for the first time: soon if newly published, else at a spread point of the ceiling."""
    if seen.published is not None and (today - seen.published).days <= policy.fresh_days:
        return Visit(policy.first_days, policy.first_days, f"new: published {seen.published.isoformat()}")
    days = _spread_days(policy, seen.key, ceiling)
    when = seen.published.isoformat() if seen.published else "date unknown"
    return Visit(days, ceiling, f"first seen, published {when}: first check spread over the {_days(ceiling)}")


def _backed_off(policy: RevisitPolicy, seen: Seen, ceiling: float, current: bool) -> Visit:
    """An unchanged document: twice the last interval, up to the ceiling."""
    if seen.previous_days is None:  # scheduled by no earlier visit (an archive older than revisit times)
        days = _spread_days(policy, seen.key, ceiling)
        return Visit(days, ceiling, f"unchanged: next check spread over the {_days(ceiling)}")
    days = min(max(seen.previous_days, policy.first_days) * 2, ceiling)
    if days < ceiling:
        return Visit(days, days, f"unchanged: interval doubled to {_days(days)}")
    which = "current-year report, half the ceiling" if current else "ceiling"
    return Visit(days, days, f"unchanged: at the {_days(days)} {which}")


def _spread_days(policy: RevisitPolicy, key: str, ceiling: float) -> float:
    """A first check on one of the nights from the next to the ceiling's, fixed by ``key``: whole days,
    so each night takes an equal share (a run takes what falls due within ``DUE_GRACE`` of it, and a
    second run the same night nothing)."""
    nights = max(1, math.floor(ceiling - policy.first_days) + 1)
    return min(ceiling, policy.first_days + math.floor(spread(key) * nights))


def is_current(seen: Seen, today: date) -> bool:
    """A report of this year's cycle: for last year or this one, or published within a year."""
    if seen.report_year is not None and seen.report_year >= today.year - 1:
        return True
    return seen.published is not None and (today - seen.published).days <= 366


def spread(key: str) -> float:
    """A fixed point in [0, 1) for a document key, evenly spread over keys."""
    return int(hashlib.sha1(key.encode("utf-8")).hexdigest()[:12], 16) / 16**12


def _days(days: float) -> str:
    return f"{days:g}-day interval" if days != 1 else "1-day interval"


# -- the archive's side ------------------------------------------------------------------------

_SEEN_SQL = """
    SELECT d.url, d.revisit_days, v.publish_date, v.written_date, v.report_year
    FROM documents d LEFT JOIN version_rows v ON v.id = d.current_version_id WHERE d.id = ?"""


def schedule(db: Database, policy: RevisitPolicy, document_id: int, outcome: str, seen_at: str,
             error_class: str | None = None) -> Visit:
    """Set the document's next visit after a capture recorded at ``seen_at``; the caller holds the transaction."""
    row = row_dicts.one(db, _SEEN_SQL, [document_id])
    assert row is not None
    moment = _moment(seen_at)
    seen = Seen(key=url_key(row["url"]), published=_date(row["publish_date"] or row["written_date"]),
                report_year=row["report_year"], previous_days=row["revisit_days"], error_class=error_class)
    visit = plan(policy, outcome, seen, moment.date())
    db.execute("UPDATE documents SET next_visit = ?, revisit_days = ?, revisit_reason = ? WHERE id = ?",
               [clock.stamp(moment + timedelta(days=visit.after_days)), visit.interval_days, visit.reason, document_id])
    return visit


# Documents of the sites a run must ask for: due by its horizon, never scheduled, or unseen for a
# whole ceiling. ``{everything}`` is 1 under --revisit all.
_DUE_WHERE = ("({everything} OR d.next_visit IS NULL OR d.next_visit <= :horizon "
              "OR d.last_seen <= :stale)")
_DUE_SQL = """
    SELECT d.url, d.site, d.kind, parent.url AS parent_url, c.title_hint, c.classify_rule
    FROM documents d
    LEFT JOIN documents parent ON parent.id = d.parent_id
    LEFT JOIN captures c ON c.id = (SELECT max(id) FROM captures WHERE document_id = d.id)
    WHERE d.status = 'live' AND d.site IN ({sites}) AND {due}
    ORDER BY d.kind DESC, d.id"""
_NOT_DUE_SQL = """
    SELECT u.site, u.key FROM document_urls u JOIN documents d ON d.id = u.document_id
    WHERE d.site IN ({sites}) AND NOT {due}"""
# Listed URLs that never served a document and answered 404 within the ceiling (a dead link):
# asked for again only once a ceiling has passed, like a removed document.
_DEAD_LINKS_SQL = """
    SELECT c.site, c.key FROM captures c
    WHERE c.id IN (SELECT max(id) FROM captures WHERE site IN ({sites}) AND document_id IS NULL
                   AND kind IN ('page', 'attachment') GROUP BY site, key)
    AND c.error_class = 'not_found' AND c.fetched_at > :stale
    AND NOT EXISTS (SELECT 1 FROM document_urls u WHERE u.site = c.site AND u.key = c.key)"""


def due(db: Database, sites: Sequence[str], policy: RevisitPolicy, now: datetime, *,
        everything: bool = False) -> list[KnownDocument]:
    """Live documents of ``sites`` due by ``now`` (every live one with ``everything``), pages first."""
    sql = _DUE_SQL.format(sites=_marks(sites), due=_DUE_WHERE.format(everything=int(everything)))
    return [cast(KnownDocument, row) for row in row_dicts.iterate(db, sql, _params(sites, policy, now))]


def not_due(db: Database, sites: Sequence[str], policy: RevisitPolicy, now: datetime) -> set[tuple[str, str]]:
    """(site, key) of every URL of a document of ``sites`` that is not due by ``now``, live or removed, and of
    every dead link (a URL that answered only 404, within the ceiling)."""
    params = _params(sites, policy, now)
    sql = _NOT_DUE_SQL.format(sites=_marks(sites), due=_DUE_WHERE.format(everything=0))
    dead = _DEAD_LINKS_SQL.format(sites=_marks(sites))
    return {(site, key) for query in (sql, dead) for site, key in db.execute(query, params)}


def _params(sites: Sequence[str], policy: RevisitPolicy, now: datetime) -> dict[str, Any]:
    named = {f"s{n}": site for n, site in enumerate(sites)}
    return {**named, "horizon": clock.stamp(now + DUE_GRACE),
            "stale": clock.stamp(now - timedelta(days=policy.ceiling_days) + DUE_GRACE)}


def list_page_due(policy: RevisitPolicy, key: str, read_at: str | None, now: datetime) -> bool:
    """Whether a further page of an unchanged list is read at ``now``: once a ceiling, on a night of the
    ceiling's cycle fixed by the page's key (so nights share the walks), and whenever a whole ceiling
    passed since it was last fetched (a missed night)."""
    if read_at is None:
        return True
    since = now - _moment(read_at)
    if since >= timedelta(days=policy.ceiling_days) - DUE_GRACE:
        return True
    cycle = max(1, round(policy.ceiling_days))
    on_its_night = (now.date().toordinal() + int(spread(key) * cycle)) % cycle == 0
    return on_its_night and since >= timedelta(days=1) - DUE_GRACE


_LIST_PAGES_SQL = "SELECT key, read_at FROM list_pages WHERE site IN ({sites})"


def not_due_list_pages(db: Database, sites: Sequence[str], policy: RevisitPolicy, now: datetime) -> set[str]:
    """Request keys of the list pages of ``sites`` not due at ``now`` (see :func:`list_page_due`)."""
    rows = db.execute(_LIST_PAGES_SQL.format(sites=_marks(sites)), {f"s{n}": site for n, site in enumerate(sites)})
    return {key for key, read_at in rows if not list_page_due(policy, key, read_at, now)}


def _marks(sites: Sequence[str]) -> str:
    return ", ".join(f":s{n}" for n in range(len(sites))) or "NULL"


def _moment(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00"))


def _date(value: str | None) -> date | None:
    """A stored YYYY-MM-DD date, or None for none or a malformed one."""
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None
