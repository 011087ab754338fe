"""OCR of scanned pages: generated scans of report text and of 表三 (bench/ocr/scans.py), read through
``extract_document`` as a user's archive reads them, with the real engine in real bounded children.

Pages OCR'd by this module: 14 of generated text and tables (about 2–7 s of CPU each) and 4 of the
fixture portal's blank scan; every other test here needs no engine.
"""

from __future__ import annotations

import io
import json
import os
import socket
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

import archive
from bench.ocr import scans
from bench.ocr.score import cell_exactness, character_error_rate
from extract import EXTRACTOR_VERSION, extract_document, pdf, raster, scan_tables, scanned
from extract.bounded_reader import _SERVER, Limits, run_bounded
from extract.version import OCR_ENGINE
from nianbao.capture import Capture
from nianbao.fields import OCR_PENDING
from tests.conftest import crawl, run_nianbao

ROOT = Path(__file__).resolve().parent.parent
URL = "http://qinglan.example/xxgk/nb2015.jpg"
needs_ocr = pytest.mark.requires_ocr


@pytest.fixture(scope="module")
def text_scan() -> scans.Scan:
    return scans.text_page("t1", 200, "noto-serif")


@pytest.fixture(scope="module")
def table_scan() -> scans.Scan:
    return scans.table_page("t1", 200, "noto-sans")


def text_of(result: dict) -> str:
    return result["text"] or ""


# --- without the engine ---------------------------------------------------------------------


@pytest.mark.requires_ocr
def test_the_pdf_reader_leaves_only_scanned_pages_for_ocr(text_scan, table_scan):
    answer = pdf.read_pdf(scans.mixed_pdf(list(text_scan.lines), [table_scan]))
    kinds = ["scan" if "scan" in block else "p" for block in answer["blocks"]]
    assert kinds[-1] == "scan" and set(kinds[:-1]) == {"p"}
    assert answer["blocks"][-1]["scan"] == 1  # the second page, 0-based
    assert text_scan.lines[0] in answer["blocks"][0]["p"]
    only = pdf.read_pdf(scans.image_pdf([text_scan, table_scan]))
    assert only["blocks"] == [{"scan": 0, "dpi": 200}, {"scan": 1, "dpi": 200}]


@pytest.mark.requires_ocr
def test_the_rules_of_a_scanned_table_give_its_grid_and_merged_cells(table_scan):
    page = raster.deskew(table_scan.image)
    (table,) = scan_tables.find_tables(page)
    truth = table_scan.grid
    assert (len(table.ys) - 1, len(table.xs) - 1) == (len(truth), len(truth[0]))
    assert table.roots[(2, 2)] == (0, 0)  # the 3×3 note cell
    assert table.roots[(3, 2)] == (3, 0)  # 一、本年新收… over the three label columns
    assert table.roots[(3, 3)] == (3, 3)  # a count is a cell of its own


@pytest.mark.requires_ocr
def test_a_large_heading_on_a_bilevel_scan_is_text_not_a_table():
    title = scans.text_page("7-5", 200, "wqy-zenhei")  # 清河市卫生健康委员会 in bold, as a G4 TIFF
    image, _ = raster.image_page(scans.encode(title.image, "tif", 200), 0)
    assert scan_tables.find_tables(raster.deskew(image)) == []


def test_a_page_of_text_has_no_table():
    page = Image.new("L", (1654, 2339), 240)
    draw = ImageDraw.Draw(page)
    draw.line((200, 300, 1400, 300), fill=20, width=3)  # a rule under a heading
    draw.rectangle((200, 400, 1400, 480), outline=20, width=3)  # a framed heading: one cell
    assert scan_tables.find_tables(page) == []


def test_a_crawl_defers_ocr_and_its_version_stays_pending(text_scan):
    result = extract_document(scans.encode(text_scan.image, "jpg", 200), URL, ocr=False)
    assert result["content_type"] == "image" and result["text"] is None and result["ocr"] == []
    assert result["flags"] == ["needs_ocr"]
    assert result["extractor_version"] == EXTRACTOR_VERSION + OCR_PENDING


