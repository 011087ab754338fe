"""TRS variants: a ``.shtml`` site paged by the 1-based six-argument ``createPageHTML``, and a ``.htm``
site paged by ``var countPage = N`` with 0-based ``index_N.htm`` whose deepest list page is a broken stub.

Neither list page renders pager links: a reader without JavaScript must read the script. The
``.htm`` site's last page is a ~300-byte stub (as on central TRS sites); the items it should list
are not generated, and the stub is reported by ``expected_errors()`` with kind ``"stub"``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from . import attachments, trs
from .context import BaseFamily, Route, SiteContext
from .markup import BodyStyle, esc, render_blocks
from .model import Attachment, Document, Image
from .page_furniture import AFTER_BODY, CHANNELS
from .pieces import add_details, serve_file, served
from .server import Request, Response
from .trs import TRS_STYLE, crumbs, metadata_table

SHORT_TITLE = 28
STUB_SIZE = 300


@dataclass(frozen=True)
class Variant:
    """Where a TRS variant keeps its pages and how it pages its list."""

    name: str
    ext: str
    hub: str  # the 政府信息公开 folder
    column: str  # the 年报 column folder
    column_name: str
    menu: tuple[tuple[str, str], ...]  # (slug under the hub, label)
    per_page: int
    one_based: bool  # page n at index_n (page 2 = index_2), else page k+1 at index_k
    pager: str  # a key of PAGERS
    body_open: str  # the body container(s) around the TRS editor div
    body_close: str
    stub_last: bool = False

    def page_name(self, k: int) -> str:
        """File name of list page k (0-based position)."""
        if k == 0:
            return f"index.{self.ext}"
        return f"index_{k + 1 if self.one_based else k}.{self.ext}"


def shtml_pager(variant: Variant, count: int, k: int, records: int) -> str:
    """The 1-based six-argument call; the links are drawn by the script only."""
    return (
        '<div class="page" id="page_div"></div><script type="text/javascript">'
        f'createPageHTML("page_div", {count}, {k + 1}, "index", "{variant.ext}", {records});</script>'
    )


def htm_pager(variant: Variant, count: int, k: int, records: int) -> str:
    """MOF-style inline variables and a document.write loop; 0-based."""
    ext = variant.ext
    return (
        '<div class="pagenav"><script type="text/javascript">\n'
        f"var currentPage = {k};//所在页从0开始\nvar prevPage = currentPage-1;\n"
        f"var nextPage = currentPage+1;\nvar countPage = {count};//共多少页\n"
        f'document.write("共"+countPage+"页 {records}条 ");\n'
        f'if(currentPage>0){{document.write("<a href=\\"index.{ext}\\">首页</a> ");'
        f'document.write("<a href=\\"index"+(prevPage==0?"":"_"+prevPage)+".{ext}\\">上一页</a> ");}}\n'
        f'if(nextPage<countPage){{document.write("<a href=\\"index_"+nextPage+".{ext}\\">下一页</a> ");'
        f'document.write("<a href=\\"index_"+(countPage-1)+".{ext}\\">尾页</a>");}}\n'
        "</script></div>"
    )


def classic_pager(variant: Variant, count: int, k: int, records: int) -> str:
    """The classic four-argument call plus the links it renders (0-based, .html only)."""
    return trs.pager(count, k)


PAGERS: dict[str, Callable[[Variant, int, int, int], str]] = {
    "six_arg": shtml_pager,
    "count_page": htm_pager,
    "classic": classic_pager,
}


class TrsVariantFamily(BaseFamily):
    """A TRS site with its own extension, column path and pager."""

    def __init__(self, variant: Variant) -> None:
        self.variant = variant
        self.name = variant.name

    def channel_path(self, slug: str) -> str:
        return f"/{slug}/index.{self.variant.ext}"

    def detail_path(self, doc: Document) -> str:
        p = doc.published
        return f"{self.variant.column}{p:%Y%m}/t{p:%Y%m%d}_{doc.number}.{self.variant.ext}"

    def image_name(self, doc: Document, img: Image) -> str:
        return f"W0{doc.published:%Y%m%d}{img.number}.jpg"

    def image_path(self, doc: Document, img: Image) -> str:
        """Images sit beside the article."""
        return f"{self.detail_path(doc).rsplit('/', 1)[0]}/{self.image_name(doc, img)}"

    def attachment_path(self, doc: Document, att: Attachment) -> str:
        """TRS uploads sit beside the article: P0 + date + id."""
        folder = self.detail_path(doc).rsplit("/", 1)[0]
        return f"{folder}/P0{doc.published:%Y%m%d}{att.number}.{att.ext}"

    def attachment_links(self, doc: Document) -> str:
        """Links relative to the article, as TRS writes them."""
        return attachments.offered(
            [("./" + self.attachment_path(doc, a).rsplit("/", 1)[1], self.attachment_path(doc, a), a) for a in doc.attachments]
        )

    def page_count(self, ctx: SiteContext) -> int:
        """List pages, counting the stub (which lists nothing) when the variant has one."""
        full = max(1, -(-len(ctx.docs) // self.variant.per_page))
        return full + 1 if self.variant.stub_last else full

    def errors(self, ctx: SiteContext) -> list[tuple[str, str]]:
        if not self.variant.stub_last:
            return []
        return [(self.variant.column + self.variant.page_name(self.page_count(ctx) - 1), "stub")]

    def routes(self, ctx: SiteContext) -> dict[str, Route]:
        v = self.variant
        routes = {
            "/": Route(partial(homepage, ctx, self)),
            f"/index.{v.ext}": Route(partial(homepage, ctx, self)),
            self.channel_path("zwgk"): Route(partial(zwgk_page, ctx, self)),
            f"{v.hub}index.{v.ext}": Route(partial(hub_page, ctx, self, "政府信息公开")),
        }
        for slug, label in CHANNELS:
            routes.setdefault(
                self.channel_path(slug), Route(partial(hub_page, ctx, self, ctx.chrome.label(slug, label)))
            )
        for slug, label in v.menu:
            routes.setdefault(f"{v.hub}{slug}/index.{v.ext}", Route(partial(hub_page, ctx, self, label)))
        self.add_lists(ctx, routes)
        add_details(routes, ctx, self, detail_page, self.image_path)
        for doc in served(ctx.docs):
            for att in doc.attachments:
                routes[self.attachment_path(doc, att)] = Route(partial(serve_file, ctx, doc, att))
        return routes

    def add_lists(self, ctx: SiteContext, routes: dict[str, Route]) -> None:
        """The column's list pages (and the stub, last)."""
        v, count = self.variant, self.page_count(ctx)
        for k in range(count):
            chunk = ctx.docs[k * v.per_page : (k + 1) * v.per_page]
            stub = v.stub_last and k == count - 1
            handler = (
                partial(stub_page, ctx, self) if stub else partial(list_page, ctx, self, chunk, k, count)
            )
            routes[v.column + v.page_name(k)] = Route(handler)


