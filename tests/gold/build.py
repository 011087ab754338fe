"""Build the gold set from the fixture portal's ground truth: ``python -m tests.gold.build``.

Starts the portal (seed 7), picks pages of every family, layout and page shape, fetches each
over HTTP and writes its bytes (``pages/<id>.<ext>``), how it was served (``pages/<id>.json``:
URL and headers) and what extraction must give (``expected/<id>.json``). Expected values come
from the portal's truth and its documents' blocks, never from the extractor. Two hand-written
pages cover shapes the portal lacks (``source: "hand"`` in ``manifest.json``).

URLs are rewritten to each site's own domain so the files do not depend on the ports used.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from fixture_portal import FixturePortal, files, gkmlpt
from fixture_portal.catalogue import SiteSpec
from fixture_portal.model import CHROME_PHRASES, Block, Document, Para, Table

from . import hand, layouts

GOLD = Path(__file__).parent
LAYOUTS = ("pre2019", "2019", "2021")
CODECS = {"gbk": "gb18030", "gb18030": "gb18030", "utf-8": "utf-8", "utf-8-sig": "utf-8"}
# Page furniture of every fixture page that no body ever contains (checked when building).
CHROME = (*CHROME_PHRASES, "设为首页", "加入收藏", "站内搜索", "热点专题", "国务院部门网站", "网站声明",
          "建议使用", "政府网站找错", "上一篇", "下一篇", "星期")
# Family-wide values the fixture prints for every report of that family.
FAMILY_VALUES = {"gkmlpt": {"keywords": gkmlpt.KEYWORDS}, "jpaas": {"validity": "有效", "topic": None}}  # jpaas shows 组配分类, not 主题分类
SERVED_HEADERS = ("content-type", "content-disposition")


def main() -> None:
    """Rebuild pages/, expected/, manifest.json and chrome.json."""
    for folder in (GOLD / "pages", GOLD / "expected"):
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir()
    entries = []
    with FixturePortal(seed=7) as portal, httpx.Client(follow_redirects=True) as client:
        for entry in picks(portal):
            entries.append(write(entry, client))
    with FixturePortal(seed=7, families=(), variants=True) as portal, httpx.Client() as client:
        for entry in layouts.picks(portal, lambda blocks: body_text(blocks)):
            entries.append(write(entry, client))
    entries += [write_hand(page) for page in hand.PAGES]
    manifest = {"about": "gold extraction set; rebuild with python -m tests.gold.build", "entries": entries}
    (GOLD / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", "utf-8")
    (GOLD / "chrome.json").write_text(json.dumps(CHROME, ensure_ascii=False, indent=1) + "\n", "utf-8")
    print(f"{len(entries)} gold entries")


def picks(portal: FixturePortal) -> Iterator[dict[str, Any]]:
    """Every page and attachment of the set, with its expected values."""
    truth = [t for t in portal.truth() if not t["removed"]]
    chosen: dict[str, tuple[dict[str, Any], list[str]]] = {}
    for family in sorted({t["family"] for t in truth}):
        for layout in LAYOUTS:
            report = next((t for t in truth if t["family"] == family and t["layout"] == layout
                           and not t["attachments"] and t["encoding_note"] is None and t["balance_ok"]), None)
            if report:
                chosen.setdefault(report["url"], (report, [f"layout:{layout}"]))
    for shape, test in SPECIAL_SHAPES.items():
        for report in [t for t in truth if test(t)][:1]:
            chosen.setdefault(report["url"], (report, []))[1].append(shape)
    for report in [t for t in truth if t["family"] == "attachments"][:5]:
        chosen.setdefault(report["url"], (report, []))[1].append("attachment-only")
    for report, shapes in chosen.values():
        yield page_entry(portal, report, shapes)
        for att in report["attachments"]:
            yield attachment_entry(portal, report, att)
    yield soft_404_entry(portal)


SPECIAL_SHAPES = {
    "charset-lie": lambda t: t["encoding_note"] is not None,
    "table3-unbalanced": lambda t: not t["balance_ok"],
    "html+pdf": lambda t: t["family"] == "hanweb_get" and bool(t["attachments"]),
    "html+docx": lambda t: t["family"] == "gkmlpt" and bool(t["attachments"]),
}


def page_entry(portal: FixturePortal, report: dict[str, Any], shapes: list[str]) -> dict[str, Any]:
    """An HTML detail page and every field its truth states."""
    doc = portal.document(report["url"])
    spec = portal.apps[report["site"]].spec
    expected = {
        "text": body_text(portal.state.blocks(doc)),
        **{k: report[k] for k in ("title", "index_no", "topic", "issuer", "written_date", "publish_date",
                                  "doc_no", "report_year")},
        "validity": None, "keywords": None, **FAMILY_VALUES.get(report["family"], {}),
        "site_name": spec.site_name, "site_id_code": spec.site_code, "region": spec.division,
        "encoding": CODECS[spec.codec], "content_type": "html", "is_soft_404": False,
        "tables": report["tables"],
    }
    if not report["balance_ok"]:
        expected["flags"] = ["table3_unbalanced"]
    return {"id": f"{report['family']}-{report['report_year']}-{doc.number}", "url": report["url"],
            "spec": spec, "family": report["family"], "shapes": shapes, "expected": expected}


def attachment_entry(portal: FixturePortal, report: dict[str, Any], att: dict[str, Any]) -> dict[str, Any]:
    """An attachment file: its text as the file holds it, and the report's title and year."""
    doc = portal.document(report["url"])
    readable = not (att["needs_ocr"] or att["malformed"])
    expected: dict[str, Any] = {
        "text": attachment_text(doc, att) if readable else None,
        "title": doc.title if readable or att["needs_ocr"] else None,
        "report_year": doc.report_year if readable or att["needs_ocr"] else None,
        **dict.fromkeys(("index_no", "topic", "issuer", "written_date", "publish_date", "doc_no", "validity",
                         "keywords", "site_name", "site_id_code", "region", "encoding")),
        "content_type": att["ext"], "is_soft_404": False,
    }
    if att["tables"] is not None:
        expected["tables"] = att["tables"]
    if not readable:
        expected["flags"] = ["needs_ocr" if att["needs_ocr"] else "attachment_malformed"]
    shape = "scan" if att["needs_ocr"] else "truncated" if att["malformed"] else att["ext"]
    return {"id": f"{report['family']}-{report['report_year']}-{doc.number}-{shape}", "url": att["url"],
            "spec": portal.apps[report["site"]].spec, "family": report["family"],
            "shapes": [f"attachment:{shape}"], "expected": expected, "ext": att["ext"]}


