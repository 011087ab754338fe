"""Run an attachment reader in a child process bounded in memory, CPU time and wall-clock time.

PDF and Office parsers have a long record of denial-of-service bugs (endless loops, RAM
exhaustion; reliability.md §5.5). A reader therefore never runs in the caller's process: every
file is read in a child process of its own, which sets ``RLIMIT_AS`` and ``RLIMIT_CPU`` on itself
before it reads a byte and answers one JSON object. The children are forked by a reader server
(:mod:`.reader_server`), a fresh interpreter started once per calling process that keeps the parsers
imported: starting an interpreter and importing them for every file cost about 0.2 CPU s, most of
an attachment's reading. Whatever happens to a child becomes a flag, never an exception:

- killed by the CPU limit or by the wall clock → ``attachment_timeout``;
- out of memory → ``attachment_too_large``;
- anything else (a crash, a reader error) → ``attachment_malformed``, logged with the child's message.

A fresh interpreter for the server (not ``fork`` of the caller) because the caller may be a crawler
with threads running. Only a server that fails twice in a row raises (:class:`ReaderServerError`).
"""

from __future__ import annotations

import atexit
import json
import logging
import os
import select
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nianbao.errors import ReaderServerError

LOG = logging.getLogger(__name__)
WORKER = "extract.reader_server"
# The directory holding the ``crawler`` package, so the server imports the same code.
PACKAGE_ROOT = str(Path(__file__).resolve().parents[2])
# Signals that mean the child ran out of time: SIGXCPU from RLIMIT_CPU, SIGKILL from the
# kernel at the hard CPU limit or from the server at the wall clock.
TIME_SIGNALS = frozenset({signal.SIGXCPU, signal.SIGKILL})
# How long past a request's own wall-clock limit the server may take to answer before it is
# considered stuck (it only forks and waits, so this is never reached by a healthy server).
SERVER_GRACE_SECONDS = 30.0


@dataclass(frozen=True)
class Limits:
    """What one child may use."""

    memory_bytes: int = 1 << 30  # RLIMIT_AS: 1 GiB of address space
    cpu_seconds: int = 60  # RLIMIT_CPU
    wall_seconds: float = 60.0  # killed after this long, whatever it is doing


LIMITS = Limits()


def run_bounded(target: str, body: bytes, limits: Limits = LIMITS, args: dict[str, Any] | None = None) -> dict[str, Any]:
    """Call ``target`` (``"module:function"``, taking bytes and the keyword ``args``, returning a
    JSON-ready dict) on ``body`` in a bounded child; return its dict, or ``{"flags": [failure flag]}``."""
    request = {"target": target, "memory": limits.memory_bytes, "cpu": limits.cpu_seconds,
               "wall": limits.wall_seconds, "env": _child_env(), "size": len(body), "args": args or {}}
    answer = _SERVER.ask(request, body)
    if answer["timed_out"]:
        LOG.warning("attachment reader %s killed after %.0f s", target, limits.wall_seconds)
        return failure("attachment_timeout")
    return _outcome(target, answer["returncode"], answer["stdout"], answer["stderr"])


class ReaderServer:
    """This process's reader server, started on first use and again whenever it has died."""

    def __init__(self) -> None:
        self._process: subprocess.Popen[bytes] | None = None
        self._owner = 0  # the pid that started it: a forked copy of this process starts its own
        self._lock = threading.Lock()  # one request at a time on the pipe
        atexit.register(self.stop)

    @property
    def pid(self) -> int | None:
        """The running server's pid (None before the first file)."""
        return self._process.pid if self._process is not None and self._owner == os.getpid() else None

    def ask(self, request: dict[str, Any], body: bytes) -> dict[str, Any]:
        """The server's answer to one request; a dead or stuck server is replaced and asked once more."""
        with self._lock:
            for attempt in (1, 2):
                try:
                    return self._exchange(request, body)
                except (OSError, EOFError, ValueError) as exc:
                    LOG.warning("attachment reader server failed (%s: %s); starting a new one",
                                type(exc).__name__, exc)
                    self.stop()
                    if attempt == 2:
                        raise ReaderServerError(f"attachment reader server failed twice: {exc}") from exc
        raise AssertionError("unreachable")

    def _exchange(self, request: dict[str, Any], body: bytes) -> dict[str, Any]:
        process = self._running()
        assert process.stdin is not None and process.stdout is not None
        process.stdin.write(json.dumps(request).encode("utf-8") + b"\n")
        process.stdin.write(body)
        process.stdin.flush()
        deadline = time.monotonic() + request["wall"] + SERVER_GRACE_SECONDS
        if not select.select([process.stdout], [], [], max(0.0, deadline - time.monotonic()))[0]:
            raise TimeoutError("no answer in time")
        line = process.stdout.readline()
        if not line:
            raise EOFError("the server exited")
        answer: dict[str, Any] = json.loads(line)
        return answer

    def _running(self) -> subprocess.Popen[bytes]:
        if self._process is None or self._owner != os.getpid() or self._process.poll() is not None:
            if self._owner == os.getpid():
                self.stop()
            self._process = subprocess.Popen([sys.executable, "-m", WORKER, str(os.getpid())],
                                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=_child_env())
            self._owner = os.getpid()
        return self._process

    def stop(self) -> None:
        """End the server (closing its pipe ends it; a stuck one is killed)."""
        process, self._process = self._process, None
        if process is None or self._owner != os.getpid():
            return  # none, or the parent's: a forked copy leaves it alone
        for stream in (process.stdin, process.stdout):
            try:
                if stream is not None:
                    stream.close()
            except OSError:
                pass
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


_SERVER = ReaderServer()


def failure(flag: str) -> dict[str, Any]:
    """A reader result that carries nothing but a flag."""
    return {"blocks": [], "title": None, "flags": [flag]}


def _outcome(target: str, returncode: int, stdout: str, stderr: str) -> dict[str, Any]:
    """The child's answer, or the flag its death means."""
    if returncode < 0 and -returncode in TIME_SIGNALS:
        LOG.warning("attachment reader %s stopped by signal %d", target, -returncode)
        return failure("attachment_timeout")
    if returncode == 0:
        try:
            payload: dict[str, Any] = json.loads(stdout)
        except ValueError as exc:
            LOG.warning("attachment reader %s answered no JSON: %s", target, exc)
            return failure("attachment_malformed")
        if payload.get("error"):
            LOG.warning("attachment reader %s: %s", target, payload["error"])
        return payload
    stderr = stderr[-2000:]
    LOG.warning("attachment reader %s exited %d: %s", target, returncode, stderr)
    return failure("attachment_too_large" if "MemoryError" in stderr else "attachment_malformed")


def _child_env() -> dict[str, str]:
    """The caller's environment, with this package importable."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (PACKAGE_ROOT, env.get("PYTHONPATH")) if p)
    return env
