"""The site registry: every portal nianbao crawls, as data (``crawler/sites.toml``), never as code.

A portal is one ``[[site]]`` table. :func:`load_registry` reads the packaged file (or another
one), validates every entry and optionally merges a user file over it. The format and the
rules are documented in ``docs/registry.md``.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from nianbao import families
from nianbao.errors import RegistryError, UnknownSiteError

__all__ = [
    "FAMILIES", "LEVELS", "NATIONAL_CODE", "Registry", "RegistryError", "SiteEntry", "UnknownSiteError",
    "host_of", "is_http_url", "load_registry", "parse_registry",
]

FAMILIES = families.NAMES
LEVELS = ("province", "prefecture", "county", "township", "department", "central")

# GB/T 2260 has no code for the country itself; central bodies use 100000, the national code
# used by the adcode datasets derived from it.
NATIONAL_CODE = "100000"

# The shape a level's region code must have. Townships and departments carry the code of the
# government they belong to (GB/T 2260 stops at the county), so any local code fits them.
LEVEL_CODE_PATTERNS = {
    "central": re.compile(r"100000", re.ASCII),
    "province": re.compile(r"\d{2}0000", re.ASCII),
    "prefecture": re.compile(r"\d{2}(?!00)\d{2}00", re.ASCII),
    "county": re.compile(r"\d{4}(?!00)\d{2}", re.ASCII),
    "township": re.compile(r"\d{6}", re.ASCII),
    "department": re.compile(r"\d{6}", re.ASCII),
}

# GB/T 2260 province-level prefixes: the first two digits of every local code.
PROVINCES = {
    "11": "北京市", "12": "天津市", "13": "河北省", "14": "山西省", "15": "内蒙古自治区",
    "21": "辽宁省", "22": "吉林省", "23": "黑龙江省",
    "31": "上海市", "32": "江苏省", "33": "浙江省", "34": "安徽省", "35": "福建省",
    "36": "江西省", "37": "山东省",
    "41": "河南省", "42": "湖北省", "43": "湖南省", "44": "广东省", "45": "广西壮族自治区",
    "46": "海南省",
    "50": "重庆市", "51": "四川省", "52": "贵州省", "53": "云南省", "54": "西藏自治区",
    "61": "陕西省", "62": "甘肃省", "63": "青海省", "64": "宁夏回族自治区", "65": "新疆维吾尔自治区",
    "71": "台湾省", "81": "香港特别行政区", "82": "澳门特别行政区",
}

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_LABEL = r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?"
HOSTNAME = re.compile(rf"(?=.{{1,253}}$){_LABEL}(?:\.{_LABEL})*")

REQUIRED_FIELDS = ("name", "title", "region_code", "level", "root")
TEXT_FIELDS = ("name", "title", "region_code", "level", "province", "root", "column", "family", "notes")
LIST_FIELDS = ("start_urls", "allow_hosts", "aliases", "column_selectors")
KNOWN_FIELDS = frozenset(TEXT_FIELDS + LIST_FIELDS)

# A rule's verdict on an entry: None, or the offending field and what is wrong with it.
Problem = tuple[str, str] | None


@dataclass(frozen=True)
class SiteEntry:
    """One portal: who publishes it, where it lives, and how to start crawling it."""

    name: str
    title: str
    region_code: str
    level: str
    root: str
    province: str = ""
    column: str | None = None
    family: str = "unknown"
    start_urls: tuple[str, ...] = ()
    allow_hosts: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    column_selectors: tuple[str, ...] = ()
    notes: str = ""

    def start_urls_or_root(self) -> tuple[str, ...]:
        """Where a crawl of this site starts: the override, else the homepage."""
        return self.start_urls or (self.root,)

    def hosts(self) -> tuple[str, ...]:
        """Hosts this site's crawl may reach: root host, column host, then ``allow_hosts``."""
        column_host = (host_of(self.column),) if self.column else ()
        return tuple(dict.fromkeys((host_of(self.root), *column_host, *self.allow_hosts)))


class Registry:
    """A validated, ordered collection of :class:`SiteEntry`, looked up by name."""

    def __init__(self, sites: list[SiteEntry]) -> None:
        self.sites = list(sites)
        self._by_name = {site.name: site for site in self.sites}

    def __len__(self) -> int:
        return len(self.sites)

    def __iter__(self) -> Iterator[SiteEntry]:
        return iter(self.sites)

    def __contains__(self, name: object) -> bool:
        return name in self._by_name

    def names(self) -> list[str]:
        """Every site name, in file order."""
        return [site.name for site in self.sites]

    def get(self, name: str) -> SiteEntry:
        """The entry called ``name``; :class:`UnknownSiteError` (a KeyError) names close matches."""
        try:
            return self._by_name[name]
        except KeyError:
            raise UnknownSiteError(self._unknown_message(name)) from None

    def merge(self, other: Registry) -> Registry:
        """This registry with ``other``'s entries over it: same name → ``other`` wins, in place."""
        replaced = [other._by_name.get(site.name, site) for site in self.sites]
        added = [site for site in other.sites if site.name not in self._by_name]
        return Registry(replaced + added)

    def _unknown_message(self, name: str) -> str:
        close = difflib.get_close_matches(name, self.names(), n=3, cutoff=0.6)
        if close:
            return f"no site named {name!r} in the registry; did you mean: {', '.join(close)}?"
        return f"no site named {name!r} in the registry ({len(self)} sites; none has a close name)"


