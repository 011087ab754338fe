"""The ``nianbao`` command line: a thin layer over library functions."""

from __future__ import annotations

import dataclasses
import gc
import json
import sys
from pathlib import Path
from typing import Any

import click

import archive
from crawler.cli_archive import ARCHIVE_COMMANDS
from crawler.cli_audit import audit
from crawler.registry import Registry, RegistryError, SiteEntry, load_registry
from nianbao.errors import NianbaoError

DB_OPTION = click.option("--db", "db_path", default="nianbao.db", show_default=True,
                         type=click.Path(dir_okay=False), help="Archive file (SQLite).")


@click.group()
@click.version_option(package_name="nianbao")
def main() -> None:
    """Archive Chinese government information-disclosure annual reports (政府信息公开年报)."""


def _open_existing(db_path: str) -> archive.Archive:
    if not Path(db_path).exists():
        raise click.ClickException(f"no archive at {db_path}; run `nianbao crawl` or `nianbao demo` first")
    return archive.open_archive(db_path)


REVISIT_OPTION = click.option(
    "--revisit", type=click.Choice(["due", "all"]), default="due", show_default=True,
    help="Known documents to request: those due (each by its own interval, at most NIANBAO_REVISIT_CEILING_DAYS), "
         "or all of them (a full revalidation).")


@main.command()
@DB_OPTION
@REVISIT_OPTION
def demo(db_path: str, revisit: str) -> None:
    """Serve the offline fixture portal, crawl it into the archive, print a summary."""
    from crawler.runner import FIXTURE_SETTINGS, run_crawl

    try:
        from fixture_portal import FixturePortal
    except ImportError as exc:  # the portal's generators are an extra: the crawler itself does not need them
        raise click.ClickException(f"the demo serves the bundled fixture portal, which needs {exc.name}: "
                                   "pip install -e '.[portal]'") from exc

    with FixturePortal() as portal:
        click.echo(f"fixture portal: {len(portal.sites)} sites on 127.0.0.1")
        # Named after the fixture's sites: the site name (not the loopback port the portal got this
        # time) is a document's identity with its path, so a second demo into one archive is a refresh.
        targets = [{"name": site.name, "root": site.homepage, "start_urls": [site.homepage],
                    "hosts": [site.base_url.split("//")[1]]} for site in portal.sites.values()]
        run_id = run_crawl(db_path=db_path, targets=targets,
                           settings={**FIXTURE_SETTINGS, "LOG_LEVEL": "WARNING", "NIANBAO_REVISIT": revisit})
    _print_summary(db_path, run_id)


REGISTRY_OPTION = click.option("--registry", "registry_path", type=click.Path(exists=True, dir_okay=False),
                               help="Your own sites file (same format), merged over the packaged registry.")


def _registry(registry_path: str | None) -> Registry:
    try:
        return load_registry(extra=Path(registry_path) if registry_path else None)
    except RegistryError as exc:
        raise click.ClickException(str(exc)) from exc


@main.command()
@REGISTRY_OPTION
@click.option("--json", "as_json", is_flag=True, help="One JSON object per site.")
def sites(registry_path: str | None, as_json: bool) -> None:
    """List the portals in the site registry."""
    for entry in _registry(registry_path):
        if as_json:
            click.echo(json.dumps(dataclasses.asdict(entry), ensure_ascii=False))
        else:
            click.echo(f"{entry.name:<28} {entry.region_code}  {entry.level:<10} {entry.family:<8} {entry.title}  {entry.root}")


@main.command()
@click.argument("start_urls", nargs=-1)
@click.option("--site", "site_names", multiple=True, help="A registry site to crawl (repeatable); see `nianbao sites`.")
@click.option("--all", "all_sites", is_flag=True, help="Crawl every site in the registry.")
@REGISTRY_OPTION
@DB_OPTION
@click.option("--delay", type=float, default=None, help="Seconds between requests to one host (default 1, randomised).")
@click.option("--concurrency", type=int, default=None, help="Requests in flight per host (default 1).")
@click.option("--workers", type=int, default=None, help="Extraction processes (default 2; 0 = inline).")
@REVISIT_OPTION
@click.option("--log-level", default="WARNING", show_default=True)
@click.option("--label", default="crawl", show_default=True, help="Names the run in the archive (the scheduler sets it).")
@click.option("--stats", "stats_path", type=click.Path(dir_okay=False), help="Write Scrapy's crawl stats here as JSON.")
@click.option("-s", "--set", "overrides", multiple=True, metavar="NAME=VALUE",
              help="Override a Scrapy or NIANBAO_* setting (repeatable), e.g. -s NIANBAO_CONDITIONAL_REQUESTS=0.")
