"""Misbehaving hosts (robots.txt Disallow: /, a 412 JS challenge, a slow host, a 503-every-other-time
host), choosing which sites to serve, and scaling the portal up."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from fixture_portal import FixturePortal

ROOT = Path(__file__).resolve().parents[1]
SLOW = 0.5


@pytest.fixture(scope="module")
def portal() -> Iterator[FixturePortal]:
    """Only the misbehaving hosts, the slow one kept quick."""
    with FixturePortal(seed=7, families=(), misbehaving=True, slow_seconds=SLOW) as running:
        yield running


@pytest.fixture(scope="module")
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=10, trust_env=False) as c:
        yield c


def host(portal: FixturePortal, behaviour: str) -> str:
    (name,) = [s.name for s in portal.sites.values() if s.behaviour == behaviour]
    return name


def test_each_misbehaving_host_is_its_own_site(portal: FixturePortal) -> None:
    sites = portal.sites.values()
    assert {s.behaviour for s in sites} == {"robots", "challenge", "slow", "flaky"}
    assert len({s.base_url for s in sites}) == 4


def test_robots_host_disallows_everything_and_has_nothing_to_archive(
    portal: FixturePortal, client: httpx.Client
) -> None:
    name = host(portal, "robots")
    site = portal.sites[name]
    robots = client.get(site.base_url + "/robots.txt")
    assert robots.status_code == 200 and robots.text.splitlines() == ["User-agent: *", "Disallow: /"]
    assert client.get(site.homepage).status_code == 200  # robots.txt is advice; the pages are there
    assert not [t for t in portal.truth() if t["site"] == name]
    assert not [u for u in portal.non_reports() if u.startswith(site.base_url)]
    assert {"url": site.homepage, "kind": "robots"} in portal.expected_errors()


def test_challenge_host_answers_412_with_a_js_shell_even_with_its_cookie(
    portal: FixturePortal, client: httpx.Client
) -> None:
    name = host(portal, "challenge")
    site = portal.sites[name]
    first = client.get(site.homepage)
    assert first.status_code == 412 and "$_ts" in first.text and "<script" in first.text
    assert len(first.content) < 2000
    cookie = first.headers["set-cookie"].split(";")[0]
    assert cookie.startswith("NOh8RTWx6K2dS=")
    again = client.get(site.homepage, headers={"Cookie": cookie})
    assert again.status_code == 412
    assert client.get(site.base_url + "/robots.txt").status_code == 412
    assert not [t for t in portal.truth() if t["site"] == name]
    assert portal.expected_errors().count({"url": site.homepage, "kind": "challenge"}) == 1


def test_slow_host_serves_its_pages_only_to_a_patient_client(
    portal: FixturePortal, client: httpx.Client
) -> None:
    name = host(portal, "slow")
    entry = next(t for t in portal.truth() if t["site"] == name)
    with httpx.Client(timeout=SLOW / 5, trust_env=False) as hasty, pytest.raises(httpx.ReadTimeout):
        hasty.get(entry["url"])
    response = client.get(entry["url"])
    assert response.status_code == 200 and entry["title"] in response.text


def test_flaky_host_answers_503_every_other_request_per_path(
    portal: FixturePortal, client: httpx.Client
) -> None:
    name = host(portal, "flaky")
    site = portal.sites[name]
    entry = next(t for t in portal.truth() if t["site"] == name)
    statuses = [client.get(entry["url"]).status_code for _ in range(4)]
    assert statuses == [503, 200, 503, 200]
    assert client.get(site.homepage).status_code == 503  # its own count, not the detail page's
    served = client.get(site.homepage)
    assert served.status_code == 200 and "政务公开" in served.text
    good = [r for r in (client.get(entry["url"]) for _ in range(2)) if r.status_code == 200]
    assert len(good) == 1 and entry["title"] in good[0].text


def test_flaky_and_slow_reports_are_in_the_truth(portal: FixturePortal) -> None:
    sites = {t["site"] for t in portal.truth()}
    assert sites == {host(portal, "slow"), host(portal, "flaky")}
    assert not [e for e in portal.expected_errors() if e["kind"] not in ("robots", "challenge")]


# ---------------------------------------------------------------- choosing sites


def test_families_and_behaviours_can_be_chosen() -> None:
    with FixturePortal(seed=7, families=("gkmlpt", "asp"), misbehaving=("flaky",)) as chosen:
        assert {(s.family, s.behaviour) for s in chosen.sites.values()} == {
            ("gkmlpt", None),
            ("asp", None),
            ("ucap", "flaky"),
        }
    assert not FixturePortal(seed=7).apps.keys() & {"nanxi", "xishan", "taoyuan", "zhuxi"}
    with pytest.raises(ValueError, match="unknown families"):
        FixturePortal(seed=7, families=("drupal",))
    with pytest.raises(ValueError, match="unknown behaviours"):
        FixturePortal(seed=7, misbehaving=("sleepy",))


def test_scale_multiplies_every_family_towards_benchmark_size() -> None:
    small = FixturePortal(seed=7)
    big = FixturePortal(seed=7, scale=7)
    for family in {spec.family for spec in (app.spec for app in small.apps.values())}:
        count = {
            p: sum(len(a.reports()) + len(a.others()) for a in p.apps.values() if a.spec.family == family)
            for p in (small, big)
        }
        assert count[big] == 7 * count[small], family
    pages = sum(len(app.docs) for app in big.apps.values())
    assert pages >= 2000


def test_module_entry_point_accepts_families_and_misbehaving_hosts(client: httpx.Client) -> None:
    command = [
        sys.executable,
        "-m",
        "fixture_portal",
        "--families",
        "ucap",
        "--misbehaving",
        "robots",
        "--slow-seconds",
        "0",
    ]
    with subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True) as child:
        try:
            assert child.stdout is not None
            sites = json.loads(child.stdout.readline())["sites"]
            assert set(sites) == {"qingzhou", "nanxi"}
            assert "Disallow: /" in client.get(sites["nanxi"] + "/robots.txt").text
        finally:
            child.terminate()
            child.wait(timeout=10)
    assert child.returncode == 0
