"""Seeded synthetic scans of 年报 pages, with their ground truth (for the OCR tests and benchmark).

Real scanned reports carry no ground truth, and OCR must be scored against the exact text and the
exact table. The sentences below were written for this generator in the style of a 年报; the table
has the shape of the 2021 template's section 三 (收到和处理政府信息公开申请情况), with made-up,
self-consistent counts (一 + 二 = 三（七）+ 四; each 总计 the sum of its row).

A page is drawn at twice its resolution with a CJK font from Debian's fonts-noto-cjk (Noto Serif SC
for body text, as reports use a 宋体; Noto Sans SC) or fonts-wqy-zenhei, scaled down, then made to
look scanned: blur, paper and ink tone with a gradient, noise, specks, a skew of up to ±1.5° and JPEG
compression. All randomness comes from a seed, so a seed gives the same pixels every time.

    python -m bench.ocr.scans --out scans --seed 7      # the benchmark's pages, with truth files
"""

from __future__ import annotations

import argparse
import io
import json
import random
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

# name → (file, index in the collection: 2 is Simplified Chinese in the Noto collections)
FONTS = {
    "noto-serif": ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 2),
    "noto-sans": ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
    "wqy-zenhei": ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
}
A4_MM = (210.0, 297.0)
TEXT_FONTS = ("noto-serif", "wqy-zenhei")
TABLE_FONTS = ("noto-serif", "noto-sans", "wqy-zenhei")

PLACES = ("清河市", "南湖区", "东川县", "西岭镇", "临江市", "北山区", "云溪县", "长宁市")
OFFICES = ("人民政府办公室", "自然资源局", "生态环境局", "住房和城乡建设局", "市场监督管理局", "卫生健康委员会", "教育局")
HEADINGS = ("一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
            "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项")
SUBHEADINGS = ("（一）主动公开", "（二）依申请公开", "（三）政府信息管理", "（四）平台建设", "（五）监督保障")
SENTENCES = (
    "本报告依照《中华人民共和国政府信息公开条例》的规定编写，统计时段为{y}年1月1日至12月31日。",
    "{y}年，本机关共收到政府信息公开申请{n}件，其中网上申请{a}件，信函申请{b}件，当面申请{c}件。",
    "全年通过门户网站主动公开各类政府信息{n}条，更新政策解读材料{m}篇，图解{k}篇。",
    "办理结果方面，予以公开{a}件，部分公开{b}件，不予公开{c}件，无法提供{d}件。",
    "上年结转的{n}件申请已于{mo}月{d}日前全部办结，结转下年度继续办理{m}件。",
    "本年度发生政府信息公开行政复议案件{n}起，结果维持{a}起、纠正{b}起；行政诉讼{c}起。",
    "因政府信息公开工作被举报投诉{n}件，均已在{k}个工作日内核实处理并答复。",
    "召开新闻发布会{n}场，回应社会关切{m}次，政务新媒体发布信息{k}条。",
    "组织政务公开专题培训{n}期，参训人员{m}人次，考核合格率{p}%。",
    "依申请公开收取信息处理费{fee}元，收费标准按照省级有关规定执行。",
    "按时答复率达到{p}%，较上年提高{q}个百分点。",
    "“政府开放日”活动共举办{n}次，邀请{m}名市民代表走进机关、参与座谈。",
    "下一步，我们将进一步规范依申请公开办理流程，统一答复文书格式，提升答复质量。",
    "存在的主要问题是部分栏目更新不够及时，政策解读形式较为单一，互动回应仍需加强。",
    "全年修订政府信息公开指南{n}次，编制主动公开目录{m}项，清理失效文件{k}件。",
    "截至{y}年12月31日，门户网站累计访问量{big}人次，办理网民留言{m}件。",
)

