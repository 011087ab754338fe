"""Chinese and numeric date strings → ISO ``YYYY-MM-DD``."""

from __future__ import annotations

import re
from datetime import date

# Digits may be separated by -, /, . or 年/月(/日); the lookarounds keep index numbers such as
# ``000014349/2024-00012`` or serials such as ``2026-02-00018`` from reading as dates.
_NUMERIC = re.compile(
    r"(?<![\d/])((?:19|20)\d{2})\s*(?:[-/.]|年)\s*(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})(?!\d)(?!\s*[-/]\s*\d)"
)
_CN_DIGITS = {"〇": 0, "○": 0, "零": 0, "Ｏ": 0, "O": 0, "一": 1, "二": 2, "三": 3, "四": 4,
              "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN = "〇○零ＯO一二三四五六七八九十"
_CHINESE = re.compile(rf"([{_CN}]{{4}})\s*年\s*([{_CN}]{{1,3}})\s*月\s*([{_CN}]{{1,3}})\s*日")


def parse_date(value: str | None) -> str | None:
    """First calendar date in ``value`` as ``YYYY-MM-DD``, or None if there is no valid one."""
    if not value:
        return None
    for match in _NUMERIC.finditer(value):
        iso = _iso(int(match[1]), int(match[2]), int(match[3]))
        if iso:
            return iso
    for match in _CHINESE.finditer(value):
        year = _cn_year(match[1])
        iso = _iso(year, _cn_number(match[2]), _cn_number(match[3])) if year else None
        if iso:
            return iso
    return None


def _iso(year: int, month: int, day: int) -> str | None:
    """The ISO form of a valid calendar date, else None."""
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def _cn_year(digits: str) -> int | None:
    """二〇一八 → 2018 (year digits are read one by one)."""
    if "十" in digits:
        return None
    return int("".join(str(_CN_DIGITS[ch]) for ch in digits))


def _cn_number(text: str) -> int:
    """Chinese numerals up to 31: 三 → 3, 十二 → 12, 二十 → 20, 三十一 → 31."""
    if "十" not in text:
        return int("".join(str(_CN_DIGITS[ch]) for ch in text))
    tens, _, units = text.partition("十")
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[units] if units else 0)
