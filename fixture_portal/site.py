"""One running fixture site: its family's routes plus the shared endpoints, behind one HTTP server."""

from __future__ import annotations

import ssl
from dataclasses import dataclass, replace
from datetime import datetime

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
    variants,
    yearly,
)
from .catalogue import SiteSpec
from .context import Family, Route, SiteContext
from .corpus import build_documents, new_report
from .markup import grids_of, paragraphs_of
from .model import MISSING, OTHER, REPORT, Document
from .server import Request, Response, RunningServer
from .state import PortalState

# Registered CMS families; a new family is a module with a FAMILY object and an entry here.
FAMILIES: dict[str, Family] = {
    "trs": trs.FAMILY, "hanweb": hanweb.FAMILY, "trs_shtml": trs_variants.SHTML, "trs_htm": trs_variants.HTM,
    "hanweb_get": hanweb_get.FAMILY, "gkmlpt": gkmlpt.FAMILY, "jpaas": jpaas.FAMILY, "ucap": ucap.FAMILY,
    "asp": asp.FAMILY, "yearly": yearly.FAMILY, "relocated": relocated.FAMILY,
    "attachments": attachments_only.FAMILY, "variants": variants.FAMILY,
}
ASSETS = ("/images/logo.png", "/images/dzjg.png", "/images/zfzc.png")
# Answers whose links a renumbering rewrites (attachments and images are left as served).
TEXTUAL = ("text/html", "text/xml", "application/json", "application/javascript", "text/javascript")
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
        self.seed, self.scale, self.published = seed, scale, 0
        self.docs = build_documents(spec, seed, scale)
        self.family.arrange(self.docs)
        chrome = self.family.chrome(spec)
        self.ctx = SiteContext(spec, self.docs, state, chrome)
        self.routes: dict[str, Route] = {}
        self.by_path: dict[str, Document] = {}
        self.build_routes()
        self.server: RunningServer | None = None
        self.left: list[RunningServer] = []  # servers of the places the site moved away from, still redirecting
        self.renames: tuple[tuple[str, str], ...] = ()  # (old, new) pieces of every path, after a renumbering
        self.renames_redirect = False

    def build_routes(self) -> None:
        """The routes and the path of every document, from the documents as they are now."""
        routes = self.family.routes(self.ctx)
        for path in ASSETS:
            routes[path] = Route(lambda _: endpoints.image("png"))
        self.routes, self.by_path = routes, {self.family.detail_path(d): d for d in self.docs}

    def publish_report(self, published: datetime) -> Document:
        """Put a new report online at ``published``, at the top of its lists; returns it."""
        doc = new_report(self.spec, self.seed, self.scale, self.published, {d.number for d in self.docs}, published)
        self.published += 1
        self.docs.insert(0, doc)
        self.family.arrange(self.docs)
        self.build_routes()
        return doc

    def __call__(self, request: Request) -> Response:
        self.state.log((request.method, request.target, self.spec.name, dict(request.headers)))
        if self.renames:
            return self.serve_renamed(request)
        return self.answer(request)

    def answer(self, request: Request) -> Response:
        """The site's answer, host-wide misbehaviour included."""
        return self.wrap(request, self.serve) if self.wrap else self.serve(request)

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

    def start(self, *, host: str = "127.0.0.1", tls: ssl.SSLContext | None = None) -> Site:
        """Serve on 127.0.0.1 with an OS-chosen port, named ``host`` in URLs; https with ``tls``."""
        self.server = RunningServer(self, host=host, tls=tls)
        return self.site()

    def move(self, *, host: str = "127.0.0.1", tls: ssl.SSLContext | None = None, redirect: bool = False) -> Site:
        """Serve the site from a new place (a new port, ``host`` and scheme). The old place then answers
        every request with a 301 to the same path at the new one (``redirect``), or is gone."""
        old = self.server
        self.start(host=host, tls=tls)
        if old is not None and redirect:
            new_base = self.base_url
            old.httpd.app = lambda request: self.moved_away(new_base, request)
            self.left.append(old)
        elif old is not None:
            old.stop()
        return self.site()

    def moved_away(self, new_base: str, request: Request) -> Response:
        """The answer of a place the site left: a permanent redirect to the same path at its new place."""
        self.state.log((request.method, request.target, self.spec.name, dict(request.headers)))
        return Response(301, b"", {"Location": new_base + request.target, "Content-Type": "text/html"})

    def renumber(self, pairs: tuple[tuple[str, str], ...], *, redirect: bool = False) -> None:
        """Renumber the site's paths (``(old, new)`` pieces): links and URLs use the new ones from now on,
        and the old ones answer 404, or with ``redirect`` a 301 to the renumbered URL."""
        self.renames, self.renames_redirect = pairs, redirect

    def renamed(self, path: str) -> str:
        """A path as served now (after any renumbering)."""
        for old, new in self.renames:
            path = path.replace(old, new)
        return path

    def original(self, path: str) -> str:
        """A path as the site's routes know it (before any renumbering)."""
        for old, new in self.renames:
            path = path.replace(new, old)
        return path

    def serve_renamed(self, request: Request) -> Response:
        """Answer a renumbered site: requests mapped back to the routes, answers to the new numbers."""
        if any(old in request.target for old, _ in self.renames):
            if self.renames_redirect:
                return Response(301, b"", {"Location": self.base_url + self.renamed(request.target),
                                           "Content-Type": "text/html"})
            return self.ctx.not_found(request)
        body = request.body
        for old, new in self.renames:
            body = body.replace(new.encode(), old.encode())
        response = self.answer(replace(request, target=self.original(request.target), body=body))
        return self.renamed_response(response)

    def renamed_response(self, response: Response) -> Response:
        """A response with every old piece in its links (body and Location) renumbered."""
        if "Location" in response.headers:
            response.headers["Location"] = self.renamed(response.headers["Location"])
        textual = response.headers.get("Content-Type", "").split(";")[0] in TEXTUAL
        if isinstance(response.body, bytes) and textual:
            for old, new in self.renames:
                response.body = response.body.replace(old.encode(), new.encode())
        return response

    def stop(self) -> None:
        """Stop serving (idempotent), here and at every place the site left."""
        for server in (self.server, *self.left):
            if server is not None:
                server.stop()
        self.server, self.left = None, []

    def site(self) -> Site:
        """The public description; only valid while serving."""
        if self.server is None:
            raise RuntimeError(f"site {self.spec.name!r} is not running; call start() first")
        return Site(self.spec.name, self.spec.family, self.server.base_url, self.spec.encoding_label,
                    self.spec.behaviour)

    def url(self, doc: Document) -> str:
        """The absolute URL of a document's detail page."""
        return self.site().base_url + self.renamed(self.family.detail_path(doc))

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
            "attachments": [attachments.truth(doc, a, self.base_url + self.renamed(self.family.attachment_path(doc, a)))
                            for a in doc.attachments],
            **self.family.displayed(doc),
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
        found += [{"url": self.base_url + self.renamed(path), "kind": kind} for path, kind in self.family.errors(self.ctx)]
        found += [{"url": self.base_url + self.renamed(self.family.attachment_path(d, a)), "kind": "bad_attachment"}
                  for d in self.reports() for a in d.attachments if a.form == "truncated"]
        return found


def not_allowed(methods: tuple[str, ...]) -> Response:
    """405 with the allowed methods."""
    return Response(405, b"method not allowed", {"Content-Type": "text/plain; charset=utf-8",
                                                  "Allow": ", ".join(methods)})
