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
class Faults:
    """Deliberate breaches of the 年报 rules, each by (unit index, report year), for audit tests.

    A site with faults also keeps its 表三 figures in step from year to year (each report's 上年结转
    is the previous report's 结转下年度), so that only the faults named here break a rule.
    """

    late: tuple[int, int] | None = None  # published on 8 May, after every statutory deadline
    skipped: tuple[tuple[int, int], ...] = ()  # no report at all that year
    incomplete: tuple[int, int] | None = None  # section 五 and 表三's row 三（四）3 left out
    carry_mismatch: tuple[int, int] | None = None  # this report's 上年结转 ≠ the previous 结转下年度
    short_name: tuple[int, int] | None = None  # titled and issued as …市政府 instead of …市人民政府
    former_names: tuple[tuple[int, str, int], ...] = ()  # (unit, name before a 机构改革, last year under it)


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
    report_topic: str = "综合政务\\政务公开"  # the 主题分类 (or 公开目录) of its reports
    faults: Faults | None = None  # breaches of the 年报 rules an audit must find (see Faults)

    @property
    def charset(self) -> str:
        """The charset the site declares in its headers and meta tags."""
        return CHARSETS[self.codec][0]

    @property
    def encoding_label(self) -> str:
        """How the site's encoding is described to callers (``Site.encoding``)."""
        return CHARSETS[self.codec][1]


