"""Synthetic portal sites: chrome shared by a site's pages, and the page HTML around a 年报 body.

Three template families (as CMS products differ) are filled with site-specific names and menus,
so chrome repeats within a site and differs between sites. Some sites print a date line that
changes every day, some answer conditional requests with 304, some serve GBK.
"""

from __future__ import annotations

import hashlib
import html
import random
from dataclasses import dataclass

from bench.archive.corpus import Body, Vocabulary, weekday_line

FAMILIES = ("trs", "hanweb", "ucap")
MENU_COLUMNS = 10
MENU_ITEMS = 12
SIDEBAR_ITEMS = 60
SCRIPT_LINES = 40
# Site behaviours, as shares of sites.
DATE_LINE_SHARE = 0.3
ETAG_SHARE = 0.25
GBK_SHARE = 0.2


@dataclass
class Site:
    """One synthetic portal."""

    name: str
    host: str
    title: str
    family: str
    encoding: str
    date_line: bool
    etag: bool
    header: str
    footer: str

    def url(self, number: int) -> str:
        """The URL of the site's ``number``-th report page."""
        return f"http://{self.host}/xxgk/ndbg/{number // 100:03d}/t{number:06d}.html"

    def headers(self, body: bytes) -> dict[str, str]:
        """Response headers as a portal sends them (an ETag only where conditional requests work)."""
        headers = {"Content-Type": f"text/html; charset={self.encoding}", "Server": "nginx",
                   "Content-Encoding": "gzip", "Vary": "Accept-Encoding"}
        if self.etag:
            headers["ETag"] = '"' + hashlib.md5(body).hexdigest()[:16] + '"'
        return headers


def make_site(index: int, vocabulary: Vocabulary, seed: int) -> Site:
    """Site ``index``: its names, behaviours and chrome, from its own random stream."""
    rng = random.Random(f"{seed}/site/{index}")
    city = "".join(rng.choices(vocabulary.words[:400], k=2))[:3] + rng.choice("市县区")
    family = FAMILIES[index % len(FAMILIES)]
    host = f"www.site{index:03d}.gov.example"
    title = f"{city}人民政府"
    header = render_header(rng, vocabulary, family, title, host)
    footer = render_footer(rng, vocabulary, family, title, index)
    return Site(f"site{index:03d}", host, title, family,
                "gbk" if rng.random() < GBK_SHARE else "utf-8",
                rng.random() < DATE_LINE_SHARE, rng.random() < ETAG_SHARE, header, footer)


def _links(rng: random.Random, vocabulary: Vocabulary, host: str, count: int, css: str) -> str:
    """A list of menu links with gov-sounding labels."""
    items = []
    for _ in range(count):
        label = "".join(vocabulary.tokens(rng, rng.randint(1, 3)))[:12]
        href = f"http://{host}/col/col{rng.randint(1000, 99999)}/index.html"
        items.append(f'<li class="{css}"><a href="{href}" '
                     f'target="_blank" title="{label}">{label}</a></li>')
    return "\n".join(items)


