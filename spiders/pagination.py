"""One small pure function per list-pagination style; each returns the other list pages to fetch.

Every function takes ``(page_url, text, tree, limit)`` and returns ``PageRequest`` objects
(possibly none). The spider asks every style and deduplicates, so a page rendered in several ways
at once (inline script *and* rendered links) is fetched once.

A page count is what the page *claims*: ``var countPage = 100000000`` is one line of text. No
style builds more than ``limit`` requests whatever it claims (the spider passes one more than its
list-page cap, so it sees the cap bite and records it), and every pattern reads a bounded stretch
of text, so a hostile page costs time linear in its length.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Protocol
from urllib.parse import urlencode, urljoin, urlsplit

from lxml import html

from spiders.listing import all_links


@dataclass(frozen=True)
class PageRequest:
    url: str
    method: str = "GET"
    form: tuple[tuple[str, str], ...] = ()
    style: str = ""
    headers: dict[str, str] = field(default_factory=dict, hash=False, compare=False)


# Requests one style builds when the caller names no limit.
DEFAULT_LIMIT = 1000
# A claimed count past this is read as this: past any cap, and never a giant integer to convert.
HUGE_COUNT = 10**15
CREATE_PAGE_CALL = re.compile(r"createPage(?:HTML)?\s*\(([^()]{0,1000})\)")
# A script call is looked for at its first few occurrences only, each read a bounded length, so a
# page repeating a call's opening a million times costs linear time.
CALL_TRIES = 5


def first_call(start: re.Pattern[str], call: re.Pattern[str], text: str) -> re.Match[str] | None:
    """``call`` matched where one of the first ``CALL_TRIES`` matches of ``start`` begins."""
    for attempt, opening in enumerate(start.finditer(text)):
        if attempt >= CALL_TRIES:
            return None
        match = call.match(text, opening.start())
        if match:
            return match
    return None

COUNT_PAGE_VAR = re.compile(r"var\s+countPage\s*=\s*(\d{1,30})")
STATIC_PAGE_NAME = re.compile(r"^(?P<stem>[A-Za-z]+)(?:_\d+)?\.(?P<ext>s?html?)$")
# A number as a script writes it (12, 12.0, 2e9), bounded in length.
JS_NUMBER_TEXT = r"\d{1,30}(?:\.\d{1,30})?(?:[eE][+-]?\d{1,3})?"
_NUMBER = re.compile(JS_NUMBER_TEXT)


def claimed_count(raw: object) -> int | None:
    """A count a page states (``"12"``, ``12``, ``"2e9"``) as an int in 0..HUGE_COUNT; None when it is no number."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int | float):
        raw = repr(raw)
    if not isinstance(raw, str) or not _NUMBER.fullmatch(raw.strip()):
        return None
    value = float(raw.strip())
    return int(min(value, HUGE_COUNT)) if value >= 0 else None


def _split_args(args: str) -> list[str]:
    return [a.strip().strip("'\"") for a in args.split(",") if a.strip()]


def _is_number(arg: str) -> bool:
    return arg.isascii() and arg.isdigit()


def _static_pages(page_url: str, stem: str, ext: str, numbers: range, limit: int) -> list[PageRequest]:
    """``stem_n.ext`` in the page's folder for the first ``limit`` of ``numbers`` (a range is sliced, never walked)."""
    base = urljoin(page_url, ".")
    return [PageRequest(url=f"{base}{stem}_{n}.{ext}", style="trs-static") for n in numbers[:limit]]


def _page_name(page_url: str) -> tuple[str, str] | None:
    name = urlsplit(page_url).path.rsplit("/", 1)[-1] or "index.html"
    match = STATIC_PAGE_NAME.match(name)
    return (match["stem"], match["ext"]) if match else None


