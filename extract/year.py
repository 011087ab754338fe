"""The year a report is about (not the year it was published), with the rule that decided it."""

from __future__ import annotations

import re

_YEAR = r"((?:19|20)\d{2})"
# (rule name, where to look, pattern whose group 1 is the year), tried in order.
YEAR_RULES: tuple[tuple[str, str, str], ...] = (
    ("title", "title", _YEAR + r"\s*年度"),
    ("title", "title", _YEAR + r"\s*年"),
    # 统计期限自2017年1月1日起 / 数据统计期限为… / 统计数据时限从…
    ("body:统计期限", "text",
     r"(?:统计|数据)[^。；\n]{0,20}?(?:期限|时限|期间|时间|区间|范围)[^。；\n\d]{0,12}?"
     + _YEAR + r"\s*年\s*(?:1|01|一)\s*月\s*(?:1|01|一)\s*日"),
    ("body:年度报告", "text", _YEAR + r"\s*年度?(?:政府|政务)?信息(?:与政务)?公开(?:工作)?(?:年度)?报告"),
)
# Titles that name an annual report, for the publish-year fallback.
REPORT_TITLE = re.compile(r"年报|年度报告|工作报告|情况报告")
# A page about a 年报 names one in its title or its opening lines; other pages have no report year.
NAMES_A_REPORT = re.compile(r"年报|年度报告|年度[^，。,\n]{0,16}报告|信息公开[^，。,\n]{0,12}(?:报告|统计)")
OPENING_CHARS = 300
# Only this much of the body is searched: the period sentence opens the report.
BODY_SCAN_CHARS = 3000
_COMPILED = [(name, where, re.compile(pattern)) for name, where, pattern in YEAR_RULES]


def report_year(title: str | None, text: str | None,
                publish_date: str | None) -> tuple[int | None, str | None]:
    """``(year, rule)``: title, then the body's statistics period, then publish year − 1."""
    publish_year = int(publish_date[:4]) if publish_date else None
    sources = {"title": title or "", "text": (text or "")[:BODY_SCAN_CHARS]}
    for name, where, pattern in _COMPILED:
        for match in pattern.finditer(sources[where]):
            year = int(match[1])
            if publish_year is None or year <= publish_year:
                return year, name
    if publish_year and title and REPORT_TITLE.search(title):
        # Reports are published in the first months after the year they cover.
        return publish_year - 1, "publish_year-1"
    return None, None


def names_a_report(title: str | None, text: str | None) -> bool:
    """Whether a page is about an annual report: its title, or the opening of its text, names one."""
    return bool(NAMES_A_REPORT.search(title or "") or NAMES_A_REPORT.search((text or "")[:OPENING_CHARS]))
