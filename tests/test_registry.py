"""The site registry: the packaged sites.toml, every validation rule, merging, and lookups."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from crawler.registry import (
    FAMILIES,
    LEVELS,
    Registry,
    RegistryError,
    SiteEntry,
    UnknownSiteError,
    load_registry,
)
from nianbao.errors import NianbaoError

SEED_BODIES = {
    "巴音郭楞蒙古自治州人民政府": "652800",
    "南通市通州区人民政府": "320612",
    "西宁市人民政府": "630100",
    "阿图什市人民政府": "653001",
    "楚雄彝族自治州人民政府": "532300",
}

VALID_ENTRY = """
[[site]]
name = "example-city"
title = "示例市人民政府"
region_code = "420100"
level = "prefecture"
province = "湖北省"
root = "https://www.example.gov.cn/"
"""


def write(tmp_path: Path, text: str, name: str = "sites.toml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def entry_with(**fields: object) -> str:
    """A one-site registry: the valid entry with ``fields`` replaced (None removes a field)."""
    lines = [line for line in VALID_ENTRY.strip().splitlines()
             if line.split(" = ")[0] not in fields]
    for key, value in fields.items():
        if value is not None:
            lines.append(f"{key} = {_toml(value)}")
    return "\n".join(lines) + "\n"


def _toml(value: object) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_toml(item) for item in value) + "]"
    return '"' + str(value) + '"' if isinstance(value, str) else str(value)


def load_text(tmp_path: Path, text: str) -> Registry:
    return load_registry(write(tmp_path, text))


def assert_rejected(tmp_path: Path, text: str, field: str, pattern: str) -> None:
    with pytest.raises(RegistryError) as caught:
        load_text(tmp_path, text)
    message = str(caught.value)
    assert f"field {field!r}" in message, message
    assert re.search(pattern, message), message
    assert "sites.toml" in message


# -- the packaged registry -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def packaged() -> Registry:
    return load_registry()


def test_packaged_registry_has_at_least_35_portals(packaged: Registry) -> None:
    assert len(packaged) >= 35
    assert all(isinstance(site, SiteEntry) for site in packaged.sites)


def test_packaged_registry_holds_the_five_seed_bodies(packaged: Registry) -> None:
    by_title = {site.title: site for site in packaged}
    for title, code in SEED_BODIES.items():
        assert title in by_title, title
        assert by_title[title].region_code == code


def test_packaged_names_unique_and_codes_six_digits(packaged: Registry) -> None:
    names = packaged.names()
    assert len(names) == len(set(names))
    assert all(re.fullmatch(r"\d{6}", site.region_code) for site in packaged)


def test_packaged_registry_spans_every_level_and_many_provinces(packaged: Registry) -> None:
    assert {site.level for site in packaged} == set(LEVELS)
    assert len({site.province for site in packaged if site.province}) >= 10
    assert {"gkmlpt", "hanweb", "jpaas", "trs", "ucap"} <= {site.family for site in packaged}


def test_packaged_entries_say_where_their_facts_come_from(packaged: Registry) -> None:
    for site in packaged:
        assert "not fetched" in site.notes.lower(), site.name


def test_packaged_registry_reads_the_same_by_explicit_path(packaged: Registry) -> None:
    explicit = load_registry(Path(__file__).resolve().parent.parent / "crawler" / "sites.toml")
    assert explicit.sites == packaged.sites


# -- entries ----------------------------------------------------------------------------------------


def test_hosts_are_root_then_column_then_allowed_without_duplicates(tmp_path: Path) -> None:
    registry = load_text(tmp_path, entry_with(
        root="https://www.example.gov.cn:8443/",
        column="http://xxgk.example.gov.cn/nb/",
        allow_hosts=["xxgk.example.gov.cn", "old.example.gov.cn"],
    ))
    site = registry.get("example-city")
    assert site.hosts() == ("www.example.gov.cn", "xxgk.example.gov.cn", "old.example.gov.cn")


def test_start_urls_default_to_root(tmp_path: Path) -> None:
    site = load_text(tmp_path, VALID_ENTRY).get("example-city")
    assert site.start_urls_or_root() == ("https://www.example.gov.cn/",)
    assert site.column is None
    assert site.family == "unknown"


def test_start_urls_override_root(tmp_path: Path) -> None:
    urls = ["https://www.example.gov.cn/nb/2017/", "https://www.example.gov.cn/nb/2018/"]
    site = load_text(tmp_path, entry_with(start_urls=urls)).get("example-city")
    assert site.start_urls_or_root() == tuple(urls)


def test_entries_are_frozen(tmp_path: Path) -> None:
    site = load_text(tmp_path, VALID_ENTRY).get("example-city")
    with pytest.raises(AttributeError):
        site.root = "https://elsewhere.gov.cn/"  # type: ignore[misc]


# -- validation: one test per rule ------------------------------------------------------------------


def test_duplicate_names_rejected(tmp_path: Path) -> None:
    assert_rejected(tmp_path, VALID_ENTRY + VALID_ENTRY, "name", r"'example-city'.*duplicate")


@pytest.mark.parametrize("slug", ["Example", "example_city", "-example", "example--city", "示例", "a b"])
def test_bad_slug_rejected(tmp_path: Path, slug: str) -> None:
    assert_rejected(tmp_path, entry_with(name=slug), "name", "not a slug")


@pytest.mark.parametrize("code", ["42010", "4201000", "42O100", "４２０１００", ""])
def test_region_code_not_six_digits_rejected(tmp_path: Path, code: str) -> None:
    pattern = "required" if not code else "not a 6-digit"
    assert_rejected(tmp_path, entry_with(region_code=code), "region_code", pattern)


def test_region_code_must_fit_level(tmp_path: Path) -> None:
    text = entry_with(region_code="420000")
    assert_rejected(tmp_path, text, "region_code", "does not fit level 'prefecture'")


def test_region_code_prefix_must_match_province(tmp_path: Path) -> None:
    assert_rejected(tmp_path, entry_with(province="湖南省"), "province", "does not match.*湖北省")


def test_national_code_reserved_for_central(tmp_path: Path) -> None:
    text = entry_with(level="department", region_code="100000", province=None)
    assert_rejected(tmp_path, text, "region_code", "reserved for level 'central'")


def test_central_body_has_no_province(tmp_path: Path) -> None:
    text = entry_with(level="central", region_code="100000", province="北京市")
    assert_rejected(tmp_path, text, "province", "central bodies have no province")


def test_unknown_family_rejected(tmp_path: Path) -> None:
    assert_rejected(tmp_path, entry_with(family="wordpress"), "family", "unknown family 'wordpress'")


def test_unknown_level_rejected(tmp_path: Path) -> None:
    assert_rejected(tmp_path, entry_with(level="city"), "level", "unknown level 'city'")


@pytest.mark.parametrize("field", ["root", "column", "start_urls"])
@pytest.mark.parametrize("url", ["ftp://www.example.gov.cn/", "www.example.gov.cn/nb/", "javascript:void(0)",
                                 "http://[::1/", "http://www.example.gov.cn/a b"])
def test_urls_must_be_http(tmp_path: Path, field: str, url: str) -> None:
    value: object = [url] if field == "start_urls" else url
    assert_rejected(tmp_path, entry_with(**{field: value}), field, "not an http\\(s\\) URL")


def test_column_host_must_be_among_hosts(tmp_path: Path) -> None:
    text = entry_with(column="http://zfxxgk.example.gov.cn/nb/")
    pattern = "'zfxxgk.example.gov.cn' is not the root host nor in allow_hosts"
    assert_rejected(tmp_path, text, "column", pattern)
    allowed = entry_with(column="http://zfxxgk.example.gov.cn/nb/", allow_hosts=["zfxxgk.example.gov.cn"])
    assert load_text(tmp_path, allowed).get("example-city").column == "http://zfxxgk.example.gov.cn/nb/"


def test_start_url_host_must_be_among_hosts(tmp_path: Path) -> None:
    text = entry_with(start_urls=["https://mirror.example.com/"])
    assert_rejected(tmp_path, text, "start_urls", "'mirror.example.com' is not the root host")


@pytest.mark.parametrize("host", ["https://xxgk.example.gov.cn", "xxgk.example.gov.cn/nb",
                                  "XXGK.example.gov.cn", "xxgk.example.gov.cn:8080"])
def test_allow_hosts_must_be_bare_host_names(tmp_path: Path, host: str) -> None:
    text = entry_with(allow_hosts=[host])
    assert_rejected(tmp_path, text, "allow_hosts", "not a bare lower-case host name")


def test_unknown_field_rejected(tmp_path: Path) -> None:
    assert_rejected(tmp_path, entry_with(colum="https://www.example.gov.cn/nb/"), "colum", "unknown field")


def test_missing_required_field_rejected(tmp_path: Path) -> None:
    assert_rejected(tmp_path, entry_with(title=None), "title", "required")


def test_empty_column_rejected(tmp_path: Path) -> None:
    assert_rejected(tmp_path, entry_with(column=""), "column", "leave the field out")


def test_wrong_field_type_rejected(tmp_path: Path) -> None:
    assert_rejected(tmp_path, entry_with(allow_hosts="xxgk.example.gov.cn"), "allow_hosts", "list of")


def test_unnamed_entry_is_named_by_position(tmp_path: Path) -> None:
    text = VALID_ENTRY + VALID_ENTRY.replace('name = "example-city"', 'name = ""')
    with pytest.raises(RegistryError, match=r"site #2: field 'name'"):
        load_text(tmp_path, text)


def test_invalid_toml_and_wrong_layout_rejected(tmp_path: Path) -> None:
    with pytest.raises(RegistryError, match="not valid TOML"):
        load_text(tmp_path, 'site = [\n')
    with pytest.raises(RegistryError, match=r"unknown top-level key\(s\) \['sites'\]"):
        load_text(tmp_path, VALID_ENTRY.replace("[[site]]", "[[sites]]"))
    with pytest.raises(RegistryError, match=r"no \[\[site\]\] entries"):
        load_text(tmp_path, "# nothing here\n")


def test_missing_file_is_a_registry_error(tmp_path: Path) -> None:
    with pytest.raises(RegistryError, match="cannot read registry file"):
        load_registry(tmp_path / "absent.toml")


def test_registry_error_is_a_nianbao_error() -> None:
    assert issubclass(RegistryError, NianbaoError)


def test_family_and_level_vocabularies() -> None:
    assert set(FAMILIES) == {"trs", "hanweb", "jpaas", "gkmlpt", "ucap", "epoint", "asp", "unknown"}  # ordered by rank
    assert LEVELS == ("province", "prefecture", "county", "township", "department", "central")


# -- merging a user file ----------------------------------------------------------------------------


def test_user_file_merges_over_packaged(tmp_path: Path, packaged: Registry) -> None:
    wuhan = packaged.get("wuhan")
    user = write(tmp_path, f"""
        [[site]]
        name = "wuhan"
        title = "{wuhan.title}"
        region_code = "420100"
        level = "prefecture"
        province = "湖北省"
        root = "https://www.wuhan.gov.cn/"
        column = "https://www.wuhan.gov.cn/zwgk/xxgkndbg/"
        notes = "local override"

        [[site]]
        name = "my-county"
        title = "示例县人民政府"
        region_code = "420115"
        level = "county"
        province = "湖北省"
        root = "http://www.example-county.gov.cn/"
    """, name="my-sites.toml")
    merged = load_registry(extra=user)
    assert len(merged) == len(packaged) + 1
    assert merged.get("wuhan").column == "https://www.wuhan.gov.cn/zwgk/xxgkndbg/"
    assert merged.get("wuhan").notes == "local override"
    assert merged.names().index("wuhan") == packaged.names().index("wuhan")
    assert merged.names()[-1] == "my-county"
    assert merged.get("handan") == packaged.get("handan")


def test_user_file_is_validated_too(tmp_path: Path) -> None:
    user = write(tmp_path, entry_with(family="drupal"), name="my-sites.toml")
    with pytest.raises(RegistryError, match=r"my-sites\.toml: site 'example-city': field 'family'"):
        load_registry(extra=user)


def test_merge_over_an_explicit_base_file(tmp_path: Path) -> None:
    base = write(tmp_path, VALID_ENTRY, name="base.toml")
    user = write(tmp_path, entry_with(root="https://new.example.gov.cn/"), name="user.toml")
    merged = load_registry(base, extra=user)
    assert merged.names() == ["example-city"]
    assert merged.get("example-city").hosts() == ("new.example.gov.cn",)


# -- lookups ----------------------------------------------------------------------------------------


def test_get_suggests_close_names(packaged: Registry) -> None:
    with pytest.raises(KeyError) as caught:
        packaged.get("wuhna")
    assert isinstance(caught.value, UnknownSiteError)
    assert str(caught.value) == "no site named 'wuhna' in the registry; did you mean: wuhan?"


def test_get_without_close_names_says_so(packaged: Registry) -> None:
    with pytest.raises(UnknownSiteError, match=r"no site named 'zzzzzz'.*none has a close name"):
        packaged.get("zzzzzz")


def test_names_in_file_order_and_membership(tmp_path: Path) -> None:
    second = VALID_ENTRY.replace("example-city", "another-city")
    registry = load_text(tmp_path, VALID_ENTRY + second)
    assert registry.names() == ["example-city", "another-city"]
    assert "another-city" in registry
    assert "third-city" not in registry
    assert [site.name for site in registry] == registry.names()