def trs_create_page_html(page_url: str, text: str, tree: html.HtmlElement | None,
                         limit: int = DEFAULT_LIMIT) -> list[PageRequest]:
    """TRS ``createPageHTML(...)`` in its 0-based 4-argument and 1-based 6-argument forms."""
    match = CREATE_PAGE_CALL.search(text)
    if not match:
        return []
    args = _split_args(match[1])
    numbers = [claimed_count(a) or 0 for a in args if _is_number(a)]
    words = [a for a in args if not _is_number(a)]
    if len(args) >= 6 and not _is_number(args[0]):
        # (div, pages, current, "index", "shtml", records): 1-based, page n at index_n
        count, stem, ext = claimed_count(args[1]) or 0, args[3], args[4]
        return _static_pages(page_url, stem, ext, range(2, count + 1), limit)
    if len(numbers) >= 3:
        # (records, pages, current, …): the second number counts pages, 0-based
        count = numbers[1]
    elif numbers:
        count = numbers[0]  # (pages, current, "index", "html"): 0-based, page k+1 at index_k
    else:
        return []
    stem, ext = (words[0], words[1]) if len(words) >= 2 else (_page_name(page_url) or ("index", "html"))
    return _static_pages(page_url, stem, ext, range(1, count), limit)


def trs_count_page_var(page_url: str, text: str, tree: html.HtmlElement | None,
                       limit: int = DEFAULT_LIMIT) -> list[PageRequest]:
    """``var countPage = N`` with 0-based ``index_k`` pages (MOF, MOE WAS, classic TRS)."""
    match = COUNT_PAGE_VAR.search(text)
    name = _page_name(page_url)
    if not match or not name:
        return []
    return _static_pages(page_url, name[0], name[1], range(1, claimed_count(match[1]) or 0), limit)


PAGINATION_START = re.compile(r"\.pagination\s*\(")
PAGINATION_PLUGIN = re.compile(r"\.pagination\s*\(\s*\{[^}]{0,2000}?totalPage\s*:\s*(" + JS_NUMBER_TEXT + ")", re.S)


def jquery_pagination(page_url: str, text: str, tree: html.HtmlElement | None,
                      limit: int = DEFAULT_LIMIT) -> list[PageRequest]:
    """Shanghai-style ``$(".pagination").pagination({totalPage: N})``: 1-based, page 2 at ``index_2``."""
    match = first_call(PAGINATION_START, PAGINATION_PLUGIN, text)
    name = _page_name(page_url)
    if not match or not name:
        return []
    count = claimed_count(match[1]) or 0
    return _static_pages(page_url, name[0], name[1], range(2, count + 1), limit)


PAGER_TEXTS = re.compile(r"^(\d{1,4}|下一页|下页|后页|尾页|末页|>|»)$")


def rendered_pager_links(page_url: str, text: str, tree: html.HtmlElement | None,
                         limit: int = DEFAULT_LIMIT) -> list[PageRequest]:
    """Pager links a JS-less reader sees (1 2 3 下一页 尾页) that stay in the list's folder."""
    folder = urljoin(page_url, ".")
    out: list[PageRequest] = []
    for url, label in all_links(page_url, tree):
        if len(out) >= limit:
            break
        if PAGER_TEXTS.match(label.strip()) and url.startswith(folder) and url != page_url:
            out.append(PageRequest(url=url, style="rendered-pager"))
    return out


JPAGE_START = re.compile(r"\.jpage\s*\(")
JPAGE_CALL = re.compile(r"\.jpage\s*\(\s*\{(?P<body>.{0,8000}?)\}\s*\)", re.S)
JS_NUMBER = r"\s*:\s*'?(" + JS_NUMBER_TEXT + ")'?"
JS_PAIR = re.compile(r"(\w+)\s*:\s*(?:'([^']*)'|\"([^\"]*)\"|([\w.]+))")


def _js_int(body: str, key: str) -> int | None:
    match = re.search(key + JS_NUMBER, body)
    return claimed_count(match[1]) if match else None


