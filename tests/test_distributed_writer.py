"""The single writer: records the stream once whatever is delivered twice, refuses without losing, hands over."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any

import pytest

import archive
from crawler.distributed.keys import CrawlKeys
from crawler.distributed.scripts import Scripts
from crawler.distributed.stream import capture_key, encode_capture, encode_site_move, entry_size
from crawler.distributed.writer import LostLock, Writer
from nianbao.capture import Capture, SiteMove
from tests.archive_support import page
from tests.redis_support import RedisServer

pytestmark = pytest.mark.requires_program("redis-server")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    running = RedisServer(tmp_path_factory.mktemp("redis")).start()
    yield running
    running.stop()


class Crawl:
    """The workers' side of one crawl, by hand: propose the sites, push captures, say the seeds are queued."""

    def __init__(self, server: RedisServer, label: str) -> None:
        self.client, self.keys = server.client(), CrawlKeys(label)
        self.scripts = Scripts(self.client)
        self.scripts("JOIN", self.keys.prefix, json.dumps({"qinglan": {}}), "code")

    def opened(self, timeout: float = 20) -> str:
        deadline = time.monotonic() + timeout
        while not self.client.get(self.keys("crawl")):
            assert time.monotonic() < deadline, "the writer did not open the crawl"
            time.sleep(0.05)
        return self.client.get(self.keys("crawl")).decode()

    def push(self, capture: Capture, request_key: str) -> None:
        fields = encode_capture(capture, capture_key(self.opened(), request_key))
        pipe = self.client.pipeline(transaction=True)
        pipe.xadd(self.keys.stream, fields)
        pipe.incrby(self.keys("backlog_bytes"), entry_size(fields))
        pipe.execute()

    def seeded(self) -> None:
        self.scripts("SEEDED", self.keys.prefix, self.opened())


def in_thread(writer: Writer) -> tuple[threading.Thread, dict[str, Any]]:
    result: dict[str, Any] = {}

    def run() -> None:
        try:
            result.update(writer.run())
        except Exception as exc:
            result["exception"] = exc

    thread = threading.Thread(target=run, daemon=True)  # a failed test must not hang on it
    thread.start()
    return thread, result


def test_a_capture_delivered_twice_is_recorded_once_and_bad_ones_are_kept(tmp_path, server):
    crawl = Crawl(server, "twice")
    thread, result = in_thread(Writer(server.client(), crawl.keys, str(tmp_path / "a.db"), wait_seconds=20))
    report = page("http://q/a.html")
    crawl.push(report, "k1")
    crawl.push(page("http://q/a.html"), "k1")  # a worker killed after pushing: the request was fetched again
    crawl.push(page("http://q/b.html", fetched_at="yesterday"), "k2")  # the archive refuses it
    crawl.client.xadd(crawl.keys.stream, {"key": "junk", "type": "capture", "meta": "{not json", "body": b""})
    crawl.seeded()
    thread.join(timeout=60)
    assert "exception" not in result
    assert (result["recorded"], result["duplicates"], result["refused"]) == (1, 1, 2)
    assert result["status"] == "partial" and "2 captures could not be recorded" in result["error"]
    with archive.open_archive(tmp_path / "a.db") as db:
        rows = db.db.execute("SELECT url, capture_key FROM captures").fetchall()
        assert rows == [("http://q/a.html", f"{result['id']}-" + rows[0][1].split("-", 1)[1])]
        assert db.check() == []
    (dead,) = crawl.client.xrange(crawl.keys("dead_captures"))
    assert dead[1][b"meta"] == b"{not json" and b"error" in dead[1]
    assert sorted(crawl.client.keys("nb:{twice}:*")) == [b"nb:{twice}:dead_captures", b"nb:{twice}:ended"]


