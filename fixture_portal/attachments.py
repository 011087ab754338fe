"""Reports published as attachments: how a report is packaged, the files served, and their truth."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from datetime import datetime
from email.utils import format_datetime
from urllib.parse import quote

from . import files
from .markup import esc, grids_of, paragraphs_of
from .model import Attachment, Document, Para, Table
from .server import Response
from .state import beijing_to_utc

PAGE_NOTE = "现将《{title}》全文发布，详见附件。"
# Packaging → (the detail page keeps the report body, attachments as (ext, holds, form, disposition)).
PACKAGINGS: dict[str, tuple[bool, tuple[tuple[str, str, str, bool], ...]]] = {
    "html": (True, ()),
    "html+pdf": (True, (("pdf", "full", "text", False),)),
    "html+docx": (True, (("docx", "full", "text", True),)),
    "pdf+xlsx": (False, (("pdf", "paragraphs", "text", False), ("xlsx", "tables", "text", True))),
    "docx": (False, (("docx", "full", "text", True),)),
    "pdf": (False, (("pdf", "full", "text", True),)),
    "all": (
        False,
        (
            ("pdf", "paragraphs", "text", False),
            ("docx", "full", "text", True),
            ("xlsx", "tables", "text", False),
        ),
    ),
    "scan": (False, (("pdf", "full", "scan", False),)),
    "truncated": (False, (("pdf", "full", "truncated", True),)),
    # the PDF shown in the page instead of linked: pdf.js in an iframe, or an <embed>
    "viewer": (False, (("pdf", "full", "text", False),)),
    "embed": (False, (("pdf", "full", "text", False),)),
}
SHOWN = {"viewer": "viewer", "embed": "embed"}  # packaging → how the page offers its file (else a link)
VIEWER = "/static/pdfjs/web/viewer.html?file={file}"
NAME_SUFFIX = {"xlsx": "统计表"}
MIME = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def package(doc: Document, packaging: str, numbers: Callable[[], int]) -> None:
    """Give a report the attachments its packaging names; move the body into them if the page is short."""
    keeps_body, planned = PACKAGINGS[packaging]
    has_tables = any(isinstance(b, Table) for b in doc.blocks)
    chosen = [p for p in planned if p[1] != "tables" or has_tables]
    if not chosen:
        return
    doc.attachments = tuple(
        Attachment(numbers(), ext, f"{doc.title}{NAME_SUFFIX.get(holds, '')}.{ext}", form, holds, disposition,
                   SHOWN.get(packaging, "link"))
        for ext, holds, form, disposition in chosen
    )
    doc.attached = list(doc.blocks)
    if not keeps_body:
        doc.blocks = [Para(PAGE_NOTE.format(title=doc.title))]


def hex_name(doc: Document, att: Attachment) -> str:
    """The 32-hex file name CMSs give uploads."""
    return hashlib.md5(f"{doc.key}:{att.number}".encode()).hexdigest()


def build(doc: Document, att: Attachment) -> bytes:
    """The bytes of one attachment."""
    if att.form == "scan":
        return files.scan_pdf(doc.title)
    if att.ext == "docx":
        return files.docx_file(doc.title, doc.attached)
    if att.ext == "xlsx":
        return files.xlsx_file(doc.title, [b for b in doc.attached if isinstance(b, Table)])
    data = files.text_pdf(doc.title, doc.attached, with_tables=att.holds == "full")
    return files.truncated(data) if att.form == "truncated" else data


class FileStore:
    """Attachment bytes, built on first request (office files take a while) and kept."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.cache: dict[tuple[str, int], bytes] = {}

    def data(self, doc: Document, att: Attachment) -> bytes:
        """The file's bytes (built once per portal)."""
        key = (doc.key, att.number)
        with self.lock:
            cached = self.cache.get(key)
        if cached is None:
            cached = build(doc, att)
            with self.lock:
                self.cache[key] = cached
        return cached

    def response(self, doc: Document, att: Attachment, not_modified: Callable[[str, datetime], bool]) -> Response:
        """The download as a static file server sends it: Content-Type, validators (ETag of mtime and size,
        as nginx makes it), a 304 when ``not_modified(etag, mtime)``, and for some a Chinese file name."""
        data = self.data(doc, att)
        modified = beijing_to_utc(doc.published)
        etag = f'"{int(modified.timestamp()):x}-{len(data):x}"'
        headers = {"Content-Type": MIME[att.ext], "Last-Modified": format_datetime(modified, usegmt=True),
                   "ETag": etag}
        if not_modified(etag, modified):
            return Response(304, b"", {k: v for k, v in headers.items() if k != "Content-Type"})
        if att.disposition:
            headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(att.name)}"
        return Response(200, data, headers)


def truth(doc: Document, att: Attachment, url: str) -> dict[str, object]:
    """What an attachment holds: paragraphs (title first) and span-expanded tables, where readable."""
    # None means "not checkable": a scan has no text layer (needs_ocr), a truncated file does not
    # open (malformed), and tables printed into a PDF are only lines of text.
    readable = att.form == "text"
    paragraphs = [doc.title, *paragraphs_of(doc.attached)] if readable and att.holds != "tables" else None
    tables = grids_of(doc.attached) if readable and att.holds != "paragraphs" and att.ext != "pdf" else None
    return {
        "url": url,
        "ext": att.ext,
        "name": att.name,
        "content_type": MIME[att.ext],
        "paragraphs": paragraphs,
        "tables": tables,
        "needs_ocr": att.form == "scan",
        "malformed": att.form == "truncated",
    }


def links(items: list[tuple[str, str]]) -> str:
    """The 附件 block under an article: (href, file name) per attachment."""
    lis = "".join(f'<li><a href="{esc(href)}" target="_blank">{esc(name)}</a></li>' for href, name in items)
    return f'<div class="attachment"><p>附件：</p><ul>{lis}</ul></div>' if items else ""


def offered(items: list[tuple[str, str, Attachment]]) -> str:
    """How an article offers its files, (href, absolute path, attachment) each: linked in a 附件 block,
    shown by pdf.js in a frame (the viewer reads the file's path from its query), or embedded."""
    shown = "".join(
        f'<iframe src="{esc(VIEWER.format(file=quote(path, safe="")))}" width="100%" height="900" frameborder="0">'
        "</iframe>" if att.shown == "viewer" else f'<embed src="{esc(href)}" type="application/pdf" width="100%" height="900">'
        for href, path, att in items if att.shown != "link")
    listed = links([(href, att.name) for href, _, att in items if att.shown == "link"])
    return (f'<div class="pdf-view">{shown}</div>' if shown else "") + listed
