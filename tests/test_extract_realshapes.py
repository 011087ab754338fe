"""Shapes of real government pages (docs/layouts.md), each on a small hand-written page of our own text:
the label grammar and its recorded rules, the date-and-source line, bodies lost, doubled, hidden or
drawn by JavaScript, and list pages whose rows sit in the markup, a comment or a script."""

from __future__ import annotations

import json

import pytest

from extract import extract_document
from extract.parse import parse_html, text_of

URL = "http://www.qingyuan.gov.cn/xxgk/gknb/202401/t20240120_1.html"
PROSE = "".join(f"<p>青源市第{n}项政府信息公开工作稳步推进，主动公开和依申请公开均按规定办理完毕。</p>" for n in range(1, 6))
LONG_LINE = "青源市第1项政府信息公开工作稳步推进，主动公开和依申请公开均按规定办理完毕。"


def page(main: str, head: str = "", title: str = "青源市2023年政府信息公开工作年度报告") -> bytes:
    nav = "".join(f"<li><a href='/c{i}/'>栏目{i}</a></li>" for i in range(8))
    return (f"<html><head><meta charset='utf-8'>{head}<title>{title}_青源市人民政府</title></head><body>"
            f"<ul class='nav'>{nav}</ul><div class='main'>{main}</div>"
            "<div class='footer'>版权所有：青源市人民政府　网站标识码：4594000001</div></body></html>").encode()


def extract(main: str, head: str = "", **kwargs: str) -> dict:
    return extract_document(page(main, head, **kwargs), URL)


# -- the label grammar ------------------------------------------------------------------------


@pytest.mark.parametrize("block", [
    # brackets, a space inside them, no colon, value in the next cell
    "<table><tr><td>[ 索引号 ]</td><td>QY-2024-017</td><td>【发布机构】</td><td>青源市统计局</td></tr>"
    "<tr><td>【发文字号】</td><td>青源统发〔2024〕3号</td></tr></table>",
    # spaced labels (ASCII, U+3000, NBSP, ensp), ASCII colons
    "<ul><li>索  引  号:QY-2024-017</li><li>发&nbsp;布&nbsp;机&nbsp;构: 青源市统计局</li>"
    "<li>文&ensp;&ensp;号:青源统发〔2024〕3号</li></ul>",
    # a bold label whose value is the rest of its cell, the label nested in a span
    "<table><tr><td><b>索引号：</b>QY-2024-017</td><td><b><span>发布机构:</span></b>青源市统计局</td>"
    "<td><b>文      号：</b>青源统发〔2024〕3号</td></tr></table>",
    # div.title / div.content pairs
    "<div class='info'><div class='title'>索引号</div><div class='content'>QY-2024-017</div>"
    "<div class='title'>发布单位</div><div class='content'>青源市统计局</div>"
    "<div class='title'>文号</div><div class='content'>青源统发〔2024〕3号</div></div>",
    # the colon in the tail of the label element, a colon-only cell
    "<ul><li><span>索引号</span>：QY-2024-017</li><li><span>发文机关</span>：青源市统计局</li></ul>"
    "<table><tr><td>文号</td><td>：</td><td>青源统发〔2024〕3号</td></tr></table>",
    # labels in one row, values in the row below
    "<table><tr><th>索引号</th><th>发布机构</th><th>文号</th></tr>"
    "<tr><td>QY-2024-017</td><td>青源市统计局</td><td>青源统发〔2024〕3号</td></tr></table>",
    # the block twice (desktop and mobile copies)
    "<ul class='pc'><li>索引号：QY-2024-017</li><li>发布机构：青源市统计局</li><li>发文字号：青源统发〔2024〕3号</li></ul>"
    "<ul class='mobile'><li>索引号：QY-2024-017</li><li>发布机构：青源市统计局</li><li>发文字号：青源统发〔2024〕3号</li></ul>",
])
def test_label_spellings_and_value_positions(block):
    result = extract(block + f"<div class='zoom'>{PROSE}</div>")
    assert (result["index_no"], result["issuer"], result["doc_no"]) == ("QY-2024-017", "青源市统计局", "青源统发〔2024〕3号")
    assert "QY-2024-017" not in result["text"] and LONG_LINE in result["text"]


