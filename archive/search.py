"""Full-text search over current versions: a trigram index finds candidates, the text confirms them.

The index (FTS5, trigram tokenizer, ``detail=none``) stores which versions hold each trigram but
not where, so a term of 3+ characters is asked for as all of its trigrams, and every term is then
confirmed with instr() on the title or text. SQLite 3.40's trigram tokenizer cannot match fewer
than 3 characters, and LIKE '%公开%' on the trigram table wrongly returns nothing, so a query made
only of 1-2-character terms scans current versions with instr(). ``raw=True`` passes FTS5 syntax
through for experts (trigram tokens, no phrases), and any FTS5 error becomes a QueryError.
match() decides how a query finds its versions; search() orders and limits that for ``nianbao
search``, and matching_versions_sql() selects every match for the web view (archive/serve).
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from archive import row_dicts
from nianbao.errors import QueryError

MAX_QUERY_CHARS = 200
MAX_LIMIT = 1000
MIN_TRIGRAM_CHARS = 3
SNIPPET_RADIUS = 30  # characters each side of a fallback match
_TERMS = re.compile(r'\s+|(".*?")')

_COLUMNS = (
    "d.id AS document_id, d.url, d.status, v.id AS version_id, v.number AS version, "
    "v.title, v.issuer, v.report_year, v.publish_date"
)
# Search reads current versions only, whose text is always plain in version_rows
# (archive/text_deltas.py); through the versions view a scan of every text took five times longer.
_INDEXED = "search_fts JOIN version_rows v ON v.id = search_fts.rowid JOIN documents d ON d.id = v.document_id"
_SCANNED = "documents d JOIN version_rows v ON v.id = d.current_version_id"
# "recent" lets FTS5 stop after LIMIT rows in rowid (version) order; "relevance" ranks every match by
# bm25 first, which costs 70-170 ms for a term found in nearly every report (bench/archive).
ORDERS = {"recent": "search_fts.rowid DESC", "relevance": "rank"}
_SCAN_ORDER = "v.publish_date DESC NULLS LAST, d.id"
_CONTAINS = "(instr(lower(coalesce(v.title, '')), ?) > 0 OR instr(lower(coalesce(v.text, '')), ?) > 0)"
# A term without ASCII letters matches the same either way: skip lower(), which copies every text.
_CONTAINS_AS_IS = "(instr(coalesce(v.title, ''), ?) > 0 OR instr(coalesce(v.text, ''), ?) > 0)"


# SQLite's lower() folds ASCII only; fold terms the same way so both sides agree.
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


@dataclass(frozen=True)
class Match:
    """How a query finds its versions: tables (``v`` is version_rows, ``d`` documents), condition, parameters."""

    tables: str
    condition: str
    params: list[str]
    terms: list[str]  # as confirmed on the text (ASCII folded); none for raw FTS5 queries
    indexed: bool  # through search_fts (ordered by ORDERS), or a scan of current versions


def terms_of(query: str) -> list[str]:
    """Split a query into terms: "quoted phrases" stay whole, an unbalanced quote closes at the end."""
    text = query.strip()
    if not text:
        raise QueryError("empty search query")
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(f"search query longer than {MAX_QUERY_CHARS} characters")
    if text.count('"') % 2:
        text += '"'
    pieces = (piece.strip('"').strip() for piece in _TERMS.split(text) if piece)
    terms = [piece for piece in pieces if piece]
    if not terms:
        raise QueryError(f"search query has no terms: {query!r}")
    return terms


def fts_phrase(term: str) -> str:
    """One term as an FTS5 string, so no character in it is read as syntax."""
    return '"' + term.replace('"', '""') + '"'


def match(query: str, *, raw: bool = False) -> Match:
    """How to find the current versions holding every term of ``query`` (or matching raw FTS5 syntax).

    Terms of 3+ characters ask the trigram index for every one of their trigrams, then every term is
    confirmed on the title or text; a query of 1-2-character terms only scans current versions.
    """
    if raw:
        if len(query) > MAX_QUERY_CHARS:
            raise QueryError(f"search query longer than {MAX_QUERY_CHARS} characters")
        return Match(_INDEXED, "search_fts MATCH ?", [query], [], indexed=True)
    terms = [t.translate(_ASCII_LOWER) for t in terms_of(query)]
    contains, params = _contains_filter(terms)
    long_terms = [t for t in terms if len(t) >= MIN_TRIGRAM_CHARS]
    if not long_terms:
        return Match(_SCANNED, contains, params, terms, indexed=False)
    return Match(_INDEXED, f"search_fts MATCH ? AND {contains}", [trigram_expression(long_terms), *params], terms,
                 indexed=True)


def search(db: Database, query: str, limit: int = 20, raw: bool = False,
           order: str = "recent") -> list[dict[str, Any]]:
    """Current versions matching every term of ``query``: newest versions first, or by bm25 relevance."""
    if not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
        raise QueryError(f"limit must be an integer from 1 to {MAX_LIMIT}")
    if order not in ORDERS:
        raise QueryError(f"order must be one of {sorted(ORDERS)}, not {order!r}")
    found = match(query, raw=raw)
    sql = (f"SELECT {_COLUMNS}, v.text AS _text FROM {found.tables} WHERE {found.condition} "
           f"ORDER BY {ORDERS[order] if found.indexed else _SCAN_ORDER} LIMIT ?")
    try:
        results = row_dicts.all_rows(db, sql, [*found.params, limit])
    except sqlite3.OperationalError as exc:
        raise QueryError(f"invalid full-text query {query!r}: {exc}") from exc
    return _with_snippets(results, found.terms)


def matching_versions_sql(query: str, *, raw: bool = False) -> tuple[str, list[str]]:
    """A SELECT of the ids of every current version search() matches for ``query``, and its parameters.

    No order and no limit, so a caller filtering its own rows by search (the web view's ``?_search=``,
    archive/serve) counts and facets every match. Raises QueryError as search() does.
    """
    found = match(query, raw=raw)
    return f"SELECT v.id FROM {found.tables} WHERE {found.condition}", found.params


def trigram_expression(terms: list[str]) -> str:
    """An FTS5 query for versions holding every trigram of every term (each a single token, so no phrase)."""
    trigrams = dict.fromkeys(t[i:i + 3] for t in terms for i in range(len(t) - 2))
    return " ".join(fts_phrase(trigram) for trigram in trigrams)


def _contains_filter(terms: list[str]) -> tuple[str, list[str]]:
    """SQL and parameters requiring every term, as written, in the title or text."""
    sql = " AND ".join(_CONTAINS if any("a" <= char <= "z" for char in term) else _CONTAINS_AS_IS for term in terms)
    params = [term for term in terms for _ in (0, 1)]
    return sql, params


def _with_snippets(results: list[dict[str, Any]], terms: list[str]) -> list[dict[str, Any]]:
    for result in results:
        result["snippet"] = window_snippet(result.pop("_text") or "", result["title"] or "", terms)
    return results


def window_snippet(text: str, title: str, terms: list[str]) -> str:
    """A window of text around the first match, marked like FTS snippets: …before[term]after…"""
    for source in (text, title):
        lowered = source.translate(_ASCII_LOWER)
        for term in terms:
            at = lowered.find(term)
            if at >= 0:
                return _window(source, at, len(term))
    return text[: 2 * SNIPPET_RADIUS]


def _window(source: str, at: int, length: int) -> str:
    """``source`` cut to SNIPPET_RADIUS characters around [at, at+length), with the match bracketed."""
    start, end = max(0, at - SNIPPET_RADIUS), min(len(source), at + length + SNIPPET_RADIUS)
    head = ("…" if start > 0 else "") + source[start:at]
    tail = source[at + length:end] + ("…" if end < len(source) else "")
    return f"{head}[{source[at:at + length]}]{tail}"
