"""Timestamps as the archive stores them: ISO 8601 UTC with a Z, so text order is time order."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from nianbao import clock
from nianbao.errors import ArchiveError

_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _format(moment: datetime) -> str:
    """``moment`` as stored: UTC, whole seconds, Z suffix."""
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def normalize(value: str) -> str:
    """A capture's timestamp in the stored form; naive or malformed timestamps are refused."""
    try:
        moment = datetime.fromisoformat(value)
    except (TypeError, ValueError) as exc:
        raise ArchiveError(f"not an ISO 8601 timestamp: {value!r}") from exc
    if moment.tzinfo is None:
        raise ArchiveError(f"timestamp without a time zone: {value!r}")
    return _format(moment)


def as_of_bound(value: str) -> str:
    """The inclusive upper bound for ``as_of``: a date means the end of that UTC day; naive is UTC."""
    try:
        moment = datetime.fromisoformat(value)
    except (TypeError, ValueError) as exc:
        raise ArchiveError(f"as_of is not an ISO 8601 date or time: {value!r}") from exc
    if _DATE_ONLY.match(value):
        moment = moment + timedelta(days=1, seconds=-1)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return _format(moment)


def now() -> str:
    """The current time (``nianbao.clock``: simulated under ``NIANBAO_CLOCK``) in the stored form."""
    return clock.stamp()
