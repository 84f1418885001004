"""Tests for markup: Markdown to HTML5, heading ids, figures, CJK line joins, links with lines."""

from __future__ import annotations

import pickle
import random
import re

import pytest

from bulletin_ssg import markup as markup_module
from bulletin_ssg.markup import Markup, Rendered, count_characters
from bulletin_ssg.model import Heading, Link

FIGURE_ATTRS = 'loading="lazy" decoding="async"'


@pytest.fixture(scope="module")
def markup() -> Markup:
    return Markup()


@pytest.fixture(scope="module")
def markup_html() -> Markup:
    return Markup(allow_html=True)


HTML_CASES = [
    (
        "emphasis-and-code",
        "一段*强调*与**加粗**和`代码`。",
        "<p>一段<em>强调</em>与<strong>加粗</strong>和<code>代码</code>。</p>\n",
    ),
    ("bullet-list", "- 甲\n- 乙\n", "<ul>\n<li>甲</li>\n<li>乙</li>\n</ul>\n"),
    ("ordered-list", "1. 甲\n2. 乙\n", "<ol>\n<li>甲</li>\n<li>乙</li>\n</ol>\n"),
    ("blockquote", "> 引用的话\n", "<blockquote>\n<p>引用的话</p>\n</blockquote>\n"),
    (
        "fenced-code",
        "```python\nprint(1)\n```\n",
        '<pre><code class="language-python">print(1)\n</code></pre>\n',
    ),
    ("thematic-break", "甲\n\n---\n\n乙", "<p>甲</p>\n<hr>\n<p>乙</p>\n"),
    ("hard-break-is-html5", "第一行  \n第二行", "<p>第一行<br>\n第二行</p>\n"),
    (
        "external-link-plain",
        "[人民网](https://www.people.com.cn/)",
        '<p><a href="https://www.people.com.cn/">人民网</a></p>\n',
    ),
    (
        "link-target-percent-encoded",
        "[图](<图片 目录/a.png>)",
        '<p><a href="%E5%9B%BE%E7%89%87%20%E7%9B%AE%E5%BD%95/a.png">图</a></p>\n',
    ),
    ("javascript-link-not-linked", "[x](javascript:alert(1))", "<p>[x](javascript:alert(1))</p>\n"),
    (
        "table-wrapped",
        "| 甲 | 乙 |\n|---|--:|\n| 1 | 2 |\n",
        '<div class="table-wrap" tabindex="0" role="region" aria-label="表格">\n'
        "<table>\n<thead>\n<tr>\n<th>甲</th>\n"
        '<th style="text-align:right">乙</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td>1</td>\n'
        '<td style="text-align:right">2</td>\n</tr>\n</tbody>\n</table>\n</div>\n',
    ),
    ("strikethrough", "~~删去~~的字", "<p><s>删去</s>的字</p>\n"),
    (
        "footnote",
        "正文[^1]。\n\n[^1]: 注释。\n",
        '<p>正文<sup class="footnote-ref"><a href="#fn1" id="fnref1">[1]</a></sup>。</p>\n'
        '<hr class="footnotes-sep">\n<section class="footnotes" aria-label="注释">\n'
        '<ol class="footnotes-list">\n<li id="fn1" class="footnote-item"><p>注释。 '
        '<a href="#fnref1" class="footnote-backref">\u21a9\ufe0e</a></p>\n</li>\n</ol>\n'
        "</section>\n",
    ),
    ("html-block-escaped", "<div>原样</div>", "<p>&lt;div&gt;原样&lt;/div&gt;</p>\n"),
    (
        "inline-html-escaped",
        '文字<span class="x">包裹</span>',
        "<p>文字&lt;span class=&quot;x&quot;&gt;包裹&lt;/span&gt;</p>\n",
    ),
    (
        "figure-with-title",
        '![松山镇展销会](img/a.jpg "庆云农产品展销会")',
        f'<figure><img src="img/a.jpg" alt="松山镇展销会" {FIGURE_ATTRS}>'
        "<figcaption>庆云农产品展销会</figcaption></figure>\n",
    ),
    (
        "figure-with-alt-only",
        "![鲜切花种植](b.png)",
        f'<figure><img src="b.png" alt="鲜切花种植" {FIGURE_ATTRS}>'
        "<figcaption>鲜切花种植</figcaption></figure>\n",
    ),
    (
        "figure-without-caption",
        "![](c.png)",
        f'<figure><img src="c.png" alt="" {FIGURE_ATTRS}></figure>\n',
    ),
    (
        "figure-caption-escaped",
        '![a<b](c.png "x & y")',
        f'<figure><img src="c.png" alt="a&lt;b" {FIGURE_ATTRS}>'
        "<figcaption>x &amp; y</figcaption></figure>\n",
    ),
    (
        "image-in-text-stays-inline",
        '文字里的 ![小图](d.png "标题") 图。',
        f'<p>文字里的 <img src="d.png" alt="小图" title="标题" {FIGURE_ATTRS}> 图。</p>\n',
    ),
    (
        "image-in-tight-list-stays-inline",
        "- ![图](a.png)\n- 乙",
        f'<ul>\n<li><img src="a.png" alt="图" {FIGURE_ATTRS}></li>\n<li>乙</li>\n</ul>\n',
    ),
    (
        "linked-image-stays-inline",
        "[![图](a.png)](b.html)",
        f'<p><a href="b.html"><img src="a.png" alt="图" {FIGURE_ATTRS}></a></p>\n',
    ),
    ("cjk-soft-break-removed", "撂荒果园\n焕发新貌", "<p>撂荒果园焕发新貌</p>\n"),
    ("cjk-punctuation-soft-break-removed", "目前，\n“已经预订”。", "<p>目前，“已经预订”。</p>\n"),
    ("cjk-soft-break-through-emphasis", "前文\n*强调*\n后文", "<p>前文<em>强调</em>后文</p>\n"),
    ("latin-soft-break-kept", "hello\nworld", "<p>hello\nworld</p>\n"),
    ("cjk-then-latin-kept", "中文\nEnglish", "<p>中文\nEnglish</p>\n"),
    ("latin-then-cjk-kept", "English\n中文", "<p>English\n中文</p>\n"),
    ("cjk-then-code-kept", "中文\n`code`", "<p>中文\n<code>code</code></p>\n"),
]


