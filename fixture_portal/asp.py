"""An old PowerEasy (动易) ASP site in GBK: every column is ``/Item/list.asp?id=N`` paged by
``&page=N`` (1-based), the 年报 list is a table (名称 | 索引号 | 发布机构 | 发布日期), details are
``/Item/NNNN.aspx`` with an inline metadata line and ``仿宋_GB2312`` font tags in ``#MyContent``.

The page says ``charset=gb2312`` in its ``<meta>``, the HTTP header names no charset at all, and
the bytes are GBK (contact names use characters outside GB2312).
"""

from __future__ import annotations

from functools import partial

from .context import BaseFamily, Route, SiteContext
from .markup import BodyStyle, esc, render_blocks
from .model import Document, Image
from .page_furniture import CHANNELS
from .pieces import add_details
from .server import Request, Response

LIST = "/Item/list.asp"
ZWGK_ID = 1600
XXGK_ID = 1605
COLUMN_ID = 1610
COLUMN_NAME = "政府信息公开年报"
PER_PAGE = 6
# Columns by id: (label, sub-columns listed on its page).
MENU = (
    (1606, "政府信息公开指南"),
    (1607, "政府信息公开制度"),
    (1608, "法定主动公开内容"),
    (COLUMN_ID, COLUMN_NAME),
    (1611, "依申请公开"),
)
HUBS = {
    ZWGK_ID: ("政务公开", ((XXGK_ID, "政府信息公开"), (1620, "政策法规"))),
    XXGK_ID: ("政府信息公开", MENU),
}


class AspFamily(BaseFamily):
    """PowerEasy ASP sites."""

    name = "asp"

    def channel_path(self, slug: str) -> str:
        if slug == "zwgk":
            return f"{LIST}?id={ZWGK_ID}"
        return f"{LIST}?id={1700 + [s for s, _ in CHANNELS].index(slug)}"

    def detail_path(self, doc: Document) -> str:
        return f"/Item/{doc.number}.aspx"

    def routes(self, ctx: SiteContext) -> dict[str, Route]:
        routes = {
            "/": Route(partial(homepage, ctx)),
            "/Index.asp": Route(partial(homepage, ctx)),
            LIST: Route(partial(list_asp, ctx, self)),
        }
        add_details(routes, ctx, self, detail_page, image_path)
        return routes


def image_path(doc: Document, img: Image) -> str:
    """Where a body image is served (and linked from)."""
    return f"/UploadFiles/{img.number}.jpg"


def homepage(ctx: SiteContext, request: Request) -> Response:
    """The homepage."""
    main = (
        f'<table class="box"><tr><td><a href="{LIST}?id={ZWGK_ID}">政务公开</a></td>'
        f'<td><a href="{LIST}?id={XXGK_ID}">政府信息公开</a></td></tr></table>'
    )
    return ctx.page(request, "首页", ctx.spec.site_name, main)


def list_asp(ctx: SiteContext, family: AspFamily, request: Request) -> Response:
    """Every column: a hub's menu, the 年报 table, or an empty column; unknown ids are 404."""
    try:
        column = int(request.query.get("id", ""))
        page = int(request.query.get("page", "1") or 1)
    except ValueError:
        return ctx.not_found(request)
    if column in HUBS:
        return hub_page(ctx, column, request)
    if column == COLUMN_ID:
        return list_page(ctx, family, max(page, 1), request)
    labels = dict(MENU) | {
        1700 + i: ctx.chrome.label(s, t) for i, (s, t) in enumerate(CHANNELS)
    }
    if column in labels:
        return ctx.page(
            request,
            labels[column],
            f"{labels[column]}-{ctx.spec.site_name}",
            f'<div class="list"><h2>{esc(labels[column])}</h2><p>暂无信息</p></div>',
        )
    return ctx.not_found(request)


def position(*trail: tuple[str, str]) -> str:
    """您现在的位置 line."""
    return (
        '<div class="position">您现在的位置：'
        + " &gt;&gt; ".join(f'<a href="{h}">{esc(t)}</a>' for h, t in trail)
        + "</div>"
    )


