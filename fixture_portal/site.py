"""One running fixture site: its family's routes plus the shared endpoints, behind one HTTP server."""

from __future__ import annotations

import time
from dataclasses import dataclass

from . import (
    asp,
    attachments,
    attachments_only,
    endpoints,
    gkmlpt,
    hanweb,
    hanweb_get,
    jpaas,
    misbehaving,
    relocated,
    trs,
    trs_variants,
    ucap,
    yearly,
)
from .catalogue import SiteSpec
from .context import Family, Route, SiteContext
from .corpus import build_documents
from .markup import grids_of, paragraphs_of
from .model import MISSING, OTHER, REPORT, Document
from .server import Request, Response, RunningServer
from .state import PortalState

# Registered CMS families; a new family is a module with a FAMILY object and an entry here.
FAMILIES: dict[str, Family] = {
    "trs": trs.FAMILY, "hanweb": hanweb.FAMILY, "trs_shtml": trs_variants.SHTML, "trs_htm": trs_variants.HTM,
    "hanweb_get": hanweb_get.FAMILY, "gkmlpt": gkmlpt.FAMILY, "jpaas": jpaas.FAMILY, "ucap": ucap.FAMILY,
    "asp": asp.FAMILY, "yearly": yearly.FAMILY, "relocated": relocated.FAMILY,
    "attachments": attachments_only.FAMILY,
}
ASSETS = ("/images/logo.png", "/images/dzjg.png", "/images/zfzc.png")
PAGE_METHODS = ("GET", "HEAD")


@dataclass(frozen=True)
class Site:
    """Public description of one served site."""

    name: str
    family: str
    base_url: str
    encoding: str
    behaviour: str | None = None

    @property
    def homepage(self) -> str:
        return self.base_url + "/"


class SiteApp:
    """Routes requests of one site and records each of them in the portal state."""

    def __init__(self, spec: SiteSpec, state: PortalState, *, seed: int, scale: int,
                 slow_seconds: float = 2.0) -> None:
        if spec.family not in FAMILIES:
            raise ValueError(f"site {spec.name!r} names unknown family {spec.family!r}; "
                             f"known: {sorted(FAMILIES)}")
        self.spec, self.state = spec, state
        self.family = FAMILIES[spec.family]
        self.behaviour = misbehaving.BEHAVIOURS[spec.behaviour] if spec.behaviour else None
        self.wrap = misbehaving.wrapper(spec.behaviour, slow_seconds) if spec.behaviour else None
        self.docs = build_documents(spec, seed, scale)
        self.family.arrange(self.docs)
        chrome = self.family.chrome(spec)
        self.ctx = SiteContext(spec, self.docs, state, chrome)
        self.routes = self.family.routes(self.ctx)
        for path in ASSETS:
            self.routes[path] = Route(lambda _: endpoints.image("png"))
        self.by_path = {self.family.detail_path(d): d for d in self.docs}
        self.server: RunningServer | None = None

    def __call__(self, request: Request) -> Response:
        self.state.log((request.method, request.target, self.spec.name, dict(request.headers)))
        started = time.monotonic()
        try:
            return self.wrap(request, self.serve) if self.wrap else self.serve(request)
        finally:
            self.state.time((self.spec.name, started, time.monotonic()))

    def serve(self, request: Request) -> Response:
        """The site's own answer, before any host-wide misbehaviour."""
        route = self.route(request.path)
        if route is None and request.method in PAGE_METHODS:
            return self.ctx.not_found(request)
        if route is None:
            return not_allowed(PAGE_METHODS)
        if request.method not in route.methods:
            return not_allowed(route.methods)
        return route.handler(request)

    def route(self, path: str) -> Route | None:
        """The route for a path: the family's pages, then the named endpoints."""
        if path in self.routes:
            return self.routes[path]
        if path in endpoints.FAILURES:
            return Route(endpoints.FAILURES[path])
        prefix = next((p for p in endpoints.PREFIXED if path.startswith(p)), None)
        return Route(endpoints.PREFIXED[prefix]) if prefix else None

    def start(self) -> Site:
        """Serve on 127.0.0.1 with an OS-chosen port."""
        self.server = RunningServer(self)
        return self.site()

    def stop(self) -> None:
        """Stop serving (idempotent)."""
        if self.server is not None:
            self.server.stop()
            self.server = None

    def site(self) -> Site:
        """The public description; only valid while serving."""
        if self.server is None:
            raise RuntimeError(f"site {self.spec.name!r} is not running; call start() first")
        return Site(self.spec.name, self.spec.family, self.server.base_url, self.spec.encoding_label,
                    self.spec.behaviour)

    def url(self, doc: Document) -> str:
        """The absolute URL of a document's detail page."""
        return self.site().base_url + self.family.detail_path(doc)

    def truth(self, doc: Document) -> dict[str, object]:
        """What a crawler must archive for one report, as served right now."""
        blocks = self.state.blocks(doc)
        return {
            "url": self.url(doc), "site": self.spec.name, "family": self.spec.family, "title": doc.title,
            "index_no": doc.index_no, "issuer": doc.unit.name, "publish_date": f"{doc.published:%Y-%m-%d}",
            "written_date": f"{doc.written:%Y-%m-%d}" if doc.written else None, "doc_no": doc.doc_no,
            "topic": doc.topic, "report_year": doc.report_year, "layout": doc.layout,
            "paragraphs": paragraphs_of(blocks), "tables": grids_of(blocks),
            "encoding_note": doc.encoding_note, "balance_ok": doc.balance_ok,
            "removed": self.state.is_removed(doc),
            "attachments": [attachments.truth(doc, a, self.base_url + self.family.attachment_path(doc, a))
                            for a in doc.attachments],
        }

    @property
    def base_url(self) -> str:
        return self.site().base_url

    @property
    def reachable(self) -> bool:
        """Whether a polite crawler can reach the site's pages at all."""
        return self.behaviour is None or self.behaviour.reachable

    def reports(self) -> list[Document]:
        """The 年报 a crawler must archive."""
        return [d for d in self.docs if d.kind == REPORT] if self.reachable else []

    def others(self) -> list[Document]:
        """The non-年报 items of the 年报 column."""
        return [d for d in self.docs if d.kind == OTHER] if self.reachable else []

    def broken(self) -> list[Document]:
        """Listed items whose detail page answers 404, deliberately or after remove_report()."""
        if not self.reachable:
            return []
        return [d for d in self.docs if d.kind == MISSING or self.state.is_removed(d)]

    def errors(self) -> list[dict[str, str]]:
        """What a crawl must report for this site: dead links, the family's faults, bad files, the host."""
        if self.behaviour is not None and self.behaviour.error_kind:
            return [{"url": self.site().homepage, "kind": self.behaviour.error_kind}]
        found = [{"url": self.url(d), "kind": "not_found"} for d in self.broken()]
        found += [{"url": self.base_url + path, "kind": kind} for path, kind in self.family.errors(self.ctx)]
        found += [{"url": self.base_url + self.family.attachment_path(d, a), "kind": "bad_attachment"}
                  for d in self.reports() for a in d.attachments if a.form == "truncated"]
        return found


def not_allowed(methods: tuple[str, ...]) -> Response:
    """405 with the allowed methods."""
    return Response(405, b"method not allowed", {"Content-Type": "text/plain; charset=utf-8",
                                                  "Allow": ", ".join(methods)})
