"""Docs stay in step with the code: every command in the README, every setting in docs/settings.md."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from crawler import settings
from crawler.cli import main

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("command", sorted(main.commands))
def test_every_command_is_in_the_readme(command):
    assert f"nianbao {command}" in (ROOT / "README.md").read_text(encoding="utf-8")


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
