"""What each list page of a 年报 column led to when it was last read.

A list page is navigation, not a document: it is not versioned. The archive keeps, per list
request, the sha256 of the body that was read, the rules that read it, and what they found (the
items, the further list pages, the CMS family its marks showed). When a later crawl is served the
same bytes and reads with the same rules, it follows the same links without parsing the page again;
where the page had an ETag, the crawl asks with If-None-Match, and a 304 says the same.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlite_utils import Database

from archive import row_dicts

COLUMNS = ("key", "site", "url", "final_url", "sha256", "rules", "family", "items", "pages", "read_at", "etag")


def record(db: Database, page: dict[str, Any]) -> None:
    """Remember one list page as read (replacing what was known of the same request)."""
    values = [json.dumps(page[c], ensure_ascii=False) if c in ("items", "pages") else page[c] for c in COLUMNS]
    db.execute(f"INSERT OR REPLACE INTO list_pages({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})",
               values)


def known(db: Database, sites: Sequence[str]) -> dict[str, dict[str, Any]]:
    """The list pages of ``sites`` as last read, by request key, with JSON fields decoded."""
    marks = ", ".join("?" * len(sites))
    out = {}
    for row in row_dicts.iterate(db, f"SELECT * FROM list_pages WHERE site IN ({marks})", list(sites)):
        row["items"], row["pages"] = json.loads(row["items"]), json.loads(row["pages"])
        out[row["key"]] = row
    return out
