"""The layouts site: one report per real metadata layout and date-and-source line, lists in real list layouts.

Served only on request (``FixturePortal(variants=True)``). Each detail page combines a metadata
block and a date-and-source line from ``layouts.py`` with a title element and a body container
(``PAGES``); containers include ones no rule knows by name, a template that closes ``</html>``
before the article, a body served twice, a hidden read-aloud copy, Word-pasted markup, and a page
drawn by JavaScript from a JSON endpoint. The column's list pages cycle through ``layouts.LISTS``:
rows in the markup, in a comment, in a script's array, in a Hanweb datastore, or twice.
:meth:`VariantsFamily.displayed` states what each page shows, field by field, from the same data.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from functools import partial

from .context import BaseFamily, Route, SiteContext
from .layouts import LINES, LISTS, META, Block, Line, ListLayout
from .markup import BodyStyle, esc, paragraphs_of, render_blocks
from .model import REPORT, Document, Image, Para
from .page_furniture import AFTER_BODY, article_meta
from .pieces import MenuLook, add_menus, list_chunks, menu_page, served, zwgk_homepage
from .server import Request, Response

COLUMN = "/xxgk/gknb/"
COLUMN_NAME = "政府信息公开年报"
PER_PAGE = 11  # the column has a page for each list layout (LISTS)
SHORT_TITLE = 20
MENU = (("/xxgk/gkzn/index.html", "政府信息公开指南"), (f"{COLUMN}index.html", COLUMN_NAME),
        ("/xxgk/ysqgk/index.html", "依申请公开"))
BLOCKS = {block.id: block for block in META}
LINE_BY_ID = {line.id: line for line in LINES}


@dataclass(frozen=True)
class PageShape:
    """One detail page: a block, a line, a title element, a body container; ``meta`` adds article <meta> tags."""

    block: str | None
    line: str | None
    body: str = "zoom-class"
    heading: str = '<h1 class="title">{title}</h1>'
    meta: bool = True
    block_first: bool = False  # the block above the title (UCAP 集约化, 江西 Hanweb)


PAGES: tuple[PageShape, ...] = (
    PageShape("M01", "T01", "early-end", '<h1 id="ti">{title}</h1>', block_first=True),
    PageShape("M02", None, "ucap", meta=False),
    PageShape("M03", "T21", "content-class", meta=False),
    PageShape("M04", "T03", "zoom-class", '<div class="xl_title">{title}</div>', block_first=True),
    PageShape("M05", "T22", "wz"),
    PageShape("M06", None, "table-layout", meta=False),
    PageShape("M07", "T09", "neiright"),
    PageShape("M08", "T06", "zoom-id", '<h3 class="font36">{title}</h3>'),
    PageShape("M09", None, "view", block_first=True),
    PageShape("M10", None, "ucapcontent", '<h1 class="article-title"><ucaptitle>{title}</ucaptitle></h1>',
              block_first=True),
    PageShape("M11", "T02", "word"),
    PageShape("M12", None, "twice", meta=False),
    PageShape("M13", "T13", "content-class"),
    PageShape("M14", "T05", "read-aloud", meta=False),
    PageShape("M15", None, "zoom-class"),
    PageShape("M16", "T21", "wz", meta=False),
    PageShape("M17", "T12", "ivs", block_first=True),
    PageShape("M18", None, "neiright"),
    PageShape("M19", "T08", "content-class", '<div class="header"><p>{title}</p></div>', block_first=True),
    PageShape("M20", None, "zoom-class", meta=False),
    PageShape("M21", "T16", "table-layout"),
    PageShape("M22", "T19", "wz"),
    PageShape("M23", None, "zoom-id", '<p class="sp_title">{title}</p>', block_first=True),
    PageShape("M24", "T17", "neiright", meta=False),
    PageShape("M25", "T04", "content-class"),
    PageShape("M26", None, "word", meta=False),
    PageShape("M27", None, "table-layout", meta=False),
    PageShape("M28", "T07", "zoom-class"),
    PageShape("M29", None, "paren-source"),
    PageShape("M30", None, "wz", meta=False),
    PageShape("M31", None, "content-class", meta=False),
    PageShape("M32", "T18", "neiright"),
    PageShape("M33", "T10", "zoom-class"),
    PageShape("M34", None, "view"),
    PageShape("M35", "T02", "content-class", '<h1 id="main">{title}</h1>'),
    PageShape("M39", None, "read-aloud"),
    PageShape("M40", None, "twice", meta=False),
    PageShape("M41", "T03", "zoom-class", meta=False),
    PageShape("M42", None, "wz"),
    PageShape("M43", "T13", "neiright", meta=False),
    PageShape("M44", None, "zoom-class"),
    PageShape("M45", "T01", "content-class"),
    PageShape(None, "T22", "zoom-class", meta=False),
    PageShape(None, "T11", "zoom-id", meta=False),
    PageShape(None, "T04", "content-class"),
    PageShape(None, "T05", "wz", meta=False),
    PageShape(None, "T07", "read-aloud", meta=False),
    PageShape(None, "T12", "twice"),
    PageShape(None, "T14", "neiright", meta=False),
    PageShape(None, "T15", "zoom-class", meta=False),
    PageShape(None, "T16", "early-end", '<h1 id="ti">{title}</h1>', meta=False),
    PageShape(None, "T18", "content-class", meta=False),
    PageShape(None, "T19", "zoom-class", meta=False),
    PageShape(None, "T10", "word", meta=False),
    PageShape(None, None, "js-shell"),
)
# The body containers: known ones (#zoom, #UCAP-CONTENT, .TRS_UEDITOR …) and ones no rule names.
BODIES = {
    "zoom-class": '<div class="zoom" style="padding:20px">{body}</div>',
    "content-class": '<div class="content">{body}</div>',
    "neiright": '<div class="neiright_Content"><div class="neiright_JPZ_GK">{body}</div></div>',
    "wz": '<div class="wz_content" id="wz">{body}</div>',
    "view": '<div class="view TRS_UEDITOR trs_paper_default trs_web">{body}</div>',
    "ucap": '<div class="pages_content" id="UCAP-CONTENT">{body}</div>',
    "zoom-id": '<div id="zoom">{body}</div>',
    "ivs": '<div class="Article_content" id="ivs_content">{body}</div>',
    "ucapcontent": '<div class="article-content" id="zoomcon"><ucapcontent>{body}</ucapcontent></div>',
    "table-layout": '<table width="100%" class="bt_table"><tr><td class="bt_content">{body}</td></tr></table>',
    "early-end": '<div class="pages_content" id="UCAP-CONTENT">{body}</div>',
    "twice": '<div class="pc-content">{body}</div><div class="mobile-content">{body}</div>',
    "read-aloud": ('<div class="article-text">{body}</div>'
                   '<div class="yybb" style="display:none"><div id="voice">{plain}</div></div>'),
    "word": '<div class="TRS_PreAppend"><div class="WordSection1">{body}</div></div>',
    "paren-source": ('<div id="zoom">{body}<p style="text-align:right"><span>（</span><span>信息来源：</span>'
                     '<span>{source}</span><span>）</span></p></div>'),
}
DATE_FORMATS = {
    "iso": "{d:%Y-%m-%d}", "iso-time": "{d:%Y-%m-%d %H:%M}", "iso-seconds": "{d:%Y-%m-%d %H:%M:%S}",
    "cn": "{d:%Y年%m月%d日}", "cn-time": "{d:%Y年%m月%d日 %H:%M}", "slash": "{d:%Y/%m/%d}",
    "slash-time": "{d.year}/{d.month}/{d.day} {d.hour}:{d:%M:%S}",
}
# A date without a time of day (成文日期) in a layout that prints times.
DAY_FORMATS = {"iso-time": "iso", "iso-seconds": "iso", "cn-time": "cn", "slash-time": "slash"}
EMPTY_VALUES = {"blank": "", "none": "无", "dashes": "—&nbsp;&nbsp;—", "template": "〔〕号"}
FIXED_VALUES = {"keywords": "政府信息公开,年度报告", "validity": "有效", "mode": "主动公开", "period": "长期公开",
                "catalogue": "政府信息公开年报", "genre": "报告", "unified": "QLSG-2024-0012"}
WORD_SPAN = ('<p class="MsoNormal" style="text-indent:32.0pt;mso-char-indent-count:2.0;line-height:28.0pt;'
             'mso-line-height-rule:exactly"><span style="font-size:16.0pt;font-family:仿宋_GB2312;'
             'mso-hansi-font-family:&quot;Times New Roman&quot;;color:black">{}</span></p>')


def page_name(k: int) -> str:
    """List page k (0-based): index.html, index_1.html, …"""
    return "index.html" if k == 0 else f"index_{k}.html"


class VariantsFamily(BaseFamily):
    """The layouts site (see the module docstring)."""

    name = "variants"

    def channel_path(self, slug: str) -> str:
        return f"/{slug}/index.html"

    def detail_path(self, doc: Document) -> str:
        """Mostly TRS's shape; one item in four in a shape no URL rule names, as real portals have more of
        them than any table: 新点's dated folder of GUIDs, and a numbered ``show`` page."""
        if doc.number % 8 == 3:
            guid = uuid.uuid5(uuid.NAMESPACE_URL, f"qingyuan/{doc.number}")
            return f"{COLUMN}{doc.published:%Y%m%d}/{guid}.html"
        if doc.number % 8 == 7:
            return f"{COLUMN}show/{doc.number}.html"
        return f"{COLUMN}{doc.published:%Y%m}/t{doc.published:%Y%m%d}_{doc.number}.html"

    def arrange(self, docs: list[Document]) -> None:
        """Give every report a page shape, and every other one a 文号, in a fixed order."""
        reports = sorted((d for d in docs if d.kind == REPORT), key=lambda d: d.number)
        for i, doc in enumerate(reports):
            doc.variant = i % len(PAGES)
            if i % 2 == 0:
                doc.doc_no = f"青源办发〔{doc.published.year}〕{doc.number % 90 + 1}号"

    def routes(self, ctx: SiteContext) -> dict[str, Route]:
        home = Route(partial(zwgk_homepage, ctx, "/xxgk/index.html", "/xxgk/index.html"))
        routes = {"/": home, "/index.html": home,
                  "/xxgk/index.html": Route(partial(menu_page, ctx, LOOK, "政府信息公开", MENU))}
        add_menus(routes, ctx, self, LOOK, MENU)
        chunks = list_chunks(ctx.docs, PER_PAGE)
        for k, chunk in enumerate(chunks):
            routes[COLUMN + page_name(k)] = Route(partial(list_page, ctx, self, chunk, k, len(chunks)))
        for doc in served(ctx.docs):
            routes[self.detail_path(doc)] = Route(partial(detail_page, ctx, self, doc))
            if shape_of(doc).body == "js-shell":
                routes[data_path(doc)] = Route(partial(data_reply, ctx, doc))
        return routes

    def displayed(self, doc: Document) -> dict[str, object]:
        """The metadata the page shows, field by field (the block's slot, else the line's, else <meta>)."""
        if doc.kind != REPORT:
            return {}
        shape = shape_of(doc)
        described = {"shape": {"block": shape.block, "line": shape.line, "body": shape.body}}
        fields = ("index_no", "issuer", "topic", "written_date", "publish_date", "doc_no", "validity", "keywords")
        if shape.body == "js-shell":  # the static page shows nothing of its document
            return {**dict.fromkeys(fields), "title": COLUMN_NAME, "paragraphs": [], "tables": [], **described}
        shown = expected_fields(doc, shape)
        if "publish_date" not in shown:
            shown["publish_date"] = f"{doc.published:%Y-%m-%d}" if shape.meta else None
        return {**dict.fromkeys(fields), **{k: v for k, v in shown.items() if k != "title"}, **described}


