"""Older versions' text kept as a delta against the current version's text.

A report usually changes a paragraph or two between versions, so storing every version's text
whole made version text the largest part of the archive (bench/archive/README.md). The table
``version_rows`` keeps the current version's text plain. Every older version may instead keep
``text_delta`` against ``text_base``, the current version. ``text_delta`` is a JSON array of pieces:
a string is literal text, and ``[start, length]`` is a range of the base's text in characters,
1-based as SQL ``substr`` counts them. The ``versions`` view rebuilds the text in SQL, so
``SELECT text FROM versions`` reads every version in plain ``sqlite3`` or Datasette.

Every delta is read back through the view in the transaction that writes it; one that does not
give back the exact text is not kept, and the text stays plain.
"""

from __future__ import annotations

import json
import logging
from difflib import SequenceMatcher
from itertools import accumulate

from sqlite_utils import Database

log = logging.getLogger(__name__)

# The text of a version as the `versions` view gives it: plain, or rebuilt from its base's text.
TEXT_SQL = """CASE WHEN r.text_delta IS NULL THEN r.text ELSE (
        SELECT group_concat(piece, '') FROM (
            SELECT CASE j.type WHEN 'text' THEN j.value
                   ELSE substr(b.text, json_extract(j.value, '$[0]'), json_extract(j.value, '$[1]')) END AS piece
            FROM version_rows b, json_each(r.text_delta) j
            WHERE b.id = r.text_base ORDER BY j.key)
    ) END"""

Piece = str | list[int]


def encode(text: str, base: str) -> list[Piece]:
    """``text`` as literal pieces and line ranges of ``base`` (see the module docstring)."""
    base_lines = base.splitlines(keepends=True)
    lines = text.splitlines(keepends=True)
    starts = [0, *accumulate(len(line) for line in base_lines)]
    pieces: list[Piece] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, base_lines, lines).get_opcodes():
        if tag == "equal":
            start, length = starts[i1] + 1, starts[i2] - starts[i1]
            if pieces and isinstance(pieces[-1], list) and sum(pieces[-1]) == start:
                pieces[-1][1] += length
            else:
                pieces.append([start, length])
        elif j2 > j1:
            literal = "".join(lines[j1:j2])
            if pieces and isinstance(pieces[-1], str):
                pieces[-1] += literal
            else:
                pieces.append(literal)
    return pieces


def rebase(db: Database, document_id: int) -> None:
    """Store the older versions of a document as deltas against its current version's text.

    Called whenever a document's current version or its versions' texts change; the texts are
    read through the view first, so deltas against the previous base are rebuilt before any row
    is rewritten.
    """
    base_id = db.execute("SELECT current_version_id FROM documents WHERE id = ?", [document_id]).fetchone()[0]
    rows = db.execute("SELECT v.id, v.text, r.text_delta FROM versions v JOIN version_rows r ON r.id = v.id "
                      "WHERE v.document_id = ?", [document_id]).fetchall()
    texts = {version_id: text for version_id, text, _ in rows}
    base = texts.get(base_id)
    written = []
    for version_id, text, stored in rows:
        delta = _delta(text, base) if version_id != base_id else None
        if delta is None and stored is not None:
            _store_plain(db, version_id, text)
        elif delta is not None:
            db.execute("UPDATE version_rows SET text = NULL, text_base = ?, text_delta = ? WHERE id = ?",
                       [base_id, delta, version_id])
            written.append(version_id)
    for version_id in written:
        rebuilt = db.execute("SELECT text FROM versions WHERE id = ?", [version_id]).fetchone()[0]
        if rebuilt != texts[version_id]:
            log.warning("version %d: its text delta does not rebuild the text; kept plain", version_id)
            _store_plain(db, version_id, texts[version_id])


def _delta(text: str | None, base: str | None) -> str | None:
    """The JSON delta of ``text`` against ``base``, or None when it would not be smaller.

    Whether it rebuilds the text is checked where it counts, through the view (:func:`rebase`).
    """
    if not text or not base:
        return None
    delta = json.dumps(encode(text, base), ensure_ascii=False, separators=(",", ":"))
    return delta if len(delta.encode()) < len(text.encode()) else None


def _store_plain(db: Database, version_id: int, text: str | None) -> None:
    """Keep one version's text whole."""
    db.execute("UPDATE version_rows SET text = ?, text_base = NULL, text_delta = NULL WHERE id = ?",
               [text, version_id])
