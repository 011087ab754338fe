"""gov.cn-style "UCAP" sites: details at ``/zhengce/content/YYYYMM/content_NNNNNNN.htm`` with the
``<b>索 引 号：</b>`` table (full-width spaces inside labels, Chinese dates), the body in
``#UCAP-CONTENT`` and gov.cn's chrome (【我要纠错】, 责任编辑, ``#qr_container``, 相关稿件).

Lists are ``home.htm``, ``home_1.htm`` … (0-based) with rendered pager links; titles end in
``_<栏目>_<site>``; pages declare the charset HTML5-style.
"""

from __future__ import annotations

from functools import partial

from .context import BaseFamily, Route, SiteContext
from .markup import BodyStyle, esc, render_blocks
from .model import Document, Image
from .page_furniture import CHANNELS
from .pieces import add_details, list_chunks, zwgk_homepage
from .server import Request, Response

HUB = "/zhengce/xxgk/"
COLUMN = "/zhengce/xxgk/gknb/"
COLUMN_NAME = "政府信息公开年报"
PER_PAGE = 8
MENU = (
    ("gkzn", "政府信息公开指南"),
    ("gkzd", "政府信息公开制度"),
    ("fdzdgknr", "法定主动公开内容"),
    ("gknb", COLUMN_NAME),
    ("ysqgk", "依申请公开"),
)
META = (
    ("索 引 号", "index_no", "主题分类", "topic"),
    ("发文机关", "issuer", "成文日期", "written"),
    ("标　　题", "title", None, None),
    ("发文字号", "doc_no", "发布日期", "published"),
)
EDITORS = ("王洋", "李晓", "张岩", "陈曦")


def chinese_day(moment: object) -> str:
    """2024年01月05日, as gov.cn prints dates."""
    return f"{moment:%Y年%m月%d日}"


def value(doc: Document, key: str) -> str:
    """A metadata value as the table prints it."""
    values = {
        "index_no": doc.index_no,
        "topic": doc.topic or "",
        "issuer": doc.unit.name,
        "written": chinese_day(doc.written) if doc.written else "",
        "title": doc.title,
        "doc_no": doc.doc_no or "",
        "published": chinese_day(doc.published),
    }
    return values[key]


def page_name(k: int) -> str:
    """List page k (0-based): home.htm, home_1.htm, …"""
    return "home.htm" if k == 0 else f"home_{k}.htm"


class UcapFamily(BaseFamily):
    """gov.cn-style sites."""

    name = "ucap"

    def channel_path(self, slug: str) -> str:
        return "/zhengce/index.htm" if slug == "zwgk" else f"/{slug}/index.htm"

    def detail_path(self, doc: Document) -> str:
        return f"/zhengce/content/{doc.published:%Y%m}/content_{doc.number:07d}.htm"

    def routes(self, ctx: SiteContext) -> dict[str, Route]:
        routes = {
            "/": Route(partial(homepage, ctx)),
            "/index.htm": Route(partial(homepage, ctx)),
            "/zhengce/index.htm": Route(
                partial(hub_page, ctx, "政务公开", (("xxgk/index.htm", "政府信息公开"),))
            ),
            f"{HUB}index.htm": Route(
                partial(hub_page, ctx, "政府信息公开", tuple((f"xxgk/{s}/home.htm", t) for s, t in MENU))
            ),
        }
        for slug, label in CHANNELS:
            routes.setdefault(
                self.channel_path(slug), Route(partial(hub_page, ctx, ctx.chrome.label(slug, label), ()))
            )
        for slug, label in MENU:
            routes.setdefault(f"{HUB}{slug}/home.htm", Route(partial(hub_page, ctx, label, ())))
        chunks = list_chunks(ctx.docs, PER_PAGE)
        for k, chunk in enumerate(chunks):
            routes[COLUMN + page_name(k)] = Route(partial(list_page, ctx, self, chunk, k, len(chunks)))
        add_details(routes, ctx, self, detail_page, image_path)
        return routes


def image_path(doc: Document, img: Image) -> str:
    """Where a body image is served (and linked from)."""
    return f"/images/content/{img.number}.jpg"


def crumbs(*trail: tuple[str, str]) -> str:
    """The 当前位置 line."""
    links = " &gt; ".join(f'<a href="{h}" target="_blank">{esc(t)}</a>' for h, t in trail)
    return f'<div class="BreadcrumbNav">当前位置：{links}</div>'


def homepage(ctx: SiteContext, request: Request) -> Response:
    """The homepage: a 政务公开 box."""
    title = f"{ctx.spec.site_name}门户网站"
    return zwgk_homepage(ctx, "/zhengce/index.htm", "/zhengce/xxgk/index.htm", request, title=title)


