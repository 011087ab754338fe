"""``audit``: every check over the archive, as rows per report, body, year, region and finding."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from archive.connection import read_snapshot

from . import reading, rollup
from .checks import check_rows
from .report import Crawls, Identity, ReportAudit, SiteInfo, assess, identify
from .rows import finding_row, report_row

VIEWS = ("summary", "reports", "bodies", "years", "findings", "checks")


@dataclass(frozen=True)
class Audit:
    """The audit's rows: ``summary`` (by region and level), ``reports``, ``bodies``, ``years``, ``findings``, ``checks``."""

    summary: list[dict[str, Any]]
    reports: list[dict[str, Any]]
    bodies: list[dict[str, Any]]
    years: list[dict[str, Any]]
    findings: list[dict[str, Any]]
    checks: list[dict[str, Any]]

    def rows(self, view: str) -> list[dict[str, Any]]:
        """The rows of one of :data:`VIEWS`."""
        if view not in VIEWS:
            raise ValueError(f"unknown audit view {view!r}; expected one of {', '.join(VIEWS)}")
        rows: list[dict[str, Any]] = getattr(self, view)
        return rows


def audit(db: Database, *, sites: Mapping[str, SiteInfo] | None = None) -> Audit:
    """Audit every report in the archive, from one read snapshot; the archive is only read.

    :param sites: what the site registry says of each site by name (level, region code); a site not
        in it is judged by its reports' own names and region codes alone.
    """
    with read_snapshot(db):
        crawls = reading.complete_crawls(db)
        reports = assess_all(db, sites or {}, crawls)
    series = rollup.by_body(reports)
    missing = {key: rollup.missing_years(of_body, crawls) for key, of_body in series.items()}
    for of_body in series.values():
        rollup.check_carry_over(of_body)
    findings = [f for r in reports for f in r.findings] + [f for found in missing.values() for f in found]
    findings.sort(key=lambda f: (f.body_key, f.report_year or 0, f.check))
    return Audit(
        summary=rollup.summary_rows(reports, missing),
        reports=[report_row(r) for r in sorted(reports, key=lambda r: (r.identity.key, r.year))],
        bodies=[rollup.body_row(of_body, missing[key]) for key, of_body in series.items()],
        years=rollup.year_rows(reports, findings),
        findings=[finding_row(f) for f in findings],
        checks=check_rows(),
    )


def assess_all(db: Database, sites: Mapping[str, SiteInfo], crawls: Crawls) -> list[ReportAudit]:
    """Group report pages by body and year, and assess each group."""
    groups: dict[tuple[str, int], list[reading.Doc]] = defaultdict(list)
    identities: dict[tuple[str, int], Identity] = {}
    names: dict[tuple[str, int], set[str]] = defaultdict(set)
    for page in reading.report_pages(db):
        identity = identify(page, sites.get(page.site, SiteInfo()))
        assert page.report_year is not None  # report_pages selects pages with a year
        group = (identity.key, page.report_year)
        identities.setdefault(group, identity)
        groups[group].append(page)
        names[group] |= {identity.reported} if identity.reported else set()
    files = reading.attachments_by_page(db)
    reports = []
    for group, pages in groups.items():
        report = assess(db, identities[group], group[1], pages, files, crawls)
        report.names = sorted(names[group])
        reports.append(report)
    return reports
