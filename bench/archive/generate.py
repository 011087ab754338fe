"""Build a synthetic archive for the benchmark through the real recording path.

    python -m bench.archive.generate --db bench/results/archive.db --versions 100000

Sites × documents × crawl rounds: each round is one run that fetches every document already
published; a document changes in some rounds (a new version) and is otherwise unchanged — the
same bytes again, new bytes with only the header date line changed, or a 304 where the site
supports conditional requests. Every capture goes through ``Archive.record_capture`` (one
transaction each, as the crawler does); ``--batch N`` records N captures per transaction with the
same function (``archive.record.record``), which yields identical rows with fewer commits.
Extraction results are built from the generated content, not by running the extractor.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import archive
from archive import record
from archive.connection import write_transaction
from bench.archive.corpus import Body, Vocabulary, edit, new_body
from bench.archive.site import Site, make_site, render_page
from nianbao.capture import Capture

ROUNDS = 6
FIRST_ROUND = date(2023, 1, 5)
ROUND_DAYS = 30
# Versions per document and their weights (mean about 2).
VERSION_WEIGHTS = {1: 35, 2: 35, 3: 20, 4: 10}
BODY_CHARS = (1500, 3500)  # asked-for characters; sections round up, so texts run ~2,000-4,500
TABLE_SHARE = 0.4
CST = timezone(timedelta(hours=8))
RESULTS = Path("bench/results")


@dataclass
class Document:
    """One report page: where it lives, when it appears and changes."""

    site: Site
    number: int
    seed: str
    created: int  # round of the first capture
    changes: frozenset[int]  # rounds that bring a new version
    year: int

    @property
    def url(self) -> str:
        return self.site.url(self.number)

    def version_in(self, round_: int) -> int:
        """The version number the page shows in ``round_``."""
        return 1 + sum(1 for change in self.changes if change <= round_)


def plan(sites: list[Site], versions: int, seed: int) -> list[Document]:
    """Documents round-robin over sites until their versions add up to exactly ``versions``."""
    rng = random.Random(f"{seed}/plan")
    documents, total = [], 0
    counts, weights = list(VERSION_WEIGHTS), list(VERSION_WEIGHTS.values())
    while total < versions:
        site = sites[len(documents) % len(sites)]
        count = min(rng.choices(counts, weights)[0], versions - total)
        created = rng.randint(0, ROUNDS - count)
        changes = frozenset(rng.sample(range(created + 1, ROUNDS), count - 1))
        number = len(documents) // len(sites)
        documents.append(Document(site, number, f"{seed}/{site.name}/{number}", created, changes,
                                  rng.randint(2018, 2023)))
        total += count
    return documents


class Renderer:
    """Bodies and pages of documents; a version's body is rebuilt from its seed by replaying edits."""

    def __init__(self, vocabulary: Vocabulary) -> None:
        self.vocabulary = vocabulary

    def body(self, doc: Document, version: int) -> Body:
        """The content of version ``version`` of ``doc``."""
        rng = random.Random(doc.seed)
        title = f"{doc.site.title}{doc.year}年政府信息公开工作年度报告"
        body = new_body(self.vocabulary, rng, title, rng.randint(*BODY_CHARS), rng.random() < TABLE_SHARE)
        for _ in range(version - 1):
            body = edit(body, self.vocabulary, rng)
        return body

    def capture(self, doc: Document, round_: int, fetched_at: str) -> Capture:
        """What fetching ``doc`` in ``round_`` gives: a 304 when unchanged on a site with ETags."""
        version = doc.version_in(round_)
        changed_now = round_ == doc.created or round_ in doc.changes
        if doc.site.etag and not changed_now:
            return Capture(url=doc.url, site=doc.site.name, status=304, fetched_at=fetched_at)
        body = self.body(doc, version)
        page = render_page(doc.site, body, self.meta(doc), fetched_at[:10])
        return Capture(url=doc.url, site=doc.site.name, status=200, headers=doc.site.headers(page), body=page,
                       fetched_at=fetched_at, extraction=self.extraction(doc, body))

    def meta(self, doc: Document) -> dict[str, str]:
        """The 信息公开 metadata block of the page."""
        return {"索引号": f"{doc.site.name[-3:]}/{doc.year + 1}-{doc.number:05d}", "主题分类": "政务公开",
                "发布机构": f"{doc.site.title}办公室", "发布日期": f"{doc.year + 1}-01-20"}

    def extraction(self, doc: Document, body: Body) -> dict:
        """What the extractor gives for this page (built from the content, not by extracting)."""
        return {
            "title": body.title, "text": body.text, "index_no": self.meta(doc)["索引号"], "topic": "政务公开",
            "issuer": f"{doc.site.title}办公室", "written_date": None, "publish_date": f"{doc.year + 1}-01-20",
            "doc_no": None, "validity": None, "keywords": None, "site_name": doc.site.title,
            "site_id_code": None, "report_year": doc.year, "report_year_rule": "title", "region": None,
            "encoding": doc.site.encoding, "encoding_rule": "http-header", "content_type": "html",
            "tables": [body.table] if body.table else [], "attachments": [], "flags": [],
            "stage": "container:#zoom", "metadata_rules": {}, "ocr": [], "is_soft_404": False, "extractor_version": "bench",
        }


