"""bench/distributed: workers and one writer on one redis-server, on this machine.

    python bench/distributed/run.py [--scale 6] [--workers 1 2 3] [--hosts 25 100 500] [--delay 1.0]

1. scale   the fixture portal at ``--scale``, politeness off (as bench/crawl), crawled by one
           crawl process (the reference, taken side by side), then by 1, 2 and 3 workers and one
           writer, first with the workers extracting, then with the workers leaving extraction to
           the writer's pool.
           Pages/s, the machine's CPU per page, and the writer's CPU per capture: all of it, and
           the part spent recording batches (what bounds the captures a second one writer sustains).
2. hosts   ``--hosts`` small sites, each a host of its own, politeness on (``--delay``, one request
           at a time per host), 2 workers: pages/s against the number of hosts, each host's request
           rate, and the smallest gap the portal saw between two requests to one host.

Pages are captured documents (report pages and attachments). Results also go to
``bench/results/distributed-scale.json`` and ``distributed-hosts.json``.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import resource
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))

import redis  # noqa: E402

from bench.common import byte_compile, cpu_spent, fixture_portal, write_results  # noqa: E402

NIANBAO = [sys.executable, "-m", "crawler.cli"]
FAST = ["--delay", "0", "--concurrency", "16", "-s", "CONCURRENT_REQUESTS=32"]
QUIET = ["--log-level", "WARNING", "-s", "NIANBAO_PROGRESS=off"]
FETCH_ONLY = ["-s", "ITEM_PIPELINES={}", "-s", "NIANBAO_FRONTIER=0"]


@contextmanager
def redis_server(workdir: Path) -> Iterator[str]:
    """redis-server on a free loopback port, append-only file in ``workdir`` (as docs/distributed.md advises)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    process = subprocess.Popen(["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--dir", str(workdir),
                                "--appendonly", "yes", "--appendfsync", "everysec", "--save", "",
                                "--maxmemory-policy", "noeviction"], stdout=subprocess.DEVNULL)
    try:
        while subprocess.run(["redis-cli", "-p", str(port), "ping"], capture_output=True, check=False).stdout != b"PONG\n":
            time.sleep(0.1)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=30)


@contextmanager
def own_cpu(redis_url: str | None = None) -> Iterator[dict[str, float]]:
    """CPU seconds of the crawl's own processes (``crawl_cpu``: children this bench waited for, with their
    extraction processes) and of redis-server (``redis_cpu``): the machine is shared, so its own
    busy time (``busy``, bench.common.cpu_spent) counts other people's work too."""
    def children() -> float:
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        return usage.ru_utime + usage.ru_stime

    def redis_cpu() -> float:
        if redis_url is None:
            return 0.0
        info = redis.Redis.from_url(redis_url).info("cpu")
        return float(info["used_cpu_user"]) + float(info["used_cpu_sys"])

    spent: dict[str, float] = {}
    before, redis_before = children(), redis_cpu()
    with cpu_spent() as machine:
        yield spent
    spent.update(machine, crawl_cpu=children() - before, redis_cpu=redis_cpu() - redis_before)


def distributed_crawl(urls: list[str], db: Path, redis_url: str, workers: int, *args: str) -> dict[str, Any]:
    """Writer and workers until the crawl is done: wall seconds, CPU, the writer's summary."""
    byte_compile()
    with own_cpu(redis_url) as spent:
        writer = subprocess.Popen([*NIANBAO, "write", "--redis", redis_url, "--db", str(db), "--log-level", "WARNING"],
                                  cwd=ROOT, stdout=subprocess.PIPE, text=True)
        crawlers = [subprocess.Popen([*NIANBAO, "crawl", *urls, "--redis", redis_url, *QUIET, *args], cwd=ROOT,
                                     stdout=subprocess.DEVNULL) for _ in range(workers)]
        summary = json.loads(writer.communicate()[0].strip().splitlines()[-1])
        for crawler in crawlers:
            crawler.wait()
    if writer.returncode or any(c.returncode for c in crawlers):
        raise SystemExit(f"distributed crawl failed: writer {writer.returncode}, workers {[c.returncode for c in crawlers]}")
    return {**spent, "writer": summary, "pages": pages_in(db)}


def pages_in(db: Path) -> int:
    import sqlite3

    with sqlite3.connect(db) as conn:
        return int(conn.execute("SELECT count(*) FROM captures WHERE kind IN ('page', 'attachment') "
                                "AND sha256 IS NOT NULL").fetchone()[0])


def measure(run: dict[str, Any]) -> dict[str, Any]:
    """The row a run gives."""
    writer, pages = run["writer"], run["pages"]
    recorded = max(1, writer["recorded"])
    return {"pages": pages, "seconds": round(run["seconds"], 1), "pages_per_s": round(pages / run["seconds"], 1),
            "crawl_cpu_ms_per_page": round(1000 * run["crawl_cpu"] / pages, 1),
            "redis_cpu_ms_per_page": round(1000 * run["redis_cpu"] / pages, 2),
            "machine_busy_ms_per_page": round(1000 * run.get("busy", 0) / pages, 1),
            "writer_cpu_ms_per_capture": round(1000 * writer["cpu_s"] / recorded, 2),
            "writer_record_ms_per_capture": round(1000 * writer["write_cpu_s"] / recorded, 2),
            "captures": writer["recorded"], "duplicates": writer["duplicates"]}


