"""Attachments: PDF and DOCX files this project did not write, and printed fixture reports, read by nianbao.

    .venv/bin/python -m bench.attachments.run [--pages DIR] [--rounds N] [--out DIR]

The real files, their gold texts and the scorer live outside the repository (a folder with
``pages/``, ``gold.jsonl``, ``manifest.jsonl`` and ``score.py``): ``--pages``, else
``$NIANBAO_REALPAGES``, else ``shared/realpages`` next to the checkout or one level up. Without it
only the fixture part runs. Its ``pdf`` and ``docx`` pages are extracted with
``extract_document`` into ``NNN.txt`` files and scored by the folder's own ``score.py`` (called,
never copied).

Furniture leaks are counted by a rule of their own, independent of the extractor: pypdf's text
of each page gives its first and last two lines; such a line is furniture when it is a page
number (``- 3 -``, ``第 3 页``, ``3 / 12``; a bare number only as the very first or last line) or
repeats, digits ignored, on 40 % of the pages; a leak is each time nianbao's text holds a
furniture line more often than the pages' other lines hold it. The fixture part prints a report of the 2021 template
(``fixture_portal.printed``: running header, ruled tables, one file per page-number form) and
counts the same leaks and the template tables typed with their checks passed.

CPU is the reader's own (``extract.pdf.read_pdf`` / ``extract.office.read_docx``) in this
process, best of ``--rounds``, so the bounded child's fork is not counted.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pypdf import PdfReader

from extract import extract_document
from extract.office import read_docx
from extract.pdf import read_pdf
from extract.reports import failed_checks
from fixture_portal import tables
from fixture_portal.model import Para
from fixture_portal.printed import PAGE_NUMBERS, printed_pdf

ROOT = Path(__file__).resolve().parent.parent.parent
KINDS = ("pdf", "docx")
READERS: dict[str, Callable[[bytes], dict[str, Any]]] = {"pdf": read_pdf, "docx": read_docx}
ROUNDS = 3
PAGE_NUMBER = re.compile(r"^(?:[-－—–]\s*\d+\s*[-－—–]|第\s*\d+\s*页(?:\s*共\s*\d+\s*页)?|共\s*\d+\s*页\s*第\s*\d+\s*页"
                         r"|\d+\s*[/／]\s*\d+|\d{1,4})$")
EDGE_LINES = 2
RUNNING_SHARE = 0.4


def find_pages(given: str | None) -> Path | None:
    """The realpages folder: the argument, the environment, or ``shared/realpages`` near the checkout."""
    candidates = [given] if given else [os.environ.get("NIANBAO_REALPAGES"), ROOT / "shared" / "realpages",
                                        ROOT.parent / "shared" / "realpages", ROOT.parent.parent / "shared" / "realpages"]
    return next((Path(c) for c in candidates if c and (Path(c) / "score.py").is_file()), None)


def squeezed(line: str) -> str:
    """A line without whitespace."""
    return "".join(line.split())


def key(line: str) -> str:
    """A line as compared for repetition: whitespace removed, digits as 0."""
    return re.sub(r"\d+", "0", squeezed(line))


def page_lines(body: bytes) -> list[list[str]]:
    """pypdf's non-empty text lines of each page, squeezed."""
    return [[squeezed(ln) for ln in (page.extract_text() or "").splitlines() if ln.strip()]
            for page in PdfReader(io.BytesIO(body)).pages]


def leaks(text: str, body: bytes) -> int:
    """Lines of the extracted text that are furniture: an edge line (first or last two of a page) that
    is a page number (a bare number only as the first or last line) or repeats, digits ignored, on
    40 % of the pages, counted where the text holds it more often than the pages' other lines do."""
    pages = page_lines(body)
    repeats = Counter(k for lines in pages for k in {key(ln) for ln in lines[:EDGE_LINES] + lines[-EDGE_LINES:]})
    needed = max(2, RUNNING_SHARE * len(pages))
    furniture: set[str] = set()
    inner: Counter[str] = Counter()
    for lines in pages:
        for index, line in enumerate(lines):
            outer = min(index, len(lines) - 1 - index)
            number = PAGE_NUMBER.match(line) and (outer == 0 or not line.isdigit())
            if outer < EDGE_LINES and (number or repeats[key(line)] >= needed):
                furniture.add(line)
            else:
                inner[line] += 1
    found = Counter(squeezed(ln) for ln in text.splitlines())
    return sum(max(0, found[line] - inner[line]) for line in furniture)