def soft_404_entry(portal: FixturePortal) -> dict[str, Any]:
    """The vanished column that answers 200 with an error page."""
    error = next(e for e in portal.expected_errors() if e["kind"] == "soft_404")
    site = next(name for name, s in portal.sites.items() if error["url"].startswith(s.base_url))
    spec = portal.apps[site].spec
    return {"id": f"{spec.family}-soft-404", "url": error["url"], "spec": spec, "family": spec.family,
            "shapes": ["soft-404"], "expected": {"is_soft_404": True, "content_type": "html",
                                                 "encoding": CODECS[spec.codec], "flags": ["soft_404"]}}


def body_text(blocks: list[Block], rows: Callable[[Table], list[list[str]]] | None = None) -> str:
    """The body as the contract renders it: one paragraph per line, table rows as ``a | b`` (an HTML
    row's own cells, or for office files ``rows_read_whole``)."""
    lines: list[str] = []
    for block in blocks:
        if isinstance(block, Para):
            lines.append(block.text)
        elif isinstance(block, Table):
            texts = rows(block) if rows else [[c.text for c in cells] for cells in block.rows]
            lines.extend(row for row in (" | ".join(cells).rstrip() for cells in texts) if row.strip(" |"))
    return "\n".join(lines)


def rows_read_whole(table: Table) -> list[list[str]]:
    """Each row as an office file's row reads: every cell it crosses once, a cell merged down rows
    in each of them."""
    owner: dict[tuple[int, int], int] = {}
    texts = []
    for number, (r, c, cell) in enumerate(files.cell_slots(table)):
        texts.append(cell.text)
        owner.update({(r + dr, c + dc): number for dr in range(cell.rowspan) for dc in range(cell.colspan)})
    height, width = max(r for r, _ in owner) + 1, max(c for _, c in owner) + 1
    return [[texts[owner[(r, c)]] for c in range(width)
             if (r, c) in owner and (c == 0 or owner.get((r, c - 1)) != owner[(r, c)])] for r in range(height)]