T3_COLUMNS = ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计")
LABEL_COLUMNS = 3  # 三、… → （三）不予公开 → 1.属于国家秘密
HEADER_ROWS = 3
# (level-2 label, its level-3 labels) under 三、本年度办理结果
RESULT_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("（一）予以公开", ()),
    ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", ()),
    ("（三）不予公开", ("1.属于国家秘密", "2.其他法律行政法规禁止公开", "3.危及“三安全一稳定”", "4.保护第三方合法权益",
                   "5.属于三类内部事务信息", "6.属于四类过程性信息", "7.属于行政执法案卷", "8.属于行政查询事项")),
    ("（四）无法提供", ("1.本机关不掌握相关政府信息", "2.没有现成信息需要另行制作", "3.补正后申请内容仍不明确")),
    ("（五）不予处理", ("1.信访举报投诉类申请", "2.重复申请", "3.要求提供公开出版物", "4.无正当理由大量反复申请",
                   "5.要求行政机关确认或重新出具已获取信息")),
    ("（六）其他处理", ("1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
                   "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "3.其他")),
    ("（七）总计", ()),
)


@dataclass(frozen=True)
class Cell:
    """One (possibly merged) cell of the table, in grid coordinates."""

    row: int
    col: int
    text: str
    rowspan: int = 1
    colspan: int = 1


@dataclass(frozen=True)
class Scan:
    """One generated page: its pixels, resolution, and what it should read as."""

    image: Image.Image
    dpi: int
    lines: tuple[str, ...] = ()  # text pages: the printed lines, in order
    cells: tuple[Cell, ...] = ()  # table pages: every cell of the table

    @property
    def grid(self) -> list[list[str]]:
        """A table page's grid as HTML tables expand theirs: a merged cell's text in every slot."""
        return expanded_grid(list(self.cells))


def missing_fonts() -> list[str]:
    """Font files the generator needs that are not installed."""
    return [path for path, _ in FONTS.values() if not Path(path).exists()]


def text_page(seed: int | str, dpi: int = 200, font: str | None = None) -> Scan:
    """A scanned page of report text: title (sometimes), headings and paragraphs."""
    rng = random.Random(f"text-{seed}")
    font = font or rng.choice(TEXT_FONTS)
    clean, lines = _render_text(_report_blocks(rng), font, rng.choice((12, 14, 16)), dpi * 2)
    return Scan(degrade(clean, rng), dpi, lines=tuple(lines))


def table_page(seed: int | str, dpi: int = 200, font: str | None = None, *, broken: bool = False) -> Scan:
    """A scanned page holding the 2021 template's 表三. ``broken``: one count printed wrong, so the
    table no longer balances (as a misprint or a misreading would make it)."""
    rng = random.Random(f"table-{seed}")
    font = font or rng.choice(TABLE_FONTS)
    cells = _table_cells(rng)
    if broken:
        cells = _misprint(cells)
    clean = _render_table(cells, font, rng.choice((9, 10, 10.5)), dpi * 2)
    return Scan(degrade(clean, rng), dpi, cells=tuple(cells))


def degrade(hires: Image.Image, rng: random.Random) -> Image.Image:
    """A clean page drawn at twice its resolution, made to look like an office scan."""
    width, height = hires.width // 2, hires.height // 2
    page = hires.resize((width, height), Image.Resampling.LANCZOS).filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 0.7)))
    noise = np.random.default_rng(rng.getrandbits(32))
    pixels = np.asarray(page, dtype=np.float32) / 255.0
    ink, paper = rng.uniform(15, 60), rng.uniform(228, 248)
    gradient = np.linspace(0, rng.uniform(-10, 10), height, dtype=np.float32)[:, None]
    pixels = ink + (paper + gradient - ink) * pixels
    pixels += noise.normal(0, rng.uniform(4, 9), pixels.shape).astype(np.float32)
    specks = noise.integers(0, [height, width], size=(rng.randint(100, 600), 2))
    pixels[specks[:, 0], specks[:, 1]] = rng.uniform(40, 120)
    page = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "L")
    page = page.rotate(rng.uniform(-1.5, 1.5), resample=Image.Resampling.BICUBIC, fillcolor=int(paper))
    return Image.open(io.BytesIO(encode(page, "jpg", 0, quality=rng.randint(55, 80))))


def encode(page: Image.Image, fmt: str, dpi: int, quality: int = 90) -> bytes:
    """A page as the bytes of an image file: JPEG, lossless PNG, or the bilevel CCITT G4 TIFF that
    scanning stations write."""
    out = io.BytesIO()
    resolution = {"dpi": (dpi, dpi)} if dpi else {}
    if fmt == "jpg":
        page.save(out, "JPEG", quality=quality, **resolution)
    elif fmt == "tif":
        page.point(lambda value: 255 if value > 150 else 0).convert("1").save(out, "TIFF", compression="group4", **resolution)
    else:
        page.save(out, "PNG", **resolution)
    return out.getvalue()


