"""Older versions' text stored as deltas against the current text: smaller, exact in plain SQL, checked."""

from __future__ import annotations

import json
import logging
import random
import sqlite3
from pathlib import Path

import pytest

from archive import Archive, open_archive, text_deltas
from tests.archive_support import (
    error,
    page,
    report_body,
    toy_extract_v2,
    undo_text_deltas,
)

URL = "http://qinglan.example/xxgk/2023/t1.html"
PARAGRAPHS = [f"第{n}段：本年度政府信息公开工作稳步推进，依申请公开答复{n * 37}件。" for n in range(30)]


def edited(number: int) -> str:
    """The report text after ``number`` edits, each rewriting one paragraph."""
    return "\n".join(f"{p}（第{number}次修订）" if i == number else p for i, p in enumerate(PARAGRAPHS))


def rows(db: Archive) -> list[tuple[int, str | None, int | None, str | None]]:
    """(number, stored text, text_base, text_delta) of URL's versions, in order."""
    return db.db.execute(
        "SELECT r.number, r.text, r.text_base, r.text_delta FROM version_rows r "
        "JOIN documents d ON d.id = r.document_id WHERE d.url = ? ORDER BY r.number", [URL]).fetchall()


def plain_sql_texts(path: Path) -> list[str]:
    """Every version's text of URL as a plain sqlite3 connection reads it, no nianbao code involved."""
    with sqlite3.connect(path) as conn:
        return [row[0] for row in conn.execute(
            "SELECT v.text FROM versions v JOIN documents d ON d.id = v.document_id WHERE d.url = ? "
            "ORDER BY v.number", [URL])]


def rebuilt_in_sql(delta: list, base: str) -> str:
    """What the versions view's SQL makes of a delta against ``base``."""
    with sqlite3.connect(":memory:") as conn:
        conn.execute("CREATE TABLE version_rows (id INTEGER PRIMARY KEY, text TEXT, text_base INTEGER, "
                     "text_delta TEXT)")
        conn.execute("INSERT INTO version_rows VALUES (1, ?, NULL, NULL), (2, NULL, 1, ?)",
                     [base, json.dumps(delta, ensure_ascii=False)])
        return conn.execute(f"SELECT {text_deltas.TEXT_SQL} FROM version_rows r WHERE r.id = 2").fetchone()[0]


@pytest.mark.parametrize("seed", range(40))
def test_the_view_rebuilds_any_edited_text_from_its_delta(seed: int) -> None:
    rng = random.Random(seed)
    lines = [rng.choice(["", "一、总体情况", "\r", "共5件。", "表格\t行", "末行"]) + str(rng.randrange(9))
             for _ in range(rng.randrange(0, 40))]
    base = rng.choice(["\n", "\r\n", "\u2028"]).join(lines) + rng.choice(["", "\n"])
    edited_lines = list(lines)
    for _ in range(rng.randrange(0, 6)):
        at = rng.randrange(len(edited_lines) + 1)
        action = rng.choice(["insert", "delete", "change"])
        if action == "insert" or not edited_lines:
            edited_lines.insert(at, f"新增{rng.random()}")
        elif action == "delete":
            del edited_lines[min(at, len(edited_lines) - 1)]
        else:
            edited_lines[min(at, len(edited_lines) - 1)] += "改"
    text = "\n".join(edited_lines)
    delta = text_deltas.encode(text, base)
    assert (rebuilt_in_sql(delta, base) if delta else "") == text


def test_older_versions_are_small_deltas_and_every_text_reads_back_in_plain_sql(db: Archive) -> None:
    for number in range(4):
        db.record_capture(page(URL, body=report_body(edited(number))))
    stored = rows(db)
    current_id = db.db.execute("SELECT current_version_id FROM documents WHERE url = ?", [URL]).fetchone()[0]
    assert stored[-1][1] == edited(3) and stored[-1][2] is None and stored[-1][3] is None
    for number, text, base, delta in stored[:-1]:
        assert text is None and base == current_id  # every older text against the current one
        assert len(delta.encode()) * 5 < len(edited(number - 1).encode())
    assert plain_sql_texts(db.path) == [edited(n) for n in range(4)]
    assert [db.get_version(URL, number=n)["text"] for n in range(1, 5)] == [edited(n) for n in range(4)]
    assert [v["text"] for v in db.versions(current_only=False)] == [edited(n) for n in range(4)]
    assert "+第1段：本年度政府信息公开工作稳步推进，依申请公开答复37件。（第1次修订）" in db.diff(URL, 1, 2)["text_diff"]


