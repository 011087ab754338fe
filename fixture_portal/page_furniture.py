"""Page chrome shared by the families: top bar, navigation, sidebar, friend links, footer, tools."""

from __future__ import annotations

from collections.abc import Callable

from .catalogue import SiteSpec
from .markup import esc

# Replaced by the portal clock's date line when a page is served; ETags hash the page with it
# left in, so the daily change of the date line does not change a page's validator.
TODAY = "@@TODAY@@"

MAIN_CHANNELS = (("zjgk", "走进{short}"), ("zwdt", "政务动态"), ("zwgk", "政务公开"), ("zwfw", "政务服务"),
                 ("hdjl", "互动交流"), ("ztzl", "专题专栏"), ("sjfb", "数据发布"))
SIDE_CHANNELS = (("tzgg", "通知公告"), ("zcjd", "政策解读"), ("rsxx", "人事信息"), ("czzj", "财政资金"),
                 ("jyta", "建议提案办理"), ("yshj", "优化营商环境"), ("xczx", "乡村振兴"),
                 ("aqsc", "安全生产"),
                 ("sthj", "生态环境"), ("shjz", "社会救助"), ("jyxx", "教育信息"), ("ylws", "医疗卫生"),
                 ("zdxm", "重大项目"), ("zfcg", "政府采购"), ("gsgg", "公示公告"), ("zxft", "在线访谈"),
                 ("myzj", "民意征集"), ("ldxx", "领导信箱"))
SERVICE_CHANNELS = (("bszn", "办事指南"), ("bmcx", "便民查询"), ("xzxk", "行政许可"), ("ggfw", "公共服务"),
                    ("sbjf", "社保缴费"), ("gjj", "住房公积金"), ("jyzs", "教育招生"), ("hjbl", "户籍办理"),
                    ("bdcdj", "不动产登记"), ("qyky", "企业开办"))
FOOTER_CHANNELS = (("wzdt", "网站地图"), ("lxwm", "联系我们"), ("wzsm", "网站声明"), ("gywm", "关于我们"),
                   ("yssm", "隐私声明"), ("syby", "使用帮助"), ("rss", "RSS订阅"), ("ydb", "移动版"))
MINISTRIES = (
    ("中国政府网", "www.gov.cn"), ("国家发展和改革委员会", "www.ndrc.gov.cn"), ("教育部", "www.moe.gov.cn"),
    ("科学技术部", "www.most.gov.cn"), ("财政部", "www.mof.gov.cn"), ("民政部", "www.mca.gov.cn"),
    ("司法部", "www.moj.gov.cn"), ("自然资源部", "www.mnr.gov.cn"), ("生态环境部", "www.mee.gov.cn"),
    ("住房和城乡建设部", "www.mohurd.gov.cn"), ("交通运输部", "www.mot.gov.cn"), ("水利部", "www.mwr.gov.cn"),
    ("农业农村部", "www.moa.gov.cn"), ("商务部", "www.mofcom.gov.cn"), ("文化和旅游部", "www.mct.gov.cn"),
    ("国家卫生健康委员会", "www.nhc.gov.cn"), ("应急管理部", "www.mem.gov.cn"),
    ("审计署", "www.audit.gov.cn"),
    ("国家统计局", "www.stats.gov.cn"), ("国家市场监督管理总局", "www.samr.gov.cn"),
)
NEIGHBOURS = (("青州省人民政府", "www.qingzhou.gov.cn"), ("青岚市人民政府", "www.qinglan.gov.cn"),
              ("云溪区人民政府", "www.yunxi.gov.cn"), ("岚山区人民政府", "www.lanshan.gov.cn"),
              ("东湖区人民政府", "www.qldonghu.gov.cn"), ("青岚日报", "www.qlrb.com.cn"))