def units(government: str, departments: tuple[str, ...] = (), townships: tuple[str, ...] = (),
          first: int = 2017) -> tuple[UnitSpec, ...]:
    """A site's units: the government (reporting since 2014), then departments and townships."""
    return (UnitSpec(government, "government", 2014),
            *(UnitSpec(d, "department", first) for d in departments),
            *(UnitSpec(t, "township", first) for t in townships))


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
    SiteSpec(
        name="lanshan", family="trs_shtml", codec="utf-8",
        site_name="岚山区人民政府", city="青岚市", prefix="岚山区",
        domain="www.lanshan.gov.cn", division="459103", site_code="4591030004",
        icp="青ICP备05008789号", police="青公网安备45910302000035号", doc_prefix="岚政办",
        address="青岚市岚山区滨江大道6号", postcode="459103", phone="0759-86012345",
        contacts=("赵琳", "孙伟", "钱坤", "郑洁"), org_style="numeric",
        units=units("岚山区人民政府", ("岚山区教育局", "岚山区财政局", "岚山区民政局")),
        reports_base=18, others_base=2,
    ),
    SiteSpec(
        name="donghu", family="trs_htm", codec="gb18030",
        site_name="东湖区人民政府", city="青岚市", prefix="东湖区",
        domain="www.qldonghu.gov.cn", division="459104", site_code="4591040005",
        icp="青ICP备05009012号", police="青公网安备45910402000047号", doc_prefix="东政办",
        address="青岚市东湖区湖滨路18号", postcode="459104", phone="0759-87012345",
        # 䶮 is outside GBK: only a GB18030 decoder reads these pages.
        contacts=("刘䶮", "陈鋆", "何昇", "许玥"), org_style="credit",
        units=units("东湖区人民政府", ("东湖区教育局", "东湖区卫生健康局", "东湖区司法局")),
        reports_base=18, others_base=2,
    ),
    SiteSpec(
        name="meishan", family="hanweb_get", codec="utf-8",
        site_name="梅山县人民政府", city="青岚市", prefix="梅山县",
        domain="www.qlmeishan.gov.cn", division="459121", site_code="4591210006",
        icp="青ICP备05009345号", police="青公网安备45912102000052号", doc_prefix="梅政办",
        address="青岚市梅山县梅城镇人民路2号", postcode="459121", phone="0759-88012345",
        contacts=("罗敏", "梁超", "宋佳", "唐亮"), org_style="numeric",
        units=units("梅山县人民政府", ("梅山县教育局", "梅山县农业农村局"),
                    ("梅城镇人民政府", "竹溪乡人民政府")),
        reports_base=20, others_base=2, packaging=("html", "html", "html+pdf"),
    ),
    SiteSpec(
        name="nanling", family="gkmlpt", codec="utf-8",
        site_name="南岭市人民政府", city="南岭市", prefix="南岭市",
        domain="www.nanling.gov.cn", division="459200", site_code="4592000001",
        icp="青ICP备06001234号", police="青公网安备45920002000011号", doc_prefix="南府办",
        address="南岭市迎宾大道100号", postcode="459200", phone="0758-22012345",
        contacts=("冯婷", "邓杰", "许娜", "韩斌"), org_style="credit",
        units=units("南岭市人民政府", ("南岭市教育局", "南岭市财政局", "南岭市民政局", "南岭市司法局")),
        reports_base=20, others_base=2, packaging=("html", "html", "html", "html+docx"),
    ),
    SiteSpec(
        name="mingzhou", family="jpaas", codec="utf-8",
        site_name="明州市人民政府", city="明州市", prefix="明州市",
        domain="www.mingzhou.gov.cn", division="459300", site_code="4593000001",
        icp="青ICP备07001234号", police="青公网安备45930002000019号", doc_prefix="明政办",
        address="明州市宁波路1号", postcode="459300", phone="0574-89012345",
        contacts=("沈瑶", "蒋涛", "韩雪", "杨帆"), org_style="numeric",
        units=units("明州市人民政府", ("明州市教育局", "明州市财政局", "明州市商务局"), ("云峰街道办事处",)),
        reports_base=20, others_base=2, meta_charset="html5",
    ),
    SiteSpec(
        name="qingzhou", family="ucap", codec="utf-8",
        site_name="青州省人民政府", city="青州省", prefix="青州省",
        domain="www.qingzhou.gov.cn", division="459000", site_code="4590000001",
        icp="青ICP备05000001号", police="青公网安备45900002000001号", doc_prefix="青政办",
        address="青州省省府路1号", postcode="459000", phone="0759-80012345",
        contacts=("高远", "林静", "徐峰", "马丽"), org_style="numeric",
        units=units("青州省人民政府", ("青州省发展和改革委员会", "青州省教育厅", "青州省财政厅")),
        reports_base=18, others_base=2, meta_charset="html5",
    ),
    SiteSpec(
        name="gjj", family="asp", codec="gbk",
        site_name="青岚市住房公积金管理中心", city="青岚市", prefix="青岚市",
        domain="gjj.qinglan.gov.cn", division="459100", site_code="4591000012",
        icp="青ICP备05008124号", police="青公网安备45910002000131号", doc_prefix="青公积金",
        address="青岚市府前路9号", postcode="459100", phone="0759-83056789",
        contacts=("王镕", "陈喆", "周玥"), org_style="numeric",
        units=(UnitSpec("青岚市住房公积金管理中心", "department", 2014),),
        reports_base=16, others_base=2, header_charset=False, report_topic="政府信息公开年报",
    ),
    SiteSpec(
        name="shiqiao", family="yearly", codec="utf-8-sig",
        site_name="石桥县人民政府", city="青岚市", prefix="石桥县",
        domain="www.qlshiqiao.gov.cn", division="459122", site_code="4591220007",
        icp="青ICP备05009678号", police="青公网安备45912202000066号", doc_prefix="石政办",
        address="青岚市石桥县桥东路3号", postcode="459122", phone="0759-89012345",
        contacts=("谢芳", "曹勇", "袁媛", "彭程"), org_style="numeric",
        units=(UnitSpec("石桥县人民政府", "government", 2014), UnitSpec("白沙镇人民政府", "township", 2021),
               UnitSpec("柳塘乡人民政府", "township", 2021), UnitSpec("青溪街道办事处", "township", 2021),
               UnitSpec("石桥县教育局", "department", 2019)),
        reports_base=30, others_base=2,
    ),
    SiteSpec(
        name="jinshan", family="relocated", codec="utf-8",
        site_name="金山区人民政府", city="青岚市", prefix="金山区",
        domain="www.qljinshan.gov.cn", division="459105", site_code="4591050008",
        icp="青ICP备05009901号", police="青公网安备45910502000073号", doc_prefix="金政办",
        address="青岚市金山区金山大道66号", postcode="459105", phone="0759-81012345",
        contacts=("董洁", "潘磊", "田甜", "范伟"), org_style="numeric",
        units=units("金山区人民政府", ("金山区教育局", "金山区财政局")),
        reports_base=16, others_base=2, meta_charset="none",
    ),
    SiteSpec(
        name="beihu", family="attachments", codec="utf-8",
        site_name="北湖区人民政府", city="青岚市", prefix="北湖区",
        domain="www.qlbeihu.gov.cn", division="459106", site_code="4591060009",
        icp="青ICP备05010234号", police="青公网安备45910602000085号", doc_prefix="北政办",
        address="青岚市北湖区湖光路12号", postcode="459106", phone="0759-82012345",
        contacts=("钟华", "汪洋", "邵琪", "秦岭"), org_style="numeric",
        units=units("北湖区人民政府", ("北湖区教育局", "北湖区财政局")),
        reports_base=12, others_base=1,
        packaging=("pdf+xlsx", "docx", "pdf", "all"),
        odd_packaging=((1, "scan"), (2, "truncated"), (6, "viewer"), (10, "embed")),
    ),
)

