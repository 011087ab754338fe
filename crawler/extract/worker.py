"""The bounded child of :mod:`.sandbox`: ``python -m crawler.extract.worker TARGET MEMORY CPU``.

It limits itself first, then reads the file from stdin, calls ``TARGET`` (``module:function``)
and writes the function's dict as JSON to stdout. A reader error becomes a flag in the answer,
with its message under ``"error"`` for the parent to log.
"""

from __future__ import annotations

import importlib
import json
import resource
import sys
from collections.abc import Callable
from typing import Any


def main(argv: list[str]) -> int:
    """Limit, read, call, answer."""
    target, memory, cpu = argv[1], int(argv[2]), int(argv[3])
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    # The soft limit sends SIGXCPU; the hard one, a second later, SIGKILL.
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    body = sys.stdin.buffer.read()
    sys.stdout.write(json.dumps(call(target, body), ensure_ascii=False))
    return 0


def call(target: str, body: bytes) -> dict[str, Any]:
    """The reader's answer; its failures as flags (the child must always answer)."""
    try:
        return load(target)(body)
    except MemoryError:
        return {"blocks": [], "title": None, "flags": ["attachment_too_large"], "error": "MemoryError"}
    except Exception as exc:  # noqa: BLE001 - a parser bug on hostile bytes: reported as data, logged by the parent
        return {"blocks": [], "title": None, "flags": ["attachment_malformed"],
                "error": f"{type(exc).__name__}: {exc}"}


def load(target: str) -> Callable[[bytes], dict[str, Any]]:
    """The function named ``module:function``."""
    module, _, name = target.partition(":")
    function: Callable[[bytes], dict[str, Any]] = getattr(importlib.import_module(module), name)
    return function


if __name__ == "__main__":
    sys.exit(main(sys.argv))
