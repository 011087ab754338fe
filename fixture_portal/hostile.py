"""The hostile portal: one small host per kind of hostile or broken input, each beside good reports.

Every host is a plain portal (homepage → 政府信息公开年报 column → reports) holding two good
reports, plus one hostile thing. A crawl must archive every good report, finish in bounded time,
and record each hostile thing with its class (or flag, for what only extraction sees):

============  ====================================================================  ==================
host          hostile input                                                         recorded as
============  ====================================================================  ==================
malformed     a list item ``http://[bad/…``; a report linking ``http://[bad/x.pdf``  ``parse`` (each)
              and a host with a full-width ``？`` before its good attachment
badtotal      a gkmlpt API reply with ``total: "abc"`` beside its five articles       ``decode``
hugetotal     a gkmlpt API reply with ``total: 10**12``                               ``capped``
countpage     ``var countPage = 100000000``, createPageHTML and ``totalPage: 2e9``    ``capped``
jpage         a Hanweb jpage claiming ``totalRecord: 2000000000``                     ``capped``
unclosed      a report of 4,000 unclosed ``<a href=…pdf>`` (800 KB)                  nothing (fast)
endless       ``index_N.html`` for every N, each listing one junk 年报 and 下一页       ``capped``
colspan       a report table of huge colspans and rowspans                         flag ``truncated``
badutf8       UTF-8 with ten invalid sequences; a ``utf-16le`` label on UTF-8;      flags
              a page of mostly invalid bytes                                       (see ``FLAGS``)
chunked       a report streamed chunked (no Content-Length) past the size cap      ``too_large``
redirects     a report whose URL redirects in a loop                               ``redirect_loop``
============  ====================================================================  ==================

``HostilePortal(cases=…)`` serves them on free ports of 127.0.0.1; :meth:`HostilePortal.good_reports`
and :meth:`HostilePortal.expected` say what a crawl must archive and record.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from types import TracebackType

from .files import text_pdf
from .markup import esc
from .model import Para
from .server import Request, Response, RunningServer

HTML = "text/html; charset=utf-8"
COLUMN = "/nb/index.html"
GOOD = ("/nb/202403/t20240301_1.html", "/nb/202403/t20240302_2.html")
PDF_PATH = "/files/P020240301.pdf"
# What a 4,000-anchor page, or an endless column, is made of.
UNCLOSED_ANCHORS = 4000
CHUNK = b"<p>" + "报告正文".encode() * 4000 + b"</p>\n"
CHUNKED_BYTES = 17 * 1024 * 1024  # past the default 16 MiB cap of a page
HUGE_COUNT = 100_000_000
Handler = Callable[[Request], Response]


@dataclass(frozen=True)
class Expected:
    """Something a crawl must record: a URL (or an href as written, for a malformed link) and its class."""

    case: str
    url: str
    error_class: str


@dataclass
class Host:
    """One hostile host: its routes, routes by path prefix, good report paths and what must be recorded."""

    case: str
    city: str
    routes: dict[str, Handler] = field(default_factory=dict)
    prefixes: dict[str, Handler] = field(default_factory=dict)
    good: list[str] = field(default_factory=list)  # paths of documents (reports, attachments) to archive
    expected: list[tuple[str, str]] = field(default_factory=list)  # (path or href, error class)
    flags: dict[str, list[str]] = field(default_factory=dict)  # report path -> extraction flags it must carry

    def __call__(self, request: Request) -> Response:
        handler = self.routes.get(request.path) or next(
            (h for prefix, h in self.prefixes.items() if request.path.startswith(prefix)), None)
        return handler(request) if handler else not_found()


# -- pages ---------------------------------------------------------------------------------------

def html(body: str | bytes, content_type: str = HTML) -> Response:
    return Response(200, body.encode() if isinstance(body, str) else body, {"Content-Type": content_type})


def served(page: str, _: Request) -> Response:
    """A route that answers one fixed HTML page."""
    return html(page)


def not_found() -> Response:
    return Response(404, "<html><body><p>404 页面不存在</p></body></html>".encode(), {"Content-Type": HTML})


def document(title: str, main: str, head: str = "") -> str:
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{esc(title)}</title>{head}</head>'
            f"<body>{main}</body></html>")


def homepage(city: str, extra: str = "") -> str:
    return document(f"{city}人民政府", f'<div class="nav"><a href="/zwgk/index.html">政务公开</a>'
                    f'<a href="{COLUMN}">政府信息公开年报</a></div>{extra}')


def list_page(city: str, items: list[tuple[str, str]], extra: str = "") -> str:
    lis = "".join(f'<li><a href="{href}" title="{esc(title)}">{esc(title)}</a><span>2024-03-01</span></li>'
                  for href, title in items)
    return document(f"政府信息公开年报_{city}", f'<div class="list"><h2>政府信息公开年报</h2><ul>{lis}</ul>{extra}</div>')


def report_title(city: str, number: int) -> str:
    return f"{city}{2022 + number}年政府信息公开工作年度报告"


def paragraphs(city: str, number: int) -> list[str]:
    """A report's own text: a few sentences that name its city and year, so no two reports read alike."""
    year = 2022 + number
    return [f"本报告由{city}人民政府办公室根据《中华人民共和国政府信息公开条例》编制，"
            f"所列数据统计期限自{year}年1月1日起至{year}年12月31日止。",
            f"{year}年，{city}坚持以公开为常态、不公开为例外，全年主动公开政府信息{1200 + number * 37}条。",
            f"全年共收到政府信息公开申请{40 + number}件，均在法定期限内予以答复。"]


