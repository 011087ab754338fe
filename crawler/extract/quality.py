"""Page-level judgements: soft-404 error pages, and text damaged before it reached us."""

from __future__ import annotations

import re

# An HTTP-200 error page is short; real report pages are far longer than this.
SOFT_404_MAX_CHARS = 2000
# Phrases that only error pages use.
SOFT_404_PHRASES = ("页面不存在", "访问的页面不存在", "错误页面", "页面未找到", "页面已删除", "Not Found",
                    "not found")
# Words ordinary pages use too (找不到您要的信息？请搜索): believed in the title, or in a very short page.
SOFT_404_WEAK = ("找不到", "无法找到")
SOFT_404_WEAK_MAX_CHARS = 600
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
    title = title or ""
    if any(p in page_text or p in title for p in SOFT_404_PHRASES):
        return True
    weak_place = f"{title}\n{page_text}" if len(page_text) < SOFT_404_WEAK_MAX_CHARS else title
    return any(w in weak_place for w in SOFT_404_WEAK) or SOFT_404_CODE.search(weak_place) is not None


def is_damaged(text: str) -> bool:
    """True when the text shows damage done before it was served to us."""
    return any(len(pattern.findall(text)) >= count for pattern, count in _DAMAGE)
