"""CMS families: one record per family, read by the registry, the spider and extraction.

Tens of thousands of government portals run a handful of content-management systems. Each family is
one module of this package holding one :class:`Family` record: the marks that recognise its pages,
the JSON list API and pagination styles its columns use, the containers that hold a document's body
and the page furniture only it has. Modules are found by name, so adding a family is one new file
here (plus a fixture site and its tests: see docs/families.md).

This package is data: the spider applies fingerprints, list APIs and pagination styles
(``spiders.fingerprint``, ``spiders.apis``, ``spiders.pagination``), extraction applies containers and
chrome rules (``extract.body``, ``extract.chrome``), and the registry checks a site's ``family``
against :data:`NAMES`.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass


@dataclass(frozen=True)
class Family:
    """What nianbao knows about one CMS family.

    ``rank`` orders families for recognition and for body containers: a page carrying the marks of
    two families is the lower-ranked one (jpaas pages also carry Hanweb marks, gov.cn's UCAP pages
    TRS-style URLs), and a lower-ranked family's containers are tried first.
    """

    name: str
    title: str
    rank: int
    fingerprints: tuple[str, ...] = ()  # regexes over a page's text; any match marks the family
    list_api: str | None = None  # the JSON list API its columns use (spiders.apis.LIST_APIS)
    pagination: tuple[str, ...] = ()  # the list pagination styles it renders (spiders.pagination.STYLES)
    body_containers: tuple[str, ...] = ()  # "#id", ".class", "tag", "tag.class" or "#id .class", inner first
    body_markers: tuple[tuple[str, str], ...] = ()  # comment pairs that bracket the body
    chrome_xpaths: tuple[str, ...] = ()  # page furniture particular to the family


def _load() -> tuple[Family, ...]:
    """Every family module's FAMILY, by rank."""
    families = [importlib.import_module(f"{__name__}.{info.name}").FAMILY
                for info in pkgutil.iter_modules(__path__) if not info.name.startswith("_")]
    families.sort(key=lambda family: family.rank)
    if len({f.name for f in families}) != len(families) or len({f.rank for f in families}) != len(families):
        raise ValueError("CMS families need distinct names and ranks")
    return tuple(families)


FAMILIES: tuple[Family, ...] = _load()
# Names a registry entry may give; "unknown" when nobody has looked.
NAMES: tuple[str, ...] = (*(family.name for family in FAMILIES), "unknown")
BY_NAME = {family.name: family for family in FAMILIES}
