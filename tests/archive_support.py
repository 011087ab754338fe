"""Helpers for the archive tests: hand-built extractions, a toy extractor, and a checked archive fixture."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Mapping
from typing import Any

from archive import schema
from nianbao.capture import Capture
from nianbao.errors import ExtractionError

EXTRACTION_KEYS = (
    "title", "text", "index_no", "topic", "issuer", "written_date", "publish_date", "doc_no", "validity",
    "keywords", "site_name", "site_id_code", "report_year", "report_year_rule", "region", "encoding",
    "encoding_rule", "content_type", "tables", "attachments", "flags", "stage", "metadata_rules", "ocr",
    "is_soft_404",
    "extractor_version",
)

REPORT_TEXT = (
    "本报告依据《中华人民共和国政府信息公开条例》编制。\n"
    "一、总体情况\n"
    "2022年，全市政府信息公开工作扎实推进，依申请公开办理规范。\n"
    "二、主动公开政府信息情况\n"
    "三、收到和处理政府信息公开申请情况\n"
)


def extraction(**fields: Any) -> dict[str, Any]:
    """A complete extraction dict as extract produces it; ``fields`` override the defaults."""
    result: dict[str, Any] = dict.fromkeys(EXTRACTION_KEYS)
    result.update(
        title="青岚市2022年政府信息公开工作年度报告", text=REPORT_TEXT, issuer="青岚市人民政府办公室",
        publish_date="2023-01-20", report_year=2022, report_year_rule="title", encoding="utf-8",
        encoding_rule="http-header", content_type="html", tables=[], attachments=[], flags=[],
        stage="container:#zoom", metadata_rules={}, ocr=[], is_soft_404=False, extractor_version="1",
    )
    result.update(fields)
    return result


def page(url: str = "http://qinglan.example/xxgk/2023/t1.html", *, site: str = "qinglan",
         body: bytes | None = None, **fields: Any) -> Capture:
    """A 200 page capture whose extraction comes from the toy extractor (as the pipeline would do)."""
    body = body if body is not None else report_body()
    extraction_fields = {k: fields.pop(k) for k in list(fields) if k in EXTRACTION_KEYS}
    result = {**toy_extract(body, url, None), **extraction_fields}
    return Capture(url=url, site=site, status=200, body=body, extraction=result, **fields)


def report_body(text: str = REPORT_TEXT, *, title: str = "青岚市2022年政府信息公开工作年度报告",
                header_date: str = "2023-02-01 星期三") -> bytes:
    """A tiny 'page': a chrome date line, the title, then the text (see toy_extract)."""
    return f"{header_date}\n{title}\n{text}".encode()


_HEADER_DATE = re.compile(r"^\d{4}-\d{2}-\d{2} 星期[一二三四五六日]$")


def toy_extract(body: bytes, url: str, headers: Mapping[str, str] | None) -> dict[str, Any]:
    """A minimal extractor over report_body() bytes: drops the chrome date line like the real one."""
    if body.startswith(b"BROKEN"):
        raise ExtractionError("toy extractor cannot read this body")
    lines = [line for line in body.decode("utf-8").split("\n") if not _HEADER_DATE.match(line)]
    title, text = (lines[0], "\n".join(lines[1:])) if lines else (None, "")
    return extraction(title=title, text=text, is_soft_404="页面不存在" in text)


def toy_extract_v2(body: bytes, url: str, headers: Mapping[str, str] | None) -> dict[str, Any]:
    """A 'newer' toy extractor that also drops 浏览次数 counter lines, which v1 kept."""
    result = toy_extract(body, url, headers)
    result["text"] = "\n".join(line for line in result["text"].split("\n") if not line.startswith("浏览次数"))
    return result


def error(url: str, error_class: str, *, site: str = "qinglan", status: int | None = None,
          kind: str = "page", **fields: Any) -> Capture:
    """A failed fetch."""
    return Capture(url=url, site=site, kind=kind, status=status, error_class=error_class,
                   error_message=f"{error_class} while fetching", **fields)


def not_modified(url: str, *, site: str = "qinglan") -> Capture:
    """A 304 answer to a conditional request."""
    return Capture(url=url, site=site, status=304)


def undo_capture_keys(conn: sqlite3.Connection) -> None:
    """Give an archive schema 14's layout again: captures without capture keys."""
    conn.execute("DROP INDEX captures_capture_key")
    conn.execute("ALTER TABLE captures DROP COLUMN capture_key")
    conn.execute("DELETE FROM _sqlite_migrations WHERE name = '015_capture_keys'")
    conn.execute("UPDATE schema_meta SET value = '14' WHERE key = 'schema_version'")


