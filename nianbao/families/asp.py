"""Old ASP/ASPX sites: ``?page=N`` pagination, table lists, often GBK."""

from nianbao.families import Family

FAMILY = Family(
    name="asp",
    title="ASP / ASPX sites",
    rank=70,
    fingerprints=(r"\.aspx?\?", r"/Item/\d+\.aspx"),
    pagination=("rendered_pager_links",),
)
