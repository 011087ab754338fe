"""gkmlpt and jpaas list APIs: requests a page calls for, items a reply lists."""

from __future__ import annotations

import json

import pytest

from nianbao.errors import ListFormatError
from spiders import apis

GKMLPT_INDEX = """<html><script>window._CONFIG = { SID: '755041', TREE: [
 {id: 1, name: '政策文件', parent: 0, post_count: 10},
 {id: 2147, name: '政府信息公开年报', parent: 0, post_count: 45}], SERVICE_AREA_ID: 3 };</script></html>"""


def test_gkmlpt_index_yields_the_report_category_from_page_one():
    requests = apis.gkmlpt_columns("http://h/gkmlpt/index", GKMLPT_INDEX)
    assert [r.url for r in requests] == ["http://h/gkmlpt/api/all/2147?page=1&sid=755041"]


def gkmlpt_reply(n, total):
    return json.dumps({"total": total, "articles": [
        {"id": i, "title": f"深圳市某局{2015 + i}年政府信息公开工作年度报告", "url": f"http://h/gkmlpt/content/1/{i}/post_{i}.html"}
        for i in range(n)]}, ensure_ascii=False)


def test_gkmlpt_pages_skip_page_zero_duplicate():
    url = "http://h/gkmlpt/api/all/2147?page=1&sid=755041"
    pages = apis.gkmlpt_pages(url, gkmlpt_reply(20, 45))
    assert [p.url for p in pages] == ["http://h/gkmlpt/api/all/2147?page=2&sid=755041",
                                      "http://h/gkmlpt/api/all/2147?page=3&sid=755041"]
    assert apis.gkmlpt_pages(pages[0].url, gkmlpt_reply(20, 45)) == []
    assert len(apis.gkmlpt_items(url, gkmlpt_reply(20, 45))) == 20


@pytest.mark.parametrize("reply", ["<html>blocked</html>", "{}", '{"articles": 3}'])
def test_gkmlpt_wrong_reply_is_an_api_format_error(reply):
    with pytest.raises(ListFormatError):
        apis.gkmlpt_items("http://h/gkmlpt/api/all/1?page=1&sid=2", reply)


JPAAS_COLUMN = """<div class="pagination" count="40" rows="15" pageNo="1" unitUrl="/api-gateway/x"
 queryData="{'webId':'3185','pageId':'1229','tagId':'当前栏目','tplSetId':'LWYUC'}"></div>"""


def test_jpaas_column_asks_every_page():
    pages = apis.jpaas_pages("http://h/col/col1229/index.html", JPAAS_COLUMN)
    assert len(pages) == 3
    assert pages[0].url.startswith("http://h/api-gateway/jpaas-publish-server/front/page/build/unit?webId=3185")
    assert pages[2].url.endswith("pageNo=3")
    assert all(apis.is_jpaas_api(p.url) for p in pages)


def test_jpaas_reply_items():
    reply = json.dumps({"success": True, "data": {"html": "<li><a title='杭州市2023年政府信息公开工作年度报告' "
                        "href='/art/2024/1/20/art_1229_1.html'>x</a><b>2024-01-20</b></li>"}}, ensure_ascii=False)
    items = apis.jpaas_items("http://h/api-gateway/jpaas-publish-server/front/page/build/unit?pageNo=1", reply)
    assert [(i.url, i.title) for i in items] == [("http://h/art/2024/1/20/art_1229_1.html", "杭州市2023年政府信息公开工作年度报告")]
