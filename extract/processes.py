"""Set-up of extraction worker processes.

Every worker imports this module before its first page, so it imports the standard library only:
the set-up once lived beside the pipelines, and each worker loaded Scrapy and Twisted for it.
"""

from __future__ import annotations

import ctypes
import logging
import os
import resource
import signal
import sys


def prepare_worker(memory_bytes: int, crawl_pid: int, log_level: str = "WARNING") -> None:
    """Set up an extraction worker: cap its address space, so one pathological page cannot exhaust
    the machine, tie its life to the crawl process, and log at the crawl's level (a spawned worker
    has none of the crawl's logging: its warnings would print bare, naming no page)."""
    logging.getLogger().setLevel(log_level)
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    die_with_parent(crawl_pid)


PR_SET_PDEATHSIG = 1  # linux/prctl.h


def die_with_parent(parent_pid: int) -> None:
    """On Linux, have the kernel SIGKILL this process when ``parent_pid`` dies, however it dies.

    A crawl stopped with SIGKILL (a scheduler's time limit, the OOM killer) cannot shut its pool
    down, and its workers would otherwise wait forever as orphans.
    """
    if not sys.platform.startswith("linux"):
        return
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent_pid:  # the parent died before prctl took effect
        os._exit(1)