def image_pdf(scans: list[Scan]) -> bytes:
    """An image-only PDF: each page one JPEG, no text layer (how scanners save a report)."""
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    pdf = canvas.Canvas(out, invariant=1)
    for scan in scans:
        size = (scan.image.width * 72 / scan.dpi, scan.image.height * 72 / scan.dpi)
        pdf.setPageSize(size)
        pdf.drawImage(ImageReader(io.BytesIO(encode(scan.image, "jpg", scan.dpi))), 0, 0, *size)
        pdf.showPage()
    pdf.save()
    return out.getvalue()


def mixed_pdf(text_lines: list[str], scans: list[Scan]) -> bytes:
    """A born-digital page with a real text layer (STSong-Light), then scanned pages: a typed report
    whose signed, stamped table was scanned and appended."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4, invariant=1)
    pdf.setFont("STSong-Light", 12)
    for number, line in enumerate(text_lines[:40]):
        pdf.drawString(60, A4[1] - 72 - 18 * number, line)
    pdf.showPage()
    for scan in scans:
        pdf.drawImage(ImageReader(io.BytesIO(encode(scan.image, "jpg", scan.dpi))), 0, 0, *A4)
        pdf.showPage()
    pdf.save()
    return out.getvalue()


def expanded_grid(cells: list[Cell]) -> list[list[str]]:
    """The truth grid as HTML tables expand theirs: a merged cell's text in every slot it covers."""
    rows = max(c.row + c.rowspan for c in cells)
    grid = [[""] * (LABEL_COLUMNS + len(T3_COLUMNS)) for _ in range(rows)]
    for cell in cells:
        for row in range(cell.row, cell.row + cell.rowspan):
            for col in range(cell.col, cell.col + cell.colspan):
                grid[row][col] = cell.text
    return grid


# --- content ---------------------------------------------------------------------------------


def _fill(template: str, rng: random.Random, year: int) -> str:
    """One sentence with plausible numbers."""
    return template.format(
        y=year, n=rng.randint(2, 480), m=rng.randint(1, 260), k=rng.randint(1, 90), a=rng.randint(0, 60),
        b=rng.randint(0, 30), c=rng.randint(0, 12), d=rng.randint(1, 28), mo=rng.randint(1, 12),
        p=f"{rng.uniform(85, 100):.1f}", q=f"{rng.uniform(0.1, 9):.1f}",
        fee=f"{rng.randint(0, 900)}.{rng.randint(0, 99):02d}", big=str(rng.randint(10_000, 9_999_999)))


def _report_blocks(rng: random.Random) -> list[tuple[str, str]]:
    """(style, text) blocks of one page: sometimes a title, two headings with paragraphs."""
    year = rng.choice((2019, 2021, 2022, 2023))
    blocks: list[tuple[str, str]] = []
    if rng.random() < 0.4:
        blocks += [("title", rng.choice(PLACES) + rng.choice(OFFICES)), ("title", f"{year}年政府信息公开工作年度报告")]
    for heading in rng.sample(HEADINGS, 2):
        blocks += [("heading", heading), ("body", rng.choice(SUBHEADINGS))]
        for _ in range(rng.randint(2, 3)):
            blocks.append(("body", "".join(_fill(s, rng, year) for s in rng.sample(SENTENCES, rng.randint(2, 3)))))
    return blocks