def report_page(city: str, number: int, extra: str = "", text: list[str] | None = None) -> str:
    """A report's detail page; ``extra`` goes into its body, after the paragraphs."""
    title = report_title(city, number)
    body = "".join(f"<p>{esc(p)}</p>" for p in text or paragraphs(city, number))
    return document(title, f'<h1 class="title">{esc(title)}</h1><div id="zoom"><div class="TRS_Editor">{body}'
                    f"{extra}</div></div>")


def good_items(city: str) -> list[tuple[str, str]]:
    return [(path, report_title(city, number)) for number, path in enumerate(GOOD, 1)]


def plain_host(case: str, city: str, extra_items: tuple[tuple[str, str], ...] = (), list_extra: str = "",
               report_extra: str = "") -> Host:
    """A host with a homepage, a one-page column listing the good reports (and ``extra_items``), and the reports."""
    host = Host(case, city, good=list(GOOD))
    host.routes["/"] = lambda _: html(homepage(city))
    host.routes["/robots.txt"] = lambda _: Response(200, b"User-agent: *\nDisallow:\n", {"Content-Type": "text/plain"})
    host.routes[COLUMN] = lambda _: html(list_page(city, good_items(city) + list(extra_items), list_extra))
    for number, path in enumerate(GOOD, 1):
        host.routes[path] = partial(served, report_page(city, number, report_extra if number == 1 else ""))
    return host


def pdf_response(city: str) -> Response:
    title = report_title(city, 1)
    return Response(200, text_pdf(title, [Para(p) for p in paragraphs(city, 1)]), {"Content-Type": "application/pdf"})


def with_attachment(host: Host) -> Host:
    host.routes[PDF_PATH] = lambda _: pdf_response(host.city)
    host.good.append(PDF_PATH)
    return host


# -- the cases ---------------------------------------------------------------------------------

BAD_ITEM = "http://[bad/nb/202403/t20240303_9.html"
BAD_LINKS = ("http://[bad/x.pdf", "http://www.bad？.gov.cn/y.pdf")


def malformed() -> Host:
    attachments = ('<div class="attach">附件：' + "".join(f'<a href="{href}">附件{n}.pdf</a> '
                                                       for n, href in enumerate(BAD_LINKS, 1))
                   + f'<a href="{PDF_PATH}">附件3：年度报告.pdf</a></div>')
    item = (BAD_ITEM, "青岚市东湖区某局2023年政府信息公开工作年度报告")
    host = with_attachment(plain_host("malformed", "青岚市东湖区", (item,), report_extra=attachments))
    host.expected = [(BAD_ITEM, "parse"), *((href, "parse") for href in BAD_LINKS)]
    return host


GKMLPT_API = "/gkmlpt/api/all/41"


def gkmlpt_host(case: str, city: str, total: object) -> Host:
    """A gkmlpt portal: the config on the homepage, one API reply with five articles and ``total``."""
    host = Host(case, city)
    config = "<script>window._CONFIG = {SID: '9', TREE: [{id: 41, name: '政府信息公开年报', parent: 0}]};</script>"
    host.routes["/"] = lambda _: html(document(f"{city}人民政府", config))
    paths = [f"/gkmlpt/content/0/0/post_{n}.html" for n in range(1, 6)]
    articles = [{"id": n, "title": report_title(city, n), "url": path} for n, path in enumerate(paths, 1)]

    def api(request: Request) -> Response:
        first = request.query.get("page") in ("0", "1")
        reply = {"total": total, "articles": articles if first else []}
        return Response(200, json.dumps(reply, ensure_ascii=False).encode(), {"Content-Type": "application/json"})

    host.routes[GKMLPT_API] = api
    for n, path in enumerate(paths, 1):
        host.routes[path] = partial(served, report_page(city, n))
    host.good = paths
    return host


