"""Page pieces and routes that several family modules serve alike."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from .context import BaseFamily, Family, Route, SiteContext, not_modified
from .endpoints import image
from .markup import esc, images_of
from .model import MISSING, Attachment, Document, Image
from .page_furniture import CHANNELS
from .server import Request, Response

Links = tuple[tuple[str, str], ...]  # (href, label)
DetailPage = Callable[..., Response]  # (ctx, family, doc, request)


@dataclass(frozen=True)
class MenuLook:
    """How a family draws a hub column: its breadcrumb, the menu's class, the title's separator."""

    crumbs: Callable[..., str]
    css: str = "menu"
    joiner: str = "_"


def meta_values(doc: Document) -> dict[str, str]:
    """A document's metadata as most detail pages print it: ISO dates, blanks for missing values."""
    return {
        "index_no": doc.index_no,
        "topic": doc.topic or "",
        "issuer": doc.unit.name,
        "written": f"{doc.written:%Y-%m-%d}" if doc.written else "",
        "title": doc.title,
        "doc_no": doc.doc_no or "",
        "published": f"{doc.published:%Y-%m-%d}",
    }


def col_links(menu: tuple[tuple[str, str], ...] | tuple[tuple[int, str], ...]) -> Links:
    """Hanweb-style column ids as ``/col/col<id>/index.html`` links."""
    return tuple((f"/col/col{cid}/index.html", label) for cid, label in menu)


def zwgk_homepage(ctx: SiteContext, hub: str, xxgk: str, request: Request, *,
                  xxgk_label: str = "政府信息公开", title: str | None = None) -> Response:
    """A homepage whose one box links 政务公开 and its 政府信息公开 entry."""
    main = (
        f'<div class="box"><h3><a href="{hub}">政务公开</a></h3><ul>'
        f'<li><a href="{xxgk}">{xxgk_label}</a></li></ul></div>'
    )
    return ctx.page(request, "首页", title or ctx.spec.site_name, main)


def menu_page(ctx: SiteContext, look: MenuLook, label: str, links: Links, request: Request) -> Response:
    """A hub column with its menu of sub-columns (none for an empty column)."""
    items = "".join(f'<li><a href="{h}">{esc(t)}</a></li>' for h, t in links)
    main = (
        look.crumbs(("/", "首页"), (request.path, label))
        + f'<div class="{look.css}"><h2>{esc(label)}</h2><ul>{items}</ul></div>'
    )
    return ctx.page(request, label, f"{label}{look.joiner}{ctx.spec.site_name}", main)


def add_menus(routes: dict[str, Route], ctx: SiteContext, family: BaseFamily, look: MenuLook,
              menu: Links) -> None:
    """Menu pages for the chrome's channels (empty) and the menu's columns, where none is served yet."""
    for slug, label in CHANNELS:
        routes.setdefault(
            family.channel_path(slug), Route(partial(menu_page, ctx, look, ctx.chrome.label(slug, label), ()))
        )
    for href, label in menu:
        routes.setdefault(href, Route(partial(menu_page, ctx, look, label, menu)))


def served(docs: list[Document]) -> list[Document]:
    """The documents that have a detail page: all but the deliberately missing one."""
    return [doc for doc in docs if doc.kind != MISSING]


def add_details(routes: dict[str, Route], ctx: SiteContext, family: Family, page: DetailPage,
                image_path: Callable[[Document, Image], str]) -> None:
    """Every listed document's detail page and its images (the deliberately missing one has none)."""
    for doc in served(ctx.docs):
        routes[family.detail_path(doc)] = Route(partial(page, ctx, family, doc))
        for img in images_of(doc.blocks):
            routes[image_path(doc, img)] = Route(lambda _: image("jpg"))


def list_chunks(docs: list[Document], per_page: int) -> list[list[Document]]:
    """A column's documents split into list pages; an empty column still has its first page."""
    count = max(1, -(-len(docs) // per_page))
    return [docs[k * per_page : (k + 1) * per_page] for k in range(count)]


def serve_file(ctx: SiteContext, doc: Document, att: Attachment, request: Request) -> Response:
    """An attachment's bytes, or a 304 to a conditional request that still holds."""
    return ctx.files.response(doc, att, partial(not_modified, request))
