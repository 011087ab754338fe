"""Hanweb (大汉) GET variant: the column page embeds one page of records; the rest come only from
``GET /module/web/jpage/dataproxy.jsp?page=N&…`` (1-based; the ``<nextgroup>`` link shows page 1).

Quirks: each later page repeats the previous page's last record first (nhsa-style overlap, so
dedupe by URL); a POST or a request with the wrong ids gets the empty 54-byte store; attachments
are ``/module/download/downfile.jsp?classid=0&filename=<32hex>.pdf``, answering 302 to
``/attach/0/<32hex>.pdf``.
"""

from __future__ import annotations

from functools import partial
from urllib.parse import quote

from . import attachments
from .catalogue import SiteSpec
from .context import BaseFamily, Route, SiteContext
from .hanweb import EMPTY_PROXY, XML, cdata_records, crumbs, record
from .markup import BodyStyle, esc, render_blocks
from .model import Attachment, Document, Image
from .page_furniture import AFTER_BODY, CHANNELS
from .pieces import (
    MenuLook,
    add_details,
    add_menus,
    col_links,
    menu_page,
    meta_values,
    serve_file,
    zwgk_homepage,
)
from .server import Request, Response

COLUMN_ID = 49580
UNIT_ID = "286134"
WEB_ID = "27"
HUB_ID = 49500  # 政务公开
XXGK_ID = 49501  # 政府信息公开
COLUMN_NAME = "公开年报"
PER_PAGE = 10
PROXY = "/module/web/jpage/dataproxy.jsp"
DOWNFILE = "/module/download/downfile.jsp"
MENU = (
    (49577, "政府信息公开指南"),
    (49578, "政府信息公开制度"),
    (49579, "法定主动公开内容"),
    (COLUMN_ID, COLUMN_NAME),
    (49581, "依申请公开"),
)
META_ROWS = (
    ("索 引 号", "index_no", "分　　类", "topic"),
    ("发布机构", "issuer", "成文日期", "written"),
    ("文　　号", "doc_no", "发布日期", "published"),
)
LOOK = MenuLook(crumbs, css="xxgk-menu", joiner=" ")
HUB = f"/col/col{HUB_ID}/index.html"
XXGK = f"/col/col{XXGK_ID}/index.html"


def proxy_query(spec: SiteSpec, page: int) -> str:
    """The GET query of one proxy page, as the ``<nextgroup>`` link writes it."""
    return (
        f"page={page}&appid=1&webid={WEB_ID}&path=/&columnid={COLUMN_ID}&unitid={UNIT_ID}"
        f"&webname={spec.site_name}&permissiontype=0"
    )


def metadata_table(doc: Document) -> str:
    """Taizhou-style table: spaced labels, two pairs per row."""
    rows = "".join(
        "<tr>" + f'<td class="t">{a}</td><td>{esc(meta_values(doc)[ka])}</td>'
        f'<td class="t">{b}</td><td>{esc(meta_values(doc)[kb])}</td></tr>'
        for a, ka, b, kb in META_ROWS
    )
    return f'<table class="xxgk_table"><tbody>{rows}</tbody></table>'


class HanwebGetFamily(BaseFamily):
    """Hanweb sites paged by GET ``page=N``."""

    name = "hanweb_get"

    def channel_path(self, slug: str) -> str:
        if slug == "zwgk":
            return HUB
        return f"/col/col{49400 + [s for s, _ in CHANNELS].index(slug)}/index.html"

    def detail_path(self, doc: Document) -> str:
        p = doc.published
        return f"/art/{p.year}/{p.month}/{p.day}/art_{COLUMN_ID}_{doc.number}.html"

    def image_path(self, doc: Document, img: Image) -> str:
        return f"/picture/0/{doc.published:%y%m%d%H%M}{img.number}.jpg"

    def attachment_path(self, doc: Document, att: Attachment) -> str:
        return f"{DOWNFILE}?classid=0&filename={attachments.hex_name(doc, att)}.{att.ext}"

    def routes(self, ctx: SiteContext) -> dict[str, Route]:
        records = [record(doc, self.detail_path(doc)) for doc in ctx.docs]
        files = {f"{attachments.hex_name(d, a)}.{a.ext}": (d, a) for d in ctx.docs for a in d.attachments}
        routes = {
            "/": Route(partial(zwgk_homepage, ctx, HUB, XXGK)),
            "/index.html": Route(partial(zwgk_homepage, ctx, HUB, XXGK)),
            HUB: Route(partial(menu_page, ctx, LOOK, "政务公开", col_links(((XXGK_ID, "政府信息公开"),)))),
            XXGK: Route(partial(menu_page, ctx, LOOK, "政府信息公开", col_links(MENU))),
            f"/col/col{COLUMN_ID}/index.html": Route(partial(column_page, ctx, records)),
            PROXY: Route(partial(dataproxy, records), ("GET", "HEAD", "POST")),
            DOWNFILE: Route(partial(downfile, files)),
        }
        for name, (doc, att) in files.items():
            routes[f"/attach/0/{name}"] = Route(partial(serve_file, ctx, doc, att))
        add_menus(routes, ctx, self, LOOK, col_links(MENU))
        add_details(routes, ctx, self, detail_page, self.image_path)
        return routes


