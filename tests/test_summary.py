"""Tests for summary: where a long first paragraph is cut, and that quotes are never left open."""

from __future__ import annotations

import pytest

from bulletin_ssg.summary import summarize

CASES = [
    (
        "short-text-stripped",
        "  开原市在推进产业联合党委工作中不断完善创新，取得了积极成效。\n",
        120,
        "开原市在推进产业联合党委工作中不断完善创新，取得了积极成效。",
    ),
    ("exactly-limit-kept", "取得了积极成效。", 8, "取得了积极成效。"),
    (
        "last-sentence-end-before-limit",
        "组建产业联合党委给群众带来了实实在在的效益，产业联合党委模式已得到当地百姓的认可。"
        "开原市充分利用这一发展契机，多方谋划。截至今年1月初，开原市已拥有了5个产业联合党委。",
        60,
        "组建产业联合党委给群众带来了实实在在的效益，产业联合党委模式已得到当地百姓的认可。"
        "开原市充分利用这一发展契机，多方谋划。",
    ),
    (
        "sentence-end-at-half-limit-taken",
        "产业要抱团发展，突出党建引领，十分关键。"
        "开原市在紧盯跨村产业联合党委的产前、产中、产后需求，进行全链条帮带和扶持。",
        40,
        "产业要抱团发展，突出党建引领，十分关键。",
    ),
    (
        "sentence-end-within-twenty-percent-over",
        "开原市产业联合党委以产业项目为依托，正在不断深化发展；"
        "现正积极酝酿组建稻米产业联合党委，力求打破局限。今后还将继续推进。",
        50,
        "开原市产业联合党委以产业项目为依托，正在不断深化发展；"
        "现正积极酝酿组建稻米产业联合党委，力求打破局限。今后还将继续推进。",
    ),
    (
        "first-sentence-end-after-limit-with-closing-quote",
        "英山村党支部书记肖国英告诉记者：“目前已经预订了1000棵鸡心果树苗，"
        "开春后就要在这片收归村集体的林地栽种了。”据他介绍，果园还要平整改造。",
        40,
        "英山村党支部书记肖国英告诉记者：“目前已经预订了1000棵鸡心果树苗，"
        "开春后就要在这片收归村集体的林地栽种了。”",
    ),
    (
        "sentence-end-too-early-ignored",
        "提起这件事，秦德英满脸笑容。松山镇土口子村建档立卡户秦德英老两口有十亩左右果园，"
        "往年的销售都是中间商上门收购，今年初通过联合党委统收统销后，共计增收5000余元",
        40,
        "提起这件事，秦德英满脸笑容。松山镇土口子村建档立卡户秦德英老两口有十亩左右果园…",
    ),
    (
        "no-boundary-hard-cut",
        "为了深度整合产业资源，抱团发展，实现惠农政策共享，从2022年初开始，开原市坚持试点先行、"
        "精准扶持、凝聚合力，通过抓乡促村，全面摸排全市273个行政村的特色产业情况。",
        40,
        "为了深度整合产业资源，抱团发展，实现惠农政策共享，从2022年初开始，开原市坚持…",
    ),
    (
        "hard-cut-keeps-number-whole",
        "为了深度整合产业资源，抱团发展，实现惠农政策共享，从2022年初开始，开原市坚持试点先行。",
        28,
        "为了深度整合产业资源，抱团发展，实现惠农政策共享，从…",
    ),
    (
        "clause-end-when-no-sentence-end",
        "产前帮规划、搭平台，开展市场调研，确定发展方向；产中帮技术、抓生产，"
        "邀请专业技术人员现场授课；产后帮销售、拓市场，打造本土品牌。",
        40,
        "产前帮规划、搭平台，开展市场调研，确定发展方向；产中帮技术、抓生产，邀请专业技术人员现场授课…",
    ),
    (
        "sentence-end-preferred-to-later-clause-end",
        "联合党委统一采购农资，降低了生产成本。成员村统一品牌、统一标准；"
        "合作社统一收购、统一销售，产品卖上了好价钱。",
        30,
        "联合党委统一采购农资，降低了生产成本。",
    ),
    (
        "cut-moved-after-book-title",
        "这是开原市各联合党委通过产业升级打造的本土品牌，记者在庆云堡镇看到了刊登在"
        "《铁岭日报乡村振兴专刊》上的报道，继续写下去",
        40,
        "这是开原市各联合党委通过产业升级打造的本土品牌，记者在庆云堡镇看到了刊登在"
        "《铁岭日报乡村振兴专刊》…",
    ),
    (
        "cut-moved-after-bracket",
        "开原市拥有庆云堡镇果蔬产业联合党委（含十二个成员村和三家合作社）等五个产业联合党委，"
        "辐射带动多个村子共同发展。",
        30,
        "开原市拥有庆云堡镇果蔬产业联合党委（含十二个成员村和三家合作社）…",
    ),
    (
        "cut-moved-after-quote-and-its-full-stop",
        "开原市在推进产业联合党委工作中不断完善创新，记者听到一位老党员说："
        "“产业联合党委主动下村，高价收购我们的苹果”。今后还要继续。",
        40,
        "开原市在推进产业联合党委工作中不断完善创新，记者听到一位老党员说："
        "“产业联合党委主动下村，高价收购我们的苹果”。",
    ),
    (
        "long-quote-cut-before-opener",
        "开原市在推进产业联合党委工作中不断完善创新，记者听到一位老党员说：“产业联合党委主动下村，"
        "高价收购我们的苹果，每斤苹果比往年卖给中间商的价格，一斤多卖了一元多，"
        "今年初通过联合党委统收统销后，共计增收5000余元。”",
        40,
        "开原市在推进产业联合党委工作中不断完善创新，记者听到一位老党员说…",
    ),
    (
        "quote-from-start-closed-after-ellipsis",
        "“产业联合党委主动下村，高价收购我们的苹果，每斤苹果比往年卖给中间商的价格，一斤多卖了一元多，"
        "今年初通过联合党委统收统销后，共计增收5000余元，”秦德英说。",
        30,
        "“产业联合党委主动下村，高价收购我们的苹果，每斤苹果比往年卖…”",
    ),
    (
        "latin-periods-inside-words-not-ends",
        "Version 3.5 of the guide was published at www.example.cn today. "
        "It covers the new rules for rural co-operatives in detail.",
        60,
        "Version 3.5 of the guide was published at www.example.cn today.",
    ),
    (
        "ascii-quotes-closed-and-word-kept",
        'He said "the orchard will be replanted in spring, with a thousand young trees" and left.',
        40,
        'He said "the orchard will be replanted…"',
    ),
    (
        "apostrophe-is-not-an-opener",
        "Farmers don’t sell to middlemen any more; the party committee buys apples at a better "
        "price and sells them under one brand.",
        40,
        "Farmers don’t sell to middlemen any more…",
    ),
]


