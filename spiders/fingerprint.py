"""Which CMS family built a portal, from marks its pages carry (the families' data: nianbao.families)."""

from __future__ import annotations

import re

from nianbao.families import FAMILIES

# (family, patterns), most specific family first: the first family with a matching pattern wins.
_COMPILED = tuple((family.name, tuple(re.compile(p) for p in family.fingerprints))
                  for family in FAMILIES if family.fingerprints)
_RANK = {family.name: family.rank for family in FAMILIES}


def fingerprint(text: str) -> str | None:
    """The CMS family whose marks appear in ``text``, or None."""
    for family, patterns in _COMPILED:
        if any(p.search(text) for p in patterns):
            return family
    return None


def more_specific(family: str, than: str | None) -> bool:
    """Whether ``family`` is a better answer than ``than`` (jpaas over the hanweb marks it also carries)."""
    return than is None or _RANK[family] < _RANK.get(than, len(_RANK) * 1000)
