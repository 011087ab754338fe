"""The metadata blocks, date-and-source lines and list layouts of real portals, as data (docs/layouts.md).

Every shape here was seen on a real government portal (the ids are those of docs/layouts.md); the
labels are the portals' own words, every value is generated. A detail page of the ``variants`` site
(``variants.py``) combines one metadata block (``META``), one date-and-source line (``LINES``), a
title element and a body container; a list page uses one of ``LISTS``.

A slot prints one label and one value. ``kept`` names the extraction field the value must end up in
(``None``: shown, but not the field's value — 组配分类 is no 主题分类, 所属机构 no issuer), so the
expected values of a page follow from this table alone, never from the extractor.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Slot:
    """One label and the value printed after it."""

    label: str  # as printed (HTML): spaced, bracketed, with entities
    value: str  # a value key (variants.VALUES), e.g. "index_no", "issuer", "published", "blank"
    kept: str | None = None  # the extraction field it fills
    colon: str | None = None  # overrides the layout's colon
    item: str | None = None  # overrides the layout's item markup
    commented: bool = False  # inside <!-- --> (a dead row the reader never sees)


@dataclass(frozen=True)
class Block:
    """A metadata block: its items (``{label}``, ``{colon}``, ``{value}``), grouped in rows, in a wrapper."""

    id: str
    note: str
    item: str
    slots: tuple[Slot, ...]
    row: str = "{items}"
    per_row: int = 1
    wrapper: str = "{rows}"
    colon: str = "："
    dates: str = "iso"
    sep: str = ""
    columns: bool = False  # labels in one row, values in the row below
    twice: bool = False  # a desktop and a mobile copy of the block


@dataclass(frozen=True)
class Line:
    """A date-and-source line: markup with ``{published}``, ``{source}`` … and the fields it fills."""

    id: str
    note: str
    html: str
    kept: tuple[tuple[str, str], ...]  # (field, value key)
    dates: str = "iso-time"
    below: bool = False  # printed after the body instead of under the title


@dataclass(frozen=True)
class ListLayout:
    """A list page's rows: ``row`` with ``{href}``, ``{title}``, ``{short}``, ``{date}``, in a wrapper."""

    id: str
    note: str
    row: str
    wrapper: str = '<ul class="list">{rows}</ul>'
    dates: str = "iso"
    where: str = "markup"  # markup, comment, script, datastore, twice


def _s(label: str, value: str, kept: str | None = None, **extra: object) -> Slot:
    """A slot (short name: the table below is long)."""
    return Slot(label, value, kept, **extra)  # type: ignore[arg-type]


TD_PAIR = '<td class="t">{label}</td><td>{value}</td>'
TR = "<tr>{items}</tr>"
PLAIN_LI = "<li>{label}{colon}{value}</li>"

