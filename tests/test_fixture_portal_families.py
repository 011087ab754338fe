"""The fixture portal's newer families, walked over real HTTP the way a crawler (or the family's own
scripts) would, and checked against the truth: lists, pagination quirks, detail pages, encodings."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from urllib.parse import urlencode, urljoin, urlsplit

import httpx
import lxml.html
import pytest

from fixture_portal import FixturePortal

BEIJING = timezone(timedelta(hours=8))
# Where each family keeps the report body.
BODY = {
    "trs_shtml": "//div[@id='zoom']",
    "trs_htm": "//div[@class='my_conboxzw']",
    "hanweb_get": "//div[@id='zoom']",
    "gkmlpt": "//div[@class='article-content']",
    "jpaas": "//div[@id='zoom']",
    "ucap": "//*[@id='UCAP-CONTENT']",
    "asp": "//div[@id='MyContent']",
    "yearly": "//div[@id='zoom']",
    "relocated": "//div[@id='ivs_content']",
    "attachments": "//div[@id='zoom']",
}
CODECS = {"gb18030-family": "gb18030", "utf-8": "utf-8", "utf-8-sig": "utf-8-sig"}
NEW_FAMILIES = tuple(BODY)


# ---------------------------------------------------------------- fixtures and helpers


@pytest.fixture(scope="module")
def portal() -> Iterator[FixturePortal]:
    """The default portal (every well-behaved family); nobody mutates it."""
    with FixturePortal(seed=7) as running:
        yield running


@pytest.fixture(scope="module")
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=10, trust_env=False) as c:
        yield c


def site_of(portal: FixturePortal, family: str) -> str:
    """The name of the (one) default site of a family."""
    (name,) = [s.name for s in portal.sites.values() if s.family == family]
    return name


def decode(portal: FixturePortal, site: str, response: httpx.Response) -> str:
    """Page text, decoded strictly in the site's real encoding."""
    return response.content.decode(CODECS[portal.sites[site].encoding], errors="strict")


def parse(portal: FixturePortal, site: str, response: httpx.Response) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(decode(portal, site, response))


def walk(client: httpx.Client, portal: FixturePortal, site: str, *labels: str) -> tuple[str, httpx.Response]:
    """From the homepage, follow links by their exact text; return the last URL and response."""
    url = portal.sites[site].homepage
    response = client.get(url)
    for label in labels:
        hrefs = parse(portal, site, response).xpath("//a[normalize-space(.)=$t]/@href", t=label)
        assert hrefs, f"{site}: no link labelled {label!r} on {url}"
        url = urljoin(url, hrefs[0])
        response = client.get(url, follow_redirects=True)
        assert response.status_code == 200, url
        url = str(response.url)
    return url, response


def listed(portal: FixturePortal, site: str) -> set[str]:
    """Every detail URL the site's 年报 column should list: reports, other items, dead links."""
    base = portal.sites[site].base_url
    reports = {t["url"] for t in portal.truth() if t["site"] == site}
    others = {u for u in portal.non_reports() if u.startswith(base + "/")}
    dead = {
        e["url"] for e in portal.expected_errors() if e["kind"] == "not_found" and e["url"].startswith(base)
    }
    return reports | others | dead


def anchors(page: lxml.html.HtmlElement, base: str, xpath: str) -> list[str]:
    return [urljoin(base, href) for href in page.xpath(xpath)]


def body_paragraphs(body: lxml.html.HtmlElement) -> list[str]:
    """Non-empty ``<p>`` texts of a body, outside tables."""
    texts = (p.text_content().strip() for p in body.iter("p") if not p.xpath("ancestor::table"))
    return [t for t in texts if t]


def grid(table: lxml.html.HtmlElement) -> list[list[str]]:
    """An HTML table as a rectangular grid, spans copied into every slot they cover."""
    cells: dict[tuple[int, int], str] = {}
    for r, tr in enumerate(table.iter("tr")):
        c = 0
        for td in tr.iter("td", "th"):
            while (r, c) in cells:
                c += 1
            rs, cs = int(td.get("rowspan", 1)), int(td.get("colspan", 1))
            for i in range(rs):
                for j in range(cs):
                    cells[(r + i, c + j)] = td.text_content().strip()
            c += cs
    rows, cols = max(r for r, _ in cells) + 1, max(c for _, c in cells) + 1
    return [[cells.get((r, c), "") for c in range(cols)] for r in range(rows)]


