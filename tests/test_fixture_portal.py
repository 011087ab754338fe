"""The fixture portal, fetched over real HTTP the way a crawler would see it."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import httpx
import lxml.html
import pytest

from fixture_portal import FixturePortal

ROOT = Path(__file__).resolve().parents[1]
# The two original families; the other families have their own test modules.
LEGACY = ("trs", "hanweb")
# Chrome phrases that must never reach an archived body (listed here, independent of the generator).
CHROME = ("当前位置", "字号", "打印本页", "关闭窗口", "扫一扫在手机打开当前页", "返回顶部", "版权所有",
          "ICP备", "网站标识码", "分享到", "我要纠错", "责任编辑", "网站地图", "无障碍", "长者模式",
          "相关链接")
# Chrome every detail page carries somewhere outside its body.
PAGE_CHROME = ("字号", "打印本页", "关闭窗口", "扫一扫在手机打开当前页", "返回顶部", "版权所有", "ICP备",
               "网站标识码", "分享到", "网站地图", "无障碍", "长者模式")
DATASTORE_FORM = {"col": "1", "appid": "1", "webid": "1", "path": "/", "columnid": "1234",
                  "sourceContentType": "1", "unitid": "7654", "webname": "云溪区人民政府",
                  "permissiontype": "0"}


# ---------------------------------------------------------------- fixtures and helpers

@pytest.fixture(scope="module")
def portal() -> Iterator[FixturePortal]:
    """A portal nobody mutates (tests that edit or remove start their own)."""
    with FixturePortal(seed=7, families=LEGACY) as running:
        yield running


@pytest.fixture(scope="module")
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=10, trust_env=False) as c:
        yield c


def decode(response: httpx.Response, site: str) -> str:
    """Page text, decoded strictly in the site's real encoding (never errors='replace')."""
    return response.content.decode("gb18030" if site == "qinglan" else "utf-8", errors="strict")


def parse(response: httpx.Response, site: str) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(decode(response, site))


def link_by_text(doc: lxml.html.HtmlElement, base: str, text: str) -> str:
    """The first link whose text is exactly ``text``."""
    hrefs = doc.xpath("//a[normalize-space(.)=$t]/@href", t=text)
    assert hrefs, f"no link labelled {text!r}"
    return urljoin(base, hrefs[0])


def walk(client: httpx.Client, url: str, site: str, *labels: str) -> tuple[str, httpx.Response]:
    """Follow links by label from ``url``; return the final URL and response."""
    response = client.get(url)
    for label in labels:
        url = link_by_text(parse(response, site), url, label)
        response = client.get(url)
        assert response.status_code == 200, url
    return url, response


def trs_list_links(client: httpx.Client, portal: FixturePortal) -> tuple[list[str], int]:
    """Homepage → 政务公开 → 政府信息公开 → 年报 column → every list page; return detail links."""
    site = portal.sites["qinglan"]
    url, response = walk(client, site.homepage, "qinglan", "政务公开", "政府信息公开", "政府信息公开年报")
    match = re.search(r'createPageHTML\((\d+), (\d+), "index", "html"\)', decode(response, "qinglan"))
    assert match and match.group(2) == "0"
    count, links = int(match.group(1)), []
    for k in range(count):
        page_url = urljoin(url, "index.html" if k == 0 else f"index_{k}.html")
        page = client.get(page_url)
        assert page.status_code == 200
        items = parse(page, "qinglan").xpath('//ul[@class="list-ul"]/li/a')
        assert 1 <= len(items) <= 10
        links += [urljoin(page_url, a.get("href")) for a in items]
    return links, count


def records_of(xml: str) -> list[str]:
    return re.findall(r"<record><!\[CDATA\[(.*?)\]\]></record>", xml, re.S)


def record_links(records: list[str], base: str) -> list[str]:
    return [urljoin(base, m.group(1)) for r in records if (m := re.search(r"href='([^']+)'", r))]


def post_group(client: httpx.Client, base: str, start: int, end: int) -> httpx.Response:
    url = f"{base}/module/web/jpage/dataproxy.jsp?startrecord={start}&endrecord={end}&perpage=15"
    return client.post(url, data=DATASTORE_FORM, headers={"X-Requested-With": "XMLHttpRequest"})


