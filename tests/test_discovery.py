"""Finding the 年报 column and the hubs that lead to it; telling 年报 items from other items."""

from __future__ import annotations

from urllib.parse import urljoin

import pytest

from spiders.discovery import Link, find_columns, find_hubs, find_subcolumns
from spiders.listing import classify_title, datastore_items, is_detail_url, is_item_link, join_url, list_items, parse_tree


def test_column_found_by_label_among_chrome_links():
    links = [Link("http://h/", "首页"), Link("http://h/zwgk/zfxxgk/zfxxgkzn/", "政府信息公开指南"),
             Link("http://h/zwgk/zfxxgk/zfxxgknb/index.html", "政府信息公开年报"),
             Link("http://h/zwgk/zfxxgk/ysqgk/", "依申请公开")]
    assert [c.url for c in find_columns(links)] == ["http://h/zwgk/zfxxgk/zfxxgknb/index.html"]


def test_report_titles_are_not_columns():
    links = [Link("http://h/a/202301/t20230101_1.html", "青岚市2022年政府信息公开工作年度报告")]
    assert find_columns(links) == []


def test_column_found_by_slug_with_a_generic_label():
    links = [Link("http://h/xxgk/gknb/index.shtml", "年度报告"), Link("http://h/xxgk/zcwj/", "政策文件")]
    assert [c.url for c in find_columns(links)] == ["http://h/xxgk/gknb/index.shtml"]


def test_hubs_ranked_政府信息公开_first():
    links = [Link("http://h/zwgk/", "政务公开"), Link("http://h/zwgk/zfxxgk/", "政府信息公开"),
             Link("http://h/news/", "新闻中心")]
    assert [h.url for h in find_hubs(links)] == ["http://h/zwgk/zfxxgk/", "http://h/zwgk/"]


@pytest.mark.parametrize(("title", "is_report"), [
    ("青岚市教育局2022年政府信息公开工作年度报告", True),
    ("白沙镇2016年政府信息公开年报", True),
    ("云溪区民政局2017年度政府信息公开工作报告", True),
    ("青岚市2023年政府工作报告", False),
    ("青岚市2022年政府信息公开工作年度报告解读", False),
    ("关于做好2022年政府信息公开工作年度报告编制工作的通知", False),
    ("青岚市2023年政务公开工作要点", False),
    ("青岚市人民政府信息公开指南", False),
])
def test_classify_title(title, is_report):
    assert (classify_title(title) is not None) is is_report


@pytest.mark.parametrize(("url", "detail"), [
    ("http://h/zwgk/zfxxgknb/202302/t20230215_123456.html", True),
    ("http://h/art/2023/2/15/art_1234_98765.html", True),
    ("http://h/attach/0/report.pdf", True),
    ("http://h/module/download/downfile.jsp?classid=0&filename=ab.pdf", True),
    ("http://h/zwgk/zfxxgknb/index_1.html", False),
    ("http://h/col/col1234/index.html", False),
])
def test_detail_url_shapes(url, detail):
    assert is_detail_url(url) is detail