def test_each_field_takes_its_strongest_label_and_records_the_rule():
    block = ("<table><tr><td>信息来源</td><td>青源日报</td><td>发布机构</td><td>青源市统计局</td></tr>"
             "<tr><td>组配分类</td><td>政府信息公开年报</td><td>印发日期</td><td>2024-01-18</td></tr></table>")
    line = "<div class='laiyuan'>来源：青源市统计局办公室 时间：2024-01-20 09:30</div>"
    result = extract(line + block + f"<div class='zoom'>{PROSE}</div>")
    assert result["issuer"] == "青源市统计局" and result["topic"] is None  # 组配分类 is no 主题分类
    assert (result["written_date"], result["publish_date"]) == ("2024-01-18", "2024-01-20")
    assert result["metadata_rules"] == {"issuer": "label:发布机构", "written_date": "label:印发日期",
                                        "publish_date": "title-line:时间", "title": "title-tag"}


def test_the_date_and_source_line_alone():
    result = extract("<h1>青源市2023年政府信息公开工作年度报告</h1>"
                     "<div class='info'>来源：青源日报 时间：2021-01-05 10:30 【打印】</div>" + f"<div class='zoom'>{PROSE}</div>")
    assert (result["issuer"], result["publish_date"]) == ("青源日报", "2021-01-05")
    assert result["metadata_rules"]["issuer"] == "title-line:来源"
    assert "来源" not in result["text"] and "青源市2023年政府信息公开工作年度报告" not in result["text"]


def test_a_label_shown_empty_is_none_and_the_shown_date_beats_meta():
    head = "<meta name='ContentSource' content='产业处'><meta name='PubDate' content='2025-03-27 10:00'>"
    result = extract(f"<div class='info'><p>日期：2025-02-26 09:00 来源：</p></div><div class='zoom'>{PROSE}</div>",
                     head)
    assert (result["issuer"], result["publish_date"]) == (None, "2025-02-26")


def test_publish_date_falls_back_to_meta_when_no_label_shows_it():
    result = extract(f"<div class='zoom'>{PROSE}</div>", "<meta name='PubDate' content='2024-01-20 10:15'>")
    assert (result["publish_date"], result["metadata_rules"]["publish_date"]) == ("2024-01-20", "meta:pubdate")


def test_empty_markers_and_placeholders_are_none():
    block = ("<table><tr><td>索引号：</td><td>QY-2024-017</td><td>文号：</td><td>无</td></tr>"
             "<tr><td>有效性：</td><td>—&nbsp;&nbsp;—</td><td>主题分类：</td><td>无</td></tr></table>"
             "<div class='property'><span>文章来源：本站原创</span> <span>作者：佚名</span></div>")
    result = extract(block + f"<div class='zoom'>{PROSE}</div>")
    assert (result["doc_no"], result["validity"], result["topic"], result["issuer"]) == (None, None, None, None)


def test_an_ordinary_word_label_inside_the_document_is_text():
    notice = ("<div id='zoom'><p>各有关单位：</p><p>" + "现将有关事项通知如下，请认真贯彻执行，做好有关工作。" * 2
              + "</p><p>时间：2024年5月10日上午9时</p><p>来源：本次会议材料由办公室提供。</p></div>")
    result = extract("<h1>关于召开政务公开工作会议的通知</h1>" + notice)
    assert result["publish_date"] is None and result["issuer"] is None
    assert "时间：2024年5月10日上午9时" in result["text"]


def test_report_year_only_for_pages_about_a_report():
    assert extract(f"<div class='zoom'>{PROSE}</div>", title="关于下达2023年安置任务的通知")["report_year"] is None
    assert extract(f"<div class='zoom'>{PROSE}</div>")["report_year"] == 2023


# -- bodies -----------------------------------------------------------------------------------


