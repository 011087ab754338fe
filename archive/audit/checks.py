"""Every check the audit makes: its name, the rule, and the source a researcher can cite (docs/audit.md)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

REGULATION_2019 = "《中华人民共和国政府信息公开条例》（国务院令第711号修订，2019年5月15日施行）"
REGULATION_2007 = "《中华人民共和国政府信息公开条例》（国务院令第492号，2008年5月1日施行）"
FORMAT_2019 = "《中华人民共和国政府信息公开工作年度报告格式（试行）》（国办公开办函〔2019〕60号）"
FORMAT_2021 = "《中华人民共和国政府信息公开工作年度报告格式》（国办公开办函〔2021〕30号）"
DEADLINE_SOURCE = f"{REGULATION_2019}第四十九条; for reports up to 2018, {REGULATION_2007}第三十一条"
FORMAT_SOURCE = f"{FORMAT_2019}; from the 2021 report on, {FORMAT_2021}"
CONTENT_SOURCE = f"{REGULATION_2019}第五十条; {FORMAT_SOURCE}"
ARCHIVE_SOURCE = "the archive's own record (captures and versions)"
CONSISTENCY_SOURCE = (f"consistency of the report's own figures (表三 of {FORMAT_2019} and {FORMAT_2021}); "
                      "not a rule the formats state")


@dataclass(frozen=True)
class Check:
    """One kind of finding."""

    name: str
    rule: str
    source: str


CHECKS = {check.name: check for check in (
    Check("late", "The report's own publish date (发布日期) is after its deadline.", DEADLINE_SOURCE),
    Check("first_seen_late",
          "The report was absent from a complete crawl of its site after the deadline, and was first captured "
          "after it; its publish date (if any) claims it was in time.", DEADLINE_SOURCE),
    Check("missing_year",
          "No report of the body is archived for a year between two years it reported on, or for a year whose "
          "deadline has passed while a complete crawl of its site after that deadline found none.", DEADLINE_SOURCE),
    Check("removed", "A report page or file that was archived answered 404/410 (or a soft 404) later.", ARCHIVE_SOURCE),
    Check("edited_after_deadline",
          "A new version of the report appeared after the deadline, and the previous version was still served "
          "after the deadline: the edit was made after it.", f"{DEADLINE_SOURCE}; {ARCHIVE_SOURCE}"),
    Check("edited", "A new version of the report appeared (before the deadline, or when no deadline applies, or "
          "when the archive cannot tell whether the edit came after the deadline).", ARCHIVE_SOURCE),
    Check("redated", "A later version shows another publish date (发布日期) than the first.", ARCHIVE_SOURCE),
    Check("restated", "A figure in the tables, or a count stated in the text, differs between versions.",
          ARCHIVE_SOURCE),
    Check("missing_section", "One of the template's six sections has no heading in the report.", CONTENT_SOURCE),
    Check("missing_table", "One of the template's statistics tables (表二, 表三, 表四) is not in the report.",
          FORMAT_SOURCE),
    Check("missing_row", "A row of the template's 表二 or 表三 is not in the report's table (or 表四 has no "
          "data row).", FORMAT_SOURCE),
    Check("extra_row", "A row the template does not have in 表二 or 表三.", FORMAT_SOURCE),
    Check("missing_column", "A column heading of the template is not in the report's table.", FORMAT_SOURCE),
    Check("old_layout", "A report for 2021 or later whose tables use the 2019 layout (wholly or in part).",
          FORMAT_SOURCE),
    Check("unbalanced", "表三's identities (一+二 = 三（七）+四 per column; 三（七） = the sum of the result rows; "
          "总计 = the six applicant columns) or 表四's (each block's 总计 = its four results) do not hold.",
          FORMAT_SOURCE),
    Check("text_table_mismatch", "The text's 本年新收 or 上年结转 count differs from 表三's 总计 of that row.",
          CONSISTENCY_SOURCE),
    Check("carry_mismatch", "表三 二、上年结转 differs from 四、结转下年度继续办理 of the body's report for the year "
          "before (what one year carries forward is what the next carries over).", CONSISTENCY_SOURCE),
)}


def check_rows() -> list[dict[str, Any]]:
    """The checks as rows (name, rule, source)."""
    return [asdict(check) for check in CHECKS.values()]
