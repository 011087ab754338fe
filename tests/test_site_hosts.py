"""A site's hosts: registry aliases, www. twins, moves learned from permanent redirects (spiders.hosts)."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.runner import registry_targets
from spiders.hosts import is_permanent_move, is_site_host, locate
from tests.test_registry import assert_rejected, entry_with, load_text

REGISTRY_SITE = {"name": "x", "root": "https://www.x.gov.cn/", "start_urls": ["https://www.x.gov.cn/"],
                 "hosts": ["www.x.gov.cn", "zfxxgk.x.gov.cn"], "aliases": ["old-x.gov.cn"]}
BARE_SITE = {"name": "127.0.0.1:8001", "root": "http://127.0.0.1:8001/", "start_urls": ["http://127.0.0.1:8001/"],
             "hosts": ["127.0.0.1:8001"]}


def test_aliases_are_validated_and_reach_the_crawl_target(tmp_path: Path) -> None:
    entry = load_text(tmp_path, entry_with(aliases=["example.gov.cn", "old.example.gov.cn"])).get("example-city")
    assert entry.aliases == ("example.gov.cn", "old.example.gov.cn")
    (target,) = registry_targets([entry])
    assert target["aliases"] == ["example.gov.cn", "old.example.gov.cn"] and target["root"] == entry.root
    assert_rejected(tmp_path, entry_with(aliases=["https://old.example.gov.cn"]), "aliases", "bare lower-case")
    assert_rejected(tmp_path, entry_with(aliases=["www.example.gov.cn"]), "aliases", "already one of the site's hosts")
    assert_rejected(tmp_path, entry_with(aliases="old.example.gov.cn"), "aliases", "list of")


@pytest.mark.parametrize(("url", "mine"), [
    ("https://www.x.gov.cn/a.html", True), ("http://x.gov.cn:8080/a.html", True),  # a www. twin, any port
    ("http://zfxxgk.x.gov.cn/b.html", True), ("http://old-x.gov.cn/c.html", True),  # allowed, an alias
    ("http://y.gov.cn/", False), ("http://xx.gov.cn/", False),
])
def test_the_hosts_of_a_registry_site(url: str, mine: bool) -> None:
    assert is_site_host(url, REGISTRY_SITE) is mine


def test_a_bare_homepage_is_its_host_and_port() -> None:
    assert is_site_host("http://127.0.0.1:8001/a", BARE_SITE)
    assert not is_site_host("http://127.0.0.1:8002/a", BARE_SITE)  # another fixture site
    assert is_site_host("http://localhost:9/a", BARE_SITE, moved_to=("http://localhost:9",))


@pytest.mark.parametrize(("stored", "asked"), [
    ("http://www.x.gov.cn/xxgk/t1.html", "https://www.x.gov.cn/xxgk/t1.html"),  # the site went https
    ("http://x.gov.cn:81/xxgk/t1.html?id=2", "https://www.x.gov.cn/xxgk/t1.html?id=2"),  # bare twin, old port
    ("http://old-x.gov.cn/xxgk/t1.html", "https://www.x.gov.cn/xxgk/t1.html"),  # a registry alias
    ("http://zfxxgk.x.gov.cn/nb/t2.html", "http://zfxxgk.x.gov.cn/nb/t2.html"),  # another host of the site
    ("http://y.gov.cn/t3.html", None),  # nothing of the site's
])
def test_a_known_url_is_asked_where_the_site_is_now(stored: str, asked: str | None) -> None:
    assert locate(stored, REGISTRY_SITE, {}) == asked


def test_a_learned_move_sends_known_urls_to_the_new_origin() -> None:
    moves = {"http://127.0.0.1:8001": "http://localhost:9001"}
    assert locate("http://127.0.0.1:8001/a/b.html", BARE_SITE, moves) == "http://localhost:9001/a/b.html"
    assert locate("http://localhost:9001/a/b.html", BARE_SITE, moves) == "http://localhost:9001/a/b.html"


@pytest.mark.parametrize(("previous", "status", "url", "moved"), [
    ("http://www.x.gov.cn/", 301, "https://x.gov.cn/", True),  # a start page, permanently
    ("http://www.x.gov.cn/", 308, "https://sheng.gov.cn/x/", True),  # to a provincial platform
    ("http://www.x.gov.cn/", 302, "https://x.gov.cn/", False),  # temporary: not a move
    ("http://www.x.gov.cn/a/t1.html", 301, "https://new.gov.cn/a/t1.html", True),  # the same page elsewhere
    ("http://www.x.gov.cn/a/t1.html", 301, "https://new.gov.cn/b/", False),  # a page sent somewhere else
    ("http://www.x.gov.cn/", 301, "http://www.x.gov.cn/index.html", False),  # not another origin
    ("http://www.x.gov.cn/", 301, "http://10.0.0.8/", False),  # never from a public host into a private one
    ("http://127.0.0.1:8001/", 301, "http://localhost:9001/", True),  # loopback to loopback (the fixture)
])
def test_which_permanent_redirects_say_a_site_moved(previous: str, status: int, url: str, moved: bool) -> None:
    assert is_permanent_move(previous, status, url, ["http://www.x.gov.cn/", "http://127.0.0.1:8001/"]) is moved
