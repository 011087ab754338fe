"""Plain-dict shapes that travel between the spider, the crawl layer and the archive.

They stay dicts (not dataclasses) because they cross process and storage boundaries as JSON: the
frontier table, Scrapy's request meta, a scrapy-redis queue.
"""

from __future__ import annotations

from typing import Any, NotRequired, TypedDict

# Keys of a list response's meta that the spider and the crawl layer both read.
PRIOR_LIST = "nianbao_prior_list"  # the remembered reading of a list page served changed
SAME_LIST = "nianbao_same_list"  # the list page leads where it led last time

# A Scrapy signal the spider sends with ``site=`` when it has read a list page of that site (or found
# it as remembered): the site's 年报 column was reached, whatever else its night asked for.
list_read = object()


class CrawlTarget(TypedDict):
    """One site to crawl: a registry entry or a bare homepage, confined to its hosts."""

    name: str
    start_urls: list[str]
    hosts: list[str]
    root: NotRequired[str]  # the homepage, where known URLs of the site are asked for (default: the first start URL)
    aliases: NotRequired[list[str]]  # host names the site is also (or was formerly) known under
    column: NotRequired[str | None]  # the 年报 column's URL when known; else found from the homepage
    column_selectors: NotRequired[list[str]]  # XPath of the column's list items, when the generic rules miss them
    family: NotRequired[str]  # the CMS family the registry names (see nianbao.families)


class FrontierEntry(TypedDict):
    """A request as the archive's frontier keeps it: enough to rebuild it in another process."""

    key: str
    site: str
    url: str
    callback: str
    method: NotRequired[str]
    form: NotRequired[list[list[str]]]
    headers: NotRequired[dict[str, str]]
    meta: NotRequired[dict[str, Any]]


class KnownDocument(TypedDict):
    """A live archived document to revisit, with what its newest capture's request carried."""

    url: str
    site: str
    kind: str
    parent_url: str | None
    title_hint: str | None
    classify_rule: str | None
