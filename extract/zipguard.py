"""Zip bombs: refuse a DOCX/XLSX by its central directory, before anything is inflated.

Only the directory is read (``ZipFile.infolist``). Python's zip reader stops inflating a member
at its declared size, so bounding the declared sizes bounds the work; the worker's memory
limit is the second line.
"""

from __future__ import annotations

import io
import zipfile

MAX_ENTRIES = 10_000
MAX_UNCOMPRESSED = 100 * 1024 * 1024
# Declared size over file size. Office XML compresses about 10:1; a bomb, by thousands.
MAX_RATIO = 100
# The ratio rule applies only above this declared size: a small file cannot hurt.
RATIO_FLOOR = 1024 * 1024


def zip_verdict(body: bytes) -> str | None:
    """None for a reasonable zip; else the flag: ``attachment_too_large`` or ``attachment_malformed``."""
    try:
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        return "attachment_malformed"
    declared = sum(entry.file_size for entry in entries)
    if len(entries) > MAX_ENTRIES or declared > MAX_UNCOMPRESSED:
        return "attachment_too_large"
    if declared > RATIO_FLOOR and declared > MAX_RATIO * len(body):
        return "attachment_too_large"
    return None
