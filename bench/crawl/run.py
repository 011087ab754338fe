"""bench/crawl: fetch-only, extraction-only and full-pipeline rates over the whole fixture portal.

    python bench/crawl/run.py [--scale 6] [--repeat 3]

1. fetch-only   the spider crawls every page; no extraction, no archive (item pipelines off)
2. extract-only the same stored pages extracted in a tight loop on every core
3. full         fetch + extract (2 worker processes) + archive, as `nianbao crawl` runs
Pages are captured documents (report pages and attachments), the same set in all three. Each
measure runs ``--repeat`` times, in rounds of fetch-only, full and extraction-only, and the medians
are reported. full ÷ extraction is the median of each round's own ratio: this machine's speed
drifts by a third within minutes, so only measures taken side by side compare.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent.parent))

from bench.common import fixture_portal, timed_crawl, write_results  # noqa: E402


def stored_pages(db: Path) -> list[tuple[bytes, str, dict[str, str]]]:
    """(raw bytes, url, headers) of every captured page, read back from the archive's blobs."""
    import json

    import archive

    with archive.open_archive(db) as store:
        rows = store.db.execute("select url, headers, sha256 from captures where sha256 is not null").fetchall()
        return [(store.blob(sha), url, json.loads(headers)) for url, headers, sha in rows]


def _extract(args: tuple[bytes, str, dict[str, str]]) -> int:
    from crawler.extract import extract_document

    return len(extract_document(*args)["text"] or "")


def extraction_rate(pages: list[tuple[bytes, str, dict[str, str]]], workers: int) -> float:
    with ProcessPoolExecutor(workers) as pool:
        list(pool.map(_extract, pages[: workers * 4]))  # warm the workers (imports, lxml)
        started = time.perf_counter()
        list(pool.map(_extract, pages, chunksize=8))
    return len(pages) / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=6)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each measure; medians are reported")
    args = parser.parse_args()
    repeat = max(1, args.repeat)
    tmp = Path(tempfile.mkdtemp(prefix="nianbao-bench-"))
    fetch_rates, fulls, full_rates, extract_rates = [], [], [], []
    workers = os.cpu_count() or 1
    with fixture_portal(args.scale) as sites:
        urls = [f"{base}/" for base in sites.values()]
        for n in range(repeat):
            fetch = timed_crawl(urls, tmp / f"fetch{n}.db", "-s", "ITEM_PIPELINES={}", "-s", "NIANBAO_FRONTIER=0",
                                "-s", "NIANBAO_CONDITIONAL_REQUESTS=0", "-s", "NIANBAO_REVISIT_KNOWN=0")
            captures = fetch["stats"].get("item_scraped_count", 0) - fetch["stats"].get("nianbao/lists/read", 0)
            fetch_rates.append(captures / fetch["seconds"])  # list pages' ListPage items are not pages
            full = timed_crawl(urls, tmp / f"full{n}.db")
            fulls.append(full)
            if n == 0:
                stored = stored_pages(tmp / "full0.db")
                pages = len(stored)
            full_rates.append(pages / full["seconds"])
            extract_rates.append(extraction_rate(stored, workers))
    extract_rate = statistics.median(extract_rates)
    results = {
        "scale": args.scale, "pages": pages, "cores": workers, "repeat": repeat,
        "fetch_only_pages_per_s": statistics.median(fetch_rates),
        "extract_only_pages_per_s": extract_rate,
        "full_pipeline_pages_per_s": statistics.median(full_rates),
        "runs": {"fetch_only": [round(r, 1) for r in fetch_rates], "extract_only": [round(r, 1) for r in extract_rates],
                 "full": [round(r, 1) for r in full_rates],
                 "full_vs_extract": [round(f / e, 2) for f, e in zip(full_rates, extract_rates, strict=True)]},
        "responses_full": fulls[0]["stats"].get("response_received_count"),
        "peak_rss_mb": max(full["peak_rss_mb"] for full in fulls),
    }
    results["full_vs_extract"] = statistics.median(f / e for f, e in zip(full_rates, extract_rates, strict=True))
    print(f"| pages | fetch-only pages/s | extraction-only pages/s ({workers} cores) | full pipeline pages/s | "
          "full ÷ extraction | peak RSS (MB) |")
    print("|---:|---:|---:|---:|---:|---:|")
    print(f"| {pages} | {results['fetch_only_pages_per_s']:.0f} | {extract_rate:.0f} | "
          f"{results['full_pipeline_pages_per_s']:.0f} | {results['full_vs_extract']:.2f} | {results['peak_rss_mb']:.0f} |")
    print(f"runs (pages/s): {results['runs']}")
    print(f"results: {write_results('crawl', results)}")


if __name__ == "__main__":
    main()
