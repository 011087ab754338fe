"""Per-site caps (requests, bytes, seconds) bite visibly: each refused request is a `capped` capture
and the run ends `partial`, saying what bit; the other sites are not touched."""

from __future__ import annotations

import time

import pytest
from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse
from twisted.python.failure import Failure

from crawler import exit_codes
from crawler.middlewares import SiteBudgetMiddleware
from spiders.failures import classify_failure
from tests.conftest import crawl
from tests.test_end_to_end import rows


def request(url: str, site: str = "h", **meta: object) -> Request:
    return Request(url, meta={"site": site, **meta})


def test_a_site_past_its_byte_budget_has_every_later_request_refused_as_capped():
    budget = SiteBudgetMiddleware(max_bytes=1000, max_seconds=0)
    first = request("http://h/a")
    assert budget.process_request(first) is None
    budget.process_response(first, HtmlResponse("http://h/a", body=b"x" * 1500, request=first))
    with pytest.raises(IgnoreRequest, match=r"^capped: site h received 1500 bytes") as refused:
        budget.process_request(request("http://h/b"))
    assert budget.process_request(request("http://o/c", site="o")) is None  # another site is not touched
    failure = Failure(refused.value)
    failure.request = request("http://h/b")  # type: ignore[attr-defined]
    assert classify_failure(failure)[0] == "capped"


def test_a_site_past_its_time_budget_has_every_later_request_refused():
    budget = SiteBudgetMiddleware(max_bytes=0, max_seconds=0.05)
    assert budget.process_request(request("http://h/a")) is None  # the site's clock starts
    time.sleep(0.1)
    with pytest.raises(IgnoreRequest, match="NIANBAO_MAX_SECONDS_PER_SITE"):
        budget.process_request(request("http://h/b"))


def test_a_request_the_spider_marked_capped_is_never_sent():
    with pytest.raises(IgnoreRequest, match=r"^capped: list page cap"):
        SiteBudgetMiddleware(0, 0).process_request(request("http://h/x", nianbao_capped="list page cap reached"))


@pytest.fixture(scope="module")
def portal():
    from fixture_portal import FixturePortal

    with FixturePortal(seed=11, families=("trs",)) as served:
        yield served


@pytest.mark.parametrize(("setting", "said"), [
    # 12 requests reach some reports first: a cap that lets nothing be archived fails the run (no site crawled)
    ("NIANBAO_MAX_REQUESTS_PER_SITE=12", "request cap NIANBAO_MAX_REQUESTS_PER_SITE=12"),
    ("NIANBAO_MAX_BYTES_PER_SITE=60000", "NIANBAO_MAX_BYTES_PER_SITE=60000"),
])
def test_a_cap_that_bites_in_a_crawl_is_recorded_and_makes_the_run_partial(portal, tmp_path, setting, said):
    db = tmp_path / "nianbao.db"
    crawl(db, *portal.homepages(), extra=("-s", setting), expect=exit_codes.PARTIAL)
    capped = rows(db, "select error_message from captures where error_class = 'capped'")
    assert capped and all(said in row["error_message"] for row in capped)
    [run] = rows(db, "select status, error from runs")
    assert run["status"] == "partial" and said in run["error"]
