"""FixturePortal: every fixture site served at once, with the truth a crawl is checked against."""

from __future__ import annotations

from types import TracebackType
from urllib.parse import urlsplit

from .catalogue import SITES, SiteSpec
from .model import Document
from .site import Site, SiteApp
from .state import PortalState, RequestRecord

DEFAULT_EDIT = "（本报告于{day}更正部分表述。）"


class FixturePortal:
    """Realistic local gov portals on 127.0.0.1, one server per site, deterministic from ``seed``.

    :param seed: drives every generated name, number and date.
    :param scale: multiplies the number of reports and other items (1 ≈ 25 TRS items and 110 Hanweb
        records; 20 ≈ 2,700 detail pages).
    :param sites: the catalogue entries to serve (default: all).
    """

    def __init__(self, seed: int = 7, *, scale: int = 1, sites: tuple[SiteSpec, ...] = SITES) -> None:
        self.seed, self.scale = seed, scale
        self.state = PortalState()
        self.apps = {spec.name: SiteApp(spec, self.state, seed=seed, scale=scale) for spec in sites}

    def __enter__(self) -> FixturePortal:
        self.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.stop()

    def start(self) -> None:
        """Start one server per site (no-op for sites already running)."""
        for app in self.apps.values():
            if app.server is None:
                app.start()

    def stop(self) -> None:
        """Stop every server."""
        for app in self.apps.values():
            app.stop()

    @property
    def sites(self) -> dict[str, Site]:
        """name -> :class:`Site` (family, base_url, homepage, encoding)."""
        return {name: app.site() for name, app in self.apps.items()}

    @property
    def request_log(self) -> list[RequestRecord]:
        """(method, path with query, site name, headers) of every request served, in order."""
        return self.state.request_log

    def homepages(self) -> list[str]:
        """One homepage URL per site."""
        return [site.homepage for site in self.sites.values()]

    def truth(self) -> list[dict[str, object]]:
        """One dict per 年报 a crawler must archive, exactly as currently served."""
        return [app.truth(doc) for app in self.apps.values() for doc in app.reports()]

    def non_reports(self) -> list[str]:
        """Absolute URLs of the non-年报 items listed in the 年报 columns."""
        return [app.url(doc) for app in self.apps.values() for doc in app.others()]

    def expected_errors(self) -> list[dict[str, str]]:
        """Listed detail pages that answer 404: the deliberate dead link, and removed reports."""
        return [{"url": app.url(doc), "kind": "not_found"}
                for app in self.apps.values() for doc in app.broken()]

    def edit_report(self, url: str, text: str | None = None) -> None:
        """Add (or replace) a paragraph right after the report's first one; bumps ETag and Last-Modified."""
        self.state.edit(self.document(url), text or DEFAULT_EDIT.format(day=self.state.date_line()))

    def remove_report(self, url: str) -> None:
        """The detail URL answers 404 from now on; the list still links it."""
        self.state.set_removed(self.document(url), True)

    def restore_report(self, url: str) -> None:
        """Undo :meth:`remove_report`."""
        self.state.set_removed(self.document(url), False)

    def advance_clock(self, days: int = 1) -> None:
        """Move the portal clock: every page's header date line changes, bodies do not."""
        self.state.advance(days)

    def document(self, url: str) -> Document:
        """The served document at an absolute detail URL."""
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        for app in self.apps.values():
            if app.server and app.server.base_url == origin and parts.path in app.by_path:
                return app.by_path[parts.path]
        raise KeyError(f"no fixture document at {url!r}; use a URL from truth() or non_reports()")