# More of the city's offices, in a 市直部门 box: (office, sub-domain).
OFFICES = (("发展和改革委员会", "fgw"), ("工业和信息化局", "gxj"), ("公安局", "gaj"), ("人力资源和社会保障局", "rsj"),
           ("自然资源和规划局", "zrzyj"), ("住房和城乡建设局", "zjj"), ("文化广电旅游局", "wgly"),
           ("卫生健康委员会", "wjw"), ("市场监督管理局", "scjgj"), ("医疗保障局", "ybj"), ("林业局", "lyj"),
           ("城市管理局", "cgj"), ("退役军人事务局", "tyjrj"), ("数据资源局", "sjzyj"))
# Department sites under the site's own (made-up) domain: (department, sub-domain).
DEPARTMENT_SITES = (("教育局", "jyj"), ("财政局", "czj"), ("民政局", "mzj"), ("司法局", "sfj"),
                    ("交通运输局", "jtysj"), ("生态环境局", "sthjj"), ("农业农村局", "nyncj"),
                    ("商务局", "swj"),
                    ("应急管理局", "yjglj"), ("统计局", "tjj"), ("审计局", "sjj"), ("水利局", "slj"))
# The rest of a real portal's ~180 links: county sites, the day's news, more services (made-up names).
COUNTIES = (("青山区", "qs"), ("白石区", "bs"), ("柳溪区", "lx"), ("桃源县", "ty"), ("梅岭县", "ml"),
            ("竹山县", "zs"), ("松江县", "sj"), ("金塘县", "jt"), ("银湖县", "yh"), ("石门县", "sm"),
            ("云岭县", "yl"), ("北塘市", "bt"), ("南湖区", "nh"), ("东坡区", "dp"), ("西岭县", "xl"), ("清河县", "qh"))
NEWS = ("召开全市经济运行调度会", "部署冬春季安全生产工作", "开展重点项目集中开工活动", "召开防汛抗旱工作会议",
        "推进城乡环境综合整治", "举行招商引资项目签约仪式", "开展食品安全专项检查", "召开营商环境优化提升会议",
        "部署森林防灭火工作", "开展就业援助月活动", "推进老旧小区改造工作", "召开乡村振兴工作推进会",
        "举办民营企业座谈会", "开展国家安全教育日宣传", "推进数字乡村建设", "召开文明城市创建动员会",
        "部署秋冬季大气污染防治", "开展消防安全隐患排查", "召开农业农村工作会议", "推进河湖长制工作")
TOPICS = (("xxgc", "学习贯彻党的二十大精神"), ("yshj2", "优化营商环境专栏"), ("wmcs", "文明城市创建"),
          ("hbdc", "生态环境保护督察"), ("ljfl", "垃圾分类"), ("fxjz", "防汛救灾"), ("aqsc2", "安全生产月"),
          ("spaq", "食品安全"), ("jyzc", "就业政策"), ("ylzc", "养老政策"), ("ggyq", "公共卫生"), ("czyq", "乡村振兴专题"))
MORE_SERVICES = (("ylbx", "医疗保险"), ("jzfw", "居住证办理"), ("czjy", "出租车服务"), ("gjcx", "公交查询"),
                 ("tqyb", "天气预报"), ("sjcx", "社保查询"), ("wfcx", "违法查询"), ("zfjg", "执法监管"),
                 ("hjbh", "环境保护"), ("szyq", "数字政府"))
CHANNELS = MAIN_CHANNELS + SIDE_CHANNELS + SERVICE_CHANNELS + FOOTER_CHANNELS + MORE_SERVICES + TOPICS
AFTER_BODY = (
    '<div class="article-tools"><a href="javascript:window.print()">【打印本页】</a>'
    '<a href="javascript:window.close()">【关闭窗口】</a></div>\n'
    '<div class="share">分享到：<a class="wechat" href="javascript:void(0)">微信</a>'
    '<a class="weibo" href="javascript:void(0)">微博</a></div>\n'
    '<div class="info_ewm"><div id="qrcode"></div><p>扫一扫在手机打开当前页</p></div>\n'
    "<script>$('#share-1').share({sites:['wechat','weibo','qq','qzone']});</script>"
)


