"""A county site whose 年报 column is split: its index only links per-year folders (named as the
site was rebuilt over the years: ``gknb2017/``, ``2018nb/``, ``nb_2022n/``) and per-township
subcolumns (``xzjd/<slug>/zfxxgknb/``), each with its own TRS-style list (``index.html``,
``index_1.html`` …) and its own ``YYYYMM/tYYYYMMDD_N.html`` details.

Reports of townships sit in their township's subcolumn; every other report in its report
year's folder; the column's other notices in the newest year's folder.
"""

from __future__ import annotations

from functools import partial

from .context import BaseFamily, Route, SiteContext
from .markup import BodyStyle, esc, render_blocks
from .model import REPORT, Document, Image
from .page_furniture import AFTER_BODY
from .pieces import MenuLook, add_details, add_menus, list_chunks, menu_page, zwgk_homepage
from .server import Request, Response
from .trs import TRS_STYLE, crumbs, metadata_table, page_name, pager
from .trs_variants import list_item

HUB = "/zwgk/zfxxgk/"
COLUMN = "/zwgk/zfxxgk/gknb/"
COLUMN_NAME = "政府信息公开年报"
TOWNSHIPS = "xzjd/"
PER_PAGE = 4
MENU = (
    ("zfxxgkzn", "政府信息公开指南"),
    ("fdzdgknr", "法定主动公开内容"),
    ("gknb", COLUMN_NAME),
    ("ysqgk", "依申请公开"),
)
# Initials of the characters township names are made of (for subcolumn slugs such as bsz/).
INITIALS = dict(
    zip("东西南北金银青白石柳桃梅竹松山溪湖塘桥岭港坪沙云峰镇乡", "dxnbjyqbslbmzssxhtqlgpsyfzx", strict=True)
)
SUFFIXES = (("街道办事处", "jd"), ("镇人民政府", "z"), ("乡人民政府", "x"))
LOOK = MenuLook(crumbs)


def year_folder(year: int) -> str:
    """The folder of one report year, named by the site's naming habit of that time."""
    if year <= 2017:
        return f"gknb{year}/"
    return f"{year}nb/" if year <= 2020 else f"nb_{year}n/"


def township_slug(name: str, taken: set[str]) -> str:
    """Initials of the town's name plus its kind (bsz for 白沙镇), numbered when already taken."""
    stem, kind = next(((name.removesuffix(s), k) for s, k in SUFFIXES if name.endswith(s)), (name, "x"))
    base = "".join(INITIALS.get(ch, "x") for ch in stem) + kind
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}{n}", n + 1
    return slug


class YearlyFamily(BaseFamily):
    """Per-year folders and per-township subtrees under one 年报 column."""

    name = "yearly"

    def channel_path(self, slug: str) -> str:
        return f"/{slug}/index.html"

    def arrange(self, docs: list[Document]) -> None:
        """Put every document into its year folder or township subcolumn."""
        slugs: dict[str, str] = {}
        newest = max(d.report_year for d in docs if d.report_year)
        for doc in sorted(docs, key=lambda d: (d.unit.name, d.number)):
            if doc.kind == REPORT and doc.unit.kind == "township":
                if doc.unit.name not in slugs:
                    slugs[doc.unit.name] = township_slug(doc.unit.name, set(slugs.values()))
                doc.section = f"{TOWNSHIPS}{slugs[doc.unit.name]}/zfxxgknb/"
            else:
                doc.section = year_folder(doc.report_year or newest)

    def detail_path(self, doc: Document) -> str:
        p = doc.published
        return f"{COLUMN}{doc.section}{p:%Y%m}/t{p:%Y%m%d}_{doc.number}.html"

    def routes(self, ctx: SiteContext) -> dict[str, Route]:
        sections = sorted({d.section for d in ctx.docs})
        home = Route(partial(zwgk_homepage, ctx, "/zwgk/index.html", f"{HUB}index.html"))
        routes = {
            "/": home,
            "/index.html": home,
            "/zwgk/index.html": Route(
                partial(menu_page, ctx, LOOK, "政务公开", ((f"{HUB}index.html", "政府信息公开"),))
            ),
            f"{HUB}index.html": Route(partial(menu_page, ctx, LOOK, "政府信息公开", menu_links())),
            f"{COLUMN}index.html": Route(partial(column_index, ctx, sections)),
            COLUMN: Route(partial(column_index, ctx, sections)),
        }
        add_menus(routes, ctx, self, LOOK, menu_links())
        for section in sections:
            self.add_section(ctx, routes, section)
        add_details(routes, ctx, self, detail_page, self.image_path)
        return routes

    def image_path(self, doc: Document, img: Image) -> str:
        """Images sit beside the article."""
        return f"{self.detail_path(doc).rsplit('/', 1)[0]}/W0{img.number}.jpg"

    def add_section(self, ctx: SiteContext, routes: dict[str, Route], section: str) -> None:
        """One sub-column's list pages."""
        chunks = list_chunks([d for d in ctx.docs if d.section == section], PER_PAGE)
        for k, chunk in enumerate(chunks):
            routes[f"{COLUMN}{section}{page_name(k)}"] = Route(
                partial(list_page, ctx, self, section, chunk, k, len(chunks))
            )
        # A folder URL serves its index page, as the web server does.
        routes[f"{COLUMN}{section}"] = routes[f"{COLUMN}{section}index.html"]


