"""The layouts site crawled end to end: lists whose rows sit in the markup, a comment, a script's array
or a datastore; reports in every real metadata layout; a page drawn by JavaScript, whose data endpoint
the spider fetches and extraction reads. Plus the spider's readers of such lists, on their own."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from fixture_portal import FixturePortal
from nianbao.pages import MAX_SCRIPT_STRINGS, is_js_shell, js_data_url, page_size, script_rows
from spiders.listing import comment_items, script_items, script_string_rows
from tests.conftest import crawl

FIELDS = ("title", "index_no", "issuer", "topic", "written_date", "publish_date", "doc_no", "validity", "keywords")
PAGE = "http://www.qingyuan.gov.cn/xxgk/gknb/index.html"


@pytest.fixture(scope="module")
def layouts() -> Iterator[FixturePortal]:
    with FixturePortal(families=(), variants=True) as portal:
        yield portal


@pytest.fixture(scope="module")
def crawled(layouts: FixturePortal, tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("layouts") / "nianbao.db"
    crawl(db, *layouts.homepages())
    return db


def versions(db: Path) -> dict[str, dict[str, object]]:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        sql = ("select d.url, d.kind, p.url as parent, v.* from documents d join versions v on v.id = d.current_version_id"
               " left join documents p on p.id = d.parent_id")
        return {row["url"]: dict(row) for row in conn.execute(sql)}
    finally:
        conn.close()


def test_every_report_of_every_list_layout_is_archived(layouts: FixturePortal, crawled: Path) -> None:
    pages = {url for url, v in versions(crawled).items() if v["kind"] == "page"}
    assert pages == {t["url"] for t in layouts.truth()}


def test_every_list_layout_has_a_page_of_the_column(layouts: FixturePortal) -> None:
    from fixture_portal.pieces import list_chunks
    from fixture_portal.variants import LISTS, PER_PAGE

    assert len(list_chunks(layouts.apps["qingyuan"].ctx.docs, PER_PAGE)) >= len(LISTS)


def test_each_layout_gives_the_metadata_it_shows(layouts: FixturePortal, crawled: Path) -> None:
    archived = versions(crawled)
    for truth in layouts.truth():
        got = archived[str(truth["url"])]
        assert {f: got[f] for f in FIELDS} == {f: truth[f] for f in FIELDS}, truth["shape"]
        assert json.loads(str(got["metadata_rules"])) or truth["shape"]["body"] == "js-shell"


def test_a_page_drawn_by_javascript_gets_its_text_from_its_data(layouts: FixturePortal, crawled: Path) -> None:
    archived = versions(crawled)
    shell = next(t for t in layouts.truth() if t["shape"]["body"] == "js-shell")
    page = archived[str(shell["url"])]
    assert "js_shell" in json.loads(str(page["flags"])) and page["text"] is None
    data = next(v for v in archived.values() if v["parent"] == shell["url"])
    assert (data["kind"], data["content_type"], data["stage"]) == ("attachment", "json", "json:content")
    document = layouts.document(str(shell["url"]))
    assert data["title"] == document.title and data["report_year"] == document.report_year
    assert all(p.text in str(data["text"]) for p in document.blocks if hasattr(p, "text"))


# -- the readers, on their own ---------------------------------------------------------------

ROWS = [(f"青源市第{n}单位2023年政府信息公开工作年度报告", f"./202401/t202401{n:02d}_{n}.html") for n in range(1, 5)]


def test_rows_left_in_a_comment_are_items() -> None:
    listed = "".join(f"<li><a href='{href}' title='{title}'>{title}</a><b>2024-01-01</b></li>" for title, href in ROWS)
    html = f"<ul class='live'></ul><!--<ul>{listed}</ul>--><!-- <td>索引号</td> -->"
    assert [(i.title, i.url.rsplit("/", 1)[1]) for i in comment_items(PAGE, html)] == [
        (title, href.rsplit("/", 1)[1]) for title, href in ROWS]


def test_rows_in_a_script_array_are_items_and_rows() -> None:
    data = [{"title": title, "pubDate": "2024-01-05 10:00", "images": [{"filePath": "/u/1.jpeg"}],
             "urls": json.dumps({"pc": href})} for title, href in ROWS]
    script = f"var listData = {{articleList: {json.dumps(data, ensure_ascii=False)}}}; var p = {{perPage: '3'}};"
    assert [row[0] for row in script_rows(script)] == [title for title, _ in ROWS] and page_size(script) == 3
    items = script_items(PAGE, f"<script>{script}</script>")
    assert [i.url for i in items] == [f"http://www.qingyuan.gov.cn/xxgk/gknb/{h[2:]}" for _, h in ROWS]


def test_javascript_keys_without_quotes_are_read() -> None:
    script = "var rows = [{title: '" + ROWS[0][0] + "', url: '/a/1.html'}, {title: '" + ROWS[1][0] + "', url: '/a/2.html'}];"
    assert [row[1] for row in script_rows(script.replace("'", '"'))] == ["/a/1.html", "/a/2.html"]


def test_rows_written_by_script_from_strings_are_items() -> None:
    """TRS rows written from string variables (``var url = …; var title = …; document.writeln(…)``), the
    title before or after its URL; an asset's URL next to a report title is no item."""
    rows = "".join(f"<li><script>var url = '{href}'; var title = '{title}'; var FILENUM = '';"
                   f" document.writeln(\"<a href='\" + url + \"'>\" + title.substring(0, 12) + '</a>');</script></li>"
                   for title, href in ROWS[:2])
    reversed_row = f'<script>var t = "{ROWS[2][0]}"; var u = "/info/iDetail.jsp?id=3"; document.write(t);</script>'
    asset = f"<script>var lib = '/js/jquery.min.js'; var t = '{ROWS[3][0]}';</script>"
    items = script_items(PAGE, rows + reversed_row + asset)
    assert [(i.title, i.url) for i in items] == [
        (ROWS[0][0], "http://www.qingyuan.gov.cn/xxgk/gknb/202401/t20240101_1.html"),
        (ROWS[1][0], "http://www.qingyuan.gov.cn/xxgk/gknb/202401/t20240102_2.html"),
        (ROWS[2][0], "http://www.qingyuan.gov.cn/info/iDetail.jsp?id=3"),
    ]


def test_a_script_of_thousands_of_strings_is_not_read_for_rows() -> None:
    noise = "".join(f"var s{n} = 'x{n}';" for n in range(MAX_SCRIPT_STRINGS))
    script = f"{noise} var url = '/info/iDetail.jsp?id=3'; var title = '{ROWS[0][0]}';"
    assert script_string_rows(script) == []
    assert script_string_rows(script[len(noise):]) == [(ROWS[0][0], "/info/iDetail.jsp?id=3")]


def test_a_shell_and_its_data_endpoint() -> None:
    shell = ("<div id='app'><h1>{{ title }}</h1><div>{{ content }}</div></div>"
             "<script src='/js/vue.js'></script><script>$.ajax({url: '/xxgk/data/12.json', dataType: 'json'})</script>")
    assert is_js_shell(shell) and js_data_url(PAGE, shell) == "http://www.qingyuan.gov.cn/xxgk/data/12.json"
    assert not is_js_shell("<p>正文</p><script>var t = '{{x}} {{y}}';</script>")
    assert js_data_url(PAGE, "<script>$.ajax({url: '/js/app.js'})</script>") is None
