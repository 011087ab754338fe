"""The hostile portal crawled: every case ends as a recorded, classified outcome within a bound, and
the good reports beside it are archived (fixture_portal.hostile describes the cases)."""

from __future__ import annotations

import json
import time

import pytest

from crawler import exit_codes
from tests.conftest import run_nianbao
from tests.test_end_to_end import rows

# Small caps keep the crawl short; the defaults (500 list pages, items held after page 20) only
# make the capped part longer.
MAX_LIST_PAGES = 12
HOLD_AFTER = 4
# What the whole crawl may take (the hostile pages once took minutes each, or never ended).
BOUND_SECONDS = 150


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    from fixture_portal.hostile import HostilePortal

    with HostilePortal() as portal:
        db = tmp_path_factory.mktemp("hostile_portal") / "nianbao.db"
        started = time.monotonic()
        result = run_nianbao("crawl", *portal.homepages(), "--db", str(db), "--delay", "0", "--concurrency", "8",
                             "-s", f"NIANBAO_MAX_LIST_PAGES={MAX_LIST_PAGES}",
                             "-s", f"NIANBAO_HOLD_ITEMS_AFTER_PAGE={HOLD_AFTER}", timeout=BOUND_SECONDS)
        yield portal, db, result, time.monotonic() - started


def test_the_crawl_ends_within_its_bound_and_says_it_is_partial(crawled):
    _, db, result, seconds = crawled
    assert result.returncode == exit_codes.PARTIAL, result.stderr[-3000:]
    assert seconds < BOUND_SECONDS  # run_nianbao's timeout would have raised first; kept as the statement
    [run] = rows(db, "select status, error from runs")
    assert run["status"] == "partial"
    assert all(name in run["error"] for name in ("capped", "parse", "decode", "too_large"))
    assert "Traceback" not in result.stderr


CASES = ("malformed", "badtotal", "hugetotal", "countpage", "jpage", "unclosed", "endless", "colspan", "badutf8",
         "chunked", "redirects")


@pytest.mark.parametrize("case", CASES)
def test_the_good_reports_beside_each_case_are_archived(crawled, case):
    portal, db, _, _ = crawled
    good = portal.good_reports(case)
    archived = {r["url"] for r in rows(db, "select url from documents where current_version_id is not null")}
    assert good and set(good) <= archived


@pytest.mark.parametrize("case", [c for c in CASES if c not in ("unclosed", "colspan", "badutf8")])
def test_each_case_is_recorded_with_its_class(crawled, case):
    portal, db, _, _ = crawled
    errors = rows(db, "select url, error_class from captures where outcome = 'error'")
    for expected in portal.expected(case):
        matching = [e for e in errors if e["url"] == expected.url or (expected.url[-1] in "?_=/" and
                                                                       e["url"].startswith(expected.url))]
        assert expected.error_class in {e["error_class"] for e in matching}, (expected, matching)


@pytest.mark.parametrize("case", ["colspan", "badutf8"])
def test_what_only_extraction_sees_is_flagged(crawled, case):
    portal, db, _, _ = crawled
    for url, flags in portal.flags(case).items():
        [row] = rows(db, "select v.flags, v.title, v.text from documents d join versions v on v.id = d.current_version_id "
                         "where d.url = ?", url)
        assert set(flags) <= set(json.loads(row["flags"])), (url, row["flags"])
        if "garbled" in flags:
            assert row["text"] is None
        else:
            assert row["title"] and "\ufffd" not in row["title"]


def test_an_endless_pagination_leaves_capped_records_not_junk_reports(crawled):
    portal, db, _, _ = crawled
    base = portal.base_url("endless")
    documents = rows(db, "select url from documents where url like ?", base + "%")
    # the good reports, and the junk of the first HOLD_AFTER list pages (and of the column's first page)
    assert len(documents) <= len(portal.good_reports("endless")) + HOLD_AFTER + 1
    capped = rows(db, "select url, kind from captures where error_class = 'capped' and url like ?", base + "%")
    assert [c["kind"] for c in capped].count("list") == 1
    assert len([c for c in capped if "/junk/" in c["url"]]) == MAX_LIST_PAGES - HOLD_AFTER


def test_a_claimed_page_count_fetches_at_most_the_cap(crawled):
    portal, db, _, _ = crawled
    for case in ("countpage", "jpage", "hugetotal"):
        base = portal.base_url(case)
        lists = rows(db, "select count(*) as n from captures where kind = 'list' and error_class != 'capped' and url like ?",
                     base + "%")[0]["n"]
        assert lists <= MAX_LIST_PAGES, case


def test_status_exits_partial_and_names_what_was_lost(crawled):
    _, db, _, _ = crawled
    status = run_nianbao("status", "--db", str(db), timeout=60)
    assert status.returncode == 3, status.stdout + status.stderr
    assert "partial" in status.stdout and "capped" in status.stdout and "parse" in status.stdout
