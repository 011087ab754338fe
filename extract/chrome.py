"""Government page chrome, as data, and the small functions that apply it.

Three kinds of rules, applied in this order:

1. ``JUNK_TAGS``: elements that are never content (scripts, the TRS editor's inline <style> …).
2. ``CHROME_XPATHS`` and ``CHROME_PHRASES``: page furniture found by stable ids/classes, or by a
   phrase (当前位置, 打印本页 …) in a short element; the block around the phrase is dropped,
   climbing while the enclosing element stays short. Body containers and their ancestors are
   never dropped, and if pruning would remove most of the page's text the unpruned tree is
   kept instead (trafilatura's ``prune_unwanted_nodes(..., with_backup=True)`` idea).
3. ``CHROME_LINES`` and ``CHROME_TOKENS``: rendered lines that are chrome wherever they appear,
   including inside the body container. The body's own signature and date lines
   (``青岚市人民政府办公室`` / ``2018年3月20日``) match none of them.
"""

from __future__ import annotations

import re
from copy import deepcopy

from lxml import etree

from nianbao.families import FAMILIES

from .labels import STRONG_LINE, is_label_only, label_count
from .links import is_attachment_href
from .parse import drop, is_element, iter_text_nodes, text_of

JUNK_TAGS = ("script", "style", "noscript", "template", "select", "iframe", "frame", "frameset",
             "canvas", "object", "embed", "button", "input", "textarea", "svg", "link")

# Page furniture of every family, then each family's own (nianbao.families).
CHROME_XPATHS = (
    "//header", "//footer", "//nav",
    "//*[@id='qr_container' or @id='div_div' or @id='imgConac' or @id='Canvas']",
    "//*[starts-with(@id, 'share')]",
    "//*[contains(@class, 'info_ewm') or contains(@class, 'bdsharebuttonbox')]",
    "//*[contains(@class, 'xg-list')]",
    "//*[contains(@class, 'bot-btns-box') or contains(@class, 'xxgk_xgxx')]",
    # hidden copies (a read-aloud widget's text, a collapsed mobile block); never the body container
    "//*[@hidden or contains(translate(@style, ' ', ''), 'display:none')]",
    *(xpath for family in FAMILIES for xpath in family.chrome_xpaths),
)

# (regex matched against one text node, longest text of an element the block may have).
CHROME_PHRASES: tuple[tuple[str, int], ...] = (
    (r"(您?(当前|现在)(所在)?的?位置|您的位置|所在位置)\s*[:：]", 200),
    (r"^\s*首页\s*(>|>>|»|›|→|->|＞)", 200),
    (r"^\s*[【\[]?\s*字\s*[号体]\s*[:：]", 80),
    (r"打印本页|打印此页|【\s*打印\s*】|关闭窗口|关闭本页|【\s*关闭\s*】", 80),
    (r"扫一扫在手机打开当前页|^\s*分享到\s*[:：]?|^\s*返回顶部\s*$|我要纠错", 80),
    (r"^\s*(责任编辑|浏览次数|阅读次数|点击次数|访问次数)\s*[:：]", 80),
    (r"^\s*(发布时间|发布日期|信息来源|来源)\s*[:：].{0,60}(浏览|点击|阅读|访问|字号|作者)", 200),
    (r"^\s*(相关链接|相关稿件|相关文档|相关阅读|相关新闻|相关文章|相关解读|解读文章)\s*[:：]?\s*$", 30),
    (r"网站地图|版权所有|ICP备|ICP证|公网安备|网站标识码|网站识别码|Copyright|©", 300),
    (r"^\s*(主办单位|承办单位|技术支持|运维单位|联系我们)\s*[:：]?", 300),
    (r"^\s*(无障碍(浏览|阅读|模式)?|长者模式|适老化模式|设为首页|加入收藏)\s*$", 40),
    (r"^\s*\d{4}[-年/.]\d{1,2}[-月/.]\d{1,2}日?\s*(星期|周)[一二三四五六日天]\s*$", 40),
)

# (regex for one rendered line, longest line it may apply to).
CHROME_LINES: tuple[tuple[str, int], ...] = (
    *CHROME_PHRASES,
    (r"字\s*[号体]\s*[:：]?\s*[\[【(（]?\s*(大\s*中\s*小|小\s*中\s*大|默认)", 120),
    (r"(建议使用|最佳浏览).{0,40}(分辨率|浏览器)", 120),
    (r"^\s*(上一篇|下一篇)\s*[:：]", 200),
    (r"^[\w.\-]+\.(jpe?g|png|gif|bmp|webp|tiff?)$", 120),  # a bare image file name
    (r"^\s*(?:[.#@A-Za-z*][^{}]*\{[^{}]*\}\s*)+$", 100_000),  # bare CSS text (.TRS_Editor P{…})
)

