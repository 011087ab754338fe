"""One writer per archive: an exclusive, non-blocking file lock beside the database."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from nianbao.errors import ArchiveBusyError

__all__ = ["ArchiveBusyError", "lock_path", "writer_lock"]


def lock_path(db_path: str | Path) -> Path:
    return Path(f"{db_path}.lock")


@contextmanager
def writer_lock(db_path: str | Path) -> Iterator[None]:
    """Hold the archive's writer lock, or raise :class:`ArchiveBusyError` at once.

    The kernel drops the lock when the holder dies, even by SIGKILL, so a crash never leaves a
    stale lock behind.
    """
    path = lock_path(db_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise ArchiveBusyError(f"another crawl is writing to {db_path} (lock {path}); try again later") from exc
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        yield
    finally:
        os.close(fd)
