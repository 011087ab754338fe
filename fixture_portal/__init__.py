"""The fixture portal: realistic local gov sites on 127.0.0.1 for tests, benchmarks and the demo.

Each site runs its own ``ThreadingHTTPServer`` on a port the OS picks. Content (年报 in the
pre-2019, 2019 and 2021 layouts, other notices, dead links) is generated from a seed, and
:meth:`FixturePortal.truth` says exactly what a crawl must archive.

Sites by family (``FixturePortal().sites``; the catalogue is ``catalogue.SITES``):

==========  ===========  ==========================================================================
site        family       what it exercises
==========  ===========  ==========================================================================
qinglan     trs          GBK (declared gb2312), 0-based ``index_N.html``, a lying charset header
yunxi       hanweb       jpage datastore + POST ``dataproxy.jsp``, a junk record
lanshan     trs_shtml    1-based six-argument ``createPageHTML`` (script only), ``.shtml``
donghu      trs_htm      GB18030 (needs more than GBK), ``var countPage``, deepest page a stub
meishan     hanweb_get   GET ``dataproxy.jsp?page=N`` with overlapping pages, ``downfile.jsp`` 302
nanling     gkmlpt       ``window._CONFIG`` shell, JSON API with pages 0 and 1 alike, DOCX copies
mingzhou    jpaas        every list page from the ``build/unit`` JSON API
qingzhou    ucap         gov.cn-style details (``#UCAP-CONTENT``, ``<b>索 引 号：</b>``)
gjj         asp          PowerEasy ``list.asp?id=&page=``, table list, no charset in the header
shiqiao     yearly       per-year folders and township subtrees; UTF-8 with a byte-order mark
jinshan     relocated    column moved (301), column vanished (200 soft-404), no ``<meta>`` charset
beihu       attachments  reports only as PDF/DOCX/XLSX files; a scanned and a truncated PDF; one
                         shown by pdf.js in a frame, one in an <embed>
==========  ===========  ==========================================================================

``FixturePortal()`` serves every site above (≈ 345 detail pages; ``scale=N`` multiplies them).
Report pages weigh what real ones do: about 180 links of page furniture, reports of 4,000 to 20,000
characters, older ones pasted from Word. ``variants=True`` adds the layouts site ``qingyuan``
(:mod:`.variants`): a report in every real metadata block and date-and-source line of
``docs/layouts.md``, list pages in every real list layout, and a page drawn by JavaScript.
``families=("trs", "hanweb")`` serves a subset. The misbehaving hosts (robots.txt ``Disallow: /``,
a Ruishu-style 412 challenge, a slow host, a 503-every-other-request host; see
:mod:`.misbehaving`) are served only when asked: ``misbehaving=True`` or ``misbehaving=("slow",)``.

``FixturePortal(sites=catalogue.AUDITED)`` serves instead a site whose reports break the 年报 rules on
purpose (a late report, missing years, a missing section and 表三 row, an unbalanced 表三, a
carry-over that does not match, a renamed body; ``catalogue.Faults``), for the audit's tests.

The hostile portal (:mod:`.hostile`, ``HostilePortal()``) is a set of small hosts of its own, each
holding one kind of hostile or broken input beside two good reports: malformed links, a list API
total that is no number or 10**12, enormous page counts, unclosed anchors, endless pagination,
huge colspan tables, broken UTF-8, a chunked body past the size cap, a redirect loop. Its
``good_reports()``, ``expected()`` and ``flags()`` say what a crawl must archive and record.

Decisions a crawl is judged by: the items a broken deep TRS page would have listed do not exist
(the stub itself is in :meth:`FixturePortal.expected_errors` as kind ``"stub"``); reports of hosts a
polite crawler cannot read (robots, challenge) are not in the truth, their homepages are in the
expected errors; a report's ``attachments`` list the files it links, with their text where a
text layer exists.
"""

from .portal import FixturePortal
from .site import Site

__all__ = ["FixturePortal", "Site"]
