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


def test_fixture_settings_only_relax_politeness(tmp_path):
    settings = crawl_settings(tmp_path / "a.db", FIXTURE_SETTINGS)
    assert settings.getfloat("DOWNLOAD_DELAY") == 0
    assert settings.getbool("ROBOTSTXT_OBEY") is True
    assert settings.getint("DOWNLOAD_MAXSIZE") == 16 * 1024 * 1024
