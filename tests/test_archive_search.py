"""search(): trigram FTS for 3+ characters, instr() fallback below, quoting, errors, current versions only."""

from __future__ import annotations

import pytest

from archive import Archive, QueryError
from archive.search import matching_versions_sql
from tests.archive_support import page, report_body

A = "http://a.example/2023/report.html"
B = "http://b.example/notice.html"
C = "http://c.example/old.html"


@pytest.fixture
def filled(db: Archive) -> Archive:
    db.record_capture(page(A, site="a"))  # the standard report text
    db.record_capture(page(B, site="b", body=report_body("关于开展防汛检查的通知。请各单位做好准备。",
                                                         title="防汛通知 FOIA Notice")))
    db.record_capture(page(C, site="c", body=report_body("旧文本：依申请公开情况说明。", title="旧标题")))
    db.record_capture(page(C, site="c", body=report_body("新文本：本年度没有收到申请。", title="新标题")))
    return db


def urls(results: list[dict]) -> list[str]:
    return sorted(r["url"] for r in results)


def test_three_character_phrase_uses_the_trigram_index(filled: Archive) -> None:
    results = filled.search("依申请")
    assert urls(results) == [A]
    assert "[依申请]" in results[0]["snippet"]


@pytest.mark.parametrize("query", ["依申请公开", "政府信息公开", "政府信息公开工作"])
def test_longer_chinese_phrases(filled: Archive, query: str) -> None:
    results = filled.search(query)
    assert urls(results) == [A]
    assert results[0]["report_year"] == 2022 and results[0]["issuer"] == "青岚市人民政府办公室"
    assert results[0]["publish_date"] == "2023-01-20" and results[0]["title"]


def test_title_matches(filled: Archive) -> None:
    assert urls(filled.search("防汛通知")) == [B]


@pytest.mark.parametrize(("query", "expected"), [("公开", [A]), ("报", [A]), ("通知", [B]), ("新", [C]),
                                             ("文本 新", [C])])
def test_one_and_two_character_queries_fall_back_to_a_scan(filled: Archive, query: str,
                                                           expected: list) -> None:
    results = filled.search(query)
    assert urls(results) == expected
    assert all("[" in r["snippet"] and "]" in r["snippet"] for r in results)


def test_fallback_snippet_is_a_window_around_the_match(filled: Archive) -> None:
    snippet = filled.search("防汛")[0]["snippet"]
    assert snippet.startswith("关于开展[防汛]检查")


def test_mixed_long_and_short_terms_must_all_match(filled: Archive) -> None:
    assert urls(filled.search("政府信息公开 总体")) == [A]
    assert filled.search("政府信息公开 防汛") == []


def test_only_current_versions_are_searched(filled: Archive) -> None:
    assert filled.search("旧文本") == []
    assert filled.search("旧") == []
    assert urls(filled.search("没有收到申请")) == [C]


def test_ascii_matching_is_case_insensitive_in_both_paths(filled: Archive) -> None:
    assert urls(filled.search("foia notice")) == [B]
    assert urls(filled.search("fo")) == [B]


def test_removed_documents_stay_searchable_and_say_so(filled: Archive) -> None:
    from tests.archive_support import error
    filled.record_capture(error(A, "not_found", status=404))
    results = filled.search("依申请公开")
    assert [(r["url"], r["status"]) for r in results] == [(A, "removed")]


@pytest.mark.parametrize("query", ['" OR 1=1 --', "NEAR(", 'unbalanced "quote', "AND", "title:公开",
                                   "依申请公开 NOT 通知", "'; DROP TABLE documents; --", "*", "^公开"])
def test_hostile_queries_give_results_or_query_error(filled: Archive, query: str) -> None:
    try:
        results = filled.search(query)
    except QueryError as exc:
        assert str(exc)
    else:
        assert isinstance(results, list)
    assert filled.stats()["documents"]["total"] == 3


def test_operators_are_searched_as_literal_text(filled: Archive) -> None:
    assert filled.search("依申请公开 NOT 通知") == []  # NOT is a term here, and no text contains it
    assert filled.search("NEAR(") == []


def test_every_trigram_present_is_not_enough_the_term_itself_must_be(db: Archive) -> None:
    # "信息公开" and "公开信息" share no order: holding the trigrams of one in scattered places
    # ("信息公" … "息公开" apart) must not match the other
    db.record_capture(page(A, body=report_body("信息公布。息公开了。", title="通知")))
    db.record_capture(page(B, site="b", body=report_body("政府信息公开工作。", title="报告")))
    assert urls(db.search("信息公开")) == [B]
    assert urls(db.search("信息公开", order="relevance")) == [B]


def test_quoted_phrase_keeps_its_spaces(filled: Archive) -> None:
    assert urls(filled.search('"FOIA Notice"')) == [B]
    assert filled.search('"Notice FOIA"') == []


def test_raw_mode_passes_fts_syntax_and_reports_errors(filled: Archive) -> None:
    assert urls(filled.search('"依申请" OR "防汛检"', raw=True)) == [A, B]  # trigram tokens
    with pytest.raises(QueryError, match="phrase queries are not supported"):
        filled.search('"依申请公开"', raw=True)  # the index keeps no positions: use the normal mode
    with pytest.raises(QueryError, match="invalid full-text query"):
        filled.search("NEAR(", raw=True)
    with pytest.raises(QueryError):
        filled.search('"unbalanced', raw=True)


@pytest.mark.parametrize("query", ["", "   ", '""', "x" * 201])
def test_empty_or_oversized_queries_are_refused(filled: Archive, query: str) -> None:
    with pytest.raises(QueryError):
        filled.search(query)


@pytest.mark.parametrize("limit", [0, -1, 1001, "5"])
def test_bad_limits_are_refused(filled: Archive, limit: object) -> None:
    with pytest.raises(QueryError, match="limit"):
        filled.search("公开", limit=limit)


def test_limit_caps_results(filled: Archive) -> None:
    assert len(filled.search("本", limit=1)) == 1



def test_default_order_is_newest_version_first_and_relevance_is_available(db: Archive) -> None:
    for n in range(5):
        text = "依申请公开" * (n + 1) + "。本报告说明政府信息公开工作情况。"
        db.record_capture(page(f"http://qinglan.example/xxgk/t{n}.html", body=report_body(text, title=f"年报{n}")))
    recent = db.search("依申请公开", limit=5)
    assert [hit["version_id"] for hit in recent] == sorted((hit["version_id"] for hit in recent), reverse=True)
    ranked = db.search("依申请公开", limit=5, order="relevance")
    assert urls(ranked) == urls(recent)
    assert ranked[0]["url"].endswith("t4.html")  # bm25: the text that repeats the phrase most
    with pytest.raises(QueryError):
        db.search("依申请公开", order="random")


@pytest.mark.parametrize("query", ["依申请", "依申请公开", "公开", "新", "文本 新", "foia", '"防汛检查"', "没有的词语"])
def test_matching_versions_sql_selects_what_search_finds(filled: Archive, query: str) -> None:
    sql, params = matching_versions_sql(query)
    selected = {row[0] for row in filled.db.execute(sql, params)}
    assert selected == {r["version_id"] for r in filled.search(query, limit=1000)}


def test_matching_versions_sql_raw_and_errors(filled: Archive) -> None:
    sql, params = matching_versions_sql('"依申请" OR "防汛检"', raw=True)
    assert len(list(filled.db.execute(sql, params))) == 2
    for bad in ("", " ", "长" * 201):
        with pytest.raises(QueryError):
            matching_versions_sql(bad)