@pytest.mark.parametrize(
    ("body", "expected"), [c[1:] for c in HTML_CASES], ids=[c[0] for c in HTML_CASES]
)
def test_renders_html(markup: Markup, body: str, expected: str) -> None:
    assert markup.render(body).html == expected


ALLOWED_HTML_CASES = [
    ("html-block-passed", "<div>原样</div>", "<div>原样</div>"),
    ("inline-html-passed", "文字<b>粗</b>", "<p>文字<b>粗</b></p>\n"),
]


@pytest.mark.parametrize(
    ("body", "expected"),
    [c[1:] for c in ALLOWED_HTML_CASES],
    ids=[c[0] for c in ALLOWED_HTML_CASES],
)
def test_passes_raw_html_when_allowed(markup_html: Markup, body: str, expected: str) -> None:
    assert markup_html.render(body).html == expected


HEADING_CASES = [
    (
        "chinese-with-space",
        "## 深度整合资源 选优配强带头人",
        [(2, "深度整合资源 选优配强带头人", "深度整合资源-选优配强带头人")],
    ),
    (
        "chinese-punctuation-removed",
        "### 一、强化党建引领！",
        [(3, "一、强化党建引领！", "一强化党建引领")],
    ),
    ("ascii-lowercased", "## Hello, World!", [(2, "Hello, World!", "hello-world")]),
    (
        "underscore-and-dash-kept",
        "## snake_case -- dash",
        [(2, "snake_case -- dash", "snake_case-dash")],
    ),
    ("only-punctuation", "## ！？", [(2, "！？", "section")]),
    ("markup-stripped", "## 关于*强调*和`代码`", [(2, "关于强调和代码", "关于强调和代码")]),
    (
        "duplicates-numbered",
        "## 小结\n\n## 小结\n\n## 小结",
        [(2, "小结", "小结"), (2, "小结", "小结-2"), (2, "小结", "小结-3")],
    ),
    (
        "duplicate-of-numbered-form",
        "## a-2\n\n## a\n\n## a",
        [(2, "a-2", "a-2"), (2, "a", "a"), (2, "a", "a-3")],
    ),
    ("footnote-id-avoided", "## fn1", [(2, "fn1", "fn1-2")]),
    ("h1-recorded-as-level-1", "# 大标题", [(1, "大标题", "大标题")]),
    ("setext", "小标题\n---", [(2, "小标题", "小标题")]),
]


@pytest.mark.parametrize(
    ("body", "expected"), [c[1:] for c in HEADING_CASES], ids=[c[0] for c in HEADING_CASES]
)
def test_gives_headings_unique_ids(
    markup: Markup, body: str, expected: list[tuple[int, str, str]]
) -> None:
    rendered = markup.render(body)
    assert rendered.headings == tuple(
        Heading(level=level, text=text, anchor=anchor) for level, text, anchor in expected
    )
    for heading in rendered.headings:
        assert f'<h{heading.level} id="{heading.anchor}">' in rendered.html


