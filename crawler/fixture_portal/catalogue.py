"""The made-up sites of the fixture portal, as data: names, codes, units, sizes and deliberate quirks."""

from __future__ import annotations

from dataclasses import dataclass

# How each page codec is declared and described.
CHARSETS = {"gbk": ("gb2312", "gb18030-family", "GBK"), "utf-8": ("utf-8", "utf-8", "UTF-8"),
            "gb18030": ("gb18030", "gb18030-family", "GB18030"),
            "utf-8-sig": ("utf-8", "utf-8-sig", "UTF-8 with a byte-order mark")}

DEPARTMENTS = (
    "教育局", "财政局", "卫生健康委员会", "民政局", "司法局", "交通运输局", "自然资源和规划局", "生态环境局",
    "住房和城乡建设局", "农业农村局", "商务局", "文化和旅游局", "应急管理局", "市场监督管理局", "统计局",
    "医疗保障局", "人力资源和社会保障局", "审计局", "水利局", "林业局", "城市管理局", "退役军人事务局",
    "体育局", "科学技术局", "工业和信息化局", "发展和改革局",
)
TOWN_FIRST = "东西南北金银青白石柳桃梅竹松"
TOWN_SECOND = "山溪湖塘桥岭港坪"
TOWN_SUFFIX = ("镇人民政府", "乡人民政府", "街道办事处")


@dataclass(frozen=True)
class UnitSpec:
    """A unit named in the catalogue: (name, kind, first report year)."""

    name: str
    kind: str
    first_year: int


@dataclass(frozen=True)
class SiteSpec:
    """One fixture site; ``quirks`` name the deliberate faults by (unit index, report year)."""

    name: str
    family: str
    codec: str
    site_name: str
    city: str
    prefix: str
    domain: str
    division: str
    site_code: str
    icp: str
    police: str
    doc_prefix: str
    address: str
    postcode: str
    phone: str
    contacts: tuple[str, ...]
    org_style: str
    units: tuple[UnitSpec, ...]
    reports_base: int
    others_base: int
    lying_charset: tuple[int, int] | None = None
    broken_balance: tuple[int, int] | None = None
    missing_report: tuple[str, int] | None = None
    header_charset: bool = True   # False: Content-Type says text/html and nothing more (old IIS)
    meta_charset: str = "http-equiv"  # how the page declares its charset: http-equiv, html5, none
    packaging: tuple[str, ...] = ("html",)  # cycled over the reports (see attachments.PACKAGINGS)
    odd_packaging: tuple[tuple[int, str], ...] = ()  # (report index, packaging) exceptions
    behaviour: str | None = None  # a misbehaving host (see misbehaving.BEHAVIOURS)

    @property
    def charset(self) -> str:
        """The charset the site declares in its headers and meta tags."""
        return CHARSETS[self.codec][0]

    @property
    def encoding_label(self) -> str:
        """How the site's encoding is described to callers (``Site.encoding``)."""
        return CHARSETS[self.codec][1]


SITES = (
    SiteSpec(
        name="qinglan", family="trs", codec="gbk",
        site_name="青岚市人民政府", city="青岚市", prefix="青岚市",
        domain="www.qinglan.gov.cn", division="459100", site_code="4591000001",
        icp="青ICP备05008123号", police="青公网安备45910002000118号", doc_prefix="青政办",
        address="青岚市府前路1号", postcode="459100", phone="0759-83012345",
        # GBK-only characters (not in GB2312): a GB2312 decoder fails on them.
        contacts=("王镕", "李堃", "陈喆", "周玥"), org_style="credit",
        units=(UnitSpec("青岚市人民政府", "government", 2014), UnitSpec("青岚市教育局", "department", 2017),
               UnitSpec("青岚市财政局", "department", 2017)),
        reports_base=24, others_base=4,
        lying_charset=(0, 2020), missing_report=("青岚市统计局", 2022),
    ),
    SiteSpec(
        name="yunxi", family="hanweb", codec="utf-8",
        site_name="云溪区人民政府", city="青岚市", prefix="云溪区",
        domain="www.yunxi.gov.cn", division="459102", site_code="4591020003",
        icp="青ICP备05008456号", police="青公网安备45910202000021号", doc_prefix="云政办",
        address="青岚市云溪区溪山路88号", postcode="459102", phone="0759-85012345",
        contacts=("张敏", "刘洋", "黄静", "吴磊"), org_style="numeric",
        units=(UnitSpec("云溪区人民政府", "government", 2014), UnitSpec("白沙镇人民政府", "township", 2017),
               UnitSpec("石桥镇人民政府", "township", 2017), UnitSpec("青溪镇人民政府", "township", 2017),
               UnitSpec("柳塘镇人民政府", "township", 2017), UnitSpec("云峰街道办事处", "township", 2017),
               UnitSpec("云溪区教育局", "department", 2017), UnitSpec("云溪区财政局", "department", 2017),
               UnitSpec("云溪区卫生健康局", "department", 2017), UnitSpec("云溪区民政局", "department", 2017),
               UnitSpec("云溪区司法局", "department", 2017)),
        reports_base=95, others_base=14,
        broken_balance=(0, 2022),
    ),
)


def extra_units(spec: SiteSpec) -> list[UnitSpec]:
    """Further units for larger scales: the site's departments, then made-up townships."""
    taken = {u.name for u in spec.units}
    if spec.missing_report:
        taken.add(spec.missing_report[0])  # its title must stay unique to the dead link
    names = [UnitSpec(spec.prefix + d, "department", 2014) for d in DEPARTMENTS]
    names += [UnitSpec(a + b + s, "township", 2014)
              for s in TOWN_SUFFIX for a in TOWN_FIRST for b in TOWN_SECOND]
    return [u for u in names if u.name not in taken]