class Chrome:
    """The chrome of one site; ``channel_path`` maps a channel slug to the family's URL for it."""

    def __init__(self, spec: SiteSpec, channel_path: Callable[[str], str],
                 labels: dict[str, str] | None = None) -> None:
        self.spec = spec
        self.channel_path = channel_path
        self.labels = labels or {}
        self.short = spec.prefix[:-1]

    def label(self, slug: str, template: str) -> str:
        """A channel's label: the family's own wording, or the template with the short name filled in."""
        return self.labels.get(slug) or template.format(short=self.short)

    def link(self, slug: str, label: str) -> str:
        """An ``<a>`` to one of the site's channels."""
        return f'<a href="{self.channel_path(slug)}" target="_blank">{esc(self.label(slug, label))}</a>'

    def links(self, channels: tuple[tuple[str, str], ...]) -> str:
        """A ``<ul>`` of channel links."""
        return "<ul>" + "".join(f"<li>{self.link(s, t)}</li>" for s, t in channels) + "</ul>"

    def header(self) -> str:
        """Top bar with the date line, logo and main navigation."""
        spec = self.spec
        return (
            '<div class="topbar"><span class="today">' + TODAY + "</span>"
            '<a href="/">网站首页</a><a href="javascript:void(0)" onclick="SetHome(this)">设为首页</a>'
            '<a href="javascript:void(0)" onclick="AddFavorite()">加入收藏</a>'
            f'<a href="http://mail.{spec.domain.removeprefix("www.")}/" target="_blank">工作邮箱</a>'
            '<a href="javascript:void(0)" id="wza">无障碍</a>'
            '<a href="javascript:void(0)" id="zzms">长者模式</a>'
            '<a href="/search/index.html">站内搜索</a></div>\n'
            '<div class="logo"><a href="/">'
            f'<img src="/images/logo.png" alt="{esc(spec.site_name)}"></a></div>\n'
            f'<div class="nav"><ul><li><a href="/">首页</a></li>'
            + "".join(f"<li>{self.link(s, t)}</li>" for s, t in MAIN_CHANNELS) + "</ul></div>"
        )

    def sidebar(self) -> str:
        """Side boxes of topic and service channels."""
        return (f'<div class="sidebar"><div class="box"><h3>热点专题</h3>{self.links(SIDE_CHANNELS)}</div>'
                f'<div class="box"><h3>政务服务</h3>{self.links(SERVICE_CHANNELS)}</div></div>')

    def friends(self) -> str:
        """Friend links to other governments' sites (never to be followed by a crawler)."""
        def ext(items: tuple[tuple[str, str], ...]) -> str:
            return "".join(f'<a href="http://{host}/" target="_blank">{esc(name)}</a>'
                           for name, host in items)
        domain = self.spec.domain.removeprefix("www.")
        departments = tuple((self.spec.prefix + name, f"{sub}.{domain}") for name, sub in DEPARTMENT_SITES)
        return (f'<div class="friends"><span>国务院部门网站：</span>{ext(MINISTRIES)}'
                f'<span>部门网站：</span>{ext(departments)}<span>相关网站：</span>{ext(NEIGHBOURS)}</div>')

    def more(self) -> str:
        """County sites, the day's news headlines and more services, as a real portal carries them."""
        domain = self.spec.domain.removeprefix("www.")
        counties = "".join(f'<li><a href="http://{sub}.{domain}/" target="_blank">{name}</a></li>'
                           for name, sub in COUNTIES)
        news = "".join(f'<li><a href="{self.channel_path("zwdt")}?id={n + 1}">{esc(self.short)}{title}</a></li>'
                       for n, title in enumerate(NEWS))
        offices = "".join(f'<li><a href="http://{sub}.{domain}/" target="_blank">{esc(self.spec.prefix + name)}</a></li>'
                          for name, sub in OFFICES)
        return (f'<div class="more"><div class="box"><h3>要闻动态</h3><ul>{news}</ul></div>'
                f'<div class="box"><h3>市直部门</h3><ul>{offices}</ul></div>'
                f'<div class="box"><h3>县区网站</h3><ul>{counties}</ul></div>'
                f'<div class="box"><h3>便民服务</h3>{self.links(MORE_SERVICES)}</div>'
                f'<div class="box"><h3>专题专栏</h3>{self.links(TOPICS)}</div></div>')

    def footer(self) -> str:
        """Footer: site links, copyright, sponsor, ICP and police records, site code, badges."""
        spec = self.spec
        links = " | ".join(self.link(s, t) for s, t in FOOTER_CHANNELS)
        return (
            f'<div class="footer"><div class="footer-links">{links}</div>\n'
            f"<p>版权所有：{esc(spec.site_name)}　主办单位：{esc(spec.site_name)}办公室　"
            f"承办单位：{esc(spec.prefix)}大数据发展中心</p>\n"
            f'<p><a href="https://beian.miit.gov.cn/" target="_blank">{esc(spec.icp)}</a>　'
            f'<a href="http://www.beian.gov.cn/" target="_blank">{esc(spec.police)}</a>　'
            f"网站标识码：{spec.site_code}</p>\n"
            '<p><a href="http://bszs.conac.cn/" target="_blank"><img id="imgConac" src="/images/dzjg.png" '
            'alt="党政机关"></a><a href="http://zfwzgl.www.gov.cn/" target="_blank">'
            '<img src="/images/zfzc.png" alt="政府网站找错"></a></p>\n'
            '<p>建议使用1024*768以上分辨率浏览</p></div>\n'
            '<div class="gotop"><a href="#top">返回顶部</a></div>'
        )

    def around(self, main: str) -> str:
        """A page body: header, main content, sidebar, friend links and footer."""
        return "\n".join((self.header(), f'<div class="main">{main}</div>', self.sidebar(), self.more(),
                          self.friends(), self.footer()))


