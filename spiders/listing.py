"""List pages: which links are items, and which items are 年报.

Pure functions over (url, html); the spider calls them and builds requests.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html import unescape as html_unescape
from urllib.parse import urljoin, urlsplit, urlunsplit

from lxml import etree, html

from nianbao.pages import ARRAY_START, script_rows, string_rows, viewed_file

# URL shapes of detail pages and attachments across CMS families (portals.md §2–9).
DETAIL_URL_PATTERNS = tuple(
    re.compile(p, re.I)
    for p in (
        r"/t\d{8}_\d+\.s?html?$",                 # TRS t-date
        r"/art/\d{4}/(\d{1,2}/\d{1,2}/)?art_",    # Hanweb
        r"/content_\d+\.s?html?$",                # UCAP / gov.cn / TRS content
        r"/post_\d+\.html$",                      # gkmlpt / NFCMS
        r"/public/\d+/\d+\.html$",                # /public/column platform
        r"/OpennessContent/show/\d+\.html$",
        r"/Item/\d+\.aspx$",
        r"/\d{6,}/[0-9a-f]{32}\.s?html$",
        r"/(?:19|20)\d{4}/\d{6,}\.s?html$",        # 集约化平台: /cNNNNNN/YYYYMM/<id>.shtml
        r"\.(pdf|docx?|xlsx?|wps|rtf|ofd)$",      # reports published only as attachments
        r"downfile\.jsp\?",
    )
)
# 年报 titles: what a report is called, and what only looks like one.
REPORT_TITLE = re.compile(r"(年报|年度报告|年度[^，。,]{0,16}报告|信息公开[^，。,]{0,10}报告)")
NOT_REPORT_TITLE = re.compile(r"(解读|通知|要点|指南|格式|编制|图解|问答|意见|方案|办法|通报|考核|评议|工作安排|目录)")
REPORT_TOPIC = re.compile(r"(信息公开|政务公开)")


@dataclass(frozen=True)
class ListItem:
    url: str
    title: str


@dataclass(frozen=True)
class Malformed:
    """A link that cannot be followed: its href as written, why, and its text when known."""

    href: str
    reason: str
    text: str | None = None


def classify_title(title: str, *, in_report_column: bool = True) -> str | None:
    """The rule that makes ``title`` a 年报, or None when it is not one.

    In a 年报 column a title needs only 年度报告/年报; elsewhere it must also name 信息公开.
    """
    if not REPORT_TITLE.search(title) or NOT_REPORT_TITLE.search(title):
        return None
    if in_report_column:
        return "title:年报-in-column"
    return "title:信息公开年报" if REPORT_TOPIC.search(title) else None


# One alternation instead of a search per pattern: a list page's ~180 links are all tested.
DETAIL_URL = re.compile("|".join(f"(?:{p.pattern})" for p in DETAIL_URL_PATTERNS), re.I)


# Cached: most links of a list page are the portal's navigation, the same on every page of it.
@functools.lru_cache(maxsize=16384)
def is_detail_url(url: str) -> bool:
    """Whether a URL has the shape of a detail page or attachment."""
    parts = urlsplit(url)
    target = parts.path + ("?" + parts.query if parts.query else "")
    return DETAIL_URL.search(target) is not None


# A list's own URLs: a folder, an index, default or list page, a pager's page.
LIST_PATH = re.compile(r"(?:/|/(?:index|default|list|more)[\w-]*\.\w{2,5})$", re.I)
PAGER_QUERY = re.compile(r"(?:^|&)(?:page|pageNo|pageNum|pageIndex|cur_page)=", re.I)
# A year in a title: 2023年, ２０２３年 (full-width), 二〇二三年.
REPORT_YEAR = re.compile(r"(?:(?:19|20|１９|２０)[0-9０-９]{2}|二[〇○零][〇○零一二三四五六七八九]{2})\s*年")


def is_report_title(text: str) -> bool:
    """Whether ``text`` is the title of one year's report: a year, and a 年报 title (:func:`classify_title`)."""
    return REPORT_YEAR.search(text) is not None and classify_title(text) is not None


def is_item_link(url: str, text: str) -> bool:
    """Whether a link of a 年报 list is one of its items: its URL has a detail page's shape, or its text is
    the title of one year's report and its URL is not a list's (portals have more URL shapes than any
    table of them: ``iDetail.jsp?id=…``, ``/20250114/<uuid>.html``, ``/show/123.html`` …)."""
    if is_detail_url(url):
        return True
    if not is_report_title(text):
        return False
    parts = urlsplit(url)
    return LIST_PATH.search(parts.path) is None and PAGER_QUERY.search(parts.query) is None


