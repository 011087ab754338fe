"""Scrapy settings for nianbao, every safety-relevant value written out.

Scrapy's fallback defaults outside a ``startproject`` layout are unsafe for a crawler of
government portals (no robots.txt, 8 parallel requests per host, no delay, 1 GiB bodies,
a code-executing remote-control server). Each value below says why it is set.
"""

from __future__ import annotations

import importlib.util
from urllib.parse import quote

from scrapy.settings import default_settings

from nianbao import __version__

BOT_NAME = "nianbao"
SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"

# An honest User-Agent: portals' operators can see who we are and how to reach us. Set
# NIANBAO_CONTACT_URL to your own page; crawler.runner builds USER_AGENT from it.
NIANBAO_CONTACT_URL = "https://github.com/nianbao/nianbao"


def user_agent(contact_url: str) -> str:
    """The tool, its version, and where an operator can reach the crawl's owner.

    ASCII only: header values outside it are obsolete (RFC 9110, section 5.5), and some servers,
    WAFs and HTTP clients refuse them; a non-ASCII contact URL is percent-encoded.
    """
    url = quote(contact_url, safe=":/?#[]@!$&'()*+,;=%~")
    return f"nianbao/{__version__} (+{url}; archival crawler of government information-disclosure annual reports)"


USER_AGENT = user_agent(NIANBAO_CONTACT_URL)

# Politeness: one request at a time per host, a randomised delay, AutoThrottle on top.
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 1
# Outputs of one response processed in parallel. Scrapy starts this many asyncio tasks for every
# response whatever it yields; at the default 100 that was a quarter of the crawl process's CPU on
# an unchanged night. A page yields one capture and a few requests, so 8 loses no parallelism.
CONCURRENT_ITEMS = 8
DOWNLOAD_DELAY = 1.0
DOWNLOAD_DELAY_JITTER = 0.5  # ±50% randomised delay
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0

# Size and time caps: gov pages are < 1 MB; a 2 MB gzip bomb reached 1.1 GB under the 1 GiB default.
DOWNLOAD_MAXSIZE = 16 * 1024 * 1024
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024
DOWNLOAD_TIMEOUT = 60
DNS_TIMEOUT = 20
REDIRECT_MAX_TIMES = 5
METAREFRESH_ENABLED = False  # meta refresh is a redirect nobody audits; soft errors are classified instead
RETRY_ENABLED = True
RETRY_TIMES = 2
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
URLLENGTH_LIMIT = 2083
# No link-depth limit: a column paged one "下一页" at a time is as deep as it has pages, so Scrapy's
# DEPTH_LIMIT would silently cut long lists. Traps are bounded by the spider's structure instead:
# hubs at most 3 deep, NIANBAO_MAX_LIST_PAGES per column, NIANBAO_MAX_REQUESTS_PER_SITE per site.
DEPTH_LIMIT = 0
MEMUSAGE_ENABLED = True
MEMUSAGE_LIMIT_MB = 2048
MEMUSAGE_WARNING_MB = 1024

# No code-executing or interactive back doors; only http(s) schemes.
REMOTE_CONTROL_ENABLED = False
TELNETCONSOLE_ENABLED = False
DOWNLOAD_HANDLERS = {"file": None, "data": None, "ftp": None, "s3": None}
# Certificates are not verified: government portals often serve expired, self-signed or mismatched
# ones, and an archive records what was served (the capture's URL says it came over https).
DOWNLOAD_VERIFY_CERTIFICATES = False

COOKIES_ENABLED = True  # some WAFs set a cookie on a 302 and need it replayed
FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"
# Scrapy formats two DEBUG lines for every response ("Crawled", "Scraped from") even when the log
# level drops them; this formatter skips them unless LOG_LEVEL is DEBUG.
LOG_FORMATTER = "crawler.logformat.QuietLogFormatter"
# Scrapy's collector wraps every attribute read for a deprecation warning (crawler/stats.py).
STATS_CLASS = "crawler.stats.PlainStatsCollector"
# A development aid: Scrapy re-parses a callback's source (ast) to warn about `return value` in
# generators, and its cache misses on bound methods, so it ran for every response.
WARN_ON_GENERATOR_RETURN_VALUE = False

# uvloop under Twisted's asyncio reactor (a combination Scrapy tests): an unchanged night, which is
# almost all request handling, took a fifth less time than on asyncio's own selector loop, and had
# none of its idle gaps. Where uvloop is not installed (Windows), asyncio's own loop is used.
ASYNCIO_EVENT_LOOP = "uvloop.Loop" if importlib.util.find_spec("uvloop") else None

ITEM_PIPELINES = {
    "crawler.pipelines.ExtractPipeline": 300,
    "crawler.pipelines.ArchivePipeline": 800,
}
EXTENSIONS = {
    "crawler.crawl_archive.CrawlArchive": 100,  # owns the archive handle and the run (see its docstring)
    "crawler.progress.Progress": 600,
}
# Extensions nianbao never runs are left out of the base list, not merely disabled: Scrapy imports
# every listed component, even a disabled one, and the remote-control server's module alone loads
# aiohttp (a sixth of a night's start-up). Captures go to the archive, never to feeds.
EXTENSIONS_BASE = {k: v for k, v in default_settings.EXTENSIONS_BASE.items()
                   if k.rsplit(".", 1)[1] not in ("RemoteControl", "TelnetConsole", "MemoryDebugger", "FeedExporter")}
