"""Synthetic gov portal pages for the archive benchmark: site chrome, 年报 bodies, edits. Deterministic.

Body text mixes a list of phrases typical of 年报 with a Zipf vocabulary of words made from
GB2312 level-1 characters, so it compresses like real reports (about 1.1 bytes per character
at zstd level 3, as the real report texts measured while calibrating) rather than like a
handful of repeated phrases.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass
from itertools import accumulate

GOV_PHRASES = (
    "政府信息公开", "依申请公开", "主动公开", "政府信息公开条例", "年度报告", "总体情况", "行政复议",
    "行政诉讼", "政务服务", "信息公开指南", "政策解读", "回应关切", "公开目录", "规范性文件",
    "重点领域信息公开", "财政预决算", "政府网站", "政务新媒体", "政务公开", "办理结果", "予以公开",
    "部分公开", "不予公开", "无法提供", "不予处理", "信息不存在", "申请人", "办理期限", "转办",
    "督促检查", "考核评议", "社会评议", "责任追究", "工作机制", "制度建设", "平台建设", "人大代表建议",
    "政协提案", "新闻发布会", "在线访谈", "12345热线", "营商环境", "双随机一公开", "行政许可",
    "行政处罚", "行政强制", "行政事业性收费", "政府集中采购", "扎实推进", "进一步加强", "认真贯彻落实",
    "按照要求", "全面推进", "不断提高", "切实做好", "积极回应", "依法依规", "及时准确", "统筹推进",
    "本年度", "本行政机关", "区县人民政府", "市人民政府办公室", "各乡镇街道", "有关部门", "社会公众",
    "人民群众", "办事效率", "公开质量", "公开内容", "公开形式", "公开渠道", "公开实效", "存在的主要问题",
    "改进情况", "其他需要报告的事项", "收费情况", "工作人员", "业务培训", "专题培训", "组织领导",
)
SECTIONS = (
    "一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项",
)
TABLE_LABELS = ("规章", "规范性文件", "行政许可", "行政处罚", "行政强制", "行政事业性收费",
                "自然人", "法人或其他组织", "予以公开", "部分公开", "不予公开", "维持", "纠正", "其他结果")
PUNCTUATION = "，、，"
WEEKDAYS = "一二三四五六日"
PHRASE_SHARE = 0.35  # share of tokens that are gov phrases; the rest are Zipf words
WORDS = 4000
ZIPF_EXPONENT = 1.05
TOKEN_CHARS = 2.95 # mean characters per token, to size paragraphs


def common_characters() -> list[str]:
    """GB2312 level-1 characters: the 3,755 most used, all encodable in GBK."""
    chars = []
    for high in range(0xB0, 0xD8):
        for low in range(0xA1, 0xFF):
            if (high, low) >= (0xD7, 0xFA):
                break
            chars.append(bytes([high, low]).decode("gb2312"))
    return chars


@dataclass
class Vocabulary:
    """Tokens to draw text from: gov phrases (PHRASE_SHARE of draws) and Zipf-weighted words."""

    tokens_: list[str]
    cumulative: list[float]

    @classmethod
    def build(cls, seed: int) -> Vocabulary:
        """A deterministic vocabulary."""
        rng = random.Random(seed)
        chars = common_characters()
        words = ["".join(rng.choices(chars, k=rng.choice((1, 2, 2, 2, 3, 4)))) for _ in range(WORDS)]
        weights = [1 / (rank ** ZIPF_EXPONENT) for rank in range(1, WORDS + 1)]
        phrase_weight = sum(weights) * PHRASE_SHARE / (1 - PHRASE_SHARE) / len(GOV_PHRASES)
        weights += [phrase_weight] * len(GOV_PHRASES)
        return cls(words + list(GOV_PHRASES), list(accumulate(weights)))

    @property
    def words(self) -> list[str]:
        """The Zipf words, most frequent first."""
        return self.tokens_[:WORDS]

    def tokens(self, rng: random.Random, count: int) -> list[str]:
        """``count`` tokens, phrases and words mixed."""
        return rng.choices(self.tokens_, cum_weights=self.cumulative, k=count)

    def paragraph(self, rng: random.Random, chars: int) -> str:
        """Sentences of 8-22 tokens, a comma every five, a count now and then, to about ``chars``."""
        tokens = self.tokens(rng, int(chars / TOKEN_CHARS) + 1)
        out, in_sentence, sentence_length = [], 0, rng.randint(8, 22)
        for token in tokens:
            out.append(token)
            in_sentence += 1
            if in_sentence == sentence_length:
                out.append("。")
                in_sentence, sentence_length = 0, rng.randint(8, 22)
                if rng.random() < 0.3:
                    out.append(f"共{rng.randint(2, 9999)}件")
            elif in_sentence % 5 == 0:
                out.append(PUNCTUATION[in_sentence % 3])
        return "".join(out).rstrip("，、") + "。"


@dataclass
class Body:
    """The content of one version: title, paragraphs (section headings included), optional table."""

    title: str
    paragraphs: list[str]
    table: list[list[str]] | None

    @property
    def text(self) -> str:
        """The text as the extractor would give it: title line, then one line per paragraph."""
        return "\n".join([self.title, *self.paragraphs])


def new_body(vocabulary: Vocabulary, rng: random.Random, title: str, chars: int, with_table: bool) -> Body:
    """A 年报 body of about ``chars`` characters in the six standard sections."""
    paragraphs = [vocabulary.paragraph(rng, 60)]
    per_section = max(40, chars // len(SECTIONS))
    for heading in SECTIONS:
        paragraphs.append(heading)
        for _ in range(rng.randint(1, 3)):
            paragraphs.append(vocabulary.paragraph(rng, per_section // 2))
    table = statistics_table(rng) if with_table else None
    return Body(title, paragraphs, table)


def statistics_table(rng: random.Random) -> list[list[str]]:
    """A 年报 statistics grid: a label and three counts per row."""
    rows = [["项目", "本年新增", "本年废止", "现行有效"]]
    for label in rng.sample(TABLE_LABELS, 8):
        rows.append([label, *(str(rng.randint(0, 500)) for _ in range(3))])
    return rows


def edit(body: Body, vocabulary: Vocabulary, rng: random.Random) -> Body:
    """A corrected republication: a few sentences rewritten, sometimes a paragraph added."""
    paragraphs = list(body.paragraphs)
    prose = [index for index, text in enumerate(paragraphs) if text not in SECTIONS]
    for index in rng.sample(prose, min(len(prose), rng.randint(1, 3))):
        paragraphs[index] = vocabulary.paragraph(rng, len(paragraphs[index]))
    if rng.random() < 0.4:
        paragraphs.append(vocabulary.paragraph(rng, 120))
    table = [list(row) for row in body.table] if body.table else None
    if table and rng.random() < 0.5:
        table[1][1] = str(int(table[1][1]) + 1)
    return Body(body.title, paragraphs, table)


def weekday_line(day: str) -> str:
    """The date line many portals print in their header (``2024-03-01 星期五``)."""
    return f"{day} 星期{WEEKDAYS[datetime.date.fromisoformat(day).weekday()]}"