def list_item(doc: Document, href: str) -> str:
    """One list ``<li>``: link with the full title attribute, shortened text, date."""
    short = doc.title if len(doc.title) <= SHORT_TITLE else doc.title[:SHORT_TITLE] + "…"
    return (
        f'<li><a href="{href}" title="{esc(doc.title)}" target="_blank">{esc(short)}</a>'
        f"<span>{doc.published:%Y-%m-%d}</span></li>"
    )


def left_menu(family: TrsVariantFamily) -> str:
    """The 政府信息公开 menu."""
    v = family.variant
    items = "".join(
        f'<li><a href="{v.hub}{slug}/index.{v.ext}">{esc(label)}</a></li>' for slug, label in v.menu
    )
    return f'<div class="left-menu"><h2>政府信息公开</h2><ul>{items}</ul></div>'


def homepage(ctx: SiteContext, family: TrsVariantFamily, request: Request) -> Response:
    """The homepage: a 政务公开 box."""
    main = (
        f'<div class="box"><h3><a href="{family.channel_path("zwgk")}">政务公开</a></h3><ul>'
        f'<li><a href="{family.variant.hub}index.{family.variant.ext}">政府信息公开</a></li></ul></div>'
        '<div class="box"><h3>政务动态</h3><p>暂无信息</p></div>'
    )
    return ctx.page(request, "首页", ctx.spec.site_name, main)


def zwgk_page(ctx: SiteContext, family: TrsVariantFamily, request: Request) -> Response:
    """政务公开: links to 政府信息公开."""
    v = family.variant
    main = (
        crumbs(("/", "首页"), (request.path, "政务公开"))
        + f'<div class="zwgk"><ul><li><a href="{v.hub}index.{v.ext}">政府信息公开</a></li>'
        f'<li><a href="{family.channel_path("zcjd")}">政策解读</a></li></ul></div>'
    )
    return ctx.page(request, "政务公开", f"政务公开_{ctx.spec.site_name}", main)


def hub_page(ctx: SiteContext, family: TrsVariantFamily, label: str, request: Request) -> Response:
    """政府信息公开 (and its empty sibling columns): the left menu."""
    main = (
        crumbs(("/", "首页"), (family.channel_path("zwgk"), "政务公开"), (request.path, label))
        + left_menu(family)
        + f'<div class="list"><h2>{esc(label)}</h2><p>暂无信息</p></div>'
    )
    return ctx.page(request, label, f"{label}_{ctx.spec.site_name}", main)


