"""Hanweb's newer jpaas platform: list pages call ``build/unit?…&pageNo=N`` for HTML fragments in JSON."""

from nianbao.families import Family

FAMILY = Family(
    name="jpaas",
    title="大汉 jpaas",
    rank=20,  # before hanweb: jpaas pages carry Hanweb's marks too
    fingerprints=(r"jpaas-publish-server", r"\bqueryData="),
    list_api="jpaas",
)
