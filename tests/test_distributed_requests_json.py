"""Queued requests as JSON (never pickles) and captures as stream entries, both round-tripped."""

from __future__ import annotations

import dataclasses

import pytest
from scrapy import Request
from scrapy.http import FormRequest

from crawler.distributed import requests_json
from crawler.distributed.requests_json import RequestEncodingError, decode_request, encode_request
from crawler.distributed.stream import capture_key, decode_entry, encode_capture, encode_list_page, encode_site_move
from nianbao.capture import Capture, ListPage, SiteMove
from spiders.annual_reports import AnnualReportsSpider


@pytest.fixture
def spider():
    return AnnualReportsSpider(start_url="http://127.0.0.1:1/")


def test_the_spiders_requests_come_back_as_they_were_queued(spider):
    post = FormRequest("http://h/dataproxy.jsp", formdata={"startrecord": "1", "perpage": "15"},
                       callback=spider.parse_list, errback=spider.on_error, priority=10, dont_filter=True,
                       meta={"site": "h", "nianbao_kind": "list", "nianbao_form": (("startrecord", "1"),),
                             "frontier_key": "k1", "handle_httpstatus_list": [404, 500]},
                       headers={"X-Requested-With": "XMLHttpRequest"})
    back = decode_request(encode_request(post, spider), spider)
    assert type(back) is FormRequest and back.body == post.body and back.method == "POST"
    assert back.callback == spider.parse_list and back.errback == spider.on_error
    assert (back.priority, back.dont_filter, back.headers[b"X-Requested-With"]) == (10, True, b"XMLHttpRequest")
    assert back.meta["nianbao_form"] == [["startrecord", "1"]] and back.meta["frontier_key"] == "k1"


def test_what_a_worker_sets_locally_is_not_queued(spider):
    request = Request("http://h/", callback=spider.parse_detail,
                      meta={"download_slot": "h", "nianbao_lease": ["k", "3"], "frontier_key": "k"})
    assert decode_request(encode_request(request, spider), spider).meta == {"frontier_key": "k"}


def test_no_pickle_and_no_foreign_code(spider):
    with pytest.raises(RequestEncodingError, match="not a method of the spider"):
        encode_request(Request("http://h/", callback=lambda response: None), spider)
    with pytest.raises(RequestEncodingError, match="cannot queue"):
        encode_request(Request("http://h/", callback=spider.parse_detail, meta={"x": object()}), spider)
    forged = requests_json.dumps({"url": "http://h/", "headers": {}, "_class": "os.system", "callback": None})
    with pytest.raises(RequestEncodingError, match="refusing request class"):
        decode_request(forged, spider)
    assert b"\x80" not in encode_request(Request("http://h/", callback=spider.parse_detail), spider)  # JSON, not pickle


def test_a_capture_goes_through_the_stream_whole():
    capture = Capture(url="http://h/a.pdf", site="h", kind="attachment", status=200, body=bytes(range(256)) * 40,
                      headers={"Content-Type": "application/pdf"}, extraction={"title": "年报", "tables": [[["a"]]]},
                      frontier_key="k1", site_family="trs", final_url="https://h2/a.pdf", moved_permanently=True)
    fields = encode_capture(capture, capture_key("7-x", "k1"))
    raw = {name.encode(): value.encode() if isinstance(value, str) else value for name, value in fields.items()}
    entry = decode_entry(b"1733450000000-0", raw)
    assert entry.key == "7-x:k1" and entry.size == len(raw[b"meta"]) + len(raw[b"body"])
    assert entry.item == dataclasses.replace(capture, capture_key="7-x:k1")
    assert isinstance(entry.item, Capture) and entry.item.moved_permanently  # the new address is the document's


def test_a_site_move_goes_through_the_stream():
    move = SiteMove(site="h", url="http://h/", location="https://h2/", status=301, seen_at="2026-12-01T00:00:00Z")
    raw = {k.encode(): v.encode() if isinstance(v, str) else v for k, v in encode_site_move(move, "7-x:m").items()}
    assert decode_entry(b"1-0", raw).item == move


def test_a_list_page_and_a_verdict_without_a_fetch_time():
    page = ListPage(key="k", site="h", url="http://h/l", final_url="http://h/l", sha256="0" * 64, rules="r",
                    family=None, items=[["http://h/1", "2023年报"]], pages=[])
    raw = {k.encode(): v.encode() if isinstance(v, str) else v for k, v in encode_list_page(page, "7-x:k").items()}
    assert decode_entry(b"1-0", raw).item == page
    verdict = {b"key": b"7-x:no_column:h", b"type": b"capture", b"body": b"",
               b"meta": b'{"url": "http://h/", "site": "h", "kind": "home", "error_class": "no_column"}'}
    capture = decode_entry(b"1733450000000-0", verdict).item
    assert isinstance(capture, Capture) and capture.fetched_at == "2024-12-06T01:53:20Z"