# Hosts that misbehave as a whole (served only on request: FixturePortal(misbehaving=…)).
MISBEHAVING = (
    SiteSpec(
        name="nanxi", family="trs", codec="utf-8", behaviour="robots",
        site_name="南溪区人民政府", city="青岚市", prefix="南溪区",
        domain="www.qlnanxi.gov.cn", division="459107", site_code="4591070010",
        icp="青ICP备0501107号", police="青公网安备45910702000107号", doc_prefix="南政办",
        address="青岚市南溪区政府路1号", postcode="459107", phone="0759-81072345",
        contacts=("李明", "张华"), org_style="numeric", units=units("南溪区人民政府", ("南溪区教育局",)),
        reports_base=5, others_base=1,
    ),
    SiteSpec(
        name="xishan", family="hanweb_get", codec="utf-8", behaviour="challenge",
        site_name="西山区人民政府", city="青岚市", prefix="西山区",
        domain="www.qlxishan.gov.cn", division="459108", site_code="4591080011",
        icp="青ICP备0501108号", police="青公网安备45910802000108号", doc_prefix="西政办",
        address="青岚市西山区政府路1号", postcode="459108", phone="0759-81082345",
        contacts=("李明", "张华"), org_style="numeric", units=units("西山区人民政府", ("西山区教育局",)),
        reports_base=5, others_base=1,
    ),
    SiteSpec(
        name="taoyuan", family="trs_shtml", codec="utf-8", behaviour="slow",
        site_name="桃源县人民政府", city="青岚市", prefix="桃源县",
        domain="www.qltaoyuan.gov.cn", division="459123", site_code="4591230012",
        icp="青ICP备0501123号", police="青公网安备45912302000123号", doc_prefix="桃政办",
        address="青岚市桃源县政府路1号", postcode="459123", phone="0759-81232345",
        contacts=("李明", "张华"), org_style="numeric", units=units("桃源县人民政府", ("桃源县教育局",)),
        reports_base=5, others_base=1,
    ),
    SiteSpec(
        name="zhuxi", family="ucap", codec="utf-8", behaviour="flaky",
        site_name="竹溪县人民政府", city="青岚市", prefix="竹溪县",
        domain="www.qlzhuxi.gov.cn", division="459124", site_code="4591240013",
        icp="青ICP备0501124号", police="青公网安备45912402000124号", doc_prefix="竹政办",
        address="青岚市竹溪县政府路1号", postcode="459124", phone="0759-81242345",
        contacts=("李明", "张华"), org_style="numeric", units=units("竹溪县人民政府", ("竹溪县教育局",)),
        reports_base=5, others_base=1,
    ),
)

# A site whose reports break the 年报 rules on purpose (served only on request: FixturePortal(sites=AUDITED)).
AUDITED = (
    SiteSpec(
        name="fenghe", family="trs", codec="utf-8",
        site_name="枫河市人民政府", city="枫河市", prefix="枫河市",
        domain="www.fenghe.gov.cn", division="459400", site_code="4594000001",
        icp="青ICP备08001234号", police="青公网安备45940002000016号", doc_prefix="枫政办",
        address="枫河市滨河路8号", postcode="459400", phone="0759-84012345",
        contacts=("顾宁", "严松", "陆茜"), org_style="credit",
        units=(UnitSpec("枫河市人民政府", "government", 2014), UnitSpec("枫河市教育局", "department", 2019),
               UnitSpec("枫河市卫生健康委员会", "department", 2016), UnitSpec("枫林镇人民政府", "township", 2019)),
        reports_base=34, others_base=2,
        broken_balance=(0, 2023),
        faults=Faults(late=(1, 2023), skipped=((1, 2025), (1, 2021)), incomplete=(0, 2022),
                      carry_mismatch=(0, 2021), short_name=(0, 2019),
                      former_names=((2, "枫河市卫生和计划生育委员会", 2018),)),
    ),
)


# One report per real metadata layout and list layout (served only on request: FixturePortal(variants=True)).
VARIANTS = (
    SiteSpec(
        name="qingyuan", family="variants", codec="utf-8",
        site_name="青源市人民政府", city="青源市", prefix="青源市",
        domain="www.qingyuan.gov.cn", division="459400", site_code="4594000001",
        icp="青ICP备08001234号", police="青公网安备45940002000013号", doc_prefix="青源办",
        address="青源市人民路8号", postcode="459400", phone="0759-84012345",
        contacts=("白雪", "江河", "方圆", "常青"), org_style="credit",
        units=units("青源市人民政府", ("青源市教育局", "青源市财政局", "青源市民政局", "青源市司法局",
                                       "青源市统计局", "青源市水利局"), ("东山镇人民政府", "西溪乡人民政府")),
        reports_base=55, others_base=150,  # a report per page shape of variants.PAGES; lists of real length
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
