"""Extraction: pure functions of (bytes, url, headers) → one JSON-ready dict.

No Scrapy, no database: any archived version can be re-extracted from its stored bytes.
The contract (keys and meaning) is documented in ``docs/extraction.md``.
"""
