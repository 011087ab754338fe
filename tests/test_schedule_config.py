"""The scheduler's config file is checked key by key; a missing one is an error, never a crawl of every portal."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from crawler.cli import main
from crawler.schedule import crawl_command
from crawler.schedule_config import ConfigError, load_config
from tests.conftest import ROOT, closed_port_url

GOOD = """
[scheduler]
db = "x.db"
time_limit_seconds = 600

[[scheduler.group]]
name = "provinces"
sites = ["beijing"]
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "nianbao.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_good_config_loads(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, GOOD))
    assert config.db == "x.db"
    assert [(g.name, g.sites, g.time_limit_seconds, g.label) for g in config.groups] == [
        ("provinces", ("beijing",), 600, "scheduler:provinces")]


def test_a_group_may_run_distributed(tmp_path: Path) -> None:
    text = GOOD.replace('sites = ["beijing"]', 'sites = ["beijing"]\nredis = "redis://127.0.0.1:6379/0"\nredis_workers = 3')
    (group,) = load_config(write(tmp_path, text)).groups
    assert (group.redis, group.redis_workers) == ("redis://127.0.0.1:6379/0", 3)
    (local,) = load_config(write(tmp_path, GOOD)).groups
    assert local.redis is None


def test_a_distributed_group_s_revisit_ceiling_reaches_its_writer(tmp_path: Path) -> None:
    """The writer judges which documents are due and plans their visits: it needs the crawl's ceiling."""
    from crawler.distributed.processes import _writer_options
    from crawler.schedule import crawl_command

    text = GOOD.replace('sites = ["beijing"]', 'sites = ["beijing"]\ncrawl_args = ["-s", "NIANBAO_REVISIT_CEILING_DAYS=3"]')
    (group,) = load_config(write(tmp_path, text)).groups
    assert _writer_options(crawl_command(group, "a.db")) == ["--revisit-ceiling-days", "3"]
    (plain,) = load_config(write(tmp_path, GOOD)).groups
    assert _writer_options(crawl_command(plain, "a.db")) == []


def test_groups_read_scans_after_their_crawl_unless_told_not_to(tmp_path: Path) -> None:
    two = GOOD + '\n[[scheduler.group]]\nname = "cities"\nsites = ["*"]\nocr = false\n'
    provinces, cities = load_config(write(tmp_path, two)).groups
    assert (provinces.ocr, cities.ocr) == (True, False)
    assert "--ocr" in crawl_command(provinces, "x.db") and "--ocr" not in crawl_command(cities, "x.db")


@pytest.mark.parametrize(("text", "message"), [
    (GOOD.replace('sites = ["beijing"]', 'sites = ["beijing"]\nredis_workers = 0'),
     "[[scheduler.group]] #1 'provinces': key 'redis_workers' must be positive"),
    (GOOD.replace('sites = ["beijing"]', 'sites_ = ["beijing"]'),
     "[[scheduler.group]] #1: unknown key 'sites_'; did you mean 'sites'?"),
    (GOOD.replace("time_limit_seconds = 600", "time_limit = 600"),
     "[scheduler]: unknown key 'time_limit'; did you mean 'time_limit_seconds'?"),
    (GOOD.replace("time_limit_seconds = 600", 'time_limit_seconds = "600"'),
     "[scheduler]: key 'time_limit_seconds' must be a whole number, not '600'"),
    (GOOD.replace('sites = ["beijing"]', 'sites = "beijing"'),
     "[[scheduler.group]] #1: key 'sites' must be a list, not 'beijing'"),
    (GOOD.replace('sites = ["beijing"]', 'sites = ["beijign"]'),
     "[[scheduler.group]] #1 'provinces': key 'sites': no site named 'beijign' in the registry; did you mean: beijing"),
    (GOOD.replace('name = "provinces"\n', 'name = "provinces"\ncron = "every night"\n'),
     "[[scheduler.group]] #1 'provinces': key 'cron': 'every night' is not a cron line"),
    (GOOD.replace('name = "provinces"\n', 'name = "provinces"\ntimezone = "Asia/Beijing"\n'),
     "[[scheduler.group]] #1 'provinces': key 'timezone': unknown time zone 'Asia/Beijing'"),
    (GOOD.replace('name = "provinces"\n', ""), "[[scheduler.group]] #1: key 'name' is required"),
    (GOOD.replace('sites = ["beijing"]', ""),
     "[[scheduler.group]] #1 'provinces': give either 'sites' (registry names, or [\"*\"] for all) or 'start_urls'"),
    (GOOD.split("[[scheduler.group]]")[0], "[scheduler] has no [[scheduler.group]]"),
    ("[schedular]\ndb = 'x.db'\n", "top level: unknown key 'schedular'; did you mean 'scheduler'?"),
    ("[archive]\ndb = 'x.db'\n", "no [scheduler] table"),
    (GOOD + "\n[[scheduler.group]]\nname = \"provinces\"\nsites = [\"*\"]\n",
     "two [[scheduler.group]] tables are named 'provinces'"),
    ("[scheduler\n", "not valid TOML"),
    (GOOD.replace('sites = ["beijing"]', 'sites = ["beijing"]\nocr = "no"'),
     "[[scheduler.group]] #1: key 'ocr' must be true or false, not 'no'"),
])
def test_each_mistake_names_the_file_and_the_key(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as raised:
        load_config(path)
    assert str(raised.value).startswith(f"{path}: ")
    assert message in str(raised.value)


def test_a_config_typo_is_one_line_from_the_command(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("sites =", "site ="))
    result = CliRunner().invoke(main, ["schedule", "--config", str(path), "--once"])
    assert result.exit_code == 1
    assert result.output == f"Error: {path}: [[scheduler.group]] #1: unknown key 'site'; did you mean 'sites'?\n"


def test_no_config_file_is_an_error_not_a_crawl_of_every_portal(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, str(ROOT / "scheduler.py"), "--once"], cwd=tmp_path,
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 1
    assert result.stderr.startswith("Error: no config file: give --config FILE, or write nianbao.toml here")
    assert len(result.stderr.splitlines()) == 1 and result.stdout == ""
    assert list(tmp_path.iterdir()) == []  # no archive: nothing was crawled


def test_scheduler_once_passes_on_a_failed_crawl_and_logs_it_as_an_error(tmp_path: Path) -> None:
    db = tmp_path / "nianbao.db"
    path = write(tmp_path, f'[scheduler]\ndb = "{db}"\n\n[[scheduler.group]]\nname = "dead"\n'
                           f'start_urls = ["{closed_port_url()}"]\ncrawl_args = ["--delay", "0"]\n')
    result = subprocess.run([sys.executable, "scheduler.py", "--config", str(path), "--once"], cwd=ROOT,
                            capture_output=True, text=True, timeout=240, check=False)
    assert result.returncode == 1, result.stderr
    log = [json.loads(line) for line in result.stdout.splitlines()]
    end = next(e for e in log if e["event"] == "crawl_end")
    assert (end["exit_code"], end["level"]) == (1, "error")
    assert any(e["event"] == "crawl_output" and "no site could be crawled" in e["line"] for e in log)


def test_scheduler_is_no_longer_an_installed_top_level_module() -> None:
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "py-modules" not in project["tool"].get("setuptools", {})
    assert (ROOT / "scheduler.py").read_text(encoding="utf-8").count("\n") < 15  # a thin script