# ---------------------------------------------------------------- the default portal


def test_default_portal_serves_every_well_behaved_family_and_stays_small(portal: FixturePortal) -> None:
    families = {s.family for s in portal.sites.values()}
    assert families == {"trs", "hanweb", *NEW_FAMILIES}
    assert all(s.behaviour is None for s in portal.sites.values())
    details = len(portal.truth()) + len(portal.non_reports()) + 1
    assert 250 <= details <= 400
    truth = portal.truth()
    assert {t["family"] for t in truth} == families
    assert all(isinstance(t["attachments"], list) for t in truth)
    assert len({t["url"] for t in truth}) == len(truth)


def test_every_new_family_report_page_matches_its_truth(portal: FixturePortal, client: httpx.Client) -> None:
    checked = set()
    for entry in portal.truth():
        family = entry["family"]
        if family not in BODY:
            continue
        response = client.get(entry["url"])
        assert response.status_code == 200, entry["url"]
        page = parse(portal, entry["site"], response)
        (body,) = page.xpath(BODY[family])
        assert body_paragraphs(body) == entry["paragraphs"], entry["url"]
        assert [grid(t) for t in body.iter("table")] == entry["tables"], entry["url"]
        assert page.xpath("string(//h1)").strip() == entry["title"]
        text = page.text_content()
        published = datetime.strptime(entry["publish_date"], "%Y-%m-%d")
        dates = (entry["publish_date"], f"{published:%Y年%m月%d日}")
        assert any(d in text for d in dates), entry["url"]
        for value in (entry["index_no"], entry["issuer"], entry["topic"]):
            assert value in text, (entry["url"], value)
        if entry["written_date"]:
            written = datetime.strptime(entry["written_date"], "%Y-%m-%d")
            assert entry["written_date"] in text or f"{written:%Y年%m月%d日}" in text
        checked.add(family)
    assert checked == set(BODY)


def test_truth_of_new_families_covers_all_layouts(portal: FixturePortal) -> None:
    for family in NEW_FAMILIES:
        layouts = {t["layout"] for t in portal.truth() if t["family"] == family}
        assert {"2021", "2019"} <= layouts, family


# ---------------------------------------------------------------- TRS variants


def test_trs_shtml_pages_by_the_one_based_six_argument_call(
    portal: FixturePortal, client: httpx.Client
) -> None:
    site = site_of(portal, "trs_shtml")
    url, response = walk(client, portal, site, "政务公开", "政府信息公开", "信息公开年报")
    assert url.endswith("/xxgk/xxgknb/index.shtml")
    html = decode(portal, site, response)
    call = re.search(r'createPageHTML\("page_div", (\d+), (\d+), "index", "shtml", (\d+)\)', html)
    assert call and call.group(2) == "1"
    count, records = int(call.group(1)), int(call.group(3))
    assert count >= 3 and "index_2.shtml" not in html  # links are drawn by the script only
    links: list[str] = []
    for n in range(1, count + 1):
        page_url = urljoin(url, "index.shtml" if n == 1 else f"index_{n}.shtml")
        page = client.get(page_url)
        assert page.status_code == 200
        assert '"index", "shtml"' in decode(portal, site, page) and f", {n}, " in decode(portal, site, page)
        links += anchors(parse(portal, site, page), page_url, "//ul[@class='list-ul']/li/a/@href")
    assert client.get(urljoin(url, "index_1.shtml")).status_code == 404
    assert len(links) == len(set(links)) == records
    assert set(links) == listed(portal, site)
    assert all(re.search(r"/xxgk/xxgknb/\d{6}/t\d{8}_\d+\.shtml$", u) for u in links)


