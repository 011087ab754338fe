"""Real pages: nianbao and plain trafilatura on government pages this project did not write.

    .venv/bin/python -m bench.realpages.run [--pages DIR] [--kinds article,list_page] [--rounds N]

The pages, their gold annotations and the scorer live outside the repository (a folder with
``pages/``, ``gold.jsonl``, ``manifest.jsonl`` and ``score.py``; see its README). The folder is
``--pages``, else ``$NIANBAO_REALPAGES``, else ``shared/realpages`` next to the checkout or one
level up. When it is absent the bench says so and exits 0.

Both extractors write ``NNN.txt`` (body) and ``NNN.json`` (metadata) into a folder of their own;
the folder's ``score.py`` scores each (it is called, never copied). trafilatura gets the page
already decoded by nianbao's decoder and runs ``extract(..., include_tables=True)``; its metadata
is ``title`` and ``date`` from ``bare_extraction(..., with_metadata=True)``. CPU is this
process's CPU time per page (``time.process_time``), warm, the best of ``--rounds`` rounds;
nianbao is timed from bytes (decoding included), trafilatura from the decoded ``str``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import trafilatura

from extract import extract_document
from nianbao.pages import decode_html

ROOT = Path(__file__).resolve().parent.parent.parent
HTML_KINDS = ("article", "annual_report", "list_page")
META_FIELDS = ("title", "index_no", "issuer", "publish_date", "written_date", "doc_no", "topic", "validity",
               "report_year")
ROUNDS = 5


def find_pages(given: str | None) -> Path | None:
    """The realpages folder: the argument, the environment, or ``shared/realpages`` near the checkout."""
    candidates = [given] if given else [os.environ.get("NIANBAO_REALPAGES"),
                                        ROOT / "shared" / "realpages", ROOT.parent / "shared" / "realpages",
                                        ROOT.parent.parent / "shared" / "realpages"]
    for candidate in candidates:
        if candidate and (Path(candidate) / "score.py").is_file():
            return Path(candidate)
    return None


def load_pages(folder: Path, kinds: tuple[str, ...]) -> list[dict[str, Any]]:
    """Manifest entries of the wanted kinds, each with its bytes."""
    pages = []
    for line in (folder / "manifest.jsonl").read_text(encoding="utf-8").splitlines():
        entry = json.loads(line) if line.strip() else None
        if entry is None or entry["kind"] not in kinds:
            continue
        path = next((folder / "pages").glob(f"{entry['id']}.*"))
        site = (entry.get("site") or "example.invalid").split()[0]
        pages.append({**entry, "body": path.read_bytes(), "page_url": entry.get("url") or f"http://{site}/"})
    return pages


def nianbao(page: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """nianbao's text and metadata from the page's bytes."""
    result = extract_document(page["body"], page["page_url"], {})
    return result["text"] or "", {field: result.get(field) for field in (*META_FIELDS, "metadata_rules", "flags",
                                                                         "stage")}


def plain_trafilatura(page: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """trafilatura's text and the two metadata fields it has an equivalent for."""
    html = decoded(page)
    text = trafilatura.extract(html, url=page["page_url"], include_tables=True) or ""
    meta = trafilatura.bare_extraction(html, url=page["page_url"], with_metadata=True)
    return text, {"title": getattr(meta, "title", None), "publish_date": getattr(meta, "date", None)}


def decoded(page: dict[str, Any]) -> str:
    """The page as nianbao's decoder reads it (cached: decoding is not what is compared)."""
    if "text" not in page:
        page["text"] = decode_html(page["body"], {})[0]
    return str(page["text"])


EXTRACTORS: dict[str, Callable[[dict[str, Any]], tuple[str, dict[str, Any]]]] = {
    "nianbao": nianbao, "trafilatura": plain_trafilatura}
TIMED: dict[str, Callable[[dict[str, Any]], object]] = {
    "nianbao": lambda page: extract_document(page["body"], page["page_url"], {}),
    "trafilatura": lambda page: trafilatura.extract(decoded(page), url=page["page_url"], include_tables=True),
}


