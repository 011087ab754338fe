"""archive.revisit: each document's next visit adapts to what it showed, never later than the ceiling."""

from __future__ import annotations

import itertools
import math
from datetime import UTC, date, datetime, timedelta

import pytest

from archive import Archive
from archive.revisit import RevisitPolicy, Seen, list_page_due, plan, spread
from tests.archive_support import error, not_modified, page, report_body

POLICY = RevisitPolicy()
TODAY = date(2026, 11, 24)
URL = "http://qinglan.example/xxgk/2016/t1.html"


def seen(*, published: date | None = date(2017, 2, 1), year: int | None = 2016, previous: float | None = None) -> Seen:
    return Seen(key="/xxgk/2016/t1.html", published=published, report_year=year, previous_days=previous)


def test_a_report_published_lately_is_checked_the_next_night_then_ever_less_often() -> None:
    fresh = seen(published=TODAY - timedelta(days=3), year=2025)
    assert plan(POLICY, "new", fresh, TODAY).after_days == 1
    intervals, previous = [], 1.0
    for _ in range(5):
        visit = plan(POLICY, "not_modified", seen(previous=previous), TODAY)
        intervals.append(visit.after_days)
        previous = visit.interval_days
    assert intervals == [2, 4, 7, 7, 7]
    assert "ceiling" in plan(POLICY, "unchanged", seen(previous=7), TODAY).reason


def test_an_old_report_met_on_a_first_crawl_gets_a_first_check_spread_over_the_ceiling() -> None:
    keys = [f"/xxgk/t{n}.html" for n in range(2000)]
    days = [plan(POLICY, "new", Seen(k, date(2018, 3, 1), 2017, None), TODAY).after_days for k in keys]
    assert plan(POLICY, "new", Seen(keys[0], date(2018, 3, 1), 2017, None), TODAY).interval_days == 7  # then the ceiling
    # a nightly run takes what falls due within 12 hours of it: night n the first checks in (n - 0.5, n + 0.5]
    nights = [max(1, math.ceil(d - 0.5)) for d in days]
    per_night = [nights.count(night) for night in range(1, 8)]
    assert sum(per_night) == 2000 and set(days) == set(range(1, 8))  # whole nights, every one by the ceiling's
    assert 2000 / 7 * 0.85 < min(per_night) <= max(per_night) < 2000 / 7 * 1.15, per_night  # an even share each night
    assert spread("/a") == spread("/a") != spread("/b")


def test_a_change_brings_the_next_night_back_and_a_report_of_this_cycle_backs_off_to_half_the_ceiling() -> None:
    assert plan(POLICY, "changed", seen(previous=7), TODAY).after_days == 1
    current = seen(published=date(2026, 1, 20), year=2025, previous=2)
    assert plan(POLICY, "unchanged", current, TODAY).after_days == 3.5
    assert plan(RevisitPolicy(ceiling_days=14), "unchanged", seen(previous=8), TODAY).after_days == 14


def test_a_failed_fetch_is_tried_the_next_night_and_keeps_the_interval_reached() -> None:
    visit = plan(POLICY, "error", seen(previous=4), TODAY)
    assert (visit.after_days, visit.interval_days) == (1, 4)
    assert plan(POLICY, "removed", seen(previous=4), TODAY).after_days == 7


def test_due_documents_follow_the_schedule_and_the_ceiling_bounds_every_gap(db: Archive) -> None:
    first = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)
    db.record_capture(page(URL, fetched_at=first.isoformat(), body=report_body(title="青岚市2016年政府信息公开工作年度报告")))
    visit = db.next_visit(URL)
    assert visit["revisit_reason"].startswith("first seen") and visit["revisit_days"] == 7
    due_after = datetime.fromisoformat(visit["next_visit"].replace("Z", "+00:00"))
    assert db.due_documents(["qinglan"], now=first + timedelta(hours=1)) == []
    assert ("qinglan", "/xxgk/2016/t1.html") in db.not_due_keys(["qinglan"], now=first + timedelta(hours=1))
    assert [d["url"] for d in db.due_documents(["qinglan"], now=due_after - timedelta(hours=11))] == [URL]
    assert [d["url"] for d in db.due_documents(["qinglan"], now=first, everything=True)] == [URL]
    shorter = Archive(db.db, db.path, readonly=False, revisit=RevisitPolicy(ceiling_days=0.5))
    assert [d["url"] for d in shorter.due_documents(["qinglan"], now=first + timedelta(days=1))] == [URL]


@pytest.mark.parametrize(("capture", "reason"), [
    (not_modified(URL), "unchanged"),
    (error(URL, "timeout"), "fetch failed (timeout)"),
    (error(URL, "not_found", status=404), "removed"),
])
def test_every_capture_of_a_document_sets_its_next_visit(db: Archive, capture, reason) -> None:
    db.record_capture(page(URL))
    db.record_capture(capture)
    assert db.next_visit(URL)["revisit_reason"].startswith(reason)


def nightly_reads(key: str, nights: int, *, skipped: frozenset[int] = frozenset(), policy: RevisitPolicy = POLICY) -> list[int]:
    """The nights (02:00 Beijing) a further list page is read, fetched first on night 0."""
    first = datetime(2026, 11, 23, 18, tzinfo=UTC)
    read_at, reads = first, []
    for n in range(1, nights):
        now = first + timedelta(days=n, minutes=n % 5)  # a run starts at a slightly different minute each night
        if n not in skipped and list_page_due(policy, key, read_at.strftime("%Y-%m-%dT%H:%M:%SZ"), now):
            read_at = now
            reads.append(n)
    return reads


def test_a_further_list_page_of_an_unchanged_list_is_read_once_a_ceiling_on_a_night_of_its_own() -> None:
    keys = [f"list-{n}" for n in range(700)]
    reads = {key: nightly_reads(key, 29) for key in keys}
    for nights in reads.values():
        assert len(nights) == 4 and all(later - earlier == 7 for earlier, later in itertools.pairwise(nights))
    per_night = [sum(night in nights for nights in reads.values()) for night in range(1, 8)]
    assert max(per_night) < 700 / 7 * 1.3 and min(per_night) > 700 / 7 * 0.7  # walks shared among the nights
    assert list_page_due(POLICY, "k", None, datetime(2026, 12, 1, tzinfo=UTC))  # never read: read


def test_a_missed_night_leaves_a_list_page_unread_no_longer_than_the_ceiling_or_the_next_crawl() -> None:
    for key in (f"list-{n}" for n in range(50)):
        regular = nightly_reads(key, 15)
        reads = nightly_reads(key, 22, skipped=frozenset({regular[0]}))  # no crawl on its night
        # read when a ceiling has passed, or by the next crawl when that night was the one missed
        assert reads[0] == (8 if regular[0] == 7 else 7), (key, regular, reads)
        assert all(later - earlier <= 7 for earlier, later in itertools.pairwise(reads)), (key, reads)
    assert nightly_reads("k", 10, policy=RevisitPolicy(ceiling_days=0.5)) == list(range(1, 10))  # under a day: nightly
