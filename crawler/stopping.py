"""SIGTERM and SIGINT stop a long command cleanly: the work stops at once and cleans up on the way out.

A long archive command (``backup``, ``compact``, ``reextract``) runs inside :func:`stop_on_signals`.
The first signal raises :class:`Stopped` in the main thread, as Ctrl-C raises KeyboardInterrupt, so
every ``finally`` (a partial backup removed, a transaction rolled back) runs. A Python signal handler
only runs between bytecodes, never inside one long SQLite statement (a ``VACUUM INTO`` of a large
archive), so a watcher thread also interrupts the statement at once. The command then exits
128 + the signal (``crawler.exit_codes``). Crawls use Scrapy's own graceful shutdown instead.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


class Stopped(BaseException):
    """The command was stopped by a signal (a BaseException, like KeyboardInterrupt: no handler swallows it)."""

    def __init__(self, signum: int, hint: str = "") -> None:
        super().__init__(signum, hint)
        self.signum, self.hint = signum, hint

    def __str__(self) -> str:
        name = signal.Signals(self.signum).name
        return f"stopped by {name}" + (f"; {self.hint}" if self.hint else "")


@contextmanager
def stop_on_signals(interrupt: Callable[[], None], hint: str = "") -> Iterator[None]:
    """Within the block, SIGTERM/SIGINT call ``interrupt`` (from another thread) and raise :class:`Stopped`.

    ``hint`` says what the user can do next; it ends the one-line message.
    """
    received: list[int] = []

    def handler(signum: int, frame: FrameType | None) -> None:
        if not received:  # a second signal must not cut the clean-up of the first one short
            received.append(signum)
            raise Stopped(signum, hint)

    read_end, write_end = os.pipe()
    os.set_blocking(write_end, False)
    watcher = threading.Thread(target=_watch, args=(read_end, interrupt), name="stop-watcher", daemon=True)
    watcher.start()
    previous = {signum: signal.signal(signum, handler) for signum in STOP_SIGNALS}
    previous_fd = signal.set_wakeup_fd(write_end, warn_on_full_buffer=False)
    try:
        yield
    except Exception as exc:  # e.g. the interrupted statement's error, raised before the handler ran
        if received:
            raise Stopped(received[0], hint) from exc
        raise
    finally:
        signal.set_wakeup_fd(previous_fd)
        for signum, old in previous.items():
            signal.signal(signum, old)
        os.close(write_end)  # the watcher reads end-of-file and ends
        watcher.join(timeout=5)
        os.close(read_end)
    if received:
        raise Stopped(received[0], hint)


def _watch(read_end: int, interrupt: Callable[[], None]) -> None:
    """Call ``interrupt`` for every signal byte the C-level handler writes; end at end-of-file."""
    while os.read(read_end, 1):
        interrupt()
