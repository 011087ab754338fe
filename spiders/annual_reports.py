"""The spider users run: homepage → 年报 column → every list page → every 年报 → attachments.

It navigates only: every page that matters is yielded as a raw :class:`Capture` (bytes as
served), and every failed fetch as a Capture carrying its error class. Extraction happens
downstream, off the reactor thread.

    scrapy crawl annual_reports -a start_url=http://127.0.0.1:8000/
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import itertools
import json
import os
import sys
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider
from scrapy.http import FormRequest, Request, Response
from twisted.python.failure import Failure

from crawler.text_table import article
from nianbao import pages as pages_module
from nianbao.capture import Capture, ListPage, SiteMove, request_key
from nianbao.crawl_types import PRIOR_LIST, SAME_LIST, list_read
from nianbao.errors import ListFormatError
from nianbao.pages import attachment_ext, decode_html, is_js_shell, is_soft_404, js_data_url
from nianbao.urls import canonical_origin, rebase
from spiders import apis, discovery, hosts, list_reading, listing, pagination
from spiders import fingerprint as fingerprint_module
from spiders.discovery import Link, find_columns, find_hubs, find_subcolumns
from spiders.failures import RECORDED_STATUSES, classify_failure, classify_status
from spiders.fingerprint import fingerprint, more_specific
from spiders.list_reading import ListReading
from spiders.listing import (
    RAW_ATTACHMENT_HINT,
    ListItem,
    Malformed,
    all_links,
    classify_title,
    comment_items,
    datastore_items,
    list_items,
    malformed_items,
    page_links,
    parse_tree,
    scan_attachment_links,
    script_items,
)
from spiders.pagination import PageRequest, next_list_pages

# Scheduling order. Homepages and hubs first; then list pages together with the reports and
# attachments found on them, so a first crawl feeds the extraction workers from its first list page
# on (they idled through a column's pagination when reports waited behind every list page); then
# the revisits of known documents, so a night's run learns what is listed (new, gone) before it
# revalidates known pages.
PRIORITY = {"home": 20, "hub": 20, "list": 10, "page": 10, "attachment": 10}
REVISIT_PRIORITY = 0
ATTACHMENT_MAXSIZE = 200 * 1024 * 1024
# List pages and homepages are read on the crawl's own thread (in time linear in their size): a
# bigger one is no list (a column's pages hold tens of items), and is recorded as too_large.
LIST_MAXSIZE = 8 * 1024 * 1024
MAX_HUB_DEPTH = 3
LIST_PAGE_FIELDS = tuple(f.name for f in dataclasses.fields(ListPage))
# Malformed links recorded one by one from one page; the last record counts any beyond.
MAX_MALFORMED_RECORDED = 100
# A malformed link is recorded under its href as written, cut to this length.
MAX_RECORDED_URL = 2083


def url_target(url: str) -> dict[str, Any]:
    """A crawl target for a bare homepage URL: named by its host (and port), confined to it."""
    netloc = urlsplit(url).netloc
    return {"name": netloc, "root": url, "start_urls": [url], "hosts": [netloc], "column": None, "column_selectors": []}


class AnnualReportsSpider(scrapy.Spider):
    name = "annual_reports"

    def __init__(self, start_url: str | None = None, start_urls: list[str] | None = None,
                 sites: list[dict[str, Any]] | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        urls = list(start_urls or []) + [u for u in (start_url or "").split(",") if u]
        targets = [dict(t) for t in sites or []] + [url_target(u) for u in urls]
        if not targets:
            raise ValueError("annual_reports needs a homepage (-a start_url=URL) or registry sites")
        self.targets: dict[str, dict[str, Any]] = {}
        for target in targets:  # two homepages of one host are one site with two start URLs
            known = self.targets.setdefault(target["name"], target)
            if known is not target:
                known["start_urls"] = [*known["start_urls"], *target["start_urls"]]
        self.start_urls = [u for t in targets for u in t["start_urls"]]
        self.allowed_domains = sorted({h.split(":")[0] for t in targets for h in t["hosts"]})
        self._seen: set[tuple[str, str, tuple[tuple[str, str], ...]]] = set()
        self._pending_discovery: Counter[str] = Counter()
        self._column_found: set[str] = set()
        self._home_failed: set[str] = set()  # already recorded as a fetch error; "no column" would repeat it
        self._list_pages: Counter[str] = Counter()
        self._requests: Counter[str] = Counter()
        # a family the registry names is believed; others are recognised from the pages' marks
        self._families: dict[str, str] = {name: t["family"] for name, t in self.targets.items()
                                          if t.get("family") not in (None, "unknown")}
        self._declared_family = set(self._families)
        self._list_rules: dict[str, str] = {}
        # origins each site moved away from (canonical) → where it is now (see spiders.hosts)
        self.moves: dict[str, dict[str, str]] = {}
        self._held: dict[str, list[Request]] = {}  # column -> item requests from its deep list pages
        self._capped_columns: dict[str, str] = {}  # column -> why its list pages were cut short
        self._capped_sites: set[str] = set()  # sites whose request cap bit (recorded once)
        self._release_skips: list[Callable[[Request], bool]] = []  # see skip_released

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> AnnualReportsSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.release_held, signal=signals.spider_idle)
        crawler.signals.connect(spider.count_received, signal=signals.bytes_received)
        return spider

    async def start(self) -> AsyncIterator[Any]:
        for name, target in self.targets.items():
            for request in self._start_requests(name, target):
                if request is not None:
                    yield request

    def _start_requests(self, name: str, target: dict[str, Any]) -> Iterator[Request | None]:
        """The known column when the registry gives one, else discovery from the homepage."""
        if target.get("column"):
            self._column_found.add(name)
            yield self._request(target["column"], self.parse_list, kind="list", site=name, column=target["column"])
            return
        for url in target["start_urls"]:
            moved = self.moves.get(name, {}).get(canonical_origin(url))
            yield self._request(rebase(url, moved) if moved else url, self.parse_discovery, kind="home", site=name,
                                hub_depth=0)

    # -- request building ------------------------------------------------------------------

    def _request(self, url: str, callback: Any, *, kind: str, site: str, page: PageRequest | None = None,
                 priority: int | None = None, **meta: Any) -> Request | None:
        """A request, or None when this spider already asked for the same thing."""
        form = page.form if page else ()
        key = (page.method if page else "GET", url, form)
        if key in self._seen:
            return None
        capped = self._site_cap(site)
        if capped == "":
            self._count("nianbao/capped/requests_not_made")
            return None
        self._seen.add(key)
        self._requests[site] += 1
        meta.update(nianbao_kind=kind, site=site, handle_httpstatus_list=RECORDED_STATUSES,
                    frontier_key=request_key(key[0], url, form), nianbao_form=form)
        if capped:
            meta["nianbao_capped"] = capped  # refused before it is sent, and recorded as capped
        if kind == "attachment":
            meta["download_maxsize"] = ATTACHMENT_MAXSIZE
        elif kind in ("list", "home", "hub"):
            meta["download_maxsize"] = LIST_MAXSIZE
        if kind in ("home", "hub"):
            self._pending_discovery[site] += 1
        common = {"callback": callback, "errback": self.on_error, "meta": meta, "dont_filter": True,
                  "priority": PRIORITY[kind] if priority is None else priority}
        if page and page.method == "POST":
            return FormRequest(url, formdata=dict(form), headers=page.headers, **common)
        return Request(url, headers=page.headers if page else None, **common)

    @property
    def _shared_frontier(self) -> bool:
        """Whether the requests go to a frontier several crawl processes share (a distributed crawl's Redis
        queue), which then keeps the per-site and per-column caps and gives the "no column" verdict: one
        process's own counts see only the responses it happened to get."""
        return bool(self.settings and self.settings.getbool("NIANBAO_SHARED_FRONTIER"))

    def _seen_before(self, url: str, page: PageRequest) -> bool:
        return (page.method, url, page.form) in self._seen

    def _site_cap(self, site: str) -> str | None:
        """None while ``site`` is under its request cap; the reason for the first request over it (that one
        request is made only to be recorded as ``capped``); "" for every later one (not made, counted)."""
        cap = self.settings.getint("NIANBAO_MAX_REQUESTS_PER_SITE") if self.settings and not self._shared_frontier else 0
        if not cap or self._requests[site] < cap:
            return None
        if site in self._capped_sites:
            return ""
        self._capped_sites.add(site)
        self.logger.warning("request cap (%d) reached for %s: a trap? nothing more is followed", cap, site)
        return (f"request cap NIANBAO_MAX_REQUESTS_PER_SITE={cap} reached for site {site}: "
                "this request and every later one of the site not made")

    def request_from_frontier(self, entry: dict[str, Any]) -> Request | None:
        """Rebuild a request an interrupted crawl had queued (see ``crawler.spider_middlewares``)."""
        meta = dict(entry["meta"])
        kind, site = meta.pop("nianbao_kind"), meta.pop("site")
        url = self.locate(entry["url"], site) if site in self.targets else None
        if url is None:
            return None
        page = PageRequest(url=url, method=entry["method"], form=tuple(map(tuple, entry["form"])),
                           headers=entry["headers"])
        return self._request(url, getattr(self, entry["callback"]), kind=kind, site=site, page=page, **meta)

    def revisit_request(self, document: dict[str, Any]) -> Request | None:
        """A request for a document the archive already holds, where its site is now (see ``spiders.hosts``)."""
        site = document["site"]
        url = self.locate(document["url"], site) if site in self.targets else None
        if url is None:
            return None
        meta = {k: document[k] for k in ("title_hint", "classify_rule", "parent_url") if document.get(k)}
        return self._request(url, self.parse_detail, kind=document["kind"], site=site,
                             priority=REVISIT_PRIORITY, **meta)

    def allows(self, url: str, site: str) -> bool:
        """Whether ``url`` is on one of the site's hosts, aliases or the origins it moved to (``spiders.hosts``)."""
        return hosts.is_site_host(url, self.targets[site], tuple(self.moves.get(site, {}).values()))

    def locate(self, url: str, site: str) -> str | None:
        """Where to ask for a known URL of ``site`` now; None when it is on none of its hosts."""
        return hosts.locate(url, self.targets[site], self.moves.get(site, {}))

    def accept_move(self, site: str, previous: str, status: int, url: str) -> bool:
        """Whether a redirect from ``previous`` to ``url`` says the site moved (``spiders.hosts``); adopts it if so."""
        if site not in self.targets or not hosts.is_permanent_move(previous, status, url, self.targets[site]["start_urls"]):
            return False
        self.adopt_move(site, previous, url)
        return True

    def adopt_move(self, site: str, alias: str, origin: str) -> None:
        """``alias``'s origin of ``site`` moved to ``origin``'s (a permanent redirect): follow it there from now on."""
        moved_to = canonical_origin(origin)
        if self.moves.setdefault(site, {}).get(canonical_origin(alias)) != moved_to:
            self.logger.info("%s moved: %s is now %s", site, canonical_origin(alias), moved_to)
        self.moves[site][canonical_origin(alias)] = moved_to

    # -- discovery ---------------------------------------------------------------------------

    def parse_discovery(self, response: Response) -> Iterator[Any]:
        """Homepage or hub: open the 年报 column if linked, else the most promising hubs."""
        site = response.meta["site"]
        self._pending_discovery[site] -= 1
        failed = self._failed_capture(response)
        if failed:
            if response.meta["nianbao_kind"] == "home":
                self._home_failed.add(site)
            yield failed
            yield from self._maybe_no_column(response.url, site)
            return
        yield from self._site_moves(response, site)
        text, _, _ = decode_html(response.body, _headers(response))
        self._note_family(site, fingerprint(text))
        links = [Link(u, t) for u, t in all_links(response.url, parse_tree(text)) if self.allows(u, site)]
        columns = [PageRequest(url=link.url, style="column-link") for link in find_columns(links)]
        columns += apis.api_columns(response.url, text)
        for page in columns:
            self._column_found.add(site)
            request = self._request(page.url, self.parse_list, kind="list", site=site, page=page, column=page.url)
            if request is not None:
                yield request
        if not columns and response.meta["hub_depth"] < MAX_HUB_DEPTH:
            for link in find_hubs(links):
                request = self._request(link.url, self.parse_discovery, kind="hub", site=site,
                                        hub_depth=response.meta["hub_depth"] + 1)
                if request is not None:
                    yield request
        yield from self._maybe_no_column(response.url, site)

    def _site_moves(self, response: Response, site: str) -> Iterator[SiteMove]:
        """The permanent moves of the site a start page's redirects showed (for the archive's ``site_aliases``)."""
        chain = [*response.meta.get("redirect_urls", []), response.url]
        for (previous, url), status in zip(itertools.pairwise(chain), response.meta.get("redirect_reasons", []),
                                           strict=False):
            if hosts.is_permanent_move(previous, status, url, self.targets[site]["start_urls"]):
                yield SiteMove(site=site, url=previous, location=url, status=status)

    def _note_family(self, site: str, family: str | None) -> None:
        """Remember the site's CMS family (recorded with its captures); a more specific mark wins later."""
        if family and site not in self._declared_family and more_specific(family, self._families.get(site)):
            self._families[site] = family
            self.logger.info("%s looks like %s portal", site, article(family))

    def _maybe_no_column(self, url: str, site: str) -> Iterator[Capture]:
        if self._shared_frontier:
            return
        if self._pending_discovery[site] == 0 and site not in self._column_found | self._home_failed:
            self.logger.warning("no 年报 column found on %s", site)
            yield Capture(url=url, site=site, kind="home", error_class="no_column",
                          error_message=f"no 年报 column found from the homepage of {site}")

    # -- lists ---------------------------------------------------------------------------------

    def parse_list(self, response: Response) -> Iterator[Any]:
        """A page of the 年报 column: request every 年报 item, every further list page and sub-column.

        When the archive knows these very bytes of this list request, read by the same rules (the
        downloader's ``KnownListMiddleware`` hands them over), the same links are followed without
        parsing the page again; otherwise it is read and a :class:`ListPage` reports what it led to.
        What could not be read (a malformed item link, a list API's total that is no number, anchors
        past the cap) is recorded, and everything that was read is followed.
        """
        site, column = response.meta["site"], response.meta["column"]
        failed = self._failed_capture(response)
        if failed:
            yield failed
            return
        known = response.meta.get("nianbao_known_list")
        if known and known["rules"] == self.list_rules_for(site) and known["final_url"] == response.url:
            self._note_family(site, known["family"])
            reading = ListReading([ListItem(url=url, title=title) for url, title in known["items"]],
                                  [_page_request(page) for page in known["pages"]])
            self._count("nianbao/lists/known")
            self._list_read(site)
            response.meta[SAME_LIST] = True
            yield _confirmed(known)  # fetched again tonight, the same: when it was last seen decides its revisits
        else:
            read = self._read_list(response)
            if isinstance(read, Capture):
                yield read
                return
            reading = read
            self._list_read(site)
            response.meta[SAME_LIST] = _leads_as_before(reading, response)
            yield from self._list_records(response, reading)
        yield from self._item_requests(reading.items, response, column)
        yield from self._list_requests(reading.pages, site, column, shell=not reading.items)

    def _read_list(self, response: Response) -> ListReading | Capture:
        """A list page as read, or the Capture recording that it lists nothing or is not in its format."""
        site = response.meta["site"]
        text, _, _ = decode_html(response.body, _headers(response))
        family = fingerprint(text)
        self._note_family(site, family)
        try:
            reading = self._list_content(response.url, text, self.targets[site].get("column_selectors") or ())
        except ListFormatError as exc:
            return self._capture(response, error_class="decode", error_message=str(exc))
        if not (reading.items or reading.pages or reading.malformed):
            return self._empty_list_capture(response, text)
        reading.family = family
        self._count("nianbao/lists/read")
        return reading

    def _list_records(self, response: Response, reading: ListReading) -> Iterator[Any]:
        """What reading a list page produced besides requests: the reading to remember when it is whole
        (a partial one is read, and recorded, again next time), and a record of each part that could not
        be read (these carry no frontier key: the page is done when what it lists is queued)."""
        if reading.whole and response.meta.get("frontier_key"):
            yield ListPage(key=response.meta["frontier_key"], site=response.meta["site"], url=_asked_url(response),
                           final_url=response.url, sha256=hashlib.sha256(response.body).hexdigest(),
                           rules=self.list_rules_for(response.meta["site"]), family=reading.family,
                           items=[[i.url, i.title] for i in reading.items],
                           pages=[_page_dict(page) for page in reading.pages], etag=_etag(response))
        if reading.problems:
            yield self._capture(response, error_class="decode", error_message="; ".join(reading.problems),
                                frontier_key=None)
        titled = [bad for bad in reading.malformed if classify_title(bad.text or "") is not None]
        yield from self._malformed_captures(titled, response, "page")
        if reading.capped:
            yield self._capture(response, error_class="capped", frontier_key=None, error_message=(
                f"more than {listing.MAX_PAGE_ANCHORS} links on one list page: the links after them not read"))

    def list_rules_for(self, site: str) -> str:
        """The rules that read this site's list pages (see :func:`list_rules`), worked out once per site."""
        if site not in self._list_rules:
            self._list_rules[site] = list_rules(self.targets[site].get("column_selectors") or ())
        return self._list_rules[site]

    def _list_read(self, site: str) -> None:
        """Say a list page of ``site`` was read: its column was reached (``nianbao.crawl_types.list_read``)."""
        if getattr(self, "crawler", None) is not None:
            self.crawler.signals.send_catch_log(signal=list_read, site=site)

    def _count(self, stat: str) -> None:
        if getattr(self, "crawler", None) is not None:
            self.crawler.stats.inc_value(stat)

    def _empty_list_capture(self, response: Response, text: str) -> Capture:
        """A list page with nothing on it is recorded: a vanished column, or a broken stub (TRS deep pages)."""
        if is_soft_404(text, None):
            return self._capture(response, error_class="not_found", error_message="soft 404: the column page is gone")
        return self._capture(response, error_class="empty_list",
                             error_message=f"list page lists no items and no further pages ({len(response.body)} bytes)")

    def _list_content(self, url: str, text: str, selectors: tuple[str, ...] | list[str] = ()) -> ListReading:
        """What one list response leads to, whatever its format (at most one page past the list-page cap
        from each pagination style, so the cap can bite and be recorded)."""
        limit = self.settings.getint("NIANBAO_MAX_LIST_PAGES") + 1
        reply = apis.read_api_reply(url, text, limit)
        if reply is not None:
            return reply
        tree = parse_tree(text)
        items = list_items(url, tree, selectors) + datastore_items(url, text)
        items += [] if selectors else comment_items(url, text) + script_items(url, text)
        links = [Link(u, t) for u, t in all_links(url, tree)]
        pages = next_list_pages(url, text, tree, limit) + apis.api_pages(url, text, limit)
        pages += [PageRequest(url=link.url, style="subcolumn") for link in find_subcolumns(url, links)]
        return ListReading(items, pages, malformed_items(url, tree), capped=page_links(url, tree).capped)

    def _list_requests(self, pages: list[PageRequest], site: str, column: str, *, shell: bool) -> Iterator[Any]:
        """Requests for further list pages, numbered in the column's order, up to NIANBAO_MAX_LIST_PAGES;
        the first page past the cap is recorded as ``capped`` and the column remembered as cut short.

        A page that lists nothing of its own is a shell (a list drawn from an API): the first page of each
        pagination style it leads to is the list's first page, read every run, the others its further pages
        (the shell's own count changes when the list grows)."""
        cap = self.settings.getint("NIANBAO_MAX_LIST_PAGES")
        firsts = {page.style: page for page in reversed(pages)} if shell else {}
        for page in pages:
            if not self.allows(page.url, site) or self._seen_before(page.url, page):
                continue
            if not self._shared_frontier and self._list_pages[column] >= cap:
                yield from self._list_cap_bites(page, site, column, cap)
                return
            request = self._request(page.url, self.parse_list, kind="list", site=site, page=page, column=column,
                                    list_page_no=self._list_pages[column] + 1,
                                    nianbao_further_page=page.style != "subcolumn" and firsts.get(page.style) is not page)
            if request is not None:
                self._list_pages[column] += 1
                yield request

    def _list_cap_bites(self, page: PageRequest, site: str, column: str, cap: int) -> Iterator[Capture]:
        """Record, once per column, the first list page not fetched because the column reached its cap."""
        self._count("nianbao/capped/list_pages")
        if column in self._capped_columns:
            return
        reason = f"list page cap NIANBAO_MAX_LIST_PAGES={cap} reached for column {column}"
        self._capped_columns[column] = reason
        self.logger.warning("%s; not following %s or any later page of it", reason, page.url)
        yield Capture(url=page.url, site=site, kind="list", error_class="capped", site_family=self._families.get(site),
                      error_message=f"{reason}: this page and the column's later pages not fetched")

    def _item_requests(self, items: list[ListItem], response: Response, column: str) -> Iterator[Request]:
        """Requests for a list page's 年报 items. Those listed deeper in the column than
        NIANBAO_HOLD_ITEMS_AFTER_PAGE wait until every list page is walked (:meth:`release_held`), so an
        endless pagination's junk is recorded as ``capped`` instead of being fetched and archived."""
        hold_after = self.settings.getint("NIANBAO_HOLD_ITEMS_AFTER_PAGE")
        hold = bool(hold_after) and response.meta.get("list_page_no", 0) > hold_after
        for item in items:
            request = self._item_request(item, response.meta["site"])
            if request is None:
                continue
            if hold:
                self._held.setdefault(column, []).append(request)
                response.meta["nianbao_holds"] = True  # the frontier keeps this list page queued meanwhile
            else:
                yield request

    def release_held(self) -> None:
        """``spider_idle``: every list page has been walked, so request what deep list pages listed, or,
        for a column that reached its list-page cap, have each of those requests recorded as ``capped``."""
        if not self._held:
            return
        held, self._held = self._held, {}
        scheduled = 0
        for column, requests in held.items():
            reason = self._capped_columns.get(column)
            for request in requests:
                if any(skip(request) for skip in self._release_skips):
                    continue
                if reason:
                    request.meta["nianbao_capped"] = (
                        f"listed past list page {self.settings.getint('NIANBAO_HOLD_ITEMS_AFTER_PAGE')} of a column "
                        f"that never ended ({reason}): not fetched")
                self.crawler.engine.crawl(request)
                scheduled += 1
        if scheduled:  # else the crawl is done: keeping it open would only wait for the next idle check
            raise DontCloseSpider

    def skip_released(self, skip: Callable[[Request], bool]) -> None:
        """Pass the held requests :meth:`release_held` schedules (no spider middleware sees them) through
        ``skip`` first (the revisit policy's not-due check)."""
        self._release_skips.append(skip)

    def count_received(self, data: bytes, request: Request) -> None:
        """``bytes_received``: how much of a body has arrived, so a download cancelled at the size cap
        without a Content-Length (chunked) is recorded as ``too_large``."""
        request.meta["nianbao_received"] = request.meta.get("nianbao_received", 0) + len(data)

    def _item_request(self, item: ListItem, site: str) -> Request | None:
        rule = classify_title(item.title)
        if rule is None or not self.allows(item.url, site):
            return None
        kind = "attachment" if attachment_ext(item.url) else "page"
        return self._request(item.url, self.parse_detail, kind=kind, site=site,
                             title_hint=item.title, classify_rule=rule)

    # -- details and attachments ----------------------------------------------------------------

    def parse_detail(self, response: Response) -> Iterator[Any]:
        """A 年报 page or attachment: yield it as served, then its attachments."""
        meta = response.meta
        yield self._capture(response)
        if meta["nianbao_kind"] != "page" or response.status != 200:
            return
        scan = scan_attachment_links(response.url, response.body, attachment_ext)
        for url, name in scan.links:
            if self.allows(url, meta["site"]):
                request = self._request(url, self.parse_detail, kind="attachment", site=meta["site"],
                                        parent_url=response.url, title_hint=name)
                if request is not None:
                    yield request
        data_url = _shell_data_url(response)
        if data_url and self.allows(data_url, meta["site"]):
            # the page is drawn by JavaScript: its document is the data the script fetches, kept
            # as the page's attachment (its extraction reads the JSON: stage json:<key>)
            request = self._request(data_url, self.parse_detail, kind="attachment", site=meta["site"],
                                    parent_url=response.url, title_hint=meta.get("title_hint"))
            if request is not None:
                yield request
        yield from self._malformed_captures(scan.malformed, response, "attachment")
        if scan.capped:
            yield self._capture(response, error_class="capped", frontier_key=None, error_message=(
                f"more than {listing.MAX_PAGE_ANCHORS} links, {listing.MAX_ATTACHMENT_HREFS} attachment links or "
                f"{listing.MAX_EMBEDS} frames and embeds on one page: the ones after them not followed"))

    def _malformed_captures(self, malformed: list[Malformed], response: Response, kind: str) -> Iterator[Capture]:
        """One ``parse`` capture per link of ``response`` that cannot be followed (the first
        MAX_MALFORMED_RECORDED; the last of them counts the rest), under its href as written."""
        if malformed:
            self.logger.warning("%d malformed links on %s not followed, each recorded", len(malformed), response.url)
        shown = malformed[:MAX_MALFORMED_RECORDED]
        for index, bad in enumerate(shown):
            more = len(malformed) - len(shown) if index == len(shown) - 1 else 0
            message = f"malformed link, not followed: {bad.reason}" + (
                f" (and {more} more malformed links on the page, not recorded one by one)" if more else "")
            yield Capture(url=bad.href[:MAX_RECORDED_URL], site=response.meta["site"],
                          kind="attachment" if RAW_ATTACHMENT_HINT.search(bad.href.encode()) else kind,
                          parent_url=_asked_url(response), title_hint=bad.text, error_class="parse",
                          error_message=message, site_family=self._families.get(response.meta["site"]))

    def reading_failed(self, response: Response, exc: BaseException) -> Capture:
        """A response our own code failed to read, as a ``parse`` capture that keeps its bytes (see
        ``crawler.spider_middlewares.ReadingFailureMiddleware``)."""
        return self._capture(response, error_class="parse",
                             error_message=f"reading failed: {type(exc).__name__}: {exc}"[:2000])

    # -- captures ----------------------------------------------------------------------------------

    def _capture(self, response: Response, **overrides: Any) -> Capture:
        meta = response.meta
        error_class = classify_status(response.status, response.body)
        fields: dict[str, Any] = {
            "url": _asked_url(response),
            "site": meta["site"],
            "kind": meta["nianbao_kind"] if meta["nianbao_kind"] in ("page", "attachment", "list") else "home",
            "status": response.status,
            "headers": _headers(response),
            "body": response.body,
            "final_url": response.url,
            "parent_url": meta.get("parent_url"),
            "title_hint": meta.get("title_hint"),
            "classify_rule": meta.get("classify_rule"),
            "frontier_key": meta.get("frontier_key"),
            "site_family": self._families.get(meta["site"]),
            "moved_permanently": _moved_permanently(response),
            "error_class": error_class,
            "error_message": f"HTTP {response.status}" if error_class else None,
        }
        fields.update(overrides)
        return Capture(**fields)

    def _failed_capture(self, response: Response) -> Capture | None:
        """A capture recording a list or hub page that answered with an error status."""
        if classify_status(response.status, response.body) is None:
            return None
        return self._capture(response)

    def on_error(self, failure: Failure) -> Iterator[Capture]:
        """Every failed request becomes a recorded capture; discovery goes on for the other sites."""
        request = failure.request  # type: ignore[attr-defined]
        meta = request.meta
        error_class, message = classify_failure(failure, self._maxsize(request))
        # a cap was warned about once when it bit; each request it then stops is recorded quietly
        (self.logger.debug if error_class == "capped" else self.logger.warning)("%s %s: %s", error_class,
                                                                                  request.url, message)
        kind = meta.get("nianbao_kind", "page")
        url = meta.get("redirect_urls", [request.url])[0]  # the URL asked for, not where a redirect led
        yield Capture(url=url, site=meta["site"], kind=kind if kind != "hub" else "home",
                      parent_url=meta.get("parent_url"), title_hint=meta.get("title_hint"),
                      classify_rule=meta.get("classify_rule"), frontier_key=meta.get("frontier_key"),
                      error_class=error_class, error_message=message)
        if kind in ("home", "hub"):
            if kind == "home":
                self._home_failed.add(meta["site"])
            self._pending_discovery[meta["site"]] -= 1
            yield from self._maybe_no_column(url, meta["site"])

    def _maxsize(self, request: Request) -> int:
        """The body size cap of ``request`` (its own, or DOWNLOAD_MAXSIZE)."""
        default = self.settings.getint("DOWNLOAD_MAXSIZE") if self.settings else 0
        return int(request.meta.get("download_maxsize", default))


