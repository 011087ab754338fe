"""``python -m fixture_portal``: serve until SIGINT/SIGTERM; first stdout line is JSON."""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from types import FrameType

from .portal import FixturePortal


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(prog="python -m fixture_portal", description=__doc__)
    parser.add_argument("--seed", type=int, default=7, help="content seed (default 7)")
    parser.add_argument("--scale", type=int, default=1, help="multiply the number of items (default 1)")
    parser.add_argument("--families", nargs="+", metavar="FAMILY",
                        help="serve only the sites of these families (default: every well-behaved site)")
    parser.add_argument("--misbehaving", nargs="*", metavar="BEHAVIOUR",
                        help="also serve misbehaving hosts: all of them, or those named "
                             "(robots, challenge, slow, flaky)")
    parser.add_argument("--slow-seconds", type=float, default=2.0,
                        help="delay of each response of the slow host (default 2)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Start the portal, print {"sites": {name: base_url}} on one line, wait for a signal."""
    args = parse_args(argv)
    stopping = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stopping.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    misbehaving: bool | list[str] = False if args.misbehaving is None else (args.misbehaving or True)
    with FixturePortal(seed=args.seed, scale=args.scale, families=args.families, misbehaving=misbehaving,
                       slow_seconds=args.slow_seconds) as portal:
        sites = {name: site.base_url for name, site in portal.sites.items()}
        sys.stdout.write(json.dumps({"sites": sites}) + "\n")
        sys.stdout.flush()
        stopping.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
