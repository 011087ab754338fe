"""Errors nianbao raises on purpose, and the classes of failed fetches it records.

Every exception nianbao raises deliberately is one of these (modules that raise one re-export it
where their callers look for it)::

    NianbaoError
    ├── ConfigError            a site registry, settings or schedule file that is not valid; names the file and key
    │   └── RegistryError      the site registry in particular
    │       └── UnknownSiteError   a site name the registry does not have (also a KeyError)
    ├── ListFormatError        a list API reply that is not the JSON its family serves (recorded, the crawl goes on)
    ├── ExtractionError        a page or attachment that cannot be extracted (recorded, never fatal)
    │   ├── ExtractionTimeout  one page's extraction ran past NIANBAO_EXTRACT_TIMEOUT; its worker was killed
    │   ├── ReaderServerError  the attachment reader server failed twice in a row
    │   └── PageTooLarge       a scanned page or image over the pixel limit (becomes attachment_too_large)
    ├── ArchiveError           the archive cannot be opened, migrated or written
    │   ├── ArchiveBusyError   another process holds the archive's writer lock
    │   └── ArchiveWriteError  the archive's file cannot be written at all (disk full, I/O error): a crawl stops
    └── QueryError             a search query that cannot be run (too long, bad syntax)

``ERROR_CLASSES`` name what went wrong in a fetch: every capture recorded as an error carries one
(``captures.error_class``), so archivists can count and filter failures; :class:`nianbao.capture.Capture`
refuses any other. ``LOSS_CLASSES`` are the ones that mean something served was lost or cut short
(rather than not served at all): a run that recorded any of them ends ``partial``.
"""

from __future__ import annotations

ERROR_CLASSES = (
    "dns",          # name did not resolve
    "connect",      # refused / reset / unreachable
    "timeout",      # connect or read timeout
    "tls",          # TLS handshake or certificate failure
    "http_4xx",     # 4xx other than the ones below
    "http_5xx",     # 5xx after retries
    "not_found",    # 404 / 410, or a soft 404 (an error page served with 200)
    "robots",       # disallowed by robots.txt
    "blocked",      # WAF or JavaScript challenge (412/202 shells, 403 walls)
    "too_large",    # over DOWNLOAD_MAXSIZE (announced or streamed), or an unreadable body over NIANBAO_MAX_UNREAD_BYTES
    "redirect_loop",  # more than REDIRECT_MAX_TIMES redirects: a loop, or a chain no browser would follow
    "decode",       # bytes that could not be decoded, or a list API reply not in its format
    "offsite",      # redirect or link to a host the site is not allowed to reach
    "no_column",    # no 年报 column could be found from the site's homepage
    "empty_list",   # a list page that lists nothing: a broken deep-page stub or an empty API reply
    "parse",        # our own reading of a response failed (a malformed link, an exception in our code); bytes kept
    "capped",       # not fetched or not followed because a cap bit (list pages, requests, bytes or time of a site)
    "other",        # anything else; the message says what
)
# Classes that mean something the portal served was lost or cut short: our reading failed (parse,
# decode), or a cap bit (capped, too_large). A run that recorded any is "partial".
LOSS_CLASSES = ("parse", "decode", "capped", "too_large")
# Classes whose capture keeps the response's bytes: our reading failed, not the fetch, so a fixed
# reader can read them again.
KEEPS_BODY_CLASSES = ("parse", "decode")


class NianbaoError(Exception):
    """Base of every error nianbao raises on purpose."""


class ConfigError(NianbaoError):
    """A configuration file that is not valid; the message names the file and the key."""


class RegistryError(ConfigError):
    """The site registry (or a user's sites file) is not valid."""


class UnknownSiteError(RegistryError, KeyError):
    """A site name the registry does not have."""

    def __str__(self) -> str:  # KeyError would print the message in quotes
        return str(self.args[0]) if self.args else ""


class ListFormatError(NianbaoError):
    """A list API reply that is not the JSON its family serves."""


class ExtractionError(NianbaoError):
    """A document that cannot be extracted; it is recorded, the crawl goes on."""


class ExtractionTimeout(ExtractionError):
    """One page's extraction ran past ``NIANBAO_EXTRACT_TIMEOUT``; its worker was killed."""


class ReaderServerError(ExtractionError):
    """The attachment reader server could not be started or failed twice in a row."""


class PageTooLarge(ExtractionError):
    """A scanned page or image that would need more pixels than OCR reads; its page is flagged, not read."""


class ArchiveError(NianbaoError):
    """The archive cannot be opened, migrated or written."""


class ArchiveBusyError(ArchiveError):
    """Another process holds the archive's writer lock (a crawl, a migration, a re-extraction)."""


class ArchiveWriteError(ArchiveError):
    """The archive's file cannot be written at all (disk full, an I/O error): nothing more can be
    recorded, so a crawl stops and its run is closed as failed."""


class QueryError(NianbaoError):
    """A search query that cannot be run."""
