"""What a family needs to serve a site: its data, the live state, and page/validator helpers."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import format_datetime, parsedate_to_datetime
from typing import Protocol

from . import attachments
from .catalogue import SiteSpec
from .model import Attachment, Document
from .page_furniture import TODAY, Chrome, article_meta, page
from .server import Request, Response
from .state import PortalState

log = logging.getLogger(__name__)

NOT_FOUND_MAIN = ('<div class="error"><h2>404</h2><p>对不起，您访问的页面不存在或已被删除。</p>'
                  '<p><a href="/">返回首页</a></p></div>')


@dataclass(frozen=True)
class Route:
    """A handler and the methods it accepts."""

    handler: Callable[[Request], Response]
    methods: tuple[str, ...] = ("GET", "HEAD")


class Family(Protocol):
    """A CMS family: how its URLs look and which routes a site of it serves."""

    name: str

    def chrome(self, spec: SiteSpec) -> Chrome:
        """The site's chrome, with the family's channel URLs."""
        ...

    def detail_path(self, doc: Document) -> str:
        """The path of a document's detail page."""
        ...

    def routes(self, ctx: SiteContext) -> dict[str, Route]:
        """Every path the site serves, mapped to its route."""
        ...

    def attachment_path(self, doc: Document, att: Attachment) -> str:
        """The link (path and query) a detail page gives an attachment."""
        ...

    def errors(self, ctx: SiteContext) -> list[tuple[str, str]]:
        """(path, kind) of the family's deliberate faults a crawl must report."""
        ...

    def arrange(self, docs: list[Document]) -> None:
        """Assign documents to the family's sub-columns, before any route or URL is made."""
        ...

    def redirects(self) -> list[tuple[str, str]]:
        """(old path, new path) of columns that moved on the same host."""
        ...

    def renumbering(self) -> tuple[tuple[str, str], ...]:
        """(old, new) pieces of the site's paths and links when its 年报 column is given a new number."""
        ...

    def displayed(self, doc: Document) -> dict[str, object]:
        """Truth fields a page shows otherwise than the document holds them."""
        ...


class BaseFamily:
    """Defaults for a family: no attachments, no faults of its own."""

    name = ""

    def attachment_path(self, doc: Document, att: Attachment) -> str:
        raise NotImplementedError(f"family {self.name!r} serves no attachments")

    def errors(self, ctx: SiteContext) -> list[tuple[str, str]]:
        return []

    def arrange(self, docs: list[Document]) -> None:
        return None

    def redirects(self) -> list[tuple[str, str]]:
        return []

    def renumbering(self) -> tuple[tuple[str, str], ...]:
        raise NotImplementedError(f"family {self.name!r} has no numbered column")

    def displayed(self, doc: Document) -> dict[str, object]:
        """Truth fields a page shows otherwise than the document holds them (a family of many layouts)."""
        return {}

    def channel_path(self, slug: str) -> str:
        raise NotImplementedError(f"family {self.name!r} names no channel URLs")

    def chrome(self, spec: SiteSpec) -> Chrome:
        """The shared chrome with the family's own channel URLs."""
        return Chrome(spec, self.channel_path)

    def attachment_links(self, doc: Document) -> str:
        """The 附件 block of a detail page (empty when the document has no attachments)."""
        return attachments.offered([(self.attachment_path(doc, a), self.attachment_path(doc, a), a) for a in doc.attachments])


@dataclass
class SiteContext:
    """One site's data and live state, with helpers to answer as that site does."""

    spec: SiteSpec
    docs: list[Document]
    state: PortalState
    chrome: Chrome
    files: attachments.FileStore = field(default_factory=attachments.FileStore)

    def encode(self, html: str) -> bytes:
        """Page bytes in the site's codec; a character it cannot hold is a fixture bug."""
        return html.encode(self.spec.codec, errors="strict")

    def html(self, request: Request, html: str, *, status: int = 200, charset: str | None = None,
             doc: Document | None = None, static: bool = False) -> Response:
        """An HTML page; with ``doc`` it carries validators (ETag, Last-Modified), ``static`` an ETag
        only (a generated list page served as a file); either may answer 304."""
        declared = charset or (self.spec.charset if self.spec.header_charset else None)
        headers = {"Content-Type": f"text/html; charset={declared}" if declared else "text/html"}
        if doc is not None or static:
            etag = '"' + hashlib.sha1(self.encode(html)).hexdigest()[:24] + '"'
            modified = self.state.last_modified(doc) if doc is not None else None
            headers["ETag"] = etag
            if modified is not None:
                headers["Last-Modified"] = format_datetime(modified, usegmt=True)
            if not_modified(request, etag, modified):
                return Response(304, b"", {k: v for k, v in headers.items() if k != "Content-Type"})
        return Response(status, self.encode(html.replace(TODAY, self.state.date_line())), headers)

    def layout(self, column: str, title: str, main: str, extra_head: str = "") -> str:
        """The full HTML of a page (head, chrome, main), date line still unfilled."""
        return page(self.spec, self.chrome, column, title, main, extra_head)

    def page(self, request: Request, column: str, title: str, main: str, *, extra_head: str = "",
             status: int = 200, static: bool = False) -> Response:
        """A full page (head, chrome, main); ``static`` pages carry an ETag of their bytes."""
        return self.html(request, self.layout(column, title, main, extra_head), status=status, static=static)

    def article(self, request: Request, doc: Document, column: str, title: str, main: str,
                extra_head: str = "") -> Response:
        """A document's detail page: article meta tags, validators, the document's own charset."""
        head = article_meta(doc.title, f"{doc.published:%Y-%m-%d %H:%M}", doc.unit.name) + extra_head
        return self.html(request, self.layout(column, title, main, head), charset=doc.header_charset, doc=doc)

    def not_found(self, request: Request) -> Response:
        """The site's small 404 page."""
        return self.page(request, "错误页面", f"404 页面不存在 - {self.spec.site_name}", NOT_FOUND_MAIN,
                         status=404)


def not_modified(request: Request, etag: str, modified: datetime | None) -> bool:
    """RFC 9110 conditional GET: If-None-Match wins; else If-Modified-Since."""
    if request.method not in ("GET", "HEAD"):
        return False
    tags = request.header("If-None-Match")
    if tags is not None:
        listed = {t.strip().removeprefix("W/") for t in tags.split(",")}
        return "*" in listed or etag in listed
    since = request.header("If-Modified-Since")
    if since is None or modified is None:
        return False
    try:
        when = parsedate_to_datetime(since)
    except (TypeError, ValueError):
        # RFC 9110 §13.1.3: an invalid date is ignored, so the full page is sent.
        log.info("ignoring invalid If-Modified-Since %r", since)
        return False
    return when.tzinfo is not None and modified.replace(microsecond=0) <= when
