"""The item pipelines: extraction in worker processes off the reactor thread, recycled without hanging;
the archive writer's groups, refusals and index merging."""

from __future__ import annotations

import asyncio

import pytest

from crawler.pipelines import ExtractPipeline
from nianbao.capture import Capture

PAGE = ("<html><head><title>青岚市2023年政府信息公开工作年度报告</title></head><body><div id='zoom'>"
        "<p>本报告根据《中华人民共和国政府信息公开条例》编制，统计期限自2023年1月1日起至2023年12月31日止。</p>"
        "</div></body></html>").encode()


def capture(n: int) -> Capture:
    return Capture(url=f"http://h/nb/202401/t20240101_{n}.html", site="h", status=200, body=PAGE,
                   headers={"Content-Type": "text/html; charset=utf-8"})


async def extract_all(pipeline: ExtractPipeline, count: int) -> list[Capture]:
    return await asyncio.gather(*(pipeline.process_item(capture(n)) for n in range(count)))


def test_workers_are_recycled_and_every_page_is_extracted():
    pipeline = ExtractPipeline(workers=1, max_tasks_per_child=2)
    pools: list[object] = []  # kept alive, so identities stay distinct
    original = pipeline._executor

    def tracking():
        pool = original()
        if not any(pool is seen for seen in pools):
            pools.append(pool)
        return pool

    pipeline._executor = tracking  # type: ignore[method-assign]
    try:
        done = asyncio.run(asyncio.wait_for(extract_all(pipeline, 7), timeout=120))
    finally:
        pipeline.close()
    assert all(c.extraction and c.extraction["report_year"] == 2023 for c in done)
    assert len(pools) >= 3  # 7 pages, a fresh pool every 2


def test_extraction_failure_is_recorded_not_raised():
    def explode(*_args):
        raise RecursionError("maximum recursion depth exceeded")

    pipeline = ExtractPipeline(workers=0, max_tasks_per_child=10, extract=explode)
    result = asyncio.run(pipeline.process_item(capture(1)))
    assert result.extraction is None
    assert result.error_message == "extraction failed: RecursionError: maximum recursion depth exceeded"


def _sleepy_extract(body, url, headers):
    import time

    time.sleep(30)


def test_a_page_that_takes_too_long_is_recorded_and_its_worker_killed():
    pipeline = ExtractPipeline(workers=1, max_tasks_per_child=10, timeout=2, extract=_sleepy_extract)
    try:
        slow = asyncio.run(pipeline.process_item(capture(1)))
        assert slow.extraction is None
        assert slow.error_message.startswith("extraction failed: ExtractionTimeout")
        assert pipeline._pool is None  # killed; the next page gets a fresh pool
    finally:
        pipeline.close()


def archive_pipeline(db_path, batch: int):
    from scrapy.spiders import Spider
    from scrapy.utils.test import get_crawler

    from crawler.crawl_archive import CrawlArchive
    from crawler.pipelines import ArchivePipeline

    owner = CrawlArchive(str(db_path), "test")
    pipeline = ArchivePipeline(owner, batch=batch)
    pipeline.crawler = owner.crawler = get_crawler(Spider)
    spider = Spider("t")
    spider.targets = {"h": {}}
    owner.open(spider)
    pipeline.open_spider()
    return pipeline, spider


def finish(pipeline, spider, reason: str = "finished") -> None:
    """Close the crawl as Scrapy does: the writer's last group, then the run."""
    pipeline.close_spider()
    pipeline.owner.spider_closed(spider, reason)


def test_a_capture_the_archive_refuses_fails_the_run_and_stays_queued(tmp_path):
    import archive

    db = tmp_path / "nianbao.db"
    pipeline, spider = archive_pipeline(db, batch=3)
    pipeline.archive.frontier_queue([{"key": f"k{n}", "site": "h", "url": capture(n).url, "callback": "parse_detail"}
                                     for n in range(3)], run_id=pipeline.run_id)
    items = [capture(n) for n in range(3)]
    for n, item in enumerate(items):
        item.frontier_key = f"k{n}"
        item.extraction = {"is_soft_404": False}  # recorded as an error capture: extraction lacks keys
    items[1].fetched_at = "yesterday"  # the archive refuses this one
    for item in items:
        pipeline.process_item(item)
    finish(pipeline, spider)
    assert pipeline.refused == 1
    with archive.open_archive(db) as store:
        run = store.last_run()
        # nothing of the site succeeded (the other two are error captures), so the run failed
        assert run["status"] == "failed" and "1 captures could not be recorded" in run["error"]
        assert [e["key"] for e in store.frontier_pending(["h"])] == ["k1"]  # fetched again by the next run
        assert store.db.execute("select count(*) from captures").fetchone()[0] == 2
        assert store.check() == []


