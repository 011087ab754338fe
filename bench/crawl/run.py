"""bench/crawl: fetch-only, extraction-only and full-pipeline rates over the whole fixture portal.

    python bench/crawl/run.py [--scale 6] [--repeat 3]

1. fetch-only   the spider crawls every page; no extraction, no archive (item pipelines off)
2. extract-only the same stored pages extracted in a tight loop on every core
3. full         fetch + extract (2 worker processes) + archive, as `nianbao crawl` runs
4. no archive   the full crawl with the archive writer off (and with it the frontier and the
                archive lookups): what archiving every page costs the ratio
Pages are captured documents (report pages and attachments), the same set in all of them. Each
measure runs ``--repeat`` times, in rounds of fetch-only, full, no-archive and extraction-only, and
the medians are reported. full ÷ extraction is the median of each round's own ratio: this machine's speed
drifts by a third within minutes, so only measures taken side by side compare.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent.parent))

from bench.common import cpu_spent, fixture_portal, timed_crawl, write_results

# Everything besides the archive writer that reads or writes the archive during a crawl.
ARCHIVE_READERS_OFF = ("-s", "NIANBAO_FRONTIER=0", "-s", "NIANBAO_CONDITIONAL_REQUESTS=0",
                       "-s", "NIANBAO_REVISIT_KNOWN=0", "-s", "NIANBAO_KNOWN_LISTS=0")
FETCH_ONLY = ("-s", "ITEM_PIPELINES={}", *ARCHIVE_READERS_OFF)
NO_ARCHIVE = ("-s", 'ITEM_PIPELINES={"crawler.pipelines.ExtractPipeline": 300}', *ARCHIVE_READERS_OFF)


def stored_pages(db: Path) -> list[tuple[bytes, str, dict[str, str]]]:
    """(raw bytes, url, headers) of every captured page, read back from the archive's blobs."""
    import json

    import archive

    with archive.open_archive(db) as store:
        rows = store.db.execute("select url, headers, sha256 from captures where sha256 is not null").fetchall()
        return [(store.blob(sha), url, json.loads(headers)) for url, headers, sha in rows]


def _extract(args: tuple[bytes, str, dict[str, str]]) -> int:
    from extract import extract_document

    return len(extract_document(*args)["text"] or "")


def extraction_run(pages: list[tuple[bytes, str, dict[str, str]]], workers: int) -> dict[str, float]:
    """Extract every page on a warm pool: wall ``seconds`` and the machine's ``busy``/``idle`` CPU seconds."""
    with ProcessPoolExecutor(workers) as pool:
        list(pool.map(_extract, pages[: workers * 4]))  # warm the workers (imports, lxml)
        with cpu_spent() as spent:
            list(pool.map(_extract, pages, chunksize=8))
    return spent


def _cpu_ms(run: dict[str, Any], pages: int) -> float | None:
    return 1000 * run["busy"] / pages if "busy" in run else None


def _idle_share(run: dict[str, Any]) -> float | None:
    return run["idle"] / (run["busy"] + run["idle"]) if "busy" in run else None


