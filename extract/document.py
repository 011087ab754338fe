"""``extract_document``: one page's bytes → one JSON-ready dict (contract: docs/extraction.md).

Steps:

1. Sniff the bytes; attachments (PDF, DOCX, XLSX, DOC, XLS) are read in a bounded child
   process (``attachment.py``), scanned pages and images by OCR (``scanned.py``); other non-HTML
   types are flagged ``attachment_not_extracted``.
2. Refuse bodies over ``MAX_BODY_BYTES`` (flag ``too_large``).
3. Decode (BOM > header > meta > detection, strict; ``decode.py``).
4. Parse once with lxml (``parse.py``), drop junk elements.
5. Read metadata from <meta> tags and the labelled block, then mark that block for removal.
6. Prune chrome on a copy (``chrome.py``) and run the body cascade on it (``body.py``).
7. Tables, attachments, report year, flags.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urljoin

from lxml import etree

from nianbao import fields
from nianbao.errors import ExtractionError, NianbaoError
from nianbao.pages import SHELL_PLACEHOLDERS, decode_html, garbled, is_soft_404, rule_flags, template_placeholders

from .attachment import extract_attachment
from .body import Body, find_body, mark_containers
from .chrome import KEEP_MARK, prune_chrome, strip_junk
from .datadoc import read_json
from .density import text_weights
from .links import attachment_blocks, base_url, embedded_attachments, find_attachments
from .listpage import Row, inline_scripts, is_list_page, list_rows
from .metadata import (
    BLOCK_MARK,
    choose_fields,
    mark_metadata_blocks,
    mark_title,
    page_title,
    read_meta_tags,
    scan_labels,
    site_fields,
)
from .parse import MAX_BODY_BYTES, drop, parse_html, text_of
from .quality import is_damaged
from .reports import describe_table, failed_checks
from .sniff import sniff_content_type
from .tables import MAX_GRID_CELLS, cell_text, cells_of, grid_cells, is_data_table, rows_of, table_grid
from .version import EXTRACTOR_VERSION
from .year import names_a_report, report_year

KEYS = fields.KEYS
LABELLED_FIELDS = fields.LABELLED
# The stage of a list page, whose text is its rows (and which has no report year).
LIST_STAGE = "list"
# A source table counts as part of a trafilatura body when this share of its cells is in the text.
TABLE_OVERLAP = 0.5
# Cells of a table looked for in the text (evenly spread): a sample decides, and bounds the work.
OVERLAP_SAMPLE = 200


def extract_document(body: bytes, url: str, headers: Mapping[str, str] | None = None, *,
                     ocr: bool = True) -> dict[str, Any]:
    """Extract one fetched document; every key of ``KEYS`` is present, missing values are None.

    ``ocr`` False leaves scanned pages unread (flag ``needs_ocr``, extractor version pending): a
    crawl defers OCR so that a scan never holds up fetching, and reads them after the crawl.
    Bad input becomes flags. Only :mod:`nianbao.errors` exceptions escape: an unexpected failure
    is raised as :class:`~nianbao.errors.ExtractionError` naming the URL, for the caller to record.
    """
    try:
        return _extract(body, url, headers, ocr)
    except NianbaoError:
        raise
    except Exception as exc:
        raise ExtractionError(f"cannot extract {url}: {type(exc).__name__}: {exc}") from exc


def empty_result() -> dict[str, Any]:
    """The result skeleton: every key, nothing found yet."""
    result: dict[str, Any] = dict.fromkeys(KEYS)
    result.update(tables=[], attachments=[], flags=[], metadata_rules={}, ocr=[], is_soft_404=False,
                  extractor_version=EXTRACTOR_VERSION)
    return result


def _extract(body: bytes, url: str, headers: Mapping[str, str] | None, ocr: bool) -> dict[str, Any]:
    """Steps 1–3, then the tree steps."""
    result = empty_result()
    result["content_type"] = sniff_content_type(body)
    if result["content_type"] == "json" and len(body) <= MAX_BODY_BYTES:
        text, result["encoding"], result["encoding_rule"] = decode_html(body, headers)
        data = read_json(result, text)
        _fill_body(result, data, data.element)
        return _finish(result)
    if result["content_type"] != "html":
        extract_attachment(result, body, ocr=ocr)
        return _finish(result)
    if len(body) > MAX_BODY_BYTES:
        result["flags"].append("too_large")
        return result
    text, result["encoding"], result["encoding_rule"] = decode_html(body, headers)
    result["flags"].extend(rule_flags(result["encoding_rule"]))
    tree, parse_flags = parse_html(text)
    result["flags"].extend(parse_flags)
    if tree is None:
        result["flags"].append("no_body")
        return result
    _from_tree(result, tree, url)
    return _finish(result)


def _from_tree(result: dict[str, Any], tree: etree._Element, url: str) -> None:
    """Steps 4–7 on a parsed page."""
    meta = read_meta_tags(tree)
    scripts = inline_scripts(tree)
    base = base_url(tree, url)
    shown = embedded_attachments(tree, base)  # files shown in frames: read before frames are dropped
    strip_junk(tree)
    mark_containers(tree)
    _metadata(result, tree, meta)
    page_text = _page_text(tree)
    result["is_soft_404"] = is_soft_404(page_text, result["title"])
    blocks = attachment_blocks(tree)
    mark_title(tree, result["title"])
    pruned, reverted = prune_chrome(tree)
    result["flags"].extend(["chrome_prune_reverted"] if reverted else [])
    for element in pruned.xpath(f"//*[@{BLOCK_MARK}][not(@{KEEP_MARK})]"):
        drop(element)
    rows = list_rows(pruned, scripts)
    files = {a["url"] for a in [*find_attachments(blocks, url), *shown]}
    if rows and not files - {urljoin(url, row.url or "") for row in rows} \
            and is_list_page(rows, text_weights(pruned), next(pruned.iter("body"), pruned)):
        _fill_list(result, rows)  # (a page with files of its own besides its rows is a document)
        return
    found = find_body(pruned, url, links_attachments=bool(files))
    _fill_body(result, found, pruned)
    _shell(result, page_text)
    holders = [found.element] if found.element is not None else []
    linked = find_attachments([*holders, *blocks], base)
    result["attachments"] = linked + [a for a in shown if a["url"] not in {b["url"] for b in linked}]


def _metadata(result: dict[str, Any], tree: etree._Element, meta: dict[str, str]) -> None:
    """The labelled fields, the title, the site fields, and the rule behind each."""
    hits = scan_labels(tree)
    labelled, rules = choose_fields(hits, mark_metadata_blocks(hits), meta)
    result.update(site_fields(meta))
    result.update({key: labelled[key] for key in LABELLED_FIELDS})
    result["title"], title_rule = page_title(tree, meta, labelled["title"])
    rules = {**rules, "title": title_rule} if title_rule else rules
    result["metadata_rules"] = {key: rule for key, rule in rules.items() if result.get(key)}


def _fill_list(result: dict[str, Any], rows: list[Row]) -> None:
    """A list page: its rows are its text; the labels and dates on it belong to no document."""
    result.update(dict.fromkeys(key for key in LABELLED_FIELDS if key != "title"))
    result["metadata_rules"] = {k: v for k, v in result["metadata_rules"].items() if k == "title"}
    result["text"] = "\n".join(row.line() for row in rows)
    result["stage"] = LIST_STAGE


def _shell(result: dict[str, Any], page_text: str) -> None:
    """Flag a page drawn by JavaScript (template placeholders where its text should be); its
    placeholder lines are no text of the document."""
    if template_placeholders(page_text) < SHELL_PLACEHOLDERS:
        return
    result["flags"].append("js_shell")
    lines = [line for line in (result["text"] or "").split("\n") if not template_placeholders(line)]
    result["text"] = "\n".join(lines) or None


def _fill_body(result: dict[str, Any], found: Body, pruned: etree._Element) -> None:
    """text, stage, tables and the body's flags."""
    result["stage"] = found.stage
    result["text"] = "\n".join(found.lines) or None
    result["flags"].extend(found.flags)
    if found.element is None:
        return
    budget = MAX_GRID_CELLS
    for table in _body_tables(found, pruned):
        if budget <= 0:  # the document's cell budget is spent: this table's rows are in the text only
            result["flags"].append("truncated")
            break
        grid, truncated = table_grid(table, budget)
        budget -= grid_cells(grid)
        rows = [[cell_text(c) for c in cells_of(r)] for r in rows_of(table)[:len(grid)]]
        described = describe_table(grid, rows)
        result["tables"].append(described)
        if truncated:
            described["truncated"] = True
            result["flags"].append("truncated")
        if failed_checks(described["checks"]):
            result["flags"].append(f"{described['kind']}_unbalanced")


