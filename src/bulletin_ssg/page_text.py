"""Recognisers for single lines and paragraphs of OCR'd newspaper text (bylines, labels, captions).

Pure text in, values out: no story structure, no files, no config loading.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .model import SectionConfig
from .slugs import slugify

#: Characters that may close a sentence; a paragraph ending otherwise continues elsewhere.
SENTENCE_CLOSERS = frozenset('。！？”…）」』：；.!?")’》')
#: Characters that end a sentence inside a paragraph.
SENTENCE_ENDS = frozenset("。！？!?")
#: ASCII punctuation that OCR leaves in Chinese text, with its full-width form.
FULL_WIDTH = {",": "，", ":": "：", ";": "；", "?": "？", "!": "！", "(": "（", ")": "）"}
PUNCTUATION = frozenset("，。、；：？！“”‘’（）《》〈〉「」『』【】—…·,.;:?!()[]\"'-")

_HAN = "\u3400-\u4dbf\u4e00-\u9fff"
_NAME = f"[{_HAN}]{{2,4}}"
_ROLE = r"(?:本报)?(?:特约|见习|实习|首席)?(?:摄影)?(?:记者|通讯员|评论员)"
_ROLE_SPLIT = re.compile(f"({_ROLE})")
_NAME_SEPARATORS = re.compile(r"[\s、，,]+")
_LONE_NAME = re.compile(_NAME)
# Common surnames, so that a lone line such as 第三版 or 专栏 is not taken for an author.
_SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
    "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武"
    "戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮"
    "柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古"
    "吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫"
    "寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝"
)
_COMPOUND_SURNAMES = tuple(
    "欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 夏侯 令狐".split()
)
_SPACES = re.compile(r"\s+")  # Unicode whitespace, the ideographic space included
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CLAUSE = re.compile(r"[^，。；！？：,;!?:]+")
_ROMAN = re.compile(r"[A-Za-z][A-Za-z ]*")
_BRACKETED = re.compile(r"[（(]([^）)]*)[）)]\s*(.*)")
_REPORTED = re.compile(r"(.*?报道)\s*(.*)")

MIN_REPEATED_CLAUSE = 4  #: shorter repeats (好，好，) are usually intended
CAPTION_MAX_CHARS = 60
HEADLINE_MAX_CHARS = 40
FURNITURE_MAX_CHARS = 12
COLUMN_HEADING_MAX_CHARS = 4  #: 专栏, 第三版: shorter than any piece of a paragraph


@dataclass(frozen=True, slots=True)
class Byline:
    """A credit line as printed, and the names found in it."""

    text: str  #: e.g. 本报讯 记者曲宏报道
    authors: tuple[str, ...]  #: e.g. ("曲宏",)


def is_wide(char: str) -> bool:
    """Han characters and CJK/full-width punctuation."""
    code = ord(char)
    return (
        0x3400 <= code <= 0x4DBF
        or 0x4E00 <= code <= 0x9FFF
        or 0x3000 <= code <= 0x303F
        or 0xFF00 <= code <= 0xFFEF
        or char in "“”‘’…—"
    )


def _is_ascii_alnum(char: str) -> bool:
    return char.isascii() and char.isalnum()


def normalise_spaces(text: str) -> str:
    """Trim, collapse runs of whitespace (the ideographic space too) into one space, and drop
    control characters, which YAML front matter cannot hold."""
    return _CONTROLS.sub("", _SPACES.sub(" ", text)).strip()


def fix_punctuation(text: str) -> str:
    """ASCII `, : ; ( ) ? !` next to Chinese text -> full-width; numbers and Latin stay as they are.

    A mark is converted when a neighbour is wide and it does not sit between two ASCII letters
    or digits (`1,000`, `3:00`); a bracket pair is converted together.
    """
    chars = list(text)
    for i, char in enumerate(chars):
        if char not in FULL_WIDTH:
            continue
        before = text[i - 1] if i > 0 else ""
        after = text[i + 1] if i + 1 < len(text) else ""
        if before and after and _is_ascii_alnum(before) and _is_ascii_alnum(after):
            continue
        if (before and is_wide(before)) or (after and is_wide(after)):
            chars[i] = FULL_WIDTH[char]
    openers: list[int] = []
    for i, char in enumerate(chars):
        if char in "(（":
            openers.append(i)
        elif char in ")）" and openers:
            j = openers.pop()
            if "（" in (chars[j], char) or "）" in (chars[j], char):
                chars[j], chars[i] = "（", "）"
    return "".join(chars)


def ends_sentence(text: str) -> bool:
    """Whether a paragraph ends with closing punctuation (else it was cut by a column break)."""
    return bool(text) and text[-1] in SENTENCE_CLOSERS


def has_punctuation(text: str) -> bool:
    return any(char in PUNCTUATION for char in text)


def join_broken(first: str, second: str) -> str:
    """Join a paragraph cut by a column break: no space, except between two Latin words."""
    if first and second and first[-1].isascii() and first[-1].isalpha() and second[0].isascii():
        return f"{first} {second}"
    return first + second


def _credited_names(text: str) -> tuple[str, ...] | None:
    """`本报记者 曲宏 通讯员 王五` -> (曲宏, 王五); None unless the text is only roles and names."""
    parts = _ROLE_SPLIT.split(text.strip())
    if len(parts) < 3 or parts[0].strip():
        return None
    names: list[str] = []
    for chunk in parts[2::2]:
        found = [n for n in _NAME_SEPARATORS.split(chunk) if n]
        if not found or not all(_LONE_NAME.fullmatch(n) for n in found):
            return None
        names.extend(n for n in found if n not in names)
    return tuple(names)


def _credit_body(text: str) -> str:
    """Strip the 本报讯 marker, brackets and 报道 around a credit."""
    body = text.strip()
    body = body.removeprefix("本报讯").strip()
    if body[:1] in "（(" and body[-1:] in "）)":
        body = body[1:-1].strip()
    return body.removesuffix("报道").strip()


def parse_byline(line: str) -> Byline | None:
    """A whole line that is a credit: 本报记者 曲宏, 本报讯 记者曲宏报道, 通讯员 王五."""
    names = _credited_names(_credit_body(line))
    if not names:
        return None
    return Byline(normalise_spaces(line), names)


def split_run_in_byline(paragraph: str) -> tuple[Byline, str] | None:
    """`本报讯 记者曲宏报道 为激发…` -> (Byline(本报讯 记者曲宏报道, (曲宏,)), `为激发…`)."""
    text = paragraph.strip()
    if text.startswith("本报讯"):
        rest = text.removeprefix("本报讯").strip()
        bracketed = _BRACKETED.fullmatch(rest)
        names = _credited_names(bracketed[1]) if bracketed else None
        if bracketed and names and bracketed[2]:
            credit = text[: len(text) - len(bracketed[2])]
            return Byline(normalise_spaces(credit), names), bracketed[2]
    reported = _REPORTED.fullmatch(text)
    if reported and reported[2]:
        names = _credited_names(_credit_body(reported[1]))
        if names:
            return Byline(normalise_spaces(reported[1]), names), reported[2]
    if text.startswith("本报讯"):
        words = text.split()
        for cut in range(len(words) - 1, 0, -1):
            credit = " ".join(words[:cut])
            names = _credited_names(_credit_body(credit))
            if names:
                return Byline(credit, names), " ".join(words[cut:])
        if len(words) > 1 and words[0] == "本报讯":
            return Byline("本报讯", ()), " ".join(words[1:])
    return None


def is_lone_name(line: str) -> bool:
    """A line of two to four Han characters starting with a common surname: an author's name."""
    return bool(_LONE_NAME.fullmatch(line)) and (
        line[0] in _SURNAMES or line.startswith(_COMPOUND_SURNAMES)
    )


