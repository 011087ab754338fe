"""Hanweb's newer "jpaas" platform (Zhejiang, Hangzhou): the column page lists nothing itself; it
carries a pagination ``<div … count rows pageNo queryData="{'webId':…}">`` and every page of the list,
the first included, comes from ``GET /api-gateway/jpaas-publish-server/front/page/build/unit?…``
as ``{"success": true, "data": {"html": "<li>…</li>…"}}``.

A request whose ids do not match the column answers ``{"success": false, …}``; a ``pageNo`` past
the end answers an empty ``html``. Details are Zhejiang-style ``/col/col<id>/art/YYYY/art_<32hex>.html``.
"""

from __future__ import annotations

import hashlib
import json
from functools import partial

from .context import BaseFamily, Route, SiteContext
from .markup import BodyStyle, esc, render_blocks
from .model import Document, Image
from .page_furniture import AFTER_BODY, CHANNELS
from .pieces import MenuLook, add_details, add_menus, col_links, menu_page, meta_values, zwgk_homepage
from .server import Request, Response

WEB_ID = "3185"
PAGE_ID = "1229106712"
TAG_ID = "信息公开列表"
TPL_SET_ID = "LWYUCb5AkzKrVm7WODRpT"
ROWS = 15
HUB_ID = "1229106700"  # 政务公开
XXGK_ID = "1229106701"  # 政府信息公开
COLUMN_NAME = "政府信息公开年度报告"
UNIT = "/api-gateway/jpaas-publish-server/front/page/build/unit"
FIXED = {
    "webId": WEB_ID,
    "pageId": PAGE_ID,
    "tagId": TAG_ID,
    "tplSetId": TPL_SET_ID,
    "parseType": "bulidstatic",
    "pageType": "column",
}
MENU = (
    ("1229106710", "政府信息公开指南"),
    ("1229106711", "政府信息公开制度"),
    (PAGE_ID, COLUMN_NAME),
    ("1229106713", "依申请公开"),
)
META = (
    ("索引号", "index_no", "组配分类", "topic"),
    ("发布机构", "issuer", "生成日期", "written"),
    ("文件编号", "doc_no", "有效性", "validity"),
)
JSON = {"Content-Type": "application/json;charset=UTF-8"}
HUB = f"/col/col{HUB_ID}/index.html"
XXGK = f"/col/col{XXGK_ID}/index.html"


def value(doc: Document, key: str) -> str:
    """A metadata value as the xxgk table prints it."""
    return {**meta_values(doc), "validity": "有效"}[key]


def crumbs(*trail: tuple[str, str]) -> str:
    """The 当前位置 line."""
    return (
        '<div class="crumb">当前位置：'
        + " > ".join(f'<a href="{h}">{esc(t)}</a>' for h, t in trail)
        + "</div>"
    )


LOOK = MenuLook(crumbs, joiner=" ")


class JpaasFamily(BaseFamily):
    """jpaas sites."""

    name = "jpaas"

    def channel_path(self, slug: str) -> str:
        if slug == "zwgk":
            return HUB
        return f"/col/col{1229106600 + [s for s, _ in CHANNELS].index(slug)}/index.html"

    def detail_path(self, doc: Document) -> str:
        token = hashlib.md5(doc.key.encode()).hexdigest()
        return f"/col/col{PAGE_ID}/art/{doc.published.year}/art_{token}.html"

    def routes(self, ctx: SiteContext) -> dict[str, Route]:
        routes = {
            "/": Route(partial(zwgk_homepage, ctx, HUB, XXGK)),
            "/index.html": Route(partial(zwgk_homepage, ctx, HUB, XXGK)),
            HUB: Route(partial(menu_page, ctx, LOOK, "政务公开", col_links(((XXGK_ID, "政府信息公开"),)))),
            XXGK: Route(partial(menu_page, ctx, LOOK, "政府信息公开", col_links(MENU))),
            f"/col/col{PAGE_ID}/index.html": Route(partial(column_page, ctx)),
            UNIT: Route(partial(build_unit, ctx, self)),
        }
        add_menus(routes, ctx, self, LOOK, col_links(MENU))
        add_details(routes, ctx, self, detail_page, image_path)
        return routes


