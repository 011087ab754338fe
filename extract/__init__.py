"""Extraction: pure functions of (bytes, url, headers) → one JSON-ready dict.

No Scrapy, no database: any archived version can be re-extracted from its stored bytes.
The contract (keys and meaning) is documented in ``docs/extraction.md``.

Names are imported on first use, so the attachment worker (``python -m
extract.reader_server``) starts without loading the HTML stack it does not need.
"""

from __future__ import annotations

import importlib
from typing import Any

# Public name → the module that defines it.
_EXPORTS = {"EXTRACTOR_VERSION": "version", "KEYS": "document", "extract_document": "document"}
__all__ = ["EXTRACTOR_VERSION", "KEYS", "extract_document"]


def extract_in_worker(body: bytes, url: str, headers: Any) -> dict[str, Any]:
    """:func:`extract_document` as a crawl runs it (OCR deferred: scanned pages are read after the
    crawl), importable by name without the HTML stack: what a process pool is handed, so the crawl
    process that pickles it never loads trafilatura and lxml's cleaners."""
    from .document import extract_document

    return extract_document(body, url, headers, ocr=False)


def __getattr__(name: str) -> Any:
    """Load a public name from its module the first time it is asked for."""
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
    globals()[name] = value
    return value
