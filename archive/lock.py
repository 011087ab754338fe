"""One writer per archive: an exclusive, non-blocking file lock beside the database.

Every command that writes (a crawl, ``compact``, ``reextract``, ``migrate``) takes it through
``open_archive(path, writer=True)``; readers never do. The lock is re-entrant within one process,
so the crawl runner and the crawl's own archive owner can both hold it.
"""

from __future__ import annotations

import fcntl
import os
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from nianbao.errors import ArchiveBusyError

__all__ = ["ArchiveBusyError", "flock_held", "lock_path", "writer_active", "writer_lock"]

# How long a writer waits for the lock before calling the archive busy: long enough for a reader's
# writer_active probe, which holds a shared lock for microseconds; a writer holds it for minutes.
PROBE_GRACE_SECONDS = 0.25
_held: dict[Path, int] = {}  # lock file -> how many holders in this process
_held_guard = threading.Lock()


def lock_path(db_path: str | Path) -> Path:
    return Path(f"{db_path}.lock")


@contextmanager
def writer_lock(db_path: str | Path) -> Iterator[None]:
    """Hold the archive's writer lock, or raise :class:`ArchiveBusyError` at once.

    The kernel drops the lock when the holder dies, even by SIGKILL, so a crash never leaves a
    stale lock behind. The file records who holds it, for the message another writer gets.
    """
    path = lock_path(db_path).resolve()
    with _held_guard:
        if _held.get(path):
            _held[path] += 1
            fd = None
        else:
            fd = _acquire(path, db_path)
            _held[path] = 1
    try:
        yield
    finally:
        with _held_guard:
            _held[path] -= 1
            if fd is not None:
                del _held[path]
                os.close(fd)


def writer_active(db_path: str | Path) -> bool:
    """Whether a writer holds the archive's lock now. Asks by taking a shared lock for a moment and
    giving it back (a writer starting in that moment waits it out: ``PROBE_GRACE_SECONDS``), so call
    it only when the answer matters."""
    return flock_held(lock_path(db_path), shared=True)


def flock_held(path: Path, *, shared: bool = False) -> bool:
    """Whether another open file holds a flock on ``path`` that excludes ours (a shared one, or an
    exclusive one), asked by taking it for a moment; False when there is no such file."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return False
    try:
        fcntl.flock(fd, (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)  # closing gives the lock back
    return False


def _acquire(path: Path, db_path: str | Path) -> int:
    """An open descriptor of the lock file, locked; ArchiveBusyError naming the holder when taken."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    deadline = time.monotonic() + PROBE_GRACE_SECONDS
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError as exc:
            if time.monotonic() < deadline:  # perhaps a reader asking writer_active: it lets go at once
                time.sleep(0.01)
                continue
            holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip() or "another process"
            os.close(fd)
            raise ArchiveBusyError(f"another crawl is writing to {db_path} ({holder}); try again when it ends") from exc
    os.ftruncate(fd, 0)
    os.pwrite(fd, f"pid {os.getpid()}: {_command()}\n".encode(), 0)
    return fd


def _command() -> str:
    """What this process runs (``cli.py crawl``, ``scheduler.py``), for the lock file."""
    return " ".join([Path(sys.argv[0]).name if sys.argv else "python", *sys.argv[1:2]])