def body_paragraphs(zoom: lxml.html.HtmlElement) -> list[str]:
    """Non-empty ``<p>`` texts of a body, outside tables."""
    texts = (p.text_content().strip() for p in zoom.iter("p") if not p.xpath("ancestor::table"))
    return [t for t in texts if t]


def grid(table: lxml.html.HtmlElement) -> list[list[str]]:
    """A served table with rowspan/colspan expanded (written here, independent of the generator)."""
    cells: dict[tuple[int, int], str] = {}
    for r, tr in enumerate(table.xpath(".//tr")):
        c = 0
        for td in tr.xpath("./td|./th"):
            while (r, c) in cells:
                c += 1
            rs, cs = int(td.get("rowspan", 1)), int(td.get("colspan", 1))
            for i in range(rs):
                for j in range(cs):
                    cells[(r + i, c + j)] = td.text_content().strip()
            c += cs
    rows, cols = max(r for r, _ in cells) + 1, max(c for _, c in cells) + 1
    return [[cells.get((r, c), "") for c in range(cols)] for r in range(rows)]


def number(cell: str) -> int:
    return int(cell) if cell else 0


def applications_balanced(table: list[list[str]]) -> bool:
    """表三: 一+二 = 总计+四 per column, 总计 = sum of results, row 总计 = sum of applicants."""
    rows = {row[0][:2]: [number(v) for v in row[3:]] for row in table[3:] if not row[0].startswith("三、")}
    results = [[number(v) for v in row[3:]] for row in table[3:]
               if row[0].startswith("三、") and row[1] != "（七）总计"]
    total = next([number(v) for v in row[3:]] for row in table[3:] if row[1] == "（七）总计")
    columns = range(7)
    identity = all(rows["一、"][c] + rows["二、"][c] == total[c] + rows["四、"][c] for c in columns)
    sums = all(total[c] == sum(r[c] for r in results) for c in columns)
    row_totals = all(r[6] == sum(r[:6]) for r in [*rows.values(), *results, total])
    return identity and sums and row_totals


def reviews_balanced(table: list[list[str]]) -> bool:
    """表四: each block's 总计 is the sum of its first four values."""
    values = [number(v) for v in table[-1]]
    return len(values) == 15 and all(values[b + 4] == sum(values[b:b + 4]) for b in (0, 5, 10))


def applications_table(tables: list[list[list[str]]]) -> list[list[str]]:
    return next(t for t in tables if t[0][-1] == "申请人情况")


# ---------------------------------------------------------------- navigation and lists

def test_sites_describe_themselves(portal: FixturePortal) -> None:
    sites = portal.sites
    assert {s.family for s in sites.values()} == {"trs", "hanweb"}
    assert {s.name: s.encoding for s in sites.values()} == {"qinglan": "gb18030-family", "yunxi": "utf-8"}
    ports = {urlsplit(s.base_url).port for s in sites.values()}
    assert len(ports) == 2
    for s in sites.values():
        assert s.base_url.startswith("http://127.0.0.1:")
        assert s.homepage == s.base_url + "/"
    assert sorted(portal.homepages()) == sorted(s.homepage for s in sites.values())


def test_trs_lists_link_exactly_the_column_items(portal: FixturePortal, client: httpx.Client) -> None:
    links, pages = trs_list_links(client, portal)
    base = portal.sites["qinglan"].base_url
    reports = {t["url"] for t in portal.truth() if t["site"] == "qinglan"}
    others = {u for u in portal.non_reports() if u.startswith(base)}
    dead = {e["url"] for e in portal.expected_errors()}
    assert pages >= 3
    assert len(links) == len(set(links)) == len(reports) + len(others) + len(dead)
    assert set(links) == reports | others | dead
    assert not reports & others and len(dead) == 1
    assert all(re.search(r"/zwgk/zfxxgk/zfxxgknb/\d{6}/t\d{8}_\d+\.html$", u) for u in links)


