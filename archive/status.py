"""Status for monitoring: each site's latest run, how stale it is, and what failed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlite_utils import Database

from archive import row_dicts
from nianbao import clock

_LATEST_SQL = """
SELECT rs.* FROM run_sites rs
WHERE rs.run_id = (SELECT max(run_id) FROM run_sites x WHERE x.site = rs.site)
ORDER BY rs.site
"""
_LAST_OK_SQL = "SELECT site, max(last_fetch) AS last_ok FROM run_sites WHERE outcome = 'ok' GROUP BY site"


def _hours_since(stamp: str | None, now: datetime) -> float | None:
    if not stamp:
        return None
    then = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    return round((now - then).total_seconds() / 3600, 1)


def site_status(db: Database, *, now: datetime | None = None) -> list[dict[str, Any]]:
    """One row per site: its latest run's outcome and counts, and hours since its last good run."""
    now = now or clock.now()
    last_ok = {r["site"]: r["last_ok"] for r in row_dicts.iterate(db, _LAST_OK_SQL)}
    out = []
    for row in row_dicts.iterate(db, _LATEST_SQL):
        row["error_classes"] = sorted(filter(None, (row["error_classes"] or "").split(",")))
        row["last_ok"] = last_ok.get(row["site"])
        row["stale_hours"] = _hours_since(row["last_ok"], now)
        out.append(row)
    return out


def last_run(db: Database) -> dict[str, Any] | None:
    """The newest run, whatever its command."""
    return row_dicts.one(db, "SELECT * FROM runs ORDER BY id DESC LIMIT 1")
