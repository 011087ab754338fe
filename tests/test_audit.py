"""The audit over real crawls of the audited fixture site: every deliberate breach found, nothing else.

The site (fixture_portal.catalogue.AUDITED) has four bodies: a city government, two of its
departments (one renamed in the 2018 reform) and a township; its Faults name what breaks a rule.
"""

from __future__ import annotations

import json
import sqlite3

import pytest

import archive
from archive.audit import sql
from nianbao.capture import Capture
from tests.conftest import crawl, run_nianbao


@pytest.fixture(scope="module")
def spec():
    from fixture_portal.catalogue import AUDITED

    return AUDITED[0]


@pytest.fixture(scope="module")
def audited(tmp_path_factory, spec):
    """The audited site crawled once into an archive of its own; the archive's path."""
    from fixture_portal import FixturePortal

    path = tmp_path_factory.mktemp("audit") / "nianbao.db"
    with FixturePortal(seed=7, sites=(spec,)) as portal:
        crawl(path, *portal.homepages())
    return path


def audit_of(path):
    with archive.open_archive(path, readonly=True) as db:
        return db.audit()


def named(spec, quirk):
    """(body name, year) of a catalogue quirk given as (unit index, year)."""
    return spec.units[quirk[0]].name, quirk[1]


def expected_findings(spec):
    """(check, body, year) of every breach the catalogue put in the site."""
    faults = spec.faults
    found = {("late", *named(spec, faults.late)), ("unbalanced", *named(spec, spec.broken_balance)),
             ("carry_mismatch", *named(spec, faults.carry_mismatch)),
             ("missing_section", *named(spec, faults.incomplete)), ("missing_row", *named(spec, faults.incomplete))}
    return found | {("missing_year", *named(spec, skipped)) for skipped in faults.skipped}


def test_every_breach_is_found_and_nothing_else(audited, spec):
    result = audit_of(audited)
    assert {(f["check"], f["body"], f["report_year"]) for f in result.findings} == expected_findings(spec)


def test_findings_say_what_and_on_which_evidence(audited, spec):
    findings = {(f["check"], f["report_year"]): f for f in audit_of(audited).findings}
    late = findings[("late", spec.faults.late[1])]
    assert late["evidence"] == "publish_date" and "at least 98 days late" in late["detail"]  # 8 May against 31 January
    assert "第四十九条" in late["source"]
    incomplete = spec.faults.incomplete[1]
    assert findings[("missing_section", incomplete)]["detail"] == "五、存在的主要问题及改进情况"
    assert findings[("missing_row", incomplete)]["detail"] == "表三 三（四）3"
    gap, overdue = sorted(year for check, year in findings if check == "missing_year")
    assert findings[("missing_year", gap)]["evidence"] == "gap"
    assert findings[("missing_year", overdue)]["evidence"] == "complete_crawl"
    assert "总计: 上年结转" in findings[("carry_mismatch", spec.faults.carry_mismatch[1])]["detail"]
    assert "balance 总计" in findings[("unbalanced", spec.broken_balance[1])]["detail"]


def test_a_conforming_report_raises_nothing(audited, spec):
    reports = {(r["body"], r["report_year"]): r for r in audit_of(audited).reports}
    report = reports[(spec.units[0].name, 2025)]
    assert report["findings"] == [] and report["checked"] == "full" and report["layout"] == "2021"
    assert len(report["sections_found"]) == 6 and report["tables_found"] == ["表二", "表三", "表四"]
    assert report["rows_missing"] == report["columns_missing"] == report["sections_missing"] == []
    # first captured long after its deadline by an archive that was not watching: the date is only claimed
    assert (report["deadline"], report["deadline_status"]) == ("2026-03-31", "unverified")


def test_bodies_are_followed_across_renames_and_name_variants(audited, spec):
    bodies = {b["body"]: b for b in audit_of(audited).bodies}
    assert set(bodies) == {unit.name for unit in spec.units}
    renamed_index, former, last_year = spec.faults.former_names[0]
    renamed = bodies[spec.units[renamed_index].name]
    assert former in renamed["names"] and renamed["first_year"] <= last_year < renamed["last_year"]
    assert renamed["missing_years"] == [] and "国务院机构改革方案" in renamed["renames"][0]
    government = bodies[spec.units[0].name]
    assert "枫河市政府" in government["names"] and government["years"] == list(range(2014, 2026))


def test_levels_decide_deadlines(audited, spec):
    levels = {(r["level"], r["deadline_rule"]) for r in audit_of(audited).reports if r["report_year"] >= 2019}
    assert levels == {("government", "2019条例第四十九条第二款"), ("department", "2019条例第四十九条第一款"),
                      ("township", "2019条例第四十九条 names no deadline for townships")}
    township = [r for r in audit_of(audited).reports if r["level"] == "township"]
    assert {r["deadline_status"] for r in township} == {"no_deadline"}


def test_summary_by_region_and_level(audited):
    summary = {(row["region"], row["level"]): row for row in audit_of(audited).summary}
    assert set(summary) == {("459400", "government"), ("459400", "department"), ("459400", "township")}
    department = summary[("459400", "department")]
    assert (department["bodies"], department["late"], department["missing_years"]) == (2, 1, 2)
    assert summary[("459400", "government")]["template"] == 1


