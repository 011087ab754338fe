"""The versioned SQLite archive: documents, captures, blobs, versions, runs; query and export.

Built on sqlite-utils; knows nothing of Scrapy. Start with :func:`open_archive`; docs/archive.md
describes the model and every table.
"""

from archive.record import Recorded
from archive.schema import SCHEMA_VERSION
from archive.store import Archive, open_archive
from nianbao.errors import QueryError

__all__ = ["SCHEMA_VERSION", "Archive", "QueryError", "Recorded", "open_archive"]
