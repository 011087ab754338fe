"""Find the 政府信息公开年报 column from a portal's pages, by link text and URL slug."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from spiders.listing import is_item_link

# Link texts that name the 年报 column itself (menus say it many ways).
COLUMN_TEXTS = (
    "政府信息公开工作年度报告",
    "政府信息公开年度报告",
    "政府信息公开年报",
    "信息公开年度报告",
    "信息公开年报",
    "公开年报",
    "年度报告",
    "年报",
)
# URL slugs real portals use for the column.
COLUMN_SLUGS = re.compile(r"(?:^|[/_])(zfxxgknb|zfxxgkndbg|xxgknb|gknb|ndbg|nb)(?:[/_.]|\d|$)", re.I)
# Hubs on the way to it: 政务公开 → 政府信息公开.
HUB_TEXTS = ("政府信息公开", "信息公开", "政务公开", "公开目录", "政府公开")
HUB_SLUGS = re.compile(r"(?:^|/)(zfxxgk|xxgk|zwgk|gkml|govinfo|zfgk)(?:[/_.]|$)", re.I)
# A column link text is a menu label, not an article title.
MAX_LABEL_CHARS = 14
ARTICLE_TITLE = re.compile(r"\d{4}\s*年")


@dataclass(frozen=True)
class Link:
    url: str
    text: str


def _label_score(text: str, labels: tuple[str, ...], best: int) -> int:
    """``best`` for the first (most specific) label the text contains, 5 less per rank after it."""
    return next((best - rank * 5 for rank, label in enumerate(labels) if label in text), 0)


def score_column_link(link: Link) -> int:
    """How strongly a link looks like the 年报 column (0 = not at all)."""
    text = link.text.strip()
    if len(text) > MAX_LABEL_CHARS or ARTICLE_TITLE.search(text):
        return 0
    slug = 30 if COLUMN_SLUGS.search(urlsplit(link.url).path) else 0
    return _label_score(text, COLUMN_TEXTS, 100) + slug


def score_hub_link(link: Link) -> int:
    """How strongly a link looks like a hub leading to the column (0 = not at all)."""
    text = link.text.strip()
    if len(text) > MAX_LABEL_CHARS:
        return 0
    slug = 10 if HUB_SLUGS.search(urlsplit(link.url).path) else 0
    return _label_score(text, HUB_TEXTS, 50) + slug


# A label match scores at least this; a bare slug match (30) alone is not enough when labels exist.
LABEL_SCORE = 60


def find_columns(links: list[Link]) -> list[Link]:
    """年报 column links, best first: every labelled one (政府信息公开年报, 部门…年报 …), else slug-only ones."""
    scored = sorted(((score_column_link(link), link) for link in links), key=lambda p: -p[0])
    labelled = [link for s, link in scored if s >= LABEL_SCORE]
    return _unique(labelled or [link for s, link in scored if s > 0])


def find_hubs(links: list[Link], *, limit: int = 4) -> list[Link]:
    """Links worth opening to look for the column, best first."""
    scored = sorted(((score_hub_link(link), link) for link in links), key=lambda p: -p[0])
    return _unique([link for s, link in scored if s > 0])[:limit]


def _unique(links: list[Link]) -> list[Link]:
    seen: set[str] = set()
    out = []
    for link in links:
        if link.url not in seen:
            seen.add(link.url)
            out.append(link)
    return out


# Sub-lists inside a 年报 column: per-year folders (gknb2017/, 2018nb/, nb_2022n/, 2021n/) and
# per-township or per-department subtrees with their own 年报 column.
YEAR_LABEL = re.compile(r"^\s*(\d{4})\s*年?度?\s*(政府信息公开)?(工作)?(年报|年度报告)?\s*$")
YEAR_FOLDER = re.compile(r"/(gknb\d{4}|\d{4}nb|nb_?\d{4}n?|\d{4}n|\d{4})/(index\.s?html?)?$", re.I)
SUBCOLUMN_LABEL_CHARS = 30  # "白沙镇人民政府政府信息公开年报": a unit's name makes the label long
PAGER_NAME = re.compile(r"(index_\d+\.s?html?$|[?&](page|pageNum|pageNo|cur_page)=)", re.I)


def find_subcolumns(list_url: str, links: list[Link]) -> list[Link]:
    """Links from a list page to sub-lists of the same column (year folders, township columns)."""
    folder = list_url.rsplit("/", 1)[0] + "/"
    out = []
    for link in links:
        path = urlsplit(link.url).path
        if PAGER_NAME.search(link.url) or link.url.split("#")[0] == list_url or is_item_link(link.url, link.text):
            continue
        in_folder = link.url.startswith(folder)
        year_folder = in_folder and (YEAR_LABEL.match(link.text) or YEAR_FOLDER.search(path))
        short_column = (len(link.text.strip()) <= SUBCOLUMN_LABEL_CHARS and COLUMN_SLUGS.search(path)
                        and not ARTICLE_TITLE.search(link.text))
        if year_folder or short_column:
            out.append(link)
    return _unique(out)
