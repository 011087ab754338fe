"""Assemble the body of one 年报 (paragraphs, image, tables) in its year's layout."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from . import prose, tables, text
from .model import Block, Image, Para

SECTIONS = ("一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
            "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况",
            "六、其他需要报告的事项")
# Cells left blank (&nbsp;) instead of 0: the 2019 portals did it more often.
ZERO_STYLES = {"2019": ("nbsp", "mixed", "0"), "2021": ("0", "0", "mixed")}
# The 表三 row an incomplete report leaves out (with section 五).
LEFT_OUT_ROW = tables.UNAVAILABLE[2]


@dataclass(frozen=True)
class Deviations:
    """What one report does differently on purpose.

    ``broken`` spoils one 表三 balance; ``incomplete`` leaves out section 五 and one 表三 row;
    ``remaining`` fixes 结转下年度 (so that the next year's 上年结转 can match it).
    """

    broken: bool = False
    incomplete: bool = False
    remaining: tuple[int, ...] | None = None


def layout_of(year: int) -> str:
    """The report template in force for a report year."""
    if year >= 2021:
        return "2021"
    return "2019" if year >= 2019 else "pre2019"


def signer_of(voice: text.Voice) -> str:
    """Who signs the report: a government's office, or the body itself."""
    unit = voice.unit
    return unit.office if unit.kind == "government" else unit.name


def chinese_date(day: date) -> str:
    """A date as printed under a signature: 2018年3月20日."""
    return f"{day.year}年{day.month}月{day.day}日"


def signature(voice: text.Voice, signed: date) -> list[Block]:
    """The closing signature block: the signer, then the date."""
    return [Para(signer_of(voice), "signature"), Para(chinese_date(signed), "signature")]


def picture(voice: text.Voice, new_image: Callable[[], int]) -> list[Block]:
    """An image of the unit's disclosure column, with its caption."""
    return [Image(new_image()), Para(f"图为{voice.unit.name}信息公开专栏页面", "caption")]


# Headings whose section gets detail paragraphs (prose.TOPICS), by a word of the heading.
HEADING_TOPICS = (("主动公开", "active"), ("依申请公开", "requests"), ("政府信息管理", "management"),
                  ("平台建设", "platform"), ("监督保障", "supervision"), ("概述", "supervision"))


def detail_of(voice: text.Voice, heading: str) -> list[str]:
    """The detail paragraphs under a heading, if it is one that has them."""
    topic = next((topic for word, topic in HEADING_TOPICS if word in heading), None)
    return prose.details(voice.unit.name, voice.unit.kind, voice.year, topic) if topic else []


def modern_report(rng: random.Random, voice: text.Voice, signed: date | None, *, deviations: Deviations,
                  new_image: Callable[[], int] | None) -> tuple[list[Block], tables.Applications]:
    """A 2019- or 2021-template report (six sections and the standard tables), and its 表三 numbers."""
    layout = layout_of(voice.year)
    style = rng.choice(ZERO_STYLES[layout])
    apps = tables.make_applications(rng, layout, voice.unit.kind, deviations.remaining)
    if deviations.broken:
        tables.break_balance(apps)
    omit = LEFT_OUT_ROW if deviations.incomplete else None
    if omit:
        tables.drop_result_row(apps, layout, omit)
    blocks: list[Block] = [Para(p) for p in text.intro_2019_on(voice, layout)]
    blocks.append(Para(SECTIONS[0], "heading"))
    for head, body in text.overview(rng, voice, layout, sum(apps.new), sum(apps.carried)):
        blocks.extend([Para(head, "heading"), Para(body)] if head else [Para(body)])
        blocks.extend(Para(p) for p in detail_of(voice, head))
    if new_image:
        blocks.extend(picture(voice, new_image))
    blocks.extend([Para(SECTIONS[1], "heading"), tables.article20_table(rng, layout, voice.unit.kind)])
    blocks.extend([Para(SECTIONS[2], "heading"), tables.applications_table(apps, layout, style, rng, omit)])
    blocks.extend([Para(SECTIONS[3], "heading"), tables.review_table(rng, style)])
    problems = [Para(SECTIONS[4], "heading"), *(Para(p) for p in text.problems(rng, voice.year))]
    blocks.extend(problems if not deviations.incomplete else [])
    blocks.append(Para(SECTIONS[5], "heading"))
    blocks.extend(Para(p) for p in text.other_matters(rng, voice.year))
    blocks.extend(Para(p) for p in prose.details(voice.unit.name, voice.unit.kind, voice.year, "others"))
    if signed:
        blocks.extend(signature(voice, signed))
    return blocks, apps


def early_report(rng: random.Random, voice: text.Voice, signed: date, *,
                 new_image: Callable[[], int] | None) -> list[Block]:
    """A free-form report of 2014–2018, ending with its signature block."""
    requests = rng.randint(0, 60 if voice.unit.kind == "government" else 8)
    published = rng.randint(60, 2000)
    sections = text.pre2019_paragraphs(rng, voice, requests, published)
    blocks: list[Block] = [Para(p) for p in sections.pop("")]
    for heading, paragraphs in sections.items():
        blocks.append(Para(heading, "heading"))
        blocks.extend(Para(p) for p in paragraphs)
        blocks.extend(Para(p) for p in detail_of(voice, heading))
        if heading == text.PRE2019_SECTIONS[0] and new_image:
            blocks.extend(picture(voice, new_image))
        if heading == text.PRE2019_SECTIONS[2] and rng.random() < 0.5:
            blocks.append(tables.statistics_table(published, requests, requests, rng.randint(0, 9)))
    return blocks + signature(voice, signed)


def report_blocks(rng: random.Random, voice: text.Voice, signed: date, written: date | None, *,
                  deviations: Deviations | None = None,
                  new_image: Callable[[], int] | None = None) -> tuple[list[Block], tables.Applications | None]:
    """The body of one 年报, and its 表三 numbers (None before 2019, when there is no 表三)."""
    if layout_of(voice.year) == "pre2019":
        return early_report(rng, voice, written or signed, new_image=new_image), None
    return modern_report(rng, voice, written if rng.random() < 0.5 else None,
                         deviations=deviations or Deviations(), new_image=new_image)
