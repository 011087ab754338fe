"""The extraction quality gate: compare nianbao's gold-set scores with the pinned floors.

    python -m tests.gold.gate                       # print scores and floors; exit 1 below a floor
    python -m tests.gold.gate --update              # re-pin floors at the current scores
    python -m tests.gold.gate --update --allow-regression   # ... even where that lowers one

Floors (``floors.json``) are minimums for body F1 and field accuracy, and a maximum for chrome
leakage. ``--update`` refuses to loosen any of them unless ``--allow-regression`` is given.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from extract import extract_document

from . import scoring

FLOORS = Path(__file__).parent / "floors.json"


def current() -> dict[str, Any]:
    """nianbao's summary scores on the gold set."""
    entries = scoring.load()
    return scoring.score(entries, lambda e: extract_document(e.body, e.url, e.headers, ocr=False)).summary()


def regressions(scores: dict[str, Any], floors: dict[str, Any]) -> list[str]:
    """Every floor the scores fall below (or the leakage ceiling they exceed), readably."""
    found = [f"{key}: {scores[key]} < floor {floors[key]}"
             for key in ("body_f1_mean", "body_f1_min") if scores[key] < floors[key]]
    if scores["chrome_leakage"] > floors["chrome_leakage"]:
        found.append(f"chrome_leakage: {scores['chrome_leakage']} > ceiling {floors['chrome_leakage']}")
    for field, floor in floors["fields"].items():
        value = scores["fields"].get(field)
        if value is None or value < floor:
            found.append(f"field {field}: {value} < floor {floor}")
    return found


def update(scores: dict[str, Any], allow_regression: bool) -> list[str]:
    """Pin the floors at ``scores``; refused (problems returned) if that would lower any."""
    if FLOORS.exists():
        lowered = regressions(scores, json.loads(FLOORS.read_text(encoding="utf-8")))
        if lowered and not allow_regression:
            return lowered
    FLOORS.write_text(json.dumps(scores, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return []


def main(argv: list[str] | None = None) -> int:
    """Check, or re-pin with ``--update``."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--update", action="store_true", help="re-pin the floors at the current scores")
    parser.add_argument("--allow-regression", action="store_true", help="let --update lower a floor")
    args = parser.parse_args(argv)
    scores = current()
    print(json.dumps(scores, ensure_ascii=False, indent=1))
    if args.update:
        refused = update(scores, args.allow_regression)
        for problem in refused:
            print(f"refused, would lower {problem}; pass --allow-regression to accept", file=sys.stderr)
        return 1 if refused else 0
    problems = regressions(scores, json.loads(FLOORS.read_text(encoding="utf-8")))
    for problem in problems:
        print(f"below floor: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