def test_an_article_after_the_documents_end_tag_is_kept():
    raw = page("<div class='top'>导航</div>").replace(b"</body></html>", b"") + (
        f"</body></html>\n<div class='pages_content' id='UCAP-CONTENT'>{PROSE}</div></body></html>").encode()
    tree, _ = parse_html(raw.decode())
    assert LONG_LINE in text_of(tree)
    result = extract_document(raw, URL)
    assert LONG_LINE in result["text"] and result["stage"] == "container:#UCAP-CONTENT"


@pytest.mark.parametrize("body", [
    f"<div class='pc'>{PROSE}</div><div class='mobile'>{PROSE}</div>",  # desktop and mobile copies
    f"<div class='text'>{PROSE}</div><div class='yybb' style='display: none'>{PROSE}</div>",  # read aloud
])
def test_a_body_served_twice_is_kept_once(body):
    result = extract(body)
    assert result["text"].count(LONG_LINE) == 1 and result["stage"] == "density"


def test_a_page_drawn_by_javascript_is_flagged_and_its_placeholders_are_no_text():
    shell = ("<div id='app'><h1>{{ article.title }}</h1><div>{{ article.publishTime }}</div>"
             "<div v-html='article.content'>{{ article.content }}</div></div>"
             "<script>$.ajax({url: '/xxgk/data/1.json', success: function(r){}})</script>")
    result = extract(shell)
    assert "js_shell" in result["flags"] and result["text"] is None
    assert result["title"] == "青源市2023年政府信息公开工作年度报告"


def test_a_data_endpoint_reply_is_read_as_the_document():
    reply = {"code": 200, "data": {"title": "青源市2023年政府信息公开工作年度报告", "publishTime": "2024-01-20 09:00:00",
                                   "source": "青源市人民政府办公室", "content": PROSE}}
    result = extract_document(json.dumps(reply, ensure_ascii=False).encode(), "http://www.qingyuan.gov.cn/d/1.json")
    assert (result["content_type"], result["stage"]) == ("json", "json:content")
    assert LONG_LINE in result["text"] and result["report_year"] == 2023
    assert result["metadata_rules"] == {"title": "json:title", "publish_date": "json:publishTime",
                                        "issuer": "json:source"}


# -- list pages -------------------------------------------------------------------------------

TITLES = [f"青源市第{n}单位2023年政府信息公开工作年度报告" for n in range(1, 9)]
PAGER = "<div class='page'><a href='index.html'>首页</a> <a href='index_1.html'>下一页</a> <a>尾页</a> 转到</div>"
SIDE = "<div class='side'><h3>站内搜索</h3><p>天气预报</p></div>"


def rows(markup: str) -> str:
    return "".join(markup.format(n=n, title=t, date=f"2024-01-{n:02d}") for n, t in enumerate(TITLES, start=1))


@pytest.mark.parametrize("listing", [
    "<ul class='list'>" + rows("<li><a href='./202401/t202401{n:02d}_{n}.html' title='{title}'>{title}</a>"
                               "<span>{date}</span></li>") + "</ul>",
    "<ul class='live'></ul><!--<ul>" + rows("<li><a href='./t{n}.html'>{title}</a><b>{date}</b></li>") + "</ul>-->",
    "<ul id='list'></ul><script>var listData = {articleList: " + json.dumps(
        [{"title": t, "pubDate": f"2024-01-{n:02d} 10:00", "urls": json.dumps({"pc": f"/a/{n}.html"})}
         for n, t in enumerate([*TITLES, "多出的一条不在首屏显示的信息标题"], start=1)], ensure_ascii=False)
    + "}; var params = {perPage: '8'};</script>",
    "<div class='items'>" + rows("<table><tr><td><a href='/a/{n}.html'>{title}</a></td><td>[{date}]</td></tr>"
                                 "</table>") + "</div>",
    # rows written by script from strings (TRS), the link text shortened
    "<ul class='list'>" + rows("<li><script>var url = './202401/t202401{n:02d}_{n}.html'; var title = '{title}'; "
                               "document.writeln(\"<a href='\" + url + \"'>\" + title.substring(0, 8) + "
                               "'</a><span>{date}</span>');</script></li>") + "</ul>",
    # a labelled 索引号 on every row of a short list: a list, not a metadata block
    "<dl class='newsxu'>" + rows("<dd><a href='/a/{n}.html'>{title}</a><p><i>索引号:11459400MB22357316/2024-{n:05d}</i>"
                                 "<span>{date}</span></p></dd>") + "</dl>",
])
def test_a_list_page_is_its_rows(listing):
    result = extract(f"<h2>政府信息公开年报</h2>{listing}{PAGER}{SIDE}", title="政府信息公开年报")
    expected = "\n".join(f"{t} | 2024-01-{n:02d}" for n, t in enumerate(TITLES, start=1))
    assert (result["stage"], result["text"]) == ("list", expected)
    assert result["title"] == "政府信息公开年报" and result["report_year"] is None and result["index_no"] is None