def attachment_text(doc: Document, att: dict[str, Any]) -> str:
    """What the file holds, in order: a PDF's printed lines, an office file's paragraphs and rows."""
    if att["ext"] == "pdf":
        served = next(a for a in doc.attachments if (a.name, a.ext) == (att["name"], att["ext"]))
        printed = files.pdf_lines(doc.title, doc.attached, with_tables=served.holds == "full")
        return "\n".join("".join(lines) for lines in printed)
    if att["ext"] == "xlsx":
        return body_text([b for b in doc.attached if isinstance(b, Table)], rows_read_whole)
    return "\n".join([doc.title, body_text(doc.attached, rows_read_whole)])


def write(entry: dict[str, Any], client: httpx.Client) -> dict[str, Any]:
    """Fetch one entry and write its three files; return its manifest line."""
    response = client.get(entry["url"])
    spec: SiteSpec = entry["spec"]
    url = rehost(str(response.url), spec)
    headers = {k: v for k, v in response.headers.items() if k.lower() in SERVED_HEADERS}
    name = f"{entry['id']}.{entry.get('ext', 'reply.json' if entry['expected'].get('content_type') == 'json' else 'html')}"
    (GOLD / "pages" / name).write_bytes(response.content)
    _json(GOLD / "pages" / f"{entry['id']}.json", {"url": url, "status": response.status_code, "headers": headers})
    check_clean(entry["expected"].get("text"), spec)
    _json(GOLD / "expected" / f"{entry['id']}.json", entry["expected"])
    return {"id": entry["id"], "file": name, "family": entry["family"], "source": "fixture",
            "shapes": entry["shapes"], "chrome": [spec.icp, spec.police]}


def write_hand(page: hand.HandPage) -> dict[str, Any]:
    """A hand-written page and its hand-written expectation."""
    found = [c for c in (*CHROME, *page.chrome) if c in page.expected["text"]]
    if found:
        raise ValueError(f"expected text of {page.id} holds chrome {found}")
    name = f"{page.id}.html"
    (GOLD / "pages" / name).write_bytes(page.body)
    _json(GOLD / "pages" / f"{page.id}.json", {"url": page.url, "status": 200, "headers": page.headers})
    _json(GOLD / "expected" / f"{page.id}.json", page.expected)
    return {"id": page.id, "file": name, "family": "hand", "source": "hand", "shapes": page.shapes,
            "chrome": list(page.chrome)}


def rehost(url: str, spec: SiteSpec) -> str:
    """The URL on the site's own domain instead of 127.0.0.1:port."""
    parts = urlsplit(url)
    return f"http://{spec.domain}{parts.path}" + (f"?{parts.query}" if parts.query else "")


def check_clean(text: str | None, spec: SiteSpec) -> None:
    """An expected body must hold no chrome string, or leakage would be ill-defined."""
    found = [c for c in (*CHROME, spec.icp, spec.police) if text and c in text]
    if found:
        raise ValueError(f"expected text holds chrome {found}")


def _json(path: Path, data: Any) -> None:
    """Write pretty UTF-8 JSON."""
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