def _moved_permanently(response: Response) -> bool:
    """Whether the response came through redirects, every one of them permanent (301/308)."""
    reasons = response.meta.get("redirect_reasons", [])
    return bool(reasons) and all(reason in hosts.PERMANENT for reason in reasons)


def _shell_data_url(response: Response) -> str | None:
    """The data endpoint of a page drawn by JavaScript (template placeholders), if its script names one."""
    if b"{{" not in response.body and b"${" not in response.body:
        return None  # the common case, decided without decoding the page
    text, _, _ = decode_html(response.body, _headers(response))
    return js_data_url(response.url, text) if is_js_shell(text) else None


def _asked_url(response: Response) -> str:
    """The URL the spider asked for (a document's identity), wherever redirects (downfile.jsp → /attach/…) ended."""
    return str(response.meta.get("redirect_urls", [response.request.url if response.request else response.url])[0])


@functools.cache
def _list_code_digest() -> str:
    """A digest of the source of every module that reads list pages: changing any of them re-reads every
    list page once, so a remembered reading is never one older code would have made."""
    digest = hashlib.sha256()
    for module in (sys.modules[__name__], listing, list_reading, pagination, discovery, apis, fingerprint_module,
                   pages_module):
        try:
            digest.update(Path(module.__file__ or "").read_bytes())
        except OSError:  # no source to hash (a frozen install): never trust an earlier reading
            digest.update(os.urandom(16))
    return digest.hexdigest()


