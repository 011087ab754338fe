"""Guangdong 政府信息公开目录管理平台 (gkmlpt): a Vue shell at ``/gkmlpt/index`` carrying
``window._CONFIG = { SID: '…', TREE: [...] }``, and a JSON list API ``/gkmlpt/api/all/{cat}?page=N&sid=SID``.

Navigation: homepage → 政务公开 (``/zwgk/index.html``) → "政府信息公开年报", a link to
``/gkmlpt/index#<category id>`` (the fragment names the category; the shell's TREE gives its
name). API quirk: pages 0 and 1 return the same articles, page 2 the next batch (``PAGE_SIZE``
per page; 100 on real sites). Articles carry ``url`` (absolute), ``post_url`` (path) and
``attachment[]``; dates are Unix seconds.
"""

from __future__ import annotations

import json
from functools import partial

from . import attachments
from .context import BaseFamily, Route, SiteContext
from .markup import BodyStyle, esc, render_blocks
from .model import Attachment, Document, Image
from .page_furniture import AFTER_BODY, CHANNELS
from .pieces import add_details, meta_values, serve_file, zwgk_homepage
from .server import Request, Response
from .state import beijing_to_utc

SID = "755041"
CATEGORY = 2412
CATEGORY_NAME = "政府信息公开年报"
PAGE_SIZE = 10
# (id, name, parent) of the catalogue tree; only the 年报 category holds posts.
TREE = (
    (2405, "政府信息公开指南", 0),
    (2406, "政府信息公开制度", 0),
    (2407, "法定主动公开内容", 0),
    (2408, "机构职能", 2407),
    (2409, "政策文件", 2407),
    (CATEGORY, CATEGORY_NAME, 0),
    (2413, "依申请公开", 0),
)
JSON = {"Content-Type": "application/json;charset=UTF-8"}
META = (
    ("索引号", "index_no", "分类", "topic"),
    ("发布机构", "issuer", "成文日期", "written"),
    ("名称", "title", None, None),
    ("文号", "doc_no", "发布日期", "published"),
    ("主题词", "keywords", None, None),
)
KEYWORDS = "政府信息公开 年度报告"


def unix(doc: Document) -> int:
    """The publication time in Unix seconds."""
    return int(beijing_to_utc(doc.published).timestamp())


def value(doc: Document, key: str) -> str:
    """A metadata value as the detail table prints it."""
    return {**meta_values(doc), "keywords": KEYWORDS}[key]


class GkmlptFamily(BaseFamily):
    """gkmlpt sites."""

    name = "gkmlpt"

    def channel_path(self, slug: str) -> str:
        return f"/{slug}/index.html"

    def detail_path(self, doc: Document) -> str:
        n = doc.number
        return f"/gkmlpt/content/{n // 1000000}/{n // 1000}/post_{n}.html"

    def attachment_path(self, doc: Document, att: Attachment) -> str:
        n = att.number % 10**8
        return f"/attachment/0/{n // 10**5}/{n // 10}/{n}.{att.ext}"

    def routes(self, ctx: SiteContext) -> dict[str, Route]:
        routes = {
            "/": Route(partial(homepage, ctx)),
            "/index.html": Route(partial(homepage, ctx)),
            "/zwgk/index.html": Route(partial(zwgk_page, ctx)),
            "/gkmlpt/index": Route(partial(shell, ctx)),
        }
        for cat in (0, *(node[0] for node in TREE)):
            routes[f"/gkmlpt/api/all/{cat}"] = Route(partial(api, ctx, self, cat))
        for slug, label in CHANNELS:
            routes.setdefault(
                self.channel_path(slug), Route(partial(channel_page, ctx, ctx.chrome.label(slug, label)))
            )
        for doc in ctx.docs:
            for att in doc.attachments:
                routes[self.attachment_path(doc, att)] = Route(partial(serve_file, ctx, doc, att))
        add_details(routes, ctx, self, detail_page, image_path)
        return routes


def image_path(doc: Document, img: Image) -> str:
    """Where a body image is served (and linked from)."""
    return f"/img/0/{img.number}.jpg"


def homepage(ctx: SiteContext, request: Request) -> Response:
    """The main portal's homepage (another CMS); its 政务公开 box."""
    return zwgk_homepage(ctx, "/zwgk/index.html", "/gkmlpt/index", request, xxgk_label="政府信息公开目录")


def zwgk_page(ctx: SiteContext, request: Request) -> Response:
    """政务公开: entries into the gkmlpt catalogue, one per category of interest."""
    main = (
        '<div class="zwgk"><ul><li><a href="/gkmlpt/index">政府信息公开目录</a></li>'
        '<li><a href="/gkmlpt/index#2405">政府信息公开指南</a></li>'
        f'<li><a href="/gkmlpt/index#{CATEGORY}">{CATEGORY_NAME}</a></li></ul></div>'
    )
    return ctx.page(request, "政务公开", f"政务公开 {ctx.spec.site_name}", main)


def channel_page(ctx: SiteContext, label: str, request: Request) -> Response:
    """Any other channel of the main portal."""
    return ctx.page(request, label, f"{label} {ctx.spec.site_name}", f"<h2>{esc(label)}</h2><p>暂无信息</p>")