def _median(values: list[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return statistics.median(known) if known else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=6)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each measure; medians are reported")
    args = parser.parse_args()
    repeat = max(1, args.repeat)
    tmp = Path(tempfile.mkdtemp(prefix="nianbao-bench-"))
    fetch_runs, full_runs, bare_runs, extract_runs, fetch_pages = [], [], [], [], []
    workers = os.cpu_count() or 1
    with fixture_portal(args.scale) as sites:
        urls = [f"{base}/" for base in sites.values()]
        for n in range(repeat):
            fetch = timed_crawl(urls, tmp / f"fetch{n}.db", *FETCH_ONLY)
            fetch_runs.append(fetch)
            # list pages' ListPage items are not pages
            fetch_pages.append(fetch["stats"].get("item_scraped_count", 0) - fetch["stats"].get("nianbao/lists/read", 0))
            full_runs.append(timed_crawl(urls, tmp / f"full{n}.db"))
            bare_runs.append(timed_crawl(urls, tmp / f"bare{n}.db", *NO_ARCHIVE))
            if n == 0:
                stored = stored_pages(tmp / "full0.db")
                pages = len(stored)
            extract_runs.append(extraction_run(stored, workers))
    fetch_rates = [count / run["seconds"] for count, run in zip(fetch_pages, fetch_runs, strict=True)]
    full_rates = [pages / run["seconds"] for run in full_runs]
    bare_rates = [pages / run["seconds"] for run in bare_runs]
    extract_rates = [pages / run["seconds"] for run in extract_runs]
    extract_rate = statistics.median(extract_rates)
    # CPU per page of the whole machine (crawl, workers, readers, fixture server, kernel): the full
    # pipeline can reach at most extraction's CPU per page ÷ its own, however well it overlaps.
    cpu_ratios = [e["busy"] / f["busy"] for e, f in zip(extract_runs, full_runs, strict=True) if "busy" in f]
    results = {
        "scale": args.scale, "pages": pages, "cores": workers, "repeat": repeat,
        "fetch_only_pages_per_s": statistics.median(fetch_rates),
        "extract_only_pages_per_s": extract_rate,
        "full_pipeline_pages_per_s": statistics.median(full_rates),
        "no_archive_pages_per_s": statistics.median(bare_rates),
        "runs": {"fetch_only": [round(r, 1) for r in fetch_rates], "extract_only": [round(r, 1) for r in extract_rates],
                 "full": [round(r, 1) for r in full_rates], "no_archive": [round(r, 1) for r in bare_rates],
                 "full_vs_extract": [round(f / e, 2) for f, e in zip(full_rates, extract_rates, strict=True)],
                 "no_archive_vs_extract": [round(b / e, 2) for b, e in zip(bare_rates, extract_rates, strict=True)],
                 "extract_vs_full_cpu": [round(r, 2) for r in cpu_ratios]},
        "cpu_ms_per_page": {
            "fetch_only": _median([_cpu_ms(run, count) for run, count in zip(fetch_runs, fetch_pages, strict=True)]),
            "extract_only": _median([_cpu_ms(run, pages) for run in extract_runs]),
            "full": _median([_cpu_ms(run, pages) for run in full_runs]),
            "no_archive": _median([_cpu_ms(run, pages) for run in bare_runs])},
        "idle_share": {"extract_only": _median([_idle_share(run) for run in extract_runs]),
                       "full": _median([_idle_share(run) for run in full_runs])},
        "full_vs_extract": statistics.median(f / e for f, e in zip(full_rates, extract_rates, strict=True)),
        "no_archive_vs_extract": statistics.median(b / e for b, e in zip(bare_rates, extract_rates, strict=True)),
        "extract_vs_full_cpu": _median(cpu_ratios),
        "responses_full": full_runs[0]["stats"].get("response_received_count"),
        "peak_rss_mb": max(full["peak_rss_mb"] for full in full_runs),
    }
    print(f"| pages | fetch-only pages/s | extraction-only pages/s ({workers} cores) | full pipeline pages/s | "
          "full ÷ extraction | peak RSS (MB) |")
    print("|---:|---:|---:|---:|---:|---:|")
    print(f"| {pages} | {results['fetch_only_pages_per_s']:.0f} | {extract_rate:.0f} | "
          f"{results['full_pipeline_pages_per_s']:.0f} | {results['full_vs_extract']:.2f} | {results['peak_rss_mb']:.0f} |")
    print(f"runs (pages/s): {results['runs']}")
    print(f"without the archive: {results['no_archive_pages_per_s']:.0f} pages/s, "
          f"÷ extraction {results['no_archive_vs_extract']:.2f}")
    if results["extract_vs_full_cpu"] is not None:
        cpu = results["cpu_ms_per_page"]
        idle = results["idle_share"]
        print(f"machine CPU per page (ms): fetch-only {cpu['fetch_only']:.1f}, "
              f"extraction-only {cpu['extract_only']:.1f}, full {cpu['full']:.1f}, "
              f"without the archive {cpu['no_archive']:.1f}; idle share: extraction-only "
              f"{idle['extract_only']:.0%}, full {idle['full']:.0%}; full ÷ extraction cannot pass "
              f"{results['extract_vs_full_cpu']:.2f} (extraction's CPU per page ÷ the full pipeline's)")
    print(f"results: {write_results('crawl', results)}")


if __name__ == "__main__":
    main()