def image_path(doc: Document, img: Image) -> str:
    """Where a body image is served (and linked from)."""
    return f"/picture/{WEB_ID}/{img.number}.jpg"


def pagination_div(count: int, page_no: int) -> str:
    """The div whose attributes drive the list: count, rows, pageNo, the unit URL and queryData."""
    query = (
        "{"
        + ",".join(
            f"'{k}':'{v}'"
            for k, v in (("webId", WEB_ID), ("pageId", PAGE_ID), ("tagId", TAG_ID), ("tplSetId", TPL_SET_ID))
        )
        + "}"
    )
    return (
        f'<div id="pagination" class="pagination" count="{count}" rows="{ROWS}" pageNo="{page_no}" '
        f'unitUrl="{UNIT}" queryData="{query}"></div>'
    )


def column_page(ctx: SiteContext, request: Request) -> Response:
    """The 年报 column: an empty list, filled by script from the unit API."""
    main = (
        crumbs(("/", "首页"), (XXGK, "政府信息公开"), (request.path, COLUMN_NAME))
        + f'<div class="list"><h2>{COLUMN_NAME}</h2><ul class="list-ul" id="list"></ul>'
        + pagination_div(len(ctx.docs), 1)
        + '<script src="/module/jpaas/pagination.js"></script></div>'
    )
    return ctx.page(request, COLUMN_NAME, f"{COLUMN_NAME} {ctx.spec.site_name}", main)


def build_unit(ctx: SiteContext, family: JpaasFamily, request: Request) -> Response:
    """One page of the list as an HTML fragment inside JSON."""
    query = request.query
    try:
        rows, page_no = int(query.get("rows", "")), int(query.get("pageNo", ""))
    except ValueError:
        rows = page_no = 0
    if any(query.get(k) != v for k, v in FIXED.items()) or rows < 1 or page_no < 1:
        return json_response({"success": False, "code": 400, "message": "参数错误", "data": None})
    docs = ctx.docs[(page_no - 1) * rows : page_no * rows]
    items = "".join(
        f'<li class="clearfix"><a title="{esc(d.title)}" href="{family.detail_path(d)}" '
        f'target="_blank">{esc(d.title)}</a><b>{d.published:%Y-%m-%d}</b></li>'
        for d in docs
    )
    return json_response(
        {
            "success": True,
            "code": 200,
            "message": "操作成功",
            "data": {"html": items + pagination_div(len(ctx.docs), page_no)},
        }
    )


def json_response(body: dict[str, object]) -> Response:
    """A JSON answer."""
    return Response(200, json.dumps(body, ensure_ascii=False).encode("utf-8"), dict(JSON))


def metadata(doc: Document) -> str:
    """The xxgk metadata table."""
    rows = "".join(
        f"<tr><th>{a}</th><td>{esc(value(doc, ka))}</td><th>{b}</th><td>{esc(value(doc, kb))}</td></tr>"
        for a, ka, b, kb in META
    )
    return f'<div class="xxgk-table"><table>{rows}</table></div>'


def detail_page(ctx: SiteContext, family: JpaasFamily, doc: Document, request: Request) -> Response:
    """A detail page: xxgk table, title, date line, ``#zoom`` body, chrome."""
    if ctx.state.is_removed(doc):
        return ctx.not_found(request)
    body = render_blocks(ctx.state.blocks(doc), BodyStyle(image_src=lambda img: image_path(doc, img)))
    main = (
        crumbs(
            ("/", "首页"),
            (XXGK, "政府信息公开"),
            (f"/col/col{PAGE_ID}/index.html", COLUMN_NAME),
        )
        + metadata(doc)
        + f'<div class="article"><h1>{esc(doc.title)}</h1>'
        + f'<p class="article-info">发布日期：{doc.published:%Y-%m-%d %H:%M}　'
        + f"信息来源：{esc(doc.unit.name)}</p>"
        + f'<div class="zc_article_con" id="zoom">\n{body}\n</div></div>\n'
        + AFTER_BODY
    )
    return ctx.article(request, doc, COLUMN_NAME, doc.title, main)


FAMILY = JpaasFamily()
