"""The scheduler's configuration: the ``[scheduler]`` table of ``nianbao.toml``, checked key by key.

A mistake is a :class:`ConfigError` naming the file, the table and the key (and the key meant, for
a typo), never a TypeError later. There are no default groups: which sites to crawl every night is
the one thing the file must say.
"""

from __future__ import annotations

import difflib
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from apscheduler.triggers.cron import CronTrigger

from crawler.registry import RegistryError, load_registry
from nianbao.errors import ConfigError

DEFAULT_CONFIG = Path("nianbao.toml")
DEFAULT_CRON = "0 2 * * *"
DEFAULT_TIMEZONE = "Asia/Shanghai"

# key -> type, for [scheduler] (whose scheduling keys are defaults for every group) and each group.
SHARED_KEYS: dict[str, type] = {"cron": str, "timezone": str, "time_limit_seconds": int, "misfire_grace_seconds": int,
                                  "ocr": bool}
SCHEDULER_KEYS: dict[str, type] = {"db": str, "group": list, **SHARED_KEYS}
GROUP_KEYS: dict[str, type] = {"name": str, "sites": list, "start_urls": list, "crawl_args": list, "redis": str,
                               "redis_workers": int, **SHARED_KEYS}
TOP_LEVEL_KEYS: dict[str, type] = {"scheduler": dict, "archive": dict}
ARCHIVE_KEYS: dict[str, type] = {"db": str}


@dataclass(frozen=True)
class Group:
    """A set of sites crawled together on one schedule."""

    name: str
    cron: str = DEFAULT_CRON
    timezone: str = DEFAULT_TIMEZONE
    sites: tuple[str, ...] = ()
    start_urls: tuple[str, ...] = ()
    time_limit_seconds: int = 6 * 3600
    misfire_grace_seconds: int = 3600
    crawl_args: tuple[str, ...] = ()
    redis: str | None = None  # distributed: a writer and redis_workers workers share this Redis
    redis_workers: int = 2
    ocr: bool = True  # read scanned pages by OCR after the crawl (`nianbao crawl --ocr`), within the time limit

    @property
    def label(self) -> str:
        return f"scheduler:{self.name}"


@dataclass(frozen=True)
class Config:
    db: str
    groups: tuple[Group, ...]


def find_config(path: Path | None) -> Path:
    """``path``, else ./nianbao.toml; ConfigError when there is none."""
    if path is not None:
        return path
    if DEFAULT_CONFIG.is_file():
        return DEFAULT_CONFIG
    raise ConfigError(f"no config file: give --config FILE, or write {DEFAULT_CONFIG} here with a [scheduler] "
                      "table and one [[scheduler.group]] per set of sites (README, Nightly refresh)")


def load_config(path: Path) -> Config:
    """The checked ``[scheduler]`` table of ``path``."""
    data = _read(path)
    _check_keys(data, TOP_LEVEL_KEYS, f"{path}: top level")
    _check_keys(data.get("archive", {}), ARCHIVE_KEYS, f"{path}: [archive]")
    section = data.get("scheduler")
    if section is None:
        raise ConfigError(f"{path}: no [scheduler] table; add one with [[scheduler.group]] tables (README, Nightly refresh)")
    _check_keys(section, SCHEDULER_KEYS, f"{path}: [scheduler]")
    defaults = {key: section[key] for key in SHARED_KEYS if key in section}
    raw_groups = section.get("group") or []
    if not raw_groups:
        raise ConfigError(f"{path}: [scheduler] has no [[scheduler.group]]: name the sites to crawl "
                          '(sites = ["beijing"], sites = ["*"] for the whole registry, or start_urls = [...])')
    groups = tuple(_group(raw, defaults, f"{path}: [[scheduler.group]] #{n}") for n, raw in enumerate(raw_groups, 1))
    _check_unique(groups, path)
    db = section.get("db", data.get("archive", {}).get("db", "nianbao.db"))
    return Config(db=db, groups=groups)


