"""The versioned SQLite archive: documents, captures, blobs, versions, runs; query and export.

Built on sqlite-utils; knows nothing of Scrapy.
"""
