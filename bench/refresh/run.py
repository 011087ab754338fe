"""bench/refresh: what a nightly re-crawl of an unchanged portal costs, and whether it finds real changes.

    python bench/refresh/run.py [--scale 6]

1. ``--repeat`` pairs of crawls, each pair into a fresh archive: a full first crawl of the fixture
   portal, then at once a crawl of the unchanged portal (conditional requests for every known
   document, list pages first): time of each and their ratio (the median pair ratio is reported),
   bytes, versions created by the second (must be 0);
2. five reports edited, a third crawl of the last archive: it must find exactly those five.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent.parent))

from bench.common import timed_crawl, write_results


def versions(db: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("select count(*) from versions").fetchone()[0]
    finally:
        conn.close()


def changed_urls(db: Path) -> set[str]:
    conn = sqlite3.connect(db)
    try:
        run = conn.execute("select max(id) from runs").fetchone()[0]
        return {u for (u,) in conn.execute("select url from captures where run_id = ? and outcome = 'changed'", [run])}
    finally:
        conn.close()


def _median(crawls: list[dict]) -> dict:
    """The crawl of median time."""
    return sorted(crawls, key=lambda c: c["seconds"])[len(crawls) // 2]


def row(label: str, crawl: dict, new_versions: int) -> dict:
    return {"crawl": label, "seconds": round(crawl["seconds"], 2),
            "bytes": crawl["stats"].get("downloader/response_bytes", 0),
            "responses": crawl["stats"].get("response_received_count", 0), "new_versions": new_versions}


def main() -> None:
    from fixture_portal import FixturePortal

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=6)
    parser.add_argument("--repeat", type=int, default=3, help="first and unchanged crawls each; medians are reported")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="nianbao-refresh-"))
    firsts, unchanged, ratios = [], [], []
    with FixturePortal(seed=7, scale=args.scale) as portal:
        urls = portal.homepages()
        # Each first crawl is followed at once by an unchanged one into the same archive: this
        # machine's speed drifts by a third over minutes, and a pair shares the drift.
        for n in range(max(1, args.repeat)):
            db = workdir / f"archive-{n}.db"
            firsts.append(timed_crawl(urls, db))
            after_first = versions(db)
            unchanged.append(timed_crawl(urls, db))
            ratios.append(unchanged[-1]["seconds"] / firsts[-1]["seconds"])
        after_second = versions(db)
        first, second = _median(firsts), _median(unchanged)
        edited = {t["url"] for t in portal.truth()[:: max(1, len(portal.truth()) // 5)][:5]}
        for url in edited:
            portal.edit_report(url, text="本年度还对政府信息公开工作年度报告的发布流程进行了专项检查。")
        third = timed_crawl(urls, db)
    rows = [row(f"first (full, median of {len(firsts)})", first, after_first),
            row(f"unchanged (median of {len(unchanged)})", second, after_second - after_first),
            row("third (5 reports edited)", third, versions(db) - after_second)]
    found = changed_urls(db)
    results = {"scale": args.scale, "rows": rows, "first_seconds": [round(c["seconds"], 2) for c in firsts],
               "unchanged_seconds": [round(c["seconds"], 2) for c in unchanged],
               "pair_time_ratios": [round(r, 4) for r in ratios], "time_ratio": sorted(ratios)[len(ratios) // 2],
               "bytes_ratio": rows[1]["bytes"] / max(rows[0]["bytes"], 1),
               "edited": len(edited), "found_changed": len(found), "found_exactly_the_edited": found == edited}
    print("| crawl | seconds | bytes received | responses | new versions |")
    print("|---|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['crawl']} | {r['seconds']} | {r['bytes']:,} | {r['responses']} | {r['new_versions']} |")
    print(f"first crawls: {results['first_seconds']} s; unchanged crawls: {results['unchanged_seconds']} s; "
          f"unchanged/first per pair: {', '.join(f'{r:.1%}' for r in ratios)}")
    print(f"unchanged/first: time {results['time_ratio']:.1%} (median of the pairs), bytes {results['bytes_ratio']:.1%}; "
          f"edited {len(edited)}, found {len(found)}, exactly those: {results['found_exactly_the_edited']}")
    print(f"results: {write_results('refresh', results)}")


if __name__ == "__main__":
    main()
