"""The 信息公开 metadata of a page: the labelled block, the date-and-source line, <meta> tags, the title.

One rule reads every layout (docs/layouts.md): find a label (``labels.py``) at the start of a text
node, or after a separator with a colon; its value is the rest of that text up to the next label,
or else what follows the label element (its tail, the next cell, ``<dd>``, the next ``<div>``,
climbing out of wrappers such as ``<td><b>…</b></td>``). Every label found is a :class:`Hit`; each
field then takes the hit of its strongest label (``FIELD_LABELS`` order), a metadata block's hit
before a lone line's, the earlier before the later, and records which rule set it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from lxml import etree

from nianbao.pages import template_placeholders

from .chrome import CONTAINER_MARK
from .dates import parse_date
from .labels import (
    FIELD_LABELS,
    LABEL,
    LABEL_INLINE,
    PLACEHOLDERS,
    RANK,
    TIMED_VALUE_FIELD,
    field_of,
    is_label_only,
    is_weak,
    name_of,
)
from .parse import is_element, iter_text_nodes, squash, text_of

DATE_FIELDS = ("written_date", "publish_date")
# <meta name> → field, in order of trust; any label shown for the field wins over all of them.
META_FALLBACKS: dict[str, tuple[str, ...]] = {
    "publish_date": ("pubdate", "firstpublishedtime", "publishdate", "maketime", "article:published_time"),
}
# Values that mean "no value" (``〔〕号`` is an unfilled 文号 template).
EMPTY_VALUE = re.compile(r"^[\s\-—－/／_]*(无|暂无|空)?[\s\-—－/／_]*$|^[〔\[【(（]?\s*[〕\]】)）]?\s*号?$")
# Longest believable value; longer text after a label is body, not metadata. Issuers are names.
MAX_VALUE_CHARS = 300
MAX_ISSUER_CHARS = 60
# A labelled block is at least this many labels, in at most this much text.
BLOCK_MIN_LABELS = 3
BLOCK_MAX_CHARS = 800
BLOCK_LABEL_SHARE = 0.4
# A line holding labels outside a block (the 日期/来源 line under a title) is at most this long.
LINE_MAX_CHARS = 200
BLOCK_MARK = "data-nianbao-metadata"
# A date standing alone in a text node (the unlabelled date of a title line), brackets allowed.
DATE_TEXT = re.compile(r"^[\[【(（]?\s*(?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?"
                       r"(?:\s+\d{1,2}[:：]\d{2}(?:[:：]\d{2})?)?\s*[\]】)）]?$")
# The unlabelled date that ends the text before a title line's first label (positional fields).
DATE_AT_END = re.compile(r"(?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?"
                         r"(?:\s+\d{1,2}[:：]\d{2}(?:[:：]\d{2})?)?[\s\]】)）]*$")
# A text this long is a document's prose: ordinary-word labels after it inside its container are text.
PROSE_CHARS = 40
# Text nodes after the page's <h1> in which an unlabelled date still belongs to the title.
AFTER_TITLE_NODES = 6
_TIME_OF_DAY = re.compile(r"\d{1,2}[:：]\d{2}")
# An issuer ends where a date or a wide gap starts (``来源：某日报 2021-01-05``, ``来源：某局   作者：``).
_ISSUER_END = re.compile(r"\s{2,}|[【\[]|(?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}")
_LEADING = re.compile(r"^[\s:：︰\]】］〕]+")
_TRAILING = re.compile(r"[\s\[【［〔|｜,，;；、]+$")
_CLOSE_CHARS = "]】］〕"
_COLON_ONLY = re.compile(r"^\s*[:：︰]\s*$")
_TITLE_SEPARATORS = re.compile(r"\s*(?:[_|｜]|--|—+|\s-\s|^-\s|\s-$)\s*")
_SEPARATOR_BEFORE = " \t\r\n\u3000\xa0|｜;；,，、"
UNLABELLED_DATE = "date"
# A 10-digit SiteIDCode starts with a division code; its first two digits are a province.
_PROVINCES = frozenset({"11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35",
                        "36", "37", "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54",
                        "61", "62", "63", "64", "65", "71", "81", "82"})


@dataclass(frozen=True)
class Hit:
    """One label found on the page: the field it names (None for a label of nothing kept), its value."""

    field: str | None
    label: str
    value: str | None
    holder: etree._Element
    order: int


def read_meta_tags(tree: etree._Element) -> dict[str, str]:
    """``<meta name=… content=…>`` as a dict keyed by lower-cased name (first one wins)."""
    tags: dict[str, str] = {}
    for meta in tree.iter("meta"):
        name, content = (meta.get("name") or "").strip().lower(), squash(meta.get("content"))
        if name and content and name not in tags:
            tags[name] = content
    return tags


def scan_labels(tree: etree._Element) -> list[Hit]:
    """Every label on the page, in document order, with its value (see the module docstring)."""
    scan = _Scan(tree)
    return [hit for order, node in enumerate(iter_text_nodes(tree)) for hit in scan.hits(order, *node)]


class _Scan:
    """One pass over a page's text nodes: the window after its <h1>, the containers whose prose began."""

    def __init__(self, tree: etree._Element) -> None:
        self.title_nodes = _first_h1_elements(tree)
        self.after_title = -1
        self.prose_in: set[etree._Element] = set()  # body containers whose text has begun

    def hits(self, order: int, owner: etree._Element, text: str, is_tail: bool) -> list[Hit]:
        """The labels of one text node (or its unlabelled date), those of ordinary words where they count."""
        holder = owner.getparent() if is_tail else owner
        if holder is None or holder.tag in ("title", "head") or text.isspace():
            return []
        if owner in self.title_nodes:
            self.after_title = order + AFTER_TITLE_NODES
        found = self._placed([Hit(f, label, value, holder, order) for f, label, value in _labelled(owner, text, is_tail)])
        if len(text) >= PROSE_CHARS and (container := _container_of(holder)) is not None:
            self.prose_in.add(container)
        if not found and order <= self.after_title and DATE_TEXT.match(text.strip()):
            return [Hit("publish_date", UNLABELLED_DATE, clean_value("publish_date", text), holder, order)]
        return found

    def _placed(self, found: list[Hit]) -> list[Hit]:
        """Ordinary-word labels only in a short line, and not inside a document's text once it began."""
        if not any(is_weak(hit.label) for hit in found):
            return found
        holder = found[0].holder
        if _container_of(holder) in self.prose_in or len(text_of(holder)) > LINE_MAX_CHARS:
            return [hit for hit in found if not is_weak(hit.label)]  # 来源：… inside a document is its text
        return found


