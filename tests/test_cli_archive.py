"""The archive commands of the CLI, run with CliRunner against archives built in tmp_path."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import archive
from crawler.cli import main as CLI
from crawler.cli_archive import READER_COMMANDS
from crawler.cli_maintenance import MAINTENANCE_COMMANDS
from extract import EXTRACTOR_VERSION, extract_document
from nianbao.capture import Capture
from tests.archive_support import error, not_modified, page, report_body

URL = "http://qinglan.example/xxgk/2023/t1.html"
OTHER = "http://qinglan.example/xxgk/2023/t2.html"
V2_TEXT = "本报告依据条例编制。\n一、总体情况\n2022年，全市依申请公开办理规范。\n四、存在的问题"


def run(*args: object) -> Result:
    """Invoke a command of the CLI in this process."""
    return CliRunner().invoke(CLI, [str(arg) for arg in args])


@pytest.fixture
def path(tmp_path: Path) -> Path:
    """An archive with a three-version document, a 304, an error and a second document."""
    file = tmp_path / "nianbao.db"
    with archive.open_archive(file) as db:
        db.record_capture(page(URL, fetched_at="2023-01-20T02:00:00Z"))
        db.record_capture(page(URL, fetched_at="2023-03-01T02:00:00Z", doc_no="青政办〔2023〕7号",
                               body=report_body(V2_TEXT)))
        db.record_capture(not_modified(URL))
        db.record_capture(error(URL, "timeout"))
        db.record_capture(page(URL, fetched_at="2023-06-01T02:00:00Z", body=report_body("第三版。")))
        db.record_capture(page(OTHER, fetched_at="2023-06-02T02:00:00Z", body=report_body("另一份。")))
    return file


def library(path: Path) -> archive.Archive:
    """The archive opened read-only, to assert effects through the library."""
    return archive.open_archive(path, readonly=True)


def test_commands_are_registered_on_the_main_cli() -> None:
    for command in (*READER_COMMANDS, *MAINTENANCE_COMMANDS):
        assert CLI.commands[command.name] is command
    assert sorted(CLI.commands["export"].commands) == ["csv", "jsonl", "warc"]


@pytest.mark.parametrize("args", [["history", URL], ["show", URL], ["diff", URL], ["export", "csv", "x.csv"],
                                  ["backup", "b.db"], ["check"], ["reextract"]])
def test_missing_archive_is_a_clear_error(tmp_path: Path, args: list[str]) -> None:
    result = run(*args, "--db", tmp_path / "absent.db")
    assert result.exit_code == 1
    assert f"no archive at {tmp_path / 'absent.db'}" in result.output
    assert not (tmp_path / "absent.db").exists()
    assert isinstance(result.exception, SystemExit)


def test_a_file_that_is_not_an_archive_is_a_clear_error(tmp_path: Path) -> None:
    bogus = tmp_path / "notes.db"
    bogus.write_text("not sqlite at all " * 100)
    for args in (["history", URL], ["check"]):
        result = run(*args, "--db", bogus)
        assert result.exit_code == 1 and "Error:" in result.output, result.output
        assert isinstance(result.exception, SystemExit)


def test_history_table(path: Path) -> None:
    result = run("history", URL, "--db", path)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    with library(path) as db:
        current = db.show(URL)
    assert lines[0] == f"document {current['document_id']}: 青岚市2022年政府信息公开工作年度报告"  # the header names it
    assert lines[1] == f"{URL}  (live, 3 versions, 5 captures)" and lines[2] == ""
    lines = lines[3:]
    assert lines[0].split() == ["fetched_at", "status", "outcome", "version", "sha256", "note"]
    with library(path) as db:
        timeline = db.history(URL)
    assert len(lines) == 1 + len(timeline) + 1 == 7  # the header, a line per capture, when it is next due
    for line, entry in zip(lines[1:], timeline, strict=False):
        assert line.startswith(entry["fetched_at"]) and entry["outcome"] in line
        if entry["sha256"]:
            assert entry["sha256"][:12] in line and entry["sha256"][:13] not in line
    assert "timeout" in lines[4] and "304" in lines[3]
    assert lines[-1].startswith("next visit: from 2023-06-0") and "unchanged" not in lines[-1]


def test_history_json_by_id(path: Path) -> None:
    with library(path) as db:
        doc_id = db.get_version(URL)["document_id"]
        timeline = db.history(URL)
    result = run("history", str(doc_id), "--db", path, "--json")
    assert result.exit_code == 0, result.output
    assert [json.loads(line) for line in result.output.splitlines()] == timeline


def test_history_of_unknown_document(path: Path) -> None:
    result = run("history", "http://nowhere.example/", "--db", path)
    assert result.exit_code == 1 and "no document http://nowhere.example/" in result.output


def test_show_current_version(path: Path) -> None:
    result = run("show", URL, "--db", path)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "青岚市2022年政府信息公开工作年度报告"
    assert "number: 3" in lines and "issuer: 青岚市人民政府办公室" in lines
    assert lines[-1] == "第三版。"


@pytest.mark.parametrize(("option", "number"), [(["--version", "2"], 2), (["--as-of", "2023-03-01"], 2),
                                            (["--as-of", "2023-02-28T23:59:59+00:00"], 1)])
def test_show_by_number_or_date_as_json(path: Path, option: list[str], number: int) -> None:
    result = run("show", URL, *option, "--json", "--db", path)
    assert result.exit_code == 0, result.output
    with library(path) as db:
        assert json.loads(result.output) == db.get_version(URL, number=number)


def test_show_errors(path: Path) -> None:
    before = run("show", URL, "--as-of", "2020-01-01", "--db", path)
    with library(path) as db:
        doc_id = db.show(URL)["document_id"]
    assert before.exit_code == 1
    assert before.output == (f"Error: no version of document {doc_id} existed on 2020-01-01 "
                             "(first captured 2023-01-20T02:00:00Z)\n")
    past_the_last = run("show", URL, "--version", "9", "--db", path)
    assert past_the_last.exit_code == 1 and f"document {doc_id} has no version 9" in past_the_last.output
    both = run("show", URL, "--as-of", "2023-03-01", "--version", "2", "--db", path)
    assert both.exit_code == 1 and "give as_of or number, not both" in both.output
    bad_date = run("show", URL, "--as-of", "March", "--db", path)
    assert bad_date.exit_code == 1 and "not an ISO 8601" in bad_date.output


def test_diff_previous_to_current(path: Path) -> None:
    result = run("diff", URL, "--db", path)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0].endswith(": version 2 → 3")
    assert "doc_no: 青政办〔2023〕7号 → (none)" in result.output
    assert "--- v2" in result.output and "+第三版。" in result.output and "-四、存在的问题" in result.output


def test_diff_explicit_versions_as_json(path: Path) -> None:
    result = run("diff", URL, "1", "2", "--json", "--db", path)
    assert result.exit_code == 0, result.output
    with library(path) as db:
        assert json.loads(result.output) == db.diff(URL, 1, 2)


def test_diff_errors(path: Path) -> None:
    one = run("diff", URL, "1", "--db", path)
    assert one.exit_code == 2 and "give two version numbers" in one.output
    single = run("diff", OTHER, "--db", path)
    assert single.exit_code == 0 and single.output.endswith("has only one version; nothing to compare\n")
    beyond = run("diff", URL, "1", "7", "--db", path)
    assert beyond.exit_code == 1 and "no version 7" in beyond.output


def test_export_jsonl_csv_warc(path: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    jsonl = run("export", "jsonl", out / "v.jsonl", "--all-versions", "--db", path)
    current = run("export", "jsonl", out / "c.jsonl", "--db", path)
    table = run("export", "csv", out / "c.csv", "--db", path)
    warc = run("export", "warc", out / "a.warc.gz", "--db", path)
    for result in (jsonl, current, table, warc):
        assert result.exit_code == 0, result.output
    with library(path) as db:
        every = list(db.versions(current_only=False))
        assert len(every) == 4 and len(list(db.versions())) == 2
    assert [json.loads(line)["version_id"] for line in (out / "v.jsonl").read_text("utf-8").splitlines()] == [
        v["id"] for v in every]
    assert "4 versions written" in jsonl.output and "2 versions written" in current.output
    with open(out / "c.csv", encoding="utf-8-sig", newline="") as handle:
        assert [row["url"] for row in csv.DictReader(handle)] == [URL, OTHER]
    assert (out / "a.warc.gz").read_bytes()[:2] == b"\x1f\x8b"
    assert "records written" in warc.output


def test_export_jsonl_to_stdout(path: Path) -> None:
    result = CliRunner().invoke(CLI, ["export", "jsonl", "-", "--db", str(path)])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["url"] for line in lines] == [URL, OTHER] and lines[0]["text"] == "第三版。"


def test_export_refuses_an_existing_file(path: Path, tmp_path: Path) -> None:
    result = run("export", "warc", path, "--db", path)
    assert result.exit_code == 1 and "refusing to overwrite" in result.output
    with library(path) as db:
        assert db.stats()["versions"] == 4


def test_backup_then_check_of_the_copy(path: Path, tmp_path: Path) -> None:
    dest = tmp_path / "copy.db"
    result = run("backup", dest, "--db", path)
    assert result.exit_code == 0, result.output
    assert f"backup written to {dest}" in result.output and result.output.endswith("check: ok\n")
    with library(dest) as copy, library(path) as live:
        assert copy.stats() == live.stats()
    again = run("backup", dest, "--db", path)
    assert again.exit_code == 1 and "refusing to overwrite" in again.output


def test_check_passes_then_reports_damage(path: Path) -> None:
    result = run("check", "--db", path)
    assert result.exit_code == 0 and result.output == "check: ok\n"
    with archive.open_archive(path) as db:
        db.db.execute("UPDATE documents SET removed_at = '2024-01-01T00:00:00Z' WHERE url = ?", [OTHER])
    damaged = run("check", "--db", path)
    assert damaged.exit_code == 1
    assert damaged.output.startswith("removed document without removed_at: ")


def html(title: str, paragraph: str) -> bytes:
    """A small portal page the real extractor reads."""
    return (f'<html><head><meta charset="utf-8"><title>{title}</title></head><body><div id="zoom">'
            f"<h1>{title}</h1><p>{paragraph}</p><p>一、总体情况</p></div></body></html>").encode()


@pytest.fixture
def stale(tmp_path: Path) -> Path:
    """Two pages judged by an older extractor, one with a title the current extractor would not give."""
    file = tmp_path / "stale.db"
    with archive.open_archive(file) as db:
        for number, url in enumerate((URL, OTHER), start=1):
            body = html(f"青岚市202{number}年政府信息公开工作年度报告", "本报告依据条例编制，全市公开工作扎实推进。")
            extraction = {**extract_document(body, url, {}), "extractor_version": "0"}
            if number == 2:
                extraction["title"] = "旧提取器的标题"
            db.record_capture(Capture(url=url, site="qinglan", status=200, body=body, extraction=extraction,
                                      fetched_at=f"2024-01-0{number}T00:00:00Z"))
    return file


def test_reextract_uses_the_current_extractor(stale: Path) -> None:
    result = run("reextract", "--db", stale)
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"extractor {EXTRACTOR_VERSION}: urls 2, ")
    assert "versions_after 2" in result.output
    with library(stale) as db:
        assert {v["extractor_version"] for v in db.versions(current_only=False)} == {EXTRACTOR_VERSION}
        assert db.get_version(OTHER)["title"] == "青岚市2022年政府信息公开工作年度报告"
        assert db.check() == []
    assert "urls 0," in run("reextract", "--db", stale).output
    assert "urls 2," in run("reextract", "--force", "--db", stale).output


# A gov.cn-style article whose template closes the document before the article: extractor 4 parsed it
# to a page without its body; its 组配分类 was read as 主题分类; it recorded no metadata rules.
EARLY_END = ("<html><head><meta charset='utf-8'><title>青岚市2023年政府信息公开工作年度报告_青岚市人民政府</title>"
             "</head><body><div class='top'><a href='/'>首页</a></div>"
             "<table class='xxgk_article'><tr><td>索引号</td><td>QL-2024-00017</td><td>组配分类</td><td>政府信息公开年报</td>"
             "</tr><tr><td>发布机构</td><td>青岚市人民政府办公室</td><td>成文日期</td><td>2024-01-18</td></tr></table>"
             "</body></html>\n<div class='pages_content' id='UCAP-CONTENT'><p>本报告依据《中华人民共和国政府信息公开条例》编制，"
             "全市政府信息公开工作扎实推进。</p><p>一、总体情况</p></div></body></html>").encode()


def test_reextract_rebuilds_versions_of_an_older_extractor(tmp_path: Path) -> None:
    file = tmp_path / "v4.db"
    with archive.open_archive(file) as db:
        older = {**extract_document(EARLY_END, URL, {}), "extractor_version": "4", "metadata_rules": {},
                 "text": None, "topic": "政府信息公开年报", "stage": None}
        db.record_capture(Capture(url=URL, site="qinglan", status=200, body=EARLY_END, extraction=older,
                                  fetched_at="2024-02-01T00:00:00Z"))
    result = run("reextract", "--db", file)
    assert result.exit_code == 0, result.output
    with library(file) as db:
        version = db.get_version(URL)
        assert version["extractor_version"] == EXTRACTOR_VERSION != "4"
        assert "全市政府信息公开工作扎实推进" in version["text"] and version["topic"] is None
        assert version["metadata_rules"]["issuer"] == "label:发布机构"
        assert db.check() == []