def test_trs_htm_counts_pages_in_a_variable_and_its_deepest_page_is_a_stub(
    portal: FixturePortal, client: httpx.Client
) -> None:
    site = site_of(portal, "trs_htm")
    url, response = walk(client, portal, site, "政务公开", "政府信息公开", "政府信息公开年度报告")
    assert url.endswith("/zwgk/zfxxgk/zfxxgkndbg/index.htm")
    html = decode(portal, site, response)
    count = int(re.search(r"var countPage = (\d+)", html).group(1))
    assert "var currentPage = 0;" in html and "index_1.htm" not in html
    links: list[str] = []
    for k in range(count - 1):
        page_url = urljoin(url, "index.htm" if k == 0 else f"index_{k}.htm")
        page = client.get(page_url)
        assert f"var currentPage = {k};" in decode(portal, site, page)
        links += anchors(parse(portal, site, page), page_url, "//ul[@class='list-ul']/li/a/@href")
    stub_url = urljoin(url, f"index_{count - 1}.htm")
    stub = client.get(stub_url)
    assert stub.status_code == 200 and 250 <= len(stub.content) <= 400
    assert not parse(portal, site, stub).xpath("//li")
    assert {"url": stub_url, "kind": "stub"} in portal.expected_errors()
    assert set(links) == listed(portal, site) and len(links) == len(set(links))
    assert all(re.search(r"/zfxxgkndbg/\d{6}/t\d{8}_\d+\.htm$", u) for u in links)


def test_trs_htm_needs_a_gb18030_decoder(portal: FixturePortal, client: httpx.Client) -> None:
    site = site_of(portal, "trs_htm")
    entry = next(t for t in portal.truth() if t["site"] == site and "䶮" in "".join(t["paragraphs"]))
    response = client.get(entry["url"])
    assert response.headers["content-type"] == "text/html; charset=gb18030"
    assert b'charset=gb18030"' in response.content
    with pytest.raises(UnicodeDecodeError):
        response.content.decode("gbk", errors="strict")
    assert entry["title"] in response.content.decode("gb18030", errors="strict")


# ---------------------------------------------------------------- Hanweb GET variant


def proxy_records(xml: str) -> list[str]:
    return re.findall(r"<record><!\[CDATA\[(.*?)\]\]></record>", xml, re.DOTALL)


def record_hrefs(records: list[str], base: str) -> list[str]:
    return [urljoin(base, m.group(1)) for r in records if (m := re.search(r"href='([^']+)'", r))]


