"""The extractor's version, bumped whenever the output for some input changes (docs/extraction.md).

A module of its own so the crawl process can compare versions without importing the HTML stack.
The OCR engine is part of it: a new pin of the ``ocr`` extra (pyproject.toml; a test keeps the two
equal) changes the text read from scans, so every scan is read again by ``nianbao reextract``.
"""

# The pinned packages whose output the text of a scan is: engine and models, runtime, PDF renderer.
OCR_ENGINE = {"rapidocr": "3.10.0", "openvino": "2026.4.1", "pypdfium2": "5.15.2"}
EXTRACTOR_VERSION = "8/" + "/".join(f"{name}-{version}" for name, version in OCR_ENGINE.items())
