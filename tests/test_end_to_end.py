"""The whole path: Scrapy crawl of the fixture portal → extraction → versioned archive → search."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

import archive
from crawler import exit_codes
from tests.conftest import closed_port_url, crawl, run_nianbao

CHROME = ("当前位置", "字号", "打印本页", "关闭窗口", "扫一扫在手机打开当前页", "返回顶部", "版权所有", "ICP备",
          "网站标识码", "分享到", "我要纠错", "网站地图", "公网安备", "无障碍", "长者模式", "TRS_Editor")


def fold(text: str) -> str:
    return "".join(text.split())


def rows(db_path: Path, sql: str, *params: object) -> list[sqlite3.Row]:
    conn = sqlite3.connect(db_path)
    conn.row_factory = sqlite3.Row
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def current_versions(db_path: Path) -> dict[str, sqlite3.Row]:
    return {r["url"]: r for r in rows(db_path, """
        select d.url, d.kind, v.* from documents d join versions v on v.id = d.current_version_id""")}


@pytest.fixture(scope="module")
def first_crawl(portal, tmp_path_factory):
    db = tmp_path_factory.mktemp("e2e") / "nianbao.db"
    crawl(db, *portal.homepages())
    return db


def test_every_report_is_archived_and_nothing_else(portal, first_crawl):
    pages = {r["url"] for r in rows(first_crawl, "select url from documents where kind = 'page'")}
    assert pages == {t["url"] for t in portal.truth()}
    assert not pages & set(portal.non_reports())


def test_metadata_and_body_match_ground_truth(portal, first_crawl):
    versions = current_versions(first_crawl)
    for truth in portal.truth():
        got = versions[truth["url"]]
        for field in ("title", "index_no", "issuer", "publish_date", "report_year"):
            assert got[field] == truth[field], (truth["url"], field)
        text = fold(got["text"])
        for paragraph in truth["paragraphs"]:
            assert fold(paragraph) in text, (truth["url"], paragraph)


def test_no_chrome_in_any_clean_text(first_crawl):
    for url, version in current_versions(first_crawl).items():
        leaked = [c for c in CHROME if c in (version["text"] or "")]
        assert not leaked, (url, leaked)


def test_gbk_pages_decode_without_replacement_characters(portal, first_crawl):
    versions = current_versions(first_crawl)
    gbk = [t for t in portal.truth() if portal.sites[t["site"]].family == "trs"]
    assert gbk
    for truth in gbk:
        version = versions[truth["url"]]
        assert "\ufffd" not in version["text"]
        assert version["encoding"] == "gb18030"


def test_lying_charset_header_is_decoded_and_flagged(portal, first_crawl):
    versions = current_versions(first_crawl)
    lying = [t for t in portal.truth() if t.get("encoding_note")]
    assert lying
    for truth in lying:
        version = versions[truth["url"]]
        assert "\ufffd" not in version["text"]
        assert fold(truth["paragraphs"][0]) in fold(version["text"])
        assert "encoding_mismatch" in version["flags"]


# how each deliberately broken fixture page must be recorded
EXPECTED_ERROR_CLASSES = {"not_found": "not_found", "soft_404": "not_found", "stub": "empty_list"}


def test_broken_pages_are_recorded_and_crawl_goes_on(portal, first_crawl):
    broken = [e for e in portal.expected_errors() if e["kind"] in EXPECTED_ERROR_CLASSES]
    assert {e["kind"] for e in broken} == set(EXPECTED_ERROR_CLASSES)
    for page in broken:
        found = rows(first_crawl, "select error_class from captures where url = ?", page["url"])
        assert [r["error_class"] for r in found] == [EXPECTED_ERROR_CLASSES[page["kind"]]], page
    assert rows(first_crawl, "select status from runs")[0]["status"] == "ok"


def test_search_finds_text_inside_a_report(first_crawl):
    result = run_nianbao("search", "依申请公开", "--db", str(first_crawl), "--json")
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.splitlines()) >= 5
    assert "依申请公开" in result.stdout


def test_integrity_after_crawl(first_crawl):
    with archive.open_archive(first_crawl) as db:
        assert db.check() == []


@pytest.fixture(scope="module")
def second_crawl(portal, first_crawl):
    before = len(rows(first_crawl, "select id from versions"))
    portal.advance_clock(days=1)  # header date lines change; report bodies do not
    crawl(first_crawl, *portal.homepages())
    return before


def test_recrawl_of_unchanged_portal_adds_captures_not_versions(first_crawl, second_crawl):
    assert len(rows(first_crawl, "select id from versions")) == second_crawl
    run = rows(first_crawl, "select * from runs order by id desc limit 1")[0]
    assert run["new"] == 0 and run["changed"] == 0
    assert run["unchanged"] + run["not_modified"] > 0


def test_changed_report_gets_exactly_one_new_version(portal, first_crawl, second_crawl):
    target = portal.truth()[0]["url"]
    portal.edit_report(target, text="本年度还新增了依申请公开网上办理渠道，全年办理情况良好。")
    crawl(first_crawl, *portal.homepages())
    assert len(rows(first_crawl, "select id from versions")) == second_crawl + 1
    numbers = [r["number"] for r in rows(first_crawl, """
        select v.number from versions v join documents d on d.id = v.document_id where d.url = ? order by v.number""",
        target)]
    assert numbers == [1, 2]
    assert "网上办理渠道" in current_versions(first_crawl)[target]["text"]


def test_unreachable_start_url_is_recorded_with_a_clear_message(portal, tmp_path):
    db = tmp_path / "nianbao.db"
    dead = closed_port_url()
    result = crawl(db, dead, portal.homepages()[0], expect=3)  # partial: one of the two sites failed
    found = rows(db, "select error_class, error_message from captures where url = ?", dead)
    assert [r["error_class"] for r in found] == ["connect"]
    assert found[0]["error_message"]
    assert rows(db, "select count(*) n from documents")[0]["n"] > 0  # the live site was still crawled
    assert "error" in result.stdout.lower()


def test_spider_runs_under_scrapy_itself(portal, tmp_path):
    import subprocess
    import sys

    from tests.conftest import ROOT

    db = tmp_path / "scrapy.db"
    site = next(s for s in portal.sites.values() if s.family == "hanweb")
    result = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "annual_reports", "-a", f"start_url={site.homepage}",
         "-s", f"NIANBAO_DB={db}", "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=0",
         "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=8", "-s", "LOG_LEVEL=WARNING"],
        capture_output=True, text=True, cwd=ROOT, timeout=240, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    archived = {r["url"] for r in rows(db, "select url from documents where kind = 'page'")}
    assert archived == {t["url"] for t in portal.truth() if t["site"] == site.name}


def test_extract_command_prints_the_documented_keys(portal, tmp_path):
    import json

    import httpx

    truth = next(t for t in portal.truth() if portal.sites[t["site"]].family == "trs")
    page = tmp_path / "page.html"
    page.write_bytes(httpx.get(truth["url"]).content)
    result = run_nianbao("extract", str(page), "--url", truth["url"], "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert {"title", "text", "index_no", "issuer", "publish_date", "encoding"} <= data.keys()
    assert (data["title"], data["index_no"], data["publish_date"]) == (
        truth["title"], truth["index_no"], truth["publish_date"])
    assert data["encoding"] == "gb18030"


def test_crawl_registry_site_from_a_user_registry(portal, tmp_path):
    site = next(s for s in portal.sites.values() if s.family == "trs")
    registry = tmp_path / "my-sites.toml"
    registry.write_text(f'''
[[site]]
name = "qinglan-fixture"
title = "青岚市人民政府"
region_code = "459100"
level = "prefecture"
province = "广西壮族自治区"
root = "{site.homepage}"
notes = "the offline fixture portal"
''', encoding="utf-8")
    db = tmp_path / "nianbao.db"
    result = run_nianbao("crawl", "--site", "qinglan-fixture", "--registry", str(registry), "--db", str(db),
                         "--delay", "0", "--concurrency", "8", "-s", "NIANBAO_PROGRESS_INTERVAL=0.1")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "reports new" in result.stderr  # non-interactive runs print periodic one-line summaries
    archived = rows(db, "select url, site from documents where kind = 'page'")
    assert {r["site"] for r in archived} == {"qinglan-fixture"}
    assert {r["url"] for r in archived} == {t["url"] for t in portal.truth() if t["site"] == site.name}


def test_an_interactive_crawl_shows_a_progress_bar(portal, tmp_path):
    """On a terminal the crawl draws a live bar (pages, with new/changed/errors), not summary lines."""
    import fcntl
    import os
    import pty
    import struct
    import subprocess
    import sys
    import termios

    from tests.conftest import ROOT

    terminal, child_end = pty.openpty()
    fcntl.ioctl(child_end, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 120, 0, 0))  # a new pty is 0 columns wide
    process = subprocess.Popen([sys.executable, "-m", "crawler.cli", "crawl", portal.homepages()[0],
                                "--db", str(tmp_path / "a.db"), "--delay", "0", "--concurrency", "8"],
                               stdout=subprocess.DEVNULL, stderr=child_end, cwd=ROOT)
    os.close(child_end)
    shown = bytearray()
    while True:
        try:
            data = os.read(terminal, 65536)
        except OSError:  # EIO: the crawl closed its end of the terminal
            break
        if not data:
            break
        shown += data
    os.close(terminal)
    assert process.wait(timeout=240) == 0, shown.decode("utf-8", "replace")[-3000:]
    bar = shown.decode("utf-8", "replace")
    assert "page/s" in bar and "new=" in bar and "errors=" in bar
    assert "reports new" not in bar  # the one-line summaries are for logs, not terminals


def test_coverage_reports_years_missing_years_and_failures(portal, first_crawl):
    import json

    result = run_nianbao("coverage", "--db", str(first_crawl), "--json")
    assert result.returncode == 0, result.stderr
    table = {row["site"]: row for row in map(json.loads, result.stdout.splitlines())}
    for name, site in portal.sites.items():
        expected = {t["report_year"] for t in portal.truth() if t["site"] == name}
        row = table[site.base_url.split("//")[1]]
        assert set(row["years"]) == expected
        assert row["missing_years"] == [y for y in range(min(expected), max(expected) + 1) if y not in expected]
    for broken in portal.expected_errors():
        if broken["kind"] in EXPECTED_ERROR_CLASSES:
            failures = table[broken["url"].split("/")[2]]["failures"]
            assert failures.get(EXPECTED_ERROR_CLASSES[broken["kind"]], 0) >= 1


def test_status_shows_each_site_and_fails_for_a_failed_site(portal, tmp_path):
    import json

    db = tmp_path / "nianbao.db"
    dead = closed_port_url()
    crawl(db, dead, portal.homepages()[0], expect=3)
    result = run_nianbao("status", "--db", str(db), "--json")
    assert result.returncode == 1  # the unreachable site failed: monitoring must see it
    table = {row["site"]: row for row in map(json.loads, result.stdout.splitlines())}
    assert table[dead.split("/")[2]]["outcome"] == "failed"
    assert table[dead.split("/")[2]]["error_classes"] == ["connect"]
    live = table[portal.homepages()[0].split("/")[2]]
    assert live["outcome"] == "ok" and live["new"] > 0 and live["stale_hours"] is not None


def test_status_exits_zero_when_everything_succeeded(portal, tmp_path):
    db = tmp_path / "nianbao.db"
    crawl(db, portal.homepages()[0])
    result = run_nianbao("status", "--db", str(db))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ok" in result.stdout


def test_each_site_records_the_cms_family_it_was_built_with(portal, first_crawl):
    families = {r["name"]: r["family"] for r in rows(first_crawl, "select name, family from sites")}
    expected = {"trs": "trs", "trs_shtml": "trs", "trs_htm": "trs", "hanweb": "hanweb", "hanweb_get": "hanweb",
                "gkmlpt": "gkmlpt", "jpaas": "jpaas", "ucap": "ucap", "asp": "asp"}
    for site in portal.sites.values():
        if site.family in expected:
            assert families[site.base_url.split("//")[1]] == expected[site.family], site.name



def test_attachments_are_archived_with_their_text(portal, first_crawl):
    versions = current_versions(first_crawl)
    attachments = [a for t in portal.truth() for a in t.get("attachments") or []]
    assert len(attachments) >= 10
    for attachment in attachments:
        version = versions[attachment["url"]]
        assert version["kind"] == "attachment"
        flags = version["flags"]
        if attachment["malformed"]:
            assert "attachment_malformed" in flags, attachment["url"]
        elif attachment["needs_ocr"]:
            assert "needs_ocr" in flags, attachment["url"]
        else:
            text = fold(version["text"])
            for paragraph in attachment["paragraphs"] or []:
                assert fold(paragraph) in text, (attachment["url"], paragraph)


def test_files_shown_in_a_frame_or_an_embed_are_archived_as_their_pages_attachments(portal, first_crawl):
    """A report shown by pdf.js in an iframe (``viewer.html?file=…``) or in an <embed>, not linked: the
    file is fetched and archived as its page's attachment; the viewer page itself is never asked for."""
    versions = current_versions(first_crawl)
    shown = [(t["url"], attachment, truth) for t in portal.truth()
             for attachment, truth in zip(portal.document(t["url"]).attachments, t.get("attachments") or [], strict=True)
             if attachment.shown != "link"]
    assert {attachment.shown for _, attachment, _ in shown} == {"viewer", "embed"}
    for page_url, _, truth in shown:
        parent = rows(first_crawl, "select p.url from documents d join documents p on p.id = d.parent_id "
                                   "where d.url = ? and d.kind = 'attachment'", truth["url"])
        assert [r[0] for r in parent] == [page_url]
        assert truth["url"] in {a["url"] for a in json.loads(versions[page_url]["attachments"])}
    assert not [path for _, path, _, _ in portal.request_log if "/pdfjs/" in path]