def hub_page(ctx: SiteContext, column: int, request: Request) -> Response:
    """A hub column: its sub-columns as a menu."""
    label, menu = HUBS[column]
    items = "".join(f'<li><a href="{LIST}?id={cid}">{esc(text)}</a></li>' for cid, text in menu)
    main = (
        position(("/", "网站首页"), (f"{LIST}?id={column}", label))
        + f'<div class="menu"><ul>{items}</ul></div>'
    )
    return ctx.page(request, label, f"{label}-{ctx.spec.site_name}", main)


def pager(total: int, page: int, pages: int) -> str:
    """共 N 条记录 首页 上一页 下一页 尾页 页次：p/n页."""

    def link(n: int, text: str) -> str:
        return (
            f'<a href="{LIST}?id={COLUMN_ID}&page={n}">{text}</a>' if n != page and 1 <= n <= pages else text
        )

    return (
        f'<div class="showpage">共 <b>{total}</b> 条记录　{link(1, "首页")} {link(page - 1, "上一页")} '
        f"{link(page + 1, '下一页')} {link(pages, '尾页')}　页次：<strong>{page}</strong>/{pages}页　"
        f"<b>{PER_PAGE}</b>条记录/页</div>"
    )


def list_page(ctx: SiteContext, family: AspFamily, page: int, request: Request) -> Response:
    """The 年报 table, one page of it."""
    pages = max(1, -(-len(ctx.docs) // PER_PAGE))
    rows = "".join(
        f'<tr><td class="name"><a href="{family.detail_path(d)}" title="{esc(d.title)}" target="_blank">'
        f"{esc(d.title)}</a></td><td>{esc(d.index_no)}</td><td>{esc(d.unit.name)}</td>"
        f"<td>{d.published:%Y-%m-%d}</td></tr>"
        for d in ctx.docs[(page - 1) * PER_PAGE : page * PER_PAGE]
    )
    main = (
        position(
            ("/", "网站首页"),
            (f"{LIST}?id={XXGK_ID}", "政府信息公开"),
            (f"{LIST}?id={COLUMN_ID}", COLUMN_NAME),
        )
        + '<table class="list" width="100%" border="0" cellspacing="1"><tr class="head">'
        + "<th>名称</th><th>索引号</th><th>发布机构</th><th>发布日期</th></tr>"
        + rows
        + "</table>"
        + pager(len(ctx.docs), page, pages)
    )
    return ctx.page(request, COLUMN_NAME, f"{COLUMN_NAME}-{ctx.spec.site_name}", main)


def metadata_line(doc: Document) -> str:
    """The inline metadata line under the title."""
    written = f"{doc.written:%Y-%m-%d}" if doc.written else ""
    return (
        f'<div class="property">索引号:{esc(doc.index_no)}　公开目录:{esc(doc.topic or "")}　'
        f"发布机构:{esc(doc.unit.name)}　发布日期:{doc.published:%Y-%m-%d %H:%M:%S}　"
        f"成文日期:{written}　文  号:{esc(doc.doc_no or '')}</div>"
    )


def detail_page(ctx: SiteContext, family: AspFamily, doc: Document, request: Request) -> Response:
    """A detail page: title, inline metadata, ``#MyContent`` with legacy font tags."""
    if ctx.state.is_removed(doc):
        return ctx.not_found(request)
    style = BodyStyle(
        image_src=lambda img: image_path(doc, img), font="仿宋_GB2312", font_tag=True
    )
    body = render_blocks(ctx.state.blocks(doc), style)
    main = (
        position(("/", "网站首页"), (f"{LIST}?id={COLUMN_ID}", COLUMN_NAME))
        + f'<div class="title"><h1>{esc(doc.title)}</h1></div>'
        + metadata_line(doc)
        + f'<div id="MyContent">\n{body}\n</div>\n'
        + '<div class="tools">【<a href="javascript:window.print()">打印本页</a>】'
        '【<a href="javascript:window.close()">关闭窗口</a>】</div>'
    )
    return ctx.article(request, doc, COLUMN_NAME, f"{doc.title}-{ctx.spec.site_name}", main)


FAMILY = AspFamily()
