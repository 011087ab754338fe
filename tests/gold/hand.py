"""Hand-written gold pages for shapes the fixture portal does not serve, with hand-written expectations.

- ``hand-meta-only``: a central-body page whose metadata exists only in ``<meta>`` tags
  (ArticleTitle, PubDate, SiteName, a ``bm…`` SiteIDCode), no labelled block.
- ``hand-chrome-in-container``: a GBK page whose body container itself holds chrome (font-size
  switcher, print/close links, QR line, 责任编辑, a 相关链接 list) and inline metadata.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

NONE_FIELDS = ("index_no", "topic", "issuer", "written_date", "publish_date", "doc_no", "validity", "keywords",
               "site_name", "site_id_code", "region")


@dataclass(frozen=True)
class HandPage:
    """A page's bytes, how it is served, what it must give, and its own chrome strings."""

    id: str
    url: str
    body: bytes
    headers: dict[str, str]
    expected: dict[str, Any]
    shapes: list[str]
    chrome: tuple[str, ...] = field(default=())


META_ONLY_PARAGRAPHS = (
    "本报告根据《中华人民共和国政府信息公开条例》和国务院办公厅政府信息与政务公开办公室有关要求编制。",
    "一、总体情况",
    "2023年，本机关坚持以公开为常态、不公开为例外，全年主动公开政府信息1286条，其中统计数据发布412条。",
    "二、存在的主要问题及改进情况",
    "政策解读的针对性还需加强，下一步将围绕群众关切做好数据解读，提升公开实效。",
)
META_ONLY = f"""<!DOCTYPE html>
<html><head><meta charset="utf-8">
<meta name="ArticleTitle" content="国家数据局2023年政府信息公开工作年度报告">
<meta name="PubDate" content="2024-01-19 10:30">
<meta name="SiteName" content="国家数据局">
<meta name="SiteIDCode" content="bm36000002">
<meta name="ColumnName" content="政府信息公开年报">
<title>国家数据局2023年政府信息公开工作年度报告_政府信息公开年报_国家数据局</title></head>
<body>
<div class="top"><a href="/">首页</a> <a href="/zwgk/">政务公开</a> <a href="/sjfb/">数据发布</a>
<a href="/hdjl/">互动交流</a></div>
<div class="crumb">您现在的位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a></div>
<div class="detail-content">
{"".join(f"<p>{p}</p>" for p in META_ONLY_PARAGRAPHS)}
</div>
<div class="bottom"><p>版权所有：国家数据局　网站标识码：bm36000002　京ICP备20240001号</p></div>
</body></html>
"""

CONTAINER_PARAGRAPHS = (
    "青岚市民政局2016年政府信息公开工作年度报告",
    "本报告是根据《中华人民共和国政府信息公开条例》要求，由青岚市民政局编制的2016年度政府信息公开工作年度报告。",
    "一、概述",
    "2016年，我局主动公开政府信息219条，受理依申请公开4件，均按期答复。联系人：王镕。",
    "青岚市民政局",
    "2017年3月15日",
)
RELATED = ("青岚市民政局2015年政府信息公开工作年度报告", "青岚市民政局2014年政府信息公开工作年度报告")
CHROME_IN_CONTAINER = f"""<html><head>
<meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>青岚市民政局2016年政府信息公开工作年度报告</title></head>
<body><table width="100%"><tr><td>
<p class="meta">索引号：11459100MB1234567X/2017-00031　公开目录：政府信息公开年报　发布机构：青岚市民政局　发布日期：2017-03-20</p>
<div id="zoom">
<div class="fontsize">【字号：<a href="#">大</a> <a href="#">中</a> <a href="#">小</a>】</div>
{"".join(f"<p>{p}</p>" for p in CONTAINER_PARAGRAPHS)}
<p>扫一扫在手机打开当前页</p>
<p>【打印本页】　【关闭窗口】</p>
<p>责任编辑：李堃</p>
<p>相关链接：</p>
<ul>{"".join(f'<li><a href="/zwgk/{n}.html">{t}</a></li>' for n, t in enumerate(RELATED))}</ul>
</div>
</td></tr></table></body></html>
"""

PAGES = (
    HandPage(
        id="hand-meta-only", url="http://www.nda.gov.cn/zwgk/zfxxgknb/202401/t20240119_1.html",
        body=META_ONLY.encode("utf-8"), headers={"content-type": "text/html; charset=utf-8"},
        expected={"text": "\n".join(META_ONLY_PARAGRAPHS), **dict.fromkeys(NONE_FIELDS),
                  "title": "国家数据局2023年政府信息公开工作年度报告", "publish_date": "2024-01-19",
                  "site_name": "国家数据局", "site_id_code": "bm36000002", "report_year": 2023,
                  "encoding": "utf-8", "content_type": "html", "is_soft_404": False, "tables": []},
        shapes=["metadata:meta-tags-only", "sitecode:bm"], chrome=("京ICP备", "您现在的位置", "互动交流")),
    HandPage(
        id="hand-chrome-in-container", url="http://mzj.qinglan.gov.cn/zwgk/zfxxgknb/201703/t20170320_31.html",
        body=CHROME_IN_CONTAINER.encode("gbk"), headers={"content-type": "text/html"},
        expected={"text": "\n".join(CONTAINER_PARAGRAPHS), **dict.fromkeys(NONE_FIELDS),
                  "title": CONTAINER_PARAGRAPHS[0], "index_no": "11459100MB1234567X/2017-00031",
                  "topic": "政府信息公开年报", "issuer": "青岚市民政局", "publish_date": "2017-03-20",
                  "report_year": 2016, "encoding": "gb18030", "content_type": "html", "is_soft_404": False,
                  "tables": []},
        shapes=["chrome-in-container", "metadata:inline", "gbk", "pre2019"], chrome=RELATED),
)
