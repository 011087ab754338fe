"""The bounded child: CPU, wall-clock and memory limits, crashes and reader errors become flags.

The targets below run in a child forked by the reader server (``python -m extract.reader_server``),
which imports ``tests.test_extract_bounded_reader`` to find them.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from extract import bounded_reader as sandbox
from extract.bounded_reader import Limits, run_bounded

TARGET = "tests.test_extract_bounded_reader"


def echo(body: bytes) -> dict:
    return {"blocks": [{"p": body.decode("utf-8")}], "title": None, "flags": [], "stage": "echo"}


WARMED: list[int] = []


def warm_up() -> None:
    """Run by the reader server once, when it first imports this module."""
    WARMED.append(os.getpid())


def warmed(body: bytes) -> dict:
    return {"warmed_in": WARMED, "ppid": os.getppid(), "flags": []}


def whoami(body: bytes) -> dict:
    return {"pid": os.getpid(), "ppid": os.getppid(), "flags": []}


def sleep_after_saying_pid(body: bytes) -> dict:
    Path(body.decode()).write_text(str(os.getpid()))
    time.sleep(600)
    return {}


def chatty(body: bytes) -> dict:
    print("pdfminer says hello " * 2000)  # far more than a pipe buffer
    return {"blocks": [{"p": body.decode("utf-8")}], "title": None, "flags": []}


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


def test_what_a_reader_prints_does_not_spoil_its_answer():
    assert run_bounded(f"{TARGET}:chatty", "正文".encode())["blocks"] == [{"p": "正文"}]


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


def test_every_file_gets_a_child_of_its_own_forked_by_one_server():
    answers = [run_bounded(f"{TARGET}:whoami", b"") for _ in range(3)]
    server = sandbox._SERVER.pid
    assert server is not None and server != os.getpid()
    assert {answer["ppid"] for answer in answers} == {server}
    assert len({answer["pid"] for answer in answers} | {server, os.getpid()}) == 5


def test_a_limit_hit_by_one_child_leaves_the_next_file_unharmed():
    assert run_bounded(f"{TARGET}:hog", b"", Limits(memory_bytes=256 * 1024 * 1024))["flags"] == ["attachment_too_large"]
    assert run_bounded(f"{TARGET}:echo", b"ok")["blocks"] == [{"p": "ok"}]


def test_a_dead_server_is_replaced(caplog):
    run_bounded(f"{TARGET}:echo", b"first")
    first = sandbox._SERVER.pid
    os.kill(first, signal.SIGKILL)
    with caplog.at_level(logging.WARNING):
        assert run_bounded(f"{TARGET}:echo", b"second")["blocks"] == [{"p": "second"}]
    assert sandbox._SERVER.pid not in (None, first)


def _gone(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True


def test_a_caller_killed_mid_file_takes_its_server_and_child_with_it(tmp_path):
    """SIGKILL gives the caller no chance to clean up: the kernel ends the server, then the child."""
    pid_file = tmp_path / "child.pid"
    script = textwrap.dedent(f"""
        from extract.bounded_reader import Limits, run_bounded
        run_bounded("{TARGET}:sleep_after_saying_pid", {str(pid_file).encode()!r}, Limits(wall_seconds=600))
    """)
    caller = subprocess.Popen([sys.executable, "-c", script], cwd=Path(__file__).resolve().parent.parent)
    try:
        deadline = time.monotonic() + 60
        while not pid_file.exists() or not pid_file.read_text():
            assert time.monotonic() < deadline and caller.poll() is None, "the child never started"
            time.sleep(0.05)
        child = int(pid_file.read_text())
        server = int(Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()[1])
        caller.kill()
        caller.wait()
        deadline = time.monotonic() + 10
        while not (_gone(server) and _gone(child)) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _gone(server) and _gone(child)
    finally:
        caller.kill()
        caller.wait()


def test_the_server_warms_a_reader_module_up_once_and_its_children_inherit_it():
    answers = [run_bounded(f"{TARGET}:warmed", b"") for _ in range(2)]
    assert answers[0]["warmed_in"] == answers[1]["warmed_in"] == [answers[0]["ppid"]]  # once, in the server
    assert WARMED == []  # not in the caller


def test_the_pdf_reader_warms_up_the_chinese_cmaps():
    from pdfminer.cmapdb import CMapDB

    from extract.pdf import CHINESE_CMAPS, warm_up

    warm_up()
    assert set(CHINESE_CMAPS) <= set(CMapDB._cmap_cache) and "Adobe-GB1" in CMapDB._umap_cache


def test_a_server_that_cannot_run_is_an_error_not_a_verdict_on_the_file(monkeypatch, caplog):
    """The pipeline records the exception as a failed extraction of the capture (retried next run);
    no flag is put on a document whose file was never read."""
    import pytest

    sandbox._SERVER.stop()
    monkeypatch.setattr(sandbox, "WORKER", "tests.no_such_reader_server")
    with caplog.at_level(logging.WARNING), pytest.raises(sandbox.ReaderServerError, match="failed twice"):
        run_bounded(f"{TARGET}:echo", b"x")
    assert caplog.text.count("starting a new one") == 2
    monkeypatch.undo()
    assert run_bounded(f"{TARGET}:echo", b"again")["blocks"] == [{"p": "again"}]