def _table_cells(rng: random.Random) -> list[Cell]:
    """Every cell of 表三, with counts that satisfy the template's own checks."""
    cells = _header_cells()
    row, totals, results = HEADER_ROWS + 2, [0] * 6, []
    for label, items in RESULT_GROUPS:
        if label.startswith("（七）"):
            results.append((2, row, label, totals))
            row += 1
            continue
        if items:
            cells.append(Cell(row, 1, label, rowspan=len(items)))
        for item in items or (label,):
            counts = _counts(rng)
            totals = [t + c for t, c in zip(totals, counts, strict=True)]
            results.append((3 if items else 2, row, item, counts))
            row += 1
    cells.append(Cell(HEADER_ROWS + 2, 0, "三、本年度办理结果", rowspan=row - HEADER_ROWS - 2))
    forward = [rng.randint(0, 4)] + [0] * 5
    carried = [min(rng.randint(0, 3), totals[0] + forward[0])] + [0] * 5
    received = [t + f - c for t, f, c in zip(totals, forward, carried, strict=True)]
    for r, label, counts in ((HEADER_ROWS, "一、本年新收政府信息公开申请数量", received),
                             (HEADER_ROWS + 1, "二、上年结转政府信息公开申请数量", carried),
                             (row, "四、结转下年度继续办理", forward)):
        cells += [Cell(r, 0, label, colspan=LABEL_COLUMNS), *_count_cells(r, counts)]
    for level, r, label, counts in results:
        cells += [Cell(r, 1, label, colspan=2) if level == 2 else Cell(r, 2, label), *_count_cells(r, counts)]
    return sorted(cells, key=lambda c: (c.row, c.col))


def _header_cells() -> list[Cell]:
    """The three header rows."""
    cells = [Cell(0, 0, "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", HEADER_ROWS, LABEL_COLUMNS),
             Cell(0, LABEL_COLUMNS, "申请人情况", colspan=len(T3_COLUMNS)),
             Cell(1, LABEL_COLUMNS, "自然人", rowspan=2),
             Cell(1, LABEL_COLUMNS + 1, "法人或其他组织", colspan=5),
             Cell(1, LABEL_COLUMNS + 6, "总计", rowspan=2)]
    return cells + [Cell(2, LABEL_COLUMNS + i, name) for i, name in enumerate(T3_COLUMNS[1:6], start=1)]


def _counts(rng: random.Random) -> list[int]:
    """One result row's counts over the six applicant columns: mostly zeros."""
    if rng.random() < 0.3:
        return [0] * 6
    return [rng.randint(0, s) if rng.random() < 0.55 else 0 for s in (40, 6, 1, 1, 1, 2)]


def _count_cells(row: int, counts: list[int]) -> list[Cell]:
    return [Cell(row, LABEL_COLUMNS + i, str(v)) for i, v in enumerate([*counts, sum(counts)])]


def _misprint(cells: list[Cell]) -> list[Cell]:
    """The 自然人 count of 一 raised by 10: 一 + 二 no longer equals 三（七）+ 四."""
    target = (HEADER_ROWS, LABEL_COLUMNS)
    return [Cell(c.row, c.col, str(int(c.text) + 10)) if (c.row, c.col) == target else c for c in cells]


# --- drawing ---------------------------------------------------------------------------------


def _font(name: str, size: int) -> ImageFont.FreeTypeFont:
    path, index = FONTS[name]
    return ImageFont.truetype(path, size, index=index)


def _px(mm: float, dpi: int) -> int:
    return round(mm / 25.4 * dpi)


def _wrap(text: str, font: ImageFont.FreeTypeFont, width: int, indent: int = 0) -> list[str]:
    """Greedy wrap at any character (Chinese has no spaces to break at)."""
    lines, current, limit = [], "", width - indent
    for char in text:
        if current and font.getlength(current + char) > limit:
            lines.append(current)
            current, limit = "", width
        current += char
    return [*lines, current] if current else lines


def _render_text(blocks: list[tuple[str, str]], body_font: str, points: float, dpi: int) -> tuple[Image.Image, list[str]]:
    """Title, headings and paragraphs on a white A4 page; the lines drawn."""
    page = Image.new("L", (_px(A4_MM[0], dpi), _px(A4_MM[1], dpi)), 255)
    draw = ImageDraw.Draw(page)
    left, right, y = _px(26, dpi), page.width - _px(26, dpi), _px(30, dpi)
    size = round(points / 72 * dpi)
    fonts = {"title": _font("noto-sans", size + round(6 / 72 * dpi)), "heading": _font("noto-sans", size),
             "body": _font(body_font, size)}
    gap, drawn = round(size * 0.75), []
    for style, text in blocks:
        font = fonts[style]
        indent = 2 * size if style == "body" and not text.startswith("（") else 0
        for number, line in enumerate(_wrap(text, font, right - left, indent)):
            if y + font.size > page.height - _px(25, dpi):
                return page, drawn
            x = (page.width - font.getlength(line)) / 2 if style == "title" else left + (indent if number == 0 else 0)
            draw.text((x, y), line, font=font, fill=0)
            drawn.append(line)
            y += font.size + gap
    return page, drawn