def test_a_stopped_writer_ends_its_run_interrupted_and_the_next_goes_on(tmp_path, server):
    crawl = Crawl(server, "handover")
    first = Writer(server.client(), crawl.keys, str(tmp_path / "a.db"), wait_seconds=20)
    thread, result = in_thread(first)
    crawl.push(page("http://q/a.html"), "k1")
    while crawl.client.get(crawl.keys("backlog_bytes")) not in (b"0", None):
        time.sleep(0.05)
    first.stop()
    thread.join(timeout=30)
    assert result["status"] == "interrupted" and result["recorded"] == 1
    assert crawl.client.get(crawl.keys("crawl"))  # the crawl goes on without its writer

    thread, result = in_thread(Writer(server.client(), crawl.keys, str(tmp_path / "a.db"), wait_seconds=20))
    crawl.push(page("http://q/a.html"), "k1")  # redelivered across writers and runs: still once
    crawl.push(page("http://q/b.html"), "k2")
    crawl.seeded()
    thread.join(timeout=60)
    assert (result["status"], result["recorded"], result["duplicates"]) == ("ok", 1, 1)
    with archive.open_archive(tmp_path / "a.db") as db:
        runs = db.db.execute("SELECT status, fetched FROM runs ORDER BY id").fetchall()
    assert runs == [("interrupted", 1), ("ok", 1)]


def test_one_writer_per_crawl_even_on_another_machine(tmp_path: Path, server):
    crawl = Crawl(server, "lock")
    holder = Writer(server.client(), crawl.keys, str(tmp_path / "a.db"), wait_seconds=20)
    thread, _ = in_thread(holder)
    crawl.opened()
    second = Writer(server.client(), crawl.keys, str(tmp_path / "b.db"))  # its own archive: only Redis can stop it
    other, result = in_thread(second)
    time.sleep(1.5)
    assert not (tmp_path / "b.db").exists()  # still waiting for the lock
    second.stop()
    other.join(timeout=10)
    assert isinstance(result["exception"], LostLock)
    holder.stop()
    thread.join(timeout=30)


@pytest.mark.parametrize("captured_first", [True, False], ids=["after-a-capture", "before-any-capture"])
def test_a_site_s_move_reaches_the_archive_through_the_stream(tmp_path, server, captured_first):
    """Also when the move is the first thing the writer reads of the site (it creates the site)."""
    crawl = Crawl(server, f"moves-{captured_first}")
    thread, result = in_thread(Writer(server.client(), crawl.keys, str(tmp_path / "a.db"), wait_seconds=20))
    if captured_first:
        crawl.push(page("http://q/", kind="home"), "home")
    move = SiteMove(site="qinglan", url="http://q/", location="https://q2/", status=301)
    fields = encode_site_move(move, capture_key(crawl.opened(), "move"))
    crawl.client.xadd(crawl.keys.stream, fields)
    crawl.client.incrby(crawl.keys("backlog_bytes"), entry_size(fields))
    crawl.seeded()
    thread.join(timeout=60)
    assert result["site_moves"] == 1
    with archive.open_archive(tmp_path / "a.db") as db:
        assert [(a["alias"], a["origin"]) for a in db.site_aliases(["qinglan"])] == [("http://q", "https://q2")]
        assert db.db.execute("select count(*) from sites where name = 'qinglan'").fetchone()[0] == 1


def test_a_site_whose_lists_answered_was_reached_without_a_capture(tmp_path, server):
    """A night with no document due records no capture of a site whose lists answered: reached, as in one process."""
    outcomes = {}
    for label, lists_answered in (("listed", True), ("silent", False)):
        crawl = Crawl(server, label)
        thread, result = in_thread(Writer(server.client(), crawl.keys, str(tmp_path / f"{label}.db"), wait_seconds=20))
        crawl.opened()
        if lists_answered:
            crawl.client.sadd(crawl.keys("listed"), "qinglan")  # what a worker notes when a list page answers
        crawl.seeded()
        thread.join(timeout=60)
        outcomes[label] = result["status"]
    assert outcomes == {"listed": "ok", "silent": "failed"}
