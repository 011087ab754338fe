"""The raw capture: what one fetch produced, before any extraction."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from nianbao import clock
from nianbao.errors import ERROR_CLASSES

KINDS = ("page", "attachment", "list", "home")


def request_key(method: str, url: str, form: Sequence[Sequence[str]] = ()) -> str:
    """A stable identity for a request (its row in the archive's frontier): method, URL, form body."""
    raw = json.dumps([method.upper(), url, [list(pair) for pair in form]], ensure_ascii=False)
    return hashlib.sha1(raw.encode("utf-8")).hexdigest()


def utc_now() -> str:
    """Current time (``nianbao.clock``) as an ISO 8601 UTC string with seconds precision."""
    return clock.stamp()


@dataclass
class Capture:
    """One fetch of one URL: the exact bytes served, or the error met.

    ``url`` is the URL the spider asked for (the document's identity); ``final_url`` is where
    redirects ended. ``error_class`` is ``None`` for a fetch that produced a response; otherwise
    one of :data:`nianbao.errors.ERROR_CLASSES`. ``extraction`` is filled by the extract pipeline
    (a dict as returned by :func:`extract.extract_document`), never by a spider.
    ``frontier_key`` names the request in the archive's frontier; recording the capture marks it done.
    ``site_family`` is the CMS family the spider recognised for the site (see ``spiders.fingerprint``).
    ``known_body`` is set by the extract pipeline when it skipped extraction because these exact
    bytes are behind the document's current version, extracted by the running extractor version.
    ``moved_permanently`` says every redirect from ``url`` to ``final_url`` was permanent (301/308):
    ``final_url`` is then the document's new address.
    ``capture_key`` names the fetch in a distributed crawl (its crawl and request): a capture delivered
    twice (a worker or the writer killed at the wrong moment) carries the same key and is recorded once.
    """

    url: str
    site: str
    kind: str = "page"
    fetched_at: str = field(default_factory=utc_now)
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    final_url: str | None = None
    parent_url: str | None = None
    title_hint: str | None = None
    classify_rule: str | None = None
    error_class: str | None = None
    error_message: str | None = None
    extraction: dict[str, Any] | None = None
    frontier_key: str | None = None
    site_family: str | None = None
    known_body: bool = False
    moved_permanently: bool = False
    capture_key: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown capture kind {self.kind!r}; expected one of {KINDS}")
        if self.error_class is not None and self.error_class not in ERROR_CLASSES:
            raise ValueError(f"unknown error class {self.error_class!r}; expected one of {ERROR_CLASSES}")

    @property
    def ok(self) -> bool:
        return self.error_class is None

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass
class ListPage:
    """What one list page led to as the spider read it: kept by the archive (``list_pages``) so a later
    crawl served the same bytes follows the same links without parsing the page again.

    ``key`` is the request's frontier key; ``rules`` names the rules that read it (the spider's list
    code and the site's selectors); ``items`` are ``[url, title]`` pairs, ``pages`` further list
    requests as dicts (url, method, form, style, headers); ``family`` the CMS family its marks showed;
    ``etag`` the page's ETag as served, if any.
    """

    key: str
    site: str
    url: str
    final_url: str
    sha256: str
    rules: str
    family: str | None
    items: list[list[str]]
    pages: list[dict[str, Any]]
    read_at: str = field(default_factory=utc_now)
    etag: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass
class SiteMove:
    """A site's start page answered a permanent redirect (301/308) to another origin: the site moved there.

    The archive keeps it (``site_aliases``), so later crawls ask the new origin directly.
    """

    site: str
    url: str
    location: str
    status: int
    seen_at: str = field(default_factory=utc_now)
