"""The gold set gate: nianbao's scores on tests/gold/ must not drop below the pinned floors."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from extract import extract_document
from tests.gold import gate, scoring

REQUIRED_SHAPES = {"layout:pre2019", "layout:2019", "layout:2021", "attachment-only", "attachment:pdf",
                   "attachment:docx", "attachment:xlsx", "attachment:scan", "attachment:truncated", "charset-lie",
                   "table3-unbalanced", "soft-404", "metadata:meta-tags-only", "chrome-in-container", "gbk",
                   # the layouts site: real metadata blocks, date-and-source lines, bodies and list pages
                   "layout:M01", "layout:M43", "line:T01", "line:T22", "body:early-end", "body:js-shell",
                   "body:json-data", "body:twice", "body:read-aloud", "list:L03", "list:L04", "list:L02"}
LAYOUT_SHAPES = 40  # real metadata-block and list-page layouts, one gold page each at least
FAMILIES = {"trs", "hanweb", "trs_shtml", "trs_htm", "hanweb_get", "gkmlpt", "jpaas", "ucap", "asp", "yearly",
            "relocated", "attachments", "hand", "variants"}


@pytest.fixture(scope="module")
def entries() -> list[scoring.Entry]:
    return scoring.load()


@pytest.fixture(scope="module")
def report(entries) -> scoring.Report:
    # as a crawl extracts (OCR deferred): OCR is scored on pages of known text by bench/ocr
    return scoring.score(entries, lambda e: extract_document(e.body, e.url, e.headers, ocr=False))


def test_the_set_covers_every_family_and_shape(entries):
    manifest = json.loads((scoring.GOLD / "manifest.json").read_text(encoding="utf-8"))["entries"]
    assert len(entries) == len(manifest) >= 40
    assert {item["family"] for item in manifest} == FAMILIES
    assert {shape for item in manifest for shape in item["shapes"]} >= REQUIRED_SHAPES
    assert Counter(item["source"] for item in manifest)["hand"] == 2
    layouts = {s for item in manifest for s in item["shapes"] if s.startswith(("layout:", "list:"))}
    assert len(layouts) >= LAYOUT_SHAPES


def test_expected_texts_hold_no_chrome(entries):
    for entry in entries:
        assert scoring.leakage(entry.expected.get("text"), entry.chrome) == 0, entry.id


def test_no_floor_dropped(report):
    floors = json.loads(gate.FLOORS.read_text(encoding="utf-8"))
    problems = gate.regressions(report.summary(), floors)
    assert not problems, (problems, report.misses[:10])


def test_done_when_targets(report):
    summary = report.summary()
    assert summary["chrome_leakage"] == 0, {k: v for k, v in report.leaks.items() if v}
    assert summary["body_f1_mean"] >= 0.98
    low = {field: value for field, value in summary["fields"].items() if value < 0.98}
    assert not low, (low, report.misses[:10])


def test_every_scored_field_is_scored_somewhere(report):
    assert {f for f, hits in report.hits.items() if hits} == set(scoring.FIELDS)


# --- the scoring and the gate themselves --------------------------------------------------


@pytest.mark.parametrize(("expected", "extracted", "f1"), [
    ("政府信息公开", "政府信息公开", 1.0),
    ("政府信息公开", "政府 信息\n公开", 1.0),           # whitespace does not count
    ("规章 | 3 | 0", "规章 3 0", 1.0),                   # nor do cell separators
    ("政府信息公开", "年度报告正文", 0.0),
    (None, None, 1.0),
    ("政府信息公开", None, 0.0),
    ("甲乙丙丁", "甲乙丙", 0.8),                          # 2 of 3 expected bigrams, both found: P=1, R=2/3
])
def test_body_f1(expected, extracted, f1):
    assert scoring.body_f1(expected, extracted) == pytest.approx(f1)


def test_leakage_counts_every_occurrence():
    assert scoring.leakage("当前位置：首页 当前位置 正文", ("当前位置", "版权所有")) == 2


def test_update_refuses_to_lower_a_floor(tmp_path, monkeypatch):
    monkeypatch.setattr(gate, "FLOORS", tmp_path / "floors.json")
    good = {"body_f1_mean": 0.99, "body_f1_min": 0.9, "chrome_leakage": 0, "fields": {"title": 1.0}}
    worse = {**good, "fields": {"title": 0.95}, "chrome_leakage": 1}
    assert gate.update(good, allow_regression=False) == []
    refused = gate.update(worse, allow_regression=False)
    assert refused == ["chrome_leakage: 1 > ceiling 0", "field title: 0.95 < floor 1.0"]
    assert json.loads(gate.FLOORS.read_text()) == good
    assert gate.update(worse, allow_regression=True) == []
    assert json.loads(gate.FLOORS.read_text()) == worse


def test_a_missing_field_is_a_regression():
    floors = {"body_f1_mean": 0.9, "body_f1_min": 0.5, "chrome_leakage": 0, "fields": {"doc_no": 0.9}}
    scores = {"body_f1_mean": 0.95, "body_f1_min": 0.6, "chrome_leakage": 0, "fields": {}}
    assert gate.regressions(scores, floors) == ["field doc_no: None < floor 0.9"]