def test_long_lists_paged_one_page_at_a_time_are_walked_to_the_end(tmp_path):
    from fixture_portal import FixturePortal

    with FixturePortal(seed=7, scale=6, families=("asp",)) as big:  # 18 list pages, each linking only the next
        db = tmp_path / "nianbao.db"
        crawl(db, *big.homepages())
        archived = {r["url"] for r in rows(db, "select url from documents where kind = 'page'")}
        assert archived == {t["url"] for t in big.truth()}


def test_a_site_asking_for_too_many_requests_is_capped(portal, tmp_path):
    site = next(s for s in portal.sites.values() if s.family == "trs")
    db = tmp_path / "nianbao.db"
    result = crawl(db, site.homepage, extra=("-s", "NIANBAO_MAX_REQUESTS_PER_SITE=10", "--log-level", "WARNING"),
                   expect=exit_codes.PARTIAL)  # the cap bit: recorded, and the run says so
    assert "request cap (10) reached" in result.stderr
    assert 0 < rows(db, "select count(*) n from captures")[0]["n"] <= 10


def test_demo_crawls_the_fixture_portal_and_prints_a_summary(tmp_path):
    db = tmp_path / "demo.db"
    result = run_nianbao("demo", "--db", str(db), timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "fixture portal: 12 sites" in result.stdout
    assert "run 1: ok" in result.stdout
    n = {table: rows(db, f"select count(*) n from {table}")[0]["n"] for table in ("documents", "versions", "captures")}
    assert (f"12 sites, {n['documents']} documents, {n['versions']} versions, {n['captures']} captures"
            in result.stdout)
    sites = {r["name"] for r in rows(db, "select name from sites")}
    assert "qinglan" in sites and "yunxi" in sites and len(sites) == 12
    search = run_nianbao("search", "依申请公开", "--db", str(db), "--json", "--limit", "3")
    assert len(search.stdout.splitlines()) == 3