def test_without_the_ocr_extra_scans_are_flagged_and_pending(text_scan, monkeypatch):
    monkeypatch.setattr(scanned, "ocr_available", lambda: False)
    result = extract_document(scans.encode(text_scan.image, "png", 200), URL)
    assert result["flags"] == ["tool_missing:ocr", "needs_ocr"] and result["text"] is None
    assert result["extractor_version"].endswith(OCR_PENDING)


def test_the_ocr_extra_pins_the_engine_the_extractor_version_names():
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["optional-dependencies"]
    pins = dict(item.split(" ")[0].split("==") for item in extras["ocr"] if "==" in item)
    assert pins == OCR_ENGINE
    assert all(f"{name}-{version}" in EXTRACTOR_VERSION for name, version in OCR_ENGINE.items())
    (own,) = [item for item in extras["test"] if item.startswith("nianbao[")]
    assert "ocr" in own.removeprefix("nianbao[").removesuffix("]").split(",")  # CI installs the engine
    assert "pip install -q -e '.[test]'" in (ROOT / "scripts/test").read_text(encoding="utf-8")


# --- with the engine ------------------------------------------------------------------------


@needs_ocr
def test_a_scanned_page_of_report_text_reads_within_three_percent(text_scan):
    result = extract_document(scans.encode(text_scan.image, "jpg", 200), URL)
    assert character_error_rate(text_of(result), "".join(text_scan.lines)) <= 0.03
    assert result["content_type"] == "image" and result["stage"] == "ocr:rapidocr"
    assert result["flags"] == ["ocr"] and result["extractor_version"] == EXTRACTOR_VERSION
    (record,) = result["ocr"]
    assert record["page"] == 1 and record["engine"] == "rapidocr" and record["dpi"] == 200
    assert record["version"].startswith("rapidocr 3.10.0 (PP-OCRv6") and "openvino 2026.4.1" in record["version"]
    assert 0.8 <= record["confidence"] <= 1.0 and record["lines"] >= len(text_scan.lines) - 2
    assert result["title"] == next(line for line in text_of(result).splitlines() if len(line) <= 120)


@needs_ocr
def test_a_scanned_statistics_table_is_typed_and_balanced_like_an_html_one(table_scan):
    result = extract_document(scans.encode(table_scan.image, "png", 200), URL)
    (table,) = result["tables"]
    assert table["kind"] == "table3" and table["checks"]["balance"] is True
    assert table["checks"]["row_totals"] is True and table["checks"]["results_total"] is True
    assert cell_exactness(table["grid"], table_scan.grid) >= 0.95
    totals = [int(cell) for cell in table_scan.grid[3][3:]]
    assert table["values"]["一"] == totals
    assert "table3_unbalanced" not in result["flags"]
    assert "本年新收" in text_of(result) and " | " in text_of(result)  # rows as text lines, as for HTML


@needs_ocr
def test_a_scanned_table_that_does_not_balance_is_flagged():
    broken = scans.table_page("t2", 200, "wqy-zenhei", broken=True)
    result = extract_document(scans.encode(broken.image, "jpg", 200), URL)
    (table,) = result["tables"]
    assert table["kind"] == "table3" and table["checks"]["balance"] is False
    assert any(failure.startswith("balance 自然人") for failure in table["checks"]["failures"])
    assert "table3_unbalanced" in result["flags"]


@needs_ocr
def test_a_mixed_pdf_reads_its_text_layer_and_ocrs_its_scanned_page(text_scan, table_scan):
    result = extract_document(scans.mixed_pdf(list(text_scan.lines), [table_scan]), "http://x/nb.pdf")
    assert result["stage"] == "pdf:pdfminer+ocr:rapidocr" and "ocr" in result["flags"]
    assert [record["page"] for record in result["ocr"]] == [2]
    text = text_of(result)
    assert text.index(text_scan.lines[1]) < text.index("本年新收")  # page order kept
    assert [table["kind"] for table in result["tables"]] == ["table3"]


