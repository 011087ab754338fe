"""TRS WCM-style family: static t-date pages, 0-based ``index_N.html`` lists with createPageHTML."""

from __future__ import annotations

from functools import partial

from .context import BaseFamily, Route, SiteContext
from .endpoints import image
from .markup import BodyStyle, esc, images_of, pasted_from_word, render_blocks
from .model import MISSING, Document, Image
from .page_furniture import AFTER_BODY, CHANNELS
from .server import Request, Response

COLUMN = "/zwgk/zfxxgk/zfxxgknb/"
COLUMN_NAME = "政府信息公开年报"
PER_PAGE = 10
PAGE_WINDOW = 10
SHORT_TITLE = 24
MENU = (("zfxxgkzn", "政府信息公开指南"), ("zfxxgkzd", "政府信息公开制度"), ("fdzdgknr", "法定主动公开内容"),
        ("zfxxgknb", COLUMN_NAME), ("ysqgk", "依申请公开"))
ZWGK_LINKS = (("/zwgk/zfxxgk/index.html", "政府信息公开"), ("/zwgk/zcwj/index.html", "政策文件"),
              ("/zwgk/zdly/index.html", "重点领域信息公开"), ("/zcjd/index.html", "政策解读"))
EDITOR_RULE = "{margin-top:5px;margin-bottom:5px;line-height:1.5;font-family:宋体;font-size:12pt;}"
TRS_STYLE = ('<style type="text/css">'
             + "".join(f".TRS_Editor {tag}{EDITOR_RULE}" for tag in ("P", "DIV", "TD"))
             + ".TRS_Editor TH{font-size:12pt;}</style>")


def crumbs(*trail: tuple[str, str]) -> str:
    """The 当前位置 breadcrumb: TRS ``CurrChnlCls`` links joined by ``&gt;``."""
    links = [f'<a href="{href}" title="{esc(label)}" class="CurrChnlCls">{esc(label)}</a>'
             for href, label in trail]
    return '<div class="position">当前位置：' + "&nbsp;&gt;&nbsp;".join(links) + "</div>"


def left_menu() -> str:
    """The 政府信息公开 left menu."""
    items = "".join(f'<li><a href="/zwgk/zfxxgk/{slug}/index.html">{label}</a></li>' for slug, label in MENU)
    return f'<div class="left-menu"><h2>政府信息公开</h2><ul>{items}</ul></div>'


def page_name(k: int) -> str:
    """File name of list page k (0-based): index.html, index_1.html, …"""
    return "index.html" if k == 0 else f"index_{k}.html"