def _render_table(cells: list[Cell], font_name: str, points: float, dpi: int) -> Image.Image:
    """The ruled table; long labels wrap inside their cell, numbers centred."""
    page = Image.new("L", (_px(A4_MM[0], dpi), _px(A4_MM[1], dpi)), 255)
    draw = ImageDraw.Draw(page)
    font = _font(font_name, round(points / 72 * dpi))
    xs = [_px(15, dpi)]
    for width in (14, 21, 44, *[15] * len(T3_COLUMNS)):
        xs.append(xs[-1] + _px(width, dpi))
    pad, line_height = max(2, font.size // 4), round(font.size * 1.25)
    wrapped = {cell: _wrap(cell.text, font, xs[cell.col + cell.colspan] - xs[cell.col] - 2 * pad) for cell in cells}
    heights = [line_height + 2 * pad] * max(c.row + c.rowspan for c in cells)
    for cell in cells:
        if cell.rowspan == 1:
            heights[cell.row] = max(heights[cell.row], len(wrapped[cell]) * line_height + 2 * pad)
    ys = [_px(25, dpi)]
    for height in heights:
        ys.append(ys[-1] + height)
    for cell in cells:
        x0, x1, y0, y1 = xs[cell.col], xs[cell.col + cell.colspan], ys[cell.row], ys[cell.row + cell.rowspan]
        draw.rectangle((x0, y0, x1, y1), outline=0, width=max(1, round(dpi / 100)))
        y = (y0 + y1 - len(wrapped[cell]) * line_height) / 2
        for line in wrapped[cell]:
            left_aligned = cell.col < LABEL_COLUMNS and cell.row >= HEADER_ROWS
            x = x0 + pad if left_aligned else (x0 + x1 - font.getlength(line)) / 2
            draw.text((x, y), line, font=font, fill=0)
            y += line_height
    return page


# --- the benchmark's page set ----------------------------------------------------------------


def write_set(out: Path, seed: int, dpis: tuple[int, ...] = (150, 200, 300), text_pages: int = 6,
              table_pages: int = 3) -> list[dict[str, object]]:
    """Every page of the benchmark under ``out``, with a manifest: per resolution ``text_pages``
    pages of text (at 200 dpi also as PNG and bilevel TIFF, as scanners save them) and
    ``table_pages`` pages of 表三, each font in turn."""
    manifest: list[dict[str, object]] = []
    for dpi in dpis:
        folder = out / str(dpi)
        folder.mkdir(parents=True, exist_ok=True)
        for i in range(text_pages):
            scan = text_page(f"{seed}-{i}", dpi, TEXT_FONTS[i % len(TEXT_FONTS)])
            fmt = ("jpg", "png", "tif")[i % 3] if dpi == 200 else "jpg"
            manifest.append(_save(folder / f"text_{i:02d}.{fmt}", scan, "text", fmt, out))
        for i in range(table_pages):
            scan = table_page(f"{seed}-{i}", dpi, TABLE_FONTS[i % len(TABLE_FONTS)])
            manifest.append(_save(folder / f"table_{i:02d}.jpg", scan, "table", "jpg", out))
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return manifest


def _save(path: Path, scan: Scan, kind: str, fmt: str, root: Path) -> dict[str, object]:
    """Write a page and its truth; its manifest entry."""
    path.write_bytes(encode(scan.image, fmt, scan.dpi))
    truth = path.with_suffix(".truth.json")
    truth.write_text(json.dumps(list(scan.lines) or [vars(cell) for cell in scan.cells], ensure_ascii=False),
                     encoding="utf-8")
    return {"path": str(path.relative_to(root)), "kind": kind, "dpi": scan.dpi, "truth": str(truth.relative_to(root))}


def main() -> None:
    parser = argparse.ArgumentParser(description="Write the OCR benchmark's synthetic scans and their truth.")
    parser.add_argument("--out", type=Path, default=Path("bench/results/scans"))
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    pages = write_set(args.out, args.seed)
    print(f"{len(pages)} pages under {args.out}/")


if __name__ == "__main__":
    main()
