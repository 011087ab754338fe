"""FixturePortal: every fixture site served at once, with the truth a crawl is checked against."""

from __future__ import annotations

import ssl
from collections.abc import Iterable
from datetime import datetime, time
from types import TracebackType
from urllib.parse import urlsplit

from .catalogue import MISBEHAVING, SITES, VARIANTS, SiteSpec
from .model import Document
from .site import Site, SiteApp
from .state import PortalState, RequestRecord

DEFAULT_EDIT = "（本报告于{day}更正部分表述。）"
PUBLISH_TIME = time(10, 0)  # when a report published "today" goes online (Beijing)


class FixturePortal:
    """Realistic local gov portals on 127.0.0.1, one server per site, deterministic from ``seed``.

    :param seed: drives every generated name, number and date.
    :param scale: multiplies the number of reports and other items (1 ≈ 345 detail pages over the
        default sites; 6 ≈ 2,060).
    :param sites: the catalogue entries to choose from (default: every well-behaved site).
    :param families: serve only the sites of these families (e.g. ``("trs", "hanweb")``).
    :param misbehaving: also serve the misbehaving hosts: ``True`` for all of them, or the names
        of the behaviours wanted (``"robots"``, ``"challenge"``, ``"slow"``, ``"flaky"``).
    :param slow_seconds: how long the slow host delays each response.
    :param variants: also serve the layouts site (``variants.py``): one report per real metadata
        layout and date-and-source line, its lists in real list layouts.
    """

    def __init__(self, seed: int = 7, *, scale: int = 1, sites: tuple[SiteSpec, ...] = SITES,
                 families: Iterable[str] | None = None, misbehaving: bool | Iterable[str] = False,
                 slow_seconds: float = 2.0, variants: bool = False) -> None:
        self.seed, self.scale = seed, scale
        self.state = PortalState()
        chosen = select(sites, families) + misbehaving_sites(misbehaving) + (list(VARIANTS) if variants else [])
        self.apps = {spec.name: SiteApp(spec, self.state, seed=seed, scale=scale, slow_seconds=slow_seconds)
                     for spec in chosen}

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
        """What a crawl must report, as {"url", "kind"}.

        Kinds: ``not_found`` (a listed detail page answers 404: the deliberate dead link, removed
        reports), ``stub`` (a list page that is a ~300-byte empty shell), ``soft_404`` (a linked
        column answering 200 with a 'page does not exist' page), ``bad_attachment`` (a truncated
        PDF), and for misbehaving hosts ``robots`` (robots.txt disallows everything) and
        ``challenge`` (every request answers a 412 JS challenge).
        """
        return [error for app in self.apps.values() for error in app.errors()]

    def redirects(self) -> list[dict[str, object]]:
        """Columns that moved: the old URL (still linked), where it points, and the status (301)."""
        return [{"url": app.base_url + app.renamed(old), "location": app.base_url + app.renamed(new), "status": 301}
                for app in self.apps.values() if app.reachable for old, new in app.family.redirects()]

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

    def publish_report(self, name: str) -> str:
        """Site ``name`` publishes a new report today (the portal clock), at the top of its lists; its URL."""
        app = self.apps[name]
        return app.url(app.publish_report(datetime.combine(self.state.today, PUBLISH_TIME)))

    def move_site(self, name: str, *, host: str = "127.0.0.1", tls: ssl.SSLContext | None = None,
                  redirect: bool = False) -> Site:
        """Serve site ``name`` from a new place: a new port, named ``host`` (``localhost`` is another host than
        127.0.0.1), over https with ``tls``. Its old place answers 301 to the same path at the new one
        (``redirect``), or is gone. Returns the site as it is now."""
        return self.apps[name].move(host=host, tls=tls, redirect=redirect)

    def renumber_column(self, name: str, *, redirect: bool = False) -> None:
        """Site ``name``'s 年报 column gets a new number, and every report URL with it (Hanweb ``/col/colN/``,
        ``art_N_…``): the old URLs answer 404, or with ``redirect`` a 301 to the new ones."""
        app = self.apps[name]
        app.renumber(app.family.renumbering(), redirect=redirect)

    def document(self, url: str) -> Document:
        """The served document at an absolute detail URL."""
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        for app in self.apps.values():
            if app.server and app.server.base_url == origin and app.original(parts.path) in app.by_path:
                return app.by_path[app.original(parts.path)]
        raise KeyError(f"no fixture document at {url!r}; use a URL from truth() or non_reports()")


def select(sites: tuple[SiteSpec, ...], families: Iterable[str] | None) -> list[SiteSpec]:
    """The sites of the named families (all of them when ``families`` is None)."""
    if families is None:
        return list(sites)
    wanted = set(families)
    known = {s.family for s in (*SITES, *sites)}
    if wanted - known:
        raise ValueError(f"unknown families {sorted(wanted - known)}; known: {sorted(known)}")
    return [s for s in sites if s.family in wanted]


def misbehaving_sites(misbehaving: bool | Iterable[str]) -> list[SiteSpec]:
    """The misbehaving hosts asked for: all, none, or those of the named behaviours."""
    if misbehaving is True:
        return list(MISBEHAVING)
    if misbehaving is False:
        return []
    wanted = set(misbehaving)
    known = {s.behaviour for s in MISBEHAVING if s.behaviour}
    if wanted - known:
        raise ValueError(f"unknown behaviours {sorted(wanted - known)}; known: {sorted(known)}")
    return [s for s in MISBEHAVING if s.behaviour in wanted]
