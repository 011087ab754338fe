"""Metadata: labelled blocks in every layout, <meta> tags, title precedence, report year, region."""

from __future__ import annotations

from pathlib import Path

import pytest

from extract import extract_document
from extract.year import report_year

DATA = Path(__file__).parent / "data" / "extract"
FIELDS = (
    "title",
    "index_no",
    "topic",
    "issuer",
    "written_date",
    "publish_date",
    "doc_no",
    "validity",
    "keywords",
    "site_name",
    "site_id_code",
    "region",
)

EXPECTED = {
    "trs_gbk.html": {
        "title": "青岚市人民政府2022年政府信息公开工作年度报告",
        "index_no": "11370100004250001K/2023-00015",
        "topic": "政务公开",
        "issuer": "青岚市人民政府办公室",
        "written_date": "2023-01-18",
        "publish_date": "2023-01-20",
        "doc_no": None,
        "validity": "有效",
        "keywords": None,
        "site_name": "青岚市人民政府",
        "site_id_code": "3701000001",
        "region": "370100",
    },
    "hanweb_utf8.html": {
        "title": "青山区2022年政府信息公开工作年度报告",
        "index_no": "113701020042500123/2023-00007",
        "topic": None,  # shown as 组配分类, a catalogue class, not 主题分类
        "issuer": "青山区人民政府办公室",
        "written_date": "2023-01-28",
        "publish_date": "2023-01-28",
        "doc_no": None,
        "validity": "有效",
        "keywords": None,
        "site_name": "青岚市青山区人民政府",
        "site_id_code": "3701020003",
        "region": "370102",
    },
    "govcn_ucap.html": {
        "title": "青岚省人民政府办公厅2023年政府信息公开工作年度报告",
        "index_no": "000014349/2024-00037",
        "topic": "综合政务\\政务公开",
        "issuer": "青岚省人民政府办公厅",
        "written_date": "2024-03-28",
        "publish_date": "2024-03-29",
        "doc_no": None,
        "validity": None,
        "keywords": None,
        "site_name": "中国政府网",
        "site_id_code": "bm01000001",
        "region": None,
    },
    "inline_meta.html": {
        "title": "青岚市2017年政府信息公开工作年度报告",
        "index_no": "115323000151673132/2018-0111001",
        "topic": "政府信息公开年报",
        "issuer": "青岚市人民政府办公室",
        "written_date": None,
        "publish_date": "2018-03-30",
        "doc_no": None,
        "validity": None,
        "keywords": None,
        "site_name": None,
        "site_id_code": None,
        "region": None,
    },
    "report_pre2019.html": {
        "title": "青岚市政府信息公开工作年度报告",
        "index_no": "QL001-2018-000012",
        "topic": "政府信息公开年报",
        "issuer": "青岚市人民政府办公室",
        "written_date": None,
        "publish_date": "2018-03-20",
        "doc_no": None,
        "validity": "长期",
        "keywords": None,
        "site_name": "青岚市人民政府",
        "site_id_code": "3701000001",
        "region": "370100",
    },
}


def extract_html(html: str, url: str = "http://www.qinglan.gov.cn/a/t20230120_1.html") -> dict:
    return extract_document(html.encode("utf-8"), url)


def page(block: str, body: str = "<p>正文。</p>", head: str = "") -> str:
    head = f"<head><meta charset='utf-8'>{head}</head>"
    return f"<html>{head}<body>{block}<div id='zoom'>{body}</div></body></html>"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_sample_page_metadata(name):
    result = extract_document((DATA / name).read_bytes(), "http://www.qinglan.gov.cn/x/t20230120_1.html")
    assert {key: result[key] for key in FIELDS} == EXPECTED[name]


@pytest.mark.parametrize(
    "block",
    [
        # <dl><dt><dd>
        "<dl><dt>索引号：</dt><dd>QL-2023-001</dd><dt>发文机构：</dt><dd>青岚市统计局</dd>"
        "<dt>发文字号：</dt><dd>青统发〔2023〕3号</dd></dl>",
        # <label> + sibling <div> (Suzhou)
        "<div><label><font>索 引 号：</font></label><div class='display-block'>QL-2023-001</div>"
        "<label><font>发布机构：</font></label><div class='display-block'>青岚市统计局</div>"
        "<label><font>文　　号：</font></label><div class='display-block'>青统发〔2023〕3号</div></div>",
        # table without colons, values wrapped in Wuxi template comments
        "<table><tr><td class='t'>信息索引号</td><td><!--<$[SYH]>-->QL-2023-001<!--<$[SYH]>--></td>"
        "<td>发布单位</td><td>青岚市统计局</td></tr><tr><td>文件编号</td><td>青统发〔2023〕3号</td></tr></table>",
        # <li>label：value</li> and <b>label：</b>value
        "<ul><li>索引号：QL-2023-001</li><li><b>发布机构：</b>青岚市统计局</li><li>文号:青统发〔2023〕3号</li></ul>",
    ],
)
def test_label_layouts(block):
    result = extract_html(page(block))
    assert (result["index_no"], result["issuer"], result["doc_no"]) == (
        "QL-2023-001",
        "青岚市统计局",
        "青统发〔2023〕3号",
    )