# Headings whose following link list is chrome as well (related-article lists, even inside a body
# container, where the navigation rule does not look).
LIST_HEADINGS = re.compile(r"^\s*(相关链接|相关稿件|相关文档|相关阅读|相关新闻|相关文章|相关解读|解读文章|延伸阅读)\s*[:：]?\s*$")

# A line made only of these (plus brackets, separators and spaces) is chrome.
CHROME_TOKENS = ("扫一扫在手机打开当前页", "打印本页", "打印此页", "关闭窗口", "关闭本页", "返回顶部", "首页",
                 "我要纠错", "网站地图", "联系我们", "无障碍浏览", "无障碍", "长者模式", "设为首页",
                 "加入收藏", "分享到", "打印", "关闭", "收藏", "下载", "纠错", "顶部")
_TOKEN_FILLER = "[\\s\\[\\]【】()（）|｜/:：·•>＞\\-]*"  # noqa: S105 - a regex, not a secret
_TOKENS_ONLY = re.compile(
    f"^{_TOKEN_FILLER}(?:(?:{'|'.join(map(re.escape, CHROME_TOKENS))}){_TOKEN_FILLER})+$"
)
_PHRASES = [(re.compile(pattern, re.IGNORECASE), limit) for pattern, limit in CHROME_PHRASES]
# One compiled XPath; the attribute rules share a guard, so most elements are tested once.
_ATTRIBUTE_RULES = [x[4:-1] for x in CHROME_XPATHS if x.startswith("//*[") and x.endswith("]")]
_ANY_XPATH = etree.XPath(" | ".join([
    *(x for x in CHROME_XPATHS if not (x.startswith("//*[") and x.endswith("]"))),
    "//*[@id or @class or @style or @hidden][" + " or ".join(f"({rule})" for rule in _ATTRIBUTE_RULES) + "]",
]))
# One pass over each text node first: most nodes match no phrase at all.
_ANY_PHRASE = re.compile("|".join(f"(?:{pattern})" for pattern, _ in CHROME_PHRASES), re.IGNORECASE)
_LINES = [(re.compile(pattern, re.IGNORECASE), limit) for pattern, limit in CHROME_LINES]
# Navigation: a short element whose text is nearly all link text, found by climbing a few
# levels up from each link. Link lists inside a body container are left to the phrase rules.
NAV_TAGS = frozenset({"ul", "ol", "dl", "div", "td", "tr", "p", "span", "li", "dd"})
NAV_MIN_LINKS = 2
NAV_LINK_SHARE = 0.8
NAV_MAX_CHARS = 300
NAV_CLIMB = 4
# Attributes set by the body cascade: containers, and everything pruning must not drop
# (containers and their ancestors).
CONTAINER_MARK = "data-nianbao-container"
KEEP_MARK = "data-nianbao-keep"
# Pruning that leaves less than this share of the text is undone.
BACKUP_SHARE = 1 / 7
# Labelled metadata lines (索引号：… 发布机构：…) up to this length are dropped from the text.
METADATA_LINE_CHARS = 200


def strip_junk(tree: etree._Element) -> None:
    """Remove elements that are never content, in place (their tail text stays)."""
    for element in list(tree.iter(*JUNK_TAGS)):
        drop(element)


def prune_chrome(tree: etree._Element) -> tuple[etree._Element, bool]:
    """A pruned copy of ``tree``, and whether the backup (unpruned copy) had to be used.

    Elements carrying ``KEEP_MARK`` (body containers and their ancestors) are never dropped.
    """
    pruned = deepcopy(tree)
    keep = set(pruned.xpath(f"//*[@{KEEP_MARK}]"))
    for element in _chrome_elements(pruned, keep):
        drop(element)
    before, after = len(text_of(tree)), len(text_of(pruned))
    if before and after < before * BACKUP_SHARE:
        return deepcopy(tree), True
    return pruned, False


def is_chrome_line(line: str) -> bool:
    """True for a rendered line that is page chrome (or a labelled metadata line)."""
    if _TOKENS_ONLY.match(line):
        return True
    if any(len(line) <= limit and pattern.search(line) for pattern, limit in _LINES):
        return True
    return _is_metadata_line(line)


def _is_metadata_line(line: str) -> bool:
    """``索引号:… 发布机构:…``, a bare ``标 题:``, or a line of two labelled pairs (``来源：… 时间：…``)
    left over from the metadata block. A single ordinary-word pair (``时间：…``) can be body text."""
    if len(line) > METADATA_LINE_CHARS:
        return False
    return is_label_only(line) or STRONG_LINE.match(line) is not None or label_count(line) >= 2


