"""The bounded children of :mod:`.bounded_reader`, and the reader server that forks them.

``python -m extract.reader_server PARENT_PID`` is the reader server: a fresh interpreter, one per
extracting process, that keeps the reader modules imported (and warmed up: a module's ``warm_up()``,
such as the PDF reader's CMaps, runs once) and forks one child per attachment.
Only that child touches the file: it limits itself (``RLIMIT_AS``, ``RLIMIT_CPU``) before it
reads a byte, calls ``TARGET`` (``module:function``) with the file and the request's keyword
arguments, writes the function's dict as JSON on its
stdout and exits. The server reads the child's stdout and stderr until the wall-clock limit, kills
it when overdue, and answers with its exit code and output. A reader error becomes a flag in the
child's answer, with its message under ``"error"`` for the caller to log.

Each file still gets a process of its own; what the server saves is starting an interpreter and
importing the parsers for every file (about 0.2 CPU s an attachment, most of its cost).

Protocol, on the server's stdin and stdout: a request is one JSON line (``target``, ``memory``,
``cpu``, ``wall``, ``env``, ``size``, ``args``) followed by ``size`` bytes of file; an answer is one JSON line
(``returncode``, ``stdout``, ``stderr``, ``timed_out``). EOF on stdin ends the server.
"""

from __future__ import annotations

import importlib
import json
import os
import resource
import selectors
import signal
import sys
import time
import traceback
from collections.abc import Callable
from typing import Any, BinaryIO

from extract.processes import die_with_parent
from nianbao.errors import PageTooLarge

STDERR_TAIL = 4000  # bytes of a child's stderr passed on to the caller's log
_PRELOADED: set[str] = set()  # reader modules this server has imported and warmed up


def serve(requests: BinaryIO, answers: BinaryIO) -> None:
    """Answer requests until the caller closes its end."""
    while header := requests.readline():
        request = json.loads(header)
        body = requests.read(request["size"])
        if len(body) < request["size"]:
            return  # the caller went away mid-file
        preload(request["target"])
        answers.write(json.dumps(run_child(request, body)).encode("utf-8") + b"\n")
        answers.flush()


def preload(target: str) -> None:
    """Import the reader's module here, once, and run its ``warm_up()`` if it has one, so every
    forked child starts with both done.

    A module that fails to import is left to the child, which reports the error as its answer; a
    failed warm-up only costs speed, and is said on stderr.
    """
    module_name = target.partition(":")[0]
    if module_name in _PRELOADED:
        return
    _PRELOADED.add(module_name)  # tried once, whatever comes of it
    try:
        module = importlib.import_module(module_name)
    except Exception:
        return
    warm_up = getattr(module, "warm_up", None)
    if callable(warm_up):
        try:
            warm_up()
        except Exception as exc:
            print(f"reader server: {module_name}.warm_up failed: {type(exc).__name__}: {exc}", file=sys.stderr)  # noqa: T201 - stdout carries the protocol; warnings go to stderr


def run_child(request: dict[str, Any], body: bytes) -> dict[str, Any]:
    """Fork a child that reads ``body``; its exit code and output, killed at the wall-clock limit."""
    out_r, out_w = os.pipe()
    err_r, err_w = os.pipe()
    server = os.getpid()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        os.close(out_r)
        os.close(err_r)
        child(request, body, out_w, err_w, server)
    os.close(out_w)
    os.close(err_w)
    output, timed_out = collect(pid, {out_r: bytearray(), err_r: bytearray()}, request["wall"])
    _, status = os.waitpid(pid, 0)
    return {"returncode": os.waitstatus_to_exitcode(status), "timed_out": timed_out,
            "stdout": output[out_r].decode("utf-8", "replace"),
            "stderr": output[err_r][-STDERR_TAIL:].decode("utf-8", "backslashreplace")}


def child(request: dict[str, Any], body: bytes, out: int, err: int, server: int) -> None:
    """Limit this process, read, answer on ``out`` (as its stdout), exit; die with ``server``."""
    code = 1
    try:
        # the server's own pipes (requests on 0, answers on 1) are not the child's to touch
        os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
        os.dup2(out, 1)
        os.dup2(err, 2)
        sys.stdout = sys.stderr  # whatever a reader prints goes to the log, not into the answer
        die_with_parent(server)  # the pid from before the fork: a server already gone is noticed
        os.environ.clear()  # the caller's environment as of this file (PATH finds antiword/catdoc)
        os.environ.update(request["env"])
        limit(request["memory"], request["cpu"])
        answer = json.dumps(call(request["target"], body, request.get("args") or {}), ensure_ascii=False).encode("utf-8")
        with os.fdopen(1, "wb", closefd=False) as stdout:
            stdout.write(answer)
        code = 0
    except BaseException:
        traceback.print_exc()
        sys.stderr.flush()
    finally:
        os._exit(code)


def collect(pid: int, output: dict[int, bytearray], wall: float) -> tuple[dict[int, bytearray], bool]:
    """Read the child's pipes to EOF; on passing ``wall`` seconds, kill it. (output, timed out)."""
    deadline = time.monotonic() + wall
    timed_out = False
    with selectors.DefaultSelector() as selector:
        for fd in output:
            selector.register(fd, selectors.EVENT_READ)
        while selector.get_map():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                os.kill(pid, signal.SIGKILL)
                timed_out = True
                break
            for key, _ in selector.select(remaining):
                chunk = os.read(key.fd, 1 << 16)
                if chunk:
                    output[key.fd] += chunk
                else:
                    selector.unregister(key.fd)
    for fd in output:
        os.close(fd)
    return output, timed_out


def limit(memory: int, cpu: int) -> None:
    """Cap this process's address space and CPU time."""
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    # The soft limit sends SIGXCPU; the hard one, a second later, SIGKILL.
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))


def call(target: str, body: bytes, args: dict[str, Any]) -> dict[str, Any]:
    """The reader's answer; its failures as flags (the child must always answer)."""
    try:
        return load(target)(body, **args)
    except PageTooLarge as exc:
        return {"blocks": [], "title": None, "flags": ["attachment_too_large"], "error": str(exc)}
    except MemoryError:
        return {"blocks": [], "title": None, "flags": ["attachment_too_large"], "error": "MemoryError"}
    except Exception as exc:
        return {"blocks": [], "title": None, "flags": ["attachment_malformed"],
                "error": f"{type(exc).__name__}: {exc}"}


def load(target: str) -> Callable[..., dict[str, Any]]:
    """The function named ``module:function``."""
    module, _, name = target.partition(":")
    function: Callable[..., dict[str, Any]] = getattr(importlib.import_module(module), name)
    return function


def main(argv: list[str]) -> int:
    """Serve the process ``argv[1]`` until it closes the pipe; die with it."""
    die_with_parent(int(argv[1]))
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a Ctrl-C is for the crawl, which stops us by closing the pipe
    try:
        serve(sys.stdin.buffer, sys.stdout.buffer)
    except BrokenPipeError:  # the caller went away mid-answer (a command stopped by SIGTERM): nobody to answer
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # so the flush at exit cannot fail either
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
