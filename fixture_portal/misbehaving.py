"""Hosts that misbehave as a whole, wrapped around an ordinary family's site.

- ``robots``: robots.txt says ``Disallow: /``; a polite crawl fetches nothing else.
- ``challenge``: a Ruishu (瑞数)-style anti-bot host: **412** with a small ``$_ts`` JS shell and a
  cookie on every request, cookie or not (the real cookie is computed by the JS, which a crawler
  does not run).
- ``slow``: every response is delayed (``slow_seconds``, default 2 s).
- ``flaky``: every other request for the same target answers 503, starting with the first.
"""

from __future__ import annotations

import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass

from .server import Request, Response

Serve = Callable[[Request], Response]

ROBOTS_DENY = b"User-agent: *\nDisallow: /\n"
CHALLENGE_COOKIE = "NOh8RTWx6K2dS"
CHALLENGE_SHELL = (
    '<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">'
    '<meta http-equiv="Expires" content="0"></head><body>'
    '<script type="text/javascript" r="m">$_ts=window[\'$_ts\'];if(!$_ts)$_ts={};$_ts.nsd=84510;'
    '$_ts.cd="qhqrqqAlFGqcrGALqqAtEqlrqaqlqqVqrqqsIqgtFG3qkr0rHkJcDkfcaGQceKlcaGAcnqrqrqqrqqfqzaqxQr";'
    '</script><script type="text/javascript" charset="utf-8" src="/4QbVtADbnLVIc/c.FxJzG50F.js" '
    'r="m"></script></body></html>'
)
UNAVAILABLE = (
    b"<html><head><title>503 Service Temporarily Unavailable</title></head><body>"
    b"<center><h1>503 Service Temporarily Unavailable</h1></center><hr><center>nginx</center>"
    b"</body></html>\n"
)
HTML = "text/html; charset=utf-8"


@dataclass(frozen=True)
class Behaviour:
    """What a misbehaving host means for a crawl."""

    name: str
    reachable: bool  # whether a polite crawler can archive the host's reports
    error_kind: str | None  # what the crawl must report for the homepage, if anything


BEHAVIOURS = {
    "robots": Behaviour("robots", reachable=False, error_kind="robots"),
    "challenge": Behaviour("challenge", reachable=False, error_kind="challenge"),
    "slow": Behaviour("slow", reachable=True, error_kind=None),
    "flaky": Behaviour("flaky", reachable=True, error_kind=None),
}


def deny_robots(request: Request, serve: Serve) -> Response:
    """robots.txt forbids everything; every page is still served (robots.txt is advice)."""
    if request.path == "/robots.txt":
        return Response(200, ROBOTS_DENY, {"Content-Type": "text/plain"})
    return serve(request)


def challenge(request: Request, serve: Serve) -> Response:
    """412 and the JS shell, whatever the request carries."""
    cookie = f"{CHALLENGE_COOKIE}=60{zlib.crc32(request.target.encode()) % 10**12:012d}; path=/; HttpOnly"
    return Response(412, CHALLENGE_SHELL.encode("utf-8"), {"Content-Type": HTML, "Set-Cookie": cookie})


class Slow:
    """Delays every response."""

    def __init__(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError(f"slow_seconds must not be negative, got {seconds}")
        self.seconds = seconds

    def __call__(self, request: Request, serve: Serve) -> Response:
        time.sleep(self.seconds)
        return serve(request)


class Flaky:
    """Odd-numbered requests for a target (path and query) answer 503; even ones are served."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.counts: dict[str, int] = {}

    def __call__(self, request: Request, serve: Serve) -> Response:
        with self.lock:
            self.counts[request.target] = count = self.counts.get(request.target, 0) + 1
        if count % 2 == 1:
            return Response(503, UNAVAILABLE, {"Content-Type": "text/html", "Retry-After": "0"})
        return serve(request)


def wrapper(name: str, slow_seconds: float) -> Callable[[Request, Serve], Response]:
    """The request wrapper of a named behaviour."""
    if name not in BEHAVIOURS:
        raise ValueError(f"unknown behaviour {name!r}; known: {sorted(BEHAVIOURS)}")
    made: dict[str, Callable[[], Callable[[Request, Serve], Response]]] = {
        "robots": lambda: deny_robots,
        "challenge": lambda: challenge,
        "slow": lambda: Slow(slow_seconds),
        "flaky": Flaky,
    }
    return made[name]()