def render_header(rng: random.Random, vocabulary: Vocabulary, family: str, title: str, host: str) -> str:
    """Head, top bar, search, navigation menus and sidebar (everything before the body)."""
    menus = []
    for column in range(MENU_COLUMNS):
        label = "".join(vocabulary.tokens(rng, 2))[:6]
        menus.append(f'<li class="{family}-nav-item nav{column}"><a href="http://{host}/col/nav{column}/">'
                     f'{label}</a>\n<ul class="{family}-sub">\n'
                     f"{_links(rng, vocabulary, host, MENU_ITEMS, family + '-sub-item')}\n</ul></li>")
    styles = "\n".join(f'<link rel="stylesheet" href="http://{host}/static/{family}/css/{n}.css">'
                       for n in ("reset", "common", "index", "article", "print"))
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n'
        '<meta http-equiv="X-UA-Compatible" content="IE=edge">\n'
        f'<meta name="SiteName" content="{title}">\n<meta name="SiteDomain" content="{host}">\n'
        f'<meta name="SiteIDCode" content="{rng.randint(10**9, 10**10 - 1)}">\n{styles}\n'
        '<title>{page_title}_' + title + '</title>\n</head>\n<body class="' + family + '">\n'
        f'<div class="{family}-topbar"><span class="date">{{date_line}}</span>'
        f'<a href="javascript:void(0)" class="wza">无障碍浏览</a><a href="#" class="zzms">长者模式</a>'
        f'<a href="http://{host}/">繁體</a><a href="http://{host}/login">登录</a></div>\n'
        f'<div class="{family}-header"><img src="http://{host}/static/logo.png" alt="{title}">'
        f'<form action="http://{host}/search" class="search"><input name="q" placeholder="请输入关键词">'
        f'<button>搜索</button></form></div>\n<ul class="{family}-nav">\n' + "\n".join(menus) + "\n</ul>\n"
        f'<div class="{family}-side"><h3>政府信息公开目录</h3><ul>\n'
        f"{_links(rng, vocabulary, host, SIDEBAR_ITEMS, family + '-side-item')}\n</ul></div>\n"
        f'<div class="{family}-crumb">当前位置：<a href="http://{host}/">首页</a> &gt; 政务公开 &gt; '
        "政府信息公开年报</div>\n"
    )


def render_footer(rng: random.Random, vocabulary: Vocabulary, family: str, title: str, index: int) -> str:
    """Footer links, site identity, and the statistics script every portal carries."""
    script = "\n".join(f"  var _v{n} = '{rng.getrandbits(64):016x}'; _stat.push(['_track', _v{n}]);"
                       for n in range(SCRIPT_LINES))
    friends = "".join(f'<option value="{n}">{"".join(vocabulary.tokens(rng, 2))[:8]}</option>'
                      for n in range(30))
    return (
        f'<div class="{family}-share">扫一扫在手机打开当前页 <a href="javascript:window.print()">打印本页</a>'
        f'<a href="javascript:window.close()">关闭窗口</a></div>\n'
        f'<div class="{family}-footer"><select class="friends">{friends}</select>\n'
        f"<p>主办单位：{title}办公室　承办单位：{title}大数据中心</p>\n"
        f"<p>网站标识码：{rng.randint(10**9, 10**10 - 1)}　备案号：某ICP备{rng.randint(10**7, 10**8)}号　"
        f"公网安备 {rng.randint(10**13, 10**14)}号</p>\n<p>联系电话：0{rng.randint(100, 999)}-"
        f"{rng.randint(1000000, 9999999)}　地址：{''.join(vocabulary.tokens(rng, 4))[:16]}</p></div>\n"
        f'<script type="text/javascript">\nvar _stat = _stat || [];\n{script}\n</script>\n'
        f'<script src="http://static.example/{family}/{index % 7}/stat.js"></script>\n</body>\n</html>\n'
    )


def render_page(site: Site, body: Body, meta: dict[str, str], day: str) -> bytes:
    """The page HTML for one fetch on ``day``, in the site's encoding."""
    date_line = weekday_line(day) if site.date_line else ""
    header = site.header.replace("{page_title}", html.escape(body.title)).replace("{date_line}", date_line)
    meta_rows = "".join(f"<tr><th>{label}：</th><td>{html.escape(value)}</td></tr>"
                        for label, value in meta.items())
    paragraphs = "\n".join(f"<p style=\"text-indent:2em\">{html.escape(p)}</p>" for p in body.paragraphs)
    table = ""
    if body.table:
        rows = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in body.table)
        table = f'\n<table class="MsoNormalTable" border="1">{rows}</table>'
    content = (f'<div class="{site.family}-meta"><table>{meta_rows}</table></div>\n'
               f'<div class="{site.family}-article"><h1>{html.escape(body.title)}</h1>\n'
               f'<div id="zoom">\n{paragraphs}{table}\n</div></div>\n')
    return (header + content + site.footer).encode(site.encoding)