def host_of(url: str) -> str:
    """The lower-case host name of an http(s) URL, without port."""
    return (urlsplit(url).hostname or "").lower()


def load_registry(path: Path | None = None, *, extra: Path | None = None) -> Registry:
    """Read and validate a registry (default: the packaged one), then merge ``extra`` over it."""
    if path is None:
        source = resources.files("crawler").joinpath("sites.toml")
        registry = parse_registry(source.read_text(encoding="utf-8"), "crawler/sites.toml")
    else:
        registry = parse_registry(_read(path), str(path))
    if extra is not None:
        registry = registry.merge(parse_registry(_read(extra), str(extra)))
    return registry


def parse_registry(text: str, source: str = "<string>") -> Registry:
    """Parse and validate registry TOML; ``source`` names the file in error messages."""
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RegistryError(f"{source}: not valid TOML: {exc}") from exc
    tables = _site_tables(document, source)
    sites = [_entry(table, source, index) for index, table in enumerate(tables, start=1)]
    _check_unique(sites, source)
    return Registry(sites)


def _read(path: Path) -> str:
    """Text of a registry file, or a RegistryError naming it."""
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RegistryError(f"{path}: cannot read registry file: {exc}") from exc


def _site_tables(document: Mapping[str, Any], source: str) -> list[Mapping[str, Any]]:
    """The ``[[site]]`` tables of a parsed document; nothing else may be at the top level."""
    extra_keys = sorted(set(document) - {"site"})
    if extra_keys:
        raise RegistryError(f"{source}: unknown top-level key(s) {extra_keys}; entries are [[site]] tables")
    tables = document.get("site")
    if not isinstance(tables, list) or not tables:
        raise RegistryError(f"{source}: no [[site]] entries")
    if not all(isinstance(table, dict) for table in tables):
        raise RegistryError(f"{source}: 'site' must be an array of tables, written [[site]]")
    return tables


def _check_unique(sites: list[SiteEntry], source: str) -> None:
    """Names identify sites: two entries in one file may not share one."""
    seen: set[str] = set()
    for site in sites:
        if site.name in seen:
            raise RegistryError(f"{source}: site {site.name!r}: field 'name': duplicate name")
        seen.add(site.name)


# -- one entry ----------------------------------------------------------------------------------


def _entry(table: Mapping[str, Any], source: str, index: int) -> SiteEntry:
    """One validated :class:`SiteEntry` from one ``[[site]]`` table."""
    label = _label(table, source, index)
    _raise_first(TABLE_CHECKS, table, label)
    fields: dict[str, Any] = {key: table[key] for key in TEXT_FIELDS if key in table}
    fields.update({key: tuple(table[key]) for key in LIST_FIELDS if key in table})
    entry = SiteEntry(**fields)
    _raise_first(ENTRY_CHECKS, entry, label)
    return entry


def _raise_first(checks: tuple[Callable[[Any], Problem], ...], subject: Any, label: str) -> None:
    """Run ``checks`` in order; the first problem found becomes a :class:`RegistryError`."""
    for check in checks:
        problem = check(subject)
        if problem is not None:
            field, message = problem
            raise RegistryError(f"{label}: field {field!r}: {message}")


def _label(table: Mapping[str, Any], source: str, index: int) -> str:
    """How messages name an entry: by its name, else by its position in the file."""
    name = table.get("name")
    return f"{source}: site {name!r}" if isinstance(name, str) and name else f"{source}: site #{index}"


def _known_fields(table: Mapping[str, Any]) -> Problem:
    """Unknown keys are typos (``colum``) that would otherwise be ignored."""
    unknown = sorted(set(table) - KNOWN_FIELDS)
    return (unknown[0], f"unknown field; known: {', '.join(sorted(KNOWN_FIELDS))}") if unknown else None


def _required_fields(table: Mapping[str, Any]) -> Problem:
    """The fields every entry needs, and no empty ``column``."""
    for key in REQUIRED_FIELDS:
        if not table.get(key):
            return key, "required and must not be empty"
    if table.get("column") == "":
        return "column", "empty; leave the field out when the column is unknown"
    return None


