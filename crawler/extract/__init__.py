"""Extraction: pure functions of (bytes, url, headers) → one JSON-ready dict.

No Scrapy, no database: any archived version can be re-extracted from its stored bytes.
The contract (keys and meaning) is documented in ``docs/extraction.md``.
"""

from __future__ import annotations

from .decode import decode_html
from .document import EXTRACTOR_VERSION, KEYS, extract_document

__all__ = ["EXTRACTOR_VERSION", "KEYS", "decode_html", "extract_document"]
