"""Coverage: per site, which report years the archive holds, which are missing, what failed."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlite_utils import Database

from archive import row_dicts

_YEARS_SQL = """
SELECT site, issuer, report_year FROM current_reports
WHERE report_year IS NOT NULL AND kind = 'page'
"""
# Failures of each site's latest run: what blocked the crawl last time, by class.
_FAILURES_SQL = """
SELECT c.site, c.error_class, count(*) AS n, min(c.url) AS example
FROM captures c
WHERE c.outcome = 'error'
  AND c.run_id = (SELECT max(c2.run_id) FROM captures c2 WHERE c2.site = c.site)
GROUP BY c.site, c.error_class
ORDER BY c.site, n DESC
"""


def missing_years(years: set[int]) -> list[int]:
    """Years between the first and last seen that have no report."""
    return [y for y in range(min(years), max(years) + 1) if y not in years] if years else []


def coverage(db: Database, *, by_issuer: bool = False) -> list[dict[str, Any]]:
    """One row per site (or per site and issuer): years found, missing years, failures of its last run."""
    years: dict[tuple[str, str | None], set[int]] = defaultdict(set)
    for row in row_dicts.iterate(db, _YEARS_SQL):
        years[(row["site"], row["issuer"] if by_issuer else None)].add(int(row["report_year"]))
    failures: dict[str, dict[str, int]] = defaultdict(dict)
    for row in row_dicts.iterate(db, _FAILURES_SQL):
        failures[row["site"]][row["error_class"]] = row["n"]
    sites = {site for site, _ in years} | set(failures) | {r["name"] for r in row_dicts.iterate(db, "SELECT name FROM sites")}
    out = []
    for site in sorted(sites):
        keys = sorted((k for k in years if k[0] == site), key=lambda k: k[1] or "") or [(site, None)]
        for key in keys:
            found = sorted(years.get(key, set()))
            out.append({"site": site, **({"issuer": key[1]} if by_issuer else {}),
                        "first_year": found[0] if found else None, "last_year": found[-1] if found else None,
                        "years": found, "missing_years": missing_years(set(found)),
                        "failures": failures.get(site, {})})
    return out
