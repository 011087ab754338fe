"""Readers the OCR tests run in the reader server's children, to see what a child may do there."""

from __future__ import annotations

import socket
import sys
from typing import Any


def connect(body: bytes) -> dict[str, Any]:
    """Try to connect to 127.0.0.1 on the port ``body`` names (the OCR server forbids it)."""
    with socket.create_connection(("127.0.0.1", int(body)), timeout=2):
        return {"blocks": [], "flags": [], "connected": True}


def modules(body: bytes) -> dict[str, Any]:
    """The top-level modules loaded in the child (so, in the warmed server it was forked from), and
    those whose import is blocked (``sys.modules`` maps them to None)."""
    loaded = {name.partition(".")[0] for name, module in sys.modules.items() if module is not None}
    blocked = [name for name, module in sys.modules.items() if module is None]
    return {"blocks": [], "flags": [], "loaded": sorted(loaded), "blocked": blocked}