def test_trs_pager_is_rendered_and_scripted(portal: FixturePortal, client: httpx.Client) -> None:
    column = portal.sites["qinglan"].base_url + "/zwgk/zfxxgk/zfxxgknb/"
    page = parse(client.get(column + "index_1.html"), "qinglan")
    pager = page.xpath('//div[@class="page"]')[0]
    labels = {a.text_content(): a.get("href") for a in pager.xpath(".//a")}
    assert labels["首页"] == "index.html" and labels["上一页"] == "index.html"
    assert labels["下一页"] == "index_2.html" and labels["尾页"].startswith("index_")
    assert 'createPageHTML(' in pager.xpath(".//script")[0].text
    assert client.get(column + "index_99.html").status_code == 404


def test_hanweb_column_embeds_first_group_and_proxy_serves_the_rest(portal: FixturePortal,
                                                                      client: httpx.Client) -> None:
    site = portal.sites["yunxi"]
    url, response = walk(client, site.homepage, "yunxi", "信息公开", "政府信息公开年报")
    assert url == site.base_url + "/col/col1234/index.html"
    html = decode(response, "yunxi")
    embedded = records_of(html)
    total = int(re.search(r"totalRecord:(\d+)", html).group(1))
    assert len(embedded) == 45 and total >= 100
    assert "perPage:15" in html and "groupSize:3" in html and "var param_7654=" in html
    records = list(embedded)
    for start in range(46, total + 1, 45):
        reply = post_group(client, site.base_url, start, start + 44)
        assert reply.status_code == 200 and reply.headers["content-type"].startswith("text/xml")
        xml = reply.content.decode("utf-8")
        assert f"<totalrecord>{total}</totalrecord>" in xml
        assert f"<totalpage>{-(-total // 15)}</totalpage>" in xml
        group = records_of(xml)
        assert len(group) == min(45, total - start + 1)
        records += group
    assert len(records) == total
    assert records.count("<li><span>无链接脏数据</span></li>") == 1
    links = record_links(records, site.base_url)
    reports = {t["url"] for t in portal.truth() if t["site"] == "yunxi"}
    others = {u for u in portal.non_reports() if u.startswith(site.base_url)}
    assert len(links) == len(set(links)) == total - 1
    assert set(links) == reports | others
    assert all(re.search(r"/art/\d{4}/[1-9]\d?/[1-9]\d?/art_1234_\d+\.html$", u) for u in links)


def test_hanweb_proxy_get_is_empty_and_unknown_column_has_no_records(portal: FixturePortal,
                                                                       client: httpx.Client) -> None:
    base = portal.sites["yunxi"].base_url
    got = client.get(base + "/module/web/jpage/dataproxy.jsp?page=1&columnid=1234&unitid=7654")
    assert got.status_code == 200 and len(got.content) == 54 and "<record>" not in got.text
    form = {**DATASTORE_FORM, "columnid": "999"}
    other = client.post(base + "/module/web/jpage/dataproxy.jsp?startrecord=1&endrecord=45&perpage=15",
                        data=form)
    assert "<totalrecord>0</totalrecord>" in other.text and not records_of(other.text)
    bad = client.post(base + "/module/web/jpage/dataproxy.jsp?startrecord=x", data=DATASTORE_FORM)
    assert bad.status_code == 400


# ---------------------------------------------------------------- detail pages against the truth

def test_every_report_page_matches_its_truth(portal: FixturePortal, client: httpx.Client) -> None:
    truth = portal.truth()
    assert len(truth) >= 100
    for entry in truth:
        response = client.get(entry["url"])
        assert response.status_code == 200, entry["url"]
        page = parse(response, entry["site"])
        zoom = page.get_element_by_id("zoom")
        assert body_paragraphs(zoom) == entry["paragraphs"], entry["url"]
        assert [grid(t) for t in zoom.iter("table")] == entry["tables"], entry["url"]
        assert page.xpath("string(//h1)") == entry["title"]
        text = page.text_content()
        for value in (entry["index_no"], entry["issuer"], entry["publish_date"], entry["topic"]):
            assert value in text
        assert "2026-11-23 星期一" in text
        assert all(phrase in text for phrase in PAGE_CHROME), entry["url"]
        for style in zoom.iter("style"):
            style.drop_tree()
        assert not [p for p in CHROME if p in zoom.text_content()], entry["url"]


