"""Errors and error classes.

Exceptions raised by nianbao code::

    NianbaoError
    ├── DecodeError          bytes that cannot be decoded without loss under any rule
    ├── ExtractionError      a page or attachment that cannot be extracted (recorded, never fatal)
    │   └── TooLargeError    input over the configured size cap
    └── ArchiveError         the archive cannot be opened or written

Error classes recorded on failed captures (``captures.error_class``) name what went wrong in
a fetch, so archivists can count and filter them.
"""

from __future__ import annotations

ERROR_CLASSES = (
    "dns",          # name did not resolve
    "connect",      # refused / reset / unreachable
    "timeout",      # connect or read timeout
    "tls",          # TLS handshake or certificate failure
    "http_4xx",     # 4xx other than the ones below
    "http_5xx",     # 5xx after retries
    "not_found",    # 404 / 410
    "robots",       # disallowed by robots.txt
    "blocked",      # WAF or JavaScript challenge (412/202 shells, 403 walls)
    "too_large",    # over DOWNLOAD_MAXSIZE
    "decode",       # bytes that could not be decoded
    "offsite",      # redirect or link to a host the site is not allowed to reach
    "no_column",    # no 年报 column could be found from the site's homepage
    "empty_list",   # a list page that lists nothing: a broken deep-page stub or an empty API reply
    "other",        # anything else; the message says what
)


class NianbaoError(Exception):
    """Base of every error nianbao raises on purpose."""


class DecodeError(NianbaoError):
    """Bytes that no decoding rule could turn into text without loss."""


class ExtractionError(NianbaoError):
    """A document that cannot be extracted; it is recorded, the crawl goes on."""


class TooLargeError(ExtractionError):
    """Input larger than the configured cap."""


class ArchiveError(NianbaoError):
    """The archive cannot be opened, migrated or written."""


class ExtractionTimeout(ExtractionError):
    """One page's extraction ran past ``NIANBAO_EXTRACT_TIMEOUT``; its worker was killed."""