LOGSTATS_INTERVAL = 0  # nianbao's Progress replaces Scrapy's per-minute log line
SPIDER_MIDDLEWARES = {
    "crawler.spider_middlewares.FrontierMiddleware": 50,  # outermost: sees exactly what the spider yields
    "crawler.spider_middlewares.RevisitKnownMiddleware": 60,  # known documents after the spider's start requests
    # innermost: an exception while the spider reads a response becomes a recorded parse capture
    "crawler.spider_middlewares.ReadingFailureMiddleware": 1000,
    # Depth is unlimited (see DEPTH_LIMIT) and not used for priorities: the middleware would only
    # wrap every output of every response in one more async generator.
    "scrapy.spidermiddlewares.depth.DepthMiddleware": None,
    # A development aid (warns when a spider copies response.meta into requests); nianbao's spider
    # builds each request's meta afresh, and the check is one more async layer on every response.
    "scrapy.spidermiddlewares.metacopy.MetaCopyDetectionMiddleware": None,
}
DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "crawler.middlewares.SiteBudgetMiddleware": 50,  # first: a capped request is refused before anything else
    "crawler.middlewares.SiteBoundaryMiddleware": 60,  # no request, not even a redirect, leaves its site's hosts
    "crawler.middlewares.StrictRobotsTxtMiddleware": 100,  # robots.txt answering 5xx means disallow (RFC 9309)
    "crawler.middlewares.ConditionalRequestMiddleware": 560,
    # below RedirectMiddleware (600) and HttpCompressionMiddleware (590): sees final, decoded bodies
    "crawler.middlewares.KnownListMiddleware": 570,
}

# nianbao's own settings (documented in docs/settings.md).
NIANBAO_DB = "nianbao.db"
NIANBAO_ARCHIVE_BATCH = 64  # captures per archive transaction (each still whole or absent); 1 = one each
NIANBAO_ARCHIVE_FLUSH_SECONDS = 1.0  # pending captures are committed at least this often
NIANBAO_COMPACT_AFTER_RUN = True  # merge the search index after a run that added, changed or removed versions
NIANBAO_REVISIT_KNOWN = True  # request the archived documents of the crawled sites that are due, listed or not
NIANBAO_REVISIT = "due"  # "due": documents whose next visit has come (archive/revisit.py); "all": every live one
NIANBAO_REVISIT_CEILING_DAYS = 7.0  # no document goes longer unvisited: edits and removals are seen within it
NIANBAO_EXTRACT_WORKERS = 2  # processes; extraction runs off the reactor thread. 0 = inline (tests, debugging)
NIANBAO_EXTRACT_MAX_TASKS_PER_CHILD = 5000  # recycle workers now and then, against a leak on some odd page
NIANBAO_EXTRACT_TIMEOUT = 120.0  # seconds per page; a stuck worker is killed and the page recorded as failed
NIANBAO_EXTRACT_MEMORY_MB = 2048  # address-space cap of each extraction worker
NIANBAO_MAX_LIST_PAGES = 500  # per column, against endless pagination traps; the page past it is recorded capped
NIANBAO_HOLD_ITEMS_AFTER_PAGE = 20  # items of a column's later list pages wait for its end (capped if it never ends)
NIANBAO_MAX_REQUESTS_PER_SITE = 50000  # a site that asks for more is a trap or a misconfiguration; recorded capped
NIANBAO_MAX_BYTES_PER_SITE = 8 * 1024**3  # response bytes one site may send in a run; later requests recorded capped
NIANBAO_MAX_SECONDS_PER_SITE = 4 * 3600  # from a site's first request; later requests recorded capped (0: no cap)
NIANBAO_MAX_UNREAD_BYTES = 64 * 1024 * 1024  # a body extraction cannot read is kept only up to this size
NIANBAO_COMMAND = "crawl"
NIANBAO_CONDITIONAL_REQUESTS = True  # send stored ETag / Last-Modified with known pages
NIANBAO_KNOWN_LISTS = True  # follow a list page's remembered links when it serves the same bytes as when last read
NIANBAO_FRONTIER = True  # keep queued/done requests in the archive to resume killed crawls; off in distributed workers
NIANBAO_PROGRESS = "auto"  # "off" to silence; a bar on a terminal, one line every NIANBAO_PROGRESS_INTERVAL s otherwise
NIANBAO_PROGRESS_INTERVAL = 10.0
# A distributed crawl (docs/distributed.md); `nianbao crawl --redis URL` sets the first two.
NIANBAO_REDIS_URL = ""  # a worker of the crawl in this Redis (no archive of its own); empty: a crawl of one process
NIANBAO_SHARED_FRONTIER = False  # several processes share the frontier: caps and the "no column" verdict kept there
NIANBAO_REDIS_EXTRACT = "worker"  # where pages are extracted: "worker" (before the stream) or "writer"
NIANBAO_REDIS_LEASE_SECONDS = 60.0  # a dead worker's requests go back to the queue this long after its last renewal
NIANBAO_REDIS_MAX_ATTEMPTS = 3  # lease expiries before a request is dead-lettered
NIANBAO_REDIS_BACKLOG_CAPTURES = 5000  # workers stop fetching while more captures than this wait for the writer
NIANBAO_REDIS_BACKLOG_MB = 256  # ... or more bytes than this
NIANBAO_REDIS_WAIT_SECONDS = 600.0  # how long a worker waits for the writer, or for an unreachable Redis
