"""CMS fingerprints from the marks portals carry."""

from __future__ import annotations

import pytest

from spiders.fingerprint import fingerprint, more_specific


@pytest.mark.parametrize(("text", "family"), [
    ('<div class="TRS_Editor"><style>.TRS_Editor P{}</style>', "trs"),
    ("<script>createPageHTML(3, 0, 'index', 'html')</script>", "trs"),
    ("<a href='/col/col1234/index.html'>", "hanweb"),
    ("$('#7654').jpage({proxyUrl:'/module/web/jpage/dataproxy.jsp'})", "hanweb"),
    ('<div queryData="{\'webId\':\'1\'}" count="3">', "jpaas"),
    ("<script>window._CONFIG = { SID: '755041', TREE: []}</script>", "gkmlpt"),
    ('<div id="UCAP-CONTENT">', "ucap"),
    ('<a href="/Item/list.asp?id=1610&page=2">', "asp"),
    ("<p>plain page</p>", None),
])
def test_fingerprint(text, family):
    assert fingerprint(text) == family


def test_specific_marks_replace_generic_ones():
    assert more_specific("jpaas", "hanweb")
    assert not more_specific("hanweb", "jpaas")
    assert more_specific("trs", None)
