"""Archive behaviour over real crawls of the fixture portal: revisits, versions, removals, re-extraction."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest

import archive
from extract import EXTRACTOR_VERSION, extract_document
from nianbao.capture import Capture
from tests.conftest import crawl, run_nianbao
from tests.test_end_to_end import rows

NO_CONDITIONAL = ("-s", "NIANBAO_CONDITIONAL_REQUESTS=0")


@pytest.fixture(scope="module")
def own_portal():
    """A portal of its own: these tests change, remove and restore reports."""
    from fixture_portal import FixturePortal

    with FixturePortal(seed=11, families=("trs", "hanweb")) as served:
        yield served


@pytest.fixture(scope="module")
def db(own_portal, tmp_path_factory):
    path = tmp_path_factory.mktemp("archive-crawl") / "nianbao.db"
    crawl(path, *own_portal.homepages())
    return path


def last_run(db):
    return rows(db, "select * from runs order by id desc limit 1")[0]


def count(db, table):
    return rows(db, f"select count(*) n from {table}")[0]["n"]


def report_count(portal):
    return len([t for t in portal.truth() if not t.get("removed")])


def test_304_is_a_revisit_of_the_existing_version(own_portal, db):
    versions = count(db, "versions")
    crawl(db, *own_portal.homepages())
    run = last_run(db)
    assert run["not_modified"] == report_count(own_portal)
    assert run["new"] == run["changed"] == 0
    assert count(db, "versions") == versions
    revisits = rows(db, "select version_id from captures where run_id = ? and outcome = 'not_modified'", run["id"])
    assert all(r["version_id"] is not None for r in revisits)


def test_identical_digest_is_a_revisit_without_a_new_blob(own_portal, db, tmp_path):
    blobs, versions = count(db, "blobs"), count(db, "versions")
    crawl(db, *own_portal.homepages(), extra=(*NO_CONDITIONAL, "--stats", str(tmp_path / "stats.json")))
    run = last_run(db)
    assert run["unchanged"] == report_count(own_portal)
    assert count(db, "blobs") == blobs
    assert count(db, "versions") == versions
    # the very bytes behind the current versions are not extracted again; the capture names who judged them
    stats = json.loads((tmp_path / "stats.json").read_text(encoding="utf-8"))
    assert stats["nianbao/extract/known_body"] == run["unchanged"]
    judged = rows(db, "select distinct extractor_version v from captures where run_id = ? and outcome = 'unchanged'",
                  run["id"])
    assert [tuple(r) for r in judged] == [(EXTRACTOR_VERSION,)]


def test_header_only_change_is_a_capture_not_a_version(own_portal, db):
    blobs, versions = count(db, "blobs"), count(db, "versions")
    own_portal.advance_clock(days=3)  # the date line in every page header changes
    crawl(db, *own_portal.homepages(), extra=NO_CONDITIONAL)
    run = last_run(db)
    assert run["unchanged"] == report_count(own_portal)
    assert count(db, "blobs") > blobs  # the bytes did change …
    assert count(db, "versions") == versions  # … the report did not


def test_one_real_change_is_one_new_version_with_history_as_of_and_diff(own_portal, db):
    target = own_portal.truth()[3]["url"]
    before = rows(db, "select max(fetched_at) t from captures")[0]["t"]
    versions = count(db, "versions")
    own_portal.edit_report(target, text="本年度新设政府信息公开工作年度报告专栏，方便公众查阅历年报告。")
    crawl(db, *own_portal.homepages())
    assert count(db, "versions") == versions + 1
    assert last_run(db)["changed"] == 1
    with archive.open_archive(db) as store:
        old = store.get_version(target, as_of=before)
        new = store.get_version(target)
        assert "方便公众查阅历年报告" not in old["text"]
        assert "方便公众查阅历年报告" in new["text"]
        assert [h["outcome"] for h in store.history(target)][0] == "new"
        assert "+本年度新设政府信息公开工作年度报告专栏" in store.diff(target)["text_diff"].replace(" ", "")


def test_removal_then_return(own_portal, db):
    target = own_portal.truth()[5]["url"]
    versions = count(db, "versions")
    own_portal.remove_report(target)
    crawl(db, *own_portal.homepages())
    doc = rows(db, "select status, removed_at from documents where url = ?", target)[0]
    assert doc["status"] == "removed" and doc["removed_at"]
    assert count(db, "versions") == versions  # its versions stay
    own_portal.restore_report(target)
    crawl(db, *own_portal.homepages())
    assert rows(db, "select status from documents where url = ?", target)[0]["status"] == "live"


def test_reextract_makes_no_http_request(own_portal, db):
    requests_before = len(own_portal.request_log)
    with archive.open_archive(db) as store:
        result = store.reextract(extract_document, extractor_version=EXTRACTOR_VERSION, force=True)
        assert store.check() == []
    assert len(own_portal.request_log) == requests_before
    assert result


@pytest.mark.parametrize("phrase", ["依申请", "政府信息公开", "公开", "报"])
def test_search_finds_three_six_and_short_phrases(db, phrase):
    result = run_nianbao("search", phrase, "--db", str(db), "--json", "--limit", "5")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 5
    assert all(phrase in line for line in lines)


def test_jsonl_and_warc_exports_of_a_real_crawl_round_trip(db, tmp_path):
    import hashlib
    import json
    import subprocess
    import sys

    from warcio.archiveiterator import ArchiveIterator

    jsonl, warc = tmp_path / "all.jsonl", tmp_path / "all.warc.gz"
    for args in (("export", "jsonl", str(jsonl), "--all-versions"), ("export", "warc", str(warc))):
        result = run_nianbao(*args, "--db", str(db))
        assert result.returncode == 0, result.stderr
    exported = [json.loads(line) for line in jsonl.read_text(encoding="utf-8").splitlines()]
    with archive.open_archive(db) as store:
        assert len(exported) == count(db, "versions")
        for row in exported:
            assert row["text"] == store.get_version(row["url"], number=row["version"])["text"]
        blobs = {r["sha256"] for r in rows(db, "select sha256 from blobs")}
        responses = removals = 0
        with warc.open("rb") as stream:
            for record in ArchiveIterator(stream):
                if record.rec_type == "response" and record.rec_headers.get_header("WARC-Truncated"):
                    assert record.http_headers.get_statuscode() in ("404", "410")  # a removal: no page kept
                    removals += 1
                elif record.rec_type == "response":
                    body = record.content_stream().read()
                    digest = hashlib.sha256(body).hexdigest()
                    assert digest in blobs and store.blob(digest) == body
                    responses += 1
        assert responses == len(blobs)
        assert removals == len(rows(db, "select id from captures where outcome = 'removed' and sha256 is null"))
    check = subprocess.run([sys.executable, "-m", "warcio.cli", "check", str(warc)], capture_output=True, text=True,
                           check=False)
    assert check.returncode == 0, check.stdout + check.stderr


def test_archive_is_consistent_after_all_of_it(db):
    with archive.open_archive(db) as store:
        assert store.check() == []


def plant_known_document(db, site: str, url: str) -> None:
    """A live document of ``site`` that no list of the portal links (as after a silent delisting)."""
    body = "<html><body><h1>2019年政府信息公开工作年度报告</h1><p>一、总体情况</p></body></html>".encode()
    with archive.open_archive(db) as store:
        run_id = store.start_run(command="test", sites=[site])
        store.record_capture(Capture(url=url, site=site, kind="page", status=200, body=body,
                                     title_hint="2019年政府信息公开工作年度报告", classify_rule="title:年报-in-column",
                                     extraction=extract_document(body, url, {})), run_id=run_id)
        store.finish_run(run_id)


def test_a_known_document_no_list_links_is_still_revisited(own_portal, db):
    home = own_portal.homepages()[0]
    origin = "{0.scheme}://{0.netloc}/".format(urlsplit(home))
    site = rows(db, "select site from documents where url like ? limit 1", origin + "%")[0]["site"]
    delisted, unrevisited = origin + "delisted/2019nb.html", origin + "delisted/2018nb.html"
    plant_known_document(db, site, delisted)
    crawl(db, home)
    asked = [path for _, path, _, _ in own_portal.request_log]
    assert "/delisted/2019nb.html" in asked
    doc = rows(db, "select status, removed_at from documents where url = ?", delisted)[0]
    assert doc["status"] == "removed" and doc["removed_at"]  # the portal answers 404: its removal is seen
    plant_known_document(db, site, unrevisited)
    crawl(db, home, extra=("-s", "NIANBAO_REVISIT_KNOWN=0"))
    assert "/delisted/2018nb.html" not in [path for _, path, _, _ in own_portal.request_log]
    assert rows(db, "select status from documents where url = ?", unrevisited)[0]["status"] == "live"


def test_a_run_that_changes_versions_leaves_the_search_index_merged(tmp_path):
    from fixture_portal import FixturePortal

    path = tmp_path / "nianbao.db"
    one_per_commit = ("-s", "NIANBAO_ARCHIVE_BATCH=1")
    with FixturePortal(seed=13, families=("trs",)) as portal:
        crawl(path, *portal.homepages(), extra=(*one_per_commit, "-s", "NIANBAO_COMPACT_AFTER_RUN=0"))
        with archive.open_archive(path) as store:
            unmerged = store.compact()
        assert unmerged["index_after"] < unmerged["index_before"]  # left alone, the index was fragmented
        edited = portal.truth()[0]["url"]
        portal.edit_report(edited, text="本年度还对年度报告的发布流程进行了专项检查。")
        crawl(path, *portal.homepages(), extra=one_per_commit)
    assert last_run(path)["changed"] == 1
    with archive.open_archive(path) as store:
        merged = store.compact()
        assert merged["index_after"] == merged["index_before"]  # the run merged it already
        assert [r["url"] for r in store.search("发布流程进行了专项检查")] == [edited]