def _field_types(table: Mapping[str, Any]) -> Problem:
    """Text fields are strings; list fields are lists of non-empty strings."""
    for key in TEXT_FIELDS:
        if key in table and not isinstance(table[key], str):
            return key, "must be a string"
    for key in LIST_FIELDS:
        if key in table and not _is_string_list(table[key]):
            return key, "must be a list of non-empty strings"
    return None


def _is_string_list(value: object) -> bool:
    """True for a list whose items are all non-empty strings."""
    return isinstance(value, list) and all(isinstance(item, str) and item for item in value)


TABLE_CHECKS = (_known_fields, _required_fields, _field_types)


def _check_slug(entry: SiteEntry) -> Problem:
    """Names are slugs: they end up in file names, URLs and the archive."""
    if not SLUG.fullmatch(entry.name):
        return "name", f"{entry.name!r} is not a slug: lower-case a-z, 0-9 and single inner hyphens"
    return None


def _check_level(entry: SiteEntry) -> Problem:
    """The level is one of :data:`LEVELS`."""
    if entry.level not in LEVELS:
        return "level", f"unknown level {entry.level!r}; expected one of {', '.join(LEVELS)}"
    return None


def _check_family(entry: SiteEntry) -> Problem:
    """The family is one of :data:`FAMILIES`."""
    if entry.family not in FAMILIES:
        return "family", f"unknown family {entry.family!r}; expected one of {', '.join(FAMILIES)}"
    return None


def _check_region_code(entry: SiteEntry) -> Problem:
    """Six digits, shaped for the level, 100000 only for central bodies."""
    code = entry.region_code
    if not re.fullmatch(r"[0-9]{6}", code):
        return "region_code", f"{code!r} is not a 6-digit GB/T 2260 code"
    if not LEVEL_CODE_PATTERNS[entry.level].fullmatch(code):
        return "region_code", f"{code} does not fit level {entry.level!r} (see docs/registry.md)"
    if entry.level != "central" and code == NATIONAL_CODE:
        return "region_code", f"{NATIONAL_CODE} is reserved for level 'central'"
    return None


def _check_province(entry: SiteEntry) -> Problem:
    """Central bodies have no province; every other entry names the one its code is in."""
    if entry.level == "central":
        return ("province", "central bodies have no province; leave it out") if entry.province else None
    expected = PROVINCES.get(entry.region_code[:2])
    if expected is None:
        return "region_code", f"{entry.region_code} has no known province prefix"
    if not entry.province:
        return "province", f"required for level {entry.level!r} (region code {entry.region_code}: {expected})"
    if entry.province != expected:
        return "province", f"{entry.province!r} does not match region code {entry.region_code} ({expected})"
    return None


def _linked_urls(entry: SiteEntry) -> list[tuple[str, str]]:
    """The column and start URLs, each with the field it came from."""
    column = [("column", entry.column)] if entry.column else []
    return column + [("start_urls", url) for url in entry.start_urls]


def _check_urls(entry: SiteEntry) -> Problem:
    """Root, column and start URLs are absolute http(s) URLs."""
    for field, url in [("root", entry.root), *_linked_urls(entry)]:
        if not is_http_url(url):
            return field, f"{url!r} is not an http(s) URL"
    return None


def is_http_url(url: str) -> bool:
    """True for an absolute http(s) URL with a host and no whitespace."""
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. an unclosed IPv6 bracket
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname) and not any(c.isspace() for c in url)


def _check_allow_hosts(entry: SiteEntry) -> Problem:
    """``allow_hosts`` holds bare host names, as offsite filtering compares them."""
    for host in entry.allow_hosts:
        if not HOSTNAME.fullmatch(host):
            return "allow_hosts", f"{host!r} is not a bare lower-case host name (no scheme, port or path)"
    return None


def _check_aliases(entry: SiteEntry) -> Problem:
    """``aliases`` are bare host names the site is also known under, other than its own hosts."""
    for host in entry.aliases:
        if not HOSTNAME.fullmatch(host):
            return "aliases", f"{host!r} is not a bare lower-case host name (no scheme, port or path)"
        if host in (host_of(entry.root), *entry.allow_hosts):
            return "aliases", f"{host!r} is already one of the site's hosts; an alias names another one"
    return None


def _check_hosts_reachable(entry: SiteEntry) -> Problem:
    """Column and start URLs sit on the root host or on an allowed host."""
    # A column or start URL on a host the crawl may not visit would be dropped as offsite.
    allowed = {host_of(entry.root), *entry.allow_hosts}
    for field, url in _linked_urls(entry):
        if host_of(url) not in allowed:
            return field, f"host {host_of(url)!r} is not the root host nor in allow_hosts"
    return None


ENTRY_CHECKS = (
    _check_slug, _check_level, _check_family, _check_region_code, _check_province,
    _check_urls, _check_allow_hosts, _check_aliases, _check_hosts_reachable,
)