def badtotal() -> Host:
    host = gkmlpt_host("badtotal", "青岚市南山区", "abc")
    host.expected = [(GKMLPT_API + "?page=1&sid=9", "decode")]
    return host


def hugetotal() -> Host:
    host = gkmlpt_host("hugetotal", "青岚市北山区", 10**12)
    host.expected = [(GKMLPT_API + "?page=", "capped")]  # some page past the cap
    return host


def countpage() -> Host:
    script = (f'<script>var countPage = {HUGE_COUNT};createPageHTML({HUGE_COUNT}, 0, "index", "html");'
              '$(".pagination").pagination({totalPage: 2e9, currentPage: 1});</script>')
    host = plain_host("countpage", "青岚市西湖区", list_extra=script)
    host.expected = [("/nb/index_", "capped")]
    return host


def jpage() -> Host:
    records = "".join(f"<record><![CDATA[<li><a href='{path}'>{esc(title)}</a></li>]]></record>"
                      for path, title in good_items("青岚市梅岭县"))
    script = ("<div id='7'><script type='text/xml'><datastore><recordset>" + records + "</recordset></datastore>"
              "</script></div><script>var param_7={col:1,webid:3,columnid:1,unitid:'7'};"
              "$('#7').jpage({totalRecord:2000000000,groupSize:3,proxyUrl:'/module/web/jpage/dataproxy.jsp',"
              "perPage:15,ajaxParam:param_7});</script>")
    host = plain_host("jpage", "青岚市梅岭县")
    host.routes[COLUMN] = lambda _: html(document("政府信息公开年报_青岚市梅岭县", script))
    host.expected = [("/module/web/jpage/dataproxy.jsp?", "capped")]
    return host


def unclosed() -> Host:
    anchors = f'<a href="{PDF_PATH}">附件：年度报告全文' * UNCLOSED_ANCHORS
    filler = "<p>" + "公开" * 90_000 + "</p>"
    return with_attachment(plain_host("unclosed", "青岚市桃源县", report_extra=anchors + filler))


def endless() -> Host:
    city = "青岚市竹溪县"
    host = plain_host("endless", city)

    def page(request: Request) -> Response:
        match = re.fullmatch(r"/nb/index(?:_(\d+))?\.html", request.path)
        if not match:
            return not_found()
        n = int(match[1] or 0)
        junk = [(f"/nb/junk/t20240101_{n}.html", f"{city}第{n}号2023年政府信息公开工作年度报告")]
        items = good_items(city) + junk if n == 0 else junk
        return html(list_page(city, items, f'<div class="page"><a href="index_{n + 1}.html">下一页</a></div>'))

    host.routes.pop(COLUMN)
    host.prefixes["/nb/index"] = page
    host.prefixes["/nb/junk/"] = lambda _: html(report_page(city, 9))
    host.expected = [("/nb/index_", "capped"), ("/nb/junk/", "capped")]
    return host


def colspan() -> Host:
    cells = "".join(f'<td colspan="1000" rowspan="1000">{n}</td>' for n in range(5))
    table = "<table>" + "".join(f"<tr><td>第{r}行</td>{cells}</tr>" for r in range(40)) + "</table>"
    host = plain_host("colspan", "青岚市金山区", report_extra=table)
    host.flags[GOOD[0]] = ["truncated"]
    return host


def badutf8() -> Host:
    city = "青岚市石桥镇"
    host = plain_host("badutf8", city)
    broken = broken_page(city)
    mislabelled = report_page(city, 2).encode().replace("，".encode(), b"\xc3\x28", 2)
    garbage = bytes((n * 151 + 77) % 256 for n in range(30_000))
    host.routes[GOOD[0]] = lambda _: html(broken)
    host.routes[GOOD[1]] = lambda _: html(mislabelled, "text/html; charset=utf-16le")
    host.routes["/nb/202403/t20240303_3.html"] = lambda _: html(
        document(report_title(city, 3), "").encode()[:-14] + garbage + b"</body></html>")
    host.routes[COLUMN] = lambda _: html(list_page(city, [*good_items(city), ("/nb/202403/t20240303_3.html",
                                                                              report_title(city, 3))]))
    host.good.append("/nb/202403/t20240303_3.html")
    host.flags = {GOOD[0]: ["decode_lossy"], GOOD[1]: ["encoding_mismatch", "decode_lossy"],
                  "/nb/202403/t20240303_3.html": ["garbled"]}
    return host


