"""Measure a benchmark archive built by generate.py: size, insert rate, search and history latency.

    python -m bench.archive.run --db bench/results/archive.db

Prints a Markdown table and writes bench/results/archive.json. The insert rate is measured on a
copy of the archive (removed afterwards), so the archive itself is only read.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sqlite3
import statistics
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import archive
from bench.archive import generate
from bench.archive.corpus import Vocabulary
from bench.archive.site import make_site, render_page
from nianbao.capture import Capture

# Common four-character terms of 年报; the rest of the 4-character queries are cut from texts.
COMMON_TERMS = ("政府信息", "依申请公", "行政复议", "公开工作", "政务服务", "年度报告", "信息公开", "主动公开")
SHORT_TERMS = ("公开", "复议", "县", "诉讼", "指南", "件")
RANDOM_TERMS = 32
SAMPLES = 200
INSERTS = 1000
# dbstat names grouped into what they hold.
SIZE_GROUPS = (
    ("blobs", ("blobs", "sqlite_autoindex_blobs_1")),
    ("versions", ("version_rows", "versions_sha256", "versions_created", "sqlite_autoindex_version_rows_1")),
    ("search index", ("search_fts_data", "search_fts_idx", "search_fts_docsize", "search_fts_config")),
    ("captures", ("captures", "captures_url", "captures_document", "captures_run", "captures_sha256",
                  "captures_version")),
)


def percentiles(samples: Sequence[float]) -> dict[str, float]:
    """p50 and p95 in milliseconds."""
    ordered = sorted(samples)
    return {"p50_ms": round(statistics.median(ordered) * 1000, 2),
            "p95_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))] * 1000, 2),
            "n": len(ordered)}


def timed(calls: Sequence[Callable[[], Any]]) -> dict[str, float]:
    """Run each call once; percentiles of their durations."""
    durations = []
    for call in calls:
        started = time.perf_counter()
        call()
        durations.append(time.perf_counter() - started)
    return percentiles(durations)


def checkpoint(path: Path) -> None:
    """Fold the WAL into the file, so the file size is the archive's size."""
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()