def _js_object(text: str, var_name: str) -> list[tuple[str, str]]:
    start = re.compile(r"var\s+" + re.escape(var_name) + r"\s*=")
    match = first_call(start, re.compile(r"var\s+" + re.escape(var_name) + r"\s*=\s*\{([^}]{0,8000})\}"), text)
    if not match:
        return []
    return [(k, a or b or c) for k, a, b, c in JS_PAIR.findall(match[1])]


def _jpage_params(text: str, body: str) -> tuple[tuple[str, str], ...]:
    """The jpage ``ajaxParam``: an inline object, or the name of a ``var param_N = {…}``."""
    inline = re.search(r"ajaxParam\s*:\s*\{([^}]*)\}", body)
    if inline:
        return tuple((k, a or b or c) for k, a, b, c in JS_PAIR.findall(inline[1]))
    name = re.search(r"ajaxParam\s*:\s*(\w+)", body)
    return tuple(_js_object(text, name[1])) if name else ()


def hanweb_jpage(page_url: str, text: str, tree: html.HtmlElement | None,
                 limit: int = DEFAULT_LIMIT) -> list[PageRequest]:
    """Hanweb jpage: records past the embedded first group come from ``dataproxy.jsp``.

    The classic form POSTs ``startrecord/endrecord/perpage`` per group; with ``ajaxType:'get'``
    the proxy is read page by page with ``?page=N`` and the parameters in the query string.
    """
    match = first_call(JPAGE_START, JPAGE_CALL, text)
    if not match:
        return []
    body = match["body"]
    total, per_page = _js_int(body, "totalRecord"), _js_int(body, "perPage")
    group = _js_int(body, "groupSize") or 1
    proxy = re.search(r"proxyUrl\s*:\s*'([^']+)'", body)
    if not (total and per_page and proxy):
        return []
    params = _jpage_params(text, body)
    try:
        proxy_url = urljoin(page_url, proxy[1])
    except ValueError:  # a proxy URL urllib refuses: there is nothing to request
        return []
    headers = {"X-Requested-With": "XMLHttpRequest", "Referer": page_url}
    if re.search(r"ajaxType\s*:\s*'get'", body, re.I):
        return [PageRequest(url=proxy_url + "?" + urlencode({"page": n, **dict(params)}), style="hanweb-jpage-get",
                            headers=headers) for n in range(2, -(-total // per_page) + 1)[:limit]]
    step = per_page * group
    out = []
    for start in range(step + 1, total + 1, step)[:limit]:
        query = urlencode({"startrecord": start, "endrecord": min(start + step - 1, total), "perpage": per_page})
        out.append(PageRequest(url=proxy_url + "?" + query, method="POST", form=params, style="hanweb-jpage",
                               headers=headers))
    return out


class PageStyle(Protocol):
    """A pagination style: the further list pages one list page points to, at most ``limit``."""

    __name__: str

    def __call__(self, page_url: str, text: str, tree: html.HtmlElement | None, limit: int = ...) -> list[PageRequest]:
        ...



# Every style, by the name CMS families use for it (nianbao.families), in the order they are asked.
STYLES: dict[str, PageStyle] = {style.__name__: style for style in (
    trs_create_page_html,
    trs_count_page_var,
    jquery_pagination,
    hanweb_jpage,
    rendered_pager_links,
)}


def next_list_pages(page_url: str, text: str, tree: html.HtmlElement | None,
                    limit: int = DEFAULT_LIMIT) -> list[PageRequest]:
    """Every list page the known styles point to from this one, deduplicated, in style order (each
    style builds at most ``limit``)."""
    seen: set[tuple[str, tuple[tuple[str, str], ...]]] = set()
    out = []
    for style in STYLES.values():
        for req in style(page_url, text, tree, limit):
            key = (req.url, req.form)
            if key not in seen:
                seen.add(key)
                out.append(req)
    return out