def test_hanweb_get_pages_records_by_get_with_an_overlap(portal: FixturePortal, client: httpx.Client) -> None:
    site = site_of(portal, "hanweb_get")
    base = portal.sites[site].base_url
    url, response = walk(client, portal, site, "政务公开", "政府信息公开", "公开年报")
    html = decode(portal, site, response)
    first_page = re.search(r'<nextgroup><!\[CDATA\[<a href="([^"]+)"></a>\]\]></nextgroup>', html).group(1)
    assert first_page.startswith("/module/web/jpage/dataproxy.jsp?page=1&")
    embedded = proxy_records(html)
    one = client.get(urljoin(url, first_page))
    assert one.headers["content-type"].startswith("text/xml")
    assert proxy_records(one.text) == embedded and len(embedded) == 10
    total = int(re.search(r"<totalrecord>(\d+)</totalrecord>", one.text).group(1))
    pages = int(re.search(r"<totalpage>(\d+)</totalpage>", one.text).group(1))
    assert pages == -(-total // 10) and pages >= 3
    links = record_hrefs(embedded, base)
    for n in range(2, pages + 1):
        page = record_hrefs(
            proxy_records(client.get(urljoin(url, first_page.replace("page=1", f"page={n}"))).text), base
        )
        assert page[0] == links[-1]  # each later page repeats the previous page's last record
        links += page[1:]
    assert len(links) == len(set(links)) == total
    assert set(links) == listed(portal, site)


def test_hanweb_get_proxy_refuses_posts_and_foreign_ids(portal: FixturePortal, client: httpx.Client) -> None:
    base = portal.sites[site_of(portal, "hanweb_get")].base_url
    query = "page=2&appid=1&webid=27&path=/&columnid=49580&unitid=286134&permissiontype=0"
    proxy = base + "/module/web/jpage/dataproxy.jsp?"
    assert proxy_records(client.get(proxy + query).text)
    assert len(client.post(proxy + query).content) == 54
    assert len(client.get(proxy + query.replace("49580", "49579")).content) == 54
    assert client.get(proxy + query.replace("page=2", "page=x")).status_code == 400
    past = client.get(proxy + query.replace("page=2", "page=99"))
    assert past.status_code == 200 and not proxy_records(past.text)


def test_hanweb_get_attachment_download_redirects_to_the_file(
    portal: FixturePortal, client: httpx.Client
) -> None:
    site = site_of(portal, "hanweb_get")
    entry = next(t for t in portal.truth() if t["site"] == site and t["attachments"])
    (attachment,) = entry["attachments"]
    assert re.search(
        r"/module/download/downfile\.jsp\?classid=0&filename=[0-9a-f]{32}\.pdf$", attachment["url"]
    )
    page = parse(portal, site, client.get(entry["url"]))
    assert urljoin(entry["url"], page.xpath("//div[@class='attachment']//a/@href")[0]) == attachment["url"]
    hop = client.get(attachment["url"])
    name = attachment["url"].rsplit("=", 1)[1]
    assert hop.status_code == 302 and hop.headers["location"] == f"/attach/0/{name}"
    pdf = client.get(attachment["url"], follow_redirects=True)
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert attachment["paragraphs"] == [entry["title"], *entry["paragraphs"]]
    missing = client.get(attachment["url"].replace(name, "0" * 32 + ".pdf"))
    assert missing.status_code == 404


# ---------------------------------------------------------------- gkmlpt


def gkmlpt_config(html: str) -> tuple[str, list[dict[str, object]]]:
    """SID and TREE of ``window._CONFIG``."""
    sid = re.search(r"SID: '(\d+)'", html).group(1)
    tree = json.loads(re.search(r"TREE: (\[.*?\]), SERVICE_AREA_ID", html).group(1))
    return sid, tree


def test_gkmlpt_api_lists_the_category_with_pages_zero_and_one_alike(
    portal: FixturePortal, client: httpx.Client
) -> None:
    site = site_of(portal, "gkmlpt")
    base = portal.sites[site].base_url
    zwgk = parse(portal, site, walk(client, portal, site, "政务公开")[1])
    href = zwgk.xpath("//a[normalize-space(.)='政府信息公开年报']/@href")[0]
    assert href.startswith("/gkmlpt/index#")
    shell = client.get(base + urlsplit(href).path)
    assert shell.status_code == 200 and not parse(portal, site, shell).xpath("//li")
    sid, tree = gkmlpt_config(decode(portal, site, shell))
    category = next(node for node in tree if node["name"] == "政府信息公开年报")
    assert str(category["id"]) == urlsplit(href).fragment
    api = f"{base}/gkmlpt/api/all/{category['id']}?sid={sid}&page="
    zero, one, two = (client.get(api + str(n)).json() for n in (0, 1, 2))
    assert zero == one and zero["articles"] != two["articles"]
    assert zero["total"] == category["post_count"] == len(listed(portal, site))
    articles, n = list(zero["articles"]), 2
    while page := client.get(api + str(n)).json()["articles"]:
        articles += page
        n += 1
    assert len(articles) == zero["total"] and len(zero["articles"]) == 10
    assert {a["url"] for a in articles} == listed(portal, site)
    assert all(base + a["post_url"] == a["url"] for a in articles)
    assert all(re.search(r"/gkmlpt/content/\d+/\d+/post_\d+\.html$", a["url"]) for a in articles)
    check_articles_against_truth(portal, site, articles)
    assert client.get(f"{base}/gkmlpt/api/all/{category['id']}?sid=1&page=0").json()["total"] == 0


def check_articles_against_truth(portal: FixturePortal, site: str, articles: list[dict]) -> None:
    """The API's fields say what the detail page and the truth say."""
    by_url = {t["url"]: t for t in portal.truth() if t["site"] == site}
    for article in articles:
        entry = by_url.get(article["url"])
        if entry is None:
            continue
        assert (article["title"], article["identifier"], article["publisher"]) == (
            entry["title"],
            entry["index_no"],
            entry["issuer"],
        )
        day = datetime.fromtimestamp(article["date"], UTC).astimezone(BEIJING)
        assert f"{day:%Y-%m-%d}" == entry["publish_date"]
        assert [a["url"] for a in article["attachment"]] == [a["url"] for a in entry["attachments"]]
    assert any(a["attachment"] for a in articles)


def test_gkmlpt_detail_has_the_metadata_table(portal: FixturePortal, client: httpx.Client) -> None:
    site = site_of(portal, "gkmlpt")
    entry = next(t for t in portal.truth() if t["site"] == site)
    page = parse(portal, site, client.get(entry["url"]))
    labels = [label.text_content() for label in page.xpath("//div[@class='introduce']//label")]
    assert labels == [
        "索引号：",
        "分类：",
        "发布机构：",
        "成文日期：",
        "名称：",
        "文号：",
        "发布日期：",
        "主题词：",
    ]
    pairs = {
        lab.text_content(): lab.getnext().text_content()
        for lab in page.xpath("//div[@class='introduce']//label")
    }
    assert pairs["索引号："] == entry["index_no"] and pairs["名称："] == entry["title"]
    assert pairs["发布日期："] == entry["publish_date"] and pairs["分类："] == entry["topic"]


# ---------------------------------------------------------------- jpaas


def test_jpaas_lists_only_through_the_unit_api(portal: FixturePortal, client: httpx.Client) -> None:
    site = site_of(portal, "jpaas")
    url, response = walk(client, portal, site, "政务公开", "政府信息公开", "政府信息公开年度报告")
    page = parse(portal, site, response)
    assert not page.xpath("//ul[@id='list']/li")
    (div,) = page.xpath("//div[@querydata]")  # HTML attribute names are case-insensitive
    count, rows = int(div.get("count")), int(div.get("rows"))
    assert div.get("pageno") == "1" and rows == 15
    query = json.loads(div.get("querydata").replace("'", '"'))
    assert query["webId"] == "3185"
    unit = urljoin(url, div.get("uniturl"))
    assert unit.endswith("/api-gateway/jpaas-publish-server/front/page/build/unit")
    fixed = {**query, "parseType": "bulidstatic", "pageType": "column", "rows": rows}
    links: list[str] = []
    for page_no in range(1, -(-count // rows) + 2):
        reply = client.get(unit + "?" + urlencode({**fixed, "pageNo": page_no})).json()
        assert reply["success"] is True
        fragment = lxml.html.fromstring(f"<div>{reply['data']['html']}</div>")
        assert fragment.xpath("//div[@class='pagination']/@pageno") == [str(page_no)]
        links += anchors(fragment, url, "//li/a/@href")
    assert len(links) == len(set(links)) == count
    assert set(links) == listed(portal, site)
    assert all(re.search(r"/col/col\d+/art/\d{4}/art_[0-9a-f]{32}\.html$", u) for u in links)
    wrong = client.get(unit + "?" + urlencode({**fixed, "webId": "1", "pageNo": 1})).json()
    assert wrong["success"] is False and wrong["data"] is None


# ---------------------------------------------------------------- gov.cn-style UCAP


def test_ucap_lists_page_by_rendered_links_and_details_carry_gov_cn_chrome(
    portal: FixturePortal, client: httpx.Client
) -> None:
    site = site_of(portal, "ucap")
    url, response = walk(client, portal, site, "政务公开", "政府信息公开", "政府信息公开年报")
    assert url.endswith("/zhengce/xxgk/gknb/home.htm")
    links: list[str] = []
    while True:
        page = parse(portal, site, response)
        links += anchors(page, url, "//div[contains(@class,'list_1')]//li//a/@href")
        following = page.xpath("//div[@class='pagination']/a[.='下一页']/@href")
        if not following:
            break
        url = urljoin(url, following[0])
        assert re.search(r"/home_\d+\.htm$", url)
        response = client.get(url)
    assert set(links) == listed(portal, site) and len(links) == len(set(links))
    assert all(re.search(r"/zhengce/content/\d{6}/content_\d{7}\.htm$", u) for u in links)
    entry = next(t for t in portal.truth() if t["site"] == site)
    html = decode(portal, site, client.get(entry["url"]))
    for marker in (
        "<b>索 引 号：</b>",
        "<b>标　　题：</b>",
        "<b>发文机关：</b>",
        "【我要纠错】",
        "责任编辑：",
        '<div id="qr_container">扫一扫在手机打开当前页</div>',
        "相关稿件",
        '<meta charset="utf-8">',
    ):
        assert marker in html, marker
    assert f"<title>{entry['title']}_政府信息公开年报_青州省人民政府门户网站</title>" in html


# ---------------------------------------------------------------- old ASP site


def test_asp_table_list_pages_by_query_and_details_are_gbk(
    portal: FixturePortal, client: httpx.Client
) -> None:
    site = site_of(portal, "asp")
    url, response = walk(client, portal, site, "政务公开", "政府信息公开", "政府信息公开年报")
    assert urlsplit(url).path == "/Item/list.asp" and "id=1610" in url
    assert response.headers["content-type"] == "text/html"  # no charset in the header at all
    assert b'content="text/html; charset=gb2312"' in response.content
    links, pages = [], 0
    while True:
        page = parse(portal, site, response)
        table = page.xpath("//table[@class='list']")[0]
        assert [th.text_content() for th in table.xpath(".//th")] == [
            "名称",
            "索引号",
            "发布机构",
            "发布日期",
        ]
        for row in table.xpath(".//tr[td]"):
            cells = [td.text_content() for td in row.xpath("td")]
            links.append(urljoin(url, row.xpath(".//a/@href")[0]))
            assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", cells[3])
        pages += 1
        following = page.xpath("//div[@class='showpage']/a[.='下一页']/@href")
        if not following:
            break
        url = urljoin(url, following[0])
        assert f"page={pages + 1}" in url
        response = client.get(url)
    assert pages >= 3 and set(links) == listed(portal, site)
    assert all(re.search(r"/Item/\d+\.aspx$", u) for u in links)


def test_asp_detail_has_the_inline_metadata_line_and_legacy_fonts(
    portal: FixturePortal, client: httpx.Client
) -> None:
    site = site_of(portal, "asp")
    entry = next(t for t in portal.truth() if t["site"] == site and "镕" in "".join(t["paragraphs"]))
    response = client.get(entry["url"])
    with pytest.raises(UnicodeDecodeError):
        response.content.decode("gb2312", errors="strict")
    html = response.content.decode("gbk", errors="strict")
    line = lxml.html.fromstring(html).xpath("string(//div[@class='property'])")
    assert f"索引号:{entry['index_no']}" in line and "公开目录:政府信息公开年报" in line
    assert re.search(rf"发布日期:{entry['publish_date']} \d{{2}}:\d{{2}}:\d{{2}}", line) and "文  号:" in line
    assert '<font face="仿宋_GB2312" size="4">' in html


# ---------------------------------------------------------------- year folders and township subtrees

YEAR_FOLDER = re.compile(r"/gknb/(gknb\d{4}|\d{4}nb|nb_\d{4}n)/$")
TOWN_FOLDER = re.compile(r"/gknb/xzjd/[a-z]+\d?/zfxxgknb/index\.html$")


def test_year_folders_and_township_subtrees_each_list_their_own(
    portal: FixturePortal, client: httpx.Client
) -> None:
    site = site_of(portal, "yearly")
    url, response = walk(client, portal, site, "政务公开", "政府信息公开", "政府信息公开年报")
    assert response.content.startswith(b"\xef\xbb\xbf")  # a byte-order mark before <!DOCTYPE
    column = parse(portal, site, response)
    folders = anchors(column, url, "//div[@class='nb-years']//a/@href")
    towns = anchors(column, url, "//div[@class='nb-towns']//a/@href")
    assert not column.xpath("//a[contains(@href,'/t20')]")  # the index links folders only
    assert all(YEAR_FOLDER.search(u) for u in folders) and all(TOWN_FOLDER.search(u) for u in towns)
    styles = {re.sub(r"\d{4}", "Y", m.group(1)) for u in folders if (m := YEAR_FOLDER.search(u))}
    assert styles == {"gknbY", "Ynb", "nb_Yn"}
    assert len(towns) == 3
    links, by_folder = [], {}
    for folder in folders + towns:
        by_folder[folder] = folder_links(client, portal, site, folder)
        links += by_folder[folder]
    assert len(links) == len(set(links)) and set(links) == listed(portal, site)
    truth = {t["url"]: t for t in portal.truth() if t["site"] == site}
    for folder, found in by_folder.items():
        reports = [truth[u] for u in found if u in truth]
        if TOWN_FOLDER.search(folder):
            (issuer,) = {t["issuer"] for t in reports}
            assert f"<h2>{issuer}政府信息公开年报</h2>" in client.get(folder).content.decode("utf-8-sig")
        else:
            years = {t["report_year"] for t in reports}
            assert len(years) == 1 and str(years.pop()) in folder


def folder_links(client: httpx.Client, portal: FixturePortal, site: str, url: str) -> list[str]:
    """All detail links of one sub-column, following its rendered 下一页 links."""
    links = []
    while url:
        page = parse(portal, site, client.get(url))
        links += anchors(page, url, "//ul[@class='list-ul']/li/a/@href")
        following = page.xpath("//div[@class='page']/a[.='下一页']/@href")
        url = urljoin(url, following[0]) if following else ""
    return links


# ---------------------------------------------------------------- moved and vanished columns


def test_moved_column_answers_301_and_vanished_one_a_soft_404(
    portal: FixturePortal, client: httpx.Client
) -> None:
    site = site_of(portal, "relocated")
    base = portal.sites[site].base_url
    hub_url, hub = walk(client, portal, site, "政务公开", "政府信息公开")
    menu = parse(portal, site, hub)
    old = urljoin(hub_url, menu.xpath("//a[.='政府信息公开年报']/@href")[0])
    moved = client.get(old)
    assert moved.status_code == 301 and moved.headers["location"] == "/zwgk/xxgk/gknb/index.shtml"
    assert portal.redirects() == [{"url": old, "location": base + moved.headers["location"], "status": 301}]
    gone_url = urljoin(hub_url, menu.xpath("//a[.='部门政府信息公开年报']/@href")[0])
    gone = client.get(gone_url)
    assert gone.status_code == 200 and len(gone.text) < 2000
    assert "页面不存在" in gone.text and "您访问的页面不存在" in gone.text
    assert {"url": gone_url, "kind": "soft_404"} in portal.expected_errors()


def test_relocated_lists_page_by_script_with_commented_duplicates(
    portal: FixturePortal, client: httpx.Client
) -> None:
    site = site_of(portal, "relocated")
    url, response = walk(client, portal, site, "政务公开", "政府信息公开", "政府信息公开年报")
    assert url.endswith("/zwgk/xxgk/gknb/index.shtml")
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert b"charset" not in response.content.split(b"</head>")[0]
    html = decode(portal, site, response)
    count = int(re.search(r"pagination\(\{totalPage: (\d+), currentPage: 1,", html).group(1))
    links, hidden = [], []
    for n in range(1, count + 1):
        page_url = urljoin(url, "index.shtml" if n == 1 else f"index_{n}.shtml")
        text = decode(portal, site, client.get(page_url))
        links += anchors(lxml.html.fromstring(text), page_url, "//ul[@class='default_news']/li/a/@href")
        hidden += [
            urljoin(page_url, h)
            for c in re.findall(r"<!--(.*?)-->", text, re.DOTALL)
            for h in re.findall(r'href="([^"]+)"', c)
        ]
    assert len(links) == len(set(links)) and set(links) == listed(portal, site)
    assert hidden and set(hidden) <= set(links)
    assert all(re.search(r"/gknb/\d{6}/[0-9a-f]{32}\.shtml$", u) for u in links)


# ---------------------------------------------------------------- navigation labels and slugs


def test_column_slugs_and_menu_labels(portal: FixturePortal) -> None:
    slugs = {"zfxxgknb", "gknb", "xxgknb", "zfxxgkndbg"}
    paths = [urlsplit(t["url"]).path for t in portal.truth()]
    for slug in slugs:
        assert any(f"/{slug}/" in p for p in paths), slug