META: tuple[Block, ...] = (
    Block("M01", "gov.cn template: bold label cells with a full-width colon, two pairs a row, Chinese dates",
          '<td><b>{label}{colon}</b></td><td>{value}</td>',
          (_s("索 引 号", "index_no", "index_no"), _s("主题分类", "topic", "topic"),
           _s("发文机关", "issuer", "issuer"), _s("成文日期", "written", "written_date"),
           _s("标　　题", "title", "title"), _s("发文字号", "doc_no", "doc_no"),
           _s("发布日期", "published", "publish_date")),
          row=TR, per_row=2, wrapper='<table class="bd1" cellspacing="1" width="100%">{rows}</table>', dates="cn"),
    Block("M02", "gov.cn older copy: one pair a row, no colon, labels spaced with U+3000",
          '<td><b>{label}</b></td><td>{value}</td>',
          (_s("索　引　号", "index_no", "index_no"), _s("主题分类", "topic", "topic"),
           _s("发文机关", "issuer", "issuer"), _s("成文日期", "written", "written_date"),
           _s("发文字号", "doc_no", "doc_no"), _s("发布日期", "published", "publish_date")),
          row=TR, wrapper='<table class="policyLibraryOverview_header">{rows}</table>', colon="", dates="cn"),
    Block("M03", "gov.cn clone with <th> labels and values padded with spaces",
          '<th>{label}{colon}</th><td id="zfwj_th_td"> {value} </td>',
          (_s("索 引 号", "index_no", "index_no"), _s("主题分类", "topic", "topic"),
           _s("发文机关", "issuer", "issuer"), _s("成文日期", "written", "written_date"),
           _s("发文字号", "doc_no", "doc_no"), _s("发布日期", "published", "publish_date")),
          row=TR, per_row=2, wrapper='<div id="zfwj_top"><table>{rows}</table></div>', dates="cn"),
    Block("M04", "Hanweb (Zhejiang) label cells told apart only by a background style, no colon; 组配分类",
          '<td style="background:#f6f6f6;width:10%;">{label}</td><td style="width:40%;">{value}</td>',
          (_s("索引号", "index_no", "index_no"), _s("文号", "doc_no", "doc_no"),
           _s("组配分类", "catalogue"), _s("发布机构", "issuer", "issuer"),
           _s("成文日期", "written", "written_date"), _s("公开方式", "mode")),
          row=TR, per_row=2, wrapper='<table class="xxgk_article">{rows}</table>', colon=""),
    Block("M05", "values between two identical template comments, three pairs a row, a commented-out cell pair",
          '<td class="t" width="14%">{label}</td><td><!--<$[V]>-->{value}<!--<$[V]>--></td>',
          (_s("信息索引号", "index_no", "index_no"), _s("公开日期", "published", "publish_date"),
           _s("文件编号", "doc_no", "doc_no"), _s("效力状况", "validity", "validity"),
           _s("发布机构", "issuer", "issuer"), _s("附件下载", "dashes", commented=True),
           _s("公开方式", "mode")),
          row=TR, per_row=3, wrapper='<div class="table01"><table>{rows}</table></div>', colon=""),
    Block("M06", "plain cells, three pairs a row: 发文日期 beside 公开日期 is the written date",
          '<td width="15%" class="t">{label}</td><td>{value}</td>',
          (_s("信息索引号", "index_no", "index_no"), _s("发文日期", "written", "written_date"),
           _s("公开日期", "published", "publish_date"), _s("文件编号", "doc_no", "doc_no"),
           _s("效力状况", "validity", "validity"), _s("发布机构", "issuer", "issuer"),
           _s("文件下载", "dashes")),
          row=TR, per_row=3, wrapper='<table width="100%" border="1">{rows}</table>', colon=""),
    Block("M07", "label cells of class 'title'; 公开时限 is no validity",
          '<td class="title">{label}</td><td>{value}</td>',
          (_s("信息索引号", "index_no", "index_no"), _s("公开日期", "published", "publish_date"),
           _s("文件编号", "blank", "doc_no"), _s("公开时限", "period"), _s("发布机构", "issuer", "issuer")),
          row=TR, per_row=3, wrapper='<table cellpadding="0" class="art_xxgktab">{rows}</table>', colon=""),
    Block("M08", "accessible template: <th> labels, the block between the date line and the body",
          "<th>{label}</th><td>{value}</td>",
          (_s("信息索引号", "index_no", "index_no"), _s("公开日期", "published", "publish_date"),
           _s("文件编号", "doc_no", "doc_no"), _s("效力状况", "validity", "validity")),
          row=TR, per_row=2, wrapper='<table class="xxgk_table_wza">{rows}</table>', colon=""),
    Block("M09", "label and value in one text node of a cell; an empty 主题分类",
          "<td>{label}{colon}{value}</td>",
          (_s("索引号", "index_no", "index_no"), _s("主题分类", "blank", "topic"),
           _s("发文字号", "doc_no", "doc_no"), _s("发布日期", "published", "publish_date")),
          row=TR, per_row=2, wrapper='<div class="zwxxgk_box"><table>{rows}</table></div>'),
    Block("M10", "集约化 table before the <h1>: 名称, three classifications in one cell, the date in a custom element",
          '<td class="c1">{label}</td><td class="c2">{value}</td>',
          (_s("名称", "title", "title"), _s("索引号", "index_no", "index_no"), _s("分类", "schemes", "topic"),
           _s("发布机构", "issuer", "issuer"),
           _s("公开日期", "published", "publish_date",
              item='<td class="c1">{label}</td><td class="c3"><publishtime>{value}</publishtime></td>'),
           _s("文号", "blank", "doc_no"), _s("关键词", "blank", "keywords"), _s("时效", "blank", "validity")),
          row=TR, per_row=2, wrapper='<div class="article-tb"><table class="table_content">{rows}</table></div>',
          colon=""),
    Block("M11", "<label><font> labels spaced with &ensp;, each value in the next <div>",
          '<label><font>{label}{colon}</font></label><div class="display-block">{value}</div>',
          (_s("索&ensp;引&ensp;号", "index_no", "index_no"), _s("分&ensp;&ensp;&ensp;&ensp;类", "topic", "topic"),
           _s("发布机构", "issuer", "issuer"), _s("发文日期", "written", "written_date"),
           _s("文&ensp;&ensp;&ensp;&ensp;号", "doc_no", "doc_no"), _s("时&ensp;&ensp;&ensp;&ensp;效", "validity", "validity")),
          wrapper='<div class="xxgkml-content">{rows}</div>'),
    Block("M12", "one pair a <li>, a full-width colon and a space",
          "<li>{label}{colon} {value}</li>",
          (_s("索引号", "index_no", "index_no"), _s("发文机构", "issuer", "issuer"), _s("发文字号", "doc_no", "doc_no"),
           _s("主题分类", "topic", "topic"), _s("成文日期", "written", "written_date"),
           _s("发布日期", "published", "publish_date"), _s("有效性", "validity", "validity")),
          wrapper='<div class="sub"><ul>{rows}</ul></div>', dates="cn"),
    Block("M13", "ministry policy table: 信息索引, 生成日期, 信息类别, 信息名称",
          '<td class="policy-item-title">{label}{colon}</td><td class="policy-item-cont">{value}</td>',
          (_s("信息索引", "index_no", "index_no"), _s("生成日期", "written", "written_date"),
           _s("发文机构", "issuer", "issuer"), _s("发文字号", "doc_no", "doc_no"),
           _s("信息类别", "topic", "topic"), _s("信息名称", "title", "title")),
          row=TR, per_row=2, wrapper='<table id="moe-policy-table">{rows}</table>'),
    Block("M14", "three pairs a row; 发文单位 is the issuer, 所属机构 an inner bureau",
          "<td>{label}{colon}</td><td>{value}</td>",
          (_s("索引号", "index_no", "index_no"), _s("发文字号", "doc_no", "doc_no"), _s("发文单位", "issuer", "issuer"),
           _s("所属机构", "office"), _s("主题分类", "topic", "topic"), _s("公文种类", "genre"),
           _s("成文日期", "written", "written_date"), _s("发布日期", "published", "publish_date")),
          row=TR, per_row=3, wrapper='<div class="scy_main_detail"><table>{rows}</table></div>', dates="cn"),
    Block("M15", "报送单位 as the issuer; values in id'd spans whose ids lie",
          '<td>{label}{colon}</td><td><span id="span_publisher">{value}</span></td>',
          (_s("报送单位", "issuer", "issuer"), _s("主题分类", "topic", "topic"), _s("发文字号", "doc_no", "doc_no"),
           _s("成文日期", "written", "written_date"), _s("标　　题", "title", "title")),
          row=TR, per_row=2, wrapper='<div class="JD_key02"><table class="JD_table_key02">{rows}</table></div>'),
    Block("M16", "alternating label and value cells, 文　　号 with two U+3000",
          "<td>{label}{colon}</td><td>{value}</td>",
          (_s("文　　号", "doc_no", "doc_no"), _s("索引号", "index_no", "index_no"),
           _s("发文日期", "written", "written_date"), _s("发布机构", "issuer", "issuer")),
          row=TR, per_row=2, wrapper='<table class="table_key">{rows}</table>', dates="cn"),
    Block("M17", "a flat run of label and value spans in one <div>",
          "<span>{label}{colon}</span><span> {value} </span>",
          (_s("索引号", "index_no", "index_no"), _s("发文字号", "doc_no", "doc_no"), _s("发文机关", "issuer", "issuer"),
           _s("发布日期", "published", "publish_date")),
          wrapper='<div class="article-info-bz">{rows}</div>'),
    Block("M18", "<th> labels without colon",
          "<tr><th>{label}</th><td>{value}</td></tr>",
          (_s("索引号", "index_no", "index_no"), _s("发文机关", "issuer", "issuer"), _s("成文日期", "written", "written_date"),
           _s("发布日期", "published", "publish_date"), _s("主题分类", "topic", "topic"), _s("发文字号", "doc_no", "doc_no")),
          wrapper='<table class="xxgk-info">{rows}</table>', colon=""),
    Block("M19", "labels in square brackets, no colon, the value after a space; an empty item",
          "<li>[{label}] {value}</li>",
          (_s("发文字号", "doc_no", "doc_no"), _s("发文机关", "issuer", "issuer"),
           _s("成文日期", "written", "written_date"), _s("发布日期", "published", "publish_date"),
           _s("有效性", "blank", "validity")),
          wrapper='<ol class="doc-meta">{rows}</ol>', colon=""),
    Block("M20", "responsive grid: <strong> label, the value as its tail or in a span; 文    号 with four spaces",
          '<div class="col-xs-12 col-sm-6"><strong>{label}{colon}</strong>{value}</div>',
          (_s("索引号", "index_no", "index_no"), _s("发文机关", "issuer", "issuer"),
           _s("文    号", "doc_no", "doc_no",
              item='<div class="col-xs-12 col-sm-6"><strong>{label}{colon}</strong><span>{value}</span></div>'),
           _s("成文日期", "written", "written_date"), _s("发布日期", "published", "publish_date")),
          wrapper='<div class="metadata_content"><div class="row">{rows}</div></div>'),
    Block("M21", "td.th / td.td cells, 文 号 spaced with a space and four NBSPs",
          '<td class="th">{label}</td><td class="td">{value}</td>',
          (_s("索引号", "index_no", "index_no"), _s("发布机构", "issuer", "issuer"),
           _s("文 &nbsp;&nbsp;&nbsp;&nbsp; 号", "doc_no", "doc_no"), _s("发布日期", "published", "publish_date")),
          row=TR, per_row=2, wrapper='<table class="table">{rows}</table>', colon=""),
    Block("M22", "<li> items mixing a label element with plain label：value text",
          "<li><span>{label}{colon}</span>{value}</li>",
          (_s("索引号", "index_no", "index_no"), _s("发布机构", "issuer", "issuer", item=PLAIN_LI),
           _s("发文字号", "doc_no", "doc_no"), _s("发布日期", "published", "publish_date", item=PLAIN_LI)),
          wrapper='<ul class="clearfix">{rows}</ul>'),
    Block("M23", "bold labels with a half-width colon, the value the tail; 文      号 with six spaces; title after the block",
          "<td><b>{label}{colon}</b>{value}</td>",
          (_s("索引号", "index_no", "index_no"),
           _s("发布机构", "issuer", "issuer", item="<td><b><span>{label}{colon}</span></b>{value}</td>"),
           _s("文      号", "doc_no", "doc_no"), _s("发布日期", "published", "publish_date")),
          row=TR, per_row=2, wrapper='<div class="bt-article-y"><table>{rows}</table></div>', colon=":"),
    Block("M24", "<th> label and <td> value pairs in the page's first table body, no class",
          "<th>{label}{colon}</th><td>{value}</td>",
          (_s("索引号", "index_no", "index_no"), _s("发布机构", "issuer", "issuer"), _s("文号", "doc_no", "doc_no"),
           _s("成文日期", "written", "written_date"), _s("发布日期", "published", "publish_date"),
           _s("主题分类", "topic", "topic")),
          row=TR, per_row=2, wrapper="<table><tbody>{rows}</tbody></table>"),
    Block("M25", "alternating cells without classes, 文 号 with one space",
          "<td>{label}{colon}</td><td>{value}</td>",
          (_s("索 引 号", "index_no", "index_no"), _s("文 号", "doc_no", "doc_no"),
           _s("发布机构", "issuer", "issuer"), _s("成文日期", "written", "written_date")),
          row=TR, per_row=2, wrapper='<table class="gkxl-top">{rows}</table>'),
    Block("M26", "bold label and tail value; the 索引号 row commented out; 发文日期 with a clock time is the publish time",
          "<td><b>{label}{colon}</b>{value}</td>",
          (_s("索 引 号", "index_no", commented=True), _s("发布机构", "issuer", "issuer"),
           _s("发文日期", "published-seconds", "publish_date"), _s("名&nbsp;&nbsp;称", "title", "title"),
           _s("文&nbsp;&nbsp;号", "blank", "doc_no"), _s("主 题 词", "keywords", "keywords")),
          row=TR, per_row=2, wrapper='<table class="article_introduce">{rows}</table>'),
    Block("M27", "old ASP: three pairs a row, <strong> label and tail value in one cell",
          '<td width="30%"><strong>{label}{colon}</strong>{value}</td>',
          (_s("索 引 号", "index_no", "index_no"), _s("主题分类", "topic", "topic"), _s("发布机构", "issuer", "issuer"),
           _s("发布日期", "published", "publish_date"), _s("文&nbsp;&nbsp;&nbsp;&nbsp;号", "doc_no", "doc_no"),
           _s("关 键 词", "keywords", "keywords")),
          row=TR, per_row=3, wrapper='<table class="xxgkHg">{rows}</table>'),
    Block("M28", "even two-character labels spaced (分 类, 文 号); empty cells",
          TD_PAIR,
          (_s("索 引 号", "index_no", "index_no"), _s("分 类", "schemes", "topic"), _s("发布机构", "issuer", "issuer"),
           _s("发文日期", "written", "written_date"), _s("文 号", "blank", "doc_no"), _s("有 效 性", "blank", "validity")),
          row=TR, per_row=2, wrapper="<table>{rows}</table>", colon=""),
    Block("M29", "发布机构 and 信息来源 in one block; 组配分类 no topic, 主题导航 is; 发文日期 with a time",
          TD_PAIR,
          (_s("索引号", "index_no", "index_no"), _s("组配分类", "catalogue"), _s("发布机构", "issuer", "issuer"),
           _s("发文日期", "published-time", "publish_date"), _s("发布文号", "doc_no", "doc_no"),
           _s("关键词", "keywords", "keywords"), _s("信息来源", "office"), _s("主题导航", "topic", "topic"),
           _s("信息名称", "title", "title"), _s("内容概述", "summary")),
          row=TR, per_row=2, wrapper='<table class="table_suoyin">{rows}</table>', colon=""),
    Block("M30", "catalogue platform: label cells with a colon, 名称 and 主题词 spanning the row",
          "<td>{label}{colon}</td><td>{value}</td>",
          (_s("索引号", "index_no", "index_no"), _s("分类", "topic", "topic"), _s("发布机构", "issuer", "issuer"),
           _s("成文日期", "written", "written_date"), _s("名称", "title", "title"), _s("文号", "blank", "doc_no"),
           _s("发布日期", "published", "publish_date"), _s("主题词", "keywords", "keywords")),
          row=TR, per_row=2, wrapper='<table class="classify">{rows}</table>'),
    Block("M31", "a run-in block with half-width colons; empty values are adjacent labels; 标 题 then the title",
          "{label}{colon}{value}",
          (_s("索引号", "index_no", "index_no"), _s("公开目录", "topic", "topic"), _s("发布机构", "issuer", "issuer"),
           _s("主题词", "blank", "keywords"), _s("发布日期", "published-seconds", "publish_date"),
           _s("文  号", "blank", "doc_no")),
          row="{items}<br>", per_row=3, sep=" ", wrapper='<div class="property">{rows}</div>', colon=":"),
    Block("M32", "labels padded to one width with runs of spaces, no colon; 〔〕号 for no 文号; a 来源 row",
          TD_PAIR,
          (_s("索  引  号", "index_no", "index_no"), _s("主题分类", "topic", "topic"), _s("发布机构", "issuer", "issuer"),
           _s("发布日期", "published-time", "publish_date"), _s("名        称", "title", "title"),
           _s("文        号", "template"), _s("主  题  词", "keywords", "keywords"), _s("来        源", "office")),
          row=TR, per_row=2, wrapper='<table class="xxgk_table">{rows}</table>', colon=""),
    Block("M33", "<li><strong>label：</strong><span>value</span>",
          "<li><strong>{label}{colon}</strong><span>{value}</span></li>",
          (_s("发布机构", "issuer", "issuer"), _s("信息来源", "office"), _s("成文日期", "written", "written_date"),
           _s("发布日期", "published", "publish_date")),
          wrapper='<ul class="fgw-info">{rows}</ul>'),
    Block("M34", "Hanweb xxgk table: 生成日期 is the written date, 统一编号 no 文号, colon in some cells only",
          TD_PAIR,
          (_s("索引号：", "index_no", "index_no"), _s("组配分类", "catalogue"), _s("发布机构：", "issuer", "issuer"),
           _s("生成日期", "written", "written_date"), _s("文件编号", "doc_no", "doc_no"), _s("统一编号", "unified"),
           _s("有效性", "validity", "validity")),
          row=TR, per_row=2, wrapper='<div class="xxgk-table"><table>{rows}</table></div>', colon=""),
    Block("M35", "div grid, three cells a row, 'label：value' in each; 信息来源 the only issuer label",
          "<div>{label}{colon}{value}</div>",
          (_s("索引号", "index_no", "index_no"), _s("发文字号", "doc_no", "doc_no"), _s("发布日期", "published", "publish_date"),
           _s("信息来源", "issuer", "issuer"), _s("关键词", "keywords", "keywords"), _s("公开方式", "mode")),
          row="<div>{items}</div>", per_row=3, wrapper='<div id="symbol">{rows}</div>'),
    Block("M39", "three colon placements in one list: in the label element, in its tail, none",
          "<li><span>{label}</span>{colon}{value}</li>",
          (_s("发文字号", "doc_no", "doc_no"),
           _s("发布机构", "issuer", "issuer", item='<li><span class="lab">{label}{colon}</span><span>{value}</span></li>'),
           _s("成文日期", "written", "written_date", item="<li><span>{label}</span>{value}</li>")),
          wrapper='<ul class="xxgk">{rows}</ul>'),
    Block("M40", "<th> labels with a half-width colon between spaces; 制发机关",
          "<tr><th>{label}{colon}</th><td>{value}</td></tr>",
          (_s("发文字号", "doc_no", "doc_no", colon="："), _s(" 制发机关 ", "issuer", "issuer"),
           _s("成文日期 ", "written", "written_date")),
          wrapper="<table>{rows}</table>", colon=" : "),
    Block("M41", "labels in brackets: [ 索引号 ] and 【发布机构】, value in the next cell",
          TD_PAIR,
          (_s("[ 索引号 ]", "index_no", "index_no"), _s("【发布机构】", "issuer", "issuer"),
           _s("【发文字号】", "doc_no", "doc_no"), _s("【成文日期】", "written", "written_date")),
          row=TR, per_row=2, wrapper='<table class="bracket-meta">{rows}</table>', colon=""),
    Block("M42", "div.title / div.content pairs; 印发日期 for the written date; 发布单位 the issuer",
          '<div class="item"><div class="title">{label}{colon}</div><div class="content">{value}</div></div>',
          (_s("索引号", "index_no", "index_no"), _s("发布单位", "issuer", "issuer"), _s("文号", "doc_no", "doc_no"),
           _s("印发日期", "written", "written_date"), _s("发布时间", "published-time", "publish_date")),
          wrapper='<div class="info-list">{rows}</div>'),
    Block("M43", "labels in one row, values in the row below",
          "", (_s("索引号", "index_no", "index_no"), _s("发布机构", "issuer", "issuer"),
               _s("成文日期", "written", "written_date"), _s("文号", "doc_no", "doc_no")),
          wrapper='<table class="xxgk-head">{rows}</table>', colon="", columns=True),
    Block("M44", "the block twice: a desktop copy and a mobile copy; 发文字号 for 文号",
          "<li><label>{label}{colon}</label><span>{value}</span></li>",
          (_s("索引号", "index_no", "index_no"), _s("发布机构", "issuer", "issuer"), _s("发文字号", "doc_no", "doc_no"),
           _s("发布日期", "published", "publish_date")),
          wrapper='<ul class="xxgk-info">{rows}</ul>', twice=True),
    Block("M45", "无 for an empty value; ASCII colons; 主题分类 and 有效性 empty",
          "<tr><td>{label}{colon}</td><td>{value}</td></tr>",
          (_s("索引号", "index_no", "index_no"), _s("发布机构", "issuer", "issuer"), _s("文号", "none", "doc_no"),
           _s("主题分类", "none", "topic"), _s("有效性", "none", "validity"), _s("发布日期", "published", "publish_date")),
          wrapper='<table class="xxgk-meta">{rows}</table>', colon=":"),
)