def test_two_pairs_per_row_and_spaced_labels():
    block = (
        "<table><tr><td>索 引 号</td><td>014416330/2018-04736</td><td>分 类</td>"
        "<td>政府信息公开年报 综合政务,文秘工作 其他</td></tr><tr><td>发布机构</td><td>市政府办</td>"
        "<td>发文日期</td><td>2018-02-28</td></tr>"
        "<tr><td>文 号</td><td></td><td>有 效 性</td><td></td></tr></table>"
    )
    result = extract_html(page(block))
    assert result["index_no"] == "014416330/2018-04736"
    assert result["topic"] == "政府信息公开年报 综合政务,文秘工作 其他"
    assert result["written_date"] == "2018-02-28"
    assert result["doc_no"] is None and result["validity"] is None


def test_list_page_header_row_does_not_become_values():
    block = "<table><tr><th>名称</th><th>索引号</th><th>发布机构</th><th>发布日期</th></tr></table>"
    result = extract_html(page(block, head="<title>青岚市人民政府</title>"))
    assert result["index_no"] is None and result["issuer"] is None and result["publish_date"] is None


def test_navigation_word_without_colon_is_not_a_label():
    block = "<div>公开目录</div><ul><li>政府信息公开指南</li></ul><div>公开目录：政府信息公开年报</div>"
    assert extract_html(page(block))["topic"] == "政府信息公开年报"


def test_index_number_is_not_read_as_a_date():
    result = extract_html(page("<table><tr><td>成文日期：</td><td>000014349/2024-00012</td></tr></table>"))
    assert result["written_date"] is None


@pytest.mark.parametrize(
    ("head", "block", "body", "title"),
    [
        (
            "<meta name='ArticleTitle' content='甲'><title>丁_站</title>",
            "<div>标题：乙</div>",
            "<h1>丙</h1>",
            "甲",
        ),
        ("<title>丁_站</title>", "<div>标题：乙</div>", "<h1>丙</h1>", "乙"),
        ("<title>丁_站</title>", "", "<h1>丙丙</h1>", "丙丙"),
        (
            "<meta name='SiteName' content='青岚市人民政府'><title>青岚市人民政府 年报 丁丁</title>",
            "",
            "",
            "年报 丁丁",
        ),
        ("<title>丁丁_栏目_中国政府网</title>", "", "", "丁丁"),
    ],
)
def test_title_precedence(head, block, body, title):
    assert extract_html(page(block, body + "<p>正文内容。</p>", head))["title"] == title


def test_publish_date_falls_back_to_pubdate_meta():
    result = extract_html(page("", head="<meta name='PubDate' content='2023-01-20 10:15'>"))
    assert result["publish_date"] == "2023-01-20"


@pytest.mark.parametrize(
    ("code", "region"),
    [("3701000001", "370100"), ("bm14000002", None), ("9901000001", None), ("37010000", None)],
)
def test_region_from_site_id_code(code, region):
    result = extract_html(page("", head=f"<meta name='SiteIDCode' content='{code}'>"))
    assert (result["site_id_code"], result["region"]) == (code, region)


@pytest.mark.parametrize(
    ("title", "text", "published", "expected"),
    [
        ("2022年政府信息公开工作年度报告", None, "2023-01-20", (2022, "title")),
        ("青岚市2019年度政府信息公开工作年度报告", None, "2020-01-20", (2019, "title")),
        (
            "政府信息公开工作年度报告",
            "本报告中所列数据的统计期限自2017年1月1日起至2017年12月31日止。",
            "2018-03-20",
            (2017, "body:统计期限"),
        ),
        (
            "年度报告",
            "本报告所列统计数据时限从2016年1月1日起至2016年12月31日止",
            None,
            (2016, "body:统计期限"),
        ),
        ("年度报告", "现发布青岚市2020年度政府信息公开工作年度报告。", "2021-01-31", (2020, "body:年度报告")),
        ("政府信息公开工作年度报告", "全年主动公开信息。", "2023-01-20", (2022, "publish_year-1")),
        ("关于开展调研的通知", "全年主动公开信息。", "2023-01-20", (None, None)),
        (
            "2030年政府信息公开工作年度报告",
            None,
            "2023-01-20",
            (2022, "publish_year-1"),
        ),  # year after publication
    ],
)
def test_report_year_rules(title, text, published, expected):
    assert report_year(title, text, published) == expected


def test_report_year_of_samples():
    result = extract_document((DATA / "report_pre2019.html").read_bytes(), "http://x.gov.cn/a.html")
    assert (result["report_year"], result["report_year_rule"]) == (2017, "body:统计期限")
    result = extract_document((DATA / "trs_gbk.html").read_bytes(), "http://x.gov.cn/a.html")
    assert (result["report_year"], result["report_year_rule"]) == (2022, "title")
