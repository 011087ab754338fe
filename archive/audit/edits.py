"""What a report's version history shows: edits (after the deadline or not), new dates, restated figures.

An edit happened between the last capture that showed the old version and the first that showed the
new one. It was certainly made after the deadline when the old version was still served after it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from itertools import pairwise

from . import figures
from .deadlines import end_of
from .reading import Version

AFTER = "yes"          # the old version was still served after the deadline
POSSIBLY = "possibly"  # first seen after the deadline, but the old version was last seen before it
BEFORE = "no"          # first seen by the deadline
NO_DEADLINE = "no deadline"


@dataclass(frozen=True)
class Observation:
    """One thing a version history shows: a check name, what it found, and the evidence."""

    check: str
    detail: str
    evidence: str


def after_deadline(due: date | None, previous: Version, current: Version) -> str:
    """Whether the change from ``previous`` to ``current`` was made after the deadline."""
    if due is None:
        return NO_DEADLINE
    deadline = end_of(due)
    if previous.last_shown is not None and previous.last_shown > deadline:
        return AFTER
    return POSSIBLY if current.created_at > deadline else BEFORE


def version_observations(versions: Sequence[Version], due: date | None) -> list[Observation]:
    """Edits, new publish dates and restated figures, one pair of consecutive versions at a time."""
    found: list[Observation] = []
    for previous, current in pairwise(versions):
        found += pair_observations(previous, current, due)
    return found


def pair_observations(previous: Version, current: Version, due: date | None) -> list[Observation]:
    """What changed from one version to the next."""
    when = after_deadline(due, previous, current)
    window = (f"between {previous.last_shown or previous.created_at} (version {previous.number} last seen) "
              f"and {current.created_at} (version {current.number} first seen)")
    found = [Observation("edited_after_deadline" if when == AFTER else "edited",
                         f"version {current.number}, made {window}; after the deadline: {when}", "versions")]
    if previous.publish_date != current.publish_date:
        found.append(Observation("redated", f"publish date {previous.publish_date} → {current.publish_date} "
                                 f"in version {current.number}", "versions"))
    changes = figures.restated(figures.values_by_kind(previous.tables), figures.values_by_kind(current.tables))
    changes += figures.restated_text(previous.text, current.text)
    if changes:
        found.append(Observation("restated", f"version {current.number}: " + "; ".join(changes), "versions"))
    return found