def test_edits_and_removals_after_the_deadline(tmp_path, spec):
    """A report edited and another removed after the first crawl: both long past their deadlines."""
    from fixture_portal import FixturePortal

    path = tmp_path / "nianbao.db"
    with FixturePortal(seed=7, sites=(spec,)) as portal:
        crawl(path, *portal.homepages())
        truth = {(t["issuer"], t["report_year"]): t["url"] for t in portal.truth()}
        edited, removed = truth[(spec.units[0].name, 2024)], truth[(spec.units[3].name, 2024)]
        portal.edit_report(edited, "（更正：全年新收政府信息公开申请999件。）")
        portal.remove_report(removed)
        crawl(path, *portal.homepages())
    findings = {(f["check"], f["url"]): f for f in audit_of(path).findings}
    assert "after the deadline: yes" in findings[("edited_after_deadline", edited)]["detail"]
    assert "text 本年新收: " in findings[("restated", edited)]["detail"] and "→ 999" in findings[("restated", edited)]["detail"]
    assert "999 ≠ 表三 一 总计" in findings[("text_table_mismatch", edited)]["detail"]
    assert findings[("removed", removed)]["detail"].startswith("page removed")
    assert ("edited", edited) not in findings


def test_cli_prints_json_csv_and_the_summary(audited, tmp_path):
    result = run_nianbao("audit", "--db", str(audited), "--view", "findings", "--json")
    assert result.returncode == 0, result.stderr
    printed = [json.loads(line) for line in result.stdout.splitlines()]
    assert printed == json.loads(json.dumps(audit_of(audited).findings, ensure_ascii=False))
    out = tmp_path / "reports.csv"
    result = run_nianbao("audit", "--db", str(audited), "--view", "reports", "--csv", str(out))
    assert result.returncode == 0 and "34 rows" in result.stderr
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and data.decode("utf-8-sig").splitlines()[0].startswith("body_key,body,level")
    again = run_nianbao("audit", "--db", str(audited), "--view", "reports", "--csv", str(out))
    assert again.returncode == 1 and "refusing to overwrite" in again.stderr
    summary = run_nianbao("audit", "--db", str(audited))
    assert summary.returncode == 0 and summary.stdout.splitlines()[0].split()[:4] == ["region", "level", "bodies", "reports"]
    assert "459400  department" in summary.stdout
    missing = run_nianbao("audit", "--db", str(tmp_path / "none.db"))
    assert missing.returncode == 1 and "no archive at" in missing.stderr


def test_canned_queries_give_the_librarys_rows(audited):
    result = audit_of(audited)
    conn = sqlite3.connect(f"{audited.as_uri()}?mode=ro", uri=True)
    cache = sql.AuditCache(audited)
    try:
        sql.register(conn, cache)
        everything = {"body": "", "check": "", "report_year": ""}
        for name, query in sql.CANNED_QUERIES.items():
            cursor = conn.execute(query["sql"], everything)
            assert [c[0] for c in cursor.description] == list(sql.COLUMNS[name.removeprefix("audit_")]
                                                             if name != "audit_late" else sql.COLUMNS["reports"])
            assert len(cursor.fetchall()) == (len(result.rows(name.removeprefix("audit_")))
                                              if name != "audit_late" else 1)
        late = conn.execute(sql.CANNED_QUERIES["audit_findings"]["sql"], {**everything, "check": "late"}).fetchall()
        assert [(row[0], row[1], row[3]) for row in late] == [(f["check"], f["body"], f["report_year"])
                                                             for f in result.findings if f["check"] == "late"]
        year = conn.execute(sql.CANNED_QUERIES["audit_reports"]["sql"], {**everything, "report_year": "2022"})
        assert len(year.fetchall()) == sum(1 for r in result.reports if r["report_year"] == 2022)
    finally:
        cache.close()
        conn.close()


def test_the_cached_audit_is_computed_again_after_a_write(audited, tmp_path):
    copy = tmp_path / "copy.db"
    with archive.open_archive(audited) as db:
        db.backup(copy)
    cache = sql.AuditCache(copy)
    try:
        report = cache.rows("reports")[0]
        assert not [f for f in cache.rows("findings") if f["check"] == "removed"]
        with archive.open_archive(copy) as db:
            db.record_capture(Capture(report["url"], report["site"], status=404, error_class="not_found"))
        removed = [f for f in cache.rows("findings") if f["check"] == "removed"]
        assert [f["url"] for f in removed] == [report["url"]]
    finally:
        cache.close()


def test_nianbao_serve_offers_the_audit(audited):
    import asyncio

    from archive.serve.app import make_datasette

    async def fetch(url):
        served = make_datasette(audited)
        await served.invoke_startup()
        return await served.client.get(url)

    late = asyncio.run(fetch("/archive/audit_findings.json?check=late&body=&_shape=array"))
    assert late.status_code == 200 and [(r["check"], r["report_year"]) for r in late.json()] == [("late", 2023)]
    summary = asyncio.run(fetch("/archive/audit_summary.json?_shape=array")).json()
    assert summary == json.loads(json.dumps(audit_of(audited).summary))
    assert 'href="/archive/audit_summary"' in asyncio.run(fetch("/archive/runs")).text
