"""A site whose 年报 column moved and whose 部门年报 column vanished, after a redesign.

- The menu still links the old column ``/xxgk/zfxxgknb/``; it answers **301** to the new
  ``/zwgk/xxgk/gknb/index.shtml`` on the same host.
- The menu also links ``/xxgk/bmgknb/``, which answers **200** with a short soft-404 page
  (页面不存在 / 您访问的页面不存在); ``expected_errors()`` lists it with kind ``"soft_404"``.
- Lists page Shanghai-style: ``$(".pagination").pagination({totalPage: N, …})`` by script only,
  page n at ``index_n.shtml`` (page 2 = ``index_2.shtml``), and each list repeats some items
  inside an HTML comment. Details are ``…/YYYYMM/<32hex>.shtml`` with a ``<dl>`` metadata block.
- Pages declare no charset in ``<meta>``; only the HTTP header says UTF-8.
"""

from __future__ import annotations

import hashlib
from functools import partial

from .context import BaseFamily, Route, SiteContext
from .markup import BodyStyle, esc, render_blocks
from .model import Document, Image
from .page_furniture import AFTER_BODY
from .pieces import MenuLook, add_details, add_menus, list_chunks, menu_page, meta_values, zwgk_homepage
from .server import Request, Response

HUB = "/zwgk/xxgk/"
COLUMN = "/zwgk/xxgk/gknb/"
OLD_COLUMN = "/xxgk/zfxxgknb/"
VANISHED = "/xxgk/bmgknb/"
COLUMN_NAME = "政府信息公开年报"
PER_PAGE = 8
COMMENTED = 2  # items of each list page repeated inside <!-- -->
MENU = (
    ("/zwgk/xxgk/gkzn/index.shtml", "政府信息公开指南"),
    ("/zwgk/xxgk/fdzdgknr/index.shtml", "法定主动公开内容"),
    (OLD_COLUMN, COLUMN_NAME),
    (VANISHED, "部门政府信息公开年报"),
    ("/zwgk/xxgk/ysqgk/index.shtml", "依申请公开"),
)
META = (
    ("索引号", "index_no"),
    ("主题分类", "topic"),
    ("发布机构", "issuer"),
    ("成文日期", "written"),
    ("发文字号", "doc_no"),
    ("发布日期", "published"),
)
SOFT_404 = (
    "<!DOCTYPE html><html><head><title>页面不存在</title>"
    "<style>.err{margin:80px auto;width:480px;text-align:center;color:#666}</style></head>"
    '<body><div class="err"><h2>404</h2><p>抱歉，您访问的页面不存在或已被删除！</p>'
    '<p><a href="/">返回首页</a></p></div></body></html>'
)


def page_name(k: int) -> str:
    """List page k (0-based): index.shtml, then index_2.shtml for the second page."""
    return "index.shtml" if k == 0 else f"index_{k + 1}.shtml"


class RelocatedFamily(BaseFamily):
    """The redesigned site."""

    name = "relocated"

    def channel_path(self, slug: str) -> str:
        return f"/{slug}/index.shtml"

    def detail_path(self, doc: Document) -> str:
        token = hashlib.md5(f"{doc.key}:detail".encode()).hexdigest()
        return f"{COLUMN}{doc.published:%Y%m}/{token}.shtml"

    def errors(self, ctx: SiteContext) -> list[tuple[str, str]]:
        return [(VANISHED, "soft_404")]

    def redirects(self) -> list[tuple[str, str]]:
        """(old path, new path) of the moved column."""
        return [(OLD_COLUMN, f"{COLUMN}index.shtml")]

    def routes(self, ctx: SiteContext) -> dict[str, Route]:
        moved = Route(partial(moved_column, f"{COLUMN}index.shtml"))
        home = Route(partial(zwgk_homepage, ctx, "/zwgk/index.shtml", f"{HUB}index.shtml"))
        routes = {
            "/": home,
            "/index.shtml": home,
            "/zwgk/index.shtml": Route(
                partial(menu_page, ctx, LOOK, "政务公开", ((f"{HUB}index.shtml", "政府信息公开"),))
            ),
            f"{HUB}index.shtml": Route(partial(menu_page, ctx, LOOK, "政府信息公开", MENU)),
            OLD_COLUMN: moved,
            f"{OLD_COLUMN}index.shtml": moved,
            VANISHED: Route(partial(soft_404, ctx)),
        }
        add_menus(routes, ctx, self, LOOK, MENU)
        chunks = list_chunks(ctx.docs, PER_PAGE)
        for k, chunk in enumerate(chunks):
            routes[COLUMN + page_name(k)] = Route(partial(list_page, ctx, self, chunk, k, len(chunks)))
        add_details(routes, ctx, self, detail_page, image_path)
        return routes