def match_label(line: str, sections: tuple[SectionConfig, ...]) -> SectionConfig | None:
    """The section whose label this line is: its title, optionally followed by its subtitle
    or by a romanised name whose letters occur in the title's pinyin (信息直通车 ZHITONGCHE)."""
    text = normalise_spaces(line.lstrip("#").strip())
    for section in sections:
        if not text.startswith(section.title):
            continue
        rest = text[len(section.title) :].strip()
        if not rest:
            return section
        if section.subtitle and rest.casefold() == normalise_spaces(section.subtitle).casefold():
            return section
        if _ROMAN.fullmatch(rest):
            pinyin = slugify(section.title, max_length=1000).replace("-", "")
            if rest.replace(" ", "").casefold() in pinyin:
                return section
    return None


def is_caption_text(text: str) -> bool:
    """Short, one sentence ending with 。, no byline: the shape of a photo caption."""
    return (
        len(text) <= CAPTION_MAX_CHARS
        and text.endswith("。")
        and not any(char in SENTENCE_ENDS for char in text[:-1])
        and parse_byline(text) is None
        and split_run_in_byline(text) is None
    )


def is_headline_text(text: str) -> bool:
    """Short and without sentence punctuation at its end or inside: could be a headline."""
    return (
        len(text) <= HEADLINE_MAX_CHARS
        and not ends_sentence(text)
        and not any(char in SENTENCE_ENDS for char in text)
        and parse_byline(text) is None
    )


def is_furniture_text(text: str, *, limit: int = FURNITURE_MAX_CHARS) -> bool:
    """A very short line without any punctuation: a column heading or similar page furniture."""
    return len(text) <= limit and not has_punctuation(text)


def repeated_clauses(text: str) -> tuple[tuple[int, str], ...]:
    """(offset, clause) for each clause repeated word for word right after itself."""
    spans = list(_CLAUSE.finditer(text))
    found: list[tuple[int, str]] = []
    for first, second in zip(spans, spans[1:], strict=False):
        clause = first.group().strip()
        adjacent = second.start() - first.end() == 1
        if adjacent and len(clause) >= MIN_REPEATED_CLAUSE and clause == second.group().strip():
            found.append((second.start(), clause))
    return tuple(found)


def excerpt(text: str, *, tail: bool = False, width: int = 16) -> str:
    """A short quote of `text` for messages: its start, or its end with `tail`."""
    if len(text) <= width:
        return text
    return "…" + text[-width:] if tail else text[:width] + "…"
