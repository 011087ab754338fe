"""The one table of extraction fields: what extraction returns, the archive stores, exports and shows.

Every list of field names elsewhere derives from :data:`FIELDS`: the keys of an extraction result
(``extract.KEYS``), the columns of a version (``archive.schema.EXTRACTION_COLUMNS``), the fields whose
change makes a new version (``CONTENT_FIELDS``), the JSON-encoded columns, the export keys and what
``nianbao show`` prints. Adding a field is one row here, its extraction rule, and a migration that adds
the column (migrations are frozen: they never read this table). The meaning of each field is in
``docs/extraction.md``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, TypedDict

Kind = Literal["text", "date", "int", "json", "bool"]


@dataclass(frozen=True)
class Field:
    """One key of an extraction result, and where it goes."""

    name: str
    kind: Kind
    stored: bool = True  # a column of every version
    content: bool = False  # a change of it makes a new version (how the text was obtained does not)
    labelled: bool = False  # read from a page's labelled metadata block (索引号：…)
    exported: bool = True  # a key of JSON Lines and a CSV column (text and tables: JSON Lines only)
    shown: bool = False  # printed by `nianbao show` among the metadata lines


FIELDS: tuple[Field, ...] = (
    Field("title", "text", content=True),
    Field("text", "text", content=True),
    Field("index_no", "text", content=True, labelled=True, shown=True),
    Field("topic", "text", content=True, labelled=True, shown=True),
    Field("issuer", "text", content=True, labelled=True, shown=True),
    Field("written_date", "date", content=True, labelled=True, shown=True),
    Field("publish_date", "date", content=True, labelled=True, shown=True),
    Field("doc_no", "text", content=True, labelled=True, shown=True),
    Field("validity", "text", content=True, labelled=True, shown=True),
    Field("keywords", "text", content=True, labelled=True, shown=True),
    Field("site_name", "text", content=True, shown=True),
    Field("site_id_code", "text", content=True, shown=True),
    Field("report_year", "int", content=True, shown=True),
    Field("report_year_rule", "text"),
    Field("region", "text", content=True, shown=True),
    Field("encoding", "text", shown=True),
    Field("encoding_rule", "text", exported=False),
    Field("content_type", "text", content=True, shown=True),
    Field("tables", "json", content=True),
    Field("attachments", "json", content=True),
    Field("flags", "json"),
    Field("stage", "text"),
    Field("metadata_rules", "json"),  # which rule set each metadata field: {"issuer": "label:信息来源", …}
    Field("ocr", "json"),  # how scanned pages were read: a record per page (engine, version, confidence)
    Field("is_soft_404", "bool", stored=False, exported=False),  # decides the capture's outcome, not stored
    Field("extractor_version", "text", shown=True),
)

# An extraction that left scanned pages unread (OCR deferred by a crawl, or not installed) records
# its extractor version with this suffix: it is then stale, and the next re-extraction reads them.
OCR_PENDING = "+ocr-pending"

KEYS = tuple(f.name for f in FIELDS)
STORED = tuple(f.name for f in FIELDS if f.stored)
JSON_FIELDS = tuple(f.name for f in FIELDS if f.stored and f.kind == "json")
CONTENT_FIELDS = tuple(f.name for f in FIELDS if f.content)
LABELLED = tuple(f.name for f in FIELDS if f.labelled)
EXPORTED = tuple(f.name for f in FIELDS if f.stored and f.exported)
SHOWN = tuple(f.name for f in FIELDS if f.shown)


class ExtractionResult(TypedDict):
    """An extraction result, as ``extract.extract_document`` returns it (tests check it matches FIELDS)."""

    title: str | None
    text: str | None
    index_no: str | None
    topic: str | None
    issuer: str | None
    written_date: str | None
    publish_date: str | None
    doc_no: str | None
    validity: str | None
    keywords: str | None
    site_name: str | None
    site_id_code: str | None
    report_year: int | None
    report_year_rule: str | None
    region: str | None
    encoding: str | None
    encoding_rule: str | None
    content_type: str | None
    tables: list[dict[str, Any]]
    attachments: list[dict[str, str | None]]
    flags: list[str]
    stage: str | None
    metadata_rules: dict[str, str]
    ocr: list[dict[str, Any]]
    is_soft_404: bool
    extractor_version: str
