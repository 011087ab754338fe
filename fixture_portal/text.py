"""Report prose: paragraph generators for post-2019 and pre-2019 年报 and for other notices."""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass

from .model import Unit

NOTICE = ("《国务院办公厅政府信息与政务公开办公室关于印发"
          "〈中华人民共和国政府信息公开工作年度报告格式{}〉的通知》")
BASIS_2019 = NOTICE.format("（试行）") + "（国办公开办函〔2019〕60号）"
BASIS_2021 = NOTICE.format("") + "（国办公开办函〔2021〕30号）"

OVERVIEW_2021 = (
    ("（一）主动公开", "全年主动公开政府信息{published}条，其中通过政府网站发布{web}条，"
     "通过政务新媒体发布{media}条，重点围绕{focus}等领域做好信息发布和政策解读。"),
    ("（二）依申请公开", "全年新收政府信息公开申请{requests}件，上年结转{carried}件，均在法定期限内答复；"
     "进一步规范依申请公开受理、登记、审核、答复等环节，答复文书格式统一、告知救济途径完整。"),
    ("（三）政府信息管理", "严格落实公开前保密审查和合法性审查，全年审查拟公开信息{reviewed}条；"
     "对现行有效的规范性文件进行集中清理，动态更新政府信息公开目录。"),
    ("（四）政府信息公开平台建设", "持续优化政府信息公开专栏，规范设置法定主动公开内容栏目；"
     "依托政务新媒体矩阵扩大信息传播覆盖面，全年开展在线访谈{talks}期。"),
    ("（五）监督保障", "将政务公开工作纳入年度绩效考核，组织开展政务公开业务培训{trainings}次，"
     "全年未发生因政府信息公开工作引发的责任追究情况。"),
)
OVERVIEW_2019 = (
    *OVERVIEW_2021[:2],
    ("（三）平台建设", "升级政府信息公开专栏，按照新修订的《条例》调整栏目设置，"
     "全年开展政策解读{talks}次。"),
    ("（四）监督保障", "健全政务公开工作领导机制，组织业务培训{trainings}次，主动接受社会监督。"),
)
FOCUS = ("财政预决算、重大建设项目", "教育招生、义务教育入学", "医疗卫生、食品药品安全",
         "就业创业、社会救助", "生态环境保护、安全生产", "乡村振兴、农村集体资产")
PROBLEMS = ("政策解读形式较为单一，图表、音视频等解读方式运用不够",
            "部分栏目信息更新不够及时，公开内容的规范性有待提高",
            "依申请公开答复工作的专业化水平仍需提升")
IMPROVEMENTS = ("丰富政策解读形式，提高解读材料的可读性和传播力",
                "加强栏目日常检查维护，建立信息发布台账，做到应公开尽公开",
                "加强业务培训和案例研讨，提升依申请公开办理质量")
ORDINALS = "一二三"
PRE2019_SECTIONS = ("一、概述", "二、主动公开政府信息情况", "三、依申请公开政府信息情况",
                    "四、政府信息公开的收费及减免情况", "五、因政府信息公开申请行政复议和提起行政诉讼情况",
                    "六、政府信息公开工作存在的主要问题和改进措施")
OTHER_BODIES = {
    "points": ("为深入贯彻落实《中华人民共和国政府信息公开条例》，进一步提升政务公开工作质量，"
               "结合工作实际，现提出{year}年政务公开工作要点如下。",
               "一、围绕稳增长、保就业、惠民生加强政策发布和解读，做好主动公开工作。",
               "二、规范依申请公开办理，严格执行法定时限和答复规范。",
               "三、加强政府信息公开平台建设，持续提升政府网站和政务新媒体服务能力。"),
    "guide": ("为便于公民、法人和其他组织获取政府信息，根据《中华人民共和国政府信息公开条例》，编制本指南。",
              "一、主动公开。主动公开的政府信息通过政府网站、政务新媒体、政府公报等渠道发布。",
              "二、依申请公开。申请人可通过网上申请、信函申请、当面申请等方式提出政府信息公开申请。",
              "三、监督和救济。申请人认为行政机关在政府信息公开工作中侵犯其合法权益的，可以依法申请行政复议或者提起行政诉讼。"),
    "notice": ("各有关单位：",
               "为做好{year}年政府信息公开工作年度报告编制和发布工作，现就有关事项通知如下。",
               "一、各单位应按照规定格式编制年度报告，数据统计期限为{year}年1月1日至12月31日。",
               "二、年度报告应于规定时间前在本单位政府信息公开专栏发布，并报送政务公开工作主管部门。"),
    "reading": ("近日，{unit}发布了{year}年政府信息公开工作年度报告，现就报告主要内容解读如下。",
                "一、主动公开情况。全年主动公开政府信息数量稳步增长，重点领域信息公开更加全面。",
                "二、依申请公开情况。依申请公开办理进一步规范，答复质量不断提升。",
                "三、下一步工作。将继续深化政务公开，更好保障人民群众的知情权、参与权和监督权。"),
}


@dataclass(frozen=True)
class Voice:
    """Who speaks in a report: the unit, its site and the contact details it prints."""

    unit: Unit
    year: int
    site_name: str
    domain: str
    address: str
    postcode: str
    phone: str
    contact: str


