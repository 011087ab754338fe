"""Status for monitoring: each site's latest run, how stale it is, and what failed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlite_utils import Database

from archive import row_dicts
from nianbao import clock

# Each site's newest run found from the captures' own index, then the run_sites view read once and
# joined to it. (A subquery over run_sites for every row rebuilt the whole view per row: 63 s of CPU
# on 200 sites and 39,095 captures, against 0.09 s this way; bench/hostile/README.md.)
_LATEST_SQL = """
SELECT rs.* FROM run_sites rs
JOIN (SELECT site, max(run_id) AS run_id FROM captures WHERE run_id IS NOT NULL GROUP BY site) latest
  ON latest.site = rs.site AND latest.run_id = rs.run_id
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