def shape_of(doc: Document) -> PageShape:
    """The page shape ``arrange`` gave a report (other items get the plainest one)."""
    return PAGES[doc.variant] if doc.variant is not None else PageShape(None, None)


def data_path(doc: Document) -> str:
    """Where a JavaScript page fetches its document."""
    return f"/xxgk/data/{doc.number}.json"


def image_path(doc: Document, img: Image) -> str:
    """Where a body image would be served."""
    return f"/uploadfiles/{img.number}.jpg"


def crumbs(*trail: tuple[str, str]) -> str:
    """The 当前位置 line."""
    return '<div class="crumbs">当前位置：' + " &gt; ".join(f'<a href="{h}">{esc(t)}</a>' for h, t in trail) + "</div>"


LOOK = MenuLook(crumbs)


# -- values -----------------------------------------------------------------------------------


def values(ctx: SiteContext, doc: Document, dates: str) -> dict[str, str]:
    """Every value a slot or line can print, as HTML, dates in the layout's format."""
    published = DATE_FORMATS[dates].format(d=doc.published)
    written = DATE_FORMATS[DAY_FORMATS.get(dates, dates)].format(d=doc.written) if doc.written else ""
    return {
        "index_no": esc(doc.index_no), "topic": esc(doc.topic or ""), "issuer": esc(doc.unit.name),
        "office": esc(doc.unit.office), "source": esc(doc.unit.office), "title": esc(doc.title),
        "doc_no": esc(doc.doc_no or ""), "published": published, "written": written,
        "published-time": f"{doc.published:%Y-%m-%d %H:%M}", "published-seconds": f"{doc.published:%Y-%m-%d %H:%M:%S}",
        "schemes": f"{esc(doc.topic or '')}&nbsp;&nbsp;政府信息公开年报&nbsp;&nbsp;其他",
        "summary": esc(f"{doc.title}全文"), "editor": esc(ctx.spec.contacts[doc.number % len(ctx.spec.contacts)]),
        **FIXED_VALUES, **EMPTY_VALUES,
    }