def test_related_links_do_not_make_an_article_a_list():
    related = "<ul class='rel'>" + rows("<li><a href='/a/{n}.html'>{title}</a><span>{date}</span></li>") + "</ul>"
    result = extract(f"<div id='zoom'>{PROSE}</div>{related}")
    assert result["stage"] == "container:#zoom" and TITLES[0] not in result["text"]


def test_a_source_ends_at_the_next_widget_or_counter():
    line = "<div class='info'>发布时间：2024-01-20 来源：青源市统计局 浏览：128 【字体：大 中 小】</div>"
    assert extract(line + f"<div class='zoom'>{PROSE}</div>")["issuer"] == "青源市统计局"
    line = "<div class='info'>来源：青源市统计局【打印】【关闭】</div>"
    assert extract(line + f"<div class='zoom'>{PROSE}</div>")["issuer"] == "青源市统计局"


def test_an_h1_naming_the_site_is_not_the_title():
    result = extract(f"<h1>青源市人民政府</h1><div class='zoom'>{PROSE}</div>")
    assert result["title"] == "青源市2023年政府信息公开工作年度报告"


def test_a_long_list_without_dates_is_still_a_list():
    listing = "<ul class='list'>" + "".join(f"<li><a href='/a/{n}.html'>{t}</a></li>" for n, t in enumerate(TITLES)) \
        + "".join(f"<li><a href='/b/{n}.html'>{t}（续）</a></li>" for n, t in enumerate(TITLES[:2])) + "</ul>"
    result = extract(f"<h2>政府信息公开年报</h2>{listing}{PAGER}{SIDE}", title="政府信息公开年报")
    assert result["stage"] == "list" and result["text"].split("\n")[:2] == TITLES[:2]


def test_a_short_notice_with_its_own_files_is_no_list():
    latest = "<ul class='latest'>" + rows("<li><a href='/a/{n}.html'>{title}</a><span>{date}</span></li>") + "</ul>"
    notice = ("<div class='article'><p>现将报告全文发布，详见附件。</p>"
              "<p>附件：<a href='/files/report.pdf'>青源市2023年政府信息公开工作年度报告.pdf</a></p></div>")
    result = extract(notice + latest)
    assert result["stage"] != "list" and result["attachments"][0]["ext"] == "pdf"


def test_a_report_shown_in_a_frame_is_the_pages_attachment():
    """pdf.js in an iframe, an <embed>: the files they show are the page's attachments, though frames are
    page furniture; a page that is only a frame has no body of its own."""
    result = extract("<h1>青源市2023年政府信息公开工作年度报告</h1><div id='zoom'>"
                     "<iframe src='/static/pdfjs/web/viewer.html?file=%2Fuploads%2Fnb2023.pdf' title='年报全文'></iframe>"
                     "<embed src='./nb2023-tables.pdf' type='application/pdf'></div>")
    assert result["attachments"] == [
        {"url": "http://www.qingyuan.gov.cn/uploads/nb2023.pdf", "name": "年报全文", "ext": "pdf"},
        {"url": "http://www.qingyuan.gov.cn/xxgk/gknb/202401/nb2023-tables.pdf", "name": None, "ext": "pdf"},
    ]
    assert result["text"] is None and "no_body" in result["flags"]
