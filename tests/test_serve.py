"""`nianbao serve`: Datasette on the archive, searched as `nianbao search` searches, never writing it."""

from __future__ import annotations

import asyncio
import hashlib
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pytest

import archive
from archive.serve import plugin
from archive.serve.app import make_datasette
from nianbao.errors import ArchiveError
from tests.serve_support import BAISHUI, QINGLAN, build_archive, report

# Terms of every length, two terms, a quoted phrase, and most of a line.
TERMS = ("依申请公开", "公开", "公", "行政复议", "总体情况 依申请", '"依申请公开办理"', "全市政府信息公开工作扎实推进")
ATOM = {"a": "http://www.w3.org/2005/Atom"}


@pytest.fixture(scope="module")
def archive_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("serve") / "nianbao.db"
    build_archive(path)
    return path


def get(path: Path, url: str) -> Any:
    """One request through Datasette's in-process client, on a fresh instance."""

    async def fetch() -> Any:
        ds = make_datasette(path)
        await ds.invoke_startup()
        return await ds.client.get(url)

    return asyncio.run(fetch())


def rows(path: Path, url: str) -> list[dict[str, Any]]:
    """The rows of a JSON page (``_shape=array``), asserting it answered 200."""
    response = get(path, url + ("&" if "?" in url else "?") + "_shape=array")
    assert response.status_code == 200, response.text
    result: list[dict[str, Any]] = response.json()
    return result


def searched_version_ids(path: Path, query: str) -> set[int]:
    """What `nianbao search` finds (the library function behind it)."""
    with archive.open_archive(path, readonly=True) as store:
        return {row["version_id"] for row in store.search(query, limit=1000)}


@pytest.mark.parametrize("term", TERMS)
def test_search_matches_nianbao_search_for_any_term(archive_path: Path, term: str) -> None:
    found = {row["version_id"] for row in rows(archive_path, f"/archive/search_source.json?_search={term}")}
    assert found == searched_version_ids(archive_path, term) and found


@pytest.mark.parametrize("term", ["依申请公开", "公开", "行政复议"])
def test_reports_view_searches_in_json_and_html(archive_path: Path, term: str) -> None:
    expected = searched_version_ids(archive_path, term)
    live = {row["version_id"] for row in rows(archive_path, f"/archive/current_reports.json?_search={term}")}
    assert live and live <= expected  # the view holds live documents only
    html = get(archive_path, f"/archive/current_reports?_search={term}").text
    assert f'value="{term}"' in html and f"search matches &#34;{term}&#34;" in html


def test_search_narrows_counts_and_facets(archive_path: Path) -> None:
    everything = get(archive_path, "/archive/current_reports.json?_size=0").json()
    searched = get(archive_path, "/archive/current_reports.json?_size=0&_search=行政复议").json()
    assert everything["filtered_table_rows_count"] == 4 and searched["filtered_table_rows_count"] == 1
    sites = {item["value"]: item["count"] for item in searched["facet_results"]["site"]["results"]}
    assert sites == {"qinglan": 1}


def test_unknown_term_returns_no_rows(archive_path: Path) -> None:
    for table in ("current_reports", "search_fts", "search_source"):
        assert rows(archive_path, f"/archive/{table}.json?_search=没有这个词语") == []


def test_the_index_table_itself_answers_a_long_term(archive_path: Path) -> None:
    found = rows(archive_path, "/archive/search_fts.json?_search=依申请公开")  # Datasette's own search: a 400
    assert {row["rowid"] for row in found} == searched_version_ids(archive_path, "依申请公开")


def test_unusable_queries_are_a_400_with_the_reason(archive_path: Path) -> None:
    too_long = get(archive_path, "/archive/current_reports.json?_search=" + "长" * 201)
    assert too_long.status_code == 400 and "longer than 200" in too_long.json()["error"]
    raw_phrase = get(archive_path, "/archive/current_reports.json?_searchmode=raw&_search=依申请公开")
    assert raw_phrase.status_code == 400 and "phrase" in raw_phrase.json()["error"]
    per_column = get(archive_path, "/archive/current_reports.json?_search_title=公开")
    assert per_column.status_code == 400 and "_search_title" in per_column.json()["error"]
    assert rows(archive_path, '/archive/current_reports.json?_searchmode=raw&_search="依申请" OR "没有的"')


