"""The ``nianbao`` command line: a thin layer over library functions.

Archive commands wrap the :class:`archive.Archive` method of the same name (``cli_archive``,
``cli_maintenance``); ``crawl``, ``demo``, ``sites``, ``extract`` and ``schedule`` call their library
function. Errors are one line on stderr; exit codes are in ``crawler.exit_codes`` (README, "Exit codes").
"""

from __future__ import annotations

import dataclasses
import gc
import json
import re
import signal
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from crawler import exit_codes
from crawler.cli_archive import READER_COMMANDS
from crawler.cli_audit import audit
from crawler.cli_base import DB_OPTION, JSON_OPTION, CommandFailed, NianbaoGroup, OneLineErrors, db_option, echo_json
from crawler.cli_distributed import DISTRIBUTED_COMMANDS, work
from crawler.cli_maintenance import MAINTENANCE_COMMANDS, read_pending_scans
from crawler.registry import Registry, SiteEntry, load_registry
from crawler.render import show_lines
from crawler.text_table import plural, render

if TYPE_CHECKING:
    from crawler.runner import CrawlResult


@click.group(cls=NianbaoGroup)
@click.version_option(package_name="nianbao")
@click.option("--debug", is_flag=True, help="Show the traceback of an error (and of the crawl's log records).")
def main(debug: bool) -> None:
    """Archive Chinese government information-disclosure annual reports (政府信息公开年报)."""
    OneLineErrors.debug = debug


REVISIT_OPTION = click.option(
    "--revisit", type=click.Choice(["due", "all"]), default="due", show_default=True,
    help="Known documents to request: those due (each by its own interval, at most NIANBAO_REVISIT_CEILING_DAYS), "
         "or all of them (a full revalidation).")


@main.command()
@DB_OPTION
@REVISIT_OPTION
@JSON_OPTION
def demo(db_path: str, revisit: str, as_json: bool) -> None:
    """Serve the offline fixture portal, crawl it into the archive, print a summary; again into one archive, a refresh."""
    from crawler.runner import FIXTURE_SETTINGS, run_crawl

    try:
        from fixture_portal import FixturePortal
    except ImportError as exc:  # the portal's generators are an extra: the crawler itself does not need them
        raise CommandFailed(f"the demo serves the bundled fixture portal, which needs {exc.name}: "
                            "pip install -e '.[portal]'") from exc

    with FixturePortal() as portal:
        if not as_json:
            click.echo(f"fixture portal: {plural(len(portal.sites), 'site')} on 127.0.0.1")
        # Named after the fixture's sites: the site name (not the loopback port the portal got this
        # time) is a document's identity with its path, so a second demo into one archive is a refresh.
        targets = [{"name": site.name, "root": site.homepage, "start_urls": [site.homepage],
                    "hosts": [site.base_url.split("//")[1]]} for site in portal.sites.values()]
        deliberate = {error["url"]: error["kind"] for error in portal.expected_errors()}
        result = run_crawl(db_path=db_path, targets=targets,
                           settings={**FIXTURE_SETTINGS, "LOG_LEVEL": "ERROR", "NIANBAO_REVISIT": revisit},
                           debug=OneLineErrors.debug)
    _finish(db_path, result, as_json, deliberate=deliberate)


# What the fixture portal's deliberate faults are, as the demo names them.
DELIBERATE_FAULTS = {"not_found": "a dead link", "stub": "an empty list page", "soft_404": "a vanished column",
                     "bad_attachment": "a truncated PDF", "robots": "a robots.txt ban", "challenge": "a JavaScript challenge"}

REGISTRY_OPTION = click.option("--registry", "registry_path", type=click.Path(exists=True, dir_okay=False),
                               help="Your own sites file (same format), merged over the packaged registry.")


def _registry(registry_path: str | None) -> Registry:
    return load_registry(extra=Path(registry_path) if registry_path else None)


@main.command()
@REGISTRY_OPTION
@JSON_OPTION
def sites(registry_path: str | None, as_json: bool) -> None:
    """List the portals in the site registry."""
    registry = _registry(registry_path)
    if as_json:
        for entry in registry:
            echo_json(dataclasses.asdict(entry))
        return
    rows = [[e.name, e.region_code, e.level, e.family, e.title, e.root] for e in registry]
    for line in render(["name", "region", "level", "family", "title", "homepage"], rows):
        click.echo(line)
    click.echo(plural(len(registry), "site"), err=True)