@needs_ocr
def test_every_frame_of_a_tiff_is_read_and_the_reader_server_does_not_grow():
    pages = [scans.text_page(f"f{i}", 200, "wqy-zenhei") for i in range(2)]
    extract_document(scans.encode(pages[0].image, "png", 200), URL)  # the server is warm now
    before = _server_rss()
    out = io.BytesIO()
    frames = [page.image.point(lambda v: 255 if v > 150 else 0).convert("1") for page in pages]
    frames[0].save(out, "TIFF", compression="group4", save_all=True, append_images=frames[1:], dpi=(200, 200))
    result = extract_document(out.getvalue(), "http://x/nb.tif")
    assert [record["page"] for record in result["ocr"]] == [1, 2]
    text = text_of(result)
    assert text.index(pages[0].lines[-1][:8]) < text.index(pages[1].lines[0][:8])
    assert _server_rss() - before < 64 << 20  # each page's memory went with its child


@needs_ocr
def test_pages_past_the_cap_are_flagged_not_read(text_scan, monkeypatch):
    monkeypatch.setattr(scanned, "MAX_OCR_PAGES", 1)
    result = extract_document(scans.image_pdf([text_scan, text_scan]), "http://x/nb.pdf")
    assert [record["page"] for record in result["ocr"]] == [1]
    assert {"ocr", "needs_ocr", "truncated"} <= set(result["flags"])
    assert result["extractor_version"] == EXTRACTOR_VERSION  # capped, not pending: reading again changes nothing


@needs_ocr
def test_a_page_over_its_time_or_memory_cap_is_flagged_and_left_unread(text_scan, monkeypatch):
    body = scans.encode(text_scan.image, "jpg", 200)
    monkeypatch.setattr(scanned, "OCR_LIMITS", Limits(memory_bytes=4 << 30, cpu_seconds=1, wall_seconds=120.0))
    slow = extract_document(body, URL)
    assert slow["flags"] == ["attachment_timeout", "needs_ocr"] and slow["ocr"] == [] and slow["text"] is None
    engine_only = _server_memory("VmSize") + (20 << 20)  # the warmed engine's address space and a little more
    monkeypatch.setattr(scanned, "OCR_LIMITS", Limits(memory_bytes=engine_only, cpu_seconds=40, wall_seconds=120.0))
    large = extract_document(body, URL)
    assert large["flags"] == ["attachment_too_large", "needs_ocr"] and large["ocr"] == []


@needs_ocr
def test_the_fixture_portals_blank_scan_is_read_and_found_empty():
    body = (ROOT / "tests/gold/pages/attachments-2024-3707229-scan.pdf").read_bytes()
    result = extract_document(body, "http://x/scan.pdf")
    assert result["text"] is None and result["flags"] == ["no_body"]
    assert [(r["page"], r["lines"]) for r in result["ocr"]] == [(1, 0), (2, 0)]


