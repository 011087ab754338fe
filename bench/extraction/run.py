"""Extraction benchmark: nianbao vs plain trafilatura on the gold set (tests/gold/).

    .venv/bin/python -m bench.extraction.run            # prints the tables, rewrites README.md

Quality is scored with ``tests.gold.scoring`` on the gold set's HTML pages (trafilatura reads
no PDF or Office files): body bigram F1, chrome leakage, and per-field exact-match accuracy.
trafilatura gets the page already decoded by nianbao's decoder (the same ``str``) and runs
``extract(..., include_tables=True)``, by default and with ``favor_precision=True``; its
metadata comes from ``bare_extraction(..., with_metadata=True)``, where ``title`` and ``date``
(→ ``publish_date``) have an equivalent; every other field counts as a miss for it.
Speed is single-process and warm (one pass first, then the best of ``ROUNDS``); nianbao is
timed from bytes (its decoding included), trafilatura from the decoded ``str``.
"""

from __future__ import annotations

import os
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import trafilatura

from extract import extract_document
from nianbao.pages import decode_html
from tests.gold import scoring

HERE = Path(__file__).parent
ROUNDS = 5
TYPICAL = (30_000, 60_000)  # bytes: the size of a typical report detail page
META_FIELDS = ("title", "index_no", "topic", "issuer", "written_date", "publish_date", "doc_no", "validity",
               "keywords", "site_name", "site_id_code", "region", "report_year")
# trafilatura metadata attribute → nianbao field.
TRAFILATURA_META = {"title": "title", "date": "publish_date"}
Extractor = Callable[[scoring.Entry], dict[str, Any]]


def nianbao(entry: scoring.Entry) -> dict[str, Any]:
    """nianbao's full extraction from bytes."""
    return extract_document(entry.body, entry.url, entry.headers, ocr=False)  # as a crawl does


def trafilatura_extractor(favor_precision: bool) -> Extractor:
    """Plain trafilatura on the decoded page: text from ``extract``, metadata from ``bare_extraction``."""
    def run(entry: scoring.Entry) -> dict[str, Any]:
        html = decoded(entry)
        text = trafilatura.extract(html, url=entry.url, include_tables=True, favor_precision=favor_precision)
        meta = trafilatura.bare_extraction(html, url=entry.url, include_tables=True, with_metadata=True,
                                           favor_precision=favor_precision)
        found = {field: getattr(meta, attr, None) for attr, field in TRAFILATURA_META.items()} if meta else {}
        return {"text": text, **found}
    return run


_DECODED: dict[str, str] = {}


def decoded(entry: scoring.Entry) -> str:
    """The page as nianbao's decoder reads it (cached: decoding is not what is compared)."""
    if entry.id not in _DECODED:
        _DECODED[entry.id] = decode_html(entry.body, entry.headers)[0]
    return _DECODED[entry.id]


def quality(entries: list[scoring.Entry], extractors: dict[str, Extractor]) -> dict[str, dict[str, Any]]:
    """Summary scores per extractor; fields trafilatura has no equivalent for are misses."""
    summaries = {}
    for name, extractor in extractors.items():
        summary = scoring.score(entries, extractor).summary()
        if name != "nianbao":
            summary["fields"] = {f: (v if f in TRAFILATURA_META.values() else 0.0)
                                 for f, v in summary["fields"].items()}
        summaries[name] = summary
    return summaries


def seconds_per_page(entries: list[scoring.Entry], extract: Callable[[scoring.Entry], Any]) -> float:
    """Best-of-ROUNDS mean seconds per page, after a warm-up pass."""
    for entry in entries:
        extract(entry)
    best = float("inf")
    for _ in range(ROUNDS):
        start = time.perf_counter()
        for entry in entries:
            extract(entry)
        best = min(best, (time.perf_counter() - start) / len(entries))
    return best