def crawl(start_urls: tuple[str, ...], site_names: tuple[str, ...], all_sites: bool, registry_path: str | None,
          db_path: str, delay: float | None, concurrency: int | None, workers: int | None, revisit: str,
          log_level: str, label: str, stats_path: str | None, overrides: tuple[str, ...]) -> None:
    """Crawl portals from their homepages (START_URLS) or registry sites into the archive."""
    from crawler.runner import run_crawl

    entries = _chosen_sites(_registry(registry_path), site_names, all_sites) if site_names or all_sites else []
    if not start_urls and not entries:
        raise click.UsageError("give START_URLS, --site NAME or --all")

    settings: dict[str, Any] = {"LOG_LEVEL": log_level.upper(), "NIANBAO_COMMAND": label, "NIANBAO_REVISIT": revisit}
    if delay is not None:
        settings.update(DOWNLOAD_DELAY=delay, AUTOTHROTTLE_ENABLED=delay > 0)
    if concurrency is not None:
        settings["CONCURRENT_REQUESTS_PER_DOMAIN"] = concurrency
    if workers is not None:
        settings["NIANBAO_EXTRACT_WORKERS"] = workers
    settings.update(_parse_overrides(overrides))
    stats: dict[str, Any] = {}
    try:
        run_id = run_crawl(list(start_urls), db_path=db_path, settings=settings, sites=entries, stats_out=stats)
    except NianbaoError as exc:
        raise click.ClickException(str(exc)) from exc
    if stats_path:
        Path(stats_path).write_text(json.dumps(stats, ensure_ascii=False, indent=1), encoding="utf-8")
    if Path(db_path).exists():
        _print_summary(db_path, run_id)
    # A crawl is the last thing its process does (Twisted's reactor cannot restart), and everything
    # is closed by now: skip the interpreter's final collection over all the crawl built, which took
    # 0.1–0.2 s, a twentieth of an unchanged night. The OS takes the memory back at once.
    gc.freeze()


def _chosen_sites(registry: Registry, names: tuple[str, ...], everything: bool) -> list[SiteEntry]:
    if everything:
        return list(registry)
    try:
        return [registry.get(name) for name in names]
    except RegistryError as exc:
        raise click.ClickException(str(exc)) from exc


def _parse_overrides(overrides: tuple[str, ...]) -> dict[str, str]:
    parsed = {}
    for item in overrides:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise click.BadParameter(f"expected NAME=VALUE, got {item!r}", param_hint="--set")
        parsed[name.strip()] = value
    return parsed


def _print_summary(db_path: str, run_id: int | None) -> None:
    with archive.open_archive(db_path) as db:
        counts = db.counts()  # not stats(): its byte sums read the whole file, seconds on a large archive
        run = db.get_run(run_id) if run_id is not None else None
    if run:
        click.echo(f"run {run['id']}: {run['status']} — fetched {run['fetched']}, new {run['new']}, "
                   f"changed {run['changed']}, unchanged {run['unchanged']}, not modified {run['not_modified']}, "
                   f"removed {run['removed']}, errors {run['errors']}")
    click.echo(f"archive {db_path}: {counts['sites']} sites, {counts['documents']} documents, "
               f"{counts['versions']} versions, {counts['captures']} captures")


