"""List pages served as JSON APIs: Guangdong gkmlpt and Hanweb jpaas.

Pure functions over (url, text): which API requests a page calls for, and which items an API
reply lists. A reply that is not the JSON it should be raises :class:`ListFormatError`, which the
spider records.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

from nianbao.errors import ListFormatError
from spiders.discovery import COLUMN_TEXTS
from spiders.list_reading import ListReading
from spiders.listing import ListItem, Malformed, list_items, malformed_items, parse_tree
from spiders.pagination import DEFAULT_LIMIT, PageRequest, claimed_count

XHR_HEADERS = {"X-Requested-With": "XMLHttpRequest", "Accept": "application/json, text/javascript, */*"}


def _load_json(url: str, text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError as exc:
        raise ListFormatError(f"{url}: not JSON ({exc})") from exc


# -- gkmlpt (Guangdong 政府信息公开目录管理平台) ------------------------------------------------

GKMLPT_CONFIG = re.compile(r"window\._CONFIG\s*=\s*\{")
# keys come bare (SID: '1') or quoted ("id": 2405), values quoted or not
GKMLPT_SID = re.compile(r"\bSID['\"]?\s*:\s*['\"]?(\d{1,30})")
# The tree's nodes are read one brace-free stretch at a time: an id, then a name after it.
GKMLPT_STRETCH = re.compile(r"\{([^{}]*)")
GKMLPT_ID = re.compile(r"\bid['\"]?\s*:\s*['\"]?(\d{1,30})")
GKMLPT_NAME = re.compile(r"\bname['\"]?\s*:\s*['\"]([^'\"]{1,200})['\"]")
GKMLPT_API = "/gkmlpt/api/all/{cat}?page={page}&sid={sid}"


def _gkmlpt_config(text: str) -> str | None:
    """The body of the first ``window._CONFIG = {…}`` script (found in linear time, however the page is built)."""
    start = GKMLPT_CONFIG.search(text)
    end = text.find("</script>", start.end()) if start else -1
    return text[start.end():end] if start and end >= 0 else None


def _gkmlpt_nodes(config: str) -> Iterator[tuple[str, str]]:
    """(id, name) of each catalogue node of a gkmlpt config body."""
    for stretch in GKMLPT_STRETCH.finditer(config):
        node = GKMLPT_ID.search(stretch[1])
        name = GKMLPT_NAME.search(stretch[1], node.end()) if node else None
        if node and name:
            yield node[1], name[1]


def gkmlpt_columns(page_url: str, text: str) -> list[PageRequest]:
    """The 年报 categories of a gkmlpt index page, as requests for their first API page."""
    config = _gkmlpt_config(text)
    sid = GKMLPT_SID.search(config) if config else None
    if not config or not sid:
        return []
    out = []
    for node_id, name in _gkmlpt_nodes(config):
        if any(label in name for label in COLUMN_TEXTS):
            # pages 0 and 1 of the API return the same data; start at 1
            url = urljoin(page_url, GKMLPT_API.format(cat=node_id, page=1, sid=sid[1]))
            out.append(PageRequest(url=url, style="gkmlpt-api", headers=XHR_HEADERS))
    return out


def is_gkmlpt_api(url: str) -> bool:
    return "/gkmlpt/api/" in urlsplit(url).path


def gkmlpt_items(url: str, text: str) -> list[ListItem]:
    """Articles of one gkmlpt API page (an article whose link cannot be joined into a URL is left out)."""
    return _gkmlpt_articles(url, _load_json(url, text))[0]


def _gkmlpt_articles(url: str, data: Any) -> tuple[list[ListItem], list[Malformed]]:
    """(items, malformed links) of a decoded gkmlpt reply; ListFormatError when it has no articles list."""
    articles = data.get("articles") if isinstance(data, dict) else None
    if not isinstance(articles, list):
        raise ListFormatError(f"{url}: gkmlpt reply has no articles list")
    items, malformed = [], []
    for article in articles:
        link = isinstance(article, dict) and (article.get("url") or article.get("post_url"))
        if not link:
            continue
        title = str(article.get("title") or "")
        try:
            items.append(ListItem(url=urljoin(url, str(link)), title=title))
        except ValueError as exc:
            malformed.append(Malformed(str(link), str(exc), title))
    return items, malformed


def gkmlpt_pages(url: str, text: str, limit: int = DEFAULT_LIMIT) -> list[PageRequest]:
    """Further API pages, from the first page's total and page size (at most ``limit``)."""
    return _gkmlpt_pages(url, _load_json(url, text), limit)


def _gkmlpt_pages(url: str, data: Any, limit: int) -> list[PageRequest]:
    """Further API pages of a decoded reply; ListFormatError when its total is no number."""
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    if query.get("page") != "1" or not isinstance(data, dict):
        return []
    size, total = len(data.get("articles") or []), claimed_count(data.get("total") or 0)
    if total is None:
        raise ListFormatError(f"{url}: gkmlpt total {str(data.get('total'))[:40]!r} is not a number; "
                              "the pages after the first are unknown")
    if not size:
        return []
    base = f"{parts.scheme}://{parts.netloc}{parts.path}"
    return [PageRequest(url=f"{base}?{urlencode({**query, 'page': n})}", style="gkmlpt-api", headers=XHR_HEADERS)
            for n in range(2, math.ceil(total / size) + 1)[:limit]]


