"""`nianbao serve` in headless Chromium: the pages an archivist uses, with Chinese drawn in a CJK font.

Debian's chromium and chromium-driver (scripts/system-packages.txt) are driven by selenium through
/usr/bin/chromedriver; SE_OFFLINE keeps Selenium Manager from looking for drivers online. The
archive has history: three crawls of the fixture portal with edits, corrected figures and removals.
Screenshots of every page go to test-output/screenshots/ (git-ignored), replaced on each run.
"""

from __future__ import annotations

import base64
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

import archive
from tests.conftest import ROOT
from tests.serve_support import build_history, serving

pytestmark = [pytest.mark.requires_program("chromium"), pytest.mark.requires_program("chromedriver")]

SCREENSHOTS = ROOT / "test-output" / "screenshots"
# Headless, offline, and a fixed window, so screenshots compare from run to run.
CHROMIUM_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--window-size=1400,1000", "--hide-scrollbars", "--force-device-scale-factor=1",
)
MAX_SHOT_HEIGHT = 3000
CJK_FONT = "Noto Sans CJK SC"  # fonts-noto-cjk; named first by archive/serve/static/nianbao.css
TERM = "依申请公开"


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from fixture_portal import FixturePortal

    db = tmp_path_factory.mktemp("browser") / "nianbao.db"
    with FixturePortal(seed=7) as portal:
        build_history(db, portal)
    return db


@pytest.fixture(scope="module")
def server(history: Path) -> Iterator[str]:
    with serving(history) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Chromium with a fresh profile, driven through the system's chromedriver."""
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    os.environ["SE_OFFLINE"] = "true"  # never let Selenium Manager download a driver or browser
    profile = tempfile.mkdtemp(prefix="nianbao-chromium-")
    options = Options()
    options.binary_location = str(shutil.which("chromium"))
    for flag in (*CHROMIUM_FLAGS, f"--user-data-dir={profile}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=str(shutil.which("chromedriver"))), options=options)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def screenshot(driver: Any, name: str) -> Path:
    """The whole page (up to MAX_SHOT_HEIGHT px) as test-output/screenshots/NAME.png, through DevTools."""
    size = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})["cssContentSize"]
    clip = {"x": 0, "y": 0, "width": size["width"], "height": min(size["height"], MAX_SHOT_HEIGHT), "scale": 1}
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True, "clip": clip})
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    path.write_bytes(base64.b64decode(shot["data"]))
    assert path.stat().st_size > 10_000  # a rendered page, not a blank one
    return path


