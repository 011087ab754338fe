"""bench/refresh: thirty nights of a portal that lives, under the revisit policy.

    python bench/refresh/run.py [--scale 6] [--nights 30] [--ceiling 7]

A first crawl of the fixture portal, then one crawl a night on a simulated clock (``NIANBAO_CLOCK``
for the crawler, the fixture portal's own calendar moved on with it) while the portal changes on a
fixed schedule: new reports, edits, removals (the lists still link them) and a site that moves to
another host with 301s. Per night: requests, bytes and seconds against the first crawl, what was
asked for (documents, the rest), and what the archive saw; for every event, how many nights passed
until the archive had it. Results in bench/results/refresh.json; see bench/refresh/README.md.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
import tempfile
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from statistics import median
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent.parent))

from bench.common import timed_crawl, write_results

START = date(2026, 11, 23)
MOVED_SITE = "lanshan"


@dataclass
class Event:
    """Something the portal did on a night's day, and when the archive had it."""

    night: int
    kind: str  # new, edit, removal, move
    site: str
    url: str = ""
    seen: int | None = None
    detail: dict[str, Any] = field(default_factory=dict)

    @property
    def delay(self) -> int | None:
        return None if self.seen is None else self.seen - self.night


# (night, kind, site): the portal's schedule. Edits alternate between a report of this year's cycle
# and an old one; removals take a report from the middle of the site's list. All in a fixed order.
SCHEDULE = (
    (3, "new", "qinglan"), (5, "edit", "yunxi"), (7, "removal", "nanling"), (9, "new", "yunxi"),
    (11, "edit", "qingzhou"), (14, "removal", "gjj"), (15, "move", MOVED_SITE), (17, "new", "mingzhou"),
    (19, "edit", "shiqiao"), (21, "removal", "donghu"), (24, "new", "jinshan"), (26, "edit", "qinglan"),
)
CURRENT_EDITS = (5, 19)


def clock(night: int) -> str:
    """02:00 of the night's day in Beijing, as NIANBAO_CLOCK."""
    return f"{(START + timedelta(days=night)).isoformat()}T02:00:00+08:00"


def query(db: Path, sql: str, *params: object) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def happen(portal: Any, event: Event) -> None:
    """Make the portal do ``event`` (before the night's crawl)."""
    reports = sorted((t for t in portal.truth() if t["site"] == event.site and not t["removed"]),
                     key=lambda t: (t["report_year"], t["url"]))
    if event.kind == "new":
        event.url = portal.publish_report(event.site)
    elif event.kind == "edit":
        event.url = reports[-1 if event.night in CURRENT_EDITS else 0]["url"]
        event.detail["report_year"] = reports[-1 if event.night in CURRENT_EDITS else 0]["report_year"]
        portal.edit_report(event.url, text=f"（第{event.night}夜更正：补充了依申请公开办理情况的说明。）")
    elif event.kind == "removal":
        event.url = reports[len(reports) // 2]["url"]
        portal.remove_report(event.url)
    else:
        event.detail["before"] = portal.sites[event.site].base_url
        portal.move_site(event.site, host="localhost", redirect=True)
        event.url = portal.sites[event.site].homepage


def outcome_night(db: Path, url: str, outcomes: tuple[str, ...], run_nights: dict[int, int]) -> int | None:
    """The night whose run first recorded ``url``'s document with one of ``outcomes``."""
    rows = query(db, "SELECT c.run_id FROM captures c JOIN document_urls u ON u.document_id = c.document_id "
                     f"WHERE u.url = ? AND c.outcome IN ({', '.join('?' * len(outcomes))}) ORDER BY c.id",
                 url, *outcomes)
    nights = [run_nights[run] for (run,) in rows if run in run_nights]
    return min(nights) if nights else None


def move_night(db: Path, event: Event, run_nights: dict[int, int]) -> int | None:
    """The night by which every document of the moved site had been seen at its new origin."""
    origin = event.url.rstrip("/")
    rows = query(db, "SELECT d.id, min(c.run_id) FROM documents d LEFT JOIN captures c ON c.document_id = d.id "
                     "AND (c.final_url LIKE ? OR c.url LIKE ?) AND c.status IN (200, 304) "
                     "WHERE d.id IN (SELECT document_id FROM document_urls WHERE url LIKE ?) GROUP BY d.id",
                 origin + "/%", origin + "/%", event.detail["before"] + "/%")
    if not rows or any(run is None for _, run in rows):
        return None
    return max(run_nights[run] for _, run in rows)


def duplicates(db: Path) -> int:
    """Documents sharing a site and key with another one (none, if identity holds)."""
    return query(db, "SELECT count(*) FROM (SELECT site, key FROM document_urls GROUP BY site, key "
                     "HAVING count(DISTINCT document_id) > 1)")[0][0]


def asked(portal: Any, since: int, documents: set[str]) -> dict[str, int]:
    """Requests the portal served since ``since``: for known documents (by path) and everything else."""
    counts = {"documents": 0, "other": 0}
    for _, path, _, _ in portal.request_log[since:]:
        counts["documents" if path in documents else "other"] += 1
    return counts


def document_paths(db: Path) -> set[str]:
    """Paths (with query) of every URL a document was seen at, and of every captured document URL and
    where it led (a download link redirecting to the file is a request for the document too)."""
    urls = query(db, "SELECT url FROM document_urls UNION SELECT url FROM captures WHERE kind IN ('page', 'attachment') "
                     "UNION SELECT final_url FROM captures WHERE kind IN ('page', 'attachment') AND final_url IS NOT NULL")
    return {"/" + url.split("/", 3)[3] for (url,) in urls}


def night_row(night: int, crawl: dict[str, Any], first: dict[str, Any], run: tuple, served: dict[str, int],
              events: list[Event]) -> dict[str, Any]:
    stats = crawl["stats"]
    requests = stats.get("downloader/request_count", 0)
    return {
        "night": night, "date": clock(night)[:10], "events": ", ".join(f"{e.kind} {e.site}" for e in events),
        "requests": requests, "requests_share": requests / first["stats"]["downloader/request_count"],
        "bytes": stats.get("downloader/response_bytes", 0),
        "bytes_share": stats.get("downloader/response_bytes", 0) / first["stats"]["downloader/response_bytes"],
        "seconds": round(crawl["seconds"], 2), "seconds_share": crawl["seconds"] / first["seconds"],
        "documents_asked": served["documents"], "other_asked": served["other"],
        "new": run[0], "changed": run[1], "removed": run[2], "unchanged": run[3], "not_modified": run[4],
    }


def main() -> None:
    from fixture_portal import FixturePortal

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=6)
    parser.add_argument("--nights", type=int, default=30)
    parser.add_argument("--ceiling", type=float, default=7.0, help="NIANBAO_REVISIT_CEILING_DAYS")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    db = Path(tempfile.mkdtemp(prefix="nianbao-refresh-")) / "archive.db"
    policy = ("-s", f"NIANBAO_REVISIT_CEILING_DAYS={args.ceiling}")
    os.environ["NIANBAO_CLOCK"] = clock(0)  # the portal's calendar starts on the same day as the crawler's
    events = [Event(night, kind, site) for night, kind, site in SCHEDULE if night <= args.nights]
    rows, run_nights = [], {}
    with FixturePortal(seed=args.seed, scale=args.scale) as portal:
        urls = portal.homepages()
        first = timed_crawl(urls, db, *policy)
        run_nights[query(db, "SELECT max(id) FROM runs")[0][0]] = 0
        for night in range(1, args.nights + 1):
            portal.advance_clock(1)
            todays = [e for e in events if e.night == night]
            for event in todays:
                happen(portal, event)
            os.environ["NIANBAO_CLOCK"] = clock(night)
            since, known = len(portal.request_log), document_paths(db)
            crawl = timed_crawl(urls, db, *policy)
            run_id, *run = query(db, "SELECT id, new, changed, removed, unchanged, not_modified FROM runs "
                                     "ORDER BY id DESC LIMIT 1")[0]
            run_nights[run_id] = night
            rows.append(night_row(night, crawl, first, tuple(run), asked(portal, since, known), todays))
            print(f"night {night:2}: {rows[-1]['requests']:5} requests ({rows[-1]['requests_share']:.1%}), "
                  f"{rows[-1]['seconds']:6.2f} s  {rows[-1]['events']}", flush=True)
    for event in events:
        if event.kind == "move":
            event.seen = move_night(db, event, run_nights)
        else:
            wanted = {"new": ("new",), "edit": ("changed",), "removal": ("removed",)}[event.kind]
            event.seen = outcome_night(db, event.url, wanted, run_nights)
    report(args, first, rows, events, db)