def clean_value(field: str | None, value: str | None) -> str | None:
    """A field value normalised: dates to ISO, placeholders, labels and empty templates to None."""
    if field == "issuer" and value:
        value = _ISSUER_END.split(value.strip(), maxsplit=1)[0]
    value = _TRAILING.sub("", _LEADING.sub("", squash(value)))
    if not value or len(value) > MAX_VALUE_CHARS or EMPTY_VALUE.match(value) or is_label_only(value):
        return None
    if _starts_with_label(value):
        return None  # 信息来源：<span>更新时间：…</span> — the next label, not a value
    if field in DATE_FIELDS:
        return parse_date(value)
    if field == "issuer" and (value in PLACEHOLDERS or len(value) > MAX_ISSUER_CHARS):
        return None
    return value


def mark_metadata_blocks(hits: list[Hit]) -> set[etree._Element]:
    """Mark metadata blocks and label lines for removal from the body; return the blocks.

    A block is the innermost short element holding several labels; a stray label elsewhere shares
    only a large ancestor with it, and such an ancestor is never marked. A label outside every
    block is marked with its short line (the 日期/来源 line under a title).
    """
    blocks = _blocks(hits)
    for block in blocks:
        block.set(BLOCK_MARK, "1")
    for hit in hits:
        if not _in_any(hit.holder, blocks) and hit.holder.tag not in ("td", "th", "body", "html") \
                and len(text_of(hit.holder)) <= LINE_MAX_CHARS:
            hit.holder.set(BLOCK_MARK, "1")
    return blocks


