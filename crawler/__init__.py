"""nianbao: archival crawler for Chinese government information-disclosure annual reports.

Packages, in the direction data flows:

- ``spiders``  fetch: find the 年报 column, walk lists, yield raw :class:`crawler.capture.Capture` items;
- ``crawler.extract``  extract: pure functions of stored bytes (no Scrapy, no database);
- ``archive``  store, query and export: sqlite-utils only, knows nothing of Scrapy.

This module stays import-light: it must not import Scrapy.
"""

__version__ = "0.1.0"