def expected_fields(doc: Document, shape: PageShape) -> dict[str, str | None]:
    """What the page shows per field: a block's kept slot, else its line's; empty markers are None."""
    plain = {"index_no": doc.index_no, "topic": doc.topic, "issuer": doc.unit.name, "office": doc.unit.office,
             "source": doc.unit.office, "title": doc.title, "doc_no": doc.doc_no,
             "published": f"{doc.published:%Y-%m-%d}", "published-time": f"{doc.published:%Y-%m-%d}",
             "published-seconds": f"{doc.published:%Y-%m-%d}",
             "written": f"{doc.written:%Y-%m-%d}" if doc.written else None,
             "schemes": f"{doc.topic} 政府信息公开年报 其他", **FIXED_VALUES, **dict.fromkeys(EMPTY_VALUES)}
    shown: dict[str, str | None] = {}
    if shape.line:
        shown.update({field: plain[key] for field, key in LINE_BY_ID[shape.line].kept})
    if shape.block:
        shown.update({s.kept: plain[s.value] or None for s in BLOCKS[shape.block].slots if s.kept and not s.commented})
    return shown


# -- detail pages -----------------------------------------------------------------------------


def render_block(block: Block, shown: dict[str, str]) -> str:
    """A metadata block with the page's values."""
    if block.columns:
        labels = "".join(f"<th>{s.label}</th>" for s in block.slots)
        cells = "".join(f"<td>{shown[s.value]}</td>" for s in block.slots)
        return block.wrapper.format(rows=f"<tr>{labels}</tr><tr>{cells}</tr>")
    items = []
    for slot in block.slots:
        colon = block.colon if slot.colon is None else slot.colon
        item = (slot.item or block.item).format(label=slot.label, colon=colon, value=shown[slot.value])
        items.append(f"<!--{item}-->" if slot.commented else item)
    rows = [block.row.format(items=block.sep.join(items[i:i + block.per_row]))
            for i in range(0, len(items), block.per_row)]
    html = block.wrapper.format(rows="\n".join(rows))
    return html + f'\n<div class="mobile-meta">{html}</div>' if block.twice else html