@pytest.mark.parametrize(("url", "text", "item"), [
    # a URL shape no rule names, titled as one year's report: an item
    ("http://x.gov.cn/xxgk/ndbg/20250114/3f2b1c4e-8d7a-4b6e-9c1d-2a3b4c5d6e7f.html",
     "青山区人民政府2024年政府信息公开工作年度报告", True),
    ("http://x.gov.cn/info/iDetail.jsp?node_id=GK&id=1234", "2024年度政府信息公开工作年度报告", True),
    ("http://x.gov.cn/xxgk/show/77.html", "2023 年政府信息公开年报", True),
    ("http://x.gov.cn/xxgk/show/78.html", "二〇二二年政府信息公开工作年度报告", True),
    ("http://x.gov.cn/xxgk/show/79.html", "２０２１年度政府信息公开工作年度报告", True),
    # the same titles on a list's own URLs: a year folder, an index page, a pager
    ("http://x.gov.cn/xxgk/ndbg/2024/", "2024年政府信息公开工作年度报告", False),
    ("http://x.gov.cn/xxgk/ndbg/2024/index.html", "2024年政府信息公开工作年度报告", False),
    ("http://x.gov.cn/info/list.jsp?cat_id=2024", "2024年政府信息公开工作年度报告", False),
    ("http://x.gov.cn/info/iList.jsp?cat_id=1&cur_page=2", "2024年政府信息公开工作年度报告", False),
    # no year, or not a report: not an item unless its URL has a detail shape
    ("http://x.gov.cn/info/iDetail.jsp?id=9", "政府信息公开工作年度报告", False),
    ("http://x.gov.cn/info/iDetail.jsp?id=9", "关于2024年政府信息公开工作年度报告的解读", False),
    ("http://x.gov.cn/xxgk/202501/t20250114_9.html", "关于2024年政府信息公开工作年度报告的解读", True),
])
def test_item_links_by_url_shape_or_by_a_report_title(url, text, item):
    assert is_item_link(url, text) is item


def test_a_report_titled_link_of_unknown_shape_is_an_item_not_a_year_folder():
    page = "http://x.gov.cn/info/ndbg/index.html"
    tree = parse_tree("<ul><li><a href='iDetail.jsp?id=41'>2024年政府信息公开工作年度报告</a></li>"
                      "<li><a href='2023/'>2023年</a></li></ul>")
    assert [i.url for i in list_items(page, tree)] == ["http://x.gov.cn/info/ndbg/iDetail.jsp?id=41"]
    links = [Link(urljoin(page, "iDetail.jsp?id=41"), "2024年政府信息公开工作年度报告"),
             Link(urljoin(page, "2023/"), "2023年")]
    assert [link.url for link in find_subcolumns(page, links)] == ["http://x.gov.cn/info/ndbg/2023/"]


def test_list_items_prefer_full_title_attribute():
    html = '<ul><li><a href="./202302/t20230215_1.html" title="青岚市2022年政府信息公开工作年度报告">青岚市2022年…</a></li></ul>'
    items = list_items("http://h/nb/index.html", parse_tree(html))
    assert [(i.url, i.title) for i in items] == [("http://h/nb/202302/t20230215_1.html", "青岚市2022年政府信息公开工作年度报告")]


def test_datastore_records_including_junk():
    text = """<datastore><totalrecord>2</totalrecord><recordset>
      <record><![CDATA[<li><a href='/art/2023/2/15/art_1_2.html' title='年报'>x</a></li>]]></record>
      <record><![CDATA[<li><span>无链接脏数据</span></li>]]></record></recordset></datastore>"""
    assert [i.url for i in datastore_items("http://h/module/web/jpage/dataproxy.jsp", text)] == [
        "http://h/art/2023/2/15/art_1_2.html"]


def test_datastore_entities_are_never_expanded():
    bomb = ('<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
            "<datastore><recordset><record><![CDATA[<li><a href='/art/2023/1/1/art_1_1.html'>&b;</a></li>]]></record>"
            "</recordset></datastore>")
    items = datastore_items("http://h/", bomb)
    assert len(items) == 1 and "aaaa" not in items[0].title


def test_subcolumns_year_folders_and_township_columns():
    from spiders.discovery import find_subcolumns

    column = "http://h/zwgk/zfxxgk/zfxxgknb/index.html"
    links = [Link("http://h/zwgk/zfxxgk/zfxxgknb/gknb2017/", "2017年"),
             Link("http://h/zwgk/zfxxgk/zfxxgknb/2018nb/index.html", "2018年度"),
             Link("http://h/zwgk/xzjd/bsz/zfxxgknb/", "白沙镇"),
             Link("http://h/zwgk/zfxxgk/zfxxgknb/index_1.html", "2"),
             Link("http://h/zwgk/zfxxgk/zfxxgknb/201801/t20180120_1.html", "2017年政府信息公开年报"),
             Link("http://h/zwgk/zfxxgk/zfxxgkzn/", "政府信息公开指南")]
    assert [s.url for s in find_subcolumns(column, links)] == [
        "http://h/zwgk/zfxxgk/zfxxgknb/gknb2017/",
        "http://h/zwgk/zfxxgk/zfxxgknb/2018nb/index.html",
        "http://h/zwgk/xzjd/bsz/zfxxgknb/",
    ]