def choose_fields(hits: list[Hit], blocks: set[etree._Element],
                  meta: dict[str, str]) -> tuple[dict[str, str | None], dict[str, str]]:
    """Each field's value and the rule that set it: its strongest label's hit, else a <meta> fallback.

    A label shown with no value still counts as shown: the field is then None, not a <meta> value.
    """
    values: dict[str, str | None] = dict.fromkeys(FIELD_LABELS)
    rules: dict[str, str] = {}
    for field in FIELD_LABELS:
        shown = [hit for hit in hits if hit.field == field]
        best = min((hit for hit in shown if hit.value), default=None,
                   key=lambda hit: (RANK.get(hit.label, len(RANK)), not _in_any(hit.holder, blocks), hit.order))
        if best is not None:
            values[field] = best.value
            line = (is_weak(best.label) or best.label == UNLABELLED_DATE) and not _in_any(best.holder, blocks)
            rules[field] = f"{'title-line' if line else 'label'}:{best.label}"
        elif not shown:
            values[field], rule = meta_fallback(field, meta)
            if rule:
                rules[field] = rule
    return values, rules


def meta_fallback(field: str, meta: dict[str, str]) -> tuple[str | None, str | None]:
    """A field from <meta> tags, for when the page shows no label for it; with the rule."""
    for name in META_FALLBACKS.get(field, ()):
        value = clean_value(field, meta.get(name))
        if value:
            return value, f"meta:{name}"
    return None, None


def page_title(tree: etree._Element, meta: dict[str, str], labelled: str | None) -> tuple[str | None, str | None]:
    """ArticleTitle meta > labelled 标题/名称 > <h1> > the first informative part of <title>; and the rule."""
    site = {name for name in (meta.get("sitename"), _title_tail(tree)) if name}
    column = meta.get("columnname")
    candidates = (("meta:ArticleTitle", meta.get("articletitle")), ("label", labelled),
                  ("h1", _h1(tree, site | {column} if column else site)), ("title-tag", _title_tag(tree, site, column)))
    return next(((title, rule) for rule, title in candidates if title and not template_placeholders(title)),
                (None, None))


def mark_title(tree: etree._Element, title: str | None) -> None:
    """Mark the page's title line (its <h1>, or the element whose text is the title) for removal
    from the body; a title repeated inside a known body container stays."""
    if not title:
        return
    for element in _title_candidates(tree):
        if text_of(element) == title:
            if not any(e.get(CONTAINER_MARK) is not None for e in (element, *element.iterancestors())):
                element.set(BLOCK_MARK, "1")
            return


def _title_candidates(tree: etree._Element) -> Iterable[etree._Element]:
    """Headings and title-classed elements, in document order."""
    body = next(tree.iter("body"), tree)
    for element in body.iter():
        if not is_element(element):
            continue
        named = f"{element.get('class') or ''} {element.get('id') or ''}".lower()
        if element.tag in ("h1", "h2", "h3") or "title" in named or element.tag == "ucaptitle":
            yield element


def site_fields(meta: dict[str, str]) -> dict[str, Any]:
    """site_name, site_id_code and region (division code from a 10-digit SiteIDCode)."""
    code = meta.get("siteidcode")
    region = code[:6] if code and re.fullmatch(r"\d{10}", code) and code[:2] in _PROVINCES else None
    return {"site_name": meta.get("sitename"), "site_id_code": code, "region": region}


def _labelled(owner: etree._Element, text: str, is_tail: bool) -> list[tuple[str | None, str, str | None]]:
    """(field, label, cleaned value) for each label in one text node."""
    matches = _label_matches(text)
    out: list[tuple[str | None, str, str | None]] = []
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        raw: str | None = text[match.end():end]
        if match["open"] and not match["close"]:
            raw = _until_close(raw or "")  # 【时间：2021-01-05】: the bracket closes the value
        if not squash(raw) and index == len(matches) - 1:  # the node's last label: its value may follow
            raw = _following_value(owner, is_tail)  # (信息来源：<!--begin-->value<!--end-->, <span>value)
        label = name_of(match["label"])
        field = TIMED_VALUE_FIELD.get(label) if raw and _TIME_OF_DAY.search(raw) else None
        field = field or field_of(label)
        out.append((field, label, clean_value(field, raw)))
    ending = DATE_AT_END.search(text[:matches[0].start()]) if matches and matches[0].start() > 0 else None
    if ending:  # 2022-07-17 07:50 来源：… — the date of a title line has no label
        out.append(("publish_date", UNLABELLED_DATE, clean_value("publish_date", ending[0])))
    return out


