"""What the commands print for people: a document version, a history, search snippets, archive counts."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from crawler.text_table import cell, plural, render, width
from nianbao import fields

SHA_PREFIX = 12
CELL_COLUMNS = 24  # a table cell is cut to this many display columns, so a wide 年报 table still fits
# Metadata printed by `show` and `extract`, in order; the text, tables and lists are printed on their own.
FIELDS = ("url", "document_id", "number", "document_status", "created_at", "sha256", *fields.SHOWN)
HISTORY_HEADINGS = ["fetched_at", "status", "outcome", "version", "sha256", "note"]


def show_lines(version: dict[str, Any]) -> list[str]:
    """A version (or an extraction): title, metadata, flags, attachments, each table as a table, then the text."""
    lines = [version.get("title") or "(no title)"]
    lines += [f"{name}: {version[name]}" for name in FIELDS if version.get(name) is not None]
    if version.get("flags"):
        lines.append("flags: " + ", ".join(version["flags"]))
    for attachment in version.get("attachments") or []:
        lines.append(f"attachment: {attachment.get('name') or '(unnamed)'}  {attachment.get('url', '')}".rstrip())
    for number, table in enumerate(version.get("tables") or [], start=1):
        lines += ["", f"table {number} ({table.get('kind') or 'table'}):", *grid_lines(table.get("grid") or [])]
    return [*lines, "", version.get("text") or "(no text)"]


def grid_lines(grid: Sequence[Sequence[Any]]) -> list[str]:
    """A table's grid of cells as aligned lines, each cell cut to CELL_COLUMNS."""
    if not grid:
        return ["  (empty)"]
    rows = [[clip(cell(value), CELL_COLUMNS) for value in row] for row in grid]
    columns = max(len(row) for row in rows)
    rows = [row + [""] * (columns - len(row)) for row in rows]
    return ["  " + line for line in render(rows[0], rows[1:])]


def clip(text: str, columns: int) -> str:
    """``text`` cut to at most ``columns`` display columns, with … where it was cut."""
    if width(text) <= columns:
        return text
    out = ""
    for char in text:
        if width(out + char) > columns - 1:
            break
        out += char
    return out + "…"


def history_lines(current: dict[str, Any], timeline: list[dict[str, Any]]) -> list[str]:
    """A header naming the document, then one line per capture."""
    header = [f"document {current['document_id']}: {current.get('title') or '(no title)'}",
              f"{current['url']}  ({current['document_status']}, {plural(current['number'], 'version')}, "
              f"{plural(len(timeline), 'capture')})", ""]
    return header + render(HISTORY_HEADINGS, [_history_cells(entry) for entry in timeline])


def _history_cells(entry: dict[str, Any]) -> list[Any]:
    """The printed cells of one capture."""
    note = entry["error_class"] or ""
    if entry["error_message"]:
        note = f"{note}: {entry['error_message']}" if note else entry["error_message"]
    return [entry["fetched_at"], entry["status"], entry["outcome"], entry["version"],
            (entry["sha256"] or "")[:SHA_PREFIX], note]


def whereabouts_lines(seen_at: list[dict[str, Any]], visit: dict[str, Any] | None) -> list[str]:
    """Every URL a document that moved was served at, then when it is next due and why (archive/revisit.py)."""
    lines = [f"seen at {place['url']} from {place['first_seen']} to {place['last_seen']}"
             for place in seen_at] if len(seen_at) > 1 else []
    if not visit or not visit["next_visit"]:
        return [*lines, "next visit: the next crawl (not scheduled yet)"]
    return [*lines, f"next visit: from {visit['next_visit']} ({visit['revisit_reason']})"]


def snippet_line(snippet: str) -> str:
    """A search snippet on one line; the match stays marked [like this]."""
    return cell(snippet)


def stats_lines(stats: dict[str, Any]) -> list[str]:
    """Archive counts as a two-column table; bytes also in MiB."""
    documents, captures = stats["documents"], stats["captures"]
    rows: list[list[Any]] = [
        ["sites", stats["sites"]],
        ["documents", f"{documents['total']} ({documents['live']} live, {documents['removed']} removed)"],
        ["reports", stats["reports"]],
        ["versions", stats["versions"]],
        ["captures", f"{captures['total']} ({_counts(captures)})"],
        ["blobs", stats["blobs"]],
        ["raw bytes", _bytes(stats["raw_bytes"])],
        ["stored bytes", _bytes(stats["stored_bytes"])],
        ["captured bytes", _bytes(stats["captured_bytes"])],
        ["runs", _counts(stats["runs"]) or "none"],
    ]
    return render(["", "count"], rows)[1:]


def _counts(by_name: dict[str, int]) -> str:
    return ", ".join(f"{name} {count}" for name, count in by_name.items() if name != "total")


def _bytes(count: int) -> str:
    return f"{count:,} ({count / 2**20:,.1f} MiB)"
