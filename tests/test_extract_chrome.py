"""Page chrome never reaches ``text``, whichever stage of the body cascade produced it."""

from __future__ import annotations

from pathlib import Path

import pytest

from extract import extract_document
from extract.body import find_body, mark_containers
from extract.chrome import is_chrome_line, prune_chrome, strip_junk
from extract.parse import parse_html
from nianbao.pages import decode_html

DATA = Path(__file__).parent / "data" / "extract"
PAGES = (
    "trs_gbk.html",
    "hanweb_utf8.html",
    "govcn_ucap.html",
    "inline_meta.html",
    "report_2021.html",
    "report_pre2019.html",
    "lying_charset.html",
)
CHROME = (
    "当前位置",
    "您当前的位置",
    "您当前所在的位置",
    "您现在的位置",
    "CurrChnlCls",
    "字号",
    "字体",
    "打印",
    "关闭窗口",
    "扫一扫",
    "分享到",
    "返回顶部",
    "我要纠错",
    "责任编辑",
    "相关链接",
    "相关稿件",
    "网站地图",
    "联系我们",
    "版权所有",
    "ICP备",
    "公网安备",
    "网站标识码",
    "无障碍",
    "长者模式",
    "星期",
    "TRS_Editor",
    "{",
    ".jpg",
    "浏览次数",
    "发布时间",
    "主办",
    "技术支持",
    "索引号",
    "索 引 号",
    "发布机构",
    "分辨率",
    "中央政府门户网站",
    "设为首页",
    "政府信息公开指南",
)
# Replacing these hides each sample's known container, forcing trafilatura or the baseline.
HIDE_CONTAINERS = (
    ('id="zoom"', 'id="z"'),
    ("TRS_Editor", "TRS_X"),
    ("UCAP-CONTENT", "U-C"),
    ("pages_content", "p_c"),
    ("信息内容", "信息X"),
    ("ZJEG_RSS", "ZJ"),
    ("bt-content", "b-c"),
    ("article_con", "a_c"),
    ("Custom_UnionStyle", "C_U"),
    ("main-txt", "m-t"),
)


def sample(name: str, hide: bool = False) -> bytes:
    body = (DATA / name).read_bytes()
    if not hide:
        return body
    text, encoding, _ = decode_html(body, None)
    for old, new in HIDE_CONTAINERS:
        text = text.replace(old, new)
    return text.encode(encoding)


def assert_clean(text: str | None) -> None:
    assert text
    leaked = [c for c in CHROME if c in text]
    assert not leaked, leaked
    assert "\ufffd" not in text


@pytest.mark.parametrize("name", PAGES)
def test_no_chrome_in_text(name):
    result = extract_document(sample(name), "http://www.qinglan.gov.cn/a/t20230120_1.html")
    assert_clean(result["text"])


@pytest.mark.parametrize("name", PAGES)
def test_no_chrome_when_trafilatura_or_baseline_finds_the_body(name):
    result = extract_document(sample(name, hide=True), "http://www.qinglan.gov.cn/a/t20230120_1.html")
    assert result["stage"] in ("density", "trafilatura", "baseline")  # a generic stage, no known container
    assert_clean(result["text"])


@pytest.mark.parametrize("name", PAGES)
def test_no_chrome_in_the_trafilatura_stage(name):
    """Run the trafilatura stage alone on the pruned page (the generic density stage usually answers first)."""
    from extract.body import _trafilatura

    text, _, _ = decode_html(sample(name, hide=True), None)
    tree, _ = parse_html(text)
    strip_junk(tree)
    mark_containers(tree)
    pruned, _ = prune_chrome(tree)
    body = _trafilatura(pruned, "http://www.qinglan.gov.cn/")
    assert body.stage == "trafilatura" and body.lines
    leaked = [c for c in ("当前位置", "版权所有", "ICP备", "分享到", "返回顶部", "扫一扫") if c in "\n".join(body.lines)]
    assert not leaked, leaked


@pytest.mark.parametrize("name", PAGES)
def test_no_chrome_in_the_baseline_stage(name):
    """Run the baseline stage alone on the pruned page."""
    from extract.body import _baseline  # the stage itself, on a real pruned tree

    text, _, _ = decode_html(sample(name, hide=True), None)
    tree, _ = parse_html(text)
    strip_junk(tree)
    mark_containers(tree)
    pruned, _ = prune_chrome(tree)
    body = _baseline(pruned, "http://www.qinglan.gov.cn/")
    assert body.stage == "baseline"
    leaked = [
        c
        for c in ("当前位置", "版权所有", "ICP备", "打印", "分享到", "返回顶部", "扫一扫")
        if c in "\n".join(body.lines)
    ]
    assert not leaked


