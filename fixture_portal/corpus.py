"""Generate every document of one site, deterministically from the seed and the scale."""

from __future__ import annotations

import dataclasses
import random
from datetime import date, datetime, timedelta

from . import attachments, reports, text
from .catalogue import SiteSpec, UnitSpec, extra_units
from .model import MISSING, OTHER, REPORT, Document, Para, Unit, check_clean

LAST_REPORT_YEAR = 2025
OTHER_TOPICS = ("综合政务\\政务公开", "综合政务\\其他", "综合政务\\通知公告")
# Non-年报 items listed in the 年报 column: (body template, title pattern, has a 文号).
OTHER_KINDS = (
    ("points", "{unit}{year}年政务公开工作要点", False),
    ("notice", "关于做好{year}年政府信息公开工作年度报告编制和发布工作的通知", True),
    ("guide", "{unit}政府信息公开指南（{year}年修订）", False),
    ("reading", "《{unit}{year}年政府信息公开工作年度报告》解读", False),
)
# Departments publish by the end of January, governments by the end of March (条例 art. 49).
PUBLISH_WINDOW = {"department": (10, 31), "township": (32, 75), "government": (40, 89)}
# When a report published late on purpose (Faults.late) went online: after every statutory deadline.
LATE_DAY = (5, 8)


class Numbers:
    """Unique random ids within one site (article ids, image ids)."""

    def __init__(self, rng: random.Random, low: int, high: int) -> None:
        self.rng, self.low, self.high, self.used = rng, low, high, set[int]()

    def __call__(self) -> int:
        while True:
            n = self.rng.randint(self.low, self.high)
            if n not in self.used:
                self.used.add(n)
                return n


def make_unit(rng: random.Random, spec: SiteSpec, unit: UnitSpec) -> Unit:
    """A unit with its office and the organisation code used in its 索引号."""
    office = unit.name + ("党政办公室" if unit.kind == "township" else "办公室")
    if spec.org_style == "credit":
        code = f"11{spec.division}MB{rng.randint(1000000, 9999999)}{rng.choice('0123456789X')}"
    else:
        code = f"0{rng.randint(10**7, 10**8 - 1)}"
    return Unit(unit.name, office, code, unit.kind, unit.first_year)


def plan_reports(spec: SiteSpec, scale: int) -> list[tuple[UnitSpec, int]]:
    """(unit, report year) pairs, newest years first within a unit, up to the scaled target."""
    target = spec.reports_base * scale
    skipped = {(spec.units[index], year) for index, year in spec.faults.skipped} if spec.faults else set()
    plan: list[tuple[UnitSpec, int]] = []
    for unit in (*spec.units, *extra_units(spec)):
        for year in range(LAST_REPORT_YEAR, unit.first_year - 1, -1):
            if (unit, year) in skipped:
                continue
            if len(plan) == target:
                return plan
            plan.append((unit, year))
    return plan


def publish_time(rng: random.Random, year: int, kind: str) -> datetime:
    """When a report of ``year`` went online: early in the following year."""
    first, last = PUBLISH_WINDOW[kind]
    day = date(year + 1, 1, 1) + timedelta(days=rng.randint(first, last) - 1)
    return datetime(day.year, day.month, day.day, rng.randint(8, 17), rng.randint(0, 59), rng.randint(0, 59))


def index_no(rng: random.Random, unit: Unit, year: int) -> str:
    """索引号: organisation code / year - serial."""
    return f"{unit.org_code}/{year}-{rng.randint(1, 99999):05d}"


def voice_of(rng: random.Random, spec: SiteSpec, unit: Unit, year: int) -> text.Voice:
    """The contact details a unit prints in its report."""
    return text.Voice(unit, year, spec.site_name, spec.domain, spec.address, spec.postcode, spec.phone,
                      rng.choice(spec.contacts))