@main.command()
@click.argument("query")
@DB_OPTION
@click.option("--limit", default=20, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@click.option("--order", type=click.Choice(["recent", "relevance"]), default="recent", show_default=True,
              help="Newest versions first (fast), or ranked by bm25 (slower for very common terms).")
def search(query: str, db_path: str, limit: int, as_json: bool, order: str) -> None:
    """Full-text search (Chinese substrings) over the current version of every document."""
    with _open_existing(db_path) as db:
        try:
            hits = db.search(query, limit=limit, order=order)
        except archive.QueryError as exc:
            raise click.ClickException(str(exc)) from exc
    for hit in hits:
        if as_json:
            click.echo(json.dumps(hit, ensure_ascii=False))
        else:
            click.echo(f"{hit['title']}\n  {hit['url']}\n  {hit['snippet']}")
    if not as_json:
        click.echo(f"{len(hits)} result(s)", err=True)


@main.command()
@DB_OPTION
def stats(db_path: str) -> None:
    """Counts of sites, documents, versions, captures and bytes."""
    with _open_existing(db_path) as db:
        click.echo(json.dumps(db.stats(), ensure_ascii=False, indent=2))


@main.command()
@DB_OPTION
@click.option("--json", "as_json", is_flag=True, help="One JSON object per site.")
def status(db_path: str, as_json: bool) -> None:
    """Each site's latest run, staleness and failures; exits 1 when the last run or a site failed."""
    with _open_existing(db_path) as db:
        sites, last = db.site_status(), db.last_run()
    for row in sites:
        if as_json:
            click.echo(json.dumps(row, ensure_ascii=False))
            continue
        stale = "never ok" if row["stale_hours"] is None else f"{row['stale_hours']}h ago"
        click.echo(f"{row['site']:<28} run {row['run_id']:<4} {row['outcome']:<11} fetched {row['fetched']:<5} "
                   f"new {row['new']:<4} changed {row['changed']:<4} errors {row['errors']:<4} "
                   f"last ok {stale:<10} {','.join(row['error_classes'])}")
    if last is not None and not as_json:
        click.echo(f"last run {last['id']} ({last['command']}): {last['status']}, started {last['started_at']}")
    if (last is not None and last["status"] == "failed") or any(r["outcome"] == "failed" for r in sites):
        sys.exit(1)


@main.command()
@DB_OPTION
@click.option("--by-issuer", is_flag=True, help="One row per issuing body instead of per site.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per row.")
def coverage(db_path: str, by_issuer: bool, as_json: bool) -> None:
    """Per site: report years found vs expected, missing years, failed fetches by class."""
    with _open_existing(db_path) as db:
        table = db.coverage(by_issuer=by_issuer)
    for row in table:
        if as_json:
            click.echo(json.dumps(row, ensure_ascii=False))
            continue
        span = f"{row['first_year']}–{row['last_year']}" if row["years"] else "no reports"
        missing = ",".join(map(str, row["missing_years"])) or "-"
        failures = " ".join(f"{k}:{v}" for k, v in row["failures"].items()) or "-"
        who = f"{row['site']} {row['issuer']}" if by_issuer else row["site"]
        click.echo(f"{who:<40} {span:<10} {len(row['years']):>3} years  missing {missing:<12} failures {failures}")


@main.command()
@click.argument("file_or_url")
@click.option("--url", help="The page's URL when FILE_OR_URL is a file (for links and rules).")
@click.option("--json", "as_json", is_flag=True, default=True, help="Print one JSON object (the default).")
def extract(file_or_url: str, url: str | None, as_json: bool) -> None:
    """Extract one saved page or URL and print the result as JSON."""
    from extract import extract_document

    body, headers, page_url = _read_input(file_or_url, url)
    try:
        result = extract_document(body, page_url, headers)
    except NianbaoError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(json.dumps(result, ensure_ascii=False, indent=2))


def _read_input(file_or_url: str, url: str | None) -> tuple[bytes, dict[str, str], str]:
    if file_or_url.startswith(("http://", "https://")):
        import httpx

        try:
            response = httpx.get(file_or_url, follow_redirects=True, timeout=30)
        except httpx.HTTPError as exc:
            raise click.ClickException(f"cannot fetch {file_or_url}: {exc}") from exc
        return response.content, dict(response.headers), url or str(response.url)
    path = Path(file_or_url)
    if not path.is_file():
        raise click.ClickException(f"no such file: {file_or_url}")
    return path.read_bytes(), {}, url or path.resolve().as_uri()


@main.command()
@DB_OPTION
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on (0.0.0.0: every one).")
@click.option("--port", default=8001, show_default=True, type=click.IntRange(0, 65535), help="Port (0: a free one).")
def serve(db_path: str, host: str, port: int) -> None:
    """Browse and search the archive in Datasette (read-only; fine while a crawl writes)."""
    try:
        from archive.serve.app import serve as run_server
    except ImportError as exc:  # Datasette is the extra "serve"
        raise click.ClickException(f"nianbao serve needs {exc.name}: pip install -e '.[serve]'") from exc
    try:
        run_server(db_path, host=host, port=port, announce=click.echo)
    except (NianbaoError, OSError) as exc:
        raise click.ClickException(str(exc)) from exc


for _command in ARCHIVE_COMMANDS:  # history, show, diff, export, backup, check, reextract
    main.add_command(_command)
main.add_command(audit)

if __name__ == "__main__":
    sys.exit(main())