def render_line(line: Line, shown: dict[str, str]) -> str:
    """A date-and-source line with the page's values."""
    return line.html.format(**shown)


def body_html(ctx: SiteContext, doc: Document, shape: PageShape) -> str:
    """The body in its container."""
    blocks = ctx.state.blocks(doc)
    if shape.body == "word":
        body = "\n".join(WORD_SPAN.format(esc(b.text)) if isinstance(b, Para) and b.role == "text"
                         else render_blocks([b], STYLE) for b in blocks)
    else:
        body = render_blocks(blocks, STYLE)
    plain = esc("".join(paragraphs_of(blocks)))
    return BODIES[shape.body].format(body=body, plain=plain, source=esc(doc.unit.office))


STYLE = BodyStyle(image_src=lambda img: f"/uploadfiles/{img.number}.jpg")


def detail_page(ctx: SiteContext, family: VariantsFamily, doc: Document, request: Request) -> Response:
    """A report in its page shape (see ``PAGES``)."""
    if ctx.state.is_removed(doc):
        return ctx.not_found(request)
    shape = shape_of(doc)
    if shape.body == "js-shell":
        return shell_page(ctx, doc, request)
    block = BLOCKS[shape.block] if shape.block else None
    line = LINE_BY_ID[shape.line] if shape.line else None
    meta_html = render_block(block, values(ctx, doc, block.dates)) if block else ""
    line_html = render_line(line, values(ctx, doc, line.dates)) if line else ""
    heading = shape.heading.format(title=esc(doc.title))
    top = [meta_html, heading] if shape.block_first else [heading]
    top += [] if line is None or line.below else [line_html]
    top += [] if shape.block_first else [meta_html]
    below = line_html if line is not None and line.below else ""
    main = (crumbs(("/", "首页"), ("/xxgk/index.html", "政府信息公开"), (f"{COLUMN}index.html", COLUMN_NAME))
            + "\n".join(top) + "\n" + body_html(ctx, doc, shape) + below + "\n" + AFTER_BODY)
    head = article_meta(doc.title, f"{doc.published:%Y-%m-%d %H:%M}", doc.unit.name) if shape.meta else ""
    html = ctx.layout(COLUMN_NAME, f"{doc.title}_{ctx.spec.site_name}", main, head)
    if shape.body == "early-end":  # the template closes the document before its article
        html = html.replace('<div class="main">', '</body>\n</html>\n<div class="main">', 1)
    return ctx.html(request, html, doc=doc)