def parse_tree(text: str) -> html.HtmlElement | None:
    """Parse list HTML leniently; None for an empty document."""
    if not text.strip():
        return None
    try:
        return html.fromstring(text, parser=html.HTMLParser(huge_tree=True))
    except (etree.ParserError, ValueError):
        return None


def link_text(anchor: html.HtmlElement) -> str:
    """An anchor's title attribute (full title) or else its text, whitespace folded."""
    title = (anchor.get("title") or "").strip()
    text = " ".join(anchor.text_content().split())
    return title if len(title) >= len(text) else text


@dataclass(frozen=True)
class PageLinks:
    """The links of a parsed page: (absolute URL, text) pairs, hrefs that could not be joined, and
    whether the page had more than ``MAX_PAGE_ANCHORS`` anchors (the rest were not read)."""

    links: tuple[tuple[str, str], ...] = ()
    malformed: tuple[Malformed, ...] = ()
    capped: bool = False


# A list page's links are read by the item finder, the sub-column finder and the rendered-pager
# style; resolving ~180 hrefs three times was the biggest cost of an unchanged night's list pages.
@functools.lru_cache(maxsize=8)
def page_links(page_url: str, tree: html.HtmlElement | None) -> PageLinks:
    """Every http(s) link of a parsed page in document order, and the malformed ones (cached per tree)."""
    if tree is None:
        return PageLinks()
    out: list[tuple[str, str]] = []
    bad: list[Malformed] = []
    for count, anchor in enumerate(tree.iter("a")):
        if count >= MAX_PAGE_ANCHORS:
            return PageLinks(tuple(out), tuple(bad), capped=True)
        href = (anchor.get("href") or "").strip()
        if not href or href.startswith(("#", "javascript:", "mailto:")):
            continue
        try:
            url = join_url(page_url, href)
        except ValueError as exc:  # http://[bad/…, a host urllib refuses: this link only is skipped
            bad.append(Malformed(href, str(exc), link_text(anchor)))
            continue
        if url.startswith(("http://", "https://")):
            out.append((url.split("#", 1)[0], link_text(anchor)))
    return PageLinks(tuple(out), tuple(bad))


def all_links(page_url: str, tree: html.HtmlElement | None) -> tuple[tuple[str, str], ...]:
    """(absolute URL, text) of every http(s) link, in document order (cached per parsed tree).

    A malformed href (one ``urljoin`` refuses) is left out; :func:`malformed_items` names those
    that looked like list items.
    """
    return page_links(page_url, tree).links


def malformed_items(page_url: str, tree: html.HtmlElement | None) -> list[Malformed]:
    """Malformed hrefs of a list page that have the shape of a detail page or attachment (lost items)."""
    return [bad for bad in page_links(page_url, tree).malformed if DETAIL_URL.search(bad.href)]


def join_url(page_url: str, href: str) -> str:
    """``urljoin(page_url, href)``, cached per directory: the pages of one column share their links."""
    if not href or href.startswith(("?", ";", "#")):
        return _join(page_url, href)
    # any other relative reference resolves against the base's directory alone (RFC 3986 §5.2)
    return _join(_directory(page_url), href)


@functools.lru_cache(maxsize=1024)
def _directory(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path.rsplit("/", 1)[0] + "/", "", ""))


@functools.lru_cache(maxsize=65536)
def _join(base: str, href: str) -> str:
    return urljoin(base, href)


def selected_anchors(tree: html.HtmlElement, selectors: tuple[str, ...] | list[str]) -> html.HtmlElement:
    """A tree holding only the anchors under the given CSS selectors (a registry override)."""
    holder = html.Element("div")
    for selector in selectors:
        for element in tree.cssselect(selector):
            anchors = [element] if element.tag == "a" else list(element.iter("a"))
            for anchor in anchors:
                holder.append(html.fromstring(html.tostring(anchor)))
    return holder


def list_items(page_url: str, tree: html.HtmlElement | None,
               selectors: tuple[str, ...] | list[str] = ()) -> list[ListItem]:
    """Items of a list page (:func:`is_item_link`, under ``selectors`` if given), by URL once."""
    if tree is not None and selectors:
        tree = selected_anchors(tree, selectors)
    seen: set[str] = set()
    items = []
    for url, text in all_links(page_url, tree):
        if url in seen or not is_item_link(url, text):
            continue
        seen.add(url)
        items.append(ListItem(url=url, title=text))
    return items