def test_truth_paragraphs_hold_no_chrome_and_the_searchable_phrases(portal: FixturePortal) -> None:
    paragraphs = [p for t in portal.truth() for p in t["paragraphs"]]
    assert not [p for p in paragraphs if any(c in p for c in CHROME)]
    for phrase in ("依申请公开", "政府信息公开", "主动公开"):
        assert sum(phrase in p for p in paragraphs) > 50


def test_truth_metadata_is_well_formed(portal: FixturePortal) -> None:
    truth = portal.truth()
    for t in truth:
        year = t["report_year"]
        assert t["title"] == f"{t['issuer']}{year}年政府信息公开工作年度报告" or t["layout"] == "pre2019"
        assert str(year) in t["title"] and t["issuer"] in t["title"]
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", t["publish_date"])
        assert int(t["publish_date"][:4]) == year + 1 and t["publish_date"][5:7] in ("01", "02", "03")
        assert t["written_date"] is None or t["written_date"] <= t["publish_date"]
        assert re.fullmatch(r"(11\d{6}MB\d{7}[0-9X]|0\d{8})/\d{4}-\d{5}", t["index_no"])
        assert t["doc_no"] is None and t["topic"] == "综合政务\\政务公开"
        expected = "2021" if year >= 2021 else "2019" if year >= 2019 else "pre2019"
        assert t["layout"] == expected
    assert {t["layout"] for t in truth} == {"2019", "2021", "pre2019"}
    assert {t["family"] for t in truth} == {"trs", "hanweb"}


def test_pre2019_reports_keep_period_contact_and_signature(portal: FixturePortal) -> None:
    early = [t for t in portal.truth() if t["layout"] == "pre2019"]
    assert len(early) >= 10
    for t in early:
        text = "".join(t["paragraphs"])
        year = t["report_year"]
        assert f"统计期限自{year}年1月1日起至{year}年12月31日止" in text
        assert "联系电话" in text and "四、政府信息公开的收费及减免情况" in t["paragraphs"]
        signer, signed = t["paragraphs"][-2:]
        assert signer.endswith(("办公室", "局", "人民政府", "办事处"))
        assert re.fullmatch(rf"{year + 1}年\d{{1,2}}月\d{{1,2}}日", signed)


def test_table_balances_hold_except_in_the_one_marked_broken(portal: FixturePortal) -> None:
    modern = [t for t in portal.truth() if t["layout"] in ("2019", "2021")]
    broken = [t for t in modern if not t["balance_ok"]]
    assert len(broken) == 1
    for t in modern:
        applications = applications_table(t["tables"])
        assert len(applications) == (28 if t["layout"] == "2021" else 26)
        assert applications_balanced(applications) is t["balance_ok"], t["url"]
        reviews = t["tables"][-1]
        assert len(reviews) == 4 and reviews_balanced(reviews)


def test_layout_differences_in_the_tables(portal: FixturePortal) -> None:
    by_layout = {t["layout"]: t for t in portal.truth() if t["layout"] != "pre2019"}
    article20_2019, article20_2021 = by_layout["2019"]["tables"][0], by_layout["2021"]["tables"][0]
    assert any(row[0] == "第二十条第（九）项" for row in article20_2019)
    assert not any(row[0] == "第二十条第（九）项" for row in article20_2021)
    assert ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"] in article20_2021
    other_2021 = [r for r in applications_table(by_layout["2021"]["tables"]) if r[1] == "（六）其他处理"]
    other_2019 = [r for r in applications_table(by_layout["2019"]["tables"]) if r[1] == "（六）其他处理"]
    assert len(other_2021) == 3 and len(other_2019) == 1


# ---------------------------------------------------------------- encodings

