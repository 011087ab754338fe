"""The 信息公开 metadata of a page: <meta> tags, the labelled block, and the title.

The labelled block comes in many layouts: label and value cells of a table (two pairs per
row), ``<li><label>索引号：</label>…</li>``, ``<dl><dt><dd>``, ``<label>`` + sibling ``<div>``,
or several ``label:value`` pairs inline in one text. All reduce to one rule: find a label at the
start of a text node (or after whitespace, with a colon); its value is the rest of that text up
to the next label, or else the text of whatever follows the label element.
"""

from __future__ import annotations

import re
from typing import Any

from lxml import etree

from .dates import parse_date
from .labels import FIELD_LABELS, LABEL, LABEL_WITH_COLON, field_of, is_label_only
from .parse import is_element, iter_text_nodes, squash, text_of

DATE_FIELDS = ("written_date", "publish_date")
# <meta name> → field, in order of trust; the visible block wins over all of them.
META_FALLBACKS: dict[str, tuple[str, ...]] = {
    "publish_date": ("pubdate", "firstpublishedtime", "publishdate", "article:published_time"),
}
# Values that mean "no value" (``〔〕号`` is an unfilled 文号 template).
EMPTY_VALUE = re.compile(r"^[\s\-—－/／_]*(无|暂无|空)?[\s\-—－/／_]*$|^[〔\[【(（]?\s*[〕\]】)）]?\s*号?$")
# Longest believable value; longer text after a label is body, not metadata.
MAX_VALUE_CHARS = 300
# A labelled block is at least this many labels, in at most this much text.
BLOCK_MIN_LABELS = 3
BLOCK_MAX_CHARS = 800
BLOCK_MARK = "data-nianbao-metadata"
_TITLE_SEPARATORS = re.compile(r"\s*(?:[_|｜]|--|—+|\s-\s)\s*")
_SEPARATOR_BEFORE = " \t\r\n\u3000\xa0|｜;；,，、"
# A 10-digit SiteIDCode starts with a division code; its first two digits are a province.
_PROVINCES = frozenset({"11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35",
                        "36", "37", "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54",
                        "61", "62", "63", "64", "65", "71", "81", "82"})


def read_meta_tags(tree: etree._Element) -> dict[str, str]:
    """``<meta name=… content=…>`` as a dict keyed by lower-cased name (first one wins)."""
    tags: dict[str, str] = {}
    for meta in tree.iter("meta"):
        name, content = (meta.get("name") or "").strip().lower(), squash(meta.get("content"))
        if name and content and name not in tags:
            tags[name] = content
    return tags


def scan_labels(tree: etree._Element) -> tuple[dict[str, str | None], list[etree._Element]]:
    """Every labelled field in document order (first value wins) and the elements holding labels."""
    fields: dict[str, str | None] = dict.fromkeys(FIELD_LABELS)
    hits: list[etree._Element] = []
    for owner, text, is_tail in iter_text_nodes(tree):
        if not _may_hold_label(owner, is_tail):
            continue
        holder = owner.getparent() if is_tail else owner
        for field, value in _labelled_values(owner, text, is_tail):
            if holder is not None:
                hits.append(holder)
            if fields[field] is None:
                fields[field] = clean_value(field, value)
    return fields, hits


def clean_value(field: str, value: str | None) -> str | None:
    """A field value normalised: dates to ISO, placeholders and labels to None."""
    value = squash(value)
    if not value or len(value) > MAX_VALUE_CHARS or EMPTY_VALUE.match(value) or is_label_only(value):
        return None
    if field in DATE_FIELDS:
        return parse_date(value)
    return value


def mark_metadata_blocks(hits: list[etree._Element]) -> int:
    """Mark the innermost short elements holding several labels; return how many were marked.

    A stray label elsewhere on the page shares only a large ancestor with the block; such an
    ancestor holds a smaller block and is never marked itself.
    """
    counts: dict[etree._Element, int] = {}
    for hit in hits:
        for element in (hit, *hit.iterancestors()):
            counts[element] = counts.get(element, 0) + 1
    blocks = {next((e for e in (hit, *hit.iterancestors()) if counts[e] >= BLOCK_MIN_LABELS), None)
              for hit in hits} - {None}
    innermost = [b for b in blocks if b is not None and not any(
        other is not b and b in set(other.iterancestors()) for other in blocks if other is not None)]
    for block in innermost:
        if _short(block):
            block.set(BLOCK_MARK, "1")
    return sum(1 for block in innermost if block.get(BLOCK_MARK))