def test_home_opens_on_reports_and_storage_tables_are_hidden(archive_path: Path) -> None:
    home = get(archive_path, "/")
    assert home.status_code == 302 and home.headers["location"] == "/archive/current_reports"
    tables = {t["name"]: t["hidden"] for t in get(archive_path, "/archive.json").json()["tables"]}
    assert all(tables[name] for name in ("blobs", "version_rows", "frontier", "_sqlite_migrations", "search_fts"))
    assert not tables["captures"] and not tables["runs"]


def test_reports_are_faceted_by_site_issuer_year_region_and_family(archive_path: Path) -> None:
    facets = get(archive_path, "/archive/current_reports.json?_size=0").json()["facet_results"]
    assert {"site", "family", "report_year", "issuer", "region"} <= set(facets)
    families = {item["value"]: item["count"] for item in facets["family"]["results"]}
    assert families == {"trs": 2, "hanweb": 2}
    narrowed = rows(archive_path, "/archive/current_reports.json?family=hanweb&report_year=2020")
    assert [row["url"] for row in narrowed] == [f"{BAISHUI}/2020.html"]


def test_document_page_lists_versions_and_captures(archive_path: Path) -> None:
    html = get(archive_path, "/-/nianbao/document/1").text
    assert "v1" in html and "v2" in html and "diff with v1" in html and "2024-02-02T01:00:00Z" in html
    assert "青岚市人民政府办公室" in html  # a metadata field of the current version
    assert get(archive_path, "/-/nianbao/document/999").status_code == 404


def test_diff_page_marks_text_fields_and_table_cells(archive_path: Path) -> None:
    response = get(archive_path, "/-/nianbao/document/1/diff?from=1&to=2")
    assert response.status_code == 200, response.text
    assert "<ins>有序</ins>" in response.text
    assert '<td class="changed"><del>12</del><ins>19</ins></td>' in response.text
    assert "1 changed tables" in response.text
    backwards = get(archive_path, "/-/nianbao/document/1/diff?from=2&to=1").text
    assert "<del>有序</del>" in backwards and "<del>19</del><ins>12</ins>" in backwards
    assert get(archive_path, "/-/nianbao/document/1/diff?from=x").status_code == 400
    assert get(archive_path, "/-/nianbao/document/1/diff?from=7").status_code == 404


def test_coverage_page_is_the_site_by_year_matrix(archive_path: Path) -> None:
    html = get(archive_path, "/-/nianbao/coverage").text
    header = html[html.index("<thead>"):html.index("</thead>")]
    assert all(f"<th>{year}</th>" in header for year in (2018, 2019, 2020, 2021, 2022))
    baishui = html[html.index(">baishui<"):].split("</tr>")[0]
    assert 'class="missing"' in baishui and "timeout 2" in baishui  # 2019 missing; the last run's failures


