"""Which hosts are a site's, and where to ask for a known URL of a site that moved.

A crawl target names its hosts (``hosts``: host names, or ``host:port`` for a bare homepage), its
homepage (``root``) and the host names it was known under before (``aliases``, from the registry).
A host is the site's when it is one of these, a ``www.``/bare twin of one, or an origin the site
was seen to move to (a permanent redirect, see :func:`is_permanent_move`).

Known URLs (revisits, resumed requests) are asked for where the site is now: a URL on the root's
host (any scheme or port, ``www.`` or not) or on an alias is asked on the root's scheme, host and
port; a URL on an origin the site moved away from, on the origin it moved to.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

from nianbao.urls import bare_host, canonical_origin, origin, rebase, url_key

PERMANENT = (301, 308)

Target = Mapping[str, Any]


def root_of(target: Target) -> str:
    """The site's homepage: its ``root``, else its first start URL."""
    return str(target.get("root") or target["start_urls"][0])


def _netloc(url: str) -> tuple[str, int | None]:
    """(host name without www., port or None) of a URL."""
    parts = urlsplit(url)
    return bare_host(parts.hostname or ""), parts.port


def _host_entry(entry: str) -> tuple[str, int | None]:
    """(host name without www., port or None) of a ``hosts`` entry (``host`` or ``host:port``)."""
    return _netloc(f"//{entry}")


def is_site_host(url: str, target: Target, moved_to: Sequence[str] = ()) -> bool:
    """Whether ``url`` is on one of the site's hosts (see the module docstring)."""
    host, port = _netloc(url)
    for entry in (*target["hosts"], *target.get("aliases", ())):
        name, entry_port = _host_entry(entry)
        if name == host and entry_port in (None, port):
            return True
    return any(_netloc(place) == (host, port) for place in moved_to)


def locate(url: str, target: Target, moves: Mapping[str, str]) -> str | None:
    """Where to ask for a known ``url`` of the site now; None when it is on no host of the site."""
    home = canonical_origin(url)
    if home in moves:
        return rebase(url, moves[home])
    root = root_of(target)
    if _on_root(url, target):
        return rebase(url, origin(root))
    return url if is_site_host(url, target, tuple(moves.values())) else None


def _on_root(url: str, target: Target) -> bool:
    """A URL on the root's host name (any scheme or port) or on one of the site's aliases."""
    host, _ = _netloc(url)
    root_host, _ = _netloc(root_of(target))
    return host == root_host or host in {_host_entry(alias)[0] for alias in target.get("aliases", ())}


def is_permanent_move(previous: str, status: int, url: str, start_urls: Sequence[str]) -> bool:
    """Whether a redirect from ``previous`` to ``url`` says the site itself moved to ``url``'s origin.

    It must be permanent (301/308) and come from one of the site's start pages, or keep the path and
    query (a host that forwards every page to the same page elsewhere). A site on a public host is
    never followed into a private, loopback or link-local address.
    """
    if status not in PERMANENT or canonical_origin(previous) == canonical_origin(url):
        return False
    if _private(url) and not _private(previous):
        return False
    return previous in start_urls or url_key(previous) == url_key(url)


def _private(url: str) -> bool:
    """Whether the URL's host is a private, loopback or link-local address, or localhost."""
    host = (urlsplit(url).hostname or "").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_private or address.is_loopback or address.is_link_local