def fetch_time(round_: int, sequence: int) -> str:
    """When the ``sequence``-th fetch of a round happened: rounds start at midnight Beijing time."""
    start = datetime.combine(FIRST_ROUND + timedelta(days=ROUND_DAYS * round_), datetime.min.time(), CST)
    return (start + timedelta(seconds=sequence)).isoformat()


def captures(documents: list[Document], renderer: Renderer, round_: int) -> Iterator[Capture]:
    """The captures of one crawl round, site after site, in recording order."""
    published = [doc for doc in documents if doc.created <= round_]
    published.sort(key=lambda doc: (doc.site.name, doc.number))
    for sequence, doc in enumerate(published):
        yield renderer.capture(doc, round_, fetch_time(round_, sequence))


def record_round(db: archive.Archive, stream: Iterator[Capture], batch: int) -> int:
    """Record one round as one run; return the captures recorded."""
    run_id = db.start_run(command="bench", sites=[])
    count = 0
    if batch <= 1:
        for capture in stream:
            db.record_capture(capture, run_id=run_id)
            count += 1
    else:
        pending = list(_take(stream, batch))
        while pending:
            with write_transaction(db.db):
                for capture in pending:
                    record.record(db.db, capture, run_id)
            count += len(pending)
            pending = list(_take(stream, batch))
    db.finish_run(run_id)
    db.compact()  # as a crawl run that created versions does (NIANBAO_COMPACT_AFTER_RUN)
    return count


def _take(stream: Iterator[Capture], count: int) -> Iterator[Capture]:
    """Up to ``count`` items from ``stream``."""
    for _, item in zip(range(count), stream, strict=False):
        yield item


def generate(path: Path, *, versions: int, sites: int, seed: int, batch: int) -> dict:
    """Build the archive at ``path`` (which must not exist); return what was built and how fast."""
    if path.exists():
        raise SystemExit(f"{path} exists; remove it first")
    vocabulary = Vocabulary.build(seed)
    site_list = [make_site(index, vocabulary, seed) for index in range(sites)]
    documents = plan(site_list, versions, seed)
    renderer = Renderer(vocabulary)
    started, cpu_started, recorded = time.perf_counter(), time.process_time(), 0
    with archive.open_archive(path) as db:
        for round_ in range(ROUNDS):
            recorded += record_round(db, captures(documents, renderer, round_), batch)
            print(f"round {round_ + 1}/{ROUNDS}: {recorded} captures, "
                  f"{recorded / (time.perf_counter() - started):.0f}/s", flush=True)
        stats = db.stats()
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
    return {"path": str(path), "seed": seed, "sites": sites, "documents": len(documents),
            "versions": stats["versions"], "captures": stats["captures"]["total"], "batch": batch,
            "seconds": round(seconds, 1), "cpu_seconds": round(cpu_seconds, 1),
            "captures_per_s": round(recorded / seconds, 1), "stats": stats}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=RESULTS / "archive.db")
    parser.add_argument("--versions", type=int, default=100_000)
    parser.add_argument("--sites", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--batch", type=int, default=1, help="captures per transaction (1 = record_capture)")
    args = parser.parse_args()
    args.db.parent.mkdir(parents=True, exist_ok=True)
    result = generate(args.db, versions=args.versions, sites=args.sites, seed=args.seed, batch=args.batch)
    (args.db.parent / "generate.json").write_text(json.dumps(result, indent=2))
    print(json.dumps({k: v for k, v in result.items() if k != "stats"}))


if __name__ == "__main__":
    main()