def tree(ctx: SiteContext) -> list[dict[str, object]]:
    """The catalogue tree as the shell embeds it."""
    count = len(ctx.docs)
    return [
        {
            "id": cid,
            "name": name,
            "parent": parent,
            "post_count": count if cid == CATEGORY else 0,
            "jump_url": "",
        }
        for cid, name, parent in TREE
    ]


def shell(ctx: SiteContext, request: Request) -> Response:
    """The Vue single-page shell: no list in the HTML, only the config and the app's scripts."""
    config = json.dumps(tree(ctx), ensure_ascii=False)
    html = (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><meta name="SiteName" '
        f'content="{esc(ctx.spec.site_name)}"><title>政府信息公开_{esc(ctx.spec.site_name)}</title>'
        '<link href="/gkmlpt/gkml/pc/css/app.8d2b1c.css" rel="stylesheet"></head><body>'
        '<noscript>请开启浏览器的JavaScript功能</noscript><div id="app"></div>\n'
        f"<script>window._CONFIG = {{ SID: '{SID}', TREE: {config}, SERVICE_AREA_ID: 1 }};</script>\n"
        '<script src="/gkmlpt/gkml/pc/js/chunk-common.3b1f2c.js"></script>'
        '<script src="/gkmlpt/gkml/pc/js/app.5e7a90.js"></script></body></html>'
    )
    return ctx.html(request, html)


def page_slice(page: int) -> slice:
    """Pages 0 and 1 are the same first batch; page n ≥ 1 is batch n."""
    first = max(page, 1) - 1
    return slice(first * PAGE_SIZE, (first + 1) * PAGE_SIZE)


def api(ctx: SiteContext, family: GkmlptFamily, cat: int, request: Request) -> Response:
    """The list API; a wrong ``sid`` or a category without posts lists nothing."""
    try:
        page = int(request.query.get("page", "0") or 0)
    except ValueError:
        return Response(400, b'{"code":400,"msg":"page"}', dict(JSON))
    posts = [] if request.query.get("sid") != SID or cat not in (0, CATEGORY) else ctx.docs
    origin = "http://" + (request.header("Host") or "127.0.0.1")
    names = {cid: name for cid, name, _ in TREE}
    body = {
        "classify": {"id": cat, "name": names.get(cat, "全部"), "post_count": len(posts)},
        "total": len(posts),
        "articles": [article(ctx, family, d, origin) for d in posts[page_slice(max(page, 0))]],
    }
    return Response(200, json.dumps(body, ensure_ascii=False).encode("utf-8"), dict(JSON))


def article(ctx: SiteContext, family: GkmlptFamily, doc: Document, origin: str) -> dict[str, object]:
    """One article of the list API."""
    path, moment = family.detail_path(doc), unix(doc)
    files = [
        {
            "id": att.number % 10**8,
            "name": att.name,
            "type": att.ext,
            "mime": attachments.MIME[att.ext],
            "size": len(ctx.files.data(doc, att)),
            "url": origin + family.attachment_path(doc, att),
        }
        for att in doc.attachments
    ]
    return {
        "id": doc.number,
        "title": doc.title,
        "document_number": doc.doc_no or "",
        "publisher": doc.unit.name,
        "keywords": KEYWORDS,
        "date": moment,
        "created_at": f"{doc.published:%Y-%m-%d %H:%M:%S}",
        "create_time": moment,
        "first_publish_time": moment,
        "display_publish_time": moment,
        "identifier": doc.index_no,
        "classify_main_name": CATEGORY_NAME,
        "classify_genre_name": "",
        "classify_theme_name": doc.topic or "",
        "url": origin + path,
        "post_url": path,
        "attachment": files,
        "abstract": "",
        "relation": "",
        "is_expired": False,
        "is_abolished": False,
    }


def metadata(doc: Document) -> str:
    """The detail page's metadata table (label/value pairs)."""

    def cell(label: str | None, key: str | None, wide: bool) -> str:
        if label is None or key is None:
            return ""
        span = ' colspan="2"' if wide else ""
        return f"<td{span}><label>{label}：</label><span>{esc(value(doc, key))}</span></td>"

    rows = "".join(f"<tr>{cell(a, ka, b is None)}{cell(b, kb, False)}</tr>" for a, ka, b, kb in META)
    return f'<div class="introduce"><table class="table-info">{rows}</table></div>'


def detail_page(ctx: SiteContext, family: GkmlptFamily, doc: Document, request: Request) -> Response:
    """A post: metadata table, title, ``div.article-content`` body, attachments, chrome."""
    if ctx.state.is_removed(doc):
        return ctx.not_found(request)
    style = BodyStyle(image_src=lambda img: image_path(doc, img))
    body = render_blocks(ctx.state.blocks(doc), style)
    main = (
        metadata(doc) + f'<div class="content"><h1 class="title">{esc(doc.title)}</h1>'
        f'<div class="date">发布日期：{doc.published:%Y-%m-%d}　来源：{esc(doc.unit.name)}</div>'
        f'<div class="article-content">\n{body}\n</div></div>\n' + family.attachment_links(doc) + AFTER_BODY
    )
    return ctx.article(request, doc, CATEGORY_NAME, f"{doc.title}_{ctx.spec.site_name}", main)


FAMILY = GkmlptFamily()