def _body_tables(found: Body, pruned: etree._Element) -> list[etree._Element]:
    """Data tables of the body; for trafilatura, the page's tables whose cells it kept."""
    if found.element is None:
        return []
    if found.stage != "trafilatura":
        return [t for t in found.element.iter("table") if is_data_table(t)]
    text = "\n".join(found.lines)
    return [t for t in pruned.iter("table") if is_data_table(t) and _overlaps(t, text)]


def _overlaps(table: etree._Element, text: str) -> bool:
    """Most non-empty cells of ``table`` (of an even sample of them) occur in ``text``."""
    cells = [cell_text(c) for r in rows_of(table) for c in cells_of(r)]
    cells = [c for c in cells if c]
    cells = cells[::max(1, len(cells) // OVERLAP_SAMPLE)]
    return bool(cells) and sum(c in text for c in cells) >= len(cells) * TABLE_OVERLAP


def _drop_garbled(result: dict[str, Any]) -> None:
    """A page's title or text that is mostly U+FFFD or mojibake is not kept as text: flagged ``garbled``
    (the bytes stay in the archive for a better decoder)."""
    if result["content_type"] != "html":
        return
    for key in ("title", "text"):
        if result[key] and garbled(result[key]):
            result[key] = None
            result["flags"].append("garbled")


def _page_text(tree: etree._Element) -> str:
    """Visible text of the whole page body (junk already stripped)."""
    page = next(tree.iter("body"), None)
    return text_of(page) if page is not None else text_of(tree)


def _finish(result: dict[str, Any]) -> dict[str, Any]:
    """Derived fields and page-level flags."""
    _drop_garbled(result)
    if result["stage"] != LIST_STAGE and (result["content_type"] != "html"
                                          or names_a_report(result["title"], result["text"])):
        result["report_year"], result["report_year_rule"] = report_year(
            result["title"], result["text"], result["publish_date"]
        )
    lossy = "decode_lossy" in result["flags"]
    if not lossy and is_damaged(f"{result['title'] or ''}\n{result['text'] or ''}"):
        result["flags"].append("source_damaged")
    if result["is_soft_404"]:
        result["flags"].append("soft_404")
    result["flags"] = list(dict.fromkeys(result["flags"]))
    return result