def speed(entries: list[scoring.Entry]) -> dict[str, dict[str, float]]:
    """Seconds per page for every HTML page and for the typical-size ones, per extractor."""
    typical = [e for e in entries if TYPICAL[0] <= len(e.body) <= TYPICAL[1]]
    timers: dict[str, Callable[[scoring.Entry], Any]] = {
        "nianbao": nianbao,
        "trafilatura": lambda e: trafilatura.extract(decoded(e), url=e.url, include_tables=True),
        "trafilatura favor_precision": lambda e: trafilatura.extract(decoded(e), url=e.url, include_tables=True,
                                                                     favor_precision=True),
    }
    return {name: {"all": seconds_per_page(entries, run), "typical": seconds_per_page(typical, run),
                   "typical_pages": len(typical)} for name, run in timers.items()}


def markdown(entries: list[scoring.Entry], scores: dict[str, dict[str, Any]],
             timing: dict[str, dict[str, float]]) -> str:
    """The README: how to reproduce, the machine, and the tables."""
    names = list(scores)
    base = timing["trafilatura"]["typical"]
    lines = [
        "# Extraction benchmark", "",
        "Reproduce from the repository root: `.venv/bin/python -m bench.extraction.run` (rewrites this file).",
        ("Scoring is `tests/gold/scoring.py`: body F1 over character bigrams (whitespace and `|` removed), "
         "chrome leakage = occurrences of chrome strings in the text, exact match per field."),
        "", "Machine: " + machine(), "",
        (f"Gold set: {len(entries)} HTML pages of tests/gold/ (every fixture family and page shape; "
         "PDF/DOCX/XLSX entries are left out because trafilatura reads only HTML)."), "",
        "## Quality", "",
        "| metric | " + " | ".join(names) + " |", "|---|" + "---:|" * len(names),
        "| body F1 (bigram), mean | " + " | ".join(f"{scores[n]['body_f1_mean']:.4f}" for n in names) + " |",
        "| body F1 (bigram), worst page | " + " | ".join(f"{scores[n]['body_f1_min']:.4f}" for n in names) + " |",
        "| chrome leakage (occurrences) | " + " | ".join(str(scores[n]["chrome_leakage"]) for n in names) + " |",
    ]
    for field in META_FIELDS:
        lines.append(f"| `{field}` exact match | " + " | ".join(
            f"{scores[n]['fields'].get(field, 0.0):.2f}" for n in names) + " |")
    lines += ["", "## Speed (single process, warm)", "",
              "| extractor | pages/s (all HTML) | ms/page, 30–60 KB pages | time vs trafilatura, 30–60 KB |",
              "|---|---:|---:|---:|"]
    for name, t in timing.items():
        lines.append(f"| {name} | {1 / t['all']:.1f} | {t['typical'] * 1000:.1f} | {t['typical'] / base:.2f}× |")
    lines += ["", (f"30–60 KB pages in the set: {int(timing['nianbao']['typical_pages'])}. Target: nianbao ≤ 1.5× "
                   "trafilatura's time. nianbao's time includes decoding the bytes; trafilatura's does not."), ""]
    return "\n".join(lines)


def machine() -> str:
    """Cores, CPU, OS and Python of this run."""
    cpu = next((line.split(":", 1)[1].strip() for line in _cpuinfo() if line.startswith("model name")), "unknown CPU")
    return (f"{os.cpu_count()} cores ({cpu}), {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}, trafilatura {trafilatura.__version__}.")


def _cpuinfo() -> list[str]:
    """/proc/cpuinfo lines, or none off Linux."""
    path = Path("/proc/cpuinfo")
    return path.read_text().splitlines() if path.exists() else []


def main() -> int:
    """Score, time, print and write the README."""
    entries = [e for e in scoring.load() if e.expected.get("content_type") == "html"]
    extractors = {"nianbao": nianbao, "trafilatura": trafilatura_extractor(False),
                  "trafilatura favor_precision": trafilatura_extractor(True)}
    text = markdown(entries, quality(entries, extractors), speed(entries))
    print(text)
    (HERE / "README.md").write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
