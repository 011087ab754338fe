"""A distributed crawl on one machine as one process to the scheduler: its writer and its workers.

:func:`start_distributed` starts ``nianbao write`` and ``workers`` copies of the group's ``nianbao
crawl`` command with ``--redis``; the :class:`ProcessGroup` it returns waits, signals and kills them
together and merges their output, as ``subprocess.Popen`` does for a crawl of one process. Workers
on other machines may join the same crawl with the same command and label.
"""

from __future__ import annotations

import itertools
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from typing import IO

END = None  # a reader thread's last line


class ProcessGroup:
    """Processes started together and treated as one (the writer first)."""

    def __init__(self, commands: list[list[str]]) -> None:
        self.processes = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                           errors="backslashreplace") for command in commands]
        self._lines: queue.Queue[str | None] = queue.Queue()
        for process in self.processes:
            assert process.stdout is not None
            threading.Thread(target=self._read, args=(process.stdout,), daemon=True).start()

    def _read(self, stream: IO[str]) -> None:
        for line in stream:
            self._lines.put(line)
        self._lines.put(END)

    @property
    def stdout(self) -> Iterator[str]:
        """Every process's output, line by line, until all of them closed it."""
        open_streams = len(self.processes)
        while open_streams:
            line = self._lines.get()
            if line is END:
                open_streams -= 1
            else:
                yield line

    def poll(self) -> int | None:
        codes = [process.poll() for process in self.processes]
        return self._code([code for code in codes if code is not None]) if None not in codes else None

    def wait(self, timeout: float | None = None) -> int:
        """Wait for every process; the writer's exit code, or the first failure of a worker."""
        deadline = None if timeout is None else time.monotonic() + timeout
        codes = [process.wait(None if deadline is None else max(0.0, deadline - time.monotonic()))
                 for process in self.processes]
        return self._code(codes)

    @staticmethod
    def _code(codes: list[int]) -> int:
        return next((code for code in codes if code != 0), 0)

    def send_signal(self, signum: int) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


def start_distributed(worker_command: list[str], *, redis_url: str, workers: int, db: str, label: str) -> ProcessGroup:
    """The writer of crawl ``label`` into ``db`` and ``workers`` workers running ``worker_command``."""
    writer = [sys.executable, "-m", "crawler.cli", "write", "--redis", redis_url, "--db", db, "--label", label,
              *_writer_options(worker_command)]
    return ProcessGroup([writer, *([*worker_command, "--redis", redis_url] for _ in range(workers))])


def _writer_options(worker_command: list[str]) -> list[str]:
    """The crawl's revisit ceiling when its command sets one (``-s NIANBAO_REVISIT_CEILING_DAYS=…``):
    the writer judges which documents are due and plans their next visits by it."""
    ceiling = [value.split("=", 1)[1] for flag, value in itertools.pairwise(worker_command)
               if flag in ("-s", "--set") and value.startswith("NIANBAO_REVISIT_CEILING_DAYS=")]
    return ["--revisit-ceiling-days", ceiling[-1]] if ceiling else []
