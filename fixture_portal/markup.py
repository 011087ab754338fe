"""HTML for document bodies (paragraphs, images, tables), and the truth read back from the same blocks."""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from .model import Block, Cell, Document, Image, Para, Table
from .tables import expand_grid

# Paragraph markup by role, as editors (TRS, Word paste) emit it.
PARA_MARKUP = {
    "text": '<p style="text-indent:2em;">{}</p>',
    "heading": '<p style="text-indent:2em;"><strong>{}</strong></p>',
    "caption": '<p style="text-align:center;">{}</p>',
    "signature": '<p style="text-align:right;">{}</p>',
}


@dataclass(frozen=True)
class BodyStyle:
    """How a family's editor writes a body: image URLs, Word-pasted cells, legacy font spans."""

    image_src: Callable[[Image], str]
    word_cells: bool = False
    font: str | None = None
    font_tag: bool = False  # old editors: <font face=…> rather than a styled <span>
    word: bool = False  # pasted from Word: MsoNormal paragraphs, every few characters a styled run


def esc(value: str) -> str:
    """Escape text for an HTML element or a double- or single-quoted attribute."""
    return html.escape(value, quote=True)


# Word's markup for a body paragraph and for a run of characters in it (a run per few characters,
# as Word leaves them after edits and spell checks); a digit run is marked lang="EN-US".
WORD_PARA = ('<p class="MsoNormal" style="margin:0cm;margin-bottom:.0001pt;text-align:justify;'
             'text-justify:inter-ideograph;text-indent:32.0pt;mso-char-indent-count:2.0;line-height:28.0pt;'
             'mso-line-height-rule:exactly">{}<span lang="EN-US" style="font-size:16.0pt;font-family:仿宋_GB2312;'
             'mso-hansi-font-family:&quot;Times New Roman&quot;"><o:p></o:p></span></p>')
WORD_RUN = ('<span{lang} style="font-size:16.0pt;font-family:仿宋_GB2312;mso-hansi-font-family:&quot;Times New Roman'
            '&quot;;mso-bidi-font-family:宋体;color:black;mso-font-kerning:0pt;mso-bidi-language:AR-SA">{}</span>')
WORD_RUN_LENGTHS = (7, 13, 4, 19, 9, 3, 11)


def word_para(text: str) -> str:
    """A paragraph as Word pastes it: the text cut into styled runs, with no character added."""
    runs, start, turn = [], 0, 0
    while start < len(text):
        piece = text[start:start + WORD_RUN_LENGTHS[turn % len(WORD_RUN_LENGTHS)]]
        lang = ' lang="EN-US"' if piece.isascii() else ""
        runs.append(WORD_RUN.format(esc(piece), lang=lang))
        start, turn = start + len(piece), turn + 1
    return WORD_PARA.format("".join(runs))


def pasted_from_word(doc: Document) -> bool:
    """Whether an older report was pasted from Word (every other one before the 2019 template)."""
    return doc.layout == "pre2019" and doc.number % 2 == 0


def render_para(para: Para, style: BodyStyle) -> str:
    """One paragraph; the font span (if any) does not change its text."""
    if style.word and para.role in ("text", "heading"):
        return word_para(para.text)
    inner = esc(para.text)
    if style.font and style.font_tag:
        inner = f'<font face="{style.font}" size="4">{inner}</font>'
    elif style.font:
        inner = f'<span style="font-family:{style.font};">{inner}</span>'
    return PARA_MARKUP[para.role].format(inner)


def render_cell(cell: Cell, style: BodyStyle) -> str:
    """One ``<td>`` with its spans; Word-pasted cells wrap their text in ``<p>``."""
    spans = "".join(f' {name}="{n}"' for name, n in (("rowspan", cell.rowspan), ("colspan", cell.colspan))
                    if n > 1)
    inner = "&nbsp;" if cell.nbsp else esc(cell.text)
    if style.word_cells:
        return f'<td{spans} nowrap style="width:{60 * cell.colspan}px;"><p align="center">{inner}</p></td>'
    return f'<td{spans} align="center">{inner}</td>'


# Rendered tables by identity (tables are immutable, and a report's are served on every visit):
# rendering them cell by cell was most of the fixture server's CPU in the benchmarks, where the
# server shares the machine with the crawl it serves.
_RENDERED_TABLES: dict[tuple[int, bool], tuple[Table, str]] = {}


def render_table(table: Table, style: BodyStyle) -> str:
    """A body table as the editor leaves it (border 1, collapsed)."""
    key = (id(table), style.word_cells)  # render_cell reads nothing else of the style
    cached = _RENDERED_TABLES.get(key)
    if cached is not None and cached[0] is table:
        return cached[1]
    rows = "".join("<tr>" + "".join(render_cell(c, style) for c in row) + "</tr>\n" for row in table.rows)
    rendered = ('<table border="1" cellspacing="0" cellpadding="0" '
                'style="border-collapse:collapse;margin:0 auto;">'
                f"<tbody>\n{rows}</tbody></table>")
    _RENDERED_TABLES[key] = (table, rendered)
    return rendered


def render_block(block: Block, style: BodyStyle) -> str:
    """Any body block."""
    if isinstance(block, Para):
        return render_para(block, style)
    if isinstance(block, Image):
        src = esc(style.image_src(block))
        return f'<p style="text-align:center;"><img src="{src}" border="0" alt=""></p>'
    return render_table(block, style)


def render_blocks(blocks: Iterable[Block], style: BodyStyle) -> str:
    """The whole body, one block per line."""
    return "\n".join(render_block(b, style) for b in blocks)


def paragraphs_of(blocks: Iterable[Block]) -> list[str]:
    """The text paragraphs of a body in order (headings, captions and signature included)."""
    return [b.text for b in blocks if isinstance(b, Para)]


def grids_of(blocks: Iterable[Block]) -> list[list[list[str]]]:
    """The tables of a body as grids, spans expanded, blank cells as ``""``."""
    return [expand_grid(b) for b in blocks if isinstance(b, Table)]


def images_of(blocks: Iterable[Block]) -> list[Image]:
    """The images of a body."""
    return [b for b in blocks if isinstance(b, Image)]