LINES: tuple[Line, ...] = (
    Line("T01", "an unlabelled date, then 来源 in a span",
         '<div class="pages-date">{published}<span class="font">来源：{source}</span></div>',
         (("publish_date", "published"), ("issuer", "source"))),
    Line("T02", "an unlabelled Chinese date in the first span under the title",
         '<div class="pages-date"><span>{published}</span><span>【字体：<a href="javascript:;">大</a> '
         '<a href="javascript:;">中</a> <a href="javascript:;">小</a>】</span></div>',
         (("publish_date", "published"),), dates="cn"),
    Line("T03", "spans: 发布时间, a hit counter, 信息来源 with spaces around the value",
         '<div class="xl_doc"><span>发布时间：{published} </span><span>浏览次数：<script>document.write(12)'
         '</script></span><span>信息来源： {source} </span></div>',
         (("publish_date", "published"), ("issuer", "source"))),
    Line("T04", "one text node: 日期 and an empty 来源",
         '<div class="info clearbox"><p>日期：{published} 来源：</p><div class="m-share">分享：</div></div>',
         (("publish_date", "published"),)),
    Line("T05", "an unlabelled date and 来源 in one text node",
         '<div class="youbiaodc_ind01">{published} 来源：{source}</div>',
         (("publish_date", "published"), ("issuer", "source"))),
    Line("T06", "时间 alone", '<p class="date">时间：{published}</p>', (("publish_date", "published"),), dates="iso"),
    Line("T07", "the date in span#pubtime, the source in a link after 来源",
         '<div class="source"><span id="pubtime">{published}</span> '
         '<span id="source">来源：<a href="/" target="_blank">{source}</a></span></div>',
         (("publish_date", "published"), ("issuer", "source")), dates="cn-time"),
    Line("T08", "property spans: 文章来源 a placeholder, 作者 佚名, 发布时间, 点击数",
         '<div class="property"> <span>文章来源：本站原创</span> <span>作者：佚名</span> '
         '<span>发布时间：{published}</span> <span>点击数：<script>document.write(3)</script>次</span></div>',
         (("publish_date", "published"),), dates="cn"),
    Line("T09", "a three-cell table: 发布日期, 信息来源, 字号",
         '<table class="info"><tr><td width="25%">发布日期：{published}</td><td>信息来源：{source}</td>'
         '<td width="25%">字号：[ <a href="javascript:;">大</a> <a href="javascript:;">中</a> '
         '<a href="javascript:;">小</a> ]</td></tr></table>',
         (("publish_date", "published"), ("issuer", "source")), dates="iso"),
    Line("T10", "信息来源 in a paragraph after the body", '<p class="s2-edit">信息来源：{source}</p>',
         (("issuer", "source"),), below=True),
    Line("T11", "Hanweb: 信息来源 with its value between two template comments, after the date",
         '<div class="info">发布日期：{published}　信息来源：<!--<$[信息来源]>begin-->{source}<!--<$[信息来源]>end-->'
         '　浏览次数：<span id="hits">12</span></div>',
         (("publish_date", "published"), ("issuer", "source")), dates="iso"),
    Line("T12", "ASCII colons with empty fields: 来源: 作者: 编辑:",
         '<div class="detail-info">发布时间: {published} 来源: 作者: 编辑: {editor}</div>',
         (("publish_date", "published"),)),
    Line("T13", "出处 as the source label", '<div class="jh-article-info"><span>发布日期：{published}</span>'
         '<span>出处：{source}</span><span>作者：{editor}</span></div>',
         (("publish_date", "published"), ("issuer", "source")), dates="iso"),
    Line("T14", "an info bar with 索引号, 文章来源, a slashed date-time, 作者, 点击 and widgets",
         '<div class="info-bar">索引号：{index_no} 文章来源：{source} 发布时间：{published} 作者：{editor} 点击：'
         '<span id="hits">5</span> 【字体：<a href="javascript:;">大</a><a href="javascript:;">中</a>'
         '<a href="javascript:;">小</a>】【<a href="javascript:window.print()">打印内容</a>】</div>',
         (("index_no", "index_no"), ("issuer", "source"), ("publish_date", "published")), dates="slash-time"),
    Line("T15", "投稿部门 over the body", '<div class="sp_time"><span>投稿部门：{source}</span>'
         '<span>发布时间：{published}</span></div>', (("issuer", "source"), ("publish_date", "published"))),
    Line("T16", "label spans and value spans: 时间, 信息来源, 点击",
         '<div class="shang"><span>时间：</span><span>{published}</span>&nbsp;<span>信息来源：</span>'
         '<span>{source}</span>&nbsp;<span>点击：</span><span id="hits"></span></div>',
         (("publish_date", "published"), ("issuer", "source")), dates="iso-seconds"),
    Line("T17", "whole pairs in 【】 separated by U+3000",
         '<div class="pairs">【时间：{published}】　【作者：{editor}】　【<a href="javascript:window.close()">关 闭</a>】</div>',
         (("publish_date", "published"),), dates="iso"),
    Line("T18", "positional fields apart by runs of spaces, only 来源 labelled",
         '<div class="tc A_t1"><div>新闻发布   {published}   来源：{source}</div></div>',
         (("publish_date", "published"), ("issuer", "source")), dates="cn"),
    Line("T19", "an empty 信息来源 whose value span holds the next label",
         '<div class="zjy_top"><p><span>信息来源：</span><span>更新时间：{published}</span></p></div>',
         (("publish_date", "published"),), dates="iso"),
    Line("T21", "the date alone in small.PBtime", '<small class="PBtime"><p>{published}</p></small>',
         (("publish_date", "published"),), dates="iso"),
    Line("T22", "来源 before 时间 in one line", '<div class="laiyuan">来源：{source} 时间：{published} '
         '<span>【<a href="javascript:window.print()">打印</a>】</span></div>',
         (("issuer", "source"), ("publish_date", "published"))),
)

