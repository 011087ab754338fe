"""What reading one list page gave: the items and further pages it leads to, and what could not be read."""

from __future__ import annotations

from dataclasses import dataclass, field

from spiders.listing import ListItem, Malformed
from spiders.pagination import PageRequest


@dataclass
class ListReading:
    """One list page as read.

    ``malformed`` are item links that cannot be followed (each skipped on its own); ``problems``
    say which parts of the page could not be read although its items were (a list API's total that
    is no number); ``capped`` that the page had more anchors than the spider reads. The spider
    records each of them and follows everything that was read.
    """

    items: list[ListItem]
    pages: list[PageRequest]
    malformed: list[Malformed] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    capped: bool = False
    family: str | None = None  # the CMS family the page's marks showed

    @property
    def whole(self) -> bool:
        """Whether every part of the page was read (only a whole reading is remembered for later nights)."""
        return not (self.problems or self.malformed or self.capped)
