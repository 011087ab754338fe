"""What the spider and extraction must judge the same way about a fetched page.

- its text: bytes → text with a recorded decision (:func:`decode_html`);
- whether it is an error page served with 200 (:func:`is_soft_404`);
- whether a link points to an attachment (:func:`attachment_ext`).

Decoding: BOM > HTTP header > <meta> > detection.

Every candidate is tried with *strict* decoding, so a wrong label cannot garble text silently:
it is skipped and named in the rule (``"http-header-wrong:meta"``). Single-byte codecs decode
any bytes, so strict decoding cannot prove them wrong; a declared one is believed only for
ASCII bytes or when nothing else works. Strict decoding is no proof for two multi-byte codecs
either: GB18030 maps almost any byte run to some character (a UTF-8 page with a few broken bytes
"decodes" as mojibake), and UTF-16 decodes any even number of bytes. So a strict reading must
also *read as text* (:func:`damage`: characters Chinese text hardly uses), and UTF-16/32 without a
BOM need the NUL bytes every ASCII character of their markup carries.

When no candidate decodes cleanly, the page is decoded region by region (the text between tags,
and lines), every region by the reading that loses least (fewest U+FFFD and mojibake characters):
a UTF-8 page with a few broken bytes stays UTF-8 with replacements, and a UTF-8 template around a
pasted GBK article reads right in both parts. The rule says what happened: ``"lossy:utf-8"`` when
something was replaced, ``"regions:gb18030+utf-8"`` when regions were read differently; the
caller flags both.
"""

from __future__ import annotations

import codecs
import itertools
import json
import re
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from typing import Any
from urllib.parse import parse_qsl, urljoin, urlsplit

import charset_normalizer