def page_title(tree: etree._Element, meta: dict[str, str], labelled: str | None) -> str | None:
    """ArticleTitle meta > labelled 标题/名称 > <h1> > the first informative part of <title>."""
    site = {name for name in (meta.get("sitename"), meta.get("columnname")) if name}
    for candidate in (meta.get("articletitle"), labelled, _h1(tree, site), _title_tag(tree, site)):
        if candidate:
            return candidate
    return None


def site_fields(meta: dict[str, str]) -> dict[str, Any]:
    """site_name, site_id_code and region (division code from a 10-digit SiteIDCode)."""
    code = meta.get("siteidcode")
    region = code[:6] if code and re.fullmatch(r"\d{10}", code) and code[:2] in _PROVINCES else None
    return {"site_name": meta.get("sitename"), "site_id_code": code, "region": region}


def meta_fallback(field: str, meta: dict[str, str]) -> str | None:
    """A field from <meta> tags, for when the visible block lacks it."""
    for name in META_FALLBACKS.get(field, ()):
        value = clean_value(field, meta.get(name))
        if value:
            return value
    return None


def _may_hold_label(owner: etree._Element, is_tail: bool) -> bool:
    """Skip text inside <head> (titles, not metadata blocks)."""
    element = owner.getparent() if is_tail else owner
    return element is not None and element.tag not in ("title", "head")


def _labelled_values(owner: etree._Element, text: str, is_tail: bool) -> list[tuple[str, str | None]]:
    """(field, raw value) for each label in one text node."""
    matches = _label_matches(text)
    pairs: list[tuple[str, str | None]] = []
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        value: str | None = text[match.end():end]
        if not squash(value) and len(matches) == 1:
            value = _following_value(owner, is_tail)
        field = field_of(match[1])
        if field:
            pairs.append((field, value))
    return pairs


def _label_matches(text: str) -> list[re.Match[str]]:
    """Labels in a text node: one at its start (colon optional if it is all the node holds),
    then any further ``label:`` preceded by whitespace or a separator."""
    stripped = len(text) - len(text.lstrip())
    first = LABEL.match(text, stripped)
    if first and not first[2] and not is_label_only(text):
        first = None  # "分类管理……" is prose, not a label
    matches = [first] if first else []
    start = first.end() if first else 0
    for match in LABEL_WITH_COLON.finditer(text, start):
        after_separator = match.start() == stripped or text[match.start() - 1] in _SEPARATOR_BEFORE
        if after_separator and (not matches or match.start() >= matches[-1].end()):
            matches.append(match)
    return matches


def _following_value(owner: etree._Element, is_tail: bool) -> str | None:
    """The value of a bare label: what follows it in its element (``<li>索引号：<span>…``),
    else the text right after the label element (``<b>发布机构：</b>…``), else the next element
    (``<td>索引号</td><td>…</td>``)."""
    rest = _rest_after(owner, is_tail)
    if not squash(rest) and not is_tail:
        rest = owner.tail or ""
    if squash(rest):
        return _cut_at_label(rest)
    anchor = owner.getparent() if is_tail else owner
    if anchor is None:
        return None
    return _next_sibling_text(anchor)


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
    """``value`` up to the next ``label:`` in it."""
    match = LABEL_WITH_COLON.search(value)
    return value[: match.start()] if match else value


def _short(block: etree._Element) -> bool:
    """A metadata block is short; a long element holding labels is a page section."""
    return len(text_of(block)) <= BLOCK_MAX_CHARS


def _h1(tree: etree._Element, site: set[str]) -> str | None:
    """The first <h1> that is not the site's own name."""
    for h1 in tree.iter("h1"):
        text = text_of(h1)
        if len(text) >= 2 and text not in site:
            return text
    return None


def _title_tag(tree: etree._Element, site: set[str]) -> str | None:
    """The first part of <title> that is not the site or column name."""
    title = next(tree.iter("title"), None)
    text = text_of(title) if title is not None else ""
    for name in sorted(site, key=len, reverse=True):
        text = text.removeprefix(name).strip() if len(text) > len(name) else text
    parts = [p for p in _TITLE_SEPARATORS.split(text) if p and p not in site]
    return parts[0] if parts else None
