"""Write ``report.doc`` and ``report.xls`` (Word/Excel 97-2003) and their truth, from a fixture report.

Run by hand when the fixture changes; the outputs are committed, so tests need neither tool:

    python tests/data/extract/make_legacy.py   # needs LibreOffice (soffice) and the xlwt package

The DOC is the fixture's own DOCX converted by LibreOffice; the XLS is written cell by cell with
xlwt, merges included. ``legacy_truth.json`` holds the paragraphs and grids from the fixture's
blocks, never from an extractor.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
from pathlib import Path

import xlwt

from fixture_portal import FixturePortal
from fixture_portal import files
from fixture_portal.markup import grids_of, paragraphs_of
from fixture_portal.model import Table

HERE = Path(__file__).parent
SITE, YEAR = "beihu", 2020  # a 2019-template report with 表二/表三/表四


def main() -> None:
    """Pick the report, write both files and the truth."""
    portal = FixturePortal(families=("attachments",))
    doc = next(d for d in portal.apps[SITE].docs if d.report_year == YEAR and d.attached)
    write_doc(files.docx_file(doc.title, doc.attached), HERE / "report.doc")
    write_xls([b for b in doc.attached if isinstance(b, Table)], HERE / "report.xls")
    truth = {"title": doc.title, "report_year": doc.report_year,
             "paragraphs": [doc.title, *paragraphs_of(doc.attached)], "tables": grids_of(doc.attached)}
    (HERE / "legacy_truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1) + "\n")


def write_doc(docx_bytes: bytes, target: Path) -> None:
    """DOCX → Word 97 with LibreOffice."""
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "report.docx"
        source.write_bytes(docx_bytes)
        subprocess.run(["soffice", "--headless", "--convert-to", "doc:MS Word 97", "--outdir", folder,
                        str(source)], check=True, capture_output=True, timeout=120)
        target.write_bytes((Path(folder) / "report.doc").read_bytes())


def write_xls(tables: list[Table], target: Path) -> None:
    """One sheet per table, spans as merged cells, whole numbers as numbers."""
    book = xlwt.Workbook(encoding="utf-8")
    for number, table in enumerate(tables, start=1):
        sheet = book.add_sheet(f"表{number}")
        for r, c, cell in files.cell_slots(table):
            value = files.sheet_value(cell.text)
            if cell.rowspan > 1 or cell.colspan > 1:
                sheet.write_merge(r, r + cell.rowspan - 1, c, c + cell.colspan - 1, value)
            else:
                sheet.write(r, c, value)
    book.save(str(target))


if __name__ == "__main__":
    main()
