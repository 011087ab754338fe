"""The safety-relevant Scrapy settings are explicit and survive the way crawls are configured."""

from __future__ import annotations

from crawler.runner import FIXTURE_SETTINGS, crawl_settings


def test_safety_settings(tmp_path):
    settings = crawl_settings(tmp_path / "a.db")
    assert settings.getbool("ROBOTSTXT_OBEY") is True
    assert settings.getbool("REMOTE_CONTROL_ENABLED") is False
    assert settings.getbool("TELNETCONSOLE_ENABLED") is False
    assert settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") == 1
    assert settings.getfloat("DOWNLOAD_DELAY") >= 1
    assert settings.getbool("AUTOTHROTTLE_ENABLED") is True
    assert settings.getint("DOWNLOAD_MAXSIZE") == 16 * 1024 * 1024
    assert settings.getint("REDIRECT_MAX_TIMES") <= 5
    assert settings.getint("DOWNLOAD_TIMEOUT") <= 60
    assert settings.getdict("DOWNLOAD_HANDLERS")["file"] is None
    middlewares = settings.getdict("DOWNLOADER_MIDDLEWARES")
    assert middlewares["scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware"] is None
    assert "crawler.middlewares.StrictRobotsTxtMiddleware" in middlewares
    assert "crawler.middlewares.SiteBoundaryMiddleware" in middlewares
    assert settings.get("NIANBAO_DB") == str(tmp_path / "a.db")


def test_user_agent_names_the_contact_url(tmp_path):
    settings = crawl_settings(tmp_path / "a.db", {"NIANBAO_CONTACT_URL": "https://archive.example.org/contact"})
    assert settings.get("USER_AGENT").startswith("nianbao/")
    assert "+https://archive.example.org/contact" in settings.get("USER_AGENT")


def test_user_agent_is_ascii_even_with_a_non_ascii_contact_url(tmp_path):
    """Header values outside ASCII are refused by some servers and HTTP clients."""
    settings = crawl_settings(tmp_path / "a.db", {"NIANBAO_CONTACT_URL": "https://example.org/联系"})
    agent = settings.get("USER_AGENT")
    assert agent.isascii() and agent.isprintable()
    assert "+https://example.org/%E8%81%94%E7%B3%BB;" in agent
    assert settings.get("USER_AGENT") != crawl_settings(tmp_path / "a.db").get("USER_AGENT")


def test_fixture_settings_only_relax_politeness(tmp_path):
    settings = crawl_settings(tmp_path / "a.db", FIXTURE_SETTINGS)
    assert settings.getfloat("DOWNLOAD_DELAY") == 0
    assert settings.getbool("ROBOTSTXT_OBEY") is True
    assert settings.getint("DOWNLOAD_MAXSIZE") == 16 * 1024 * 1024


def test_back_door_extensions_are_not_even_listed(tmp_path):
    """Scrapy imports every listed extension, disabled or not; the remote-control one loads a web server."""
    settings = crawl_settings(tmp_path / "a.db")
    listed = set(settings.getdict("EXTENSIONS_BASE")) | set(settings.getdict("EXTENSIONS"))
    assert not {name for name in listed if name.endswith((".RemoteControl", ".TelnetConsole"))}
    assert "scrapy.extensions.corestats.CoreStats" in listed  # the rest of Scrapy's base list stays


def test_per_response_debug_lines_only_at_debug_level(tmp_path):
    from types import SimpleNamespace

    from scrapy import Request, Spider
    from scrapy.http import HtmlResponse
    from scrapy.settings import Settings

    from crawler.logformat import QuietLogFormatter

    def formatter(settings):
        return QuietLogFormatter.from_crawler(SimpleNamespace(settings=settings))

    request = Request("http://127.0.0.1/")
    response = HtmlResponse("http://127.0.0.1/", body=b"<html></html>", request=request)
    quiet = formatter(crawl_settings(tmp_path / "a.db"))
    assert quiet.crawled(request, response, None) is None
    assert quiet.scraped({"a": 1}, response, None) is None
    crawled = formatter(Settings({"LOG_LEVEL": "DEBUG"})).crawled(request, response, None)
    assert "Crawled (200)" in crawled["msg"] % crawled["args"]
    spider = Spider("s", settings=None)
    spider.crawler = SimpleNamespace(settings=Settings())
    assert quiet.dropped({"a": 1}, Exception("x"), response, spider) is not None  # other messages unchanged


def test_stats_are_kept_without_scrapys_per_access_wrapper(tmp_path):
    from types import SimpleNamespace

    from scrapy.statscollectors import StatsCollector
    from scrapy.utils.misc import load_object

    settings = crawl_settings(tmp_path / "a.db")
    crawler = SimpleNamespace(settings=settings, spider=SimpleNamespace(name="annual_reports"))
    stats = load_object(settings["STATS_CLASS"])(crawler)
    assert stats.inc_value.__func__ is StatsCollector.inc_value  # a plain bound method, not a wrapper
    stats.open_spider()
    stats.inc_value("pages")
    stats.inc_value("pages", 2)
    stats.max_value("largest", 5)
    stats.max_value("largest", 3)
    stats.set_value("run", 7)
    assert stats.get_stats() == {"pages": 3, "largest": 5, "run": 7}
    stats.close_spider(reason="finished")
    assert stats.spider_stats == {"annual_reports": {"pages": 3, "largest": 5, "run": 7}}


def test_crawls_run_on_uvloop_where_it_is_installed(tmp_path):
    """The crawl process's asyncio loop is uvloop (a fifth off an unchanged night); a crawl really uses it."""
    import importlib.util
    import sys

    import pytest

    from tests.conftest import closed_port_url, crawl

    if importlib.util.find_spec("uvloop") is None:
        assert crawl_settings(tmp_path / "a.db").get("ASYNCIO_EVENT_LOOP") is None
        pytest.skip("uvloop is not installed here (Windows)")
    assert crawl_settings(tmp_path / "a.db").get("ASYNCIO_EVENT_LOOP") == "uvloop.Loop"
    result = crawl(tmp_path / "b.db", closed_port_url(), extra=("-s", "LOG_LEVEL=DEBUG"), expect=1)  # nothing reachable
    assert "Using asyncio event loop: uvloop.Loop" in result.stderr, sys.platform