def menu_links() -> tuple[tuple[str, str], ...]:
    """The 政府信息公开 menu as (href, label)."""
    return tuple((f"{HUB}{slug}/index.html", label) for slug, label in MENU)


def section_label(ctx: SiteContext, section: str) -> str:
    """A sub-column's name: the township's, or the year's."""
    if section.startswith(TOWNSHIPS):
        town = next(d.unit.name for d in ctx.docs if d.section == section)
        return f"{town}政府信息公开年报"
    year = next(d.report_year for d in ctx.docs if d.section == section and d.report_year)
    return f"{year}年度政府信息公开年报"


def column_index(ctx: SiteContext, sections: list[str], request: Request) -> Response:
    """The 年报 column: links to the year folders (newest first) and the township subcolumns only."""
    years = sorted(
        (s for s in sections if not s.startswith(TOWNSHIPS)),
        key=lambda s: section_label(ctx, s),
        reverse=True,
    )
    towns = [s for s in sections if s.startswith(TOWNSHIPS)]
    year_items = "".join(f'<li><a href="./{s}">{esc(section_label(ctx, s))}</a></li>' for s in years)
    town_items = "".join(
        f'<li><a href="./{s}index.html">{esc(section_label(ctx, s))}</a></li>' for s in towns
    )
    main = (
        crumbs(("/", "首页"), (f"{HUB}index.html", "政府信息公开"), ("./index.html", COLUMN_NAME))
        + f'<div class="nb-years"><h2>{COLUMN_NAME}</h2><ul>{year_items}</ul></div>'
        + f'<div class="nb-towns"><h3>乡镇（街道）政府信息公开年报</h3><ul>{town_items}</ul></div>'
    )
    return ctx.page(request, COLUMN_NAME, f"{COLUMN_NAME}_{ctx.spec.site_name}", main)


def list_page(
    ctx: SiteContext,
    family: YearlyFamily,
    section: str,
    docs: list[Document],
    k: int,
    count: int,
    request: Request,
) -> Response:
    """One page of a sub-column's list."""
    label = section_label(ctx, section)
    items = "".join(list_item(d, "./" + family.detail_path(d).removeprefix(COLUMN + section)) for d in docs)
    main = (
        crumbs(
            ("/", "首页"),
            (f"{HUB}index.html", "政府信息公开"),
            (f"{COLUMN}index.html", COLUMN_NAME),
            ("./index.html", label),
        )
        + f'<div class="list"><h2>{esc(label)}</h2><ul class="list-ul">{items}</ul>{pager(count, k)}</div>'
    )
    return ctx.page(request, label, f"{label}_{ctx.spec.site_name}", main)


def detail_page(ctx: SiteContext, family: YearlyFamily, doc: Document, request: Request) -> Response:
    """A TRS-style detail page."""
    if ctx.state.is_removed(doc):
        return ctx.not_found(request)
    body = render_blocks(ctx.state.blocks(doc), BodyStyle(image_src=lambda img: f"./W0{img.number}.jpg"))
    main = (
        crumbs(("/", "首页"), (f"{HUB}index.html", "政府信息公开"), (f"{COLUMN}index.html", COLUMN_NAME))
        + metadata_table(doc)
        + f'<h1 class="title">{esc(doc.title)}</h1>'
        + f'<div class="info">发布时间：{doc.published:%Y-%m-%d %H:%M:%S}　来源：{esc(doc.unit.name)}</div>'
        + f'<div id="zoom"><div class="TRS_Editor">{TRS_STYLE}\n{body}\n</div></div>\n'
        + AFTER_BODY
    )
    return ctx.article(request, doc, COLUMN_NAME, f"{doc.title}_{ctx.spec.site_name}", main)


FAMILY = YearlyFamily()