@main.command()
@click.argument("start_urls", nargs=-1, metavar="[START_URL]...")
@click.option("--site", "site_names", multiple=True, help="A registry site to crawl (repeatable); see `nianbao sites`.")
@click.option("--all", "all_sites", is_flag=True, help="Crawl every site in the registry.")
@REGISTRY_OPTION
@DB_OPTION
@click.option("--delay", type=float, default=None, help="Seconds between requests to one host (default 1, randomised).")
@click.option("--concurrency", type=int, default=None, help="Requests in flight per host (default 1).")
@click.option("--workers", type=int, default=None, help="Extraction processes (default 2; 0 = inline).")
@REVISIT_OPTION
@click.option("--log-level", default="ERROR", show_default=True,
              help="Scrapy's log level; fetch failures (recorded in the archive) show from INFO.")
@click.option("--label", default="crawl", show_default=True, help="Names the run in the archive (the scheduler sets it).")
@click.option("--stats", "stats_path", type=click.Path(dir_okay=False), help="Write Scrapy's crawl stats here as JSON.")
@click.option("-s", "--set", "overrides", multiple=True, metavar="NAME=VALUE",
              help="Override a Scrapy or NIANBAO_* setting (repeatable), e.g. -s NIANBAO_CONDITIONAL_REQUESTS=0.")
@click.option("--redis", "redis_url", metavar="URL", help="Be a worker of the distributed crawl --label in this "
              "Redis; `nianbao write` records it (docs/distributed.md). --db is then unused.")
@click.option("--ocr", "read_scans", is_flag=True,
              help="After the crawl, read scanned pages by OCR (as `nianbao ocr`; the scheduler does).")
@JSON_OPTION
def crawl(start_urls: tuple[str, ...], site_names: tuple[str, ...], all_sites: bool, registry_path: str | None,
          db_path: str, delay: float | None, concurrency: int | None, workers: int | None, revisit: str,
          log_level: str, label: str, stats_path: str | None, overrides: tuple[str, ...], redis_url: str | None,
          read_scans: bool,
          as_json: bool) -> None:
    """Crawl portals from their homepages (START_URLS) or registry sites into the archive.

    Scanned pages are not read during the crawl (OCR takes seconds a page): they are flagged
    needs_ocr and read afterwards, by --ocr or `nianbao ocr`.

    Exit code 0 when the run is ok, 3 when partial, 1 when failed, 4 when another crawl holds the
    archive, 143 (130) when SIGTERM (SIGINT) stopped it: the run is then interrupted and resumes next time.
    """
    from crawler.runner import check_start_urls, run_crawl

    check_start_urls(start_urls)
    entries = _chosen_sites(_registry(registry_path), site_names, all_sites) if site_names or all_sites else []
    if not start_urls and not entries:
        raise click.UsageError("give START_URLS, --site NAME or --all")
    settings = _crawl_settings(log_level, label, delay, concurrency, workers, revisit, overrides)
    stats: dict[str, Any] = {}
    if redis_url:  # a worker of a distributed crawl
        work(redis_url, list(start_urls), settings=settings, sites=entries, stats_out=stats, stats_path=stats_path)
        return
    result = run_crawl(list(start_urls), db_path=db_path, settings=settings, sites=entries, stats_out=stats,
                       debug=OneLineErrors.debug)
    if stats_path:
        Path(stats_path).write_text(json.dumps(stats, ensure_ascii=False, indent=1), encoding="utf-8")
    scans = _read_scans_after_crawl(db_path) if read_scans and result.counts is not None and not result.signum else None
    _finish(db_path, result, as_json, ocr=scans)
    # A crawl is the last thing its process does (Twisted's reactor cannot restart), and everything
    # is closed by now: skip the interpreter's final collection over all the crawl built, which took
    # 0.1–0.2 s, a twentieth of an unchanged night. The OS takes the memory back at once.
    gc.freeze()