def test_trs_pages_are_gbk_with_characters_outside_gb2312(portal: FixturePortal,
                                                          client: httpx.Client) -> None:
    reports = [t for t in portal.truth() if t["site"] == "qinglan"]
    needs_gbk = [t for t in reports if any(not_gb2312(p) for p in t["paragraphs"])]
    assert needs_gbk
    response = client.get(needs_gbk[0]["url"])
    assert response.content.decode("gb18030", errors="strict")
    with pytest.raises(UnicodeDecodeError):
        response.content.decode("gb2312", errors="strict")
    with pytest.raises(UnicodeDecodeError):
        response.content.decode("utf-8", errors="strict")
    assert b'charset=gb2312"' in response.content


def not_gb2312(text: str) -> bool:
    try:
        text.encode("gb2312")
    except UnicodeEncodeError:
        return True
    return False


def test_one_trs_report_has_a_lying_charset_header(portal: FixturePortal, client: httpx.Client) -> None:
    lying = [t for t in portal.truth() if t["encoding_note"]]
    assert [t["encoding_note"] for t in lying] == ["header says utf-8, bytes are GBK"]
    response = client.get(lying[0]["url"])
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    with pytest.raises(UnicodeDecodeError):
        response.content.decode("utf-8", errors="strict")
    assert lying[0]["title"] in response.content.decode("gb18030", errors="strict")
    honest = [t for t in portal.truth() if t["site"] == "qinglan" and not t["encoding_note"]]
    assert client.get(honest[0]["url"]).headers["content-type"] == "text/html; charset=gb2312"


def test_hanweb_pages_are_utf8_with_three_part_titles(portal: FixturePortal, client: httpx.Client) -> None:
    entry = next(t for t in portal.truth() if t["site"] == "yunxi")
    response = client.get(entry["url"])
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    html = response.content.decode("utf-8", errors="strict")
    assert f"<title>{entry['title']} 青岚市政府信息公开年报 云溪区人民政府</title>" in html
    assert "<!--<$[信息内容]>begin-->" in html and "<!--<$[信息内容]>end-->" in html
    assert "<li><label>索引号：</label>" in html


# ---------------------------------------------------------------- HTTP behaviour

def test_dead_link_and_unknown_paths_answer_404(portal: FixturePortal, client: httpx.Client) -> None:
    (dead,) = portal.expected_errors()
    assert dead["kind"] == "not_found"
    assert client.get(dead["url"]).status_code == 404
    for site in portal.sites.values():
        missing = client.get(site.base_url + "/no/such/page.html")
        assert missing.status_code == 404 and "页面不存在" in decode(missing, site.name)


def test_conditional_requests_answer_304(portal: FixturePortal, client: httpx.Client) -> None:
    for site in ("qinglan", "yunxi"):
        url = next(t["url"] for t in portal.truth() if t["site"] == site)
        first = client.get(url)
        etag, modified = first.headers["etag"], first.headers["last-modified"]
        assert etag.startswith('"') and modified.endswith("GMT")
        by_tag = client.get(url, headers={"If-None-Match": etag})
        assert by_tag.status_code == 304 and by_tag.content == b"" and by_tag.headers["etag"] == etag
        assert client.get(url, headers={"If-Modified-Since": modified}).status_code == 304
        old = "Mon, 01 Jan 2001 00:00:00 GMT"
        assert client.get(url, headers={"If-Modified-Since": old}).status_code == 200
        mismatch = {"If-None-Match": '"other"', "If-Modified-Since": modified}
        assert client.get(url, headers=mismatch).status_code == 200


def test_robots_and_failure_endpoints(portal: FixturePortal, client: httpx.Client) -> None:
    base = portal.sites["yunxi"].base_url
    robots = client.get(base + "/robots.txt").text
    assert "User-agent: *" in robots and "Disallow: /search/" in robots
    assert client.get(base + "/status/503").status_code == 503
    moved = client.get(base + "/status/301")
    assert moved.status_code == 301 and moved.headers["location"] == "/"
    assert client.get(base + "/status/abc").status_code == 400
    slow = client.get(base + "/slow?s=0.2")
    assert slow.status_code == 200 and "slept 0.2" in slow.text
    huge = client.get(base + "/huge?mb=2")
    assert len(huge.content) == 2 * 1024 * 1024 and huge.content.endswith(b"</html>\n")
    wrong = client.get(base + "/wrong-charset")
    assert wrong.headers["content-type"] == "text/html; charset=utf-8"
    with pytest.raises(UnicodeDecodeError):
        wrong.content.decode("utf-8", errors="strict")
    assert "王镕" in wrong.content.decode("gbk")
    assert client.post(base + "/", data={"a": "1"}).status_code == 405