# Hanweb jpage datastores carry their records as CDATA HTML fragments. Reading the CDATA with a
# regex, rather than an XML parser, means entity tricks in the wrapper can never expand. A record's
# text stops at the next <record>, so unclosed records cost linear time, not a search to the end each.
DATASTORE_RECORD = re.compile(r"<record>\s*<!\[CDATA\[((?:(?!\]\]>|<record>).)*)\]\]>\s*</record>", re.S | re.I)


def datastore_items(page_url: str, text: str) -> list[ListItem]:
    """Items carried in a Hanweb ``<datastore>`` (embedded in a column page or a dataproxy reply)."""
    fragments = DATASTORE_RECORD.findall(text)
    if not fragments:
        return []
    tree = parse_tree("<div>" + "\n".join(fragments) + "</div>")
    return list_items(page_url, tree)


# A list drawn by JavaScript may leave the server's rows inside an HTML comment (the live list is
# empty in the markup); such rows are followed like any others. Dead markup without links is skipped.
COMMENT = re.compile(r"<!--(.*?)-->", re.S)


def comment_items(page_url: str, text: str) -> list[ListItem]:
    """Items of a list kept inside HTML comments."""
    fragments = [c for c in COMMENT.findall(text) if "<a" in c and "href" in c]
    if not fragments:
        return []
    return list_items(page_url, parse_tree("<div>" + "\n".join(fragments) + "</div>"))


def script_items(page_url: str, text: str) -> list[ListItem]:
    """Items of a list the browser draws by script: from an inline array of titled objects (title, URL),
    or row by row from a script's string variables (see :func:`script_string_rows`)."""
    items: dict[str, ListItem] = {}
    for script in SCRIPT.findall(text):
        rows = script_rows(script) if ARRAY_START.search(script) else []
        for title, url in [(title, url) for title, url, _ in rows] + script_string_rows(script):
            absolute = join_url(page_url, url) if url else None
            if absolute and absolute.startswith(("http://", "https://")) and is_item_link(absolute, title):
                items.setdefault(absolute, ListItem(url=absolute, title=title))
    return list(items.values())


def script_string_rows(script: str) -> list[tuple[str, str]]:
    """(title, URL) of the rows a script writes from strings, each titled as one year's report."""
    return [(title, url) for title, url, _ in string_rows(script, is_report_title)]


SCRIPT = re.compile(r"<script\b[^>]*>(.*?)</script>", re.S | re.I)


# Attachment links are found in the raw bytes: a detail page is parsed in full only once, by the
# extractor in a worker process, not again on the crawl's own thread. The scan is linear in the
# page whatever its markup: every anchor start and end is found in one pass, an opening tag is read
# only up to the next "<" or ">", and an anchor's text runs to the next anchor boundary (so a
# thousand unclosed <a href=…> cost a thousand short reads, not a search to the end of the page each).
ANCHOR_EDGE = re.compile(rb"<(/?)a(?=[\s>/])", re.I)
OPEN_TAG_REST = re.compile(rb"[^<>]*>")
RAW_HREF = re.compile(rb"""\bhref\s*=\s*["']?([^"'\s>]+)""", re.I)
# Text read for one anchor; a name longer than this is not a link text.
MAX_ANCHOR_TEXT_BYTES = 2048
# Anchors read on one page (a list or a report page links a few hundred); the rest of a page with
# more is not followed, and the crawl records that a cap bit. This bounds the crawl thread's work per page.
MAX_PAGE_ANCHORS = 20_000
# Distinct attachment-looking hrefs resolved on one report page (a report has a handful).
MAX_ATTACHMENT_HREFS = 1_000
# Cheap pre-filter on the raw href, so the ~180 navigation links of a page never reach urljoin.
RAW_ATTACHMENT_HINT = re.compile(rb"\.(pdf|docx?|xlsx?|wps|et|rtf|ofd|zip|rar|7z|pptx?)\b|file", re.I)
RAW_TAG = re.compile(rb"<[^<>]*>")


def _raw_text(raw: bytes) -> str | None:
    """Anchor text from raw bytes, when it decodes cleanly as UTF-8 or GB18030; else None (never guessed)."""
    raw = b" ".join(RAW_TAG.sub(b" ", raw).split())
    for codec in ("utf-8", "gb18030"):
        try:
            return raw.decode(codec)
        except UnicodeDecodeError:
            continue
    return None


def _raw_href(raw: bytes) -> str:
    """An href's bytes as text: UTF-8 or GB18030 when they decode cleanly (a Chinese file name), else Latin-1."""
    return html_unescape(_raw_text(raw) or raw.decode("latin-1"))


