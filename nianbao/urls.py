"""One canonical form per URL, and the key that names a document within its site.

A portal serves one page under many spellings: ``HTTP://WWW.X.GOV.CN:80/a/index.html#top``,
``http://www.x.gov.cn/a/`` and ``http://www.x.gov.cn/a/?utm_source=wx`` are one page. The
canonical form (:func:`canonical_url`) is w3lib's (the canonicalisation Scrapy's request
fingerprints use: scheme and host lower-case, IDNA hosts, percent-encoding normalised, query
parameters sorted, fragment dropped), and on top of it: the default port dropped, a directory's
index file (``index.html``, ``index.htm``, ``index.shtml``) spelled as the directory, known
tracking parameters and ``;jsessionid=`` path parameters dropped.

A document's **key** (:func:`url_key`) is the canonical path and query alone: scheme and host
belong to the site (see :func:`same_site_host`), so a portal that moves from http to https, from
``www.x.gov.cn`` to ``x.gov.cn`` or to another host keeps every key. URLs are fetched as they were
found; canonical forms and keys only name them.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

from w3lib.url import canonicalize_url

DEFAULT_PORTS = {"http": 80, "https": 443}
INDEX_FILES = ("index.html", "index.htm", "index.shtml")
# Parameters that say where a link was shared, never which page it is.
TRACKING_PARAMETERS = frozenset({
    "utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content", "utm_id",
    "spm", "fbclid", "gclid", "isappinstalled", "share_token", "wxshare_count",
})
# A servlet session in the path (Hanweb and other JSP portals append it when cookies are off).
_SESSION = re.compile(r";jsessionid=[^/?#]*", re.IGNORECASE)
WWW = "www."


def canonical_url(url: str) -> str:
    """The canonical form of an absolute http(s) URL (see the module docstring); a URL no parser
    can split (``http://[bad/…``, a port out of range) is its own canonical form, as written."""
    try:
        parts = urlsplit(canonicalize_url(_SESSION.sub("", url.strip())))
        port = parts.port
    except ValueError:
        return url.strip()
    netloc = parts.hostname or ""
    if port is not None and port != DEFAULT_PORTS.get(parts.scheme):
        netloc = f"{netloc}:{port}"
    return urlunsplit((parts.scheme, netloc, _index_free(parts.path), _untracked(parts.query), ""))


def url_key(url: str) -> str:
    """The canonical path and query of ``url``: a document's name within its site (the whole URL
    as written for one that cannot be split: nothing else names the same document)."""
    canonical = canonical_url(url)
    try:
        parts = urlsplit(canonical)
    except ValueError:
        return canonical
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def origin(url: str) -> str:
    """``scheme://host[:port]`` of ``url``, as written."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def canonical_origin(url: str) -> str:
    """``scheme://host[:port]`` of ``url`` in canonical form (lower case, default port left out)."""
    return origin(canonical_url(url))


def rebase(url: str, new_origin: str) -> str:
    """``url``'s path and query, as written, on ``new_origin`` (``scheme://host[:port]``)."""
    parts = urlsplit(url)
    return urlunsplit((*urlsplit(new_origin)[:2], parts.path or "/", parts.query, ""))


def bare_host(host: str) -> str:
    """A host name without a leading ``www.`` and in lower case: ``www.x.gov.cn`` and ``x.gov.cn`` alike."""
    host = host.lower()
    return host[len(WWW):] if host.startswith(WWW) else host


def same_site_host(a: str, b: str) -> bool:
    """Whether two host names are one site's: equal once a leading ``www.`` is set aside."""
    return bare_host(a) == bare_host(b)


def _index_free(path: str) -> str:
    """``/a/index.html`` as ``/a/``; an empty path as ``/``."""
    head, _, last = path.rpartition("/")
    if last.lower() in INDEX_FILES:
        return head + "/"
    return path or "/"


def _untracked(query: str) -> str:
    """The query without tracking parameters, each kept pair as written (w3lib sorted them already)."""
    pairs = [pair for pair in query.split("&") if pair]
    return "&".join(pair for pair in pairs if pair.partition("=")[0].lower() not in TRACKING_PARAMETERS)