def hub_page(ctx: SiteContext, label: str, links: tuple[tuple[str, str], ...], request: Request) -> Response:
    """A hub (links relative to /zhengce/) or an empty column."""
    items = "".join(f'<li><a href="/zhengce/{href}">{esc(text)}</a></li>' for href, text in links)
    main = (
        crumbs(("/", "首页"), (request.path, label))
        + f'<div class="list"><h2>{esc(label)}</h2><ul>{items}</ul></div>'
    )
    return ctx.page(request, label, f"{label}_{ctx.spec.site_name}门户网站", main)


def pager(count: int, k: int) -> str:
    """Rendered pager links: 首页 上一页 numbers 下一页 尾页."""
    numbers = " ".join(
        f"<span>{i + 1}</span>" if i == k else f'<a href="{page_name(i)}">{i + 1}</a>' for i in range(count)
    )
    prev = f'<a href="{page_name(k - 1)}">上一页</a>' if k > 0 else ""
    nxt = f'<a href="{page_name(k + 1)}">下一页</a>' if k < count - 1 else ""
    return (
        f'<div class="pagination"><a href="{page_name(0)}">首页</a> {prev} {numbers} {nxt} '
        f'<a href="{page_name(count - 1)}">尾页</a></div>'
    )


def list_page(
    ctx: SiteContext, family: UcapFamily, docs: list[Document], k: int, count: int, request: Request
) -> Response:
    """One page of the 年报 column."""
    items = "".join(
        f'<li><h4><a href="{family.detail_path(d)}" target="_blank">{esc(d.title)}</a>'
        f'<span class="date">{d.published:%Y-%m-%d}</span></h4></li>'
        for d in docs
    )
    main = (
        crumbs(
            ("/", "首页"),
            ("/zhengce/index.htm", "政务公开"),
            (f"{HUB}index.htm", "政府信息公开"),
            (COLUMN + page_name(0), COLUMN_NAME),
        )
        + f'<div class="list list_1"><h2>{COLUMN_NAME}</h2><ul>{items}</ul>{pager(count, k)}</div>'
    )
    return ctx.page(request, COLUMN_NAME, f"{COLUMN_NAME}_{ctx.spec.site_name}门户网站", main)


def metadata(doc: Document) -> str:
    """The gov.cn Template A table: bold labels with trailing full-width colons."""

    def cells(label: str | None, key: str | None, wide: bool) -> str:
        if label is None or key is None:
            return ""
        span = ' colspan="3"' if wide else ""
        return f"<td><b>{label}：</b></td><td{span}>{esc(value(doc, key))}</td>"

    rows = "".join(f"<tr>{cells(a, ka, b is None)}{cells(b, kb, False)}</tr>" for a, ka, b, kb in META)
    return f'<table class="bd1" cellspacing="1" cellpadding="0" width="100%">{rows}</table>'


def after_body(doc: Document) -> str:
    """gov.cn's chrome under the body: 纠错 and 责任编辑, the QR box, 相关稿件."""
    editor = EDITORS[doc.number % len(EDITORS)]
    return (
        '<div class="editor"><span><a href="/fuwu/jiucuo.htm">【我要纠错】</a></span>'
        f'<span class="zrbj">责任编辑：{editor}</span></div>\n'
        '<div id="div_div"><div id="qr_container">扫一扫在手机打开当前页</div></div>'
        '<canvas id="Canvas"></canvas>\n'
        '<div class="xg-list related"><div class="pannel-title">相关稿件</div><ul></ul></div>\n'
        "<script>manuscriptPage_1();</script>"
    )


def detail_page(ctx: SiteContext, family: UcapFamily, doc: Document, request: Request) -> Response:
    """A policy-style detail page."""
    if ctx.state.is_removed(doc):
        return ctx.not_found(request)
    body = render_blocks(ctx.state.blocks(doc), BodyStyle(image_src=lambda img: image_path(doc, img)))
    main = (
        crumbs(("/", "首页"), ("/zhengce/index.htm", "政务公开"), (COLUMN + page_name(0), COLUMN_NAME))
        + metadata(doc)
        + f'<div class="article"><h1 id="ti">{esc(doc.title)}</h1>'
        + '<div class="trs_editor_view TRS_UEDITOR trs_paper_default trs_web" id="UCAP-CONTENT">\n'
        + f"{body}\n</div></div>\n"
        + after_body(doc)
    )
    extra = (
        f'<meta name="manuscriptId" content="{doc.number}">\n'
        + f'<meta name="firstpublishedtime" content="{doc.published:%Y-%m-%d-%H:%M:%S}">\n'
        + f'<meta name="lanmu" content="{COLUMN_NAME}">\n'
    )
    title = f"{doc.title}_{COLUMN_NAME}_{ctx.spec.site_name}门户网站"
    return ctx.article(request, doc, COLUMN_NAME, title, main, extra)


FAMILY = UcapFamily()
