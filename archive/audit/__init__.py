"""The 年报 audit: deadlines, template conformance and figures that do not add up (docs/audit.md).

``audit(db)`` reads the archive (never writes it) and returns rows per report, body, year, region
and finding; ``archive.audit.sql`` offers the same rows to SQL (``nianbao serve``'s canned queries).
"""

from archive.audit.checks import CHECKS, Check
from archive.audit.report import SiteInfo
from archive.audit.run import VIEWS, Audit, audit

__all__ = ["CHECKS", "VIEWS", "Audit", "Check", "SiteInfo", "audit"]