# GB2312 and GBK are subsets of GB18030; portals label GBK bytes "gb2312" all the time.
_ALIASES = {
    "gb2312": "gb18030", "gbk": "gb18030", "gb18030": "gb18030", "x-gbk": "gb18030",
    "cp936": "gb18030", "euc-cn": "gb18030", "euc_cn": "gb18030", "gb_2312-80": "gb18030",
    "csgb2312": "gb18030", "hz": "gb18030",
    "utf8": "utf-8", "utf-8": "utf-8", "utf_8": "utf-8", "unicode-1-1-utf-8": "utf-8",
    "big5": "big5hkscs", "big5-hkscs": "big5hkscs", "cp950": "big5hkscs",
}
# Multi-byte codecs whose strict decoding actually tests the bytes.
_STRONG = {"utf-8", "gb18030", "big5hkscs", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"}
# Codecs in which every ASCII character of the markup carries NUL bytes.
_WIDE = {"utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"}
# A page in a wide codec is at least this share NUL bytes (its tags and attributes are ASCII).
WIDE_NUL_SHARE = 1 / 16
# A reading whose characters beyond Latin-1 are more than this share damage (U+FFFD, or characters
# outside the common Chinese sets) does not read as text. Report pages measure under 1 %; UTF-8 read
# as GB18030 about 67 %, random bytes read as GB18030 about 77 %.
MAX_DAMAGE_SHARE = 0.25
# Characters looked at (times four) when judging a reading: a sample is enough, and bounds the work.
DAMAGE_SAMPLE = 20_000
# Regions decoded one by one when nothing decodes the page cleanly; the rest is decoded as one.
MAX_REGIONS = 10_000
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
         (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?\s*([\w.:-]+)", re.IGNORECASE)
_META_CHARSET = re.compile(rb"<meta[^>]{0,400}?charset\s*=\s*[\"']?\s*([\w.:-]+)", re.IGNORECASE)
# How far into the document a <meta charset> is looked for (old templates have long heads).
META_SCAN_BYTES = 16384
# Bytes handed to the statistical detector; it samples anyway, this only bounds the work.
DETECT_BYTES = 1 << 20
# A lossy decode losing more than this share of characters reads worse than a declared
# single-byte label, which at least keeps every byte.
LOSSY_LIMIT = 0.01

Candidate = tuple[str, str]  # (source, codec)


def decode_html(body: bytes, headers: Mapping[str, str] | None = None) -> tuple[str, str, str]:
    """Decode a page: return ``(text, encoding, rule)``; see the module docstring for rules."""
    wrong: list[str] = []
    bom = _bom(body)
    if bom:
        codec, size = bom
        text = _strict(body[size:], codec)
        if text is not None:
            return text, codec, "bom"
        wrong, body = ["bom"], body[size:]
    candidates = _candidates(body, headers)
    for source, codec in candidates:
        text = _plausible(body, codec)
        if text is not None:
            return text, codec, _rule(wrong, source)
        wrong.append(source)
    return _last_resort(body, candidates, wrong)


def rule_flags(rule: str) -> list[str]:
    """Flags a decoding rule implies: a label that lied, bytes lost to replacement, regions read differently."""
    flags = ["encoding_mismatch"] if "-wrong" in rule else []
    flags += ["decode_lossy"] if "lossy:" in rule else []
    return [*flags, "decode_mixed"] if "regions:" in rule and "+" in rule else flags


def normalize_codec(label: str) -> str | None:
    """The Python codec to use for a charset label, or None if Python does not know it."""
    label = label.strip().lower()
    if label in _ALIASES:
        return _ALIASES[label]
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    return _ALIASES.get(name, name)


def _bom(body: bytes) -> tuple[str, int] | None:
    """The codec announced by a byte-order mark, and the mark's length."""
    for mark, codec in _BOMS:
        if body.startswith(mark):
            return codec, len(mark)
    return None


def _candidates(body: bytes, headers: Mapping[str, str] | None) -> list[Candidate]:
    """Declared codecs in priority order, then detection."""
    declared = [("http-header", _header_codec(headers)), ("meta", _meta_codec(body))]
    found = [(source, codec) for source, codec in declared if codec]
    if body.isascii():
        # Every ASCII-compatible label is right for ASCII bytes: honour the declaration.
        return [*found, ("detected", "utf-8")]
    detected = _detect(body)
    return [*found, *([("detected", detected)] if detected else [])]


def _header_codec(headers: Mapping[str, str] | None) -> str | None:
    """Codec named by the Content-Type header (header names are case-insensitive)."""
    for name, value in (headers or {}).items():
        if name.lower() == "content-type":
            match = _HEADER_CHARSET.search(value)
            return normalize_codec(match[1]) if match else None
    return None


def _meta_codec(body: bytes) -> str | None:
    """Codec named by ``<meta charset>`` or ``<meta http-equiv … charset=>`` near the top."""
    match = _META_CHARSET.search(body[:META_SCAN_BYTES])
    return normalize_codec(match[1].decode("ascii")) if match else None


def _detect(body: bytes) -> str | None:
    """UTF-8 when the bytes are valid UTF-8 (a strong signal), else charset-normalizer's guess."""
    if _strict(body, "utf-8") is not None:
        return "utf-8"
    best = charset_normalizer.from_bytes(body[:DETECT_BYTES]).best()
    return normalize_codec(best.encoding) if best else None


def _plausible(body: bytes, codec: str) -> str | None:
    """Strictly decoded text, or None when the codec fails or is contradicted by the bytes."""
    if body.isascii():
        return _strict(body, codec)
    if codec not in _STRONG or (codec in _WIDE and body.count(b"\x00") < len(body) * WIDE_NUL_SHARE):
        return None
    if codec != "utf-8" and _strict(body, "utf-8") is not None:
        # Chinese GBK text is essentially never valid UTF-8; valid multi-byte UTF-8 wins.
        return None
    text = _strict(body, codec)
    return text if text is not None and (codec == "utf-8" or reads_as_text(text)) else None


_C1_CONTROLS = re.compile("[\x80-\x9f]")


def damage(text: str) -> tuple[int, int]:
    """(damaged, counted) in (a sample of) ``text``: of the characters beyond Latin-1, those outside
    GB2312 (or outside Big5, whichever set the text fits better), U+FFFD among them, plus C1 control
    characters. Chinese text is almost wholly made of one of the two sets; mojibake is mostly not."""
    sample = text[:DAMAGE_SAMPLE * 4]
    counted = len(sample) - len(sample.encode("latin-1", "ignore"))
    ascii_chars = len(sample.encode("ascii", "ignore"))
    # a non-ASCII character either set holds takes two bytes in it
    common = max(len(sample.encode(codec, "ignore")) for codec in ("gb2312", "big5")) - ascii_chars
    controls = len(_C1_CONTROLS.findall(sample))
    return max(0, counted - common // 2) + controls, counted + controls


def reads_as_text(text: str) -> bool:
    """Whether a decoding reads as text rather than mojibake or replacement characters."""
    damaged, counted = damage(text)
    return damaged <= counted * MAX_DAMAGE_SHARE


# A text is garbled, not merely damaged in places, with at least this many damaged characters.
GARBLED_MIN_CHARS = 8


def garbled(text: str) -> bool:
    """Whether a decoded text is mostly U+FFFD or mojibake (what is left of it is no text to keep)."""
    damaged, counted = damage(text)
    return damaged >= GARBLED_MIN_CHARS and damaged > counted * MAX_DAMAGE_SHARE


def _strict(body: bytes, codec: str) -> str | None:
    """``body`` decoded without loss, or None."""
    try:
        return body.decode(codec, "strict")
    except (UnicodeDecodeError, LookupError):
        return None


def _last_resort(body: bytes, candidates: list[Candidate], wrong: list[str]) -> tuple[str, str, str]:
    """Nothing decoded cleanly: each region by the reading that loses least, or a declared single-byte label."""
    text, codec, winner = _by_region(body)
    if text.count("\ufffd") > len(text) * LOSSY_LIMIT:
        for source, weak in candidates:
            weak_text = _strict(body, weak) if weak not in _STRONG and source != "detected" else None
            if weak_text is not None:
                # Detection failing is no lie by the declaration; only other declared labels count.
                kept = [w for w in wrong if w not in (source, "detected")]
                return weak_text, weak, _rule(kept, source)
    return text, codec, _rule(wrong, winner)


# A region: an optional tag opening, then text up to the next tag or the end of the line. Tags and
# lines are where a page's parts were put together (a template, a pasted article), and a title or
# paragraph is then read on its own.
_REGION = re.compile(rb"<?[^<\n]*\n?")


def _regions(body: bytes) -> Iterator[bytes]:
    """``body`` cut into regions; runs of ASCII regions joined (any codec reads them); after
    MAX_REGIONS regions that are not ASCII, the rest is one region."""
    ascii_run: list[bytes] = []
    count = 0
    for match in _REGION.finditer(body):
        piece = match[0]
        if piece.isascii():
            ascii_run.append(piece)
            continue
        if ascii_run:
            yield b"".join(ascii_run)
            ascii_run = []
        count += 1
        if count >= MAX_REGIONS:
            yield body[match.start():]
            return
        yield piece
    if ascii_run:
        yield b"".join(ascii_run)


def _by_region(body: bytes) -> tuple[str, str, str]:
    """(text, main codec, rule) decoding each region by the reading that loses least (see the module docstring)."""
    parts: list[str] = []
    weight: Counter[str] = Counter()
    for region in _regions(body):
        text, codec = _region(region)
        parts.append(text)
        if codec:
            weight[codec] += len(region)
    text = "".join(parts)
    main = weight.most_common(1)[0][0] if weight else "utf-8"
    lossy = "lossy:" if "\ufffd" in text else ""
    read = "regions:" + "+".join(sorted(weight)) if len(weight) > 1 or not lossy else main
    return text, main, lossy + read


def _region(line: bytes) -> tuple[str, str | None]:
    """One region decoded, UTF-8 or GB18030, whichever loses least; codec None when no reading is
    better than the other (ASCII, which any codec reads, or bytes both lose alike)."""
    if line.isascii():
        return line.decode("ascii"), None
    strict = _strict(line, "utf-8")
    if strict is not None:
        return strict, "utf-8"
    utf8, gb18030 = line.decode("utf-8", "replace"), line.decode("gb18030", "replace")
    lost_utf8, lost_gb18030 = damage(utf8)[0], damage(gb18030)[0]
    if lost_utf8 == lost_gb18030:
        return utf8, None
    return (utf8, "utf-8") if lost_utf8 < lost_gb18030 else (gb18030, "gb18030")


def _rule(wrong: list[str], winner: str) -> str:
    """``"meta"``, or ``"http-header-wrong:meta"`` when earlier sources had to be skipped."""
    return ":".join([*(f"{source}-wrong" for source in wrong), winner])


# -- error pages --------------------------------------------------------------------------

# An HTTP-200 error page is short; real report pages are far longer than this.
SOFT_404_MAX_CHARS = 2000
# Phrases that only error pages use.
SOFT_404_PHRASES = ("页面不存在", "访问的页面不存在", "错误页面", "页面未找到", "页面已删除", "Not Found",
                    "not found")
# Words ordinary pages use too (找不到您要的信息？请搜索): believed in the title, or in a very short page.
SOFT_404_WEAK = ("找不到", "无法找到")
SOFT_404_WEAK_MAX_CHARS = 600
# "404" standing alone, not inside a phone number or an id.
SOFT_404_CODE = re.compile(r"(?<![\w\-./])404(?![\w\-./])")


def is_soft_404(page_text: str, title: str | None) -> bool:
    """True for a short page that says it is an error page."""
    if len(page_text) >= SOFT_404_MAX_CHARS:
        return False
    title = title or ""
    if any(p in page_text or p in title for p in SOFT_404_PHRASES):
        return True
    weak_place = f"{title}\n{page_text}" if len(page_text) < SOFT_404_WEAK_MAX_CHARS else title
    return any(w in weak_place for w in SOFT_404_WEAK) or SOFT_404_CODE.search(weak_place) is not None


# -- attachment links --------------------------------------------------------------------

ATTACHMENT_EXTS = frozenset({"pdf", "doc", "docx", "xls", "xlsx", "wps", "et", "rtf", "ofd", "zip", "rar",
                             "7z", "ppt", "pptx",
                             "jpg", "jpeg", "png", "tif", "tiff"})  # pages of a report scanned or photographed
# Query parameters that carry the real file name of a download script.
FILENAME_PARAMS = ("filename", "fileName", "file", "name", "path", "filepath", "fn")
_SKIP_SCHEMES = ("javascript:", "mailto:", "tel:", "#", "data:")
# A link without ".ext" anywhere, nothing percent-encoded and no tab or newline (which the URL split drops)
# cannot end its path or a parameter in one: most links of a page are let go by one search, not a split.
_EXT_ALTERNATIVES = "|".join(sorted(ATTACHMENT_EXTS, key=len, reverse=True))
_EXT_ANYWHERE = re.compile(rf"\.(?:{_EXT_ALTERNATIVES})(?![a-z0-9])", re.IGNORECASE)
_SPLIT_CHANGES = re.compile(r"[%\t\r\n]")


def attachment_ext(href: str | None) -> str | None:
    """The attachment extension a link points to, from its path or its file-name parameter."""
    if not href or href.strip().lower().startswith(_SKIP_SCHEMES):
        return None
    if _EXT_ANYWHERE.search(href) is None and _SPLIT_CHANGES.search(href) is None:
        return None
    try:
        parts = urlsplit(href.strip())
    except ValueError:  # http://[bad/…, a host with characters urllib refuses: not a link one can follow
        return None
    ext = _ext(parts.path)
    if ext:
        return ext
    for key, value in parse_qsl(parts.query):
        if key in FILENAME_PARAMS and _ext(value):
            return _ext(value)
    return None


# An online viewer shows a file it is given in its query (pdf.js: ``/pdfjs/web/viewer.html?file=…``),
# reading it relative to itself: the file is the attachment, the viewer page only its frame.
_VIEWER = re.compile(r"(?:^|/)(?:viewer|preview|pdfview\w*|pdfjs\w*)\.(?:s?html?|jsp|aspx?|php)$|/(?:pdfjs|pdf\.js)/", re.I)
VIEWER_PARAMS = ("file", "url", "src", "pdf", "path", "filepath")


def viewed_file(url: str) -> str | None:
    """The file an online viewer's absolute URL shows (absolute), or None when ``url`` is no viewer of an
    attachment."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if not parts.query or not _VIEWER.search(parts.path):
        return None
    for key, value in parse_qsl(parts.query):
        if key.lower() not in VIEWER_PARAMS:
            continue
        try:
            target = urljoin(url, value.strip())
        except ValueError:  # a host urllib refuses: no file one can fetch
            return None
        if target.startswith(("http://", "https://")) and _ext(urlsplit(target).path):
            return target
    return None


def _ext(path: str) -> str | None:
    """The known attachment extension ending ``path``, lower-cased."""
    stem, dot, ext = path.rpartition(".")
    ext = ext.lower()
    return ext if dot and stem and ext in ATTACHMENT_EXTS else None


# -- pages drawn by JavaScript ------------------------------------------------------------

# Placeholders a client-side template leaves in the static page (Handlebars/Vue ``{{…}}``,
# template literals ``${…}``, ``<%= … %>``); the real text arrives later from a data endpoint.
TEMPLATE_PLACEHOLDER = re.compile(r"\{\{[^{}\n]{1,80}\}\}|\$\{[^{}\n]{1,80}\}|<%=?[^%\n]{1,80}%>")
# A page with this many placeholders outside its scripts is a shell.
SHELL_PLACEHOLDERS = 2
# Where a shell's script fetches its data: ajax/get/getJSON/fetch/axios calls and ``url:`` options.
_DATA_CALL = re.compile(
    r"""(?:\burl\s*:\s*|\$\.(?:get|getJSON|ajax)\(\s*|\bfetch\(\s*|\baxios(?:\.get)?\(\s*)["']([^"'\s<>{}]+)["']""")
# A data endpoint: JSON by its name or an API path; never a script, a style sheet or an image.
_DATA_PATH = re.compile(r"\.json\b|/api/|/interface/|json|/getcontent|/detail", re.I)
_NOT_DATA = re.compile(r"\.(?:js|css|png|jpe?g|gif|svg|ico|woff2?)(?:\?|$)", re.I)
_SCRIPT_BLOCK = re.compile(r"<script\b[^>]*>(.*?)</script>", re.S | re.I)


def template_placeholders(text: str) -> int:
    """How many client-side template placeholders ``text`` carries."""
    if "{{" not in text and "${" not in text and "<%" not in text:
        return 0  # most pages, without a regex over the whole text
    return len(TEMPLATE_PLACEHOLDER.findall(text))


def is_js_shell(html: str) -> bool:
    """A page whose document is drawn by JavaScript: template placeholders outside its scripts."""
    return template_placeholders(_SCRIPT_BLOCK.sub(" ", html)) >= SHELL_PLACEHOLDERS


def js_data_url(page_url: str, html: str) -> str | None:
    """The data endpoint a JavaScript shell fetches its document from, absolute; None when there is none."""
    for script in _SCRIPT_BLOCK.findall(html):
        for target in _DATA_CALL.findall(script):
            if _DATA_PATH.search(target) and not _NOT_DATA.search(target):
                url = urljoin(page_url, str(target))
                if url.startswith(("http://", "https://")):
                    return url
    return None


# -- list rows kept in scripts ------------------------------------------------------------

# A list drawn in the browser keeps its rows in an inline array of objects: ``var listData =
# {articleList: [{"title": …, "url": …, "pubDate": …}, …]}``. The spider follows their URLs and
# extraction reads them as a list page's rows, so both use these readers.
ARRAY_START = re.compile(r"\[\s*\{")
MAX_ARRAY_CHARS = 2_000_000
TITLE_KEYS = ("title", "showtitle", "articletitle", "doctitle", "name", "bt", "subject")
MIN_TITLE_CHARS = 6
_DATE_KEY = re.compile(r"date|time|rq|fbsj", re.I)
_URL_KEY = re.compile(r"url|link|href|path", re.I)
_DOCUMENT_URL = re.compile(r"(?:https?://|/|\./)[^\s\"'<>,]*?\.(?:s?html?|jsp|aspx?|pdf|docx?|xlsx?)\b")
# The number of rows a client-side list shows at once.
_PAGE_SIZE = re.compile(r"\b(?:perPage|pageSize|page_size|perpage)\s*[:=]\s*['\"]?(\d{1,3})\b")
_MARKUP_TAG = re.compile(r"<[^>]+>")
_JS_KEY = re.compile(r"([{,]\s*)([A-Za-z_$][\w$]*)\s*:")
_DECODER = json.JSONDecoder()


def script_rows(script: str) -> list[tuple[str, str | None, str | None]]:
    """``(title, url, date text)`` of the longest array of titled objects in a script, each once."""
    best: list[tuple[str, str | None, str | None]] = []
    for array in script_arrays(script):
        rows = list(dict.fromkeys(row for row in map(titled_object, array) if row is not None))
        best = rows if len(rows) > len(best) else best
    return best


def script_arrays(script: str) -> Iterator[list[Any]]:
    """Every array of objects in a script, read as JSON (object keys may be bare JavaScript names)."""
    end = 0
    for match in ARRAY_START.finditer(script):
        if match.start() < end:
            continue  # inside an array already read
        try:  # JSON first: the C decoder reads it at once
            value, end = _DECODER.raw_decode(script, match.start())
        except ValueError:
            value = _javascript_array(script, match.start())
        if isinstance(value, list):
            yield value


def titled_object(item: Any) -> tuple[str, str | None, str | None] | None:
    """``(title, url, date text)`` of one object of a data array, or None when it has no title."""
    if not isinstance(item, dict):
        return None
    keys = {str(k).lower(): v for k, v in item.items()}
    title = next((" ".join(_MARKUP_TAG.sub("", value).split()) for key in TITLE_KEYS
                  if isinstance(value := keys.get(key), str) and value.strip()), None)
    if not title or len(title) < MIN_TITLE_CHARS:
        return None
    date = next((value for key, value in keys.items() if _DATE_KEY.search(key) and isinstance(value, str)
                 and value.strip()), None)
    links = (str(v) for k, v in keys.items() if _URL_KEY.search(k) and isinstance(v, (str, dict)))
    url = next((m[0] for m in map(_DOCUMENT_URL.search, links) if m), None)
    return title, url, date


def page_size(script: str) -> int | None:
    """The number of rows a client-side list shows at once, when its script says."""
    match = _PAGE_SIZE.search(script)
    return int(match[1]) if match and int(match[1]) > 0 else None


# A template may write each row from script strings instead, to shorten a long title or mark a new
# one (TRS): ``var url = "./202401/t20240115_1.shtml"; var title = "…"; document.writeln("<li><a …")``.
STRING_LITERAL = re.compile(r""""([^"\\\n<>]{1,600})"|'([^'\\\n<>]{1,600})'""")
URL_LITERAL = re.compile(r"^(?:https?://|\.{0,2}/)?[\w\-./%]+\.(?:s?html?|jsp|aspx?|php|do|pdf|docx?|xlsx?|wps|ofd)"
                         r"(?:\?[\w\-.=&%]*)?$", re.I)
ROW_DATE = re.compile(r"(?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?")
MAX_SCRIPT_STRINGS = 4_000  # a list's script has a few per row; a bundled library has thousands


def string_rows(script: str, is_title: Callable[[str], bool]) -> list[tuple[str, str, str | None]]:
    """``(title, url, date text)`` of the rows a script writes from strings: each URL-shaped string with
    the title string (``is_title``) next to it, before or after, in order, and the first date after the
    pair; none from a script of more than ``MAX_SCRIPT_STRINGS`` strings (a library, not a list)."""
    literals = list(itertools.islice(STRING_LITERAL.finditer(script), MAX_SCRIPT_STRINGS + 1))
    if len(literals) > MAX_SCRIPT_STRINGS:
        return []
    pairs: list[tuple[str, str, int, int]] = []  # title, url, where the row's strings start and end
    url: tuple[str, int] | None = None
    title: tuple[str, int] | None = None
    for match in literals:
        value = (match[1] or match[2]).strip()
        if "/" in value and URL_LITERAL.match(value):
            url = (value, match.start())
        elif is_title(value):
            title = (" ".join(value.split()), match.start())
        else:
            continue
        if url and title:
            pairs.append((title[0], url[0], min(url[1], title[1]), match.end()))
            url = title = None
    rows = []
    for n, (title_text, url_text, _, end) in enumerate(pairs):
        stop = pairs[n + 1][2] if n + 1 < len(pairs) else len(script)
        date = ROW_DATE.search(script, end, stop)
        rows.append((title_text, url_text, date[0] if date else None))
    return rows


def _javascript_array(script: str, start: int) -> Any:
    """An array literal written as JavaScript (bare keys), read as JSON; None when it is not one."""
    literal = _balanced(script, start)
    if literal is None:
        return None
    try:
        return json.loads(_JS_KEY.sub(r'\1"\2":', literal))
    except ValueError:
        return None


def _balanced(text: str, start: int) -> str | None:
    """The bracketed literal starting at ``start``, strings respected; None if unbalanced or too long."""
    depth, quote, escaped = 0, "", False
    for index in range(start, min(len(text), start + MAX_ARRAY_CHARS)):
        char = text[index]
        if quote:
            escaped, quote = (not escaped and char == "\\"), ("" if char == quote and not escaped else quote)
        elif char in "\"'":
            quote = char
        elif char in "[{":
            depth += 1
        elif char in "]}":
            depth -= 1
            if depth == 0:
                return text[start:index + 1]
    return None