def report(args: argparse.Namespace, first: dict[str, Any], rows: list[dict[str, Any]], events: list[Event],
           db: Path) -> None:
    ordinary = [r for r in rows if not r["events"]]
    shares = [r["requests_share"] for r in ordinary]
    results = {
        "scale": args.scale, "nights": args.nights, "ceiling_days": args.ceiling,
        "first": {"requests": first["stats"]["downloader/request_count"],
                  "responses": first["stats"].get("response_received_count", 0),
                  "bytes": first["stats"].get("downloader/response_bytes", 0), "seconds": round(first["seconds"], 2)},
        "rows": rows, "events": [{"night": e.night, "kind": e.kind, "site": e.site, "url": e.url,
                                  "archived_night": e.seen, "delay_nights": e.delay} for e in events],
        "ordinary_requests_share": {"median": median(shares), "max": max(shares), "min": min(shares)},
        "duplicated_documents": duplicates(db),
        "documents": query(db, "SELECT count(*) FROM documents")[0][0],
    }
    print("\n| night | events | requests | of first | documents asked | other | bytes | of first | seconds | of first |"
          " new | changed | removed |")
    print("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    print(f"| 0 | first crawl | {results['first']['requests']:,} | 100% | | | {results['first']['bytes']:,} | 100% |"
          f" {results['first']['seconds']} | 100% | | | |")
    for r in rows:
        print(f"| {r['night']} | {r['events']} | {r['requests']:,} | {r['requests_share']:.1%} | {r['documents_asked']}"
              f" | {r['other_asked']} | {r['bytes']:,} | {r['bytes_share']:.1%} | {r['seconds']} |"
              f" {r['seconds_share']:.1%} | {r['new']} | {r['changed']} | {r['removed']} |")
    print("\n| event | night | site | archived on night | delay (nights) |")
    print("|---|---:|---|---:|---:|")
    for e in events:
        print(f"| {e.kind} | {e.night} | {e.site} | {e.seen} | {e.delay} |")
    share = results["ordinary_requests_share"]
    print(f"\nordinary nights: requests {share['median']:.1%} of the first crawl (median; {share['min']:.1%}–"
          f"{share['max']:.1%}); duplicated documents: {results['duplicated_documents']}")
    print(f"results: {write_results('refresh', results)}")


if __name__ == "__main__":
    main()
