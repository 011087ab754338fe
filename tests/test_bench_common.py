"""The crawl benchmarks' CPU accounting: the whole machine's busy and idle seconds over a block."""

from __future__ import annotations

import os
import sys
import time

import pytest

from bench.common import cpu_spent, machine_cpu

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/stat")


def test_machine_cpu_reads_busy_and_idle_seconds() -> None:
    busy, idle = machine_cpu()
    assert busy > 0 and idle >= 0


def test_cpu_spent_counts_work_done_in_the_block() -> None:
    with cpu_spent() as spent:
        deadline = time.process_time() + 0.3
        while time.process_time() < deadline:  # 0.3 CPU seconds of this process, whatever the wall clock
            pass
    assert set(spent) == {"seconds", "busy", "idle"}
    assert spent["busy"] >= 0.2  # the loop's own CPU, less one clock tick of rounding at each end
    # the machine's ticks advance with the wall clock on every core
    assert spent["busy"] + spent["idle"] <= spent["seconds"] * (os.cpu_count() or 1) + 0.1
