"""List pages served as JSON APIs: Guangdong gkmlpt and Hanweb jpaas.

Pure functions over (url, text): which API requests a page calls for, and which items an API
reply lists. A reply that is not the JSON it should be raises :class:`ListFormatError`, which the
spider records.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

from nianbao.errors import ListFormatError
from spiders.discovery import COLUMN_TEXTS
from spiders.listing import ListItem, list_items, parse_tree
from spiders.pagination import PageRequest

XHR_HEADERS = {"X-Requested-With": "XMLHttpRequest", "Accept": "application/json, text/javascript, */*"}




def _load_json(url: str, text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError as exc:
        raise ListFormatError(f"{url}: not JSON ({exc})") from exc


# -- gkmlpt (Guangdong 政府信息公开目录管理平台) ------------------------------------------------

GKMLPT_CONFIG = re.compile(r"window\._CONFIG\s*=\s*\{(?P<body>.*?)\}\s*;?\s*</script>", re.S)
# keys come bare (SID: '1') or quoted ("id": 2405), values quoted or not
GKMLPT_SID = re.compile(r"\bSID['\"]?\s*:\s*['\"]?(\d+)")
GKMLPT_NODE = re.compile(r"\{[^{}]*?\bid['\"]?\s*:\s*['\"]?(?P<id>\d+)['\"]?"
                         r"[^{}]*?\bname['\"]?\s*:\s*['\"](?P<name>[^'\"]+)['\"]", re.S)
GKMLPT_API = "/gkmlpt/api/all/{cat}?page={page}&sid={sid}"


def gkmlpt_columns(page_url: str, text: str) -> list[PageRequest]:
    """The 年报 categories of a gkmlpt index page, as requests for their first API page."""
    config = GKMLPT_CONFIG.search(text)
    sid = GKMLPT_SID.search(config["body"]) if config else None
    if not config or not sid:
        return []
    out = []
    for node in GKMLPT_NODE.finditer(config["body"]):
        if any(label in node["name"] for label in COLUMN_TEXTS):
            # pages 0 and 1 of the API return the same data; start at 1
            url = urljoin(page_url, GKMLPT_API.format(cat=node["id"], page=1, sid=sid[1]))
            out.append(PageRequest(url=url, style="gkmlpt-api", headers=XHR_HEADERS))
    return out


def is_gkmlpt_api(url: str) -> bool:
    return "/gkmlpt/api/" in urlsplit(url).path


def gkmlpt_items(url: str, text: str) -> list[ListItem]:
    """Articles of one gkmlpt API page."""
    data = _load_json(url, text)
    articles = data.get("articles") if isinstance(data, dict) else None
    if not isinstance(articles, list):
        raise ListFormatError(f"{url}: gkmlpt reply has no articles list")
    items = []
    for article in articles:
        link = isinstance(article, dict) and (article.get("url") or article.get("post_url"))
        if link:
            items.append(ListItem(url=urljoin(url, str(link)), title=str(article.get("title") or "")))
    return items


def gkmlpt_pages(url: str, text: str) -> list[PageRequest]:
    """Further API pages, from the first page's total and page size."""
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    data = _load_json(url, text)
    if query.get("page") != "1" or not isinstance(data, dict):
        return []
    size, total = len(data.get("articles") or []), int(data.get("total") or 0)
    if not size:
        return []
    pages = math.ceil(total / size)
    base = f"{parts.scheme}://{parts.netloc}{parts.path}"
    return [PageRequest(url=f"{base}?{urlencode({**query, 'page': n})}", style="gkmlpt-api", headers=XHR_HEADERS)
            for n in range(2, pages + 1)]


# -- jpaas (new Hanweb publishing API) -------------------------------------------------------

JPAAS_DIV = re.compile(r"<div[^>]*\bqueryData=\"(?P<query>[^\"]*)\"[^>]*>", re.I)
JPAAS_ATTR = r"\b{}=\"?(\d+)"
JPAAS_PATH = "/api-gateway/jpaas-publish-server/front/page/build/unit"