def list_page(
    ctx: SiteContext, family: TrsVariantFamily, docs: list[Document], k: int, count: int, request: Request
) -> Response:
    """One page of the 年报 column; pager by script only."""
    v = family.variant
    items = "".join(list_item(d, "./" + family.detail_path(d).removeprefix(v.column)) for d in docs)
    pager = PAGERS[v.pager](v, count, k, len(ctx.docs))
    main = (
        crumbs(
            ("/", "首页"),
            (family.channel_path("zwgk"), "政务公开"),
            (f"{v.hub}index.{v.ext}", "政府信息公开"),
            (f"./index.{v.ext}", v.column_name),
        )
        + left_menu(family)
        + f'<div class="list"><h2>{esc(v.column_name)}</h2>'
        + f'<ul class="list-ul">{items}</ul>{pager}</div>'
    )
    return ctx.page(request, v.column_name, f"{v.column_name}_{ctx.spec.site_name}", main)


def stub_page(ctx: SiteContext, family: TrsVariantFamily, request: Request) -> Response:
    """A deep list page the CMS failed to publish: an empty shell of about 300 bytes."""
    html = (
        f'<html><head><meta http-equiv="Content-Type" content="text/html; charset={ctx.spec.charset}">'
        f"<title>{esc(family.variant.column_name)}</title></head><body>"
        '<div class="list"><ul class="list-ul"></ul></div></body></html>'
    )
    padded = html.replace(
        "</body>", "<!--" + " " * max(0, STUB_SIZE - len(ctx.encode(html)) - 7) + "--></body>"
    )
    return ctx.html(request, padded)


def detail_page(ctx: SiteContext, family: TrsVariantFamily, doc: Document, request: Request) -> Response:
    """A TRS detail page in the variant's body container."""
    if ctx.state.is_removed(doc):
        return ctx.not_found(request)
    v = family.variant
    style = BodyStyle(image_src=lambda img: "./" + family.image_name(doc, img))
    body = render_blocks(ctx.state.blocks(doc), style)
    main = (
        crumbs(
            ("/", "首页"),
            (family.channel_path("zwgk"), "政务公开"),
            (f"{v.hub}index.{v.ext}", "政府信息公开"),
            (f"../index.{v.ext}", v.column_name),
        )
        + metadata_table(doc)
        + f'<h1 class="title">{esc(doc.title)}</h1>'
        + f'<div class="info">发布时间：{doc.published:%Y-%m-%d %H:%M}　来源：{esc(doc.unit.name)}　'
        '【字号：<a href="javascript:doZoom(16)">大</a> <a href="javascript:doZoom(14)">中</a> '
        '<a href="javascript:doZoom(12)">小</a>】</div>'
        + f'{v.body_open}<div class="TRS_Editor">{TRS_STYLE}\n{body}\n</div>{v.body_close}\n'
        + family.attachment_links(doc)
        + AFTER_BODY
    )
    return ctx.article(request, doc, v.column_name, f"{doc.title}_{ctx.spec.site_name}", main)


SHTML = TrsVariantFamily(
    Variant(
        name="trs_shtml",
        ext="shtml",
        hub="/xxgk/",
        column="/xxgk/xxgknb/",
        column_name="信息公开年报",
        menu=(
            ("xxgkzn", "信息公开指南"),
            ("xxgkzd", "信息公开制度"),
            ("fdzdgknr", "法定主动公开内容"),
            ("xxgknb", "信息公开年报"),
            ("ysqgk", "依申请公开"),
        ),
        per_page=8,
        one_based=True,
        pager="six_arg",
        body_open='<div class="article_con" id="zoom"><div class="trs_editor_view TRS_UEDITOR">',
        body_close="</div></div>",
    )
)
HTM = TrsVariantFamily(
    Variant(
        name="trs_htm",
        ext="htm",
        hub="/zwgk/zfxxgk/",
        column="/zwgk/zfxxgk/zfxxgkndbg/",
        column_name="政府信息公开年度报告",
        menu=(
            ("zfxxgkzn", "政府信息公开指南"),
            ("fdzdgknr", "法定主动公开内容"),
            ("zfxxgkndbg", "政府信息公开年度报告"),
            ("ysqgk", "依申请公开"),
        ),
        per_page=8,
        one_based=False,
        pager="count_page",
        body_open='<div class="my_conboxzw">',
        body_close="</div>",
        stub_last=True,
    )
)