# How a page declares its charset in <head>, by SiteSpec.meta_charset.
META_CHARSET = {"http-equiv": '<meta http-equiv="Content-Type" content="text/html; charset={}">\n',
                "html5": '<meta charset="{}">\n', "none": ""}


def head(spec: SiteSpec, column: str, title: str, extra: str = "") -> str:
    """``<head>``: charset, the standard gov meta block (政府网站发展指引), the title."""
    return (
        "<head>\n" + META_CHARSET[spec.meta_charset].format(spec.charset) +
        f'<meta name="SiteName" content="{esc(spec.site_name)}">\n'
        f'<meta name="SiteDomain" content="{spec.domain}">\n'
        f'<meta name="SiteIDCode" content="{spec.site_code}">\n'
        f'<meta name="ColumnName" content="{esc(column)}">\n'
        f'<meta name="ColumnDescription" content="{esc(spec.site_name)}{esc(column)}">\n'
        f'<meta name="ColumnKeywords" content="{esc(column)}">\n'
        '<meta name="ColumnType" content="信息公开">\n'
        f"{extra}<title>{esc(title)}</title>\n</head>"
    )


def article_meta(title: str, published: str, source: str) -> str:
    """The article-page additions to the meta block."""
    return (f'<meta name="ArticleTitle" content="{esc(title)}">\n'
            f'<meta name="PubDate" content="{published}">\n'
            f'<meta name="ContentSource" content="{esc(source)}">\n'
            f'<meta name="Keywords" content="政府信息公开,年度报告">\n')


def page(spec: SiteSpec, chrome: Chrome, column: str, title: str, main: str, extra_head: str = "") -> str:
    """A complete HTML page around ``main``."""
    return ('<!DOCTYPE html>\n<html lang="zh-CN">\n' + head(spec, column, title, extra_head)
            + '\n<body>\n<a name="top"></a>\n' + chrome.around(main) + "\n</body>\n</html>\n")
