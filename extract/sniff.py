"""What the bytes are, from their first bytes (never from the server's Content-Type, which lies)."""

from __future__ import annotations

import io
import zipfile

# (magic prefix, content type); checked in order.
MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "pdf"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole"),  # Word 97-2003, Excel 97-2003, WPS
    (b"PK\x03\x04", "zip"),  # OOXML (docx/xlsx/pptx), OFD, plain zip
    (b"{\\rtf", "rtf"),
    (b"\x1f\x8b", "gzip"),
    (b"\x89PNG", "image"),
    (b"\xff\xd8\xff", "image"),
    (b"GIF8", "image"),
    (b"II*\x00", "image"),  # TIFF, little-endian (scanning stations write CCITT G4 TIFFs)
    (b"MM\x00*", "image"),  # TIFF, big-endian
)
# Zip members that name the format of an OOXML/OFD container.
ZIP_MEMBERS: tuple[tuple[str, str], ...] = (
    ("word/", "docx"), ("xl/", "xlsx"), ("ppt/", "pptx"), ("OFD.xml", "ofd"), ("Doc_0/", "ofd"),
)
# OLE stream names (UTF-16LE in the directory) that name the format of a compound file.
OLE_STREAMS: tuple[tuple[bytes, str], ...] = (
    ("WordDocument".encode("utf-16-le"), "doc"),
    ("Workbook".encode("utf-16-le"), "xls"),
    ("Book".encode("utf-16-le"), "xls"),
    ("PowerPoint".encode("utf-16-le"), "ppt"),
)
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
# A page with this share of NUL bytes in its head is binary, whatever it was served as.
BINARY_NUL_SHARE = 0.1


def sniff_content_type(body: bytes) -> str:
    """``"html"`` for markup, else the document kind: pdf, doc, docx, xls, xlsx, ofd, zip, rtf …"""
    for magic, kind in MAGIC:
        if body.startswith(magic):
            return _refine(body, kind)
    head = body[:1024]
    if head and not head.startswith(_UTF16_BOMS) and head.count(0) > len(head) * BINARY_NUL_SHARE:
        return "binary"
    if _is_json(body):
        return "json"
    return "html"


def _is_json(body: bytes) -> bool:
    """An object or array and nothing else: the reply of a data endpoint, not a page."""
    stripped = body.removeprefix(b"\xef\xbb\xbf").strip()
    return stripped[:1] in (b"{", b"[") and stripped[-1:] in (b"}", b"]") and b"<html" not in stripped[:512].lower()


def _refine(body: bytes, kind: str) -> str:
    """Tell containers apart by what they hold."""
    if kind == "zip":
        return _zip_kind(body)
    if kind == "ole":
        return _ole_kind(body)
    return kind


def _zip_kind(body: bytes) -> str:
    """docx / xlsx / pptx / ofd from member names (read from the directory, nothing inflated)."""
    try:
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return "zip"  # a damaged container is still a container; its text is not ours to read
    for prefix, kind in ZIP_MEMBERS:
        if any(name.startswith(prefix) for name in names):
            return kind
    return "zip"


def _ole_kind(body: bytes) -> str:
    """doc / xls / ppt from the stream names of a compound file."""
    for name, kind in OLE_STREAMS:
        if name in body:
            return kind
    return "ole"
