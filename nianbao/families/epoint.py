"""新点 (Epoint) portals."""

from nianbao.families import Family

FAMILY = Family(
    name="epoint",
    title="新点 (Epoint)",
    rank=50,
    fingerprints=(r"epoint", r"/EpointWeb"),
    pagination=("rendered_pager_links",),
)
