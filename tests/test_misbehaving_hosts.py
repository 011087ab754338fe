"""Hosts that misbehave end as recorded, classified outcomes; the other sites are crawled in full."""

from __future__ import annotations

import pytest

import archive
from tests.conftest import crawl
from tests.test_end_to_end import rows


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    from fixture_portal import FixturePortal

    with FixturePortal(seed=3, families=("trs",), misbehaving=True, slow_seconds=3.0) as portal:
        db = tmp_path_factory.mktemp("hostile") / "nianbao.db"
        good = next(s for s in portal.sites.values() if s.behaviour is None)
        always_503 = good.base_url + "/status/503"
        crawl(db, *portal.homepages(), always_503, good.base_url + "/huge?mb=20",
              extra=("-s", "DOWNLOAD_TIMEOUT=1", "-s", "RETRY_TIMES=1"), expect=3)  # partial: hosts failed on purpose
        yield portal, db, always_503


def site(portal, behaviour):
    return next(s for s in portal.sites.values() if s.behaviour == behaviour)


def errors_of(db, base_url):
    return {r["error_class"] for r in rows(db, "select error_class from captures where url like ? and outcome = 'error'",
                                           base_url + "%")}


@pytest.mark.parametrize(("behaviour", "error_class"), [("robots", "robots"), ("challenge", "blocked"),
                                                       ("slow", "timeout")])
def test_unreadable_host_is_recorded_with_its_class(hostile, behaviour, error_class):
    portal, db, _ = hostile
    assert errors_of(db, site(portal, behaviour).base_url) == {error_class}


def test_server_errors_are_retried_then_recorded(hostile):
    portal, db, always_503 = hostile
    assert [r["error_class"] for r in rows(db, "select error_class from captures where url = ?", always_503)] == ["http_5xx"]
    attempts = [entry for entry in portal.request_log if entry[1] == "/status/503"]
    assert len(attempts) == 2  # the request and its one retry


def test_flaky_host_is_archived_in_full_through_retries(hostile):
    portal, db, _ = hostile
    flaky = site(portal, "flaky")
    truth = {t["url"] for t in portal.truth() if t["site"] == flaky.name}
    archived = {r["url"] for r in rows(db, "select url from documents where url like ?", flaky.base_url + "%")}
    assert truth and archived == truth


def test_the_well_behaved_site_is_crawled_completely(hostile):
    portal, db, _ = hostile
    good = next(s for s in portal.sites.values() if s.behaviour is None)
    truth = {t["url"] for t in portal.truth() if t["site"] == good.name}
    archived = {r["url"] for r in rows(db, "select url from documents where kind = 'page' and url like ?",
                                      good.base_url + "%")}
    assert archived == truth
    # the hosts that refuse a polite crawler failed and the body over the size cap (/huge) was cut
    # short, so the run is partial; the good site itself is ok
    assert rows(db, "select status from runs")[0]["status"] == "partial"
    assert rows(db, "select outcome from run_sites where site = ?", good.base_url.split("//")[1])[0]["outcome"] == "ok"


def test_a_body_over_the_size_cap_is_dropped_and_recorded(hostile):
    portal, db, _ = hostile
    good = next(s for s in portal.sites.values() if s.behaviour is None)
    found = rows(db, "select error_class, sha256 from captures where url = ?", good.base_url + "/huge?mb=20")
    assert [(r["error_class"], r["sha256"]) for r in found] == [("too_large", None)]


def test_requests_carry_an_honest_user_agent_with_the_contact_url(hostile):
    portal, _, _ = hostile
    agents = {entry[3].get("User-Agent") for entry in portal.request_log}
    assert len(agents) == 1
    (agent,) = agents
    assert agent.startswith("nianbao/") and "+https://" in agent


def test_redirects_to_other_hosts_are_not_followed(tmp_path):
    from fixture_portal import FixturePortal

    with FixturePortal(seed=3, families=("trs", "hanweb")) as portal:
        trs, hanweb = (next(s for s in portal.sites.values() if s.family == f) for f in ("trs", "hanweb"))
        elsewhere = hanweb.base_url.replace("127.0.0.1", "localhost") + "/"
        start = f"{trs.base_url}/redirect?to={elsewhere}"
        db = tmp_path / "nianbao.db"
        archive.open_archive(db).close()  # an existing archive keeps the record of a run that archived nothing
        crawl(db, start, expect=1)  # failed: the one site led nowhere it may go
        hanweb_requests = [e for e in portal.request_log if e[2] == hanweb.name]
    assert [r["error_class"] for r in rows(db, "select error_class from captures where url = ?", start)] == ["offsite"]
    assert hanweb_requests == []
