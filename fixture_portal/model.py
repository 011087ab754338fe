"""Plain data the fixture portal is made of: units, documents and their body blocks."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

# Phrases that belong to page chrome; a document body must never contain one of them, so a
# crawler whose archive holds any of them kept chrome by mistake.
CHROME_PHRASES = (
    "当前位置", "字号", "打印本页", "关闭窗口", "扫一扫在手机打开当前页", "返回顶部", "版权所有",
    "ICP备", "网站标识码", "分享到", "我要纠错", "责任编辑", "网站地图", "无障碍", "长者模式", "相关链接",
)

REPORT = "report"    # a 年报 the crawler must archive
OTHER = "other"      # a non-年报 item listed in the 年报 column
MISSING = "missing"  # a 年报 title whose detail link answers 404


@dataclass(frozen=True)
class Unit:
    """A body that publishes reports (government, department, township)."""

    name: str
    office: str
    org_code: str
    kind: str
    first_year: int


@dataclass(frozen=True)
class Para:
    """One body paragraph; ``role`` is text, heading, caption or signature."""

    text: str
    role: str = "text"


@dataclass(frozen=True)
class Image:
    """An image inside a body; ``number`` makes its file name unique within the site."""

    number: int


@dataclass(frozen=True)
class Cell:
    """One table cell as written in HTML; ``nbsp`` renders an empty cell as ``&nbsp;``."""

    text: str
    rowspan: int = 1
    colspan: int = 1
    nbsp: bool = False


@dataclass(frozen=True)
class Table:
    """A body table as rows of cells (spans not expanded)."""

    rows: tuple[tuple[Cell, ...], ...]


Block = Para | Image | Table


@dataclass(frozen=True)
class Attachment:
    """A file linked from a detail page."""

    number: int
    ext: str  # pdf, docx, xlsx
    name: str  # the Chinese file name shown on the page
    form: str = "text"  # text (a real text layer), scan (image-only PDF), truncated (cut-off bytes)
    holds: str = "full"  # what of the report it carries: full, paragraphs, tables
    disposition: bool = False  # sent with Content-Disposition: attachment and the Chinese name
    shown: str = "link"  # how the page offers it: a link, an online viewer in a frame, or an embed


@dataclass
class Document:
    """One item listed in a 年报 column: a report, another notice, or a dead link."""

    key: str
    site: str
    kind: str
    title: str
    unit: Unit
    index_no: str
    topic: str | None
    doc_no: str | None
    published: datetime
    written: date | None
    number: int
    blocks: list[Block] = field(default_factory=list)
    report_year: int | None = None
    layout: str | None = None
    balance_ok: bool = True
    header_charset: str | None = None
    encoding_note: str | None = None
    attachments: tuple[Attachment, ...] = ()
    attached: list[Block] = field(default_factory=list)  # the report body held by the attachments
    section: str = ""  # the sub-column listing it, for families that split a column (set by arrange)
    variant: int | None = None  # the page shape of a family that serves several (set by arrange)


def chrome_phrases_in(text: str) -> list[str]:
    """The chrome phrases that occur in ``text``."""
    return [phrase for phrase in CHROME_PHRASES if phrase in text]


def check_clean(text: str) -> str:
    """Return ``text`` unchanged, or raise if it carries a chrome phrase."""
    found = chrome_phrases_in(text)
    if found:
        raise ValueError(f"body text must not contain chrome phrases {found}: {text[:60]!r}")
    return text
