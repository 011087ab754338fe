"""The time nianbao believes it is: the system clock, or a simulated one set with ``NIANBAO_CLOCK``.

``NIANBAO_CLOCK`` holds an ISO 8601 moment with a time zone (``2026-11-24T02:00:00+08:00``). A
process started with it believes it started at that moment, and its clock runs on from there at
the real rate, so captures keep their order. Benchmarks and tests use it to simulate nights; the
fixture portal reads the same variable for its own calendar. Unset, it is the system clock.
"""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime, timedelta

from nianbao.errors import ConfigError

CLOCK_VARIABLE = "NIANBAO_CLOCK"
_STARTED = time.monotonic()


def now() -> datetime:
    """The current moment (aware, UTC), simulated when ``NIANBAO_CLOCK`` is set."""
    start = simulated_start()
    if start is None:
        return datetime.now(UTC)
    return start + timedelta(seconds=time.monotonic() - _STARTED)


def simulated_start() -> datetime | None:
    """The moment ``NIANBAO_CLOCK`` names, or None when the system clock is in use."""
    value = os.environ.get(CLOCK_VARIABLE)
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise ConfigError(f"{CLOCK_VARIABLE}={value!r} is not an ISO 8601 moment") from exc
    if moment.tzinfo is None:
        raise ConfigError(f"{CLOCK_VARIABLE}={value!r} has no time zone (write e.g. 2026-11-24T02:00:00+08:00)")
    return moment.astimezone(UTC)


def stamp(moment: datetime | None = None) -> str:
    """``moment`` (default: now) as the archive stores times: ISO 8601 UTC, whole seconds, a ``Z``."""
    return (moment or now()).astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