class CorpusBuilder:
    """Builds the documents of one site; one random stream, so output depends on seed only."""

    def __init__(self, spec: SiteSpec, seed: int, scale: int) -> None:
        self.spec, self.scale = spec, scale
        self.rng = random.Random(f"{seed}:{spec.name}")
        self.article_ids = Numbers(self.rng, 100000, 9999999)
        self.image_ids = Numbers(self.rng, 100000, 999999)
        # A stream of its own, so packaging reports as files leaves every other number unchanged.
        self.file_ids = Numbers(random.Random(f"{seed}:{spec.name}:files"), 10**11, 10**12 - 1)
        self.units: dict[str, Unit] = {}
        # 上年结转 of each (unit, year) report built so far, for the previous year's 结转下年度.
        self.carried: dict[tuple[str, int], tuple[int, ...]] = {}

    def unit(self, unit: UnitSpec) -> Unit:
        """The generated unit for a catalogue entry (made once)."""
        if unit.name not in self.units:
            self.units[unit.name] = make_unit(self.rng, self.spec, unit)
        return self.units[unit.name]

    def build(self) -> list[Document]:
        """All documents of the site: reports, other items, and the dead link if any."""
        docs = [self.report(unit, year) for unit, year in plan_reports(self.spec, self.scale)]
        for i, doc in enumerate(docs):
            attachments.package(doc, self.packaging_of(i), self.file_ids)
        docs += [self.other(i) for i in range(self.spec.others_base * self.scale)]
        if self.spec.missing_report:
            docs.append(self.missing(*self.spec.missing_report))
        for doc in docs:
            for block in doc.blocks:
                if isinstance(block, Para):
                    check_clean(block.text)
        return docs

    def packaging_of(self, i: int) -> str:
        """How the i-th report is published: the catalogue's exception for it, else its cycle."""
        odd = dict(self.spec.odd_packaging)
        return odd.get(i) or self.spec.packaging[i % len(self.spec.packaging)]

    def quirk(self, quirk: tuple[int, int] | None, unit: UnitSpec, year: int) -> bool:
        """Whether a catalogue quirk names this unit and year."""
        return quirk is not None and self.spec.units[quirk[0]] == unit and quirk[1] == year

    def report(self, spec_unit: UnitSpec, year: int) -> Document:
        """One 年报 with its metadata and body."""
        unit, rng = self.named(spec_unit, year), self.rng
        published = publish_time(rng, year, unit.kind)
        if self.fault("late", spec_unit, year):
            published = published.replace(year=year + 1, month=LATE_DAY[0], day=LATE_DAY[1])
        early = reports.layout_of(year) == "pre2019"
        dated = early or rng.random() < 0.7  # pre-2019 reports are always signed, so always dated
        written = published.date() - timedelta(days=rng.randint(0, 6)) if dated else None
        broken = self.quirk(self.spec.broken_balance, spec_unit, year)
        doc = Document(
            key="", site=self.spec.name, kind=REPORT, title=self.report_title(unit, year, early), unit=unit,
            index_no=index_no(rng, unit, published.year), topic=self.spec.report_topic, doc_no=None,
            published=published, written=written, number=self.article_ids(), report_year=year,
            layout=reports.layout_of(year), balance_ok=not broken,
        )
        new_image = self.image_ids if rng.random() < 0.7 or early else None
        doc.blocks, apps = reports.report_blocks(rng, voice_of(rng, self.spec, unit, year), published.date(),
                                                 written, deviations=self.deviations(spec_unit, year, broken),
                                                 new_image=new_image)
        if apps is not None:
            self.carried[(spec_unit.name, year)] = tuple(apps.carried)
        if self.quirk(self.spec.lying_charset, spec_unit, year):
            doc.header_charset = "utf-8"
            doc.encoding_note = f"header says utf-8, bytes are {self.spec.codec.upper()}"
        return keyed(doc)

    def fault(self, name: str, unit: UnitSpec, year: int) -> bool:
        """Whether the site's fault ``name`` (a Faults field) names this unit and year."""
        return self.spec.faults is not None and self.quirk(getattr(self.spec.faults, name), unit, year)

    def named(self, spec_unit: UnitSpec, year: int) -> Unit:
        """The unit under the name its report of ``year`` carries: a former name, or a short form."""
        unit, faults = self.unit(spec_unit), self.spec.faults
        if faults is None:
            return unit
        name = next((old for index, old, last in faults.former_names
                     if self.spec.units[index] == spec_unit and year <= last), unit.name)
        if self.fault("short_name", spec_unit, year):
            name = name.replace("人民政府", "政府")
        return dataclasses.replace(unit, name=name, office=unit.office.replace(unit.name, name))

    def deviations(self, unit: UnitSpec, year: int, broken: bool) -> reports.Deviations:
        """What the report departs from: a spoilt balance, left-out parts, and 结转 in step with next year."""
        if self.spec.faults is None:
            return reports.Deviations(broken=broken)
        remaining = self.carried.get((unit.name, year + 1))
        if remaining is not None and self.fault("carry_mismatch", unit, year + 1):
            remaining = (remaining[0] + 1, *remaining[1:])
        return reports.Deviations(broken=broken, incomplete=self.fault("incomplete", unit, year), remaining=remaining)

    def report_title(self, unit: Unit, year: int, early: bool) -> str:
        """The title as listed; some older reports use the 年度 wording."""
        if early and self.rng.random() < 0.3:
            return f"{unit.name}{year}年度政府信息公开工作报告"
        return f"{unit.name}{year}年政府信息公开工作年度报告"

    def other(self, i: int) -> Document:
        """A non-年报 item of the 年报 column (工作要点, 通知, 指南, 解读)."""
        rng = self.rng
        template, pattern, numbered = OTHER_KINDS[i % len(OTHER_KINDS)]
        unit = self.unit(self.spec.units[i % len(self.spec.units)])
        year = rng.randint(2018, LAST_REPORT_YEAR)
        published = publish_time(rng, year - 1 if template == "points" else year, "government")
        doc = Document(
            key="", site=self.spec.name, kind=OTHER, title=pattern.format(unit=unit.name, year=year),
            unit=unit,
            index_no=index_no(rng, unit, published.year), topic=rng.choice(OTHER_TOPICS),
            doc_no=f"{self.spec.doc_prefix}发〔{year}〕{rng.randint(1, 60)}号" if numbered else None,
            published=published, written=published.date(), number=self.article_ids(),
        )
        doc.blocks = [Para(p) for p in text.other_paragraphs(template, unit.name, year)]
        return keyed(doc)

    def missing(self, unit_name: str, year: int) -> Document:
        """A listed 年报 whose detail page was never there (404)."""
        unit = make_unit(self.rng, self.spec, UnitSpec(unit_name, "department", year))
        published = publish_time(self.rng, year, unit.kind)
        return keyed(Document(
            key="", site=self.spec.name, kind=MISSING, title=f"{unit_name}{year}年政府信息公开工作年度报告",
            unit=unit, index_no=index_no(self.rng, unit, published.year), topic=self.spec.report_topic,
            doc_no=None,
            published=published, written=None, number=self.article_ids(), report_year=year,
        ))


def keyed(doc: Document) -> Document:
    """Give a document its portal-wide key."""
    doc.key = f"{doc.site}:{doc.number}"
    return doc


def build_documents(spec: SiteSpec, seed: int, scale: int) -> list[Document]:
    """Every document of one site, newest first."""
    if scale < 1:
        raise ValueError(f"scale must be at least 1, got {scale}")
    docs = CorpusBuilder(spec, seed, scale).build()
    return sorted(docs, key=lambda d: (d.published, d.number), reverse=True)


def new_report(spec: SiteSpec, seed: int, scale: int, k: int, taken: set[int], published: datetime) -> Document:
    """The ``k``-th report the site publishes after its corpus (0-based), going online at ``published``: the
    next (unit, year) of the site's plan, with an article number none of ``taken`` has."""
    unit, year = plan_reports(spec, scale + 1 + k // spec.reports_base)[spec.reports_base * scale + k]
    builder = CorpusBuilder(spec, seed, scale)
    builder.rng = random.Random(f"{seed}:{spec.name}:new:{k}")
    builder.article_ids.used |= taken
    doc = builder.report(unit, year)
    doc.published, doc.written = published, published.date()
    attachments.package(doc, spec.packaging[0], builder.file_ids)
    return keyed(doc)
