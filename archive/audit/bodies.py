"""Who a report is by: one identity per issuing body across years and sites, and its level.

The body is named by the report's title (the words before or after the year: 青岚市教育局2023年…),
else by its 发布机构; names are normalised (whitespace, brackets, 政府 → 人民政府, the variants of
``bodies.toml``) and followed through the 机构改革 renames of ``bodies.toml`` to their newest name.
The level (government, department, township) decides the deadline; docs/audit.md states the rules.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

RULES_FILE = "bodies.toml"
# Names before or after the year in a 年报 title: 青岚市教育局2023年… / 2023年度青岚市教育局政府信息公开…
_BEFORE_YEAR = re.compile(r"^(?P<name>.+?)\s*(?:19|20)\d{2}\s*年")
_AFTER_YEAR = re.compile(r"^(?:19|20)\d{2}\s*年度?\s*(?P<name>.+?)(?:政府信息公开|政务公开|信息公开)")
_WRAPPING = re.compile(r"^(?:关于|《)+|[》]+$")
_SHORT_GOVERNMENT = re.compile(r"(?<!人民)政府")
# A place at county level or above opening a name: 青岚市, 云溪区, 梅山县, 青州省, 巴音郭楞蒙古自治州 …
_PLACE = re.compile(r"^.{2,}?(?:特别行政区|自治区|自治州|自治县|自治旗|省|市|州|地区|盟|县|旗|区)")
# A bare place (a title naming only where: 青岚市2023年…) means that place's government.
_BARE_PLACE = re.compile(r"^.{1,10}(?:省|自治区|市|自治州|州|盟|县|旗|区|镇|乡)$")
_NOT_A_GOVERNMENT_PLACE = re.compile(r"开发区|园区")
_TOWNSHIP = re.compile(r"(?:镇|乡|苏木)(?:人民政府)?$|街道(?:办事处)?$")
_GOVERNMENT = re.compile(r"(?:人民政府|行政公署)$")
# Registry levels (crawler/sites.toml) → body level, for a report whose body has no name.
REGISTRY_LEVELS = {"province": "government", "prefecture": "government", "county": "government",
                   "township": "township", "department": "department", "central": "department"}
MAX_RENAMES = 8  # a chain of renames longer than this is a loop in the data


@dataclass(frozen=True)
class Rename:
    """A body renamed or merged in a 机构改革 (a [[rename]] of bodies.toml)."""

    old: str
    new: str
    kind: str
    reform: int
    source: str


@dataclass(frozen=True)
class NameRules:
    """The variants and renames of bodies.toml."""

    variants: tuple[tuple[str, str], ...]
    renames: tuple[Rename, ...]


@cache
def name_rules() -> NameRules:
    """The rules shipped in bodies.toml."""
    data = tomllib.loads(resources.files(__package__).joinpath(RULES_FILE).read_text(encoding="utf-8"))
    variants = tuple((v["written"], v["canonical"]) for v in data.get("variant", []))
    return NameRules(variants, tuple(Rename(**r) for r in data.get("rename", [])))


def normalise(name: str, rules: NameRules | None = None) -> str:
    """One spelling of a name: no whitespace, full-width brackets, 人民政府, the variants applied."""
    text = "".join(name.split()).replace("(", "（").replace(")", "）")
    text = _SHORT_GOVERNMENT.sub("人民政府", _WRAPPING.sub("", text))
    for written, canonical in (rules or name_rules()).variants:
        if text.endswith(written):
            text = text[: -len(written)] + canonical
    if _BARE_PLACE.match(text) and not _NOT_A_GOVERNMENT_PLACE.search(text):
        text += "人民政府"
    return text


def current_name(name: str, rules: NameRules | None = None) -> tuple[str, tuple[Rename, ...]]:
    """The newest name of a normalised name, and the renames that led there."""
    used: list[Rename] = []
    for _ in range(MAX_RENAMES):
        rename = next((r for r in (rules or name_rules()).renames
                       if name.endswith(r.old) and not name.endswith(r.new)), None)
        if rename is None:
            return name, tuple(used)
        name = name[: -len(rename.old)] + rename.new
        used.append(rename)
    raise ValueError(f"the renames in {RULES_FILE} loop at {name!r}")


def reported_name(title: str | None, issuer: str | None) -> tuple[str | None, str | None]:
    """The name a report gives its body, and where it came from (``title`` or ``issuer``)."""
    cleaned = _WRAPPING.sub("", "".join((title or "").split()))
    for pattern in (_BEFORE_YEAR, _AFTER_YEAR):
        match = pattern.match(cleaned)
        if match and len(match["name"]) >= 2:
            return match["name"], "title"
    if issuer and issuer.strip():
        return issuer.strip(), "issuer"
    return None, None


def level_of(name: str | None, registry_level: str | None) -> tuple[str, str]:
    """``(level, rule)``: government, department, township or unknown; the name decides, else the registry."""
    if name:
        if _TOWNSHIP.search(name):
            return "township", "name:township"
        if _GOVERNMENT.search(name):
            return "government", "name:government"
        return "department", "name:other"
    if registry_level in REGISTRY_LEVELS:
        return REGISTRY_LEVELS[registry_level], f"registry:{registry_level}"
    return "unknown", "none"


def body_key(name: str | None, level: str, region: str | None, site: str) -> str:
    """An identity across years and sites: the name, scoped so that namesakes elsewhere stay apart.

    A name opening with a county-level (or higher) place is scoped to its province; a township, or a
    name without a place, to its region code (or, lacking one, its site).
    """
    if name is None:
        return f"site:{site}/?"
    if level != "township" and _PLACE.match(name):
        scope = region[:2] if region else "*"
    else:
        scope = region or f"site:{site}"
    return f"{scope}/{name}"
