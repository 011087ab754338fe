"""Guangdong's 政府信息公开目录管理平台 (gkmlpt): a category tree in ``window._CONFIG``, lists from a JSON API."""

from nianbao.families import Family

FAMILY = Family(
    name="gkmlpt",
    title="广东政府信息公开目录管理平台 (gkmlpt)",
    rank=10,
    fingerprints=(r"/gkmlpt/", r"window\._CONFIG\s*=\s*\{\s*SID"),
    list_api="gkmlpt",
)