def sizes(db: archive.Archive, path: Path) -> dict[str, Any]:
    """File size against raw bytes, and what takes the space (dbstat, by table group)."""
    stats = db.stats()
    pages = dict(db.db.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name").fetchall())
    groups = {label: sum(pages.pop(name, 0) for name in names) for label, names in SIZE_GROUPS}
    groups["other"] = sum(pages.values())
    text_bytes = db.db.execute("SELECT sum(length(CAST(text AS BLOB))) FROM versions").fetchone()[0]
    # as stored: current texts plain, older ones mostly as deltas (archive/text_deltas.py)
    stored_text_bytes = db.db.execute(
        "SELECT sum(coalesce(length(CAST(text AS BLOB)), 0) + coalesce(length(CAST(text_delta AS BLOB)), 0)) "
        "FROM version_rows").fetchone()[0]
    file_bytes = path.stat().st_size
    # pages the last search-index merge freed: the file keeps them for later writes (VACUUM returns them)
    free_bytes = db.db.execute("PRAGMA freelist_count").fetchone()[0] * db.db.execute("PRAGMA page_size").fetchone()[0]
    return {"file_bytes": file_bytes, "free_bytes": free_bytes, "raw_bytes": stats["raw_bytes"],
            "share_of_raw_in_use": round((file_bytes - free_bytes) / stats["raw_bytes"], 4),
            "captured_bytes": stats["captured_bytes"],
            "blob_data_bytes": stats["stored_bytes"], "version_text_bytes": text_bytes,
            "version_text_stored_bytes": stored_text_bytes,
            "share_of_raw": round(file_bytes / stats["raw_bytes"], 4),
            "share_of_captured": round(file_bytes / stats["captured_bytes"], 4), "by_table": groups}


def search_queries(db: archive.Archive, rng: random.Random) -> list[str]:
    """Common terms plus four-character windows of CJK text cut from random current versions."""
    ids = [row[0] for row in db.db.execute("SELECT current_version_id FROM documents")]
    queries = list(COMMON_TERMS)
    while len(queries) < len(COMMON_TERMS) + RANDOM_TERMS:
        text = db.db.execute("SELECT text FROM versions WHERE id = ?", [rng.choice(ids)]).fetchone()[0]
        at = rng.randrange(len(text) - 4)
        window = text[at:at + 4]
        if all("\u4e00" <= char <= "\u9fff" for char in window):
            queries.append(window)
    return queries


def latencies(db: archive.Archive, rng: random.Random) -> dict[str, Any]:
    """Search, history and get_version(as_of) timings on random documents."""
    urls = [row[0] for row in db.db.execute("SELECT url FROM documents")]
    sample = rng.sample(urls, min(SAMPLES, len(urls)))
    days = [generate.fetch_time(round_, 0)[:10] for round_ in range(generate.ROUNDS)]
    for query in COMMON_TERMS[:2]:
        db.search(query)  # warm the page cache a little, as a running service would have
    return {
        "search_4char": timed([lambda q=q: db.search(q) for q in search_queries(db, rng)]),
        "search_short": timed([lambda q=q: db.search(q) for q in SHORT_TERMS]),
        "history": timed([lambda u=u: db.history(u) for u in sample]),
        "get_version_as_of": timed([lambda u=u: db.get_version(u, as_of=rng.choice(days)) for u in sample]),
    }


def insert_rate(path: Path, built: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    """record_capture into a copy of the full archive: one more round for random documents, half changed."""
    copy = path.with_name(f".{path.name}.insert-test")
    shutil.copyfile(path, copy)
    try:
        vocabulary = Vocabulary.build(built["seed"])
        sites = [make_site(index, vocabulary, built["seed"]) for index in range(built["sites"])]
        documents = generate.plan(sites, built["versions"], built["seed"])
        renderer = generate.Renderer(vocabulary)
        chosen = rng.sample(documents, min(INSERTS, len(documents)))
        with archive.open_archive(copy) as db:
            captures = [_next_capture(renderer, doc, rng.random() < 0.5, sequence)
                        for sequence, doc in enumerate(chosen)]
            started = time.perf_counter()
            outcomes = [db.record_capture(capture).outcome for capture in captures]
            seconds = time.perf_counter() - started
    finally:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{copy}{suffix}").unlink(missing_ok=True)
    return {"captures": len(captures), "captures_per_s": round(len(captures) / seconds, 1),
            "outcomes": {name: outcomes.count(name) for name in sorted(set(outcomes))}}


def _next_capture(renderer: generate.Renderer, doc: generate.Document, change: bool,
                  sequence: int) -> Capture:
    """A capture of ``doc`` in the round after the last: a new version, or what the site serves unchanged."""
    round_ = generate.ROUNDS
    fetched_at = generate.fetch_time(round_, sequence)
    if not change:
        return renderer.capture(doc, round_, fetched_at)
    body = renderer.body(doc, doc.version_in(round_) + 1)
    page = render_page(doc.site, body, renderer.meta(doc), fetched_at[:10])
    return Capture(url=doc.url, site=doc.site.name, status=200, headers=doc.site.headers(page),
                            body=page, fetched_at=fetched_at, extraction=renderer.extraction(doc, body))


def markdown(result: dict[str, Any]) -> str:
    """The results as a Markdown table."""
    size, lat, ins = result["size"], result["latency"], result["insert"]
    mb = 1024 * 1024
    rows = [
        ("versions / captures", f"{result['built']['versions']:,} / {result['built']['captures']:,}"),
        ("raw bytes (distinct bodies) / captured bytes", f"{size['raw_bytes'] / mb:,.0f} MiB / "
                                                         f"{size['captured_bytes'] / mb:,.0f} MiB"),
        ("file size", f"{size['file_bytes'] / mb:,.0f} MiB"),
        ("file size / raw bytes (target ≤ 25%)", f"{size['share_of_raw']:.1%}"),
        ("  pages in use / raw bytes (free pages are reused by later writes)", f"{size['share_of_raw_in_use']:.1%}"),
        ("file size / captured bytes", f"{size['share_of_captured']:.1%}"),
        *((f"  of which {name}", f"{value / mb:,.0f} MiB") for name, value in size["by_table"].items()),
        ("version text, whole / as stored (older versions as deltas)",
         f"{size['version_text_bytes'] / mb:,.0f} MiB / {size['version_text_stored_bytes'] / mb:,.0f} MiB"),
        ("build rate, record_capture (captures/s)", f"{result['built']['captures_per_s']:,}"),
        ("build time, wall / CPU", f"{result['built']['seconds'] / 60:.1f} min / "
                                   f"{result['built'].get('cpu_seconds', 0) / 60:.1f} min"),
        ("insert rate into the full archive (captures/s)", f"{ins['captures_per_s']:,}"),
        *((f"{label} p50 / p95", f"{lat[key]['p50_ms']} ms / {lat[key]['p95_ms']} ms") for label, key in (
            ("search, 4-character term (target p95 < 100 ms)", "search_4char"),
            ("search, 1–2-character term (scan fallback)", "search_short"),
            ("history(url)", "history"), ("get_version(as_of=…)", "get_version_as_of"))),
    ]
    return "\n".join(["| measure | result |", "|---|---|", *(f"| {a} | {b} |" for a, b in rows)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=generate.RESULTS / "archive.db")
    parser.add_argument("--out", type=Path, default=generate.RESULTS / "archive.json")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    built = json.loads((args.db.parent / "generate.json").read_text())
    rng = random.Random(args.seed)
    checkpoint(args.db)
    with archive.open_archive(args.db, readonly=True) as db:
        result = {"built": {k: v for k, v in built.items() if k != "stats"}, "size": sizes(db, args.db),
                  "latency": latencies(db, rng)}
    result["insert"] = insert_rate(args.db, built, rng)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False))
    print(markdown(result))


if __name__ == "__main__":
    main()
