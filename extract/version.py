"""The extractor's version, bumped whenever the output for some input changes (docs/extraction.md).

A module of its own so the crawl process can compare versions without importing the HTML stack.
"""

EXTRACTOR_VERSION = "6"
