"""The audit's rules one by one: deadlines and evidence, body identity and level, template, figures, edits."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from archive.audit import CHECKS, bodies, deadlines, edits, figures, template
from archive.audit.reading import Version
from archive.audit.template import Content

# --- deadlines --------------------------------------------------------------------------


@pytest.mark.parametrize(("level", "year", "due", "rule"), [
    ("department", 2018, date(2019, 3, 31), deadlines.RULE_2007),
    ("township", 2018, date(2019, 3, 31), deadlines.RULE_2007),
    ("department", 2019, date(2020, 1, 31), deadlines.RULE_2019_DEPARTMENT),
    ("government", 2024, date(2025, 3, 31), deadlines.RULE_2019_GOVERNMENT),
    ("township", 2019, None, "2019条例第四十九条 names no deadline for townships"),
    ("unknown", 2022, None, "level unknown"),
    ("government", 2007, None, "before the 条例"),
])
def test_deadline_by_level_and_year(level, year, due, rule):
    assert deadlines.deadline_of(level, year) == deadlines.Deadline(due, rule)


DUE = date(2026, 1, 31)  # ends 2026-01-31T15:59:59Z (23:59:59 in Beijing)


@pytest.mark.parametrize(("publish", "first_seen", "absent", "expected"), [
    # the first capture by the deadline settles it, whatever the page claims
    ("2026-02-20", "2026-01-31T15:59:59Z", None, deadlines.Timeliness("on_time", "first_capture")),
    # its own date after the deadline: late by that date
    ("2026-03-15", "2026-04-01T00:00:00Z", None, deadlines.Timeliness("late", "publish_date", 43)),
    # dated in time, but a complete crawl after the deadline did not find it (on 6 February, Beijing time)
    ("2026-01-20", "2026-02-10T02:00:00Z", "2026-02-05T18:00:00Z",
     deadlines.Timeliness("claimed_on_time_first_seen_late", "absent_from_crawl", 6)),
    (None, "2026-02-10T02:00:00Z", "2026-02-05T18:00:00Z",
     deadlines.Timeliness("first_seen_late", "absent_from_crawl", 6)),
    # the archive first looked after the deadline: the claim cannot be checked
    ("2026-01-20", "2026-01-31T16:00:00Z", None, deadlines.Timeliness("unverified", "publish_date")),
    (None, "2026-06-01T00:00:00Z", None, deadlines.Timeliness("unknown", "none")),
    ("not a date", "2026-06-01T00:00:00Z", None, deadlines.Timeliness("unknown", "none")),
])
def test_timeliness_from_first_capture_publish_date_and_absence(publish, first_seen, absent, expected):
    assert deadlines.timeliness(DUE, publish, first_seen, absent) == expected


def test_no_deadline_is_its_own_status():
    assert deadlines.timeliness(None, "2030-01-01", "2031-01-01T00:00:00Z", None).status == "no_deadline"


# --- bodies -----------------------------------------------------------------------------


@pytest.mark.parametrize(("written", "canonical"), [
    ("青岚市政府办公室", "青岚市人民政府办公室"),
    ("青岚市人民政府办公室", "青岚市人民政府办公室"),
    ("青岚市 政府办", "青岚市人民政府办公室"),
    ("《梅山县卫健委》", "梅山县卫生健康委员会"),
    ("青岚市", "青岚市人民政府"),
    ("白沙镇", "白沙镇人民政府"),
    ("青岚市经济开发区", "青岚市经济开发区"),
    ("云溪区(街道)办", "云溪区（街道）办"),
])
def test_name_variants_are_one_spelling(written, canonical):
    assert bodies.normalise(written) == canonical


def test_renames_follow_a_body_to_its_newest_name_once():
    name, renames = bodies.current_name("青岚市卫生和计划生育委员会")
    assert name == "青岚市卫生健康委员会"
    assert [r.old for r in renames] == ["卫生和计划生育委员会"] and "国务院机构改革方案" in renames[0].source
    assert bodies.current_name("青岚市文化和旅游局") == ("青岚市文化和旅游局", ())
    assert bodies.current_name("青岚市文化局")[0] == "青岚市文化和旅游局"


def test_every_rename_has_a_source_and_a_kind():
    rules = bodies.name_rules()
    assert rules.renames and all(r.source and r.kind in ("rename", "merge") and r.reform for r in rules.renames)


@pytest.mark.parametrize(("title", "issuer", "expected"), [
    ("青岚市教育局2023年政府信息公开工作年度报告", "青岚市人民政府", ("青岚市教育局", "title")),
    ("2023年度青岚市教育局政府信息公开工作年度报告", None, ("青岚市教育局", "title")),
    ("政府信息公开工作年度报告", "梅山县财政局 ", ("梅山县财政局", "issuer")),
    (None, None, (None, None)),
])
def test_the_body_is_named_by_the_title_else_the_issuer(title, issuer, expected):
    assert bodies.reported_name(title, issuer) == expected


@pytest.mark.parametrize(("name", "registry", "level"), [
    ("白沙镇人民政府", "county", "township"),
    ("云峰街道办事处", None, "township"),
    ("梅山县人民政府", "department", "government"),
    ("青州省人民政府办公厅", "province", "department"),
    ("青岚市住房公积金管理中心", "prefecture", "department"),
    (None, "county", "government"),
    (None, "central", "department"),
    (None, None, "unknown"),
])
def test_level_from_the_name_else_the_registry(name, registry, level):
    assert bodies.level_of(name, registry)[0] == level


def test_keys_keep_namesake_townships_apart_and_join_a_city_body_across_sites():
    town = [bodies.body_key("白沙镇人民政府", "township", region, "a") for region in ("459102", "459122")]
    assert town[0] != town[1]
    city = {bodies.body_key("青岚市教育局", "department", region, site)
            for region, site in (("459100", "portal"), ("459100", "bureau-site"))}
    assert len(city) == 1


# --- template ---------------------------------------------------------------------------

INTRO = ("本报告根据《条例》编制。全文包括总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、"
         "政府信息公开行政复议和行政诉讼情况、存在的主要问题及改进情况、其他需要报告的事项。")


def test_sections_are_heading_lines_not_the_sentence_that_lists_them():
    assert template.sections_in(INTRO) == []
    text = "\n".join([INTRO, "一、总体情况", "正文", "四、因政府信息公开工作被申请行政复议、提起行政诉讼情况",
                      "四、结转下年度继续办理 | 1 | 0", "六. 其他需要报告的事项"])
    assert template.sections_in(text) == ["一、总体情况", "四、政府信息公开行政复议、行政诉讼情况", "六、其他需要报告的事项"]


def test_what_can_be_checked_depends_on_what_was_read():
    body = "一、总体情况\n" + "正文" * 300
    assert template.conformance(2017, [Content(body, [], "html")]).checked == "free_format"
    assert template.conformance(2022, [Content("详见附件。", [], "html")]).checked == "unreadable"
    assert template.conformance(2022, [Content("详见附件。", [], "html"), Content(body, [], "pdf")]).checked == "sections"
    full = template.conformance(2022, [Content(body, [], "html")])
    assert full.checked == "full" and full.tables_missing == ["表二", "表三", "表四"]
    assert full.sections_found == ["一、总体情况"] and len(full.sections_missing) == 5


def table3(keys):
    return {"kind": "table3", "grid": [list(template.COLUMNS["table3"]["2021"])],
            "values": {key: [0] * 7 for key in keys}, "checks": {}}


def test_rows_and_layout_of_table3():
    rows_2021 = template.ROWS["table3"]["2021"]
    report = template.conformance(2022, [Content("正文" * 300, [table3(k for k in rows_2021 if k != "三（四）3")], "html")])
    assert report.layout == "2021" and report.rows_missing == ["表三 三（四）3"] and report.rows_extra == []
    old = template.conformance(2022, [Content("正文" * 300, [table3(template.ROWS["table3"]["2019"])], "html")])
    assert old.layout == "2019" and old.rows_missing == []  # judged against its own layout; old_layout is flagged


# --- figures ----------------------------------------------------------------------------

VALUES = {"一": [10, 2, None, 0, 0, 0, 12], "二": [1, None, 0, 0, 0, 0, 1], "四": [3, 0, 0, 0, 0, 0, 3]}


@pytest.mark.parametrize(("text", "problems"), [
    ("全年新收政府信息公开申请12件，上年结转1件。", []),
    ("本年度共收到政府信息公开申请13件。", []),  # 一 + 二, as some reports count
    ("全年新收政府信息公开申请15件，上年结转2件。",
     ["text 本年新收 15 ≠ 表三 一 总计 12", "text 上年结转 2 ≠ 表三 二 总计 1"]),
    ("收到行政复议申请2件。", []),  # not an information-disclosure application
])
def test_text_figures_against_table3(text, problems):
    assert figures.text_against_table(text, VALUES) == problems


def test_carry_over_compares_every_column():
    assert figures.carry_over(VALUES, {"二": [3, 0, 0, 0, 0, 0, 3]}) == []
    assert figures.carry_over(VALUES, {"二": [2, 1, 0, 0, 0, 0, 3]}) == [
        "自然人: 上年结转 2 ≠ previous 结转下年度 3", "商业企业: 上年结转 1 ≠ previous 结转下年度 0"]
    assert figures.carry_over(None, VALUES) == []


def test_restated_figures_between_versions():
    new = {"table3": {**VALUES, "一": [10, 3, None, 0, 0, 0, 13]}}
    assert figures.restated({"table3": VALUES}, new) == ["table3 一 商业企业: 2 → 3", "table3 一 总计: 12 → 13"]
    assert figures.restated_text("新收政府信息公开申请12件", "新收政府信息公开申请99件") == ["text 本年新收: 12 → 99"]


# --- edits ------------------------------------------------------------------------------


def version(number, created, last_shown, publish="2026-01-20", text=""):
    return Version(number, created, publish, [], text, last_shown)


@pytest.mark.parametrize(("last_shown", "created", "when"), [
    ("2026-02-01T00:00:00Z", "2026-02-02T00:00:00Z", edits.AFTER),
    ("2026-01-30T00:00:00Z", "2026-02-02T00:00:00Z", edits.POSSIBLY),
    ("2026-01-20T00:00:00Z", "2026-01-25T00:00:00Z", edits.BEFORE),
])
def test_an_edit_is_after_the_deadline_when_the_old_version_was_served_after_it(last_shown, created, when):
    assert edits.after_deadline(DUE, version(1, "2026-01-10T00:00:00Z", last_shown), version(2, created, None)) == when


def test_version_observations_name_edits_new_dates_and_restated_counts():
    old = version(1, "2026-01-10T00:00:00Z", "2026-03-01T00:00:00Z", text="新收政府信息公开申请12件")
    new = version(2, "2026-03-02T00:00:00Z", None, publish="2026-01-05", text="新收政府信息公开申请99件")
    found = {o.check: o.detail for o in edits.version_observations([old, new], DUE)}
    assert set(found) == {"edited_after_deadline", "redated", "restated"}
    assert "2026-01-20 → 2026-01-05" in found["redated"] and "12 → 99" in found["restated"]
    assert [o.check for o in edits.version_observations([old, new], None)][0] == "edited"


# --- docs -------------------------------------------------------------------------------


@pytest.mark.parametrize("check", sorted(CHECKS))
def test_every_check_is_stated_in_the_docs_with_a_source(check):
    docs = (Path(__file__).resolve().parent.parent / "docs" / "audit.md").read_text(encoding="utf-8")
    table = docs.split("\n## Checks\n")[1].split("\n## ")[0]
    row = next((line for line in table.splitlines() if line.startswith(f"| `{check}` |")), None)
    assert row is not None and row.count("|") == 4 and CHECKS[check].source