def shell_page(ctx: SiteContext, doc: Document, request: Request) -> Response:
    """A page drawn by JavaScript: placeholders where the text goes, the data fetched from ``data_path``."""
    main = (crumbs(("/", "首页"), (f"{COLUMN}index.html", COLUMN_NAME))
            + '<div id="app"><h1 class="title">{{ article.title }}</h1>'
            + '<div class="date">{{ article.publishTime }}</div>'
            + '<div class="text" v-html="article.content">{{ article.content }}</div></div>'
            + f'<script>$.ajax({{url: "{data_path(doc)}", dataType: "json", success: function(res) '
            + "{ new Vue({el: '#app', data: {article: res.data}}); }});</script>")
    html = ctx.layout(COLUMN_NAME, f"{COLUMN_NAME}_{ctx.spec.site_name}", main)
    return ctx.html(request, html, doc=doc)


def data_reply(ctx: SiteContext, doc: Document, request: Request) -> Response:
    """The JSON a JavaScript page draws its document from."""
    record = {"code": 200, "data": {
        "id": doc.number, "title": doc.title, "publishTime": f"{doc.published:%Y-%m-%d %H:%M:%S}",
        "source": doc.unit.name, "content": render_blocks(ctx.state.blocks(doc), STYLE)}}
    body = json.dumps(record, ensure_ascii=False).encode("utf-8")
    return Response(200, body, {"Content-Type": "application/json;charset=UTF-8"})


# -- list pages -------------------------------------------------------------------------------