@pytest.mark.parametrize(
    ("text", "limit", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_summarizes(text: str, limit: int, expected: str) -> None:
    assert summarize(text, limit) == expected


def test_default_limit_is_120() -> None:
    sentence = "开原市在推进产业联合党委工作中不断完善创新，取得了积极成效。"  # 30 characters
    assert summarize(sentence * 4) == sentence * 4
    assert summarize(sentence * 5) == sentence * 4


SEED_PARAGRAPHS = [
    "在开原市松山镇英山村南，有一片多年无人经营、杂草丛生的撂荒果园。经过三天修整，30多亩的杂树被伐运"
    "下山。2月13日，英山村党支部书记肖国英告诉记者：“目前已经预订了1000棵鸡心果树苗，开春后就要在这片"
    "收归村集体的林地栽种了。”据他介绍，这片果园初步修整后，再经过一系列平整改造和精细化管理，撂荒果园"
    "就将焕发新貌。",
    "“产业联合党委主动下村，高价收购我们的苹果，每斤苹果比往年卖给中间商的价格，一斤多卖了一元多。”"
    "提起这件事，松山镇土口子村建档立卡户秦德英满脸笑容。秦德英老两口有十亩左右果园，往年的销售都是"
    "中间商上门收购，今年初通过联合党委统收统销后，共计增收5000余元。",
    "截至今年1月初，开原市已拥有了庆云堡镇果蔬产业联合党委、松山镇水果产业联合党委、威远镇榛子产业"
    "联合党委、林丰乡和李家台镇香菇产业联合党委（含《乡村振兴》示范点「英山村」）、黄旗寨镇乡村旅游产业"
    "联合党委5个产业联合党委。",
]
OPENERS_CLOSERS = ["“”", "「」", "『』", "《》", "（）", "‘’"]


@pytest.mark.parametrize("limit", [10, 20, 30, 45, 60, 90], ids=lambda n: f"limit-{n}")
@pytest.mark.parametrize("paragraph", SEED_PARAGRAPHS, ids=["orchard", "quote-first", "brackets"])
def test_never_leaves_a_quote_open_or_runs_long(paragraph: str, limit: int) -> None:
    result = summarize(paragraph, limit)
    assert 0 < len(result) <= limit * 1.5 + 2
    for pair in OPENERS_CLOSERS:
        assert result.count(pair[0]) == result.count(pair[1]), pair
    assert paragraph.startswith(result.rstrip("…”"))
