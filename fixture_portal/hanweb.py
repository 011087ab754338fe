"""Hanweb (大汉) JCMS-style family: /col/colN/ pages with an embedded jpage datastore, POST dataproxy."""

from __future__ import annotations

from functools import partial
from urllib.parse import parse_qsl

from .catalogue import SiteSpec
from .context import BaseFamily, Route, SiteContext
from .endpoints import image
from .markup import BodyStyle, esc, images_of, pasted_from_word, render_blocks
from .model import MISSING, Document, Image
from .page_furniture import AFTER_BODY, CHANNELS, Chrome
from .server import Request, Response

COLUMN_ID = 1234
RENUMBERED_ID = 5678  # the column's number after a redesign (FixturePortal.renumber_column)
UNIT_ID = "7654"
HUB_ID = 100
COLUMN_NAME = "政府信息公开年报"
PER_PAGE = 15
GROUP_SIZE = 3
PROXY = "/module/web/jpage/dataproxy.jsp"
# Where the junk record (no link) sits among the records; inside the second group.
JUNK_AT = 50
JUNK_RECORD = "<li><span>无链接脏数据</span></li>"
# What a GET of this (POST-only) proxy answers: an empty 54-byte body, as encrypted Hanweb proxies do.
EMPTY_PROXY = b'<?xml version="1.0" encoding="UTF-8"?>\r\n<datastore/>\r\n'
MENU = ((1231, "政府信息公开指南"), (1232, "政府信息公开制度"), (1233, "法定主动公开内容"),
        (COLUMN_ID, COLUMN_NAME), (1235, "依申请公开"))
LABELS = {"zwgk": "信息公开"}
XML = {"Content-Type": "text/xml; charset=utf-8"}


def crumbs(*trail: tuple[str, str]) -> str:
    """The 您当前的位置 breadcrumb."""
    links = " &gt; ".join(f'<a href="{href}">{esc(label)}</a>' for href, label in trail)
    return f'<div class="bt-position">您当前的位置：{links}</div>'


def left_menu() -> str:
    """The 信息公开 menu."""
    items = "".join(f'<li><a href="/col/col{cid}/index.html">{label}</a></li>' for cid, label in MENU)
    return f'<div class="xxgk-menu"><h2>信息公开</h2><ul>{items}</ul></div>'


def record(doc: Document, path: str) -> str:
    """One jpage record: a ``<li>`` with single-quoted attributes, as Hanweb writes them."""
    return (f"<li><a href='{path}' title='{esc(doc.title)}' target='_blank'>{esc(doc.title)}</a>"
            f"<span>{doc.published:%Y-%m-%d}</span></li>")


def cdata_records(records: list[str]) -> str:
    """Records wrapped for a datastore."""
    return "".join(f"<record><![CDATA[{r}]]></record>\n" for r in records)


def params(spec: SiteSpec) -> str:
    """The jpage ajax parameters object."""
    return (f"{{col:1,appid:1,webid:1,path:'/',columnid:{COLUMN_ID},sourceContentType:1,unitid:'{UNIT_ID}',"
            f"webname:'{spec.site_name}',permissiontype:0}}")


def datastore(spec: SiteSpec, records: list[str]) -> str:
    """The column page's embedded first group and the jpage initialiser."""
    first = records[:PER_PAGE * GROUP_SIZE]
    nextgroup = (f'<a href="{PROXY}?page=1&appid=1&webid=1&path=/&columnid={COLUMN_ID}&unitid={UNIT_ID}'
                 f'&webname={spec.site_name}&permissiontype=0"></a>')
    return (f'<div id="{UNIT_ID}"><script type="text/xml"><datastore>'
            f"<nextgroup><![CDATA[{nextgroup}]]></nextgroup>"
            f"<recordset>\n{cdata_records(first)}</recordset></datastore></script></div>\n"
            f"<script>var param_{UNIT_ID}={params(spec)};$('#{UNIT_ID}').jpage({{themeName:'default',"
            f"showMode:'full',totalRecord:{len(records)},openCookies:false,dataBefore:'<ul class=\"list\">',"
            f"dataAfter:'</ul>',groupSize:{GROUP_SIZE},proxyUrl:'{PROXY}',perPage:{PER_PAGE},"
            f"barPosition:'bottom',ajaxParam:param_{UNIT_ID}}});</script>")