def undo_ocr(conn: sqlite3.Connection) -> None:
    """Give an archive schema 13's layout again: versions without their OCR records."""
    undo_capture_keys(conn)  # migration 015's, which comes after
    conn.execute("DROP VIEW versions")
    conn.execute(schema._VERSIONS_VIEW_013)  # first: the column cannot go while a view names it
    conn.execute("ALTER TABLE version_rows DROP COLUMN ocr")
    conn.execute("DELETE FROM _sqlite_migrations WHERE name = '014_ocr'")
    conn.execute("UPDATE schema_meta SET value = '13' WHERE key = 'schema_version'")


def undo_metadata_rules(conn: sqlite3.Connection) -> None:
    """Give an archive schema 12's layout again: versions without the rule behind each metadata field."""
    undo_ocr(conn)  # migration 014's, which comes after
    conn.execute("DROP VIEW versions")
    conn.execute(schema._VERSIONS_VIEW_009)
    conn.execute("ALTER TABLE version_rows DROP COLUMN metadata_rules")
    conn.execute("DELETE FROM _sqlite_migrations WHERE name = '013_metadata_rules'")
    conn.execute("UPDATE schema_meta SET value = '12' WHERE key = 'schema_version'")


def undo_document_identity(conn: sqlite3.Connection) -> None:
    """Give an archive schema 11's layout again: documents keyed by URL alone, no revisit times."""
    undo_metadata_rules(conn)
    for statement in ("DROP TABLE document_urls", "DROP TABLE site_aliases", "DROP INDEX documents_next_visit",
                      "DROP INDEX version_rows_title",
                      "DROP INDEX captures_site_key", "ALTER TABLE documents DROP COLUMN next_visit",
                      "ALTER TABLE documents DROP COLUMN revisit_days", "ALTER TABLE documents DROP COLUMN revisit_reason",
                      "ALTER TABLE captures DROP COLUMN key"):
        conn.execute(statement)
    conn.execute("DELETE FROM _sqlite_migrations WHERE name = '012_document_identity'")
    conn.execute("UPDATE schema_meta SET value = '11' WHERE key = 'schema_version'")


def undo_text_deltas(conn: sqlite3.Connection) -> None:
    """Give an archive schema 8's layout again: versions a table with every text plain."""
    undo_document_identity(conn)
    conn.execute("UPDATE version_rows SET text = (SELECT text FROM versions v WHERE v.id = version_rows.id), "
                 "text_base = NULL, text_delta = NULL WHERE text_delta IS NOT NULL")
    for view in ("search_source", "current_reports", "removed_documents", "changes", "versions"):
        conn.execute(f"DROP VIEW {view}")
    conn.execute("ALTER TABLE version_rows DROP COLUMN text_delta")
    conn.execute("ALTER TABLE version_rows DROP COLUMN text_base")
    conn.execute("ALTER TABLE version_rows RENAME TO versions")
    for statement in schema._statements(schema._SEARCH_SOURCE + ";" + schema._VIEWS):
        conn.execute(statement)
    conn.execute("DELETE FROM _sqlite_migrations WHERE name IN ('009_text_deltas', '010_reports_family', '011_run_partial')")
    conn.execute("UPDATE schema_meta SET value = '8' WHERE key = 'schema_version'")
