"""Turn a failed fetch (Twisted failure or HTTP status) into a recorded error class."""

from __future__ import annotations

from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet import error as tx_error
from twisted.internet.defer import CancelledError
from twisted.python.failure import Failure

# Statuses the spider wants to see in its callbacks (after retries), so they are recorded.
RECORDED_STATUSES = [202, 304, 400, 401, 403, 404, 405, 410, 412, 429, 451, 500, 502, 503, 504, 521, 522, 524]

# (exception types, error class), first match wins.
FAILURE_CLASSES: tuple[tuple[tuple[type[BaseException], ...], str], ...] = (
    ((CannotResolveHostError, tx_error.DNSLookupError), "dns"),
    ((DownloadTimeoutError, tx_error.TimeoutError, tx_error.TCPTimedOutError), "timeout"),
    ((DownloadConnectionRefusedError, tx_error.ConnectError, tx_error.ConnectionLost), "connect"),
    ((tx_error.SSLError, tx_error.CertificateError), "tls"),
    ((ResponseDataLossError,), "connect"),
)


def classify_status(status: int, body: bytes = b"") -> str | None:
    """Error class of an HTTP status, or None for a usable response (2xx, 304)."""
    if status in (404, 410):
        return "not_found"
    if status == 412 or (status == 202 and len(body) < 4096 and b"<script" in body.lower()):
        return "blocked"  # Ruishu-style JavaScript challenge shells
    if 200 <= status < 300 or status == 304:
        return None
    if 500 <= status < 600:
        return "http_5xx"
    return "http_4xx"


# IgnoreRequest messages that name a class: a cap that refused the request (crawler.middlewares
# SiteBudgetMiddleware), Scrapy's redirect limit.
CAPPED_PREFIX = "capped: "
REDIRECT_LIMIT = "max redirections reached"


def classify_failure(failure: Failure, maxsize: int = 0) -> tuple[str, str]:
    """(error class, message) of a failed request; ``maxsize`` is its body size cap."""
    exc = failure.value
    message = f"{type(exc).__name__}: {exc}"
    if isinstance(exc, HttpError):
        status = exc.response.status
        return classify_status(status) or "other", f"HTTP {status}"
    if isinstance(exc, IgnoreRequest) and str(exc).startswith(CAPPED_PREFIX):
        return "capped", str(exc).removeprefix(CAPPED_PREFIX)
    if isinstance(exc, IgnoreRequest) and REDIRECT_LIMIT in str(exc):
        return "redirect_loop", f"more than REDIRECT_MAX_TIMES redirects (a loop?): {exc}"
    if isinstance(exc, CancelledError | DownloadCancelledError) and maxsize and _received(failure) > maxsize:
        # a body without Content-Length (chunked) cancelled once it passed the cap
        return "too_large", f"body passed the size cap ({maxsize} bytes) while streaming: {_received(failure)} bytes read"
    if isinstance(exc, IgnoreRequest) and "robots.txt" in str(exc):
        return "robots", "forbidden by robots.txt"
    if isinstance(exc, DownloadCancelledError | IgnoreRequest) and "max size" in str(exc).lower().replace("_", " "):
        return "too_large", message
    if isinstance(exc, IgnoreRequest) and "DOWNLOAD_MAXSIZE" in str(exc):
        return "too_large", message
    if isinstance(exc, IgnoreRequest) and "offsite" in str(exc).lower():
        return "offsite", message
    for types, error_class in FAILURE_CLASSES:
        if isinstance(exc, types):
            return error_class, message
    return "other", message


def _received(failure: Failure) -> int:
    """Body bytes that arrived for the failed request (counted by the spider as they came)."""
    request = getattr(failure, "request", None)
    return int(request.meta.get("nianbao_received", 0)) if request is not None else 0