def column_page(ctx: SiteContext, records: list[str], request: Request) -> Response:
    """The 年报 column: page 1 embedded, a ``<nextgroup>`` link, the jpage initialiser."""
    spec = ctx.spec
    nextgroup = f'<a href="{PROXY}?{proxy_query(spec, 1)}"></a>'
    store = (
        f'<div id="{UNIT_ID}"><script type="text/xml"><datastore>'
        f"<nextgroup><![CDATA[{nextgroup}]]></nextgroup>"
        f"<recordset>\n{cdata_records(records[:PER_PAGE])}</recordset></datastore></script></div>\n"
        f"<script>$('#{UNIT_ID}').jpage({{themeName:'default',showMode:'full',totalRecord:{len(records)},"
        f"openCookies:false,dataBefore:'<ul>',dataAfter:'</ul>',groupSize:1,proxyUrl:'{PROXY}',"
        f"perPage:{PER_PAGE},barPosition:'bottom',ajaxType:'get',"
        f"ajaxParam:{{appid:1,webid:{WEB_ID},path:'/',columnid:{COLUMN_ID},unitid:'{UNIT_ID}',"
        f"webname:'{spec.site_name}',permissiontype:0}}}});</script>"
    )
    main = (
        crumbs(("/", "首页"), (XXGK, "政府信息公开"), (request.path, COLUMN_NAME))
        + f'<div class="list"><h2>{COLUMN_NAME}</h2>{store}</div>'
    )
    return ctx.page(request, COLUMN_NAME, f"{COLUMN_NAME} {spec.site_name}", main)


def dataproxy(records: list[str], request: Request) -> Response:
    """GET page N (1-based); a later page starts with the previous page's last record."""
    query = request.query
    known = (query.get("columnid"), query.get("unitid"), query.get("webid")) == (
        str(COLUMN_ID),
        UNIT_ID,
        WEB_ID,
    )
    if request.method == "POST" or not known:
        return Response(200, EMPTY_PROXY, dict(XML))
    try:
        page = int(query.get("page", ""))
    except ValueError:
        return Response(400, b"page must be a number", dict(XML))
    start = max(0, (page - 1) * PER_PAGE - (1 if page > 1 else 0))
    chosen = records[start : max(0, page * PER_PAGE)]
    xml = (
        f"<datastore><totalrecord>{len(records)}</totalrecord>"
        f"<totalpage>{-(-len(records) // PER_PAGE)}</totalpage>"
        f"<recordset>\n{cdata_records(chosen)}</recordset></datastore>"
    )
    return Response(200, xml.encode("utf-8"), dict(XML))


def downfile(files: dict[str, tuple[Document, Attachment]], request: Request) -> Response:
    """downfile.jsp: 302 to the stored file, or 404 for an unknown name."""
    name = request.query.get("filename", "")
    if name not in files:
        return Response(404, "文件不存在".encode(), {"Content-Type": "text/plain; charset=utf-8"})
    return Response(302, b"", {"Location": f"/attach/0/{quote(name)}", "Content-Type": "text/html"})


def detail_page(ctx: SiteContext, family: HanwebGetFamily, doc: Document, request: Request) -> Response:
    """A detail page: metadata table, marked-up body, 附件 block, chrome."""
    if ctx.state.is_removed(doc):
        return ctx.not_found(request)
    style = BodyStyle(image_src=lambda img: family.image_path(doc, img), word_cells=True)
    body = render_blocks(ctx.state.blocks(doc), style)
    main = (
        crumbs(
            ("/", "首页"),
            (XXGK, "政府信息公开"),
            (f"/col/col{COLUMN_ID}/index.html", COLUMN_NAME),
        )
        + metadata_table(doc)
        + f'<div class="main-title"><h1>{esc(doc.title)}</h1></div>'
        + f'<div class="main-info">发布日期：{doc.published:%Y-%m-%d %H:%M:%S}　'
        f"信息来源：{esc(doc.unit.name)}　"
        '字号：<a href="javascript:doZoom(16)">默认</a> <a href="javascript:doZoom(18)">大</a></div>'
        + '<div class="main-txt" id="zoom"><!--<$[信息内容]>begin-->\n'
        + f"{body}\n<!--<$[信息内容]>end--></div>\n"
        + family.attachment_links(doc)
        + AFTER_BODY
    )
    title = f"{doc.title} {COLUMN_NAME} {ctx.spec.site_name}"
    maketime = f"<meta name='Maketime' content='{doc.published:%Y-%m-%d %H:%M:%S}'>\n"
    return ctx.article(request, doc, COLUMN_NAME, title, main, maketime)


FAMILY = HanwebGetFamily()
