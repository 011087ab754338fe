"""One report (a body's 年报 for one year: its pages and their files) and what the checks find in it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlite_utils import Database

from . import bodies, deadlines, figures, template
from .checks import CHECKS
from .deadlines import Deadline, Timeliness
from .edits import version_observations
from .reading import Doc, contents, history
from .template import Conformance

Crawls = Mapping[str, Sequence[tuple[str, str]]]
LATE_STATUSES = {deadlines.LATE: "late", deadlines.FIRST_SEEN_LATE: "first_seen_late",
                 deadlines.CLAIMED_ON_TIME_FIRST_SEEN_LATE: "first_seen_late"}


@dataclass(frozen=True)
class SiteInfo:
    """What the site registry says of a site (crawler/sites.toml): its level and region code."""

    level: str | None = None
    region: str | None = None


@dataclass(frozen=True)
class Identity:
    """Who a report is by, as resolved from its title, 发布机构 and site."""

    key: str
    body: str | None
    reported: str | None
    name_source: str | None
    level: str
    level_rule: str
    region: str | None
    renames: tuple[bodies.Rename, ...] = ()


@dataclass
class Finding:
    """One thing a check found, with where and on what evidence."""

    check: str
    body_key: str
    body: str | None
    level: str
    report_year: int | None
    site: str | None
    document_id: int | None
    url: str | None
    detail: str
    evidence: str

    @property
    def source(self) -> str:
        return CHECKS[self.check].source


@dataclass
class ReportAudit:
    """A body's report for one year: its documents, deadline, template conformance and findings."""

    identity: Identity
    year: int
    pages: list[Doc]
    files: list[Doc]
    deadline: Deadline
    first_seen: str
    timeliness: Timeliness
    absent_on: str | None
    conformance: Conformance
    values: dict[str, Any] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    names: list[str] = field(default_factory=list)

    @property
    def primary(self) -> Doc:
        return self.pages[0]

    def add(self, check: str, detail: str, evidence: str, doc: Doc | None = None) -> None:
        """Record a finding about this report (or one of its documents)."""
        doc = doc or self.primary
        self.findings.append(Finding(check, self.identity.key, self.identity.body, self.identity.level, self.year,
                                     doc.site, doc.id, doc.url, detail, evidence))


def identify(page: Doc, site: SiteInfo) -> Identity:
    """The body behind a report page: name from title or issuer, normalised and renamed, level, key."""
    reported, source = bodies.reported_name(page.title, page.issuer)
    body, renames = bodies.current_name(bodies.normalise(reported)) if reported else (None, ())
    level, level_rule = bodies.level_of(body, site.level)
    region = page.region or site.region
    key = bodies.body_key(body, level, region, page.site)
    return Identity(key, body, reported, source, level, level_rule, region, renames)


def assess(db: Database, identity: Identity, year: int, pages: list[Doc], files_of: Mapping[int, list[Doc]],
           crawls: Crawls) -> ReportAudit:
    """Every per-report check on one report (its pages: the primary is the first live one first seen)."""
    pages = sorted(pages, key=lambda d: (d.status != "live", d.first_seen, d.id))
    files = files_of.get(pages[0].id, [])
    deadline = deadlines.deadline_of(identity.level, year)
    first_seen = min(p.first_seen for p in pages)
    absent = absent_on(crawls, {p.site for p in pages}, deadline, first_seen)
    timely = deadlines.timeliness(deadline.due, pages[0].first_publish_date, first_seen, absent)
    held = contents(db, [pages[0], *files])
    report = ReportAudit(identity, year, pages, files, deadline, first_seen, timely, absent,
                         template.conformance(year, held))
    report.values = figures.values_by_kind([t for c in held for t in c.tables])
    check_timeliness(report)
    check_template(report)
    check_figures(report, held)
    check_history(db, report)
    return report


def absent_on(crawls: Crawls, sites: set[str], deadline: Deadline, first_seen: str) -> str | None:
    """The start of the latest complete crawl of these sites after the deadline that did not find the report."""
    if deadline.due is None:
        return None
    after = deadlines.end_of(deadline.due)
    starts = [start for site in sites for start, end in crawls.get(site, ()) if start > after and end < first_seen]
    return max(starts, default=None)


def check_timeliness(report: ReportAudit) -> None:
    """late / first_seen_late."""
    timely = report.timeliness
    check = LATE_STATUSES.get(timely.status)
    if check is None:
        return
    parts = [f"due {report.deadline.due} ({report.deadline.rule})",
             f"publish date {report.primary.first_publish_date or 'none'}", f"first captured {report.first_seen}"]
    if report.absent_on:
        parts.append(f"absent from the crawl of {report.absent_on}")
    parts.append(f"at least {timely.days_late} days late")
    report.add(check, "; ".join(parts), timely.evidence)


def check_template(report: ReportAudit) -> None:
    """missing_section, missing_table, missing_row, extra_row, missing_column, old_layout."""
    conf = report.conformance
    for check, items in (("missing_section", conf.sections_missing), ("missing_table", conf.tables_missing),
                         ("missing_row", conf.rows_missing), ("extra_row", conf.rows_extra),
                         ("missing_column", conf.columns_missing)):
        for item in items:
            report.add(check, item, "text" if check == "missing_section" else "tables")
    if conf.format_expected == template.FORMAT_2021 and conf.layout in (template.FORMAT_2019, "mixed"):
        report.add("old_layout", f"tables in the {conf.layout} layout in a report for {report.year}", "tables")


def check_figures(report: ReportAudit, held: Sequence[template.Content]) -> None:
    """unbalanced (the stored table checks) and text_table_mismatch."""
    for kind, table in template.template_tables(held).items():
        failures = (table.get("checks") or {}).get("failures") or []
        if failures:
            report.add("unbalanced", f"{template.TABLE_NAMES[kind]}: " + "; ".join(failures), "tables")
    table3 = report.values.get("table3")
    for problem in figures.text_against_table("\n".join(c.text for c in held), table3):
        report.add("text_table_mismatch", problem, "text+tables")


def check_history(db: Database, report: ReportAudit) -> None:
    """edited_after_deadline / edited / redated / restated, and removed, for every document of the report."""
    for doc in [*report.pages, *report.files]:
        if doc.versions > 1:
            for seen in version_observations(history(db, doc.id), report.deadline.due):
                report.add(seen.check, seen.detail, seen.evidence, doc)
        if doc.status == "removed":
            after = report.deadline.due and doc.removed_at and doc.removed_at > deadlines.end_of(report.deadline.due)
            report.add("removed", f"{doc.kind} removed {doc.removed_at}" + (" (after the deadline)" if after else ""),
                       "captures", doc)