def _label_matches(text: str) -> list[re.Match[str]]:
    """Labels in a text node: one at its start (alone, or closed by a colon or bracket), then any
    further separated label closed by a colon or bracket."""
    stripped = len(text) - len(text.lstrip())
    first = LABEL.match(text, stripped)
    if first and not (first["colon"] or (first["open"] and first["close"]) or is_label_only(text)):
        first = None  # "分类管理……" is prose, not a label
    matches = [first] if first else []
    for match in LABEL_INLINE.finditer(text, first.end() if first else 0):
        closed = match["colon"] or (match["open"] and match["close"])
        if closed and (not matches or match.start() >= matches[-1].end()):
            matches.append(match)
    return matches


def _until_close(value: str) -> str:
    """``value`` up to the bracket that closes a bracketed pair."""
    cut = min((value.find(c) for c in _CLOSE_CHARS if c in value), default=len(value))
    return value[:cut]


def _following_value(owner: etree._Element, is_tail: bool) -> str | None:
    """The value of a bare label: what follows it in its element (``<li>索引号：<span>…``), else what
    follows the label element (see :func:`_next_value`)."""
    rest = _rest_after(owner, is_tail)
    if squash(_LEADING.sub("", rest)):
        return _cut_at_label(rest)
    anchor = owner.getparent() if is_tail else owner
    return _next_value(anchor, skip_tail=is_tail) if anchor is not None else None


def _next_value(anchor: etree._Element, *, skip_tail: bool) -> str | None:
    """The text right after the label element (``<b>发布机构：</b>…``, ``<span>发文字号</span>：…``), else
    the next element (``<td>索引号</td><td>…</td>``, ``<dt>…</dt><dd>…</dd>``), climbing out of
    wrappers whose text is only the label (``<td><b><span>…</span></b>…</td>``), else the cell below
    a row of labels."""
    label_text = text_of(anchor)
    for level in range(3):
        tail = "" if skip_tail and level == 0 else anchor.tail or ""
        if squash(_LEADING.sub("", tail)):
            return _cut_at_label(tail)
        following = next((n for n in anchor.itersiblings() if is_element(n) and not _COLON_ONLY.match(text_of(n))),
                         None)  # a cell holding only the colon is skipped: <td>索引号</td><td>：</td><td>…</td>
        if following is not None:
            value = text_of(following)
            return _below(anchor) if is_label_only(value) else _cut_at_label(value)
        if anchor.tag in ("td", "th"):
            return _below(anchor)  # the last label of a row of labels
        parent = anchor.getparent()
        if parent is None or text_of(parent) != label_text:
            return None
        anchor = parent
    return None


def _below(cell: etree._Element) -> str | None:
    """In a two-row table of labels over values, the cell under a label cell; None in a list's header row."""
    row = cell.getparent()
    table = row.getparent() if row is not None else None
    if cell.tag not in ("td", "th") or row is None or table is None:
        return None
    rows = [r for r in table if r.tag == "tr"]
    if len(rows) != 2 or rows[0] is not row:
        return None
    cells = [c for c in rows[1] if c.tag in ("td", "th")]
    index = [c for c in row if c.tag in ("td", "th")].index(cell)
    return text_of(cells[index]) if index < len(cells) else None


def _rest_after(owner: etree._Element, is_tail: bool) -> str:
    """Text after the label text node, within the same parent element."""
    siblings = owner.itersiblings() if is_tail else iter(owner)
    return "".join(_text_with_tail(node) for node in siblings)


def _text_with_tail(node: etree._Element) -> str:
    """A node's visible text plus its tail."""
    text = "".join(node.itertext()) if is_element(node) else ""
    return text + (node.tail or "")