def raw_anchors(body: bytes) -> Iterator[tuple[bytes, bytes] | None]:
    """(href, text) bytes of every ``<a href>`` in ``body``, closed or not, in page order, and None for
    every other anchor boundary (a closing tag, an anchor without href), so callers can bound their
    work by boundaries read. Linear time."""
    edges = ANCHOR_EDGE.finditer(body)
    edge = next(edges, None)
    while edge is not None:
        following = next(edges, None)
        tag = None if edge[1] else OPEN_TAG_REST.match(body, edge.end())
        href = tag and RAW_HREF.search(body, edge.start(), tag.end())
        if tag and href:
            end = following.start() if following else len(body)
            yield href[1], body[tag.end():min(end, tag.end() + MAX_ANCHOR_TEXT_BYTES)]
        else:
            yield None
        edge = following


@dataclass
class AttachmentScan:
    """What the raw scan of a detail page found: attachment links, malformed ones, and whether it stopped early."""

    links: list[tuple[str, str | None]] = field(default_factory=list)
    malformed: list[Malformed] = field(default_factory=list)
    capped: bool = False
    urls: set[str] = field(default_factory=set, repr=False)  # of ``links``, for de-duplication


def scan_attachment_links(page_url: str, body: bytes, is_attachment: Callable[[str], object],
                          max_anchors: int = MAX_PAGE_ANCHORS) -> AttachmentScan:
    """Every link in ``body`` that ``is_attachment`` accepts, as (absolute URL, text) in page order, and
    every attachment-looking href that cannot be joined into a URL (each skipped on its own). At most
    ``max_anchors`` anchor boundaries and ``MAX_ATTACHMENT_HREFS`` distinct attachment-looking hrefs
    are read (``capped`` says the page had more)."""
    scan = AttachmentScan()
    seen: set[bytes] = set()
    for count, anchor in enumerate(raw_anchors(body)):
        if count >= max_anchors or len(seen) >= MAX_ATTACHMENT_HREFS:
            scan.capped = True
            return scan
        if anchor is None or anchor[0] in seen or not RAW_ATTACHMENT_HINT.search(anchor[0]):
            continue
        seen.add(anchor[0])
        _read_attachment_href(page_url, *anchor, is_attachment, scan)
    for count, (source, title) in enumerate(embedded_sources(body)):
        if count >= MAX_EMBEDS or len(seen) >= MAX_ATTACHMENT_HREFS:
            scan.capped = True
            break
        if source not in seen and RAW_ATTACHMENT_HINT.search(source):
            seen.add(source)
            _read_attachment_href(page_url, source, title, is_attachment, scan)
    return scan


# A report shown in the page rather than linked: <iframe src="/pdfjs/web/viewer.html?file=….pdf">,
# <embed src="….pdf">, <object data="….pdf">. A tag is read up to the next "<" or ">" (linear time).
EMBED_TAG = re.compile(rb"<(?:iframe|embed|object|frame)\b[^<>]*>", re.I)
RAW_SOURCE = re.compile(rb"""\b(?:src|data)\s*=\s*["']?([^"'\s>]+)""", re.I)
RAW_TITLE = re.compile(rb"""\btitle\s*=\s*["']([^"'<>]{1,300})["']""", re.I)
MAX_EMBEDS = 200  # frames and embeds read on one page (a report page has one or two)


def embedded_sources(body: bytes) -> Iterator[tuple[bytes, bytes]]:
    """(source, title) of every frame, embed and object of a page, as raw bytes."""
    for tag in EMBED_TAG.finditer(body):
        source = RAW_SOURCE.search(tag[0])
        if source:
            title = RAW_TITLE.search(tag[0])
            yield source[1], title[1] if title else b""


def _read_attachment_href(page_url: str, raw: bytes, text: bytes, is_attachment: Callable[[str], object],
                          scan: AttachmentScan) -> None:
    href = _raw_href(raw)
    try:
        url = urljoin(page_url, href)
    except ValueError as exc:  # http://[bad/…, a host urllib refuses: this link only is skipped
        scan.malformed.append(Malformed(href, str(exc), _raw_text(text)))
        return
    url = viewed_file(url) or url  # an online viewer's link: the file it shows
    if url.startswith(("http://", "https://")) and url not in scan.urls and is_attachment(url):
        scan.urls.add(url)
        scan.links.append((url, _raw_text(text)))


def attachment_links(page_url: str, body: bytes, is_attachment: Callable[[str], object]) -> list[tuple[str, str | None]]:
    """(absolute URL, link text) of every link in ``body`` that ``is_attachment`` accepts, in page order."""
    return scan_attachment_links(page_url, body, is_attachment).links