def scale_runs(scale: int, workers: list[int], tmp: Path) -> list[dict[str, Any]]:
    rows = []
    with fixture_portal(scale) as sites, redis_server(tmp) as redis_url:
        urls = [base + "/" for base in sites.values()]
        # the portal builds its PDF/DOCX/XLSX files on first request: a fetch-only crawl first, not measured
        subprocess.run([*NIANBAO, "crawl", *urls, "--db", str(tmp / "warm.db"), *QUIET, *FAST, *FETCH_ONLY],
                       cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        local = tmp / "scale-local.db"
        with own_cpu() as spent:
            subprocess.run([*NIANBAO, "crawl", *urls, "--db", str(local), *QUIET, *FAST], cwd=ROOT, check=True,
                           stdout=subprocess.DEVNULL)
        pages = pages_in(local)
        rows.append({"workers": "one crawl process", "pages": pages, "seconds": round(spent["seconds"], 1),
                     "pages_per_s": round(pages / spent["seconds"], 1),
                     "crawl_cpu_ms_per_page": round(1000 * spent["crawl_cpu"] / pages, 1),
                     "machine_busy_ms_per_page": round(1000 * spent.get("busy", 0) / pages, 1)})
        print(rows[-1], flush=True)
        for extract_in, n in itertools.product(("worker", "writer"), workers):
            db = tmp / f"scale-{n}-{extract_in}.db"
            run = distributed_crawl(urls, db, redis_url, n, *FAST, "-s", f"NIANBAO_REDIS_EXTRACT={extract_in}")
            rows.append({"workers": n, "extraction": extract_in, **measure(run)})
            print(rows[-1], flush=True)
    return rows


@contextmanager
def many_hosts(count: int, timings: Path) -> Iterator[dict[str, str]]:
    child = subprocess.Popen([sys.executable, "-m", "bench.distributed.hosts", "--hosts", str(count),
                              "--timings", str(timings)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None
        yield json.loads(child.stdout.readline())["sites"]
    finally:
        child.send_signal(signal.SIGTERM)
        child.wait(timeout=60)


def politeness(timings: list[list[Any]]) -> dict[str, Any]:
    """Per host: requests, the smallest gap between one answer and the next request, the busiest rate."""
    per_host: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for site, arrived, answered in timings:
        per_host[site].append((arrived, answered))
    gaps, rates = [], []
    for served in per_host.values():
        served.sort()
        gaps += [later[0] - earlier[1] for earlier, later in itertools.pairwise(served)]
        if len(served) > 1:
            rates.append((len(served) - 1) / (served[-1][0] - served[0][0]))
    first, last = min(t[1] for t in timings), max(t[2] for t in timings)
    return {"requests": len(timings), "portal_busy_s": round(last - first, 1), "min_gap_s": round(min(gaps), 3),
            "median_gap_s": round(statistics.median(gaps), 3), "max_host_requests_per_s": round(max(rates), 2)}


def host_runs(counts: list[int], delay: float, tmp: Path) -> list[dict[str, Any]]:
    rows = []
    with redis_server(tmp) as redis_url:
        for count in counts:
            timings = tmp / f"timings-{count}.json"
            with many_hosts(count, timings) as sites:
                urls = [base + "/" for base in sites.values()]
                run = distributed_crawl(urls, tmp / f"hosts-{count}.db", redis_url, 2, "--delay", str(delay),
                                        "--concurrency", "1", "-s", "CONCURRENT_REQUESTS=64")
            row = {"hosts": count, **measure(run), **politeness(json.loads(timings.read_text()))}
            row["pages_per_busy_s"] = round(row["pages"] / row["portal_busy_s"], 1)  # start-up and the end aside
            rows.append(row)
            print(rows[-1], flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=6)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--hosts", type=int, nargs="+", default=[25, 100, 500])
    parser.add_argument("--delay", type=float, default=1.0)
    parser.add_argument("--skip", choices=["scale", "hosts"], action="append", default=[])
    args = parser.parse_args()
    parts: dict[str, Callable[[Path], list[dict[str, Any]]]] = {
        "scale": lambda tmp: scale_runs(args.scale, args.workers, tmp),
        "hosts": lambda tmp: host_runs(args.hosts, args.delay, tmp)}
    for name, run in parts.items():
        if name not in args.skip:
            machine = {"cpus": os.cpu_count(), "load_at_start": os.getloadavg()}
            with tempfile.TemporaryDirectory(prefix="nianbao-bench-distributed-") as tmp:
                rows = run(Path(tmp))
            results = {"machine": {**machine, "load_at_end": os.getloadavg()}, name: rows}
            print(f"results in {write_results(f'distributed-{name}', results)}")

if __name__ == "__main__":
    main()
