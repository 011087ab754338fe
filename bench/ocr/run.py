"""OCR benchmark: character errors, table cells and CPU per page for each engine compared.

Every engine reads the same generated scans (bench/ocr/scans.py) through nianbao's own page reader
(``extract.ocr.read_page``: straightening, ruled tables, paragraphs), so only the recogniser differs.
Each engine runs in a worker process of its own, on one thread; CPU is the worker's user + system
time and its children's (tesseract is a subprocess), per page, after the engine's start-up.

    python -m bench.ocr.run                                   # nianbao's engine, float32 forced, tesseract
    python -m bench.ocr.run --engines onnxruntime --python onnxruntime=/path/to/venv/bin/python

``onnxruntime`` needs an interpreter with rapidocr 3.10 and onnxruntime (< 1.31, which sends no
telemetry); ``tesseract`` needs Debian's tesseract-ocr and tesseract-ocr-chi-sim. Each engine's pages
go to bench/results/ocr-ENGINE.json as it finishes; the README's table is printed from every such
file (``--engines ''`` prints it without running anything).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
from pathlib import Path
from statistics import mean, median
from typing import Any

for _name in ("OMP_NUM_THREADS", "OMP_THREAD_LIMIT", "OPENBLAS_NUM_THREADS", "ORT_DISABLE_TELEMETRY"):
    os.environ.setdefault(_name, "1")  # before numpy or any engine is imported

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "bench" / "results"
ENGINES = ("openvino", "openvino-f32", "tesseract")


def cpu_seconds() -> float:
    """User + system CPU of this process and its finished children."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def run_worker(engine: str, scans_dir: Path, dpis: list[int]) -> dict[str, Any]:
    """Read every page of the set with one engine; per-page scores and CPU."""
    from bench.ocr import engines
    from bench.ocr.score import cell_exactness, character_error_rate
    from extract import ocr, raster
    from extract.reports import describe_table

    started = cpu_seconds()
    version = engines.install(engine)
    ocr.read_page(raster.image_page((scans_dir / "200" / "text_00.jpg").read_bytes(), 0)[0], 0, 200)
    rows, start_up = [], cpu_seconds() - started
    for entry in json.loads((scans_dir / "manifest.json").read_text(encoding="utf-8")):
        if entry["dpi"] not in dpis:
            continue
        before = cpu_seconds()
        image, dpi = raster.image_page((scans_dir / entry["path"]).read_bytes(), 0)
        answer = ocr.read_page(image, 0, dpi)
        row = {**entry, "cpu": cpu_seconds() - before, "confidence": answer["ocr"]["confidence"]}
        truth = json.loads((scans_dir / entry["truth"]).read_text(encoding="utf-8"))
        if entry["kind"] == "text":
            text = "\n".join(block.get("p", "") for block in answer["blocks"])
            row["cer"] = character_error_rate(text, "".join(truth))
        else:
            grid = next((block["grid"] for block in answer["blocks"] if "grid" in block), [])
            want = _grid(truth)
            row.update(cells=cell_exactness(grid, want), numbers=cell_exactness(grid, want, numbers_only=True),
                       balanced=(describe_table(grid)["checks"] or {}).get("balance") is True)
        rows.append(row)
        print(f"  {engine} {entry['path']}: {row['cpu']:.2f} s", file=sys.stderr, flush=True)
    return {"engine": engine, "version": version, "start_up": start_up, "rows": rows,
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def _grid(cells: list[dict[str, Any]]) -> list[list[str]]:
    """The truth grid from the truth file's cells (as bench/ocr/scans.py wrote them)."""
    from bench.ocr.scans import Cell, expanded_grid

    return expanded_grid([Cell(**cell) for cell in cells])


def table_lines(result: dict[str, Any]) -> list[str]:
    """One README row per resolution."""
    lines = []
    for dpi in sorted({row["dpi"] for row in result["rows"]}):
        text = [r for r in result["rows"] if r["dpi"] == dpi and r["kind"] == "text"]
        tables = [r for r in result["rows"] if r["dpi"] == dpi and r["kind"] == "table"]
        lines.append(
            f"| {result['engine']} | {dpi} | {mean(r['cer'] for r in text):.2%} | {max(r['cer'] for r in text):.2%} "
            f"| {mean(r['cells'] for r in tables):.1%} | {mean(r['numbers'] for r in tables):.1%} "
            f"| {sum(r['balanced'] for r in tables)}/{len(tables)} | {median(r['cpu'] for r in text):.2f} "
            f"| {median(r['cpu'] for r in tables):.2f} | {result['peak_rss_mb']:.0f} |")
    return lines


HEADER = ("| engine | dpi | CER (mean) | CER (worst page) | table cells exact | number cells exact | 表三 balanced "
          "| CPU s / text page | CPU s / table page | peak RSS MB |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")


def main() -> None:
    parser = argparse.ArgumentParser(description="OCR benchmark on generated scans")
    parser.add_argument("--engines", default=",".join(ENGINES))
    parser.add_argument("--dpis", default="150,200,300")
    parser.add_argument("--scans", type=Path, default=RESULTS / "scans")
    parser.add_argument("--python", action="append", default=[], metavar="ENGINE=PYTHON",
                        help="the interpreter to run an engine's worker with (its own environment)")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    dpis = [int(d) for d in args.dpis.split(",")]
    if args.worker:
        print(json.dumps(run_worker(args.worker, args.scans, dpis)))
        return
    RESULTS.mkdir(exist_ok=True)
    if not (args.scans / "manifest.json").exists():
        from bench.ocr.scans import write_set

        write_set(args.scans, seed=7)
    pythons = dict(item.split("=", 1) for item in args.python)
    for name in filter(None, args.engines.split(",")):
        result = _run_engine(name, pythons.get(name, sys.executable), args)
        if result is not None:
            (RESULTS / f"ocr-{name}.json").write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    results = [json.loads(path.read_text(encoding="utf-8")) for path in sorted(RESULTS.glob("ocr-*.json"))]
    print(HEADER)
    for result in results:
        print("\n".join(table_lines(result)))
    for result in results:
        print(f"\n{result['engine']}: {result['version']}; start-up {result['start_up']:.1f} s CPU")


def _run_engine(name: str, python: str, args: argparse.Namespace) -> dict[str, Any] | None:
    """One engine's worker, in its own process (and interpreter, when given); None when it failed."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [python, "-m", "bench.ocr.run", "--worker", name, "--scans", str(args.scans), "--dpis", args.dpis]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    if done.returncode:
        sys.stderr.write(done.stderr[-4000:] + f"\n{name}: the worker failed\n")
        return None
    result: dict[str, Any] = json.loads(done.stdout)
    return result


if __name__ == "__main__":
    main()
