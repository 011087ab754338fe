"""nianbao: archival crawler for Chinese government information-disclosure annual reports.

This package is the bottom layer: the vocabulary every other package shares, importing none of
them. Packages, in the direction data flows (each imports only those below it)::

    spiders         fetch: find the 年报 column, walk lists, yield raw captures
    crawler         Scrapy glue (pipelines, middlewares, runner), the registry and the CLI;
                    crawler.distributed: workers and one writer sharing a Redis
    archive         store, query and export: sqlite-utils only, knows nothing of Scrapy;
                    archive.serve is its read-only web face (Datasette)
    extract         pure functions of stored bytes (no Scrapy, no database)
    nianbao         shared types: captures, the error tree, extraction fields, CMS families, page decoding

``fixture_portal`` is the offline portal the demo, tests and benchmarks serve; nothing else imports it.
The contracts are checked by import-linter (``[tool.importlinter]`` in pyproject.toml).
"""

__version__ = "0.1.0"