def pager(count: int, current: int) -> str:
    """createPageHTML call plus the links it would render (首页/上一页/numbers/下一页/尾页)."""
    script = (f'<script type="text/javascript">var countPage = {count};//共多少页\n'
              f'createPageHTML({count}, {current}, "index", "html");</script>')
    first = max(0, min(current - PAGE_WINDOW // 2, count - PAGE_WINDOW))
    numbers = " ".join(f'<span class="now">{k + 1}</span>' if k == current
                       else f'<a href="{page_name(k)}" class="pnum">{k + 1}</a>'
                       for k in range(first, min(count, first + PAGE_WINDOW)))
    prev = f'<a href="{page_name(current - 1)}">上一页</a>' if current > 0 else "<span>上一页</span>"
    nxt = f'<a href="{page_name(current + 1)}">下一页</a>' if current < count - 1 else "<span>下一页</span>"
    return (f'<div class="page">{script}<a href="index.html">首页</a> {prev} {numbers} {nxt} '
            f'<a href="{page_name(count - 1)}">尾页</a></div>')


def list_item(doc: Document, path: str) -> str:
    """One list ``<li>``: relative link, full title attribute, shortened text, date."""
    short = doc.title if len(doc.title) <= SHORT_TITLE else doc.title[:SHORT_TITLE] + "…"
    return (f'<li><a href=".{path.removeprefix(COLUMN[:-1])}" title="{esc(doc.title)}" target="_blank">'
            f"{esc(short)}</a><span>{doc.published:%Y-%m-%d}</span></li>")


def metadata_table(doc: Document) -> str:
    """The 信息公开 metadata table with spaced labels."""
    written = f"{doc.written:%Y-%m-%d}" if doc.written else ""
    rows = (("索 引 号：", doc.index_no, "主题分类：", doc.topic or ""),
            ("发布机构：", doc.unit.name, "成文日期：", written),
            ("文　　号：", doc.doc_no or "", "发布日期：", f"{doc.published:%Y-%m-%d}"))
    cells = "".join("<tr>" + "".join(f'<td class="{"label" if i % 2 == 0 else "value"}">{esc(v)}</td>'
                                     for i, v in enumerate(row)) + "</tr>" for row in rows)
    title_row = ('<tr><td class="label">名　　称：</td>'
                 f'<td class="value" colspan="3">{esc(doc.title)}</td></tr>')
    return f'<div class="xxgk-meta"><table class="xxgk_table">{cells}{title_row}</table></div>'


class TrsFamily(BaseFamily):
    """TRS-style sites: /zwgk/zfxxgk/zfxxgknb/YYYYMM/tYYYYMMDD_N.html details."""

    name = "trs"

    def channel_path(self, slug: str) -> str:
        return f"/{slug}/index.html"

    def detail_path(self, doc: Document) -> str:
        return f"{COLUMN}{doc.published:%Y%m}/t{doc.published:%Y%m%d}_{doc.number}.html"

    def image_name(self, doc: Document, img: Image) -> str:
        """TRS image files sit beside the article: W0 + date + id."""
        return f"W0{doc.published:%Y%m%d}{img.number}.jpg"

    def routes(self, ctx: SiteContext) -> dict[str, Route]:
        routes = {"/": Route(partial(homepage, ctx)), "/index.html": Route(partial(homepage, ctx)),
                  "/zwgk/index.html": Route(partial(zwgk_page, ctx)),
                  "/zwgk/zfxxgk/index.html": Route(partial(column_page, ctx, "政府信息公开", [], 0, 1)),
                  "/search/index.html": Route(partial(search_page, ctx))}
        for slug, label in CHANNELS:
            named = Route(partial(channel_page, ctx, ctx.chrome.label(slug, label)))
            routes.setdefault(self.channel_path(slug), named)
        for href, label in ZWGK_LINKS:
            routes.setdefault(href, Route(partial(channel_page, ctx, label)))
        for slug, label in MENU:
            routes[f"/zwgk/zfxxgk/{slug}/index.html"] = Route(partial(column_page, ctx, label, [], 0, 1))
        self.add_list_pages(ctx, routes)
        self.add_details(ctx, routes)
        return routes

    def add_list_pages(self, ctx: SiteContext, routes: dict[str, Route]) -> None:
        """index.html, index_1.html, … of the 年报 column, PER_PAGE items each."""
        items = [list_item(doc, self.detail_path(doc)) for doc in ctx.docs]
        count = max(1, -(-len(items) // PER_PAGE))
        for k in range(count):
            chunk = items[k * PER_PAGE:(k + 1) * PER_PAGE]
            routes[COLUMN + page_name(k)] = Route(partial(column_page, ctx, COLUMN_NAME, chunk, k, count))

    def add_details(self, ctx: SiteContext, routes: dict[str, Route]) -> None:
        """Every served detail page and its images (the dead link gets no route)."""
        for doc in ctx.docs:
            if doc.kind == MISSING:
                continue
            path = self.detail_path(doc)
            routes[path] = Route(partial(detail_page, ctx, self, doc))
            folder = path.rsplit("/", 1)[0]
            for img in images_of(doc.blocks):
                routes[f"{folder}/{self.image_name(doc, img)}"] = Route(lambda _: image("jpg"))


def homepage(ctx: SiteContext, request: Request) -> Response:
    """The portal homepage: news boxes and a 政务公开 entry."""
    main = ('<div class="banner"><img src="/images/logo.png" alt=""></div>'
            '<div class="box"><h3><a href="/zwgk/index.html">政务公开</a></h3><ul>'
            '<li><a href="/zwgk/zfxxgk/index.html">政府信息公开</a></li>'
            '<li><a href="/zwgk/zcwj/index.html">政策文件</a></li></ul></div>'
            '<div class="box"><h3><a href="/zwdt/index.html">政务动态</a></h3><p>暂无信息</p></div>')
    return ctx.page(request, "首页", ctx.spec.site_name, main)


def zwgk_page(ctx: SiteContext, request: Request) -> Response:
    """政务公开: links to 政府信息公开 and other open-government channels."""
    links = "".join(f'<li><a href="{href}">{esc(label)}</a></li>' for href, label in ZWGK_LINKS)
    main = (crumbs(("/", "首页"), ("/zwgk/index.html", "政务公开"))
            + f'<div class="zwgk"><ul>{links}</ul></div>')
    return ctx.page(request, "政务公开", f"政务公开_{ctx.spec.site_name}", main)


def channel_page(ctx: SiteContext, label: str, request: Request) -> Response:
    """Any other channel: breadcrumb, heading, nothing listed."""
    main = (crumbs(("/", "首页"), (request.path, label))
            + f'<div class="list"><h2>{esc(label)}</h2><p class="empty">暂无信息</p></div>')
    return ctx.page(request, label, f"{label}_{ctx.spec.site_name}", main)


def column_page(ctx: SiteContext, label: str, items: list[str], k: int, count: int,
                request: Request) -> Response:
    """A 政府信息公开 column list page with the left menu and the pager."""
    trail = [("/", "首页"), ("/zwgk/index.html", "政务公开"), ("/zwgk/zfxxgk/index.html", "政府信息公开")]
    if label != "政府信息公开":
        trail.append(("./index.html", label))
    listing = "".join(items) or '<li class="empty">暂无信息</li>'
    main = (crumbs(*trail) + left_menu()
            + f'<div class="list"><h2>{esc(label)}</h2><ul class="list-ul">{listing}</ul>'
            + f"{pager(count, k)}</div>")
    # TRS publishes columns as static files: the web server sends an ETag and answers If-None-Match
    return ctx.page(request, label, f"{label}_{ctx.spec.site_name}", main, static=True)


def search_page(ctx: SiteContext, request: Request) -> Response:
    """The site search (disallowed in robots.txt)."""
    main = ('<form name="trssearchform" action="/search/index.html" method="get">'
            '<input name="sword" type="text"><input type="submit" value="搜索"></form>'
            f'<p>检索“{esc(request.query.get("sword", ""))}”：共0条结果</p>')
    return ctx.page(request, "站内搜索", f"站内搜索_{ctx.spec.site_name}", main)


def detail_page(ctx: SiteContext, family: TrsFamily, doc: Document, request: Request) -> Response:
    """A detail page: meta block, metadata table, title, info line, TRS_Editor body, chrome."""
    if ctx.state.is_removed(doc):
        return ctx.not_found(request)
    style = BodyStyle(image_src=lambda img: "./" + family.image_name(doc, img), word=pasted_from_word(doc))
    body = render_blocks(ctx.state.blocks(doc), style)
    main = (crumbs(("/", "首页"), ("../../../index.html", "政务公开"), ("../../index.html", "政府信息公开"),
                   ("../index.html", COLUMN_NAME))
            + metadata_table(doc) + f'<h1 class="title">{esc(doc.title)}</h1>'
            + f'<div class="info">发布时间：{doc.published:%Y-%m-%d %H:%M:%S}　来源：{esc(doc.unit.name)}　'
            '字号：[ <a href="javascript:doZoom(18)">大</a> <a href="javascript:doZoom(16)">中</a> '
            '<a href="javascript:doZoom(14)">小</a> ]　<a href="javascript:window.print()">打印本页</a></div>'
            + f'<div class="article_con" id="zoom"><div class="TRS_Editor">{TRS_STYLE}\n'
            + f"{body}\n</div></div>\n"
            + AFTER_BODY)
    return ctx.article(request, doc, COLUMN_NAME, f"{doc.title}_{ctx.spec.site_name}", main)


FAMILY = TrsFamily()
