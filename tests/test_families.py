"""CMS families are one record each; the spider, extraction and the registry read the same records."""

from __future__ import annotations

import re

import pytest

from crawler.registry import FAMILIES as REGISTRY_FAMILIES
from extract.body import CONTAINERS, MARKERS, Container
from extract.chrome import CHROME_XPATHS
from nianbao.families import BY_NAME, FAMILIES, NAMES
from spiders.apis import LIST_APIS
from spiders.fingerprint import fingerprint
from spiders.pagination import STYLES


@pytest.mark.parametrize("family", FAMILIES, ids=lambda f: f.name)
def test_every_family_names_only_what_the_spider_and_extraction_know(family):
    assert family.list_api is None or family.list_api in LIST_APIS
    assert set(family.pagination) <= set(STYLES)
    for pattern in family.fingerprints:
        re.compile(pattern)
    for selector in family.body_containers:
        assert Container.parse(selector) in CONTAINERS
    assert set(family.body_markers) <= set(MARKERS)
    assert set(family.chrome_xpaths) <= set(CHROME_XPATHS)


def test_the_registry_accepts_exactly_the_families():
    assert REGISTRY_FAMILIES == NAMES == (*(f.name for f in FAMILIES), "unknown")


@pytest.mark.parametrize(("text", "family"), [
    ('<a href="/gkmlpt/index">目录</a> <script>window._CONFIG = { SID: "1" }</script>', "gkmlpt"),
    ('<div queryData="{webId:1}"></div> <a href="/col/col123/index.html">x</a>', "jpaas"),  # not hanweb
    ('<a href="/art/2024/3/1/art_12_34.html">x</a>', "hanweb"),
    ('<div id="UCAP-CONTENT"></div> <a href="/zhengce/t20240301_1.htm">x</a>', "ucap"),  # not trs
    ('<div class="TRS_Editor"></div>', "trs"),
    ('<a href="/show.aspx?id=3">x</a>', "asp"),
    ("<p>nothing to go by</p>", None),
])
def test_a_page_is_the_most_specific_family_whose_marks_it_carries(text, family):
    assert fingerprint(text) == family


def test_containers_come_in_family_rank_order_then_generic():
    trs, ucap = BY_NAME["trs"], BY_NAME["ucap"]
    names = [c.name for c in CONTAINERS]
    assert names.index(ucap.body_containers[0]) < names.index(trs.body_containers[0]) < names.index("#zoom")


def test_a_family_the_registry_names_reaches_the_spider_and_is_believed():
    from crawler.registry import SiteEntry
    from crawler.runner import registry_targets
    from spiders.annual_reports import AnnualReportsSpider

    entry = SiteEntry(name="qinglan", title="青岚市人民政府", region_code="370100", level="city",
                      root="http://www.qinglan.gov.cn/", family="trs")
    spider = AnnualReportsSpider(sites=registry_targets([entry]))
    spider._note_family("qinglan", "ucap")  # marks of a more specific family on some page
    assert spider._families["qinglan"] == "trs"
