"""Each list-pagination style, on the markup real portals use."""

from __future__ import annotations

import pytest

from spiders.listing import parse_tree
from spiders.pagination import (
    hanweb_jpage,
    next_list_pages,
    rendered_pager_links,
    trs_count_page_var,
    trs_create_page_html,
)

COLUMN = "http://h/zwgk/zfxxgk/zfxxgknb/index.html"


def urls(requests):
    return [r.url for r in requests]


def test_create_page_html_zero_based():
    text = '<script>createPageHTML(4, 0, "index", "html");</script>'
    assert urls(trs_create_page_html(COLUMN, text, None)) == [
        "http://h/zwgk/zfxxgk/zfxxgknb/index_1.html",
        "http://h/zwgk/zfxxgk/zfxxgknb/index_2.html",
        "http://h/zwgk/zfxxgk/zfxxgknb/index_3.html",
    ]


def test_create_page_html_one_based_six_arguments():
    text = 'createPageHTML("page_div", 3, 1, "index", "shtml", 45);'
    assert urls(trs_create_page_html("http://h/gknb/index.shtml", text, None)) == [
        "http://h/gknb/index_2.shtml",
        "http://h/gknb/index_3.shtml",
    ]


def test_create_page_html_with_records_first():
    text = "createPageHTML(118, 12, 0, 'index', 'htm')"
    assert len(trs_create_page_html("http://h/a/index.htm", text, None)) == 11


@pytest.mark.parametrize("text", ["", "createPageHTML()", "createPageHTML(1, 0, 'index', 'html')"])
def test_create_page_html_without_more_pages(text):
    assert trs_create_page_html(COLUMN, text, None) == []


def test_count_page_var():
    text = "var countnum= 40; var currentPage=0; var countPage=4"
    assert urls(trs_count_page_var("http://h/x/index.htm", text, None))[-1] == "http://h/x/index_3.htm"


def test_rendered_pager_stays_in_the_list_folder():
    text = """<div class="page"><a href="index.html">首页</a><a href="index_1.html">2</a>
      <a href="index_1.html">下一页</a><a href="index_5.html">尾页</a><a href="/other/index_1.html">2</a>
      <a href="./202301/t20230101_1.html">1</a></div>"""
    got = urls(rendered_pager_links(COLUMN, text, parse_tree(text)))
    assert "http://h/zwgk/zfxxgk/zfxxgknb/index_1.html" in got
    assert "http://h/zwgk/zfxxgk/zfxxgknb/index_5.html" in got
    assert "http://h/other/index_1.html" not in got


JPAGE = """<div id="7654"><script type="text/xml"><datastore></datastore></script></div>
<script>var param_7654={col:1,appid:1,webid:3,path:'/',columnid:1234,sourceContentType:1,unitid:'7654',
webname:'青岚市',permissiontype:0};$('#7654').jpage({themeName:'default',showMode:'full',totalRecord:100,
openCookies:false,groupSize:3,proxyUrl:'/module/web/jpage/dataproxy.jsp',perPage:15,barPosition:'bottom',
ajaxParam:param_7654});</script>"""


def test_hanweb_jpage_posts_each_further_group():
    requests = hanweb_jpage("http://h/col/col1234/index.html", JPAGE, None)
    assert urls(requests) == [
        "http://h/module/web/jpage/dataproxy.jsp?startrecord=46&endrecord=90&perpage=15",
        "http://h/module/web/jpage/dataproxy.jsp?startrecord=91&endrecord=100&perpage=15",
    ]
    form = dict(requests[0].form)
    assert requests[0].method == "POST"
    assert form["columnid"] == "1234" and form["unitid"] == "7654" and form["webname"] == "青岚市"


def test_hanweb_jpage_single_group_needs_no_request():
    assert hanweb_jpage("http://h/col/col1/index.html", JPAGE.replace("totalRecord:100", "totalRecord:40"), None) == []


def test_next_list_pages_deduplicates_styles():
    text = """<script>createPageHTML(3, 0, "index", "html");</script>
      <a href="index_1.html">2</a><a href="index_2.html">3</a><a href="index_1.html">下一页</a>"""
    assert urls(next_list_pages(COLUMN, text, parse_tree(text))) == [
        "http://h/zwgk/zfxxgk/zfxxgknb/index_1.html",
        "http://h/zwgk/zfxxgk/zfxxgknb/index_2.html",
    ]


def test_hanweb_jpage_get_variant_reads_pages_by_number():
    text = JPAGE.replace("ajaxParam:param_7654", "ajaxType:'get',ajaxParam:{appid:1,webid:27,columnid:49580,"
                         "unitid:'286134',webname:'梅山县人民政府'}").replace("perPage:15", "perPage:10")
    requests = hanweb_jpage("http://h/col/col49580/index.html", text, None)
    assert [r.method for r in requests] == ["GET"] * 9
    assert requests[0].url.startswith("http://h/module/web/jpage/dataproxy.jsp?page=2&appid=1&webid=27")
    assert requests[-1].url.startswith("http://h/module/web/jpage/dataproxy.jsp?page=10&")


def test_jquery_pagination_is_one_based():
    from spiders.pagination import jquery_pagination

    text = """<script>$(".pagination").pagination({totalPage: 3, currentPage: 1, prevText: "上一页",
      href: function(n){return n==1?'index.shtml':'index_'+n+'.shtml';}});</script>"""
    assert urls(jquery_pagination("http://h/zwgk/gknb/index.shtml", text, None)) == [
        "http://h/zwgk/gknb/index_2.shtml", "http://h/zwgk/gknb/index_3.shtml"]