def test_heading_ids_start_afresh_for_each_article(markup: Markup) -> None:
    first = markup.render("## 小结")
    second = markup.render("## 小结")
    assert first.headings == second.headings == (Heading(level=2, text="小结", anchor="小结"),)


LINK_BODY = """\
第一段有[链接](a.md)。

![图](img/b.jpg)

第三段第一行
第二行有[另一个](c.md#part)和![小图](d.png)，
第三行\\
第四行[再一个](e.md)。

| 表 | 头 |
|---|---|
| [单元格](f.md) | 乙 |

> 引文里的 <https://example.cn/g>

注释[^n]和行内注释^[见[h](h.md)]。

[^n]: 注释里的[链接](i.md)。
"""


def test_records_links_with_absolute_lines(markup: Markup) -> None:
    rendered = markup.render(LINK_BODY, first_line=5)
    assert rendered.links == (
        Link(target="a.md", line=5),
        Link(target="img/b.jpg", line=7, is_image=True),
        Link(target="c.md#part", line=10),
        Link(target="d.png", line=10, is_image=True),
        Link(target="e.md", line=12),
        Link(target="f.md", line=16),
        Link(target="https://example.cn/g", line=18),
        Link(target="i.md", line=22),
        Link(target="h.md", line=20),
    )


RESOLVE_CASES = [
    ("relative-page", "[x](../2024-05-06/story.md)", 'href="/issues/2024-05-06/story/"'),
    ("relative-with-fragment", "[x](story.md#part)", 'href="/issues/story/#part"'),
    ("relative-image", "![x](img/a.jpg)", 'src="/files/img/a.jpg"'),
    ("resolver-declines", "[x](unknown.md)", 'href="unknown.md"'),
    ("root-relative-untouched", "[x](/about/)", 'href="/about/"'),
    ("anchor-untouched", "[x](#top)", 'href="#top"'),
    ("external-untouched", "[x](https://example.cn/a)", 'href="https://example.cn/a"'),
    ("protocol-relative-untouched", "[x](//example.cn/a)", 'href="//example.cn/a"'),
    ("mailto-untouched", "[x](mailto:a@example.cn)", 'href="mailto:a@example.cn"'),
    ("resolved-unicode-encoded", "[x](中文.md)", 'href="/issues/%E4%B8%AD%E6%96%87/"'),
]

RESOLVED = {
    "../2024-05-06/story.md": "/issues/2024-05-06/story/",
    "story.md#part": "/issues/story/#part",
    "img/a.jpg": "/files/img/a.jpg",
    "中文.md": "/issues/中文/",
}


@pytest.mark.parametrize(
    ("body", "expected"), [c[1:] for c in RESOLVE_CASES], ids=[c[0] for c in RESOLVE_CASES]
)
def test_rewrites_relative_targets_through_resolve(
    markup: Markup, body: str, expected: str
) -> None:
    asked: list[str] = []

    def resolve(target: str) -> str | None:
        asked.append(target)
        return RESOLVED.get(target)

    rendered = markup.render(body, resolve=resolve)
    assert expected in rendered.html
    written = rendered.links[0].target
    assert asked == ([written] if not written.startswith(("/", "#", "https:", "mailto:")) else [])


FIRST_PARAGRAPH_CASES = [
    ("plain", "第一段。\n\n第二段。", "第一段。"),
    ("skips-heading-and-figure", "## 标题\n\n![图](a.png)\n\n正文开始。", "正文开始。"),
    ("joins-cjk-lines", "撂荒果园\n焕发新貌。", "撂荒果园焕发新貌。"),
    ("latin-lines-spaced", "hello\nworld", "hello world"),
    ("markup-stripped", "有**加粗**和[链接](a.md)。", "有加粗和链接。"),
    ("image-alt-not-text", "![图](a.png) 图后文字。", "图后文字。"),
    ("skips-nested-paragraphs", "> 引文。\n\n- 列表\n\n正文。", "正文。"),
    ("skips-footnotes", "## 只有标题\n\n^[行内注释]", ""),
    ("empty-body", "", ""),
]


@pytest.mark.parametrize(
    ("body", "expected"),
    [c[1:] for c in FIRST_PARAGRAPH_CASES],
    ids=[c[0] for c in FIRST_PARAGRAPH_CASES],
)
def test_finds_first_paragraph(markup: Markup, body: str, expected: str) -> None:
    assert markup.render(body).first_paragraph == expected


