"""Hanweb (大汉) JCMS: ``/col/colN/`` columns paged by ``jpage`` and ``dataproxy.jsp``, ``art_…`` details."""

from nianbao.families import Family

FAMILY = Family(
    name="hanweb",
    title="大汉 JCMS (jpage)",
    rank=30,
    fingerprints=(r"/module/web/jpage/", r"\.jpage\(", r"/col/col\d+/", r"/art/\d{4}/\d{1,2}/\d{1,2}/art_"),
    pagination=("hanweb_jpage", "rendered_pager_links"),
    # Hanweb templates (and Zhejiang's platform built on them) bracket the body with comments
    body_markers=(("<$[信息内容]>begin", "<$[信息内容]>end"), ("ZJEG_RSS.content.begin", "ZJEG_RSS.content.end")),
)