def test_a_text_with_nothing_in_common_stays_plain(db: Archive) -> None:
    db.record_capture(page(URL, body=report_body(edited(0))))
    db.record_capture(page(URL, body=report_body("页面已改版，请访问新栏目。")))
    assert [(text is not None, delta) for _, text, _, delta in rows(db)] == [(True, None), (True, None)]
    assert plain_sql_texts(db.path) == [edited(0), "页面已改版，请访问新栏目。"]


def test_a_removed_report_keeps_its_texts_and_a_return_rebases_them(db: Archive) -> None:
    db.record_capture(page(URL, body=report_body(edited(0))))
    db.record_capture(page(URL, body=report_body(edited(1))))
    db.record_capture(error(URL, "not_found", status=404))
    assert plain_sql_texts(db.path) == [edited(0), edited(1)]
    db.record_capture(page(URL, body=report_body(edited(2))))
    assert [base for _, _, base, _ in rows(db)] == [_current(db), _current(db), None]
    assert plain_sql_texts(db.path) == [edited(0), edited(1), edited(2)]


def _current(db: Archive) -> int:
    return db.db.execute("SELECT current_version_id FROM documents WHERE url = ?", [URL]).fetchone()[0]


def test_reextract_rewrites_texts_and_deltas_against_the_new_current_text(db: Archive) -> None:
    for number in range(3):
        db.record_capture(page(URL, body=report_body(edited(number) + "\n浏览次数：12")))
    before = plain_sql_texts(db.path)
    assert db.reextract(toy_extract_v2, extractor_version="2")["versions_after"] == 3
    assert plain_sql_texts(db.path) == [text.replace("\n浏览次数：12", "") for text in before]
    assert [base for _, _, base, _ in rows(db)] == [_current(db), _current(db), None]


def test_a_delta_the_view_does_not_rebuild_is_not_kept(db: Archive, monkeypatch, caplog) -> None:
    # An encoder off by one: the older text is the start of the newer one, asked for from its
    # second character.
    monkeypatch.setattr(text_deltas, "encode", lambda text, base: [[2, len(text)]])
    db.record_capture(page(URL, body=report_body(edited(0))))
    with caplog.at_level(logging.WARNING, logger="archive.text_deltas"):
        db.record_capture(page(URL, body=report_body(edited(0) + "\n追加一段。")))
    assert "does not rebuild the text; kept plain" in caplog.text
    assert [(text, delta) for _, text, _, delta in rows(db)][0] == (edited(0), None)
    assert plain_sql_texts(db.path)[0] == edited(0)


def test_a_text_with_nul_characters_reads_back_exactly(db: Archive) -> None:
    # SQLite's text functions may stop at a NUL; whatever is stored, the text must come back whole.
    older = edited(0).replace("第3段", "第3\x00段")
    db.record_capture(page(URL, body=report_body(older)))
    db.record_capture(page(URL, body=report_body(older + "\n追加一段。")))
    assert plain_sql_texts(db.path) == [older, older + "\n追加一段。"]
    assert db.get_version(URL, number=1)["text"] == older


def test_check_reports_a_delta_on_the_wrong_base_and_one_that_does_not_rebuild(db: Archive) -> None:
    db.record_capture(page(URL, body=report_body(edited(0))))
    db.record_capture(page(URL, body=report_body(edited(1))))
    first = rows(db)[0]
    db.db.execute("UPDATE version_rows SET text_base = NULL WHERE number = 1")
    db.db.conn.commit()
    problems = {p.split(":")[0] for p in db.check()}
    assert "older version's text delta is not based on its document's current version" in problems
    assert "older version's text delta does not rebuild a text" in problems
    db.db.execute("UPDATE version_rows SET text_base = ?, text_delta = ? WHERE number = 1",
                  [_current(db), first[3]])  # restored, so the fixture's check passes
    db.db.conn.commit()


def test_a_schema_8_archive_gets_its_older_texts_as_deltas(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with open_archive(path) as store:
        for number in range(3):
            store.record_capture(page(URL, body=report_body(edited(number))))
    conn = sqlite3.connect(path)
    undo_text_deltas(conn)
    conn.commit()
    assert [row[0] for row in conn.execute("SELECT text FROM versions ORDER BY number")] == [
        edited(n) for n in range(3)]
    conn.close()
    with open_archive(path) as store:
        assert [delta is not None for _, _, _, delta in rows(store)] == [True, True, False]
        assert all(json.loads(delta) for _, _, _, delta in rows(store)[:2])
        assert store.check() == []
    assert plain_sql_texts(path) == [edited(n) for n in range(3)]