def test_attachment_links_from_raw_bytes_in_any_encoding():
    from nianbao.pages import attachment_ext
    from spiders.listing import attachment_links

    body = ('<p>附件：<a href="./P020240329.pdf">青岚市2023年年报.pdf</a> '
            '<a href="/module/download/downfile.jsp?classid=0&amp;filename=ab12.docx">下载</a>'
            '<a href="/other.html">其他</a></p>').encode("gb18030")
    assert attachment_links("http://h/nb/202403/t20240329_1.html", body, attachment_ext) == [
        ("http://h/nb/202403/P020240329.pdf", "青岚市2023年年报.pdf"),
        ("http://h/module/download/downfile.jsp?classid=0&filename=ab12.docx", "下载"),
    ]


def test_files_shown_in_frames_embeds_and_viewers_are_attachments():
    from nianbao.pages import attachment_ext
    from spiders.listing import attachment_links

    body = ('<div id="zoom"><iframe src="/static/pdfjs/web/viewer.html?file=%2Fuploads%2F2024%2F年报.pdf" '
            'title="青岚市2024年年报"></iframe><embed src="../files/b.pdf" type="application/pdf">'
            "<object data='c.docx'></object><iframe src='/video/player.html?id=3'></iframe>"
            '<a href="/pdfjs/web/viewer.html?file=../../uploads/d.pdf">在线预览</a></div>').encode()
    assert attachment_links("http://h/nb/202403/t20240329_1.html", body, attachment_ext) == [
        ("http://h/uploads/d.pdf", "在线预览"),  # a viewer's file is read relative to the viewer
        ("http://h/uploads/2024/年报.pdf", "青岚市2024年年报"),
        ("http://h/nb/files/b.pdf", ""),
        ("http://h/nb/202403/c.docx", ""),
    ]


@pytest.mark.parametrize(("url", "shown"), [
    ("http://h/static/pdfjs/web/viewer.html?file=/u/a.pdf", "http://h/u/a.pdf"),
    ("http://h/static/pdfjs/web/viewer.html?file=http%3A%2F%2Fh%2Fu%2Fb.pdf%3Fv%3D2", "http://h/u/b.pdf?v=2"),
    ("http://h/common/preview.html?url=../u/c.docx", "http://h/u/c.docx"),
    ("http://h/module/download/downfile.jsp?classid=0&filename=a.pdf", None),  # the download itself
    ("http://h/static/pdfjs/web/viewer.html?file=/u/page.html", None),
    ("http://h/static/pdfjs/web/viewer.html?file=javascript:alert(1)//a.pdf", None),
])
def test_the_file_an_online_viewer_shows(url, shown):
    from nianbao.pages import viewed_file

    assert viewed_file(url) == shown


BASES = ["http://h/a/b/index_1.shtml", "http://h/a/b/", "http://h/a/b", "http://h/", "http://h",
         "http://h/a/list.asp?page=2&x=1", "http://h:8080/a/b.jsp;jsessionid=1?x#f", "https://h/a/b/c.html#frag",
         "http://h?x=1", "http://h/a//b/c"]
HREFS = ["x.html", "../y.html", "../../../../z", "/abs", "//other/p", "?page=3", "#top", "./", "..", ".",
         "http://o/p", "a?b=1", "a#c", ";p=1", "?", "foo/bar/../baz", "", "mailto:x", " x", "%E4%B8%AD.html"]


@pytest.mark.parametrize("base", BASES)
def test_cached_link_joining_is_exactly_urljoin(base):
    """List links are joined per directory from a cache; the result must never differ from urljoin."""
    assert [join_url(base, href) for href in HREFS] == [urljoin(base, href) for href in HREFS]