def _next_sibling_text(anchor: etree._Element) -> str | None:
    """Text of the element after ``anchor``, climbing out of wrappers such as ``<td><b>``."""
    label_text = text_of(anchor)
    for _ in range(3):
        following = next((n for n in anchor.itersiblings() if is_element(n)), None)
        if following is not None:
            return _cut_at_label(text_of(following))
        parent = anchor.getparent()
        if parent is None or text_of(parent) != label_text:
            return None
        anchor = parent
    return None


def _cut_at_label(value: str) -> str:
    """``value`` up to the next label closed by a colon or bracket."""
    for match in LABEL_INLINE.finditer(value):
        if match.start() > 0 and (match["colon"] or (match["open"] and match["close"])):
            return value[: match.start()]
    return value


def _starts_with_label(value: str) -> bool:
    """A value that is another label and its value (``更新时间：2024-01-05``)."""
    match = LABEL.match(value)
    return match is not None and bool(match["colon"])


def _container_of(element: etree._Element) -> etree._Element | None:
    """The known body container holding ``element`` (None outside every container)."""
    return next((e for e in (element, *element.iterancestors()) if e.get(CONTAINER_MARK) is not None), None)


def _first_h1_elements(tree: etree._Element) -> set[etree._Element]:
    """The first <h1> and its descendants (whose text nodes start the after-title window)."""
    h1 = next(tree.iter("h1"), None)
    return set(h1.iter()) if h1 is not None else set()


def _blocks(hits: list[Hit]) -> set[etree._Element]:
    """The innermost short elements holding labels of at least ``BLOCK_MIN_LABELS`` fields, their text
    mostly the labels and values (an element that also holds the document's prose is no block)."""
    counts: dict[etree._Element, list[Hit]] = {}
    for hit in hits:
        for element in (hit.holder, *hit.holder.iterancestors()):
            counts.setdefault(element, []).append(hit)
    # distinct fields: one label again and again (索引号 on every row of a list) makes a list, not a block
    found = {next((e for e in (h.holder, *h.holder.iterancestors())
                   if len({hit.field for hit in counts[e]}) >= BLOCK_MIN_LABELS), None) for h in hits}
    found.discard(None)
    innermost = {b for b in found if b is not None and not any(
        other is not b and other is not None and b in set(other.iterancestors()) for other in found)}
    return {block for block in innermost if _labelled_share(block, counts[block]) >= BLOCK_LABEL_SHARE}


def _labelled_share(block: etree._Element, hits: list[Hit]) -> float:
    """The share of a block's text that its labels and values make up (0 for a block too long)."""
    size = len(text_of(block))
    if not size or size > BLOCK_MAX_CHARS:
        return 0.0
    return sum(len(hit.label) + len(hit.value or "") for hit in hits) / size


def _in_any(element: etree._Element, blocks: Iterable[etree._Element]) -> bool:
    """True when ``element`` is one of ``blocks`` or inside one."""
    chosen = set(blocks)
    return bool(chosen) and any(e in chosen for e in (element, *element.iterancestors()))


def _h1(tree: etree._Element, site: set[str]) -> str | None:
    """The first <h1> that is not the site's own name."""
    for h1 in tree.iter("h1"):
        text = text_of(h1)
        if len(text) >= 2 and text not in site:
            return text
    return None


def _title_tail(tree: etree._Element) -> str | None:
    """The last part of a <title> of several parts: the site's name (``报告_栏目_青岚市人民政府``)."""
    title = next(tree.iter("title"), None)
    parts = [p for p in _TITLE_SEPARATORS.split(text_of(title)) if p] if title is not None else []
    return parts[-1] if len(parts) >= 2 else None


def _title_tag(tree: etree._Element, site: set[str], column: str | None) -> str | None:
    """The first part of <title> that is not the site name; the column name only when it is all there is."""
    title = next(tree.iter("title"), None)
    text = text_of(title) if title is not None else ""
    for name in sorted(site | {column} if column else site, key=len, reverse=True):
        if len(text) > len(name) and text.startswith(name) and not _TITLE_SEPARATORS.match(text[len(name):]):
            text = text.removeprefix(name).strip()
    parts = [p for p in _TITLE_SEPARATORS.split(text) if p and p not in site]
    informative = [p for p in parts if p != column]
    return (informative or parts or [None])[0]
