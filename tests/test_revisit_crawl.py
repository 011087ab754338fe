"""Nights under the revisit policy: every list's first page every night, its further pages when it
changed or once a ceiling, a known document only when it is due, a new report the night it is
listed, and nothing left unvisited past the ceiling."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import crawl


def night(portal) -> dict[str, str]:
    """The crawl's clock: 02:00 of the portal's current day, in Beijing."""
    return {"NIANBAO_CLOCK": f"{portal.state.today.isoformat()}T02:00:00+08:00"}


def crawl_night(portal, db: Path, stats: Path, paths: set[str] | None = None,
                extra: tuple[str, ...] = ()) -> tuple[set[str], dict]:
    """One night's crawl under the policy: the paths of the detail pages it asked for, and its stats;
    every path asked for goes into ``paths``."""
    before = len(portal.request_log)
    crawl(db, *portal.homepages(), revisit="due", env=night(portal), extra=("--stats", str(stats), *extra))
    asked = {path for _, path, _, _ in portal.request_log[before:]}
    if paths is not None:
        paths |= asked
    return {path for path in asked if "/t20" in path}, json.loads(stats.read_text(encoding="utf-8"))


def list_paths(db: Path) -> set[str]:
    """The path of every list page the archive remembers."""
    return {url.split("/", 3)[3] for (url,) in query(db, "select url from list_pages")}


def query(db: Path, sql: str, *params: object) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, params).fetchall()


@pytest.fixture(scope="module")
def nights(tmp_path_factory) -> Iterator[tuple[object, Path, Path]]:
    from fixture_portal import FixturePortal

    workdir = tmp_path_factory.mktemp("nights")
    with FixturePortal(seed=23, families=("trs",)) as portal:
        db = workdir / "nianbao.db"
        crawl_night(portal, db, workdir / "first.json")
        yield portal, db, workdir


def test_a_night_right_after_the_first_asks_for_no_known_document(nights) -> None:
    portal, db, workdir = nights
    asked, stats = crawl_night(portal, db, workdir / "again.json")
    assert asked == set()
    assert stats["nianbao/revisit/not_due"] > 0  # listed, known, not due: not asked for
    assert stats.get("nianbao/lists/known", 0) + stats.get("nianbao/lists/read", 0) > 0  # the lists were read
    # the first pages were served as before: their further pages are read when due, not all tonight
    skipped = stats["nianbao/revisit/list_pages_not_due"]
    assert skipped > 0 and stats.get("nianbao/lists/known", 0) + skipped <= len(list_paths(db))


def test_a_new_report_is_archived_the_night_it_is_listed_and_the_rest_within_the_ceiling(nights) -> None:
    portal, db, workdir = nights
    known = {t["url"] for t in portal.truth()}
    edited = sorted(known)[0]
    portal.edit_report(edited, text="本年度还对政府信息公开工作年度报告的发布流程进行了专项检查。")
    seen: set[str] = set()
    every_path: set[str] = set()
    lists = list_paths(db)
    skipped: list[int] = []
    for day in range(1, 8):
        portal.advance_clock(1)
        new_url = portal.publish_report("qinglan") if day == 1 else None
        asked, stats = crawl_night(portal, db, workdir / f"night{day}.json", every_path)
        skipped.append(stats.get("nianbao/revisit/list_pages_not_due", 0))
        seen |= asked
        if new_url is not None:
            assert new_url.split("//")[1].split("/", 1)[1] in {p.lstrip("/") for p in asked}
            assert query(db, "select outcome from captures where url = ?", new_url) == [("new",)]
        assert len(asked) < len(known) / 2, day  # a night asks for a share of the documents, never all
    paths = {url.split("/", 3)[3] for url in known}
    assert paths <= {p.lstrip("/") for p in seen}  # every known report was asked for within the 7-day ceiling
    assert lists <= {p.lstrip("/") for p in every_path}  # and every list page read
    # though every page shows the day's date, a list page that lists what it listed leads no further
    # than its pages due: on the night a report was added to the top of its lists, all of them are read
    assert skipped[0] == 0 < sum(skipped[1:]), skipped
    assert query(db, "select outcome from captures where url = ? and outcome = 'changed'", edited) == [("changed",)]
    due = query(db, "select count(*) from documents where next_visit is null")
    assert due == [(0,)]


def test_a_report_published_on_any_portal_is_archived_the_night_it_is_listed(tmp_path) -> None:
    """Whatever draws a list (static pages, a datastore and its proxy, a shell over a JSON API, yearly
    folders), the night after a first crawl finds the new report though further pages are not due."""
    from fixture_portal import FixturePortal

    with FixturePortal(seed=29) as portal:
        db = tmp_path / "nianbao.db"
        crawl_night(portal, db, tmp_path / "first.json")
        portal.advance_clock(1)
        published = {name: portal.publish_report(name) for name in portal.apps}
        _, stats = crawl_night(portal, db, tmp_path / "night.json")
    assert stats["nianbao/revisit/list_pages_not_due"] > 0  # the policy held the further pages back
    new = {url for (url,) in query(db, "select url from captures where outcome = 'new' and run_id = 2")}
    missed = {name: url for name, url in published.items() if url not in new}
    assert not missed, missed


def test_a_shell_over_an_api_reads_its_first_api_page_every_night_and_the_rest_when_due(tmp_path) -> None:
    """A column page that lists nothing itself (jpaas) leads to every page of its API: the first is the
    list's first page, read every night; the others are its further pages, read once a ceiling."""
    from fixture_portal import FixturePortal

    def unit_pages(asked: set[str]) -> set[str]:
        return {path for path in asked if "/build/unit?" in path}

    with FixturePortal(seed=31, families=("jpaas",), scale=4) as portal:
        db = tmp_path / "nianbao.db"
        first: set[str] = set()
        crawl_night(portal, db, tmp_path / "first.json", first)
        every = unit_pages(first)
        assert len(every) > 3 and any(p.endswith("&pageNo=1") for p in every)
        asked_each_night = []
        for day in range(1, 8):
            portal.advance_clock(1)
            asked: set[str] = set()
            crawl_night(portal, db, tmp_path / f"night{day}.json", asked)
            asked_each_night.append(unit_pages(asked))
    assert all(any(p.endswith("&pageNo=1") for p in night) for night in asked_each_night)
    assert all(len(night) < len(every) for night in asked_each_night), [len(n) for n in asked_each_night]
    assert set().union(*asked_each_night) == every  # every API page read within the 7-day ceiling


def test_items_held_for_a_columns_end_are_not_asked_for_when_not_due(tmp_path) -> None:
    """Items listed past NIANBAO_HOLD_ITEMS_AFTER_PAGE wait for the column's end and are then scheduled
    by the spider itself: they pass the same not-due check as every listed item."""
    from fixture_portal import FixturePortal

    hold = ("-s", "NIANBAO_HOLD_ITEMS_AFTER_PAGE=1")  # every list page after a column's first holds its items
    with FixturePortal(seed=37, families=("trs", "yearly")) as portal:
        db = tmp_path / "nianbao.db"
        first, _ = crawl_night(portal, db, tmp_path / "first.json", extra=hold)
        again, stats = crawl_night(portal, db, tmp_path / "again.json", extra=hold)
    assert len(first) > 20 and again == set()  # before, every held item was asked for again
    assert stats["nianbao/revisit/not_due"] > 0