def gkmlpt_reading(url: str, text: str, limit: int = DEFAULT_LIMIT) -> ListReading:
    """One gkmlpt API reply: its articles, and its further pages when its total can be read."""
    data = _load_json(url, text)
    items, malformed = _gkmlpt_articles(url, data)
    reading = ListReading(items, [], malformed)
    try:
        reading.pages = _gkmlpt_pages(url, data, limit)
    except ListFormatError as exc:  # the articles are still followed; the lost pages are recorded
        reading.problems.append(str(exc))
    return reading


# -- jpaas (new Hanweb publishing API) -------------------------------------------------------

JPAAS_DIV = re.compile(r"<div[^<>]*\bqueryData=\"(?P<query>[^\"<>]{0,4000})\"[^<>]*>", re.I)
JPAAS_ATTR = r"\b{}=\"?(\d{{1,30}})"
JPAAS_PATH = "/api-gateway/jpaas-publish-server/front/page/build/unit"


def _jpaas_query(raw: str) -> dict[str, str]:
    return dict(re.findall(r"'(\w+)'\s*:\s*'([^']*)'", raw.replace("&quot;", "'").replace('"', "'")))


def jpaas_pages(page_url: str, text: str, limit: int = DEFAULT_LIMIT) -> list[PageRequest]:
    """Every page of a jpaas column (at most ``limit``), from its pagination div (count, rows, queryData)."""
    div = JPAAS_DIV.search(text)
    if not div:
        return []
    tag = div.group(0)
    count = re.search(JPAAS_ATTR.format("count"), tag)
    rows = re.search(JPAAS_ATTR.format("rows"), tag)
    query = _jpaas_query(div["query"])
    per_page = claimed_count(rows[1]) if rows else None
    if not (count and per_page and query.get("webId")):
        return []
    params = {"webId": query["webId"], "pageId": query.get("pageId", ""), "parseType": "bulidstatic",
              "pageType": "column", "tagId": query.get("tagId", ""), "tplSetId": query.get("tplSetId", ""),
              "rows": str(per_page)}
    pages = math.ceil((claimed_count(count[1]) or 0) / per_page)
    return [PageRequest(url=urljoin(page_url, JPAAS_PATH) + "?" + urlencode({**params, "pageNo": n}),
                        style="jpaas-api", headers=XHR_HEADERS) for n in range(1, pages + 1)[:limit]]


def is_jpaas_api(url: str) -> bool:
    return urlsplit(url).path.endswith(JPAAS_PATH)


def jpaas_items(url: str, text: str) -> list[ListItem]:
    """Items of one jpaas reply: ``{"success": true, "data": {"html": "<li>…"}}``."""
    return jpaas_reading(url, text).items


def jpaas_reading(url: str, text: str, limit: int = DEFAULT_LIMIT) -> ListReading:
    """One jpaas reply: the items of its HTML fragment (a jpaas reply names no further pages)."""
    data = _load_json(url, text)
    html = data.get("data", {}).get("html") if isinstance(data, dict) and isinstance(data.get("data"), dict) else None
    if not isinstance(html, str):
        raise ListFormatError(f"{url}: jpaas reply has no data.html")
    tree = parse_tree("<div>" + html + "</div>")
    return ListReading(list_items(url, tree), [], malformed_items(url, tree))


# -- the list APIs, by the name CMS families use for them (nianbao.families) --------------------

@dataclass(frozen=True)
class ListApi:
    """A JSON list API: which pages call for it, which URLs are its replies, and how a reply reads."""

    columns: Callable[[str, str], list[PageRequest]]  # 年报 columns a homepage's text points to
    pages: Callable[[str, str, int], list[PageRequest]]  # API pages an HTML list page calls for (at most limit)
    is_reply: Callable[[str], bool]
    read: Callable[[str, str, int], ListReading]  # a reply's items and further API pages (at most limit)


def _no_columns(url: str, text: str) -> list[PageRequest]:
    return []


def _no_pages(url: str, text: str, limit: int) -> list[PageRequest]:
    return []


LIST_APIS: dict[str, ListApi] = {
    "gkmlpt": ListApi(columns=gkmlpt_columns, pages=_no_pages, is_reply=is_gkmlpt_api, read=gkmlpt_reading),
    "jpaas": ListApi(columns=_no_columns, pages=jpaas_pages, is_reply=is_jpaas_api, read=jpaas_reading),
}


def api_columns(page_url: str, text: str) -> list[PageRequest]:
    """The column requests of every list API a homepage's text calls for."""
    return [page for api in LIST_APIS.values() for page in api.columns(page_url, text)]


def api_pages(page_url: str, text: str, limit: int = DEFAULT_LIMIT) -> list[PageRequest]:
    """The API pages every list API an HTML list page calls for (at most ``limit`` each)."""
    return [page for api in LIST_APIS.values() for page in api.pages(page_url, text, limit)]


def read_api_reply(url: str, text: str, limit: int = DEFAULT_LIMIT) -> ListReading | None:
    """What a list API's reply leads to when ``url`` is one; None for an HTML page."""
    for api in LIST_APIS.values():
        if api.is_reply(url):
            return api.read(url, text, limit)
    return None