def _read_scans_after_crawl(db_path: str) -> dict[str, int] | None:
    """``nianbao ocr`` after a crawl; without the ocr extra the crawl still succeeded: say so, go on."""
    try:
        return read_pending_scans(db_path)
    except CommandFailed as exc:
        click.echo(f"ocr: skipped: {exc.message}", err=True)
        return None


def _crawl_settings(log_level: str, label: str, delay: float | None, concurrency: int | None,
                    workers: int | None, revisit: str, overrides: tuple[str, ...]) -> dict[str, Any]:
    """Scrapy settings from the crawl command's options."""
    settings: dict[str, Any] = {"LOG_LEVEL": log_level.upper(), "NIANBAO_COMMAND": label, "NIANBAO_REVISIT": revisit}
    if delay is not None:
        settings.update(DOWNLOAD_DELAY=delay, AUTOTHROTTLE_ENABLED=delay > 0)
    if concurrency is not None:
        settings["CONCURRENT_REQUESTS_PER_DOMAIN"] = concurrency
    if workers is not None:
        settings["NIANBAO_EXTRACT_WORKERS"] = workers
    return {**settings, **_parse_overrides(overrides)}


def _chosen_sites(registry: Registry, names: tuple[str, ...], everything: bool) -> list[SiteEntry]:
    if everything:
        return list(registry)
    return [registry.get(name) for name in names]


def _parse_overrides(overrides: tuple[str, ...]) -> dict[str, str]:
    parsed = {}
    for item in overrides:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise click.BadParameter(f"expected NAME=VALUE, got {item!r}", param_hint="--set")
        parsed[name.strip()] = value
    return parsed


def _finish(db_path: str, result: CrawlResult, as_json: bool, *, deliberate: dict[str, str] | None = None,
            ocr: dict[str, int] | None = None) -> None:
    """Print what the crawl did (and the OCR after it); exit with its run's code (one line on stderr
    when it did not succeed)."""
    run, counts = result.run, result.counts
    if as_json:
        echo_json({"run": run, "archive": None if counts is None else {"path": db_path, **counts},
                   **({"ocr": ocr} if ocr is not None else {})})
    elif run is not None and counts is not None:
        click.echo(_run_line(run, db_path, deliberate))
        click.echo(f"archive {db_path}: {plural(counts['sites'], 'site')}, {plural(counts['documents'], 'document')}, "
                   f"{plural(counts['versions'], 'version')}, {plural(counts['captures'], 'capture')}")
        if ocr is not None:
            click.echo("ocr: " + ", ".join(f"{k} {v}" for k, v in ocr.items()))
    code = exit_codes.for_run(run["status"], signum=result.signum) if run else exit_codes.FAILED
    if code != exit_codes.OK:
        click.echo(_failure_line(run, result, db_path), err=True)
        sys.exit(code)


def _run_line(run: dict[str, Any], db_path: str, deliberate: dict[str, str] | None) -> str:
    line = (f"run {run['id']}: {run['status']} — fetched {run['fetched']}, new {run['new']}, changed {run['changed']}, "
            f"unchanged {run['unchanged']}, not modified {run['not_modified']}, removed {run['removed']}, "
            f"errors {run['errors']}")
    if deliberate is not None and run["errors"]:
        line += _deliberate_note(db_path, run["id"], deliberate)
    return line


def _deliberate_note(db_path: str, run_id: int, deliberate: dict[str, str]) -> str:
    """Which of the demo's errors are the fixture portal's deliberate faults, and which are not."""
    from crawler.cli_base import opened

    with opened(db_path) as db:
        errors = db.run_errors(run_id)
    meant = sorted(DELIBERATE_FAULTS.get(deliberate[e["url"]], deliberate[e["url"]])
                   for e in errors if e["url"] in deliberate)
    others = len(errors) - len(meant)
    faults = f"the fixture portal's deliberate faults: {', '.join(meant)}"
    if not others:
        return f" — {'all ' if len(meant) > 1 else ''}{'are' if len(meant) > 1 else 'is'} {faults}"
    return f" — {len(meant)} {'are' if len(meant) != 1 else 'is'} {faults}; {others} not: see `nianbao status`"