def list_page(ctx: SiteContext, family: VariantsFamily, docs: list[Document], k: int, count: int,
              request: Request) -> Response:
    """One page of the column in its list layout (``LISTS``, in turn)."""
    layout = LISTS[k % len(LISTS)]
    main = (crumbs(("/", "首页"), ("/xxgk/index.html", "政府信息公开"), (f"{COLUMN}index.html", COLUMN_NAME))
            + f'<div class="list-box"><h2>{COLUMN_NAME}</h2>{list_rows(ctx, family, layout, docs)}'
            + f"{pager(count, k)}</div>")
    return ctx.page(request, COLUMN_NAME, f"{COLUMN_NAME}_{ctx.spec.site_name}", main, static=True)


def row_values(family: VariantsFamily, doc: Document, dates: str) -> dict[str, str]:
    """What a list row prints."""
    short = doc.title if len(doc.title) <= SHORT_TITLE else doc.title[:SHORT_TITLE] + "…"
    return {"href": family.detail_path(doc), "title": esc(doc.title), "short": esc(short),
            "date": DATE_FORMATS[dates].format(d=doc.published), "index_no": esc(doc.index_no),
            "issuer": esc(doc.unit.name)}


def list_rows(ctx: SiteContext, family: VariantsFamily, layout: ListLayout, docs: list[Document]) -> str:
    """The rows of a list page, wherever the layout keeps them."""
    if layout.where == "script":
        return script_list(family, docs)
    if layout.where == "datastore":
        return datastore_list(family, docs)
    rows = "".join(layout.row.format(**row_values(family, d, layout.dates)) for d in docs)
    if layout.where == "comment":
        return f'<ul class="live-list"></ul>\n<!--<ul class="list">{rows}</ul>-->'
    if layout.where == "twice":
        cells = "".join(f'<tr><td><a href="{family.detail_path(d)}">{esc(d.title)}</a></td>'
                        f"<td>{d.published:%Y-%m-%d}</td></tr>" for d in docs)
        return f'<table class="pc-only">{cells}</table><ul class="mobile-only">{rows}</ul>'
    return layout.wrapper.format(rows=rows)


def script_list(family: VariantsFamily, docs: list[Document]) -> str:
    """Rows as a script's array of objects, drawn by a template in the browser."""
    articles = [{"classify": 0, "images": [{"filePath": f"/uploadfiles/{d.number}.jpeg"}], "title": d.title,
                 "showTitle": f"<p>{d.title}</p>", "pubDate": f"{d.published:%Y-%m-%d %H:%M}",
                 "urls": json.dumps({"pc": family.detail_path(d)}), "contentSource": d.unit.office,
                 "id": str(d.number)} for d in docs]
    data = json.dumps(articles, ensure_ascii=False).replace("</", "<\\/")
    return ('<ul class="List_list" id="list"></ul>'
            f"<script>var listData = {{articleList: {data}}};\n"
            f"var params = {{current: 1, perPage: '{len(docs)}', showMode: 'normal'}};</script>")


def datastore_list(family: VariantsFamily, docs: list[Document]) -> str:
    """Rows as CDATA records of a Hanweb datastore."""
    records = "".join(
        f'<record><![CDATA[<li><a href="{family.detail_path(d)}" title="{esc(d.title)}">{esc(d.title)}</a>'
        f"<span>{d.published:%Y-%m-%d}</span></li>]]></record>" for d in docs)
    return (f'<div id="unit1"><script type="text/xml"><datastore><recordset>{records}</recordset>'
            "</datastore></script></div>")


def pager(count: int, current: int) -> str:
    """Rendered pager links (首页 上一页 numbers 下一页 尾页)."""
    numbers = " ".join(f"<span>{k + 1}</span>" if k == current else f'<a href="{page_name(k)}">{k + 1}</a>'
                       for k in range(count))
    nxt = f'<a href="{page_name(current + 1)}">下一页</a>' if current < count - 1 else "<span>下一页</span>"
    return (f'<div class="page"><a href="index.html">首页</a> {numbers} {nxt} '
            f'<a href="{page_name(count - 1)}">尾页</a> 转到 <input type="text" size="2"> 页</div>')


def list_expected(docs: list[Document]) -> str:
    """A list page's rows as extraction gives them: title and ISO date."""
    return "\n".join(f"{d.title} | {d.published:%Y-%m-%d}" for d in docs)


FAMILY = VariantsFamily()
