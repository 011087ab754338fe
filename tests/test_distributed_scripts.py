"""The shared frontier's Lua scripts on a real redis-server: leases, politeness, caps, verdicts, fencing."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from crawler.distributed.keys import CrawlKeys, gate_key
from crawler.distributed.scripts import Scripts
from tests.redis_support import RedisServer

pytestmark = pytest.mark.requires_program("redis-server")
CRAWL = "1-test"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    running = RedisServer(tmp_path_factory.mktemp("redis")).start()
    yield running
    running.stop()


class Frontier:
    """The scripts as two workers call them, for one crawl; conc 1, lease 60 s, a 300 ms delay."""

    def __init__(self, client: Any, label: str) -> None:
        self.client, self.keys, self.scripts = client, CrawlKeys(label), Scripts(client)
        client.set(self.keys("crawl"), CRAWL)

    def run(self, name: str, *args: Any) -> list[Any]:
        reply = self.scripts(name, self.keys.prefix, CRAWL, *args)
        return [part.decode() if isinstance(part, bytes) else part for part in reply]

    def push(self, *requests: tuple[str, str], kind: str = "page", column: str = "", caps: tuple[int, int] = (0, 0)) -> list[Any]:
        args: list[Any] = [1, *caps]
        for rid, url in requests:
            args += [rid, gate_key(url), 10, json.dumps({"url": url}), "site", kind, column]
        return self.run("PUSH", *args)

    def pop(self, worker: str = "w1", *, backlog: tuple[int, int] = (100, 10**9)) -> list[Any]:
        return self.run("POP", 1, 60_000, worker, *backlog, 300, 1.0)

    def release(self, rid: str, token: str) -> list[Any]:
        return self.run("RELEASE", 1, rid, token, 300, 1.0, -1, 200, 300, 30_000, 1.0)

    def ack(self, rid: str, token: str, site: str = "", home_failed: str = "0") -> list[Any]:
        return self.run("ACK", 1, rid, token, site, home_failed, f"{CRAWL}:no_column:{site}",
                        json.dumps({"url": "http://a/", "site": site, "kind": "home", "error_class": "no_column"}))


@pytest.fixture
def frontier(server, request):
    return Frontier(server.client(), request.node.name)


def test_a_request_is_queued_once_whatever_pushes_it(frontier):
    assert frontier.push(("r1", "http://a/1"), ("r2", "http://a/2")) == ["ok", 2, 0, 0]
    assert frontier.push(("r1", "http://a/1")) == ["ok", 0, 1, 0]
    kind, rid, token, payload, gate = frontier.pop()
    assert (kind, rid, token, json.loads(payload), gate) == ("ok", "r1", "1", {"url": "http://a/1"}, "a")
    frontier.ack(rid, token)
    assert frontier.push(("r1", "http://a/1")) == ["ok", 0, 1, 0]  # done is not forgotten: never fetched twice


def test_a_host_gets_nothing_while_busy_and_nothing_before_its_delay(frontier):
    frontier.push(("a1", "http://a/1"), ("a2", "http://a/2"), ("b1", "http://b:8080/1"))
    first = frontier.pop("w1")
    assert first[1] == "a1"
    assert frontier.pop("w2")[1] == "b1"  # host a is busy for every worker; host b is free
    assert frontier.pop("w2")[0] == "empty"  # a busy, b has nothing left
    frontier.release("a1", first[2])
    waiting = frontier.pop("w2")
    assert waiting[0] == "wait" and 200 <= int(waiting[1]) <= 300  # the delay runs from the end of the download
    time.sleep(int(waiting[1]) / 1000 + 0.02)
    assert frontier.pop("w2")[1] == "a2"


def test_an_expired_lease_goes_back_and_its_late_ack_does_nothing(frontier):
    frontier.push(("r1", "http://a/1"))
    _, rid, token, _, _ = frontier.run("POP", 1, 10, "w1", 100, 10**9, 0, 1.0)  # a 10 ms lease
    time.sleep(0.05)
    assert frontier.run("REAP", 1, 3, 100, 0) == ["ok", 1, 0]
    assert frontier.ack(rid, token) == ["stale"]  # the worker presumed dead comes back: its ack is refused
    again = frontier.pop("w2")
    assert again[1] == "r1" and again[2] != token
    assert frontier.ack("r1", again[2]) == ["ok"]


def test_a_request_whose_lease_keeps_expiring_is_dead_lettered(frontier):
    frontier.push(("r1", "http://a/1"))
    for expected in (["ok", 1, 0], ["ok", 0, 1]):
        frontier.run("POP", 1, 1, "w1", 100, 10**9, 0, 1.0)
        time.sleep(0.01)
        assert frontier.run("REAP", 1, 2, 100, 0) == expected
    assert frontier.client.zscore(frontier.keys("dead"), "r1") is not None
    assert frontier.pop()[0] == "empty"


def test_a_redirect_goes_back_under_the_same_id_and_may_change_host(frontier):
    frontier.push(("r1", "http://a/1"))
    _, rid, token, _, _ = frontier.pop()
    assert frontier.run("REQUEUE", 1, rid, token, json.dumps({"url": "http://b/x"}), "b", 10, 0, 0) == ["ok"]
    _, rid2, token2, payload, gate = frontier.pop()
    assert (rid2, json.loads(payload), gate) == ("r1", {"url": "http://b/x"}, "b") and token2 != token


def test_workers_stop_fetching_while_the_writer_is_behind_in_bytes(frontier):
    frontier.push(("r1", "http://a/1"))
    frontier.client.set(frontier.keys("backlog_bytes"), 5_000_000)
    assert frontier.pop(backlog=(100, 4_000_000)) == ["backpressure"]
    assert frontier.pop(backlog=(100, 6_000_000))[0] == "ok"


def test_per_site_and_per_column_caps_hold_for_every_worker(frontier):
    assert frontier.push(("r1", "http://a/1"), ("r2", "http://a/2"), ("r3", "http://a/3"), caps=(2, 0)) == ["ok", 2, 0, 1]
    pages = [(f"p{i}", f"http://a/list_{i}") for i in range(4)]
    assert frontier.push(*pages, kind="list", column="http://a/list", caps=(0, 3)) == ["ok", 3, 0, 1]


def test_no_column_verdict_once_discovery_is_over_and_only_then(frontier):
    frontier.push(("home", "http://a/"), kind="home")
    _, rid, token, _, _ = frontier.pop()
    frontier.push(("hub", "http://a/hub"), kind="hub")  # the homepage led to a hub: discovery goes on
    assert frontier.ack(rid, token, site="site") == ["ok"]
    time.sleep(0.35)  # the host's delay since the homepage was popped
    _, rid, token, _, _ = frontier.pop()
    assert frontier.ack(rid, token, site="site") == ["no_column"]
    (entry,) = frontier.client.xrange(frontier.keys.stream)
    assert entry[1][b"key"] == f"{CRAWL}:no_column:site".encode()
    assert frontier.client.get(frontier.keys("backlog_bytes")) is not None


def test_no_verdict_for_a_site_with_a_column_or_a_failed_homepage(frontier):
    frontier.push(("h1", "http://a/"), kind="home")
    frontier.push(("col", "http://a/col"), kind="list")
    _, rid, token, _, _ = frontier.pop()
    assert frontier.ack(rid, token, site="site") == ["ok"]
    frontier.push(("h2", "http://b/"), ("h3", "http://c/"), kind="home")
    for _ in range(2):
        _, rid, token, _, _ = frontier.pop()
        assert frontier.ack(rid, token, site="other", home_failed="1" if rid == "h2" else "0") == ["ok"]
    assert frontier.client.xlen(frontier.keys.stream) == 0


def test_a_worker_of_another_crawl_touches_nothing(frontier):
    frontier.push(("r1", "http://a/1"))
    reply = frontier.scripts("POP", frontier.keys.prefix, "0-other", 1, 60_000, "w1", 100, 10**9, 0, 1.0)
    assert reply == [b"gone"]
    assert frontier.pop()[1] == "r1"


def test_a_worker_with_other_sites_or_code_is_refused(frontier):
    frontier.client.delete(frontier.keys("crawl"))
    join = lambda targets, code: [p.decode() for p in frontier.scripts("JOIN", frontier.keys.prefix, targets, code)]  # noqa: E731
    assert join('{"a": {}}', "c1") == ["wait"]
    assert join('{"b": {}}', "c1") == ["conflict", "sites"]
    assert join('{"a": {}}', "c2") == ["conflict", "code"]
    frontier.scripts("OPEN", frontier.keys.prefix, "9-x", 9)
    assert join('{"a": {}}', "c1") == ["open", "9-x"]
