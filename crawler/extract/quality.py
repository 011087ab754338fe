"""Page-level judgements: soft-404 error pages, and text damaged before it reached us."""

from __future__ import annotations

import re

# An HTTP-200 error page is short; real report pages are far longer than this.
SOFT_404_MAX_CHARS = 2000
SOFT_404_PHRASES = ("页面不存在", "访问的页面不存在", "找不到", "无法找到", "错误页面", "页面未找到",
                    "页面已删除", "Not Found", "not found")
# "404" standing alone, not inside a phone number or an id.
SOFT_404_CODE = re.compile(r"(?<![\w\-./])404(?![\w\-./])")

# (pattern, occurrences needed): damage that happened upstream (portals.md, seeds 001).
DAMAGE_PATTERNS: tuple[tuple[str, int], ...] = (
    ("\ufffd", 1),  # a replacement character in text that we decoded strictly
    # pinyin glosses after traditional characters, as in 區(qū) 關(guān)
    ("[\u4e00-\u9fff]\\((?=[a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ])[a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,7}\\)", 2),
    ("\\?。\\?\\)", 1),  # ?。?) where （1） was
)
_DAMAGE = [(re.compile(pattern), count) for pattern, count in DAMAGE_PATTERNS]


def is_soft_404(page_text: str, title: str | None) -> bool:
    """True for a short page that says it is an error page."""
    if len(page_text) >= SOFT_404_MAX_CHARS:
        return False
    haystack = f"{title or ''}\n{page_text}"
    return any(p in haystack for p in SOFT_404_PHRASES) or SOFT_404_CODE.search(haystack) is not None


def is_damaged(text: str) -> bool:
    """True when the text shows damage done before it was served to us."""
    return any(len(pattern.findall(text)) >= count for pattern, count in _DAMAGE)