@needs_ocr
def test_ocr_reads_a_page_with_no_network_at_all(text_scan, tmp_path):
    if os.geteuid() != 0 and subprocess.run(["unshare", "-rn", "true"], check=False).returncode:
        pytest.skip("no network namespaces for this user")
    page = tmp_path / "page.jpg"
    page.write_bytes(scans.encode(text_scan.image, "jpg", 200))
    code = ("import sys, json; from extract import extract_document; "
            "r = extract_document(open(sys.argv[1], 'rb').read(), 'http://x/a.jpg'); "
            "print(json.dumps([r['flags'], len(r['text'] or '')]))")
    namespace = ["unshare", "-n"] if os.geteuid() == 0 else ["unshare", "-rn"]
    done = subprocess.run([*namespace, sys.executable, "-c", code, str(page)], cwd=ROOT, capture_output=True,
                          text=True, timeout=240, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    flags, chars = eval(done.stdout.strip().splitlines()[-1])  # noqa: S307 - our own JSON
    assert flags == ["ocr"] and chars >= 0.9 * len("".join(text_scan.lines))


@needs_ocr
def test_the_ocr_reader_cannot_reach_the_network_and_loads_no_telemetry(text_scan):
    extract_document(scans.encode(text_scan.image, "jpg", 200), URL)  # warms the engine in this process's server
    with socket.create_server(("127.0.0.1", 0)) as listener:
        listener.settimeout(0.5)
        answer = run_bounded("tests.ocr_probe:connect", str(listener.getsockname()[1]).encode())
        assert "PermissionError: the OCR reader may not use the network" in answer.get("error", "")
        with pytest.raises(TimeoutError):
            listener.accept()
    probe = run_bounded("tests.ocr_probe:modules", b"")
    assert "openvino" in probe["loaded"] and not [m for m in probe["loaded"] if "telemetry" in m]
    assert "openvino_telemetry" in probe["blocked"]


@needs_ocr
def test_reextract_reads_pending_scans_and_again_when_the_engine_changes(text_scan, tmp_path):
    body = scans.encode(text_scan.image, "jpg", 200)
    with archive.open_archive(tmp_path / "a.db") as db:
        crawled = extract_document(body, URL, ocr=False)
        db.record_capture(Capture(url=URL, site="qinglan", status=200, body=body, kind="attachment",
                                  extraction=crawled))
        counts = db.reextract(extract_document, extractor_version=EXTRACTOR_VERSION, pending_ocr=True)
        assert counts["urls"] == 1 and counts["versions_after"] == 1
        (version,) = db.versions()
        assert version["flags"] == ["ocr"] and version["extractor_version"] == EXTRACTOR_VERSION
        assert version["ocr"][0]["engine"] == "rapidocr" and text_scan.lines[1][:10] in version["text"]
        assert db.reextract(extract_document, extractor_version=EXTRACTOR_VERSION)["urls"] == 0
        older = EXTRACTOR_VERSION.replace("rapidocr-3.10.0", "rapidocr-3.9.0")
        db.db.execute("UPDATE captures SET extractor_version = ?", [older])
        assert db.reextract(extract_document, extractor_version=EXTRACTOR_VERSION)["urls"] == 1


@needs_ocr
def test_a_crawl_leaves_scans_for_ocr_and_nianbao_ocr_reads_them(portal, tmp_path):
    db = tmp_path / "nianbao.db"
    site = next(s for s in portal.sites.values() if s.family == "attachments")
    crawl(db, site.homepage)
    with archive.open_archive(db, readonly=True) as store:
        scanned_versions = [v for v in store.versions() if "needs_ocr" in v["flags"]]
        assert scanned_versions and all(v["ocr"] == [] for v in scanned_versions)
        assert store.pending_ocr() == len(scanned_versions)
    done = run_nianbao("ocr", "--db", str(db))
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.startswith(f"ocr: urls {len(scanned_versions)}, ")
    with archive.open_archive(db, readonly=True) as store:
        assert store.pending_ocr() == 0
        read = [v for v in store.versions() if v["url"] in {s["url"] for s in scanned_versions}]
        assert all(v["ocr"] and "needs_ocr" not in v["flags"] for v in read)


@needs_ocr
def test_crawl_with_ocr_reads_the_scans_right_after_the_crawl(portal, tmp_path):
    db = tmp_path / "nianbao.db"
    site = next(s for s in portal.sites.values() if s.family == "attachments")
    report = json.loads(crawl(db, site.homepage, extra=("--ocr", "--json")).stdout)
    assert report["run"]["status"] == "ok" and report["ocr"]["urls"] >= 1
    with archive.open_archive(db, readonly=True) as store:
        assert store.pending_ocr() == 0


def _server_rss() -> int:
    """Resident memory of this process's reader server, in bytes."""
    return _server_memory("VmRSS")


def _server_memory(field: str) -> int:
    """A memory figure of this process's reader server (``VmRSS``, ``VmSize``), in bytes."""
    status = Path(f"/proc/{_SERVER.pid}/status").read_text()
    kb = next(line.split()[1] for line in status.splitlines() if line.startswith(field))
    return int(kb) * 1024

