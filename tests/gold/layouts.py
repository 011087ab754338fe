"""Gold entries of the layouts site (``fixture_portal.variants``): a page per real metadata layout and
date-and-source line, a page per list layout, and the JSON a JavaScript page draws its document from.

Expected values come from the layouts' own data (``VariantsFamily.displayed``, the list pages'
documents), never from the extractor.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from fixture_portal import FixturePortal
from fixture_portal.markup import grids_of
from fixture_portal.pieces import list_chunks
from fixture_portal.variants import (
    COLUMN,
    COLUMN_NAME,
    LISTS,
    PER_PAGE,
    data_path,
    list_expected,
    page_name,
    shape_of,
)

SITE = "qingyuan"
LABELLED = ("index_no", "topic", "issuer", "written_date", "publish_date", "doc_no", "validity", "keywords")


def picks(portal: FixturePortal, body_text: Any) -> Iterator[dict[str, Any]]:
    """Every detail page, list page and data reply of the layouts site, with its expected values."""
    app = portal.apps[SITE]
    spec = app.spec
    site = {"site_name": spec.site_name, "site_id_code": spec.site_code, "region": spec.division,
            "encoding": "utf-8", "is_soft_404": False}
    for report in (t for t in portal.truth() if t["site"] == SITE):
        doc = portal.document(str(report["url"]))
        shape = shape_of(doc)
        expected = {**site, **{k: report[k] for k in (*LABELLED, "title", "report_year")},
                    "content_type": "html", "text": _page_text(doc, shape.body, body_text(app.state.blocks(doc))),
                    "tables": report["tables"]}
        if shape.body == "js-shell":
            expected.update(flags=["js_shell"], text=None, report_year=None)
            yield _entry(f"variants-data-{doc.number}", app.base_url + data_path(doc), spec, ["body:json-data"], {
                "text": body_text(app.state.blocks(doc)), "title": doc.title, "issuer": doc.unit.name,
                "publish_date": f"{doc.published:%Y-%m-%d}", "report_year": doc.report_year,
                "content_type": "json", "tables": grids_of(app.state.blocks(doc))})
        names = [f"layout:{shape.block}" if shape.block else None, f"line:{shape.line}" if shape.line else None,
                 f"body:{shape.body}"]
        yield _entry(f"variants-{shape.block or shape.line or shape.body}-{doc.number}", str(report["url"]), spec,
                     [n for n in names if n], expected)
    for k, docs in enumerate(list_chunks(app.ctx.docs, PER_PAGE)[:len(LISTS)]):
        layout = LISTS[k % len(LISTS)]
        expected = {**site, **dict.fromkeys(LABELLED), "title": COLUMN_NAME, "text": list_expected(docs),
                    "content_type": "html", "report_year": None}
        yield _entry(f"variants-list-{layout.id}", app.base_url + COLUMN + page_name(k), spec,
                     [f"list:{layout.id}"], expected)


def _page_text(doc: Any, body: str, text: str) -> str:
    """The body as extraction must give it; a source line printed inside the body stays in it."""
    return f"{text}\n（信息来源：{doc.unit.office}）" if body == "paren-source" else text


def _entry(name: str, url: str, spec: Any, shapes: list[str], expected: dict[str, Any]) -> dict[str, Any]:
    """A gold entry as build.write takes it."""
    return {"id": name, "url": url, "spec": spec, "family": "variants", "shapes": shapes, "expected": expected}