def metadata_list(doc: Document) -> str:
    """The 信息公开 metadata as ``<li><label>…：</label>value</li>`` rows."""
    written = f"{doc.written:%Y-%m-%d}" if doc.written else ""
    rows = (("索引号", doc.index_no), ("主题分类", doc.topic or ""), ("发布机构", doc.unit.name),
            ("成文日期", written), ("发布日期", f"{doc.published:%Y-%m-%d}"), ("文号", doc.doc_no or ""))
    items = "".join(f"<li><label>{label}：</label><span>{esc(value)}</span></li>" for label, value in rows)
    return f'<div class="xxgk-info"><ul>{items}</ul></div>'


class HanwebFamily(BaseFamily):
    """Hanweb-style sites: /art/YYYY/M/D/art_<col>_<id>.html details, jpage lists."""

    name = "hanweb"

    def channel_path(self, slug: str) -> str:
        if slug == "zwgk":
            return f"/col/col{HUB_ID}/index.html"
        return f"/col/col{101 + [s for s, _ in CHANNELS].index(slug)}/index.html"

    def chrome(self, spec: SiteSpec) -> Chrome:
        return Chrome(spec, self.channel_path, LABELS)

    def detail_path(self, doc: Document) -> str:
        p = doc.published
        return f"/art/{p.year}/{p.month}/{p.day}/art_{COLUMN_ID}_{doc.number}.html"

    def renumbering(self) -> tuple[tuple[str, str], ...]:
        """The column's number in its URL, its reports' URLs and the list requests' parameters."""
        return tuple((template.format(COLUMN_ID), template.format(RENUMBERED_ID))
                     for template in ("/col/col{}/", "art_{}_", "columnid:{}", "columnid={}"))

    def image_path(self, doc: Document, img: Image) -> str:
        """Older Hanweb images: /picture/0/<digits>.jpg."""
        return f"/picture/0/{doc.published:%y%m%d%H%M}{img.number}.jpg"

    def records(self, ctx: SiteContext) -> list[str]:
        """Every record of the 年报 column, newest first, with the junk record slipped in."""
        records = [record(doc, self.detail_path(doc)) for doc in ctx.docs]
        records.insert(min(JUNK_AT, len(records)), JUNK_RECORD)
        return records

    def routes(self, ctx: SiteContext) -> dict[str, Route]:
        records = self.records(ctx)
        routes = {"/": Route(partial(homepage, ctx)), "/index.html": Route(partial(homepage, ctx)),
                  f"/col/col{HUB_ID}/index.html": Route(partial(hub_page, ctx)),
                  f"/col/col{COLUMN_ID}/index.html": Route(partial(column_page, ctx, records)),
                  PROXY: Route(partial(dataproxy, ctx, records), ("GET", "HEAD", "POST")),
                  "/search/index.html": Route(partial(channel_page, ctx, "站内搜索"))}
        for slug, label in CHANNELS:
            named = Route(partial(channel_page, ctx, ctx.chrome.label(slug, label)))
            routes.setdefault(self.channel_path(slug), named)
        for cid, label in MENU:
            routes.setdefault(f"/col/col{cid}/index.html", Route(partial(channel_page, ctx, label)))
        for doc in ctx.docs:
            if doc.kind != MISSING:
                routes[self.detail_path(doc)] = Route(partial(detail_page, ctx, self, doc))
                for img in images_of(doc.blocks):
                    routes[self.image_path(doc, img)] = Route(lambda _: image("jpg"))
        return routes


def homepage(ctx: SiteContext, request: Request) -> Response:
    """The homepage: boxes linking 信息公开."""
    main = (f'<div class="box"><h3><a href="/col/col{HUB_ID}/index.html">信息公开</a></h3><ul>'
            f'<li><a href="/col/col{COLUMN_ID}/index.html">{COLUMN_NAME}</a></li></ul></div>'
            '<div class="box"><h3>政务动态</h3><p>暂无信息</p></div>')
    return ctx.page(request, "首页", ctx.spec.site_name, main)


def hub_page(ctx: SiteContext, request: Request) -> Response:
    """信息公开: the menu of disclosure columns."""
    main = crumbs(("/", "首页"), (f"/col/col{HUB_ID}/index.html", "信息公开")) + left_menu()
    return ctx.page(request, "信息公开", f"信息公开 {ctx.spec.site_name}", main)


