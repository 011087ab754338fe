"""The audit's rows as output: one dict per report and per finding, and CSV cells for any row."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from .report import Finding, ReportAudit

LIST_SEPARATOR = "; "


def report_row(report: ReportAudit) -> dict[str, Any]:
    """One report: who, when due, when seen, its deadline status, template conformance and findings."""
    identity, primary, conf, timely = report.identity, report.primary, report.conformance, report.timeliness
    return {
        "body_key": identity.key, "body": identity.body, "level": identity.level, "report_year": report.year,
        "site": primary.site, "region": identity.region, "document_id": primary.id, "url": primary.url,
        "title": primary.title, "issuer": primary.issuer, "documents": len(report.pages) + len(report.files),
        "status": primary.status, "deadline": report.deadline.due.isoformat() if report.deadline.due else None,
        "deadline_rule": report.deadline.rule, "publish_date": primary.first_publish_date,
        "first_seen": report.first_seen, "absent_on": report.absent_on, "deadline_status": timely.status,
        "evidence": timely.evidence, "days_late": timely.days_late,
        "format": conf.format_expected, "checked": conf.checked, "layout": conf.layout,
        "sections_found": conf.sections_found, "sections_missing": conf.sections_missing,
        "tables_found": conf.tables_found, "tables_missing": conf.tables_missing, "tables_extra": conf.tables_extra,
        "rows_missing": conf.rows_missing, "rows_extra": conf.rows_extra, "columns_missing": conf.columns_missing,
        "versions": max(d.versions for d in [*report.pages, *report.files]),
        "findings": sorted({f.check for f in report.findings}),
    }


def finding_row(finding: Finding) -> dict[str, Any]:
    """One finding, with the source of its rule."""
    return {**asdict(finding), "source": finding.source}


def csv_cell(value: Any) -> Any:
    """A value as one CSV cell: lists joined, mappings as JSON, None empty."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return LIST_SEPARATOR.join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return value
