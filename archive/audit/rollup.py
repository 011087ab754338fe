"""Checks across a body's years (carry-over, missing years), and the rows per report, body, year and region."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from itertools import pairwise
from typing import Any

from . import deadlines, figures
from .report import Crawls, Finding, ReportAudit

STATUSES = (deadlines.ON_TIME, deadlines.LATE, deadlines.FIRST_SEEN_LATE, deadlines.CLAIMED_ON_TIME_FIRST_SEEN_LATE,
            deadlines.UNVERIFIED, deadlines.UNKNOWN, deadlines.NO_DEADLINE)
TEMPLATE_CHECKS = frozenset({"missing_section", "missing_table", "missing_row", "extra_row", "missing_column",
                             "old_layout"})
# The summary's columns beyond the counts of reports by status: findings of these checks, by report.
SUMMARY_CHECKS = {"template": TEMPLATE_CHECKS, "unbalanced": {"unbalanced"},
                  "text_table_mismatch": {"text_table_mismatch"}, "carry_mismatch": {"carry_mismatch"},
                  "edited_after_deadline": {"edited_after_deadline"}, "removed": {"removed"}}


def by_body(reports: Iterable[ReportAudit]) -> dict[str, list[ReportAudit]]:
    """Reports grouped by body, oldest year first."""
    grouped: dict[str, list[ReportAudit]] = defaultdict(list)
    for report in sorted(reports, key=lambda r: (r.identity.key, r.year)):
        grouped[report.identity.key].append(report)
    return grouped


def check_carry_over(series: Sequence[ReportAudit]) -> None:
    """carry_mismatch: each report's 上年结转 against the body's report for the year before."""
    for previous, current in pairwise(series):
        if current.year != previous.year + 1:
            continue
        problems = figures.carry_over(previous.values.get("table3"), current.values.get("table3"))
        if problems:
            current.add("carry_mismatch", f"{previous.year} → {current.year}: " + "; ".join(problems), "tables")


def missing_years(series: Sequence[ReportAudit], crawls: Crawls) -> list[Finding]:
    """missing_year: gaps between reported years, and years since whose deadline a complete crawl found none."""
    years = {r.year for r in series}
    last = series[-1]
    found = [_missing(last, year, "gap", f"no report for {year}, between {min(years)} and {max(years)}")
             for year in range(min(years), max(years)) if year not in years]
    sites = {d.site for r in series for d in r.pages}
    latest = max((start for site in sites for start, _ in crawls.get(site, ())), default=None)
    year = max(years) + 1
    while latest is not None and (due := deadlines.deadline_of(last.identity.level, year).due) is not None \
            and deadlines.end_of(due) < latest:
        found.append(_missing(last, year, "complete_crawl", f"due {due}; none found by the complete crawl of {latest}"))
        year += 1
    return found


def _missing(report: ReportAudit, year: int, evidence: str, detail: str) -> Finding:
    """A missing_year finding for the body of ``report``."""
    identity = report.identity
    return Finding("missing_year", identity.key, identity.body, identity.level, year, report.primary.site,
                   None, None, detail, evidence)


def body_row(series: Sequence[ReportAudit], missing: Sequence[Finding]) -> dict[str, Any]:
    """One body: its names, level, years, missing years, statuses and findings."""
    identity = series[-1].identity
    statuses = Counter(r.timeliness.status for r in series)
    new = {str(r.year): row[figures.TOTAL] for r in series
           if (row := figures.row_of(r.values.get("table3"), figures.NEW)) is not None}
    return {
        "body_key": identity.key, "body": identity.body, "level": identity.level, "level_rule": identity.level_rule,
        "region": identity.region, "names": sorted({n for r in series for n in r.names}),
        "sites": sorted({d.site for r in series for d in r.pages}),
        "first_year": series[0].year, "last_year": series[-1].year, "years": [r.year for r in series],
        "missing_years": [f.report_year for f in missing], "reports": len(series),
        **{status: statuses[status] for status in STATUSES},
        "findings": sum(len(r.findings) for r in series) + len(missing), "new_applications": new,
        "renames": sorted({f"{x.old} → {x.new} ({x.kind}, {x.reform}): {x.source}" for r in series
                           for x in r.identity.renames}),
    }


def year_rows(reports: Sequence[ReportAudit], findings: Sequence[Finding]) -> list[dict[str, Any]]:
    """One row per report year: reports by deadline status, findings by check."""
    years = sorted({r.year for r in reports} | {f.report_year for f in findings if f.report_year})
    rows = []
    for year in years:
        of_year = [r for r in reports if r.year == year]
        statuses = Counter(r.timeliness.status for r in of_year)
        checks = Counter(f.check for f in findings if f.report_year == year)
        rows.append({"report_year": year, "reports": len(of_year),
                     "bodies": len({r.identity.key for r in of_year}),
                     **{status: statuses[status] for status in STATUSES}, "findings": dict(sorted(checks.items()))})
    return rows


def summary_rows(reports: Sequence[ReportAudit], missing: Mapping[str, Sequence[Finding]]) -> list[dict[str, Any]]:
    """One row per region and body level: bodies, reports by status, missing years, reports with each problem."""
    groups: dict[tuple[str, str], list[ReportAudit]] = defaultdict(list)
    for report in reports:
        groups[(report.identity.region or "unknown", report.identity.level)].append(report)
    rows = []
    for (region, level), of_group in sorted(groups.items()):
        statuses = Counter(r.timeliness.status for r in of_group)
        keys = {r.identity.key for r in of_group}
        rows.append({
            "region": region, "level": level, "bodies": len(keys), "reports": len(of_group),
            **{status: statuses[status] for status in STATUSES},
            "missing_years": sum(len(missing.get(key, ())) for key in keys),
            **{name: sum(1 for r in of_group if any(f.check in checks for f in r.findings))
               for name, checks in SUMMARY_CHECKS.items()},
        })
    return rows