def _jpaas_query(raw: str) -> dict[str, str]:
    return dict(re.findall(r"'(\w+)'\s*:\s*'([^']*)'", raw.replace("&quot;", "'").replace('"', "'")))


def jpaas_pages(page_url: str, text: str) -> list[PageRequest]:
    """Every page of a jpaas column, from its pagination div (count, rows, queryData)."""
    div = JPAAS_DIV.search(text)
    if not div:
        return []
    tag = div.group(0)
    count = re.search(JPAAS_ATTR.format("count"), tag)
    rows = re.search(JPAAS_ATTR.format("rows"), tag)
    query = _jpaas_query(div["query"])
    if not (count and rows and query.get("webId") and int(rows[1])):
        return []
    params = {"webId": query["webId"], "pageId": query.get("pageId", ""), "parseType": "bulidstatic",
              "pageType": "column", "tagId": query.get("tagId", ""), "tplSetId": query.get("tplSetId", ""),
              "rows": rows[1]}
    pages = math.ceil(int(count[1]) / int(rows[1]))
    return [PageRequest(url=urljoin(page_url, JPAAS_PATH) + "?" + urlencode({**params, "pageNo": n}),
                        style="jpaas-api", headers=XHR_HEADERS) for n in range(1, pages + 1)]


def is_jpaas_api(url: str) -> bool:
    return urlsplit(url).path.endswith(JPAAS_PATH)


def jpaas_items(url: str, text: str) -> list[ListItem]:
    """Items of one jpaas reply: ``{"success": true, "data": {"html": "<li>…"}}``."""
    data = _load_json(url, text)
    html = data.get("data", {}).get("html") if isinstance(data, dict) and isinstance(data.get("data"), dict) else None
    if not isinstance(html, str):
        raise ListFormatError(f"{url}: jpaas reply has no data.html")
    return list_items(url, parse_tree("<div>" + html + "</div>"))


# -- the list APIs, by the name CMS families use for them (nianbao.families) --------------------

@dataclass(frozen=True)
class ListApi:
    """A JSON list API: which pages call for it, which URLs are its replies, and how a reply reads."""

    columns: Callable[[str, str], list[PageRequest]]  # 年报 columns a homepage's text points to
    pages: Callable[[str, str], list[PageRequest]]  # API pages an HTML list page calls for
    is_reply: Callable[[str], bool]
    read: Callable[[str, str], tuple[list[ListItem], list[PageRequest]]]  # (items, further API pages)


def _no_requests(url: str, text: str) -> list[PageRequest]:
    return []


LIST_APIS: dict[str, ListApi] = {
    "gkmlpt": ListApi(columns=gkmlpt_columns, pages=_no_requests, is_reply=is_gkmlpt_api,
                      read=lambda url, text: (gkmlpt_items(url, text), gkmlpt_pages(url, text))),
    "jpaas": ListApi(columns=_no_requests, pages=jpaas_pages, is_reply=is_jpaas_api,
                     read=lambda url, text: (jpaas_items(url, text), [])),
}


def api_columns(page_url: str, text: str) -> list[PageRequest]:
    """The column requests of every list API a homepage's text calls for."""
    return [page for api in LIST_APIS.values() for page in api.columns(page_url, text)]


def api_pages(page_url: str, text: str) -> list[PageRequest]:
    """The API pages every list API an HTML list page calls for."""
    return [page for api in LIST_APIS.values() for page in api.pages(page_url, text)]


def read_api_reply(url: str, text: str) -> tuple[list[ListItem], list[PageRequest]] | None:
    """(items, further pages) when ``url`` is a list API's reply; None for an HTML page."""
    for api in LIST_APIS.values():
        if api.is_reply(url):
            return api.read(url, text)
    return None