def contact_line(v: Voice) -> str:
    """The contact sentence every report carries."""
    return (f"如对本报告有任何疑问，请与{v.unit.office}联系（联系人：{v.contact}；地址：{v.address}；"
            f"邮编：{v.postcode}；联系电话：{v.phone}）。")


def intro_2019_on(v: Voice, layout: str) -> list[str]:
    """Opening paragraphs of a 2019/2021-format report."""
    basis = BASIS_2019 if layout == "2019" else BASIS_2021
    return [
        f"本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）和{basis}要求编制。"
        "全文包括总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、政府信息公开行政复议和行政诉讼情况、"
        "存在的主要问题及改进情况、其他需要报告的事项。",
        f"本报告所列数据的统计期限自{v.year}年1月1日起至{v.year}年12月31日止。本报告电子版可在"
        f"“{v.site_name}”门户网站（http://{v.domain}）政府信息公开专栏查阅或下载。" + contact_line(v),
    ]


def overview(rng: random.Random, v: Voice, layout: str, requests: int, carried: int) -> list[tuple[str, str]]:
    """一、总体情况 as (sub-heading, sentence) pairs with this report's numbers."""
    published = rng.randint(80, 3000)
    numbers = {
        "published": published, "web": published * 3 // 4, "media": published // 4,
        "focus": rng.choice(FOCUS), "requests": requests, "carried": carried,
        "reviewed": rng.randint(50, 900), "talks": rng.randint(1, 12), "trainings": rng.randint(1, 6),
    }
    lead = (f"{v.year}年，{v.unit.name}认真贯彻落实《条例》和上级关于政务公开工作的部署要求，"
            "坚持以公开为常态、不公开为例外，扎实推进政府信息公开工作。")
    blocks = OVERVIEW_2019 if layout == "2019" else OVERVIEW_2021
    return [("", lead), *((head, body.format(**numbers)) for head, body in blocks)]


def problems(rng: random.Random, year: int) -> list[str]:
    """五、存在的主要问题及改进情况."""
    chosen = sorted(rng.sample(range(3), rng.choice((2, 3))))
    issues = enumerate_points(PROBLEMS[i] for i in chosen)
    steps = enumerate_points(IMPROVEMENTS[i] for i in chosen)
    return [f"{year}年，政府信息公开工作取得了一定成效，但仍存在一些不足：{issues}",
            f"{year + 1}年，我们将重点做好以下工作：{steps}"]


def enumerate_points(points: Iterable[str]) -> str:
    """Points as one sentence: 一是…；二是…。"""
    return "；".join(f"{ORDINALS[i]}是{p}" for i, p in enumerate(points)) + "。"


def other_matters(rng: random.Random, year: int) -> list[str]:
    """六、其他需要报告的事项 (信息处理费 under 国办函〔2020〕109号)."""
    fee = rng.choice((0, 0, 0, 100, 380))
    if year < 2021 or not fee:
        return [f"{year}年度未收取信息处理费。无其他需要报告的事项。"]
    return [f"依据《政府信息公开信息处理费管理办法》（国办函〔2020〕109号），"
            f"{year}年度共收取信息处理费{fee}元。"]


def pre2019_paragraphs(rng: random.Random, v: Voice, requests: int, published: int) -> dict[str, list[str]]:
    """Paragraphs of each pre-2019 section, keyed by section heading (intro under "")."""
    answered = requests
    return {
        "": [
            f"本报告是根据《中华人民共和国政府信息公开条例》（以下简称《条例》）要求，由{v.unit.office}编制的"
            f"{v.year}年度政府信息公开工作年度报告。全文包括概述、主动公开政府信息情况、依申请公开政府信息情况、"
            "政府信息公开的收费及减免情况、因政府信息公开申请行政复议和提起行政诉讼情况、存在的主要问题和改进措施等。",
            f"本报告中所列数据的统计期限自{v.year}年1月1日起至{v.year}年12月31日止。" + contact_line(v),
        ],
        PRE2019_SECTIONS[0]: [
            f"{v.year}年，{v.unit.name}进一步健全政府信息公开工作机制，明确分管领导和专职工作人员，"
            "将政府信息公开工作纳入年度工作目标考核，推动政府信息公开工作规范化、制度化。"],
        PRE2019_SECTIONS[1]: [
            f"全年共主动公开政府信息{published}条，主要包括机构职能、规划计划、财政预决算、"
            f"{rng.choice(FOCUS)}等内容。主动公开的信息主要通过政府门户网站政府信息公开专栏发布。"],
        PRE2019_SECTIONS[2]: [
            f"全年共受理依申请公开政府信息申请{requests}件，已全部办结{answered}件，"
            "其中同意公开的占大多数，对不属于本机关公开职责范围的申请，均告知申请人向有关机关申请。"],
        PRE2019_SECTIONS[3]: ["全年未收取政府信息公开相关费用，无减免情况。"],
        PRE2019_SECTIONS[4]: ["全年未发生因政府信息公开申请行政复议和提起行政诉讼的情况。"],
        PRE2019_SECTIONS[5]: [
            "政府信息公开工作仍存在公开内容不够全面、更新不够及时等问题。下一步，我们将进一步完善工作制度，"
            "加强业务培训，不断提高政府信息公开工作水平。"],
    }


def other_paragraphs(template: str, unit: str, year: int) -> list[str]:
    """Body of a non-年报 item (工作要点, 指南, 通知, 解读)."""
    return [p.format(unit=unit, year=year) for p in OTHER_BODIES[template]]
