"""Shared helpers for the crawl benchmarks: a fixture portal in its own process, timed crawls."""

from __future__ import annotations

import functools
import json
import os
import resource
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
# Politeness off: the portal is ours, on loopback.
FAST = ["--delay", "0", "--concurrency", "16", "-s", "CONCURRENT_REQUESTS=32", "-s", "NIANBAO_PROGRESS=off"]


@contextmanager
def fixture_portal(scale: int, *extra: str) -> Iterator[dict[str, str]]:
    """Serve the fixture portal in a child process (so it does not share our CPU accounting); yield its sites."""
    child = subprocess.Popen([sys.executable, "-m", "fixture_portal", "--scale", str(scale), *extra],
                             cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None
        yield json.loads(child.stdout.readline())["sites"]
    finally:
        child.terminate()
        child.wait(timeout=30)


@functools.cache
def byte_compile() -> None:
    """Compile the project's modules once, as an installed package is: a crawl then starts as it does
    on a deployed machine, even where PYTHONDONTWRITEBYTECODE stops Python from caching them."""
    import compileall

    for package in ("crawler", "archive", "spiders"):
        compileall.compile_dir(ROOT / package, quiet=1)


def timed_crawl(urls: list[str], db: Path, *args: str) -> dict[str, Any]:
    """Run ``nianbao crawl`` in a subprocess; wall time (``seconds``), the machine's CPU seconds (``busy``,
    ``idle``, see :func:`cpu_spent`), Scrapy stats, and the children's peak RSS."""
    byte_compile()
    stats_file = db.with_suffix(".stats.json")
    with cpu_spent() as spent:
        result = subprocess.run([sys.executable, "-m", "crawler.cli", "crawl", *urls, "--db", str(db), *FAST, *args,
                                 "--stats", str(stats_file)], cwd=ROOT, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SystemExit(f"crawl failed:\n{result.stderr[-3000:]}")
    return {**spent, "stats": json.loads(stats_file.read_text(encoding="utf-8")),
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}


def machine_cpu() -> tuple[float, float] | None:
    """(busy, idle) CPU seconds of the whole machine since boot, from ``/proc/stat``; None off Linux.

    Busy counts every process on the machine (crawl, workers, attachment readers, the fixture
    server) and the kernel, which per-process accounting misses for forked children nobody waits for.
    """
    try:
        with open("/proc/stat", encoding="ascii") as stat:
            # user nice system idle iowait irq softirq steal; guest time is already counted in user
            ticks = [int(t) for t in stat.readline().split()[1:9]]
    except OSError:
        return None
    per_second = os.sysconf("SC_CLK_TCK")
    idle = ticks[3] + ticks[4]  # idle and iowait
    return (sum(ticks) - idle) / per_second, idle / per_second


@contextmanager
def cpu_spent() -> Iterator[dict[str, float]]:
    """Measure the block: fills ``seconds`` (wall) and, on Linux, ``busy`` and ``idle`` CPU seconds."""
    spent: dict[str, float] = {}
    before, started = machine_cpu(), time.perf_counter()
    try:
        yield spent
    finally:
        spent["seconds"] = time.perf_counter() - started
        after = machine_cpu()
        if before is not None and after is not None:
            spent["busy"], spent["idle"] = after[0] - before[0], after[1] - before[1]


def write_results(name: str, results: dict[str, Any]) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    return path