def _failure_line(run: dict[str, Any] | None, result: CrawlResult, db_path: str) -> str:
    """The one line on stderr for a crawl that did not succeed."""
    if run is None:
        return "Error: the crawl ended before it could start a run"
    if run["status"] == "interrupted":
        name = signal.Signals(result.signum).name if result.signum else "a signal"
        return f"stopped by {name}: run {run['id']} is interrupted; the next crawl resumes it"
    if run["status"] == "running":  # the archive took no more writes, not even the run's end (a full disk)
        cause = f" ({result.unwritable})" if result.unwritable else ""
        return f"Error: run {run['id']} could not be closed: the archive cannot be written{cause}; the next crawl resumes it"
    removed = f"; nothing archived, so no archive was left at {db_path}" if result.archive_removed else ""
    return f"Error: run {run['id']} {run['status']}: {run['error']}{removed}"


@main.command()
@click.argument("file_or_url")
@click.option("--url", help="The page's URL when FILE_OR_URL is a file (for links and rules).")
@JSON_OPTION
def extract(file_or_url: str, url: str | None, as_json: bool) -> None:
    """Extract one saved page, attachment or URL: readable fields, tables and text (--json: one JSON object)."""
    from extract import extract_document

    body, headers, page_url = _read_input(file_or_url, url)
    result = extract_document(body, page_url, headers)
    unreadable = _unreadable(body, result)
    if unreadable:
        raise CommandFailed(f"{file_or_url}: {unreadable}")
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
        return
    for line in show_lines({"url": page_url, **result}):
        click.echo(line)


def _unreadable(body: bytes, result: dict[str, Any]) -> str | None:
    """Why an extraction of ``body`` is no document at all, or None.

    Bytes that decode only with losses and hold no markup are not a page, whatever text the
    decoder made of them (random or binary data of an unknown format).
    """
    if "decode_lossy" not in result.get("flags", []) or _MARKUP.search(body):
        return None
    return (f"not a page or an attachment nianbao reads: {len(body):,} bytes with no HTML that decode only with "
            "losses (binary data of an unknown kind?)")


# Tags of a page; short ones (<p, <a) also turn up by chance in random bytes.
_MARKUP = re.compile(rb"<(?:!doctype|html|head|body|div|table|meta|title|span|script|style|form)\b", re.IGNORECASE)


def _read_input(file_or_url: str, url: str | None) -> tuple[bytes, dict[str, str], str]:
    if file_or_url.startswith(("http://", "https://")):
        import httpx

        try:
            response = httpx.get(file_or_url, follow_redirects=True, timeout=30)
        except httpx.HTTPError as exc:
            raise CommandFailed(f"cannot fetch {file_or_url}: {exc}") from exc
        return response.content, dict(response.headers), url or str(response.url)
    path = Path(file_or_url)
    if path.is_dir():
        raise CommandFailed(f"{file_or_url} is a directory; give one saved page or attachment file")
    if not path.is_file():
        raise CommandFailed(f"no such file: {file_or_url}")
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
        raise CommandFailed(f"nianbao serve needs {exc.name}: pip install -e '.[serve]'") from exc
    run_server(db_path, host=host, port=port, announce=click.echo)  # errors: one line, by the group


@main.command(cls=OneLineErrors)
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Config file with a [scheduler] table (default: ./nianbao.toml).")
@db_option(default=None, help="The archive file (default: the config's `db`, else nianbao.db).")
@click.option("--once", is_flag=True, help="Run every group now, one after another, then exit.")
def schedule(config_path: Path | None, db_path: str | None, once: bool) -> None:
    """Run the nightly refresh: each group of the config file crawled on its cron schedule (JSON lines on stdout).

    --once exits with the first non-zero crawl exit code (0 when all succeeded); serving exits 0
    when SIGTERM or SIGINT stops it (the running crawl is interrupted gracefully).
    """
    from crawler.schedule import run

    sys.exit(run(config_path, db=db_path, once=once))


for _command in (*READER_COMMANDS, *MAINTENANCE_COMMANDS, *DISTRIBUTED_COMMANDS, audit):
    main.add_command(_command)

if __name__ == "__main__":
    main()