LISTS: tuple[ListLayout, ...] = (
    ListLayout("L01", "ul/li: full title in a@title, text cut, date in a span",
               '<li><a href="{href}" title="{title}" target="_blank">{short}</a><span>{date}</span></li>',
               dates="slash"),
    ListLayout("L03", "rows only inside an HTML comment; the live list is drawn by script",
               '<li><a target="_blank" href="{href}" title="{title}">{title}</a><b>{date}</b></li>',
               where="comment"),
    ListLayout("L04", "rows in a script's array of objects, the page showing perPage of them", "", where="script"),
    ListLayout("L08", "a table with header cells 名称 / 索引号 / 发布机构 / 发布日期",
               '<tr><td><a href="{href}" title="{title}">{short}</a></td><td>{index_no}</td><td>{issuer}</td>'
               "<td>{date}</td></tr>",
               wrapper='<table class="xxgk-list"><tr><th>名称</th><th>索引号</th><th>发布机构</th><th>发布日期</th>'
                       "</tr>{rows}</table>"),
    ListLayout("L02", "Hanweb datastore: rows as CDATA records in an XML script", "", where="datastore"),
    ListLayout("L07", "each row written by a script from string variables (TRS), titles shortened",
               '<li><script>var url = "{href}"; var title = "{title}"; var FILENUM = ""; var shown = title; '
               'if (title.length > 20) shown = title.substring(0, 20) + "…"; document.writeln("<a href=\'" + url + '
               '"\' target=\'_blank\' title=\'" + title + "\'>" + shown + "</a><span>{date}</span>");</script></li>'),
    ListLayout("L12", "ul.default_news: a and span.time", '<li><a href="{href}">{title}</a><span class="time">{date}</span></li>',
               wrapper='<ul class="default_news">{rows}</ul>'),
    ListLayout("L13", "a table drawn with divs", '<div class="biaobody"><div class="lie1"><a href="{href}">{title}</a>'
               '</div><div class="lie4">{date}</div></div>', wrapper='<div class="biaoge">{rows}</div>'),
    ListLayout("L14", "the date inside the link", '<li><a href="{href}">{title}<span class="date">{date}</span></a></li>'),
    ListLayout("L15", "the link wraps the whole row", '<a class="row" href="{href}"><p>{title}</p><span>{date}</span></a>',
               wrapper='<div class="list">{rows}</div>'),
    ListLayout("L16", "the date in the <li> after the row's <li>",
               '<li class="title"><a href="{href}">{title}</a></li><li class="date">{date}</li>',
               wrapper='<ul class="list-two">{rows}</ul>'),
    ListLayout("L17", "one <table> per item", '<table class="item" width="100%"><tr><td class="t1">'
               '<a href="{href}">{title}</a></td><td class="t2" width="90">{date}</td></tr></table>',
               wrapper='<div class="items">{rows}</div>'),
    ListLayout("L22", "a date span padded with line breaks and tabs", '<li><a href="{href}">{title}</a>'
               '<span class="date">\n\t\t{date}\n\t</span></li>'),
    ListLayout("L24", "the date first, before the link", '<li><span class="date">{date}</span><a href="{href}">{title}</a></li>'),
    ListLayout("L25", "a bracketed date cell", '<tr><td><a href="{href}" title="{title}">{short}</a></td><td>[{date}]</td></tr>',
               wrapper='<table class="list-table">{rows}</table>'),
    ListLayout("L26", "the list twice: a desktop table and a mobile list",
               '<li><a href="{href}">{title}</a><span>{date}</span></li>', where="twice"),
    ListLayout("L27", "新点 (Epoint) ewb-* list: full title in a@title, date in a span",
               '<li><a href="{href}" title="{title}" target="_blank">{short}</a><span class="ewb-date">{date}</span></li>',
               wrapper='<div class="ewb-white"><div class="ewb-job"><ul class="ewb-list">{rows}</ul></div></div>'),
    ListLayout("L28", "rows with a labelled 索引号 and a date", '<dd><a href="{href}">{title}</a><p><i>索引号:{index_no}</i>'
               '<span>{date}</span></p></dd>', wrapper='<dl class="newsxu">{rows}</dl>'),
)