def list_rules(selectors: Sequence[str] = ()) -> str:
    """The name of the rules that read a site's list pages: the list code and the site's column selectors."""
    raw = json.dumps([_list_code_digest(), list(selectors)], ensure_ascii=False)
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:32]


def _page_dict(page: PageRequest) -> dict[str, Any]:
    return {"url": page.url, "method": page.method, "form": [list(pair) for pair in page.form],
            "style": page.style, "headers": dict(page.headers)}


def _leads_as_before(reading: ListReading, response: Response) -> bool:
    """Whether a list page read again lists what it listed last time (only its bytes changed: a date
    line, a visit counter), so its further pages need not be read before their turn."""
    prior = response.meta.get(PRIOR_LIST)
    return (prior is not None and prior["final_url"] == response.url and reading.whole
            and prior["items"] == [[item.url, item.title] for item in reading.items]
            and prior["pages"] == [_page_dict(page) for page in reading.pages])


def _confirmed(known: dict[str, Any]) -> ListPage:
    """A remembered list page, seen again now (its ``read_at`` the time of this fetch)."""
    return ListPage(**{name: known[name] for name in LIST_PAGE_FIELDS if name != "read_at"})


def _page_request(page: dict[str, Any]) -> PageRequest:
    return PageRequest(url=page["url"], method=page["method"], form=tuple(tuple(pair) for pair in page["form"]),
                       style=page["style"], headers=page["headers"])


def _etag(response: Response) -> str | None:
    """The response's ETag, if it has one."""
    etag = response.headers.get(b"ETag")
    return etag.decode("latin-1") if etag else None


def _headers(response: Response) -> dict[str, str]:
    """Response headers as a plain dict (last value wins; names as served)."""
    out = {}
    for name, values in response.headers.items():
        out[name.decode("latin-1")] = values[-1].decode("latin-1") if values else ""
    return out