def image_path(doc: Document, img: Image) -> str:
    """Where a body image is served (and linked from)."""
    return f"/uploadfiles/{img.number}.jpg"


def moved_column(location: str, request: Request) -> Response:
    """The old column URL: a permanent redirect to the new one."""
    return Response(301, b"", {"Location": location, "Content-Type": "text/html"})


def soft_404(ctx: SiteContext, request: Request) -> Response:
    """A vanished column: HTTP 200 and a short 'page does not exist' page."""
    return ctx.html(request, SOFT_404)


def crumbs(*trail: tuple[str, str]) -> str:
    """The 当前位置 line."""
    return (
        '<div class="crumbs">当前位置：'
        + " &gt; ".join(f'<a href="{h}">{esc(t)}</a>' for h, t in trail)
        + "</div>"
    )


LOOK = MenuLook(crumbs)


def item(family: RelocatedFamily, doc: Document) -> str:
    """One list item with an absolute-path link."""
    return (
        f'<li><a href="{family.detail_path(doc)}" title="{esc(doc.title)}" target="_blank">'
        f"{esc(doc.title)}</a>"
        f'<span class="time">{doc.published:%Y-%m-%d}</span></li>'
    )


def list_page(
    ctx: SiteContext, family: RelocatedFamily, docs: list[Document], k: int, count: int, request: Request
) -> Response:
    """One page of the column: items, a commented-out repeat of some of them, the pager script."""
    items = "".join(item(family, d) for d in docs)
    hidden = "".join(item(family, d) for d in docs[:COMMENTED])
    script = (
        f'<div class="pagination"></div><script>$(".pagination").pagination({{totalPage: {count}, '
        f'currentPage: {k + 1}, prevText: "上一页", nextText: "下一页", '
        "href: function(n){return n==1?'index.shtml':'index_'+n+'.shtml';}});</script>"
    )
    main = (
        crumbs(("/", "首页"), (f"{HUB}index.shtml", "政府信息公开"), (f"{COLUMN}index.shtml", COLUMN_NAME))
        + f'<div class="list"><h2>{COLUMN_NAME}</h2><ul class="default_news">{items}\n'
        + f"<!--{hidden}-->\n</ul>{script}</div>"
    )
    return ctx.page(request, COLUMN_NAME, f"{COLUMN_NAME}_{ctx.spec.site_name}", main)


def metadata(doc: Document) -> str:
    """A ``<dl>`` of label/value pairs."""
    pairs = "".join(f"<dt>{label}：</dt><dd>{esc(meta_values(doc)[key])}</dd>" for label, key in META)
    return f'<dl class="xxgk-info">{pairs}</dl>'


def detail_page(ctx: SiteContext, family: RelocatedFamily, doc: Document, request: Request) -> Response:
    """A detail page: ``<dl>`` metadata, title, ``#ivs_content`` body, chrome."""
    if ctx.state.is_removed(doc):
        return ctx.not_found(request)
    body = render_blocks(ctx.state.blocks(doc), BodyStyle(image_src=lambda img: image_path(doc, img)))
    main = (
        crumbs(("/", "首页"), (f"{HUB}index.shtml", "政府信息公开"), (f"{COLUMN}index.shtml", COLUMN_NAME))
        + metadata(doc)
        + f'<h1 class="Article_title">{esc(doc.title)}</h1>'
        + f'<div class="Article_content" id="ivs_content">\n{body}\n</div>\n'
        + AFTER_BODY
    )
    return ctx.article(request, doc, COLUMN_NAME, f"{doc.title}_{ctx.spec.site_name}", main)


FAMILY = RelocatedFamily()