def channel_page(ctx: SiteContext, label: str, request: Request) -> Response:
    """Any other column: heading, nothing listed."""
    main = (crumbs(("/", "首页"), (request.path, label))
            + f'<div class="list"><h2>{esc(label)}</h2><p>暂无信息</p></div>')
    return ctx.page(request, label, f"{label} {ctx.spec.site_name}", main)


def column_page(ctx: SiteContext, records: list[str], request: Request) -> Response:
    """The 年报 column: first 45 records embedded, the rest via the dataproxy."""
    main = (crumbs(("/", "首页"), (f"/col/col{HUB_ID}/index.html", "信息公开"),
                   (f"/col/col{COLUMN_ID}/index.html", COLUMN_NAME))
            + left_menu() + f'<div class="list"><h2>{COLUMN_NAME}</h2>{datastore(ctx.spec, records)}</div>')
    return ctx.page(request, COLUMN_NAME, f"{COLUMN_NAME} {ctx.spec.site_name}", main)


def dataproxy(ctx: SiteContext, records: list[str], request: Request) -> Response:
    """POST: records startrecord..endrecord (1-based, inclusive) with totals; GET: empty body."""
    if request.method != "POST":
        return Response(200, EMPTY_PROXY, dict(XML))
    query = request.query
    try:
        form = dict(parse_qsl(request.body.decode("utf-8", errors="strict"), keep_blank_values=True))
    except UnicodeDecodeError:
        return Response(400, b"form body must be UTF-8", dict(XML))
    try:
        start, end, per_page = (int(query[k]) for k in ("startrecord", "endrecord", "perpage"))
    except (KeyError, ValueError):
        return Response(400, b"startrecord, endrecord and perpage must be numbers", dict(XML))
    if {**query, **form}.get("columnid") != str(COLUMN_ID) or per_page < 1:
        records = []  # an unknown column answers an empty store, as the real proxy does
    chosen = records[max(start, 1) - 1:max(end, 0)]
    total_pages = -(-len(records) // per_page) if per_page > 0 else 0
    xml = (f"<datastore><totalrecord>{len(records)}</totalrecord><totalpage>{total_pages}</totalpage>"
           f"<recordset>\n{cdata_records(chosen)}</recordset></datastore>")
    return Response(200, xml.encode("utf-8"), dict(XML))


def detail_page(ctx: SiteContext, family: HanwebFamily, doc: Document, request: Request) -> Response:
    """A detail page: three-part title, metadata list, info line, marked-up body, chrome."""
    if ctx.state.is_removed(doc):
        return ctx.not_found(request)
    style = BodyStyle(image_src=lambda img: family.image_path(doc, img), word_cells=True, font="仿宋_GB2312",
                      word=pasted_from_word(doc))
    body = render_blocks(ctx.state.blocks(doc), style)
    main = (crumbs(("/", "首页"), (f"/col/col{HUB_ID}/index.html", "信息公开"),
                   (f"/col/col{COLUMN_ID}/index.html", COLUMN_NAME))
            + metadata_list(doc) + f'<div class="article-title"><h1>{esc(doc.title)}</h1></div>'
            + f'<div class="article-info">发布日期：{doc.published:%Y-%m-%d %H:%M:%S}　信息来源：'
            f"<!--<$[信息来源]>begin-->{esc(doc.unit.name)}<!--<$[信息来源]>end-->　"
            f"浏览次数：{doc.number % 997}　"
            '字号：<a href="javascript:doZoom(16)">默认</a> <a href="javascript:doZoom(14)">小</a> '
            '<a href="javascript:doZoom(18)">大</a></div>'
            + '<div id="zoom" class="article-body"><!--<$[信息内容]>begin--><!--ZJEG_RSS.content.begin-->'
            + f'<meta name="ContentStart">\n{body}\n<meta name="ContentEnd"><!--ZJEG_RSS.content.end-->'
            + "<!--<$[信息内容]>end--></div>\n" + AFTER_BODY)
    title = f"{doc.title} {ctx.spec.city}{COLUMN_NAME} {ctx.spec.site_name}"
    maketime = f"<meta name='Maketime' content='{doc.published:%Y-%m-%d %H:%M:%S}'>\n"
    return ctx.article(request, doc, COLUMN_NAME, title, main, maketime)


FAMILY = HanwebFamily()
