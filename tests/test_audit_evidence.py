"""Deadline evidence over an archive watched before the deadlines: real report bytes, recorded at chosen times.

A crawl cannot be run in the past, so the captures of these nights are recorded through the archive's
own ``record_capture`` with their fetch times set, from the audited fixture site's real pages.
"""

from __future__ import annotations

import httpx
import pytest

import archive
from extract import extract_document
from nianbao.capture import Capture

SITE = "fenghe"
GOVERNMENT, HEALTH, EDUCATION = "枫河市人民政府", "枫河市卫生健康委员会", "枫河市教育局"


@pytest.fixture(scope="module")
def pages():
    """(body, report year) → (url, body bytes, headers) of the reports these nights serve."""
    from fixture_portal import FixturePortal
    from fixture_portal.catalogue import AUDITED

    wanted = {(GOVERNMENT, 2023), (GOVERNMENT, 2024), (HEALTH, 2024), (EDUCATION, 2024)}
    with FixturePortal(seed=7, sites=AUDITED) as portal, httpx.Client() as client:
        urls = {(t["issuer"], t["report_year"]): t["url"] for t in portal.truth()}
        return {key: fetched(client, urls[key]) for key in wanted}


def fetched(client, url):
    response = client.get(url)
    response.raise_for_status()
    return url, response.content, dict(response.headers)


def night(db, day, served, *, failed_fetch=False):
    """One crawl run on ``day`` (Beijing morning) that captured ``served``; optionally one fetch failed."""
    run = db.start_run(command="crawl", sites=[SITE])
    for minute, (url, body, headers) in enumerate(served):
        db.record_capture(Capture(url, SITE, fetched_at=f"{day}T02:{minute:02d}:00Z", status=200, headers=headers,
                                  body=body, extraction=extract_document(body, url, headers)), run_id=run)
    if failed_fetch:
        db.record_capture(Capture(served[0][0] + "?page=2", SITE, fetched_at=f"{day}T03:00:00Z",
                                  error_class="http_5xx", error_message="503"), run_id=run)
    db.finish_run(run)


def watched_archive(path, pages, *, failed_fetch=False):
    """Four nights of 2025: departments are due on 31 January, governments on 31 March."""
    with archive.open_archive(path) as db:
        night(db, "2025-01-25", [pages[(GOVERNMENT, 2023)], pages[(HEALTH, 2024)]])
        night(db, "2025-02-03", [pages[(GOVERNMENT, 2023)], pages[(HEALTH, 2024)]], failed_fetch=failed_fetch)
        night(db, "2025-02-10", [pages[(HEALTH, 2024)], pages[(EDUCATION, 2024)]])
        night(db, "2025-03-10", [pages[(EDUCATION, 2024)], pages[(GOVERNMENT, 2024)]])
        return {(r["body"], r["report_year"]): r for r in db.audit().reports}, db.audit().findings


def test_first_capture_and_absence_decide_the_deadline_status(tmp_path, pages):
    reports, findings = watched_archive(tmp_path / "a.db", pages)
    assert reports[(HEALTH, 2024)]["deadline_status"] == "on_time"  # captured 25 January
    assert reports[(GOVERNMENT, 2024)]["deadline_status"] == "on_time"  # captured 10 March, due 31 March
    education = reports[(EDUCATION, 2024)]
    # dated 31 January, but the complete crawl of 3 February did not find it
    assert (education["publish_date"], education["deadline_status"], education["days_late"]) == (
        "2025-01-31", "claimed_on_time_first_seen_late", 3)
    assert education["absent_on"] == "2025-02-03T02:00:00Z" and education["evidence"] == "absent_from_crawl"
    # first seen in 2025 for a 2023 report: the archive was not watching by 31 March 2024
    assert reports[(GOVERNMENT, 2023)]["deadline_status"] == "unverified"
    assert [(f["check"], f["body"]) for f in findings if f["check"] in ("late", "first_seen_late")] == [
        ("first_seen_late", EDUCATION)]
    assert not [f for f in findings if f["check"] == "missing_year"]  # no deadline had passed unseen


def test_a_crawl_with_a_failed_fetch_proves_no_absence(tmp_path, pages):
    reports, findings = watched_archive(tmp_path / "a.db", pages, failed_fetch=True)
    assert reports[(EDUCATION, 2024)]["deadline_status"] == "unverified"
    assert not [f for f in findings if f["check"] == "first_seen_late"]
