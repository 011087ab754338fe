"""The long middle of a report: paragraphs of work detail, so a report reads at real length.

Real 年报 run from about 4,000 characters (a township or a small department) to over 20,000 (a city
government); most of that is the detail under each heading: which areas were published, how
requests were handled, what the platforms did. Paragraphs are built from sentence templates of
our own, with numbers and areas drawn per report, from a random stream of the report's own (its
unit and year), so the rest of the portal's numbers do not move with them.
"""

from __future__ import annotations

import random

# How many detail paragraphs a heading gets, by the kind of unit reporting.
PARAGRAPHS = {"government": (5, 20), "department": (2, 5), "township": (1, 3)}
SENTENCES = (2, 4)
AREAS = ("财政预决算", "重大建设项目", "公共资源配置", "社会公益事业", "教育招生", "医疗卫生", "就业创业",
         "社会救助", "生态环境保护", "安全生产", "食品药品监管", "乡村振兴", "城市管理", "住房保障",
         "养老服务", "交通运输", "市场监管", "营商环境")
CHANNELS = ("门户网站", "政务微信公众号", "政务微博", "政务服务网", "政府公报", "新闻发布会", "政务公开专区",
            "融媒体中心", "村（居）务公开栏", "便民服务中心")
TOPICS: dict[str, tuple[str, ...]] = {
    "active": (
        "围绕{area}等重点领域，全年发布政策文件{a}件，同步发布解读材料{b}篇，做到政策文件与解读材料同步组织、同步审签、同步部署。",
        "{area}领域信息按规定时限在{channel}公开，全年更新相关信息{c}条，对涉及群众切身利益的事项逐条核对、及时补充。",
        "对{area}方面的政策措施，通过图解、短视频和问答等形式解读{a}次，阅读量累计{d}人次，政策知晓度进一步提高。",
        "行政执法公示制度全面落实，全年公示行政许可决定{c}件、行政处罚决定{a}件，执法信息在作出决定之日起七个工作日内公开。",
        "全年召开新闻发布会{a}场，围绕{area}等社会关注事项发布权威信息，回应网民关切{b}条，未出现回应不及时的情况。",
        "规范性文件实行统一登记、统一编号、统一发布，全年通过{channel}公开规范性文件{a}件，并在文件失效后及时标注。",
        "政府常务会议和重要会议信息及时公开，全年公开会议信息{b}条，邀请利益相关方、公众代表和专家列席会议{a}人次。",
        "建议提案办理结果公开工作有序推进，全年公开人大代表建议和政协提案办理复文{b}件，公开率达到百分之百。",
    ),
    "requests": (
        "依申请公开实行统一受理、分类办理、集体会商，全年召开会商会议{a}次，对疑难复杂申请逐件研究答复口径。",
        "严格执行法定答复期限，全年平均答复时间为{a}个工作日，对需要延期答复的申请均履行了延期告知义务。",
        "申请内容主要集中在{area}、{area2}等方面，占申请总量的{e}%，与群众生产生活密切相关的事项仍是申请的重点。",
        "对申请内容不明确的，依法一次性告知申请人补正事项；对不属于本机关公开职责的，告知申请人有关机关及其联系方式。",
        "通过{channel}、信函和当面申请等渠道受理申请，网上申请占比{e}%，申请渠道畅通，办理过程全程留痕。",
        "答复文书统一使用规范文本，全年修订答复文书模板{a}个，答复内容做到依据明确、理由充分、救济途径告知完整。",
    ),
    "management": (
        "严格落实公开前保密审查和合法性审查，全年审查拟公开信息{c}条，未发生泄露国家秘密和侵犯个人隐私的情况。",
        "对{area}领域的历史信息开展集中清理，全年调整公开属性{a}条，对已失效的文件加注失效标识{b}件。",
        "政府信息公开目录实行动态更新，全年新增目录条目{c}条，确保目录与实际公开的信息相一致。",
        "建立政府信息管理台账，对主动公开、依申请公开和不予公开的信息分类登记，全年登记信息{d}条。",
        "加强政策文件库建设，集中公开现行有效的规章和行政规范性文件{b}件，并提供全文检索和分类浏览服务。",
    ),
    "platform": (
        "优化{channel}政府信息公开专栏，按照统一的栏目规范调整栏目{a}个，全年专栏访问量达{d}人次。",
        "依托{channel}推送政策信息{c}条，开设“政策早知道”等专题{a}个，扩大政策信息的传播覆盖面。",
        "在{channel}设置政府信息查阅点，配备查阅设备{a}台，全年接待查阅群众{b}人次，提供查阅、复印等服务。",
        "开展网站和政务新媒体常态化检查，全年检查{b}次，发现并整改错别字、链接失效等问题{a}个。",
        "推进政务公开标准化规范化建设，编制{area}领域公开事项标准目录，明确公开内容、公开时限和公开渠道。",
    ),
    "supervision": (
        "将政务公开工作纳入年度绩效考核，考核分值占比{e}%，对考核靠后的单位进行约谈督促整改。",
        "组织开展政务公开业务培训{a}次，培训工作人员{b}人次，围绕《条例》条文、答复文书和审查程序开展案例教学。",
        "聘请政务公开社会监督员{a}名，开展社会评议{a}次，收集意见建议{b}条，均已逐条研究并反馈办理情况。",
        "开展政务公开专项督查{a}次，督查发现的{b}个问题已全部完成整改，整改情况在门户网站公开。",
    ),
    "others": (
        "全年共办理人大代表建议{b}件、政协提案{a}件，办结率百分之百，满意和基本满意率达到{e}%。",
        "认真落实年度政务公开工作要点，围绕{area}等方面细化任务{b}项，已全部按期完成。",
        "推进基层政务公开标准化规范化，指导{a}个基层单位完善公开目录，实现{area}领域公开事项全覆盖。",
        "按照政务公开工作要求，开展“政府开放日”活动{a}次，邀请群众代表{b}人次走进机关、了解工作。",
    ),
}


def details(unit_name: str, unit_kind: str, year: int, topic: str) -> list[str]:
    """Detail paragraphs under one heading of a report (the same every time for a unit, year and topic)."""
    rng = random.Random(f"{unit_name}:{year}:{topic}")
    low, high = PARAGRAPHS.get(unit_kind, PARAGRAPHS["department"])
    pool = list(TOPICS[topic])
    paragraphs = []
    for _ in range(rng.randint(low, high)):
        rng.shuffle(pool)
        sentences = [_fill(rng, template) for template in pool[:rng.randint(*SENTENCES)]]
        paragraphs.append("".join(sentences))
    return paragraphs


def _fill(rng: random.Random, template: str) -> str:
    """One sentence with its numbers, areas and channels drawn."""
    area, area2 = rng.sample(AREAS, 2)
    return template.format(area=area, area2=area2, channel=rng.choice(CHANNELS), a=rng.randint(2, 48),
                            b=rng.randint(10, 380), c=rng.randint(120, 4800), d=rng.randint(5000, 980000),
                            e=rng.randint(12, 96))
