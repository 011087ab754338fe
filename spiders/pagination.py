"""One small pure function per list-pagination style; each returns the other list pages to fetch.

Every function takes ``(page_url, text, tree)`` and returns ``PageRequest`` objects (possibly
none). The spider asks every style and deduplicates, so a page rendered in several ways at
once (inline script *and* rendered links) is fetched once.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
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


CREATE_PAGE_CALL = re.compile(r"createPage(?:HTML)?\s*\(([^()]*)\)")
COUNT_PAGE_VAR = re.compile(r"var\s+countPage\s*=\s*(\d+)")
STATIC_PAGE_NAME = re.compile(r"^(?P<stem>[A-Za-z]+)(?:_\d+)?\.(?P<ext>s?html?)$")


def _split_args(args: str) -> list[str]:
    return [a.strip().strip("'\"") for a in args.split(",") if a.strip()]


def _static_pages(page_url: str, stem: str, ext: str, numbers: range) -> list[PageRequest]:
    base = urljoin(page_url, ".")
    return [PageRequest(url=f"{base}{stem}_{n}.{ext}", style="trs-static") for n in numbers]


def _page_name(page_url: str) -> tuple[str, str] | None:
    name = urlsplit(page_url).path.rsplit("/", 1)[-1] or "index.html"
    match = STATIC_PAGE_NAME.match(name)
    return (match["stem"], match["ext"]) if match else None


def trs_create_page_html(page_url: str, text: str, tree: html.HtmlElement | None) -> list[PageRequest]:
    """TRS ``createPageHTML(...)`` in its 0-based 4-argument and 1-based 6-argument forms."""
    match = CREATE_PAGE_CALL.search(text)
    if not match:
        return []
    args = _split_args(match[1])
    numbers = [a for a in args if a.isdigit()]
    words = [a for a in args if not a.isdigit()]
    if len(args) >= 6 and not args[0].isdigit():
        # (div, pages, current, "index", "shtml", records): 1-based, page n at index_n
        count, stem, ext = int(args[1]), args[3], args[4]
        return _static_pages(page_url, stem, ext, range(2, count + 1))
    if len(numbers) >= 3:
        # (records, pages, current, …): the second number counts pages, 0-based
        count = int(numbers[1])
    elif numbers:
        count = int(numbers[0])  # (pages, current, "index", "html"): 0-based, page k+1 at index_k
    else:
        return []
    stem, ext = (words[0], words[1]) if len(words) >= 2 else (_page_name(page_url) or ("index", "html"))
    return _static_pages(page_url, stem, ext, range(1, count))


def trs_count_page_var(page_url: str, text: str, tree: html.HtmlElement | None) -> list[PageRequest]:
    """``var countPage = N`` with 0-based ``index_k`` pages (MOF, MOE WAS, classic TRS)."""
    match = COUNT_PAGE_VAR.search(text)
    name = _page_name(page_url)
    if not match or not name:
        return []
    return _static_pages(page_url, name[0], name[1], range(1, int(match[1])))


PAGINATION_PLUGIN = re.compile(r"\.pagination\s*\(\s*\{[^}]*?totalPage\s*:\s*(\d+)", re.S)


def jquery_pagination(page_url: str, text: str, tree: html.HtmlElement | None) -> list[PageRequest]:
    """Shanghai-style ``$(".pagination").pagination({totalPage: N})``: 1-based, page 2 at ``index_2``."""
    match = PAGINATION_PLUGIN.search(text)
    name = _page_name(page_url)
    if not match or not name:
        return []
    return _static_pages(page_url, name[0], name[1], range(2, int(match[1]) + 1))


PAGER_TEXTS = re.compile(r"^(\d{1,4}|下一页|下页|后页|尾页|末页|>|»)$")


def rendered_pager_links(page_url: str, text: str, tree: html.HtmlElement | None) -> list[PageRequest]:
    """Pager links a JS-less reader sees (1 2 3 下一页 尾页) that stay in the list's folder."""
    folder = urljoin(page_url, ".")
    out = []
    for url, label in all_links(page_url, tree):
        if PAGER_TEXTS.match(label.strip()) and url.startswith(folder) and url != page_url:
            out.append(PageRequest(url=url, style="rendered-pager"))
    return out


JPAGE_CALL = re.compile(r"\.jpage\s*\(\s*\{(?P<body>.*?)\}\s*\)", re.S)
JS_NUMBER = r"\s*:\s*'?(\d+)'?"
JS_PAIR = re.compile(r"(\w+)\s*:\s*(?:'([^']*)'|\"([^\"]*)\"|([\w.]+))")


def _js_int(body: str, key: str) -> int | None:
    match = re.search(key + JS_NUMBER, body)
    return int(match[1]) if match else None


def _js_object(text: str, var_name: str) -> list[tuple[str, str]]:
    match = re.search(r"var\s+" + re.escape(var_name) + r"\s*=\s*\{([^}]*)\}", text)
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


def hanweb_jpage(page_url: str, text: str, tree: html.HtmlElement | None) -> list[PageRequest]:
    """Hanweb jpage: records past the embedded first group come from ``dataproxy.jsp``.

    The classic form POSTs ``startrecord/endrecord/perpage`` per group; with ``ajaxType:'get'``
    the proxy is read page by page with ``?page=N`` and the parameters in the query string.
    """
    match = JPAGE_CALL.search(text)
    if not match:
        return []
    body = match["body"]
    total, per_page = _js_int(body, "totalRecord"), _js_int(body, "perPage")
    group = _js_int(body, "groupSize") or 1
    proxy = re.search(r"proxyUrl\s*:\s*'([^']+)'", body)
    if not (total and per_page and proxy):
        return []
    params = _jpage_params(text, body)
    proxy_url = urljoin(page_url, proxy[1])
    headers = {"X-Requested-With": "XMLHttpRequest", "Referer": page_url}
    if re.search(r"ajaxType\s*:\s*'get'", body, re.I):
        return [PageRequest(url=proxy_url + "?" + urlencode({"page": n, **dict(params)}), style="hanweb-jpage-get",
                            headers=headers) for n in range(2, -(-total // per_page) + 1)]
    step = per_page * group
    out = []
    for start in range(step + 1, total + 1, step):
        query = urlencode({"startrecord": start, "endrecord": min(start + step - 1, total), "perpage": per_page})
        out.append(PageRequest(url=proxy_url + "?" + query, method="POST", form=params, style="hanweb-jpage",
                               headers=headers))
    return out


PageStyle = Callable[[str, str, html.HtmlElement | None], list[PageRequest]]
# Every style, by the name CMS families use for it (nianbao.families), in the order they are asked.
STYLES: dict[str, PageStyle] = {style.__name__: style for style in (
    trs_create_page_html,
    trs_count_page_var,
    jquery_pagination,
    hanweb_jpage,
    rendered_pager_links,
)}


def next_list_pages(page_url: str, text: str, tree: html.HtmlElement | None) -> list[PageRequest]:
    """Every list page the known styles point to from this one, deduplicated, in style order."""
    seen: set[tuple[str, tuple[tuple[str, str], ...]]] = set()
    out = []
    for style in STYLES.values():
        for req in style(page_url, text, tree):
            key = (req.url, req.form)
            if key not in seen:
                seen.add(key)
                out.append(req)
    return out
