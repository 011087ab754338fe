"""Docs stay in step with the code: every command in the README, every setting in docs/settings.md."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from crawler import settings
from crawler.cli import main

ROOT = Path(__file__).resolve().parent.parent


def every_command(group=main, prefix="nianbao"):
    """``nianbao search``, ``nianbao export jsonl`` …: every command a user can type."""
    import click

    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            yield from every_command(command, f"{prefix} {name}")
        else:
            yield f"{prefix} {name}"


@pytest.mark.parametrize("command", sorted(every_command()))
def test_every_command_is_in_the_readme(command):
    assert f"`{command}" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_readme_command_table_is_generated_from_help(tmp_path):
    """`cog --check README.md`: the table matches what --help says today."""
    from cogapp import Cog

    assert Cog().main(["cog", "--check", str(ROOT / "README.md")]) == 0, "run: cog -r README.md"
    stale = tmp_path / "README.md"
    stale.write_text((ROOT / "README.md").read_text(encoding="utf-8").replace(
        "| `nianbao stats` |", "| `nianbao stats --old` |"), encoding="utf-8")
    assert Cog().main(["cog", "--check", str(stale)]) != 0  # a drifted table fails


def test_every_exit_code_is_in_the_readme_table():
    from crawler import exit_codes

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("### Exit codes"):]
    for name in ("OK", "FAILED", "USAGE", "PARTIAL", "BUSY"):
        assert f"\n| {getattr(exit_codes, name)} | " in table, name
    assert "| 130, 143 |" in table and exit_codes.stopped_by(15) == 143


def test_every_run_status_is_documented():
    from archive.runs import FINAL_STATUSES

    archive_doc = (ROOT / "docs" / "archive.md").read_text(encoding="utf-8")
    for status in FINAL_STATUSES:
        assert f"`{status}`" in archive_doc, status


@pytest.mark.parametrize("name", sorted(n for n in dir(settings) if n.startswith("NIANBAO_")))
def test_every_nianbao_setting_is_documented(name):
    assert f"`{name}`" in (ROOT / "docs" / "settings.md").read_text(encoding="utf-8")


def test_every_setting_the_code_reads_exists():
    used = set()
    for path in [*ROOT.glob("crawler/*.py"), *ROOT.glob("spiders/*.py")]:
        used |= set(re.findall(r"NIANBAO_[A-Z_]+", path.read_text(encoding="utf-8")))
    assert used <= {n for n in dir(settings) if n.startswith("NIANBAO_")}


def test_readme_starts_with_the_two_commands_ci_runs():
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    block = lines[lines.index("```sh") + 1: lines.index("```sh") + 3]
    assert block[0].endswith("nianbao demo")
    assert block[1] in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
