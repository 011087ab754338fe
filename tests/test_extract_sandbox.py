"""The bounded child: CPU, wall-clock and memory limits, crashes and reader errors become flags.

The targets below run in the child (``python -m crawler.extract.worker tests.test_extract_sandbox:…``).
"""

from __future__ import annotations

import logging
import os
import time

from crawler.extract.sandbox import Limits, run_bounded

TARGET = "tests.test_extract_sandbox"


def echo(body: bytes) -> dict:
    return {"blocks": [{"p": body.decode("utf-8")}], "title": None, "flags": [], "stage": "echo"}


def spin(body: bytes) -> dict:
    while True:
        pass


def sleep(body: bytes) -> dict:
    time.sleep(600)
    return {}


def hog(body: bytes) -> dict:
    return {"size": len(bytearray(512 * 1024 * 1024))}


def crash(body: bytes) -> dict:
    os._exit(3)


def fail(body: bytes) -> dict:
    raise KeyError("/Root")


def test_the_child_answers():
    assert run_bounded(f"{TARGET}:echo", "年报正文".encode()) == {
        "blocks": [{"p": "年报正文"}], "title": None, "flags": [], "stage": "echo"}


def test_cpu_limit_is_a_timeout():
    answer = run_bounded(f"{TARGET}:spin", b"", Limits(cpu_seconds=1, wall_seconds=60))
    assert answer["flags"] == ["attachment_timeout"]


def test_wall_clock_is_a_timeout(caplog):
    with caplog.at_level(logging.WARNING):
        answer = run_bounded(f"{TARGET}:sleep", b"", Limits(wall_seconds=1.0))
    assert answer["flags"] == ["attachment_timeout"]
    assert "killed after" in caplog.text


def test_memory_limit_is_too_large():
    answer = run_bounded(f"{TARGET}:hog", b"", Limits(memory_bytes=256 * 1024 * 1024))
    assert answer["flags"] == ["attachment_too_large"]


def test_a_crash_is_malformed_and_logged(caplog):
    with caplog.at_level(logging.WARNING):
        answer = run_bounded(f"{TARGET}:crash", b"")
    assert answer["flags"] == ["attachment_malformed"] and answer["blocks"] == []
    assert "exited 3" in caplog.text


def test_a_reader_error_is_malformed_and_its_message_logged(caplog):
    with caplog.at_level(logging.WARNING):
        answer = run_bounded(f"{TARGET}:fail", b"")
    assert answer["flags"] == ["attachment_malformed"]
    assert "KeyError" in caplog.text and "/Root" in caplog.text