def test_request_log_records_every_request(portal: FixturePortal, client: httpx.Client) -> None:
    site = portal.sites["qinglan"]
    client.get(site.base_url + "/robots.txt?probe=1", headers={"X-Probe": "log-me"})
    method, path, name, headers = portal.request_log[-1]
    assert (method, path, name) == ("GET", "/robots.txt?probe=1", "qinglan")
    assert {k.lower(): v for k, v in headers.items()}["x-probe"] == "log-me"


def test_chrome_links_resolve_and_external_ones_leave_the_portal(portal: FixturePortal,
                                                                  client: httpx.Client) -> None:
    for entry in (next(t for t in portal.truth() if t["site"] == s) for s in ("qinglan", "yunxi")):
        page = parse(client.get(entry["url"]), entry["site"])
        hrefs = [urljoin(entry["url"], h) for h in page.xpath("//a/@href")
                 if not h.startswith(("javascript", "#"))]
        assert len(hrefs) >= 85
        host = urlsplit(entry["url"]).netloc
        external = {u for u in hrefs if urlsplit(u).netloc != host}
        assert "http://www.gov.cn/" in external
        internal = {u for u in hrefs if urlsplit(u).netloc == host and "/search/" not in u}
        assert all(client.get(u).status_code == 200 for u in internal)


# ---------------------------------------------------------------- changes over time

def test_edit_report_changes_body_and_validators(client: httpx.Client) -> None:
    added, replaced = "本报告第二部分数据已于近日更新。", "数据更正说明。"
    with FixturePortal(seed=7, families=LEGACY) as portal:
        for entry in (next(t for t in portal.truth() if t["site"] == s) for s in ("qinglan", "yunxi")):
            url = entry["url"]
            before = client.get(url)
            portal.edit_report(url, text=added)
            after = client.get(url, headers={"If-None-Match": before.headers["etag"]})
            assert after.status_code == 200
            assert after.headers["etag"] != before.headers["etag"]
            assert last_modified(after) > last_modified(before)
            edited = next(t for t in portal.truth() if t["url"] == url)
            assert edited["paragraphs"] == [entry["paragraphs"][0], added, *entry["paragraphs"][1:]]
            zoom = parse(after, entry["site"]).get_element_by_id("zoom")
            assert body_paragraphs(zoom) == edited["paragraphs"]
            portal.edit_report(url, text=replaced)
            again = next(t for t in portal.truth() if t["url"] == url)
            assert again["paragraphs"] == [entry["paragraphs"][0], replaced, *entry["paragraphs"][1:]]
            assert last_modified(client.get(url)) > last_modified(after)


def test_edit_report_refuses_chrome_text(portal: FixturePortal) -> None:
    url = portal.truth()[0]["url"]
    with pytest.raises(ValueError, match="chrome"):
        portal.edit_report(url, text="返回顶部")
    with pytest.raises(KeyError, match="no fixture document"):
        portal.edit_report(url + "x", text="新增段落。")


def last_modified(response: httpx.Response) -> datetime:
    return parsedate_to_datetime(response.headers["last-modified"])


def test_remove_and_restore_report(client: httpx.Client) -> None:
    with FixturePortal(seed=7, families=LEGACY) as portal:
        entry = next(t for t in portal.truth() if t["site"] == "qinglan")
        portal.remove_report(entry["url"])
        assert client.get(entry["url"]).status_code == 404
        assert {"url": entry["url"], "kind": "not_found"} in portal.expected_errors()
        assert next(t for t in portal.truth() if t["url"] == entry["url"])["removed"] is True
        links, _ = trs_list_links(client, portal)
        assert entry["url"] in links
        portal.restore_report(entry["url"])
        assert client.get(entry["url"]).status_code == 200
        assert len(portal.expected_errors()) == 1


