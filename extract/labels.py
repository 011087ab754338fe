"""The labels of the 信息公开 metadata block, as data, and a matcher tolerant of their spacing.

Portals write the same label many ways: ``索引号``, ``索 引 号``, ``文　　号``, with a full- or
half-width colon or none. A label is matched with any whitespace between its characters.
"""

from __future__ import annotations

import re

# Field → labels that carry it, most specific first. Order matters only for documentation;
# the matcher always prefers the longest label at a position (主题分类 before 分类).
FIELD_LABELS: dict[str, tuple[str, ...]] = {
    "index_no": ("索引号", "信息索引号", "信息索引", "索取号"),
    "topic": ("主题分类", "组配分类", "信息分类", "信息类别", "所属分类", "分类", "公开目录"),
    "issuer": ("发布机构", "发文机关", "发文机构", "发布单位", "发文单位"),
    "written_date": ("成文日期", "生成日期", "发文日期", "制发日期"),
    "publish_date": ("发布日期", "发布时间", "公开日期"),
    "doc_no": ("文号", "发文字号", "发布文号", "文件编号"),
    "validity": ("有效性", "时效", "效力状态"),
    "keywords": ("主题词", "关键词", "关键字"),
    "title": ("标题", "名称", "信息名称", "文件名称"),
}

# Labels that are also ordinary navigation words: believed only when followed by a colon.
COLON_ONLY_LABELS = frozenset({"公开目录"})

_SPACE = "[\\s\u3000\xa0]*"
_COLON = "[:：]"
LABEL_TO_FIELD = {label: field for field, labels in FIELD_LABELS.items() for label in labels}
_ALTERNATION = "|".join(
    _SPACE.join(map(re.escape, label)) for label in sorted(LABEL_TO_FIELD, key=len, reverse=True)
)
# A label (spaced or not) optionally followed by a colon.
LABEL = re.compile(rf"({_ALTERNATION}){_SPACE}({_COLON})?")
# A label that must be followed by a colon (for labels in running text).
LABEL_WITH_COLON = re.compile(rf"({_ALTERNATION}){_SPACE}{_COLON}")
# A text that is nothing but a label (with or without colon): a label cell, <dt>, <label>.
LABEL_ONLY = re.compile(rf"^{_SPACE}({_ALTERNATION}){_SPACE}{_COLON}?{_SPACE}$")
_WHITESPACE = re.compile("[\\s\u3000\xa0]+")


def field_of(label_text: str) -> str | None:
    """The field a matched label names, or None (whitespace inside the label is ignored)."""
    return LABEL_TO_FIELD.get(_WHITESPACE.sub("", label_text))


def is_label_only(text: str) -> bool:
    """True when ``text`` is a bare label such as ``索 引 号：`` (colon-only labels need the colon)."""
    match = LABEL_ONLY.match(text)
    if match is None:
        return False
    return _WHITESPACE.sub("", match[1]) not in COLON_ONLY_LABELS or bool(re.search(_COLON, text))