def test_a_group_whose_transaction_fails_is_counted_not_raised(tmp_path):
    import archive

    db = tmp_path / "nianbao.db"
    pipeline, spider = archive_pipeline(db, batch=100)
    writer = pipeline.archive
    pipeline.archive = archive.open_archive(db, readonly=True)  # every write now fails as a whole
    for n in range(3):
        pipeline.process_item(capture(n))
    pipeline.flush()
    pipeline.archive.close()
    pipeline.archive = writer
    finish(pipeline, spider)
    assert pipeline.refused == 3
    with archive.open_archive(db) as store:
        assert store.last_run()["status"] == "failed"
        assert store.db.execute("select count(*) from captures").fetchone()[0] == 0


def test_a_bug_while_recording_a_group_is_counted_and_its_requests_stay_queued(tmp_path, monkeypatch, caplog):
    import archive

    db = tmp_path / "nianbao.db"
    pipeline, spider = archive_pipeline(db, batch=100)
    pipeline.archive.frontier_queue([{"key": f"k{n}", "site": "h", "url": capture(n).url, "callback": "parse_detail"}
                                     for n in range(3)], run_id=pipeline.run_id)

    def broken(captures, run_id):
        raise TypeError("a bug in recording")

    monkeypatch.setattr(pipeline.archive, "record_captures", broken)
    for n in range(3):
        item = capture(n)
        item.frontier_key = f"k{n}"
        pipeline.process_item(item)
    pipeline.flush()
    monkeypatch.undo()
    finish(pipeline, spider)
    assert pipeline.refused == 3 and "recording 3 captures failed" in caplog.text
    with archive.open_archive(db) as store:
        run = store.last_run()
        assert run["status"] != "ok" and "3 captures could not be recorded" in run["error"]
        assert sorted(e["key"] for e in store.frontier_pending(["h"])) == ["k0", "k1", "k2"]

@pytest.mark.parametrize(("reason", "merged"), [("finished", True), ("shutdown", False)])
def test_only_a_complete_run_that_changed_versions_merges_the_search_index(tmp_path, reason, merged):
    import archive
    from tests.archive_support import page, report_body

    db = tmp_path / "nianbao.db"
    pipeline, spider = archive_pipeline(db, batch=1)  # a commit each: an index of many segments
    for n in range(30):
        pipeline.process_item(page(f"http://h/t{n}.html", site="h", body=report_body(f"第{n}号报告正文。")))
    finish(pipeline, spider, reason)
    with archive.open_archive(db) as store:
        sizes = store.compact()
    assert (sizes["index_after"] == sizes["index_before"]) is merged


def test_the_crawl_process_hands_extraction_to_workers_without_loading_it():
    """Workers import the extraction stack; the crawl process that feeds them should not (memory, start-up)."""
    import subprocess
    import sys

    probe = ("import pickle, sys; from crawler.pipelines import ExtractPipeline; "
             "pickle.dumps(ExtractPipeline(2, 10).extract); "
             "print(sorted(m for m in ('trafilatura', 'extract.document') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_extraction_workers_set_up_without_loading_scrapy():
    """A worker unpickles its initializer before its first page: that must not import the crawl stack."""
    import pickle
    import subprocess
    import sys

    from crawler.pipelines import prepare_worker

    probe = ("import pickle, sys; pickle.loads(sys.stdin.buffer.read()); "
             "print(sorted(m for m in ('scrapy', 'twisted', 'archive') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", probe], input=pickle.dumps(prepare_worker),
                            capture_output=True, check=True)
    assert result.stdout.decode().strip() == "[]"
