"""The grammar of 信息公开 metadata labels, as data, and the matchers built from it.

Portals write one label many ways (docs/layouts.md lists the layouts this grammar was drawn from):

- spaced: ``索 引 号``, ``索　引　号``, ``文      号``, ``文&nbsp;&nbsp;号`` — any whitespace (ASCII,
  U+3000, NBSP, U+2002 …) between the characters;
- bracketed: ``[ 索引号 ]``, ``【发布机构】``; or a whole pair in brackets, ``【时间：…】``;
- with a full- or half-width colon, or none (a label cell, ``<th>``, ``<dt>``, a bracketed label);
- under a synonym: 发文字号 for 文号, 发文机关 / 信息来源 / 来源 … for 发布机构, 发布时间 / 时间 for 发布日期.

``FIELD_LABELS`` lists each field's labels in precedence order: when a page shows several, the
first listed wins (docs/extraction.md, "Metadata labels"). ``OTHER_LABELS`` name nothing we keep
but still end a value and count towards a metadata block. ``WEAK_LABELS`` are ordinary words too
(来源, 时间, 名称 …): believed only with a colon or as the whole text of a label cell, and never
inside a known body container.
"""

from __future__ import annotations

import re

FIELD_LABELS: dict[str, tuple[str, ...]] = {
    "index_no": ("索引号", "信息索引号", "信息索引", "索取号"),
    "issuer": ("发布机构", "发文机关", "发文机构", "发文单位", "制发机关", "发布单位", "报送单位", "投稿部门",
               "信息来源", "来源", "文章来源", "出处"),
    "written_date": ("成文日期", "印发日期", "制发日期", "发文日期", "生成日期"),
    "publish_date": ("发布日期", "发布时间", "公开日期", "公开时间", "日期", "时间", "更新时间"),
    "doc_no": ("发文字号", "文号", "发布文号", "文件编号"),
    "topic": ("主题分类", "主题导航", "分类", "信息类别", "信息分类", "所属分类", "公开目录"),
    "validity": ("有效性", "效力状况", "效力状态", "时效性", "时效"),
    "keywords": ("主题词", "关键词", "关键字"),
    "title": ("标题", "名称", "信息名称", "文件名称"),
}
# Labels of what we do not keep. 组配分类 is a catalogue class, not 主题分类; 公开时限 and 公开方式
# are not 有效性; 统一编号 is a registration number, not 文号; 所属机构 is an inner bureau.
OTHER_LABELS = ("组配分类", "体裁分类", "公文种类", "服务对象分类", "服务对象", "公开方式", "公开时限", "公开范围",
                "公开形式", "所属机构", "所属栏目", "统一编号", "登记号", "内容概述", "内容摘要", "文件下载",
                "附件下载", "作者", "编辑", "责任编辑", "责编", "审核", "校对", "摄影", "供稿", "发布人", "浏览次数",
                "阅读次数", "点击次数", "访问次数", "点击数", "点击量", "浏览量", "访问量", "点击", "浏览", "阅读",
                "分享", "字号", "字体")
# Ordinary words that are labels only with a colon or alone in a label cell.
WEAK_LABELS = frozenset({"来源", "信息来源", "文章来源", "出处", "日期", "时间", "更新时间", "分类", "名称",
                         "标题", "作者", "编辑", "审核", "校对", "摄影", "供稿", "点击", "浏览", "阅读", "分享",
                         "字号", "字体"})
# Navigation words as well: believed only with a colon, even alone in a cell.
COLON_ONLY_LABELS = frozenset({"公开目录"})
# A label whose value carries a time of day fills this field instead of its own: 发文日期 beside a
# clock time is the moment of publication, not the date the document was written.
TIMED_VALUE_FIELD = {"发文日期": "publish_date"}
# Values that name no one: "this site's own", "anonymous".
PLACEHOLDERS = frozenset({"本站原创", "本站", "本网", "原创", "佚名", "未知", "暂无", "无", "其他"})

_GAP = "[\\s\u200b]*"
_OPEN = "[\\[【［〔]"
_CLOSE = "[\\]】］〕]"
_COLON = "[:：︰]"
LABEL_TO_FIELD: dict[str, str | None] = {
    **dict.fromkeys(OTHER_LABELS),
    **{label: field for field, labels in FIELD_LABELS.items() for label in labels},
}
RANK = {label: rank for labels in FIELD_LABELS.values() for rank, label in enumerate(labels)}
_ALTERNATION = "|".join(
    _GAP.join(map(re.escape, label)) for label in sorted(LABEL_TO_FIELD, key=len, reverse=True)
)
# A label, bracketed or not, with its colon if any.
LABEL = re.compile(
    rf"(?P<open>{_OPEN}{_GAP})?(?P<label>{_ALTERNATION})(?:{_GAP}(?P<close>{_CLOSE}))?{_GAP}(?P<colon>{_COLON})?"
)
# A label inside running text: after the start or a separator, and closed by a colon or a bracket.
_SEPARATED = "(?<![^\\s|｜;；,，、\\]】）)])"
LABEL_INLINE = re.compile(
    rf"{_SEPARATED}(?P<open>{_OPEN}{_GAP})?(?P<label>{_ALTERNATION})"
    rf"(?:{_GAP}(?P<close>{_CLOSE}))?{_GAP}(?P<colon>{_COLON})?"
)
# A text that is nothing but a label: a label cell, <dt>, <label>, <th>.
LABEL_ONLY = re.compile(rf"^{_GAP}(?:{_OPEN}{_GAP})?({_ALTERNATION}){_GAP}(?:{_CLOSE})?{_GAP}({_COLON})?{_GAP}$")
# A label of a field kept, starting a line and closed by a colon (a metadata line left in a body).
_STRONG = "|".join(_GAP.join(map(re.escape, label))
                   for label in sorted((lb for lb, f in LABEL_TO_FIELD.items() if f and lb not in WEAK_LABELS),
                                       key=len, reverse=True))
STRONG_LINE = re.compile(rf"^{_GAP}(?:{_OPEN}{_GAP})?(?:{_STRONG}){_GAP}(?:{_CLOSE})?{_GAP}{_COLON}")
_WHITESPACE = re.compile("[\\s\u200b]+")


def name_of(label_text: str) -> str:
    """The label as listed, whatever spacing it was written with."""
    return _WHITESPACE.sub("", label_text)


def field_of(label_text: str) -> str | None:
    """The field a matched label names (None for a label of something not kept)."""
    return LABEL_TO_FIELD.get(name_of(label_text))


def is_weak(label: str) -> bool:
    """An ordinary word that is a label only in a label's place."""
    return label in WEAK_LABELS


def is_label_only(text: str) -> bool:
    """True when ``text`` is a bare label such as ``索 引 号：`` (colon-only labels need the colon)."""
    match = LABEL_ONLY.match(text)
    if match is None:
        return False
    return name_of(match[1]) not in COLON_ONLY_LABELS or bool(match[2])


def label_count(text: str) -> int:
    """How many separated ``label:`` pairs a line holds (a title line holds two or more)."""
    return sum(1 for m in LABEL_INLINE.finditer(text) if m["colon"] or (m["open"] and m["close"]))