def cpu_ms(kind: str, body: bytes, rounds: int) -> float:
    """Best-of-``rounds`` CPU milliseconds of the reader in this process."""
    READERS[kind](body)
    best = float("inf")
    for _ in range(rounds):
        start = time.process_time()
        READERS[kind](body)
        best = min(best, time.process_time() - start)
    return best * 1000


def real_files(folder: Path, outputs: Path, rounds: int) -> None:
    """Extract, score with the folder's scorer, count leaks and CPU."""
    entries = [json.loads(line) for line in (folder / "manifest.jsonl").read_text(encoding="utf-8").splitlines()
               if line.strip()]
    entries = [e for e in entries if e["kind"] in KINDS]
    print(f"\n{'id':4} {'kind':5} {'pages':>5} {'leaks':>5} {'tables':>6} {'CPU ms':>7}  title")
    for entry in entries:
        body = next((folder / "pages").glob(f"{entry['id']}.*")).read_bytes()
        result = extract_document(body, f"http://example.invalid/{entry['id']}.{entry['kind']}", {})
        text = result["text"] or ""
        (outputs / f"{entry['id']}.txt").write_text(text, encoding="utf-8")
        (outputs / f"{entry['id']}.json").write_text(json.dumps({"title": result["title"]}, ensure_ascii=False),
                                                   encoding="utf-8")
        pdf = entry["kind"] == "pdf"
        found = leaks(text, body) if pdf else 0
        pages = len(PdfReader(io.BytesIO(body)).pages) if pdf else "-"
        print(f"{entry['id']:4} {entry['kind']:5} {pages:>5} {found:5d} {len(result['tables']):6d} "
              f"{cpu_ms(entry['kind'], body, rounds):7.0f}  {result['title']}")
    command = [sys.executable, str(folder / "score.py"), str(outputs), "--kinds", ",".join(KINDS)]
    print(subprocess.run(command, capture_output=True, text=True, check=False).stdout)


def fixture_reports(rounds: int) -> None:
    """The 2021 template report printed with each page-number form and a running header."""
    rng = random.Random(11)
    apps = tables.make_applications(rng, "2021", "government")
    prose = [Para("本机关坚持以公开为常态、不公开为例外，推进决策、执行、管理、服务、结果公开。" * 4) for _ in range(12)]
    blocks = [*prose[:3], tables.article20_table(rng, "2021", "government"),
              tables.applications_table(apps, "2021", "plain", rng), tables.review_table(rng, "plain"), *prose[3:]]
    print(f"\n{'page numbers':14} {'pages':>5} {'leaks':>5} {'typed tables':>12} {'checks ok':>9} {'CPU ms':>7}")
    for form in sorted(PAGE_NUMBERS):
        body = printed_pdf("青岚市2021年政府信息公开工作年度报告", blocks, header="青岚市人民政府办公室", page_number=form)
        result = extract_document(body, "http://example.invalid/report.pdf", {})
        typed = [t for t in result["tables"] if t["kind"]]
        ok = sum(1 for t in typed if not failed_checks(t["checks"]))
        print(f"{form:14} {len(PdfReader(io.BytesIO(body)).pages):5d} {leaks(result['text'] or '', body):5d} "
              f"{len(typed):12d} {ok:9d} {cpu_ms('pdf', body, rounds):7.0f}")


def main(argv: list[str] | None = None) -> int:
    """Both parts, printed as tables."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", help="the realpages folder (default: $NIANBAO_REALPAGES or shared/realpages)")
    parser.add_argument("--rounds", type=int, default=ROUNDS, help="CPU timing rounds per file")
    parser.add_argument("--out", help="keep the outputs in this folder (default: a temporary one)")
    args = parser.parse_args(argv)
    folder = find_pages(args.pages)
    with tempfile.TemporaryDirectory() as scratch:
        outputs = Path(args.out or scratch)
        outputs.mkdir(parents=True, exist_ok=True)
        if folder is None:
            print("realpages folder not found (give --pages or set NIANBAO_REALPAGES); fixture part only")
        else:
            real_files(folder, outputs, args.rounds)
    fixture_reports(args.rounds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
