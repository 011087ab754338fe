"""nianbao.urls: one canonical form per URL, and the key that names a document within its site."""

from __future__ import annotations

import pytest

from nianbao.urls import bare_host, canonical_origin, canonical_url, rebase, same_site_host, url_key


@pytest.mark.parametrize(("spelling", "canonical"), [
    ("HTTP://WWW.X.GOV.CN:80/a/b.html?b=2&a=1#top", "http://www.x.gov.cn/a/b.html?a=1&b=2"),
    ("https://x.gov.cn:443", "https://x.gov.cn/"),
    ("http://x.gov.cn:8080/a/", "http://x.gov.cn:8080/a/"),
    ("http://x.gov.cn/a/index.html", "http://x.gov.cn/a/"),
    ("http://x.gov.cn/a/index.htm", "http://x.gov.cn/a/"),
    ("http://x.gov.cn/a/INDEX.SHTML?page=2", "http://x.gov.cn/a/?page=2"),
    ("http://x.gov.cn/a/index_2.html", "http://x.gov.cn/a/index_2.html"),
    ("http://x.gov.cn/art/1.html;jsessionid=0A1B2C?id=3", "http://x.gov.cn/art/1.html?id=3"),
    ("http://x.gov.cn/a.html?utm_source=wx&id=7&spm=1.2", "http://x.gov.cn/a.html?id=7"),
    ("http://x.gov.cn/a.html?id=", "http://x.gov.cn/a.html?id="),  # a blank parameter can matter: kept
    ("http://x.gov.cn/%e4%b8%ad.html", "http://x.gov.cn/%E4%B8%AD.html"),
    ("http://x.gov.cn/中.html", "http://x.gov.cn/%E4%B8%AD.html"),
    ("http://x.gov.cn/%D6%D0.html", "http://x.gov.cn/%D6%D0.html"),  # GBK escapes stay the bytes they are
    ("http://例子.政务/a", "http://xn--fsqu00a.xn--zfr164b/a"),
])
def test_every_spelling_of_a_page_has_one_canonical_form(spelling: str, canonical: str) -> None:
    assert canonical_url(spelling) == canonical
    assert canonical_url(canonical) == canonical


def test_the_key_is_the_canonical_path_and_query_whatever_the_scheme_host_and_port() -> None:
    spellings = ["http://www.x.gov.cn/xxgk/t1.html?b=2&a=1", "https://x.gov.cn:443/xxgk/t1.html?a=1&b=2#p",
                 "http://127.0.0.1:41234/xxgk/t1.html?a=1&b=2"]
    assert {url_key(url) for url in spellings} == {"/xxgk/t1.html?a=1&b=2"}
    assert url_key("http://x.gov.cn") == "/"
    assert url_key("http://x.gov.cn/col/col1234/index.html") == "/col/col1234/"


def test_www_and_bare_hosts_are_one_site_and_origins_are_canonical() -> None:
    assert same_site_host("www.x.gov.cn", "X.gov.cn") and bare_host("WWW.x.gov.cn") == "x.gov.cn"
    assert not same_site_host("zfxxgk.x.gov.cn", "x.gov.cn")
    assert canonical_origin("HTTPS://X.gov.cn:443/a?b") == "https://x.gov.cn"
    assert canonical_origin("http://127.0.0.1:8000/") == "http://127.0.0.1:8000"
    assert rebase("http://127.0.0.1:1/a/b.html?c=1#f", "https://localhost:5") == "https://localhost:5/a/b.html?c=1"
