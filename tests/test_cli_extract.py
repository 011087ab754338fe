"""`nianbao extract`: readable by default, JSON on request, and a clear refusal of what is no document."""

from __future__ import annotations

import json
import random
from pathlib import Path

from click.testing import CliRunner, Result

from crawler.cli import main
from crawler.text_table import article, plural, render, width

PAGE = ('<html><head><meta charset="utf-8"><title>青岚市2022年政府信息公开工作年度报告</title></head><body>'
        '<div id="zoom"><h1>青岚市2022年政府信息公开工作年度报告</h1><p>本报告依据条例编制，全市公开工作扎实推进。</p>'
        "<p>一、总体情况</p></div></body></html>")


def run(*args: object) -> Result:
    return CliRunner().invoke(main, [str(arg) for arg in args])


def test_plain_output_is_for_people_and_json_for_programs(tmp_path: Path) -> None:
    page = tmp_path / "t1.html"
    page.write_text(PAGE, encoding="utf-8")
    plain = run("extract", page, "--url", "http://qinglan.example/t1.html")
    assert plain.exit_code == 0, plain.output
    lines = plain.output.splitlines()
    assert lines[0] == "青岚市2022年政府信息公开工作年度报告"
    assert "url: http://qinglan.example/t1.html" in lines and "encoding: utf-8" in lines
    assert "本报告依据条例编制，全市公开工作扎实推进。" in plain.output and not plain.output.startswith("{")
    data = json.loads(run("extract", page, "--json").output)
    assert data["title"] == lines[0] and data["encoding"] == "utf-8"


def test_a_directory_is_named_as_one(tmp_path: Path) -> None:
    result = run("extract", tmp_path)
    assert result.exit_code == 1
    assert result.output == f"Error: {tmp_path} is a directory; give one saved page or attachment file\n"


def test_random_bytes_are_refused_instead_of_printed_as_mojibake(tmp_path: Path) -> None:
    noise = tmp_path / "noise.bin"
    noise.write_bytes(random.Random(4).randbytes(40_000))
    for extra in ([], ["--json"]):
        result = run("extract", noise, *extra)
        assert result.exit_code == 1
        assert result.output == (f"Error: {noise}: not a page or an attachment nianbao reads: 40,000 bytes with no "
                                 "HTML that decode only with losses (binary data of an unknown kind?)\n")


def test_a_page_with_a_broken_byte_is_still_extracted(tmp_path: Path) -> None:
    page = tmp_path / "gbk.html"
    page.write_bytes(PAGE.replace('charset="utf-8"', 'charset="gbk"').encode("gbk").replace("编制".encode("gbk"), b"\xff\xfe"))
    result = run("extract", page, "--json")
    assert result.exit_code == 0, result.output
    assert "decode_lossy" in json.loads(result.output)["flags"]


def test_tables_pad_by_display_width_and_words_agree_with_numbers() -> None:
    lines = render(["site", "n"], [["青岚", 1], ["qinglan", 22]], numeric=[1])
    assert lines == ["site      n", "青岚      1", "qinglan  22"]
    assert len({width(line) for line in lines}) == 1
    assert (plural(1, "site"), plural(2, "site"), plural(0, "result")) == ("1 site", "2 sites", "0 results")
    assert (article("asp"), article("trs"), article("ucap"), article("hanweb")) == (
        "an asp", "a trs", "a ucap", "a hanweb")
