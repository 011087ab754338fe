"""TRS WCM (拓尔思) and sites built the same way: ``index_N.html`` lists, ``tYYYYMMDD_N`` details."""

from nianbao.families import Family

FAMILY = Family(
    name="trs",
    title="TRS WCM (拓尔思)",
    rank=60,
    fingerprints=(r"TRS_Editor", r"createPageHTML", r"CurrChnlCls", r"/t\d{8}_\d+\.s?html?"),
    pagination=("trs_create_page_html", "trs_count_page_var", "jquery_pagination", "rendered_pager_links"),
    body_containers=("#zoom .TRS_Editor", ".TRS_Editor", ".trs_editor_view", ".TRS_UEDITOR", ".Custom_UnionStyle"),
    # the breadcrumb's channel links (class CurrChnlCls) and the element around them
    chrome_xpaths=("//*[contains(concat(' ', normalize-space(@class), ' '), ' CurrChnlCls ')]/..",),
)
