"""Scores of an extractor on the gold set: body F1, chrome leakage and per-field accuracy.

Body F1 is the F1 of the *multisets of character bigrams* of the expected and the extracted
text, after removing all whitespace and the table-cell separator ``|`` (so line wrapping and
table markup do not count; missing, extra and reordered passages do). Two empty texts score
1.0; one empty text against a non-empty one scores 0.0.

Chrome leakage is the number of occurrences of chrome strings (``chrome.json``: page furniture
the fixture portal never puts in a body, plus each page's own ICP and police records) in the
extracted text, summed over the set. It must be 0.

Field accuracy is the share of gold entries whose expected value the extractor matched
exactly, over the entries that state the field (``flags`` is matched as "contains every
expected flag"; ``tables`` as the list of grids).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

GOLD = Path(__file__).parent
PAGES, EXPECTED = GOLD / "pages", GOLD / "expected"
FIELDS = ("title", "index_no", "topic", "issuer", "written_date", "publish_date", "doc_no", "validity",
          "keywords", "site_name", "site_id_code", "region", "report_year", "encoding", "content_type",
          "is_soft_404", "tables", "flags")
_IGNORED = str.maketrans("", "", "|")


@dataclass(frozen=True)
class Entry:
    """One gold document: its bytes, the headers it was served with, and what must come out."""

    id: str
    body: bytes
    url: str
    headers: dict[str, str]
    expected: dict[str, Any]
    chrome: tuple[str, ...]


def load(gold: Path = GOLD) -> list[Entry]:
    """Every entry of the manifest, in order."""
    manifest = json.loads((gold / "manifest.json").read_text(encoding="utf-8"))
    common = tuple(json.loads((gold / "chrome.json").read_text(encoding="utf-8")))
    entries = []
    for item in manifest["entries"]:
        served = json.loads((gold / "pages" / f"{item['id']}.json").read_text(encoding="utf-8"))
        expected = json.loads((gold / "expected" / f"{item['id']}.json").read_text(encoding="utf-8"))
        entries.append(Entry(item["id"], (gold / "pages" / item["file"]).read_bytes(), served["url"],
                             served["headers"], expected, common + tuple(item.get("chrome", ()))))
    return entries


def bigrams(text: str | None) -> Counter[str]:
    """Character bigrams of the text without whitespace and cell separators."""
    flat = "".join((text or "").split()).translate(_IGNORED)
    return Counter(flat[i:i + 2] for i in range(len(flat) - 1))


def body_f1(expected: str | None, extracted: str | None) -> float:
    """Bigram F1 (see the module docstring)."""
    want, got = bigrams(expected), bigrams(extracted)
    if not want and not got:
        return 1.0
    common = sum((want & got).values())
    if not common:
        return 0.0
    precision, recall = common / sum(got.values()), common / sum(want.values())
    return 2 * precision * recall / (precision + recall)


def leakage(text: str | None, chrome: Iterable[str]) -> int:
    """Occurrences of chrome strings in the text."""
    return sum((text or "").count(phrase) for phrase in chrome)


def field_matches(field: str, expected: Any, result: dict[str, Any]) -> bool:
    """Whether the extractor got one expected field."""
    if field == "flags":
        return set(expected) <= set(result.get("flags") or [])
    if field == "tables":
        return [t["grid"] for t in result.get("tables") or []] == expected
    return result.get(field) == expected


@dataclass
class Report:
    """Scores of one extractor over the set, plus per-entry detail for diagnosis."""

    f1: dict[str, float]
    leaks: dict[str, int]
    hits: dict[str, list[bool]]
    misses: list[tuple[str, str, Any, Any]]

    def summary(self) -> dict[str, Any]:
        """The numbers floors are pinned on."""
        scores = list(self.f1.values())
        return {
            "body_f1_mean": round(sum(scores) / len(scores), 4),
            "body_f1_min": round(min(scores), 4),
            "chrome_leakage": sum(self.leaks.values()),
            "fields": {f: round(sum(h) / len(h), 4) for f, h in self.hits.items() if h},
        }


def score(entries: list[Entry], extract: Callable[[Entry], dict[str, Any]]) -> Report:
    """Run ``extract`` on every entry and score it."""
    report = Report({}, {}, {field: [] for field in FIELDS}, [])
    for entry in entries:
        result = extract(entry)
        if "text" in entry.expected:
            report.f1[entry.id] = body_f1(entry.expected["text"], result.get("text"))
        report.leaks[entry.id] = leakage(result.get("text"), entry.chrome)
        for field in FIELDS:
            if field in entry.expected:
                ok = field_matches(field, entry.expected[field], result)
                report.hits[field].append(ok)
                if not ok:
                    report.misses.append((entry.id, field, entry.expected[field], result.get(field)))
    return report