def _chrome_elements(tree: etree._Element, keep: set[etree._Element]) -> list[etree._Element]:
    """Elements to drop: XPath matches and phrase blocks, minus protected ones, outermost only."""
    sizes = _Sizes(tree)
    found = [e for e in _ANY_XPATH(tree) if is_element(e)]
    hits = _phrase_hits(tree)
    found += [_phrase_block(owner, is_tail, limit, keep, sizes) for owner, is_tail, limit in hits]
    found += [_list_after(owner) for owner, is_tail, _ in hits if not is_tail and LIST_HEADINGS.match(owner.text or "")]
    found += _link_lists(tree, sizes)
    chosen = {e for e in found if e is not None and e not in keep and e.getparent() is not None}
    return [e for e in chosen if not any(a in chosen for a in e.iterancestors())]


class _Sizes:
    """Per element, in one pass from the leaves up: characters of text, of link text, links, attachment links."""

    def __init__(self, root: etree._Element) -> None:
        self.text: dict[etree._Element, int] = {}
        self.linked: dict[etree._Element, int] = {}
        self.links: dict[etree._Element, int] = {}
        self.attachments: dict[etree._Element, int] = {}
        text, linked, links, attachments = self.text, self.linked, self.links, self.attachments
        for element in reversed([e for e in root.iter() if is_element(e)]):
            size = len((element.text or "").strip())
            own_linked = own_links = own_attachments = 0
            for child in element:
                size += len((child.tail or "").strip())
                if child in text:
                    size += text[child]
                    own_linked += linked[child]
                    own_links += links[child]
                    own_attachments += attachments[child]
            if element.tag == "a":
                own_linked, own_links = size, own_links + 1
                own_attachments += 1 if is_attachment_href(element.get("href")) else 0
            text[element], linked[element], links[element], attachments[element] = \
                size, own_linked, own_links, own_attachments


def _phrase_hits(tree: etree._Element) -> list[tuple[etree._Element, bool, int]]:
    """Text nodes matching a chrome phrase, with the block-size limit of the rule."""
    hits = []
    for owner, text, is_tail in iter_text_nodes(tree):
        text = text.strip()  # a regex starting with \s* is quadratic on a long run of spaces
        if not text or not _ANY_PHRASE.search(text):
            continue
        for pattern, limit in _PHRASES:
            if pattern.search(text):
                hits.append((owner, is_tail, limit))
                break
    return hits


def _phrase_block(owner: etree._Element, is_tail: bool, limit: int,
                  keep: set[etree._Element], sizes: _Sizes) -> etree._Element | None:
    """The largest short element around a phrase: climb while the text stays within ``limit``."""
    element = owner.getparent() if is_tail else owner
    if element is None or element in keep or sizes.text.get(element, 0) > limit:
        return None
    for parent in element.iterancestors():
        if parent in keep or parent.tag in ("body", "html") or sizes.text.get(parent, 0) > limit:
            break
        element = parent
    return element


def _list_after(heading: etree._Element) -> etree._Element | None:
    """The link list right after a related-links heading (climbing out of ``<p><strong>`` wrappers)."""
    text = text_of(heading)
    while heading.getparent() is not None and text_of(heading.getparent()) == text:
        heading = heading.getparent()
    following = next((n for n in heading.itersiblings() if is_element(n)), None)
    if following is None or _chars(text_of(following)) == 0:
        return None
    links = list(following.iter("a"))
    if not links or any(is_attachment_href(a.get("href")) for a in links):
        return None
    linked = sum(_chars(text_of(a)) for a in links)
    return following if linked >= _chars(text_of(following)) * NAV_LINK_SHARE else None


def _link_lists(tree: etree._Element, sizes: _Sizes) -> list[etree._Element]:
    """Navigation blocks outside body containers: short, several links, almost all link text."""
    measured: set[etree._Element] = set()
    found = []
    for link in tree.iter("a"):
        element = link.getparent()
        for _ in range(NAV_CLIMB):
            if element is None or element in measured:
                break
            measured.add(element)
            if sizes.text.get(element, 0) > NAV_MAX_CHARS:
                break  # ancestors only get longer
            if element.tag in NAV_TAGS and _is_link_list(element, sizes):
                found.append(element)
            element = element.getparent()
    return [e for e in found if not _in_container(e)]


def _is_link_list(element: etree._Element, sizes: _Sizes) -> bool:
    """Several non-attachment links making up nearly all of the element's text."""
    if sizes.links.get(element, 0) < NAV_MIN_LINKS or sizes.attachments.get(element, 0):
        return False
    return sizes.linked.get(element, 0) >= sizes.text.get(element, 0) * NAV_LINK_SHARE


def _in_container(element: etree._Element) -> bool:
    """True inside (or at) a marked body container."""
    return any(e.get(CONTAINER_MARK) is not None for e in (element, *element.iterancestors()))


def _chars(text: str) -> int:
    """Characters other than whitespace."""
    return len(text) - sum(map(text.count, _SPACES)) if text else 0


_SPACES = (" ", "\n", "\t", "\r", "\u3000", "\xa0")