def test_feed_is_atom_with_new_and_changed_reports(archive_path: Path) -> None:
    response = get(archive_path, "/-/nianbao/feed.atom")
    assert response.headers["content-type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)  # noqa: S314 (our own server's output)
    entries = feed.findall("a:entry", ATOM)
    assert [e.findtext("a:title", namespaces=ATOM)[:8] for e in entries[:2]] == ["[更新 v2] ", "[新增] 白水县"]
    assert len(entries) == 6 and len({e.findtext("a:id", namespaces=ATOM) for e in entries}) == 6
    assert entries[0].find("a:link", ATOM).get("href").endswith("/-/nianbao/document/1/diff?from=1&to=2")


def test_canned_queries_answer_what_their_titles_say(archive_path: Path) -> None:
    assert rows(archive_path, "/archive/missing_years.json") == [
        {"site": "baishui", "missing": 1, "missing_years": "2019"}]
    assert [r["url"] for r in rows(archive_path, "/archive/removals.json")] == [f"{QINGLAN}/2019.html"]
    failures = rows(archive_path, "/archive/last_run_failures.json")
    assert [(r["error_class"], r["captures"], r["sites"]) for r in failures] == [("timeout", 2, 1)]
    assert rows(archive_path, "/archive/changed_recently.json?days=") == []  # the archive's last change is old
    recent = rows(archive_path, "/archive/changed_recently.json?days=100000")
    assert {r["change"] for r in recent} == {"new", "changed"} and len(recent) == 6
    found = rows(archive_path, "/archive/search_text.json?q=行政复议")
    assert [r["title"] for r in found] == ["青岚市2021年政府信息公开工作年度报告"]


def file_digests(path: Path) -> dict[str, str]:
    """sha256 of the archive and its WAL and shared-memory files, where present."""
    files = [path, path.with_name(path.name + "-wal")]
    return {f.name: hashlib.sha256(f.read_bytes()).hexdigest() for f in files if f.exists()}


def test_serving_never_writes(archive_path: Path) -> None:
    before = file_digests(archive_path)

    async def exercise() -> None:
        ds = make_datasette(archive_path)
        await ds.invoke_startup()
        for url in ("/archive/current_reports?_search=公开", "/-/nianbao/document/1/diff", "/-/nianbao/coverage",
                    "/-/nianbao/feed.atom", "/archive/missing_years", "/archive/current_reports.csv"):
            assert (await ds.client.get(url)).status_code == 200
        with pytest.raises(Exception, match=r"readonly|read-only|query_only"):
            await ds.get_database("archive").execute_write("UPDATE schema_meta SET value = value")
        sql = await ds.client.get("/archive.json?sql=" + "DELETE FROM schema_meta")
        assert sql.status_code == 400

    asyncio.run(exercise())
    assert file_digests(archive_path) == before


def test_an_archive_of_another_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    build_archive(path)
    with archive.open_archive(path) as store:
        store.db.execute("UPDATE schema_meta SET value = '9' WHERE key = 'schema_version'")
    with pytest.raises(ArchiveError, match="schema version 9"):
        make_datasette(path)
    with pytest.raises(ArchiveError, match="no archive"):
        make_datasette(tmp_path / "missing.db")


def test_a_new_version_is_found_at_once_while_serving(tmp_path: Path) -> None:
    path = tmp_path / "nianbao.db"
    build_archive(path)

    async def scenario() -> None:
        ds = make_datasette(path)
        await ds.invoke_startup()
        url = "/archive/current_reports.json?_shape=array&_search=新增的更正说明"
        assert (await ds.client.get(url)).json() == []  # now cached as "no match"
        with archive.open_archive(path) as writer:  # a crawl commits meanwhile (WAL)
            writer.record_capture(report(f"{QINGLAN}/2021.html", 2021, "新增的更正说明。", fetched_at="2024-03-01T01:00:00Z"))
        assert [r["url"] for r in (await ds.client.get(url)).json()] == [f"{QINGLAN}/2021.html"]

    asyncio.run(scenario())


def test_datasette_search_filter_is_recognised() -> None:
    """The hook wrapper finds Datasette 0.65's own search filter by name: fail loudly if that changes."""
    from datasette import filters

    result = filters.search_filters(request=None, database="archive", table="t", datasette=None)
    assert plugin.is_datasette_search(result)


def test_document_ids_link_to_their_page_and_the_menu_to_every_view(archive_path: Path) -> None:
    for table, document_id in (("changes", 1), ("removed_documents", 3), ("current_reports", 1)):
        html = get(archive_path, f"/archive/{table}").text
        assert f'<a href="/-/nianbao/document/{document_id}">{document_id}</a>' in html, table
    menu = get(archive_path, "/archive/runs").text
    assert all(f'href="{href}"' in menu for href in ("/archive/current_reports", "/-/nianbao/coverage",
                                                     "/archive/changes", "/-/nianbao/feed.atom"))
