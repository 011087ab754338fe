"""Crawl runs: one row per command invocation, with counts taken from its captures."""

from __future__ import annotations

import json
from typing import Any

from sqlite_utils import Database

from archive import row_dicts, times
from nianbao.errors import LOSS_CLASSES, ArchiveError

# ok: complete, nothing lost; partial: some sites failed, or something was lost or cut short
# (captures the archive refused, a size or page cap); failed: nothing reached, or the crawl broke;
# interrupted: stopped by a signal or killed.
FINAL_STATUSES = ("ok", "partial", "failed", "interrupted")

# runs column -> the capture outcomes it counts
_COUNTED_OUTCOMES = {
    "new": ("new",),
    "changed": ("changed",),
    "unchanged": ("unchanged",),
    "not_modified": ("not_modified",),
    "removed": ("removed",),
    "errors": ("error",),
}


def start(db: Database, command: str, sites: list[str]) -> int:
    """Insert a run in status "running"; return its id."""
    cursor = db.execute(
        "INSERT INTO runs(command, sites, started_at, status) VALUES (?, ?, ?, 'running')",
        [command, json.dumps(list(sites), ensure_ascii=False), times.now()],
    )
    return row_dicts.inserted_id(cursor)


def finish(db: Database, run_id: int, status: str, error: str | None) -> dict[str, Any]:
    """Close a running run with ``status`` and its capture counts; return the row."""
    if status not in FINAL_STATUSES:
        raise ArchiveError(f"run status must be one of {FINAL_STATUSES}, not {status!r}")
    run = row_dicts.one(db, "SELECT status FROM runs WHERE id = ?", [run_id])
    if run is None:
        raise ArchiveError(f"no run {run_id}")
    if run["status"] != "running":
        raise ArchiveError(f"run {run_id} already finished ({run['status']})")
    _close(db, run_id, status, error)
    return get(db, run_id)


def _close(db: Database, run_id: int, status: str, error: str | None) -> None:
    counts = count_outcomes(db, run_id)
    assignments = ", ".join(f"{column} = ?" for column in counts)
    db.execute(
        f"UPDATE runs SET status = ?, error = ?, finished_at = ?, {assignments} WHERE id = ?",
        [status, error, times.now(), *counts.values(), run_id],
    )


def count_outcomes(db: Database, run_id: int) -> dict[str, int]:
    """fetched (all captures) and per-outcome counts of a run."""
    by_outcome = dict(db.execute(
        "SELECT outcome, count(*) FROM captures WHERE run_id = ? GROUP BY outcome", [run_id]
    ).fetchall())
    counts = {"fetched": sum(by_outcome.values())}
    for column, outcomes in _COUNTED_OUTCOMES.items():
        counts[column] = sum(by_outcome.get(outcome, 0) for outcome in outcomes)
    return counts


def losses(db: Database, run_id: int) -> dict[str, dict[str, Any]]:
    """The run's captures in ``LOSS_CLASSES`` (what the crawl lost or cut short), by class: how many,
    and the message of the first (what bit)."""
    marks = ", ".join("?" for _ in LOSS_CLASSES)
    rows = db.execute(f"SELECT error_class, count(*), min(id) FROM captures WHERE run_id = ? AND outcome = 'error' "
                      f"AND error_class IN ({marks}) GROUP BY error_class", [run_id, *LOSS_CLASSES]).fetchall()
    return {error_class: {"count": count, "first": _message(db, first)} for error_class, count, first in rows}


def _message(db: Database, capture_id: int) -> str | None:
    row = db.execute("SELECT error_message FROM captures WHERE id = ?", [capture_id]).fetchone()
    return row[0] if row else None


def get(db: Database, run_id: int) -> dict[str, Any]:
    """One run row, with ``sites`` decoded."""
    run = row_dicts.one(db, "SELECT * FROM runs WHERE id = ?", [run_id])
    if run is None:
        raise ArchiveError(f"no run {run_id}")
    run["sites"] = json.loads(run["sites"])
    return run


def last_success(db: Database, command: str) -> str | None:
    """finished_at of the newest run of ``command`` that ended "ok" or "partial" (it ran to its end), or None."""
    row = row_dicts.one(db, "SELECT max(finished_at) AS finished FROM runs WHERE command = ? "
                            "AND status IN ('ok', 'partial')", [command])
    return row["finished"] if row else None


def sites_of(db: Database, run_id: int) -> list[dict[str, Any]]:
    """The ``run_sites`` rows of one run, by site."""
    return row_dicts.all_rows(db, "SELECT * FROM run_sites WHERE run_id = ? ORDER BY site", [run_id])


def close_stale(db: Database, keep: int | None = None) -> list[int]:
    """Runs left "running" by a process that died (but ``keep``): mark them interrupted with their counts."""
    stale = [row[0] for row in db.execute("SELECT id FROM runs WHERE status = 'running'") if row[0] != keep]
    for run_id in stale:
        _close(db, run_id, "interrupted", "the crawl process ended without closing its run")
    return stale


def errors_of(db: Database, run_id: int) -> list[dict[str, Any]]:
    """The failed captures of one run: url, site, error_class, error_message, in recording order."""
    return row_dicts.all_rows(db, "SELECT url, site, error_class, error_message FROM captures "
                                  "WHERE run_id = ? AND outcome = 'error' ORDER BY id", [run_id])
