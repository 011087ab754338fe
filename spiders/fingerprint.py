"""Which CMS family built a portal, from marks its pages carry; rules are data."""

from __future__ import annotations

import re

# (family, patterns): the first family with a matching pattern wins, most specific first.
FINGERPRINTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("gkmlpt", (r"/gkmlpt/", r"window\._CONFIG\s*=\s*\{\s*SID")),
    ("jpaas", (r"jpaas-publish-server", r"\bqueryData=")),
    ("hanweb", (r"/module/web/jpage/", r"\.jpage\(", r"/col/col\d+/", r"/art/\d{4}/\d{1,2}/\d{1,2}/art_")),
    ("ucap", (r"UCAP-CONTENT", r"<UCAPCONTENT", r"/content_\d{5,}\.htm")),
    ("epoint", (r"epoint", r"/EpointWeb")),
    ("trs", (r"TRS_Editor", r"createPageHTML", r"CurrChnlCls", r"/t\d{8}_\d+\.s?html?")),
    ("asp", (r"\.aspx?\?", r"/Item/\d+\.aspx")),
)
_COMPILED = tuple((family, tuple(re.compile(p) for p in patterns)) for family, patterns in FINGERPRINTS)


def fingerprint(text: str) -> str | None:
    """The CMS family whose marks appear in ``text``, or None."""
    for family, patterns in _COMPILED:
        if any(p.search(text) for p in patterns):
            return family
    return None


_RANK = {family: rank for rank, (family, _) in enumerate(FINGERPRINTS)}


def more_specific(family: str, than: str | None) -> bool:
    """Whether ``family`` is a better answer than ``than`` (jpaas over the hanweb marks it also carries)."""
    return than is None or _RANK[family] < _RANK[than]
