"""Run an attachment reader in a child process bounded in memory, CPU time and wall-clock time.

PDF and Office parsers have a long record of denial-of-service bugs (endless loops, RAM
exhaustion; reliability.md §5.5). A reader therefore never runs in the caller's process: a
fresh interpreter (``python -m crawler.extract.worker``) sets ``RLIMIT_AS`` and ``RLIMIT_CPU``
on itself before it reads a byte, gets the file on stdin, and answers one JSON object on
stdout. Whatever happens to it becomes a flag, never an exception:

- killed by the CPU limit or by the wall clock → ``attachment_timeout``;
- out of memory → ``attachment_too_large``;
- anything else (a crash, a reader error) → ``attachment_malformed``, logged with the child's message.

A fresh interpreter (not ``fork``) because the caller may be a crawler with threads running.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

LOG = logging.getLogger(__name__)
WORKER = "crawler.extract.worker"
# The directory holding the ``crawler`` package, so the child imports the same code.
PACKAGE_ROOT = str(Path(__file__).resolve().parents[2])
# Signals that mean the child ran out of time: SIGXCPU from RLIMIT_CPU, SIGKILL from the
# kernel at the hard CPU limit or from us at the wall clock.
TIME_SIGNALS = frozenset({signal.SIGXCPU, signal.SIGKILL})


@dataclass(frozen=True)
class Limits:
    """What one child may use."""

    memory_bytes: int = 1 << 30  # RLIMIT_AS: 1 GiB of address space
    cpu_seconds: int = 60  # RLIMIT_CPU
    wall_seconds: float = 60.0  # killed after this long, whatever it is doing


LIMITS = Limits()


def run_bounded(target: str, body: bytes, limits: Limits = LIMITS) -> dict[str, Any]:
    """Call ``target`` (``"module:function"``, taking bytes, returning a JSON-ready dict) on
    ``body`` in a bounded child; return its dict, or ``{"flags": [failure flag]}``."""
    command = [sys.executable, "-m", WORKER, target, str(limits.memory_bytes), str(limits.cpu_seconds)]
    try:
        done = subprocess.run(command, input=body, capture_output=True, timeout=limits.wall_seconds,
                              env=_child_env(), check=False)
    except subprocess.TimeoutExpired:
        LOG.warning("attachment reader %s killed after %.0f s", target, limits.wall_seconds)
        return failure("attachment_timeout")
    return _outcome(target, done)


def failure(flag: str) -> dict[str, Any]:
    """A reader result that carries nothing but a flag."""
    return {"blocks": [], "title": None, "flags": [flag]}


def _outcome(target: str, done: subprocess.CompletedProcess[bytes]) -> dict[str, Any]:
    """The child's answer, or the flag its death means."""
    if done.returncode < 0 and -done.returncode in TIME_SIGNALS:
        LOG.warning("attachment reader %s stopped by signal %d", target, -done.returncode)
        return failure("attachment_timeout")
    if done.returncode == 0:
        try:
            payload: dict[str, Any] = json.loads(done.stdout)
        except ValueError as exc:
            LOG.warning("attachment reader %s answered no JSON: %s", target, exc)
            return failure("attachment_malformed")
        if payload.get("error"):
            LOG.warning("attachment reader %s: %s", target, payload["error"])
        return payload
    stderr = done.stderr.decode("utf-8", "backslashreplace")[-2000:]
    LOG.warning("attachment reader %s exited %d: %s", target, done.returncode, stderr)
    return failure("attachment_too_large" if "MemoryError" in stderr else "attachment_malformed")


def _child_env() -> dict[str, str]:
    """The caller's environment, with this package importable."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (PACKAGE_ROOT, env.get("PYTHONPATH")) if p)
    return env
