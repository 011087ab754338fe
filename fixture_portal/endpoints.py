"""Endpoints every site has: robots.txt, images, the 404 page and the named failure endpoints."""

from __future__ import annotations

import base64
import time
from collections.abc import Iterator
from http import HTTPStatus

from .server import Request, Response

ROBOTS = b"User-agent: *\nDisallow: /search/\n"
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==")
JPEG = base64.b64decode(
    "/9j/4AAQSkZJRgABAQEAYABgAAD/2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsLDBkSEw8UHRofHh0aHBwgJC4nICIsIxwcKDcp"
    "LDAxNDQ0Hyc5PTgyPC4zNDL/wAALCAABAAEBAREA/8QAHwAAAQUBAQEBAQEAAAAAAAAAAAECAwQFBgcICQoL/8QAtRAAAgED"
    "AwIEAwUFBAQAAAF9AQIDAAQRBRIhMUEGE1FhByJxFDKBkaEII0KxwRVS0fAkM2JyggkKFhcYGRolJicoKSo0NTY3ODk6Q0RF"
    "RkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1dnd4eXqDhIWGh4iJipKTlJWWl5iZmqKjpKWmp6ipqrKztLW2t7i5usLDxMXGx8jJ"
    "ytLT1NXW19jZ2uHi4+Tl5ufo6erx8vP09fb3+Pn6/9oACAEBAAA/APn+iiigD//Z")
MAX_SLOW_SECONDS = 30.0
MAX_HUGE_MB = 1024
MIB = 1024 * 1024
HUGE_HEAD = b"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>huge</title></head><body>\n"
HUGE_TAIL = b"</body></html>\n"
HUGE_LINE = b"<p>huge page filler line, repeated until the announced size is reached.</p>\n"
WRONG_CHARSET_TEXT = "本页按GBK编码，但响应头声称charset=utf-8。联系人：王镕。政府信息公开工作年度报告。"


def plain(status: int, text: str) -> Response:
    """A short text/plain answer."""
    return Response(status, text.encode("utf-8"), {"Content-Type": "text/plain; charset=utf-8"})


def robots(_: Request) -> Response:
    """robots.txt: everything allowed except the site search."""
    return Response(200, ROBOTS, {"Content-Type": "text/plain"})


def image(kind: str) -> Response:
    """A tiny valid image of the given kind ("png" or "jpg")."""
    body, mime = (PNG, "image/png") if kind == "png" else (JPEG, "image/jpeg")
    return Response(200, body, {"Content-Type": mime, "Cache-Control": "max-age=86400"})


def status(request: Request) -> Response:
    """/status/<n>: answer with status n (3xx point home)."""
    code_text = request.path.removeprefix("/status/")
    if not code_text.isdigit() or not 200 <= int(code_text) <= 599:
        return plain(400, f"status must be a number from 200 to 599, got {code_text!r}")
    code = int(code_text)
    response = plain(code, f"{code} {phrase(code)}\n")
    if 300 <= code < 400 and code != 304:
        response.headers["Location"] = "/"
    return response


def phrase(code: int) -> str:
    """The reason phrase of a status code, or an empty string for unregistered ones."""
    try:
        return HTTPStatus(code).phrase
    except ValueError:
        return ""


def slow(request: Request) -> Response:
    """/slow?s=<seconds>: sleep (at most 30 s), then answer."""
    try:
        seconds = float(request.query.get("s", "1"))
    except ValueError:
        return plain(400, "s must be a number of seconds")
    if seconds < 0:
        return plain(400, "s must not be negative")
    time.sleep(min(seconds, MAX_SLOW_SECONDS))
    return plain(200, f"slept {min(seconds, MAX_SLOW_SECONDS)} s\n")


def huge(request: Request) -> Response:
    """/huge?mb=<n>: stream an HTML page of exactly n MiB (1 to 1024)."""
    try:
        mb = int(request.query.get("mb", "1"))
    except ValueError:
        return plain(400, "mb must be a whole number")
    if not 1 <= mb <= MAX_HUGE_MB:
        return plain(400, f"mb must be from 1 to {MAX_HUGE_MB}")
    total = mb * MIB
    return Response(200, huge_chunks(total), {"Content-Type": "text/html; charset=utf-8"}, length=total)


def huge_chunks(total: int) -> Iterator[bytes]:
    """Head, filler lines in 64 KiB chunks, spaces to pad, tail: exactly ``total`` bytes."""
    yield HUGE_HEAD
    filler = total - len(HUGE_HEAD) - len(HUGE_TAIL)
    chunk = HUGE_LINE * (64 * 1024 // len(HUGE_LINE))
    while filler >= len(chunk):
        yield chunk
        filler -= len(chunk)
    yield b" " * filler
    yield HUGE_TAIL


def redirect(request: Request) -> Response:
    """/redirect?to=<url>: answer 302 to any URL (for offsite-redirect and SSRF tests)."""
    target = request.query.get("to", "/")
    response = plain(302, f"302 Found: {target}\n")
    response.headers["Location"] = target
    return response


def wrong_charset(_: Request) -> Response:
    """/wrong-charset: GBK bytes under a header that says utf-8."""
    page = ('<html><head><meta charset="gbk"><title>编码测试</title></head>'
            f"<body><p>{WRONG_CHARSET_TEXT}</p></body></html>")
    return Response(200, page.encode("gbk"), {"Content-Type": "text/html; charset=utf-8"})


# Named failure endpoints, matched on the path (prefix match for /status/).
FAILURES = {"/slow": slow, "/huge": huge, "/wrong-charset": wrong_charset, "/redirect": redirect,
            "/robots.txt": robots}
PREFIXED = {"/status/": status}
