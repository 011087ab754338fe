"""Many small fixture sites, each on its own port (a host of its own to politeness), in one process.

    python -m bench.distributed.hosts --hosts 500 --timings FILE

Each site is a copy of the fixture portal's ``lanshan`` (a TRS site) with a few reports, named
``h000``, ``h001`` …; prints ``{"sites": {name: base_url}}`` on one line, serves until SIGTERM, then
writes every request's (site, arrived, answered) to FILE for the politeness check.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import signal
import sys
import threading
from pathlib import Path

from fixture_portal import FixturePortal, server
from fixture_portal.catalogue import SITES

REPORTS_PER_SITE = 3


def many_sites(count: int) -> tuple:
    base = next(spec for spec in SITES if spec.name == "lanshan")
    return tuple(dataclasses.replace(base, name=f"h{i:03d}", reports_base=REPORTS_PER_SITE, others_base=1)
                 for i in range(count))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hosts", type=int, default=500)
    parser.add_argument("--timings", type=Path, required=True)
    args = parser.parse_args()
    # 500 idle servers polling for a stop request 20 times a second cost a tenth of a core; 1 s is enough here
    server.POLL_INTERVAL = 1.0
    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    portal = FixturePortal(seed=7, sites=many_sites(args.hosts))
    portal.start()
    sys.stdout.write(json.dumps({"sites": {name: site.base_url for name, site in portal.sites.items()}}) + "\n")
    sys.stdout.flush()
    stopping.wait()
    args.timings.write_text(json.dumps(portal.timings))
    # no portal.stop(): stopping 500 servers one by one waits a poll interval each (minutes); the
    # servers' threads are daemons and their sockets close with the process
    return 0


if __name__ == "__main__":
    sys.exit(main())