def test_advance_clock_changes_the_date_line_only(client: httpx.Client) -> None:
    with FixturePortal(seed=7, families=LEGACY) as portal:
        entry = next(t for t in portal.truth() if t["site"] == "yunxi")
        before = client.get(entry["url"])
        portal.advance_clock(days=1)
        after = client.get(entry["url"])
        assert "2026-11-23 星期一" in before.text and "2026-11-24 星期二" in after.text
        assert "2026-11-23 星期一" not in after.text
        assert after.headers["etag"] == before.headers["etag"]
        zoom = [lxml.html.tostring(parse(r, "yunxi").get_element_by_id("zoom")) for r in (before, after)]
        assert zoom[0] == zoom[1]
        assert client.get(entry["url"], headers={"If-None-Match": before.headers["etag"]}).status_code == 304


# ---------------------------------------------------------------- determinism, scale, lifecycle

def paths_of(portal: FixturePortal) -> list[tuple[str, ...]]:
    return [(urlsplit(t["url"]).path, t["title"], t["index_no"], *t["paragraphs"]) for t in portal.truth()]


def test_content_is_deterministic_from_the_seed() -> None:
    with FixturePortal(seed=7, families=LEGACY) as a, FixturePortal(seed=7, families=LEGACY) as b, \
            FixturePortal(seed=8, families=LEGACY) as c:
        assert paths_of(a) == paths_of(b)
        assert paths_of(a) != paths_of(c)


def test_scale_multiplies_the_items() -> None:
    with FixturePortal(seed=7, families=LEGACY) as small, \
            FixturePortal(seed=7, scale=3, families=LEGACY) as big:
        assert len(big.truth()) == 3 * len(small.truth())
        assert len(big.non_reports()) == 3 * len(small.non_reports())
    with pytest.raises(ValueError, match="scale"):
        FixturePortal(seed=7, scale=0, families=LEGACY)


def test_stop_closes_servers_and_connections() -> None:
    portal = FixturePortal(seed=7, families=LEGACY)
    portal.start()
    url = portal.sites["qinglan"].homepage
    with httpx.Client(trust_env=False) as kept_alive:
        assert kept_alive.get(url).status_code == 200
        portal.stop()
        with pytest.raises(httpx.TransportError):
            kept_alive.get(url)
    with pytest.raises(RuntimeError, match="not running"):
        portal.homepages()


def test_module_entry_point_prints_sites_and_serves(portal: FixturePortal, client: httpx.Client) -> None:
    command = [sys.executable, "-m", "fixture_portal", "--seed", "7", "--families", *LEGACY]
    env = {"PYTHONHASHSEED": "123", "PATH": ""}
    with subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True, env=env) as child:
        try:
            assert child.stdout is not None
            sites = json.loads(child.stdout.readline())["sites"]
            assert set(sites) == {"qinglan", "yunxi"}
            assert all(client.get(url + "/").status_code == 200 for url in sites.values())
            # Same seed, another process and hash seed: the same list page, byte for byte.
            column = "/zwgk/zfxxgk/zfxxgknb/index_1.html"
            served = client.get(sites["qinglan"] + column).content
            assert served == client.get(portal.sites["qinglan"].base_url + column).content
        finally:
            child.terminate()
            child.wait(timeout=10)
    assert child.returncode == 0


def test_a_table_rendered_again_is_the_same_markup():
    """The server keeps rendered tables (immutable) by identity; equal tables render equal markup."""
    from fixture_portal.markup import BodyStyle, render_table
    from fixture_portal.model import Cell, Table

    table = Table(rows=((Cell("项目"), Cell("数量", colspan=2)), (Cell("", nbsp=True), Cell("1"), Cell("2"))))
    plain, word = BodyStyle(image_src=str), BodyStyle(image_src=str, word_cells=True)
    first = render_table(table, plain)
    assert render_table(table, plain) is first  # kept, not rendered again
    assert render_table(Table(rows=table.rows), plain) == first  # an equal table: the same markup
    assert 'colspan="2"' in first and "&nbsp;" in first
    assert render_table(table, word) != first and "nowrap" in render_table(table, word)
