"""Text damaged before it reached us (upstream mojibake, pinyin glosses)."""

from __future__ import annotations

import re

# (pattern, occurrences needed): damage that happened upstream (portals.md, seeds 001).
DAMAGE_PATTERNS: tuple[tuple[str, int], ...] = (
    ("\ufffd", 1),  # a replacement character in text that we decoded strictly
    # pinyin glosses after traditional characters, as in 區(qū) 關(guān)
    ("[\u4e00-\u9fff]\\((?=[a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ])[a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,7}\\)", 2),
    ("\\?。\\?\\)", 1),  # ?。?) where （1） was
)
_DAMAGE = [(re.compile(pattern), count) for pattern, count in DAMAGE_PATTERNS]


def is_damaged(text: str) -> bool:
    """True when the text shows damage done before it was served to us."""
    return any(len(pattern.findall(text)) >= count for pattern, count in _DAMAGE)