def cut_characters(text: str, count: int = 10, step: int = 29) -> bytes:
    """``text`` in UTF-8 with ``count`` of its characters (every ``step``-th) cut to their first byte,
    as a CMS that cuts text at a byte count leaves them. A short, mostly Chinese page like this one
    loses fewer characters read whole as GB18030 than as UTF-8, so a reader that compares only the
    characters lost garbles all of it."""
    raw = text.encode()
    out, pos = bytearray(), 0
    for n in range(count):
        cut = n * step * 3
        out += raw[pos:cut + 1]
        pos = cut + 3
    return bytes(out) + raw[pos:]


BROKEN_TEXT = ("本报告由人民政府办公室根据条例编制全年主动公开政府信息收到申请均依法答复"
               "所列数据的统计期限自一月一日起至十二月三十一日止")


def broken_page(city: str) -> bytes:
    """A short report page, mostly Chinese, with ten characters cut (see :func:`cut_characters`)."""
    title = report_title(city, 1)
    return (f"<html><head><title>{title}</title></head><body><p>".encode() + cut_characters((city + BROKEN_TEXT) * 5)
            + b"</p></body></html>")


CHUNKED_PATH = "/nb/202403/t20240303_3.html"


def chunked() -> Host:
    city = "青岚市白沙镇"
    host = plain_host("chunked", city, ((CHUNKED_PATH, report_title(city, 3)),))
    host.routes[CHUNKED_PATH] = lambda _: Response(200, chunks(CHUNKED_BYTES), {"Content-Type": HTML})
    host.expected = [(CHUNKED_PATH, "too_large")]
    return host


def chunks(total: int) -> Iterator[bytes]:
    """An HTML page of about ``total`` bytes, made as it is sent (the server frames it chunked)."""
    yield b"<html><body>"
    for _ in range(total // len(CHUNK) + 1):
        yield CHUNK
    yield b"</body></html>"


LOOP_PATH = "/nb/202403/t20240304_4.html"


def redirects() -> Host:
    city = "青岚市柳溪镇"
    host = plain_host("redirects", city, ((LOOP_PATH, report_title(city, 4)),))
    host.routes[LOOP_PATH] = lambda _: redirect("/r/a")
    host.routes["/r/a"] = lambda _: redirect("/r/b")
    host.routes["/r/b"] = lambda _: redirect("/r/a")
    host.expected = [(LOOP_PATH, "redirect_loop")]
    return host


def redirect(location: str) -> Response:
    return Response(302, b"", {"Location": location, "Content-Type": HTML})


CASES: dict[str, Callable[[], Host]] = {case.__name__: case for case in (
    malformed, badtotal, hugetotal, countpage, jpage, unclosed, endless, colspan, badutf8, chunked, redirects)}


class HostilePortal:
    """Every hostile host (or those of ``cases``), each on its own port of 127.0.0.1."""

    def __init__(self, cases: tuple[str, ...] | None = None) -> None:
        unknown = set(cases or ()) - set(CASES)
        if unknown:
            raise ValueError(f"unknown hostile cases {sorted(unknown)}; known: {sorted(CASES)}")
        self.hosts = {name: CASES[name]() for name in cases or CASES}
        self.servers: dict[str, RunningServer] = {}

    def __enter__(self) -> HostilePortal:
        self.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.stop()

    def start(self) -> None:
        for name, host in self.hosts.items():
            self.servers.setdefault(name, RunningServer(host))

    def stop(self) -> None:
        for server in self.servers.values():
            server.stop()
        self.servers.clear()

    def base_url(self, case: str) -> str:
        return self.servers[case].base_url

    def homepages(self) -> list[str]:
        return [self.base_url(case) + "/" for case in self.hosts]

    def good_reports(self, case: str | None = None) -> list[str]:
        """URLs of the documents (reports and their attachments) a crawl must archive."""
        return [self.base_url(name) + path for name, host in self.hosts.items() if case in (None, name)
                for path in host.good]

    def expected(self, case: str | None = None) -> list[Expected]:
        """What a crawl must record; a URL ending in ``?``, ``_``, ``=`` or ``/`` is a prefix (some page past a cap)."""
        return [Expected(name, href if href.startswith("http") else self.base_url(name) + href, error_class)
                for name, host in self.hosts.items() if case in (None, name) for href, error_class in host.expected]

    def flags(self, case: str | None = None) -> dict[str, list[str]]:
        """Extraction flags a document must carry, by URL."""
        return {self.base_url(name) + path: flags for name, host in self.hosts.items() if case in (None, name)
                for path, flags in host.flags.items()}