def write_outputs(pages: list[dict[str, Any]], extractor: Callable[..., tuple[str, dict[str, Any]]],
                  folder: Path) -> None:
    """``NNN.txt`` and ``NNN.json`` for every page."""
    folder.mkdir(parents=True, exist_ok=True)
    for page in pages:
        text, meta = extractor(page)
        (folder / f"{page['id']}.txt").write_text(text, encoding="utf-8")
        (folder / f"{page['id']}.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")


def score(pages_folder: Path, outputs: Path, kinds: tuple[str, ...], *, quiet: bool) -> dict[str, Any]:
    """Run the corpus's own scorer; print its table; return its JSON result."""
    result = outputs / "score.json"
    command = [sys.executable, str(pages_folder / "score.py"), str(outputs), "--kinds", ",".join(kinds),
               "--json", str(result), *(["--quiet"] if quiet else [])]
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    print(completed.stdout, end="")
    if completed.returncode != 0:
        raise SystemExit(f"score.py failed: {completed.stderr[-2000:]}")
    scored: dict[str, Any] = json.loads(result.read_text(encoding="utf-8"))
    return scored


def cpu_ms(pages: list[dict[str, Any]], rounds: int) -> dict[str, dict[str, float]]:
    """Best-of-``rounds`` CPU milliseconds per page and extractor, after a warm-up call."""
    timing: dict[str, dict[str, float]] = {name: {} for name in TIMED}
    for page in pages:
        for name, run in TIMED.items():
            run(page)
            best = float("inf")
            for _ in range(rounds):
                start = time.process_time()
                run(page)
                best = min(best, time.process_time() - start)
            timing[name][page["id"]] = best * 1000
    return timing


def print_cpu(pages: list[dict[str, Any]], timing: dict[str, dict[str, float]]) -> None:
    """The per-page CPU table and the means."""
    print("\nextraction CPU per page (ms, best of rounds)")
    print(f"{'id':4} {'kind':10} {'KB':>6} {'nianbao':>8} {'trafilatura':>12} {'ratio':>6}")
    for page in pages:
        ours, theirs = timing["nianbao"][page["id"]], timing["trafilatura"][page["id"]]
        print(f"{page['id']:4} {page['kind']:10} {len(page['body']) / 1024:6.1f} {ours:8.1f} {theirs:12.1f} "
              f"{ours / theirs if theirs else float('nan'):6.2f}")
    means = {name: sum(t.values()) / len(t) for name, t in timing.items()}
    print(f"{'mean':4} {'':10} {'':6} {means['nianbao']:8.1f} {means['trafilatura']:12.1f} "
          f"{means['nianbao'] / means['trafilatura']:6.2f}")


def main(argv: list[str] | None = None) -> int:
    """Extract, score, time and print."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", help="the realpages folder (default: $NIANBAO_REALPAGES or shared/realpages)")
    parser.add_argument("--kinds", default=",".join(HTML_KINDS), help="manifest kinds to run (default: HTML)")
    parser.add_argument("--rounds", type=int, default=ROUNDS, help="timing rounds per page")
    parser.add_argument("--out", help="keep the outputs in this folder (default: a temporary one)")
    args = parser.parse_args(argv)
    folder = find_pages(args.pages)
    if folder is None:
        print("realpages folder not found (give --pages or set NIANBAO_REALPAGES); nothing to measure")
        return 0
    kinds = tuple(args.kinds.split(","))
    pages = load_pages(folder, kinds)
    with tempfile.TemporaryDirectory() as scratch:
        outputs = Path(args.out) if args.out else Path(scratch)
        for name, extractor in EXTRACTORS.items():
            print(f"\n== {name}")
            write_outputs(pages, extractor, outputs / name)
            score(folder, outputs / name, kinds, quiet=name != "nianbao")
    html = [page for page in pages if page["kind"] in HTML_KINDS]
    if html:
        print_cpu(html, cpu_ms(html, args.rounds))
    return 0


if __name__ == "__main__":
    sys.exit(main())