def _read(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the config file: {exc.strerror}") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc


def _check_keys(table: Any, known: Mapping[str, type], where: str) -> None:
    """Every key known (a typo names the key meant) and of its type."""
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: must be a table")
    for key, value in table.items():
        if key not in known:
            close = difflib.get_close_matches(key, known, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else f"; known keys: {', '.join(sorted(known))}"
            raise ConfigError(f"{where}: unknown key {key!r}{hint}")
        expected = known[key]
        if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            raise ConfigError(f"{where}: key {key!r} must be {_TYPE_NAMES[expected]}, not {value!r}")


_TYPE_NAMES = {str: "a string", int: "a whole number", bool: "true or false", list: "a list", dict: "a table"}


def _group(raw: Any, defaults: dict[str, Any], where: str) -> Group:
    """One checked group; ``defaults`` are the [scheduler] table's scheduling keys."""
    _check_keys(raw, GROUP_KEYS, where)
    if "name" not in raw:
        raise ConfigError(f"{where}: key 'name' is required")
    where = f"{where} {raw['name']!r}"
    values = {**defaults, **raw}
    for key in ("sites", "start_urls", "crawl_args"):
        if not all(isinstance(item, str) and item for item in values.get(key, [])):
            raise ConfigError(f"{where}: key {key!r} must be a list of non-empty strings")
        values[key] = tuple(values.get(key, ()))
    group = Group(**values)
    _check_group(group, where)
    return group


def _check_group(group: Group, where: str) -> None:
    """What a group needs to run: sites or start URLs (not both), a cron line, a time zone, positive limits."""
    if bool(group.sites) == bool(group.start_urls):
        raise ConfigError(f"{where}: give either 'sites' (registry names, or [\"*\"] for all) or 'start_urls'")
    for key in ("time_limit_seconds", "misfire_grace_seconds", "redis_workers"):
        if getattr(group, key) <= 0:
            raise ConfigError(f"{where}: key {key!r} must be positive")
    try:
        make_trigger(group)
    except ZoneInfoNotFoundError as exc:
        raise ConfigError(f"{where}: key 'timezone': unknown time zone {group.timezone!r}") from exc
    except ValueError as exc:
        raise ConfigError(f"{where}: key 'cron': {group.cron!r} is not a cron line ({exc})") from exc
    _check_sites(group, where)


def _check_sites(group: Group, where: str) -> None:
    """Registry names that exist (a crawl would otherwise fail every night)."""
    names = [name for name in group.sites if name != "*"]
    if not names:
        return
    registry = load_registry(extra=_user_registry(group.crawl_args))
    for name in names:
        try:
            registry.get(name)
        except RegistryError as exc:
            raise ConfigError(f"{where}: key 'sites': {exc}") from exc


def _user_registry(crawl_args: tuple[str, ...]) -> Path | None:
    """The ``--registry FILE`` a group's crawl arguments name, if any."""
    for n, arg in enumerate(crawl_args):
        if arg == "--registry" and n + 1 < len(crawl_args):
            return Path(crawl_args[n + 1])
        if arg.startswith("--registry="):
            return Path(arg.split("=", 1)[1])
    return None


def _check_unique(groups: tuple[Group, ...], path: Path) -> None:
    names = [group.name for group in groups]
    for name in names:
        if names.count(name) > 1:
            raise ConfigError(f"{path}: two [[scheduler.group]] tables are named {name!r}; names identify groups")


def make_trigger(group: Group) -> CronTrigger:
    """A cron trigger; six fields means seconds first (for fast schedules in tests)."""
    ZoneInfo(group.timezone)
    fields = group.cron.split()
    if len(fields) == 6:
        second, minute, hour, day, month, dow = fields
        return CronTrigger(second=second, minute=minute, hour=hour, day=day, month=month, day_of_week=dow,
                           timezone=group.timezone)
    return CronTrigger.from_crontab(group.cron, timezone=group.timezone)
