"""UCAP pages, www.gov.cn among them: ``#UCAP-CONTENT`` bodies, ``content_N.htm`` details."""

from nianbao.families import Family

FAMILY = Family(
    name="ucap",
    title="UCAP (中国政府网 and others)",
    rank=40,  # before trs: gov.cn's URLs look like TRS ones
    fingerprints=(r"UCAP-CONTENT", r"<UCAPCONTENT", r"/content_\d{5,}\.htm"),
    pagination=("trs_create_page_html", "rendered_pager_links"),
    body_containers=("#UCAP-CONTENT", "UCAPCONTENT"),
)