CHARACTER_CASES = [
    ("cjk-each", "撂荒果园。", 4),
    ("latin-words", "Hello, big world!", 3),
    ("mixed-with-numbers", "2022年初，开原市有273个行政村 and more", 14),
    ("markup-not-counted", "**加粗** [链接](https://example.cn/very/long/url)", 4),
    ("image-alt-not-counted", "![很长的替代文字](a.png)", 0),
    ("code-counted", "```\nprint hello\n```", 2),
    ("headings-and-tables-counted", "## 标题\n\n| 甲 | b |\n|---|---|\n| 乙 | c |", 6),
    ("kana-and-hangul", "かな 한국", 4),
]


@pytest.mark.parametrize(
    ("body", "expected"), [c[1:] for c in CHARACTER_CASES], ids=[c[0] for c in CHARACTER_CASES]
)
def test_counts_characters(markup: Markup, body: str, expected: int) -> None:
    assert markup.render(body).characters == expected


def test_counting_runs_matches_counting_each_character() -> None:
    """Runs of CJK characters are counted by their length: the same as one match each."""
    letters = markup_module._CJK_LETTERS
    each = re.compile(f"[{letters}]|[^\\W_{letters}]+")
    alphabet = [chr(c) for c in [*range(0x20, 0x250), *range(0x3000, 0x3100), *range(0x4E00,
                0x4E40), *range(0xAC00, 0xAC20), 0x1F600, 0x20000, 0x2E80, 0x3005]]  # fmt: skip
    chooser = random.Random(5)
    for _ in range(3000):
        text = "".join(chooser.choices(alphabet, k=chooser.randint(0, 30)))
        assert count_characters(text) == len(each.findall(text)), text


def test_survives_pickling(markup: Markup) -> None:
    copy = pickle.loads(pickle.dumps(markup))
    body = "## 标题\n\n文字\n继续[^1]。\n\n[^1]: 注。"
    assert copy.render(body) == markup.render(body)


def test_footnotes_label_is_configurable() -> None:
    html = Markup(footnotes_label="Notes").render("a[^1]\n\n[^1]: b").html
    assert '<section class="footnotes" aria-label="Notes">' in html


def test_rendered_is_frozen(markup: Markup) -> None:
    rendered = markup.render("文字")
    assert isinstance(rendered, Rendered)
    with pytest.raises(AttributeError):
        rendered.html = ""  # type: ignore[misc]


# -- the plain-paragraph shortcut ----------------------------------------------------------------

_MARKDOWN_LINES = [
    "党建引领乡村振兴。", "“第一书记小院”成立以来", "Plain words", "*强调*开头", "_下划线_",
    "# 标题", "## 二级", "- 列表", "* 列表", "+ 列表", "1. 有序", "2) 有序", "> 引用", "```",
    "~~~", "    代码", "\t制表", "| 甲 | 乙 |", "|---|---|", "甲 | 乙", "--- | ---", "---", "===",
    "***", "[链接]: /x", "[^1]: 注释", "正文[^1]", "<div>", "</div>", "<!-- c -->", "  缩进两格",
    "   - 嵌套", "     更深", "  > 引", "\\# 转义", "[链接]", "![图](a.png)", "=标题", ":冒号",
    "&amp;实体", "", "", "", "  ",
]  # fmt: skip
_MARKDOWN_LINES += [f"{digit}. 第{digit}项" for digit in "0123456789"]


def _tokens(md: object, text: str) -> list[tuple[object, ...]]:
    tokens = md.parse(text, {})  # type: ignore[attr-defined]
    return [(t.type, t.tag, t.map, t.content, t.level, t.hidden) for t in tokens]


@pytest.mark.parametrize("allow_html", [False, True], ids=["text", "html"])
def test_plain_paragraph_shortcut_changes_nothing(allow_html: bool) -> None:
    """Random documents of every kind of block parse to the same tokens (with the same source
    lines) and the same HTML with the shortcut as without it."""
    rng = random.Random(216)
    fast = markup_module._build_parser(allow_html, "注释")
    slow = markup_module._build_parser(allow_html, "注释")
    slow.block.ruler.disable("plain_paragraph")
    for _ in range(3000):
        lines = [rng.choice(_MARKDOWN_LINES) for _ in range(rng.randint(1, 14))]
        text = "\n".join(lines) + rng.choice(["", "\n"])
        assert _tokens(fast, text) == _tokens(slow, text), text
        assert fast.render(text) == slow.render(text), text


def test_plain_paragraph_shortcut_knows_every_block_rule() -> None:
    """The shortcut goes past the block rules it knows cannot take its lines; one more (a new
    plugin) must be looked at before the shortcut may go past it too."""
    rules = markup_module._build_parser(False, "注释").block.ruler.get_all_rules()
    assert rules == ["plain_paragraph", *markup_module.PLAIN_PARAGRAPH_PASSES]