def test_signature_and_date_lines_are_kept():
    for name in ("trs_gbk.html", "inline_meta.html", "report_pre2019.html"):
        for hide in (False, True):
            lines = extract_document(sample(name, hide), "http://x.gov.cn/")["text"].splitlines()
            assert lines[-2] in ("青岚市人民政府办公室",), (name, hide, lines[-3:])
            assert lines[-1] in ("2023年1月20日", "2018年3月20日"), (name, hide, lines[-3:])


@pytest.mark.parametrize(
    "line",
    [
        "当前位置：首页 > 政务公开 > 政府信息公开年报",
        "您当前所在的位置: 首页 >> 公开信息内容",
        "首页 > 信息公开 > 年度报告",
        "字号：[ 大 中 小 ]",
        "【字体：大 中 小】",
        "打印本页 关闭窗口",
        "【打印】【关闭】",
        "【打印本页】【关闭窗口】",
        "扫一扫在手机打开当前页",
        "分享到：",
        "返回顶部",
        "【我要纠错】 责任编辑：张三",
        "相关链接",
        "相关稿件",
        "网站地图 | 联系我们",
        "版权所有：青岚市人民政府办公室",
        "鲁ICP备12345678号-1",
        "鲁公网安备 37010202000123号",
        "网站标识码：3701000001",
        "无障碍",
        "长者模式",
        "2018-05-22 星期二",
        "2023年2月15日 星期三",
        ".TRS_Editor P{margin-top:5px;line-height:1.5;}.TRS_Editor DIV{margin:0}",
        "111.jpg",
        "W020230215123456789012.jpg",
        "发布时间: 2018-03-30 09:00 来源: 作者: 编辑: 李秀萍",
        "发布时间：2023-01-20 来源：市政府办 浏览次数：12",
        "建议使用1024*768分辨率浏览本站",
        "索引号:115323000151673132/2018-0111001 公开目录:政府信息公开年报",
        "标 题:",
        "主办单位：青岚市人民政府办公室",
    ],
)
def test_chrome_lines(line):
    assert is_chrome_line(line)


@pytest.mark.parametrize(
    "line",
    [
        "青岚市人民政府办公室",
        "2018年3月20日",
        "二〇一八年三月二十日",
        "（此件公开发布）",
        "一、总体情况",
        "全年主动公开政府信息12850条。",
        "完成政府网站无障碍和适老化改造，方便老年人和残疾人获取政府信息。",
        "图为 巴州人民政府信息公开平台",
        "附件：青岚市2022年政府信息公开工作年度报告.pdf",
        "规章 | 3 | 0 | 15",
        "本报告所列数据统计期限为2022年1月1日至2022年12月31日。",
        "如对本报告有疑问，请与青岚市人民政府办公室联系（联系电话：0531-12345678）。",
    ],
)
def test_content_lines(line):
    assert not is_chrome_line(line)


def test_body_container_survives_chrome_inside_it():
    html = (
        "<html><body><div id='zoom'><p>短通知正文。</p><p>打印本页　关闭窗口</p></div>"
        "<div class='foot'>版权所有：青岚市人民政府　网站标识码：3701000001</div></body></html>"
    )
    result = extract_document(html.encode(), "http://x.gov.cn/")
    assert result["stage"] == "container:#zoom"
    assert result["text"] == "短通知正文。"


def test_pruning_that_would_remove_nearly_everything_is_undone():
    # This page wraps its whole report in <header>; dropping it as chrome would empty the page.
    report = "<p>" + "本单位2023年度政府信息公开工作年度报告正文。" * 10 + "</p>"
    html = f"<html><body><header><h2>青岚市统计局年度报告</h2>{report}</header><p>网站地图</p></body></html>"
    tree, _ = parse_html(html)
    strip_junk(tree)
    pruned, reverted = prune_chrome(tree)
    assert reverted is True
    assert "年度报告正文" in "".join(pruned.itertext())
    result = extract_document(html.encode(), "http://x.gov.cn/")
    assert "chrome_prune_reverted" in result["flags"]
    assert "年度报告正文" in result["text"]
    assert "网站地图" not in result["text"]


def test_navigation_link_lists_are_pruned_outside_the_body():
    nav = "".join(f"<li><a href='/c{i}/'>栏目{i}</a></li>" for i in range(8))
    para = "<p>" + "年度报告正文内容，" * 30 + "</p>"
    html = f"<html><body><ul class='menu'>{nav}</ul><div class='wrap'>{para * 3}</div></body></html>"
    tree, _ = parse_html(html)
    strip_junk(tree)
    mark_containers(tree)
    pruned, _ = prune_chrome(tree)
    body = find_body(pruned, "http://x.gov.cn/")
    assert body.stage in ("density", "trafilatura")
    assert "栏目" not in "\n".join(body.lines)
