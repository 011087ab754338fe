"""Attachment links (PDF/DOC/… and Hanweb ``downfile.jsp?filename=x.pdf``) of a page."""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urljoin

from lxml import etree

from nianbao.pages import attachment_ext, viewed_file

from .parse import squash

# Elements, anywhere on the page, that hold a document's attachments.
ATTACHMENT_BLOCKS = (
    "//*[@class or @id][contains(@class, 'attach') or contains(@id, 'attach') or contains(@class, 'Attach')"
    " or contains(@class, 'fujian') or contains(@id, 'fujian') or contains(@class, 'xgfj')"
    " or contains(@class, 'appendix') or contains(@class, 'enclosure')]",
    "//text()[contains(., '附件')]/parent::*",  # 附件：<a>…</a>, 相关附件 headings
)
_BLOCKS = etree.XPath(" | ".join(ATTACHMENT_BLOCKS))
# A cheap look at a link before the URL is parsed: a file extension, or a download script.
_ATTACHMENT_HINT = re.compile(r"\.(?:pdf|docx?|xlsx?|wps|et|rtf|ofd|zip|rar|7z|pptx?)\b|file", re.I)
LINK_TAGS = ("a", "ref")  # HTML links, and links in trafilatura's output


def link_href(link: etree._Element) -> str | None:
    """The target of an HTML ``<a href>`` or of trafilatura's ``<ref target>``."""
    value = link.get("href") if link.tag == "a" else link.get("target")
    return str(value) if value is not None else None


def is_attachment_href(href: str | None) -> bool:
    """True when the link points to an attachment."""
    return attachment_ext(href) is not None


def find_attachments(holders: Iterable[etree._Element], base_url: str) -> list[dict[str, str | None]]:
    """``{"url", "name", "ext"}`` for every attachment link under ``holders``, deduplicated by URL."""
    found: dict[str, dict[str, str | None]] = {}
    for holder in holders:
        for link in holder.iter(*LINK_TAGS):
            entry = _attachment(link, base_url)
            if entry and entry["url"] not in found:
                found[str(entry["url"])] = entry
    return list(found.values())


def attachment_blocks(tree: etree._Element) -> list[etree._Element]:
    """Elements of the page that hold attachments outside the body (none on a page linking no file)."""
    if not any(_ATTACHMENT_HINT.search(a.get("href") or "") for a in tree.iter("a")):
        return []
    return list(_BLOCKS(tree))


def base_url(tree: etree._Element, url: str) -> str:
    """The page URL, or its ``<base href>`` resolved against it (the page URL when that href is malformed)."""
    base = next((b.get("href") for b in tree.iter("base") if b.get("href")), None)
    try:
        return urljoin(url, base.strip()) if base else url
    except ValueError:
        return url


def _attachment(link: etree._Element, base: str) -> dict[str, str | None] | None:
    """One attachment entry, or None for an ordinary link."""
    href = link_href(link)
    ext = attachment_ext(href)
    if not href or not ext:
        return None
    name = squash("".join(link.itertext())) or squash(link.get("title")) or None
    try:
        url = urljoin(base, href.strip())
    except ValueError:  # a host urllib refuses that still ends in .pdf: not a link one can follow
        return None
    shown = viewed_file(url)  # an online viewer's link: the file it shows
    return {"url": shown, "name": name, "ext": attachment_ext(shown)} if shown else {"url": url, "name": name, "ext": ext}


EMBEDDING_TAGS = ("iframe", "embed", "object", "frame")


def embedded_attachments(tree: etree._Element, base: str) -> list[dict[str, str | None]]:
    """``{"url", "name", "ext"}`` of every file the page shows in a frame, embed or object (a PDF, or an
    online viewer of one); read before those elements are dropped as page furniture."""
    found: dict[str, dict[str, str | None]] = {}
    for element in tree.iter(*EMBEDDING_TAGS):
        source = (element.get("src") or element.get("data") or "").strip()
        if not source or not _ATTACHMENT_HINT.search(source):
            continue
        try:
            url = urljoin(base, source)
        except ValueError:
            continue
        url = viewed_file(url) or url
        ext = attachment_ext(url)
        if ext and url.startswith(("http://", "https://")) and url not in found:
            found[url] = {"url": url, "name": squash(element.get("title")) or None, "ext": ext}
    return list(found.values())