def rendering_fonts(driver: Any, selector: str) -> dict[str, int]:
    """The platform fonts Chromium drew an element's text with, and their glyph counts (DevTools CSS domain)."""
    driver.execute_cdp_cmd("DOM.enable", {})
    driver.execute_cdp_cmd("CSS.enable", {})
    root = driver.execute_cdp_cmd("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
    node = driver.execute_cdp_cmd("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    fonts = driver.execute_cdp_cmd("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    return {font["familyName"]: font["glyphCount"] for font in fonts}


def assert_chinese_drawn_in_cjk_font(driver: Any, selector: str) -> None:
    """Han text drawn by the Simplified Chinese face, with no glyph left to a fallback (a Japanese face, tofu)."""
    fonts = rendering_fonts(driver, selector)
    assert fonts.get(CJK_FONT, 0) > 0 and not any("JP" in name for name in fonts), fonts


def wait_for_url(driver: Any, part: str) -> None:
    """Navigation after a click or Enter is asynchronous: wait until the address holds ``part``."""
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, 15).until(lambda d: part in d.current_url)


def table_rows(driver: Any) -> list[Any]:
    from selenium.webdriver.common.by import By

    return list(driver.find_elements(By.CSS_SELECTOR, "table.rows-and-columns tbody tr"))


def test_home_opens_on_the_reports_with_facets(server: str, browser: Any) -> None:
    from selenium.webdriver.common.by import By

    browser.get(server + "/")
    assert browser.current_url.endswith("/archive/current_reports")
    facets = {e.get_attribute("data-column") for e in browser.find_elements(By.CSS_SELECTOR, ".facet-info")}
    assert facets == {"site", "family", "report_year", "issuer", "region"}
    assert len(table_rows(browser)) == 50  # a first page of reports
    assert_chinese_drawn_in_cjk_font(browser, "td.col-title")
    screenshot(browser, "reports")


def test_search_box_finds_a_chinese_term(server: str, browser: Any, history: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    browser.get(server + "/archive/current_reports")
    browser.find_element(By.ID, "_search").send_keys(TERM, Keys.ENTER)
    wait_for_url(browser, "_search=")
    heading = browser.find_element(By.CSS_SELECTOR, "h3").text
    with archive.open_archive(history, readonly=True) as store:
        live = [row for row in store.search(TERM, limit=1000) if row["status"] == "live"]
    assert heading.startswith(f"{len(live)} rows where search matches") and TERM in heading
    assert_chinese_drawn_in_cjk_font(browser, "h3")
    screenshot(browser, "search")
    browser.get(server + "/archive/current_reports?_search=" + quote("没有这个词语"))
    assert table_rows(browser) == [] and "0 rows" in browser.find_element(By.CSS_SELECTOR, "h3").text


def test_a_document_and_the_diff_of_two_versions(server: str, browser: Any) -> None:
    from selenium.webdriver.common.by import By

    browser.get(server + "/archive/current_reports?_search=" + quote("第二次更正"))
    browser.find_element(By.CSS_SELECTOR, "td.col-title a").click()
    wait_for_url(browser, "/-/nianbao/document/")
    assert len(browser.find_elements(By.CSS_SELECTOR, "input[name=from]")) == 3
    screenshot(browser, "document")
    browser.find_element(By.CSS_SELECTOR, "input[name=from][value='1']").click()  # the first and the last
    browser.find_element(By.ID, "compare").click()
    wait_for_url(browser, "/diff?")
    assert "from=1" in browser.current_url and "to=3" in browser.current_url
    inserted = [e.text for e in browser.find_elements(By.CSS_SELECTOR, "#text ins")]
    assert [text for text in inserted if "第二次更正" in text] and not browser.find_elements(By.CSS_SELECTOR, "#text del")
    assert_chinese_drawn_in_cjk_font(browser, "#text ins")
    screenshot(browser, "diff")


def test_a_corrected_figure_is_marked_in_its_table(server: str, browser: Any, history: Path) -> None:
    from selenium.webdriver.common.by import By

    with archive.open_archive(history, readonly=True) as store:
        corrected = [row["document_id"] for row in store.search("表格数据已按统计口径更正", limit=10)]
    assert len(corrected) == 3
    browser.get(f"{server}/-/nianbao/document/{corrected[0]}/diff")
    cells = browser.find_elements(By.CSS_SELECTOR, ".nb-grid td.changed")
    assert len(cells) == 1
    old, new = cells[0].find_element(By.TAG_NAME, "del").text, cells[0].find_element(By.TAG_NAME, "ins").text
    assert int(new) == int(old) + 7
    screenshot(browser, "diff_table")


def test_coverage_matrix(server: str, browser: Any) -> None:
    from selenium.webdriver.common.by import By

    browser.get(server + "/-/nianbao/coverage")
    assert len(browser.find_elements(By.CSS_SELECTOR, "#coverage tbody tr")) == 12  # the fixture's sites
    assert [cell.text for cell in browser.find_elements(By.CSS_SELECTOR, "#coverage td.missing")] == ["缺"]
    browser.find_element(By.CSS_SELECTOR, "#coverage td.have a").click()
    wait_for_url(browser, "report_year=")
    assert table_rows(browser)  # a cell links to that site's reports of that year
    browser.back()
    assert_chinese_drawn_in_cjk_font(browser, "h1")
    screenshot(browser, "coverage")
