"""Portals that move: to https only, to a new host with 301s, to a new host without redirects (a
registry alias), a column renumbered. Every report keeps one document and one continuous history."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

import archive
from tests.conftest import crawl, run_nianbao
from tests.tls_support import self_signed_context

FAMILIES = ("trs", "ucap", "trs_shtml", "hanweb")
HTTPS, REDIRECTED, ALIASED, RENUMBERED = "qinglan", "qingzhou", "lanshan", "yunxi"


def registry(path: Path, roots: dict[str, str], aliases: dict[str, list[str]] | None = None) -> Path:
    """A user registry naming each fixture site ``fixture-<name>`` at ``roots[name]``."""
    entries = []
    for name, root in roots.items():
        alias = f"aliases = {json.dumps((aliases or {}).get(name, []))}\n"
        entries.append(f'[[site]]\nname = "fixture-{name}"\ntitle = "{name}"\nregion_code = "450102"\n'
                       f'level = "county"\nprovince = "广西壮族自治区"\nroot = "{root}"\n{alias}')
    path.write_text("\n".join(entries), encoding="utf-8")
    return path


def crawl_sites(db: Path, registry_file: Path, names: list[str], revisit: str = "all") -> None:
    sites = [arg for name in names for arg in ("--site", f"fixture-{name}")]
    crawl(db, extra=(*sites, "--registry", str(registry_file)), revisit=revisit)


def rows(db: Path, sql: str, *params: object) -> list[sqlite3.Row]:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def report_urls(portal) -> dict[str, str]:
    """Each report's URL, by its site and index number."""
    return {(t["site"], t["index_no"]): t["url"] for t in portal.truth()}


@pytest.fixture(scope="module")
def moves(tmp_path_factory) -> Iterator[tuple[object, Path, dict, dict, Path]]:
    from fixture_portal import FixturePortal

    workdir = tmp_path_factory.mktemp("moves")
    db = workdir / "nianbao.db"
    with FixturePortal(seed=19, families=FAMILIES) as portal:
        names = sorted(portal.sites)
        crawl_sites(db, registry(workdir / "before.toml", {n: portal.sites[n].homepage for n in names}), names)
        before = report_urls(portal)
        portal.move_site(HTTPS, tls=self_signed_context(workdir))  # https only: the http place is gone
        portal.move_site(REDIRECTED, host="localhost", redirect=True)  # every old URL answers 301
        portal.move_site(ALIASED, host="localhost")  # the old host is gone, nothing redirects
        portal.renumber_column(RENUMBERED)  # /col/col1234/ → /col/col5678/, art_1234_N → art_5678_N
        roots = {n: portal.sites[n].homepage for n in names}
        roots[REDIRECTED] = before_root = f"http://127.0.0.1:{before_port(before, REDIRECTED)}/"
        after_registry = registry(workdir / "after.toml", roots, {ALIASED: ["127.0.0.1"]})
        counts = archive_counts(db)
        crawl_sites(db, after_registry, names)
        assert before_root in after_registry.read_text(encoding="utf-8")
        yield portal, db, before, counts, after_registry


def before_port(urls: dict, site: str) -> int:
    url = next(u for (s, _), u in urls.items() if s == site)
    return int(url.split(":")[2].split("/")[0])


def archive_counts(db: Path) -> dict[str, int]:
    with archive.open_archive(db) as store:
        return store.counts()


def test_no_report_is_archived_twice_nor_lost(moves) -> None:
    _, db, _, counts, _ = moves
    assert archive_counts(db) | {"captures": 0} == counts | {"captures": 0}  # no new document, no new version
    assert rows(db, "select count(*) n from documents where status = 'removed'")[0]["n"] == 0
    last = rows(db, "select * from runs order by id desc limit 1")[0]
    assert last["status"] == "ok" and last["new"] == last["changed"] == last["removed"] == 0


@pytest.mark.parametrize("site", [HTTPS, REDIRECTED, ALIASED, RENUMBERED])
def test_each_report_has_one_history_across_its_two_addresses(moves, site) -> None:
    portal, db, before, _, _ = moves
    after = report_urls(portal)
    moved = [(before[key], after[key]) for key in after if key[0] == site]
    assert moved and all(old != new for old, new in moved)
    with archive.open_archive(db, readonly=True) as store:
        for old, new in moved:
            history = store.history(new)
            assert history and history == store.history(old), (old, new)
            assert history[0]["url"] == old and history[0]["outcome"] == "new", (old, new)
            shown_after = [e for e in history[1:] if e["outcome"] in ("unchanged", "not_modified")]
            assert shown_after and "removed" not in {e["outcome"] for e in history}, (old, new, history)
            assert [e["version"] for e in history if e["version"] is not None] == [1] * len(
                [e for e in history if e["version"] is not None])


def test_history_shows_both_addresses_and_the_next_visit(moves) -> None:
    portal, db, before, _, _ = moves
    key, new = next((k, u) for k, u in report_urls(portal).items() if k[0] == RENUMBERED)
    result = run_nianbao("history", new, "--db", str(db))
    assert result.returncode == 0, result.stderr
    assert f"seen at {before[key]} from " in result.stdout and f"seen at {new} from " in result.stdout
    assert "next visit: from " in result.stdout


def test_a_move_announced_by_a_permanent_redirect_is_learned_and_asked_there_directly(moves) -> None:
    portal, db, before, _, after_registry = moves
    learned = rows(db, "select * from site_aliases")
    old_origin = f"http://127.0.0.1:{before_port(before, REDIRECTED)}"
    assert [(r["site"], r["alias"], r["status"]) for r in learned] == [(f"fixture-{REDIRECTED}", old_origin, 301)]
    assert learned[0]["origin"] == portal.sites[REDIRECTED].base_url
    served = len(portal.request_log)
    crawl_sites(db, after_registry, [REDIRECTED])
    hosts = {headers.get("Host") for _, _, site, headers in portal.request_log[served:] if site == REDIRECTED}
    assert hosts == {portal.sites[REDIRECTED].base_url.split("//")[1]}  # not one request to the old place
    with archive.open_archive(db) as store:
        assert store.check() == []
