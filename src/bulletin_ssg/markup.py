"""Markdown bodies to HTML5 with markdown-it-py: heading ids, figures, CJK line joins, link lines.

The only module that imports markdown_it / mdit_py_plugins. No IO and no site knowledge:
relative link targets are rewritten only through the caller's `resolve`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from markdown_it import MarkdownIt
from markdown_it.common.normalize_url import normalizeLink
from markdown_it.common.utils import escapeHtml
from markdown_it.renderer import RendererHTML
from markdown_it.rules_block import StateBlock, paragraph
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from mdit_py_plugins.footnote import footnote_plugin

from .model import Heading, Link

Resolver = Callable[[str], str | None]
#: Gives the pixel size (width, height) of a relative image target, when it can be known.
Measure = Callable[[str], tuple[int, int] | None]

# Han (with radicals, extensions and compatibility ideographs), kana, bopomofo, Hangul.
_CJK_LETTERS = (
    "\u1100-\u11ff\u2e80-\u2fdf\u3005-\u3007\u3021-\u3029\u3038-\u303b\u3040-\u30ff"
    "\u3100-\u312f\u3130-\u318f\u31a0-\u31bf\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff"
    "\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003134f"
)
# CJK and full-width punctuation, and the curly quotes, dash, ellipsis and middle dot of Chinese.
_CJK_PUNCTUATION = (
    "\u3000-\u303f\u30fb\ufe10-\ufe1f\ufe30-\ufe4f\uff00-\uffef"
    "\u00b7\u2014\u2018\u2019\u201c\u201d\u2026"
)
_CJK = re.compile(f"[{_CJK_LETTERS}{_CJK_PUNCTUATION}]")
# A run of CJK characters (each counts), or a run of other letters/digits (a Latin word or a
# number, counting one): matching runs rather than characters is 2.5 times as fast.
_COUNTABLE = re.compile(f"([{_CJK_LETTERS}]+)|[^\\W_{_CJK_LETTERS}]+")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")
_DASHES = re.compile(r"-{2,}")
# Ids the footnote plugin gives its notes and back-references (fn1, fnref1, fnref1:2).
_FOOTNOTE_ID = re.compile(r"fn(?:ref)?\d+")
_LAZY = ' loading="lazy" decoding="async"'


@dataclass(frozen=True, slots=True, kw_only=True)
class Rendered:
    """One rendered body and what was learnt from it on the way."""

    html: str  #: HTML5 fragment
    headings: tuple[Heading, ...]  #: every heading in the body, h1 (level 1) included
    links: tuple[Link, ...]  #: every link href and image src, in token order, as written
    first_paragraph: str  #: plain text of the first top-level paragraph with text, not a figure
    characters: int  #: CJK characters plus Latin words and numbers, for reading time


class Markup:
    """A configured Markdown renderer, built once and reused for every article."""

    __slots__ = ("_allow_html", "_footnotes_label", "_md")

    def __init__(self, *, allow_html: bool = False, footnotes_label: str = "注释") -> None:
        """`footnotes_label` names the footnotes section for screen readers (`aria-label`)."""
        self._allow_html = allow_html
        self._footnotes_label = footnotes_label
        self._md = _build_parser(allow_html, footnotes_label)

    def __reduce__(self) -> tuple[Callable[[bool, str], Markup], tuple[bool, str]]:
        # The parser holds bound methods; rebuild it in the receiving process instead.
        return _new_markup, (self._allow_html, self._footnotes_label)

    def render(
        self,
        body: str,
        *,
        first_line: int = 1,
        resolve: Resolver | None = None,
        measure: Measure | None = None,
    ) -> Rendered:
        """Render `body`, whose first line is line `first_line` of its file.

        `resolve(target)` is asked for every relative link or image target and may return the
        URL to use instead; None keeps the target. `measure(target)` gives a relative image's
        size for its width and height attributes (no layout shift while it loads).
        """
        env: EnvType = {}
        tokens = self._md.parse(body, env)
        facts = _annotate(tokens, first_line, resolve, measure)
        html: str = self._md.renderer.render(tokens, self._md.options, env)
        return Rendered(
            html=html,
            headings=tuple(facts.headings),
            links=tuple(facts.links),
            first_paragraph=facts.first_paragraph,
            characters=count_characters("\n".join(facts.texts)),
        )


def count_characters(text: str) -> int:
    """CJK characters plus Latin words and numbers: what reading time is reckoned from."""
    return sum([len(cjk) or 1 for cjk in _COUNTABLE.findall(text)])


def _new_markup(allow_html: bool, footnotes_label: str) -> Markup:
    return Markup(allow_html=allow_html, footnotes_label=footnotes_label)


class _Parser(MarkdownIt):
    """Keeps link targets as written in the tokens; `_annotate` percent-encodes them."""

    def normalizeLink(self, url: str) -> str:
        return url


def _build_parser(allow_html: bool, footnotes_label: str) -> MarkdownIt:
    options = {"html": allow_html, "xhtmlOut": False, "linkify": False, "typographer": False}
    md = _Parser("commonmark", options)
    md.enable(["table", "strikethrough"])
    md.use(footnote_plugin)
    md.block.ruler.before(md.block.ruler.get_all_rules()[0], "plain_paragraph", _plain_paragraph)
    md.add_render_rule("image", _render_image)
    md.add_render_rule("softbreak", _render_softbreak)
    md.add_render_rule("table_open", _render_table_open)
    md.add_render_rule("table_close", _render_table_close)
    # The plugin's markup, with a label so the section is named (it has no heading).
    footnotes_open = (
        f'<hr class="footnotes-sep">\n<section class="footnotes" '
        f'aria-label="{escapeHtml(footnotes_label)}">\n<ol class="footnotes-list">\n'
    )

    def render_footnotes_open(
        self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        return footnotes_open

    md.add_render_rule("footnote_block_open", render_footnotes_open)
    return md


#: Block rules that the first character of a line can start, by that character (a line
#: starting with anything else, and followed by a blank line, can only be a paragraph).
_BLOCK_STARTS = frozenset("`~>*-_+[<#|0123456789")
#: The block rules, in order, that `_plain_paragraph` knows it may go past.
PLAIN_PARAGRAPH_PASSES = (
    "table", "code", "fence", "blockquote", "hr", "list", "footnote_def", "reference",
    "html_block", "heading", "lheading", "paragraph",
)  # fmt: skip


def _plain_paragraph(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """The paragraph rule, straight away, for a line that no other block rule can take:
    indented less than code, not starting with any block's marker, and followed by a blank
    line (no table or setext heading). Most lines of prose are such lines; the eleven
    rules before the paragraph's would each look at them and decline."""
    if silent or state.sCount[start] - state.blkIndent >= 4:
        return False
    after = start + 1
    if after < end and not state.isEmpty(after):
        return False
    if state.src[state.bMarks[start] + state.tShift[start]] in _BLOCK_STARTS:
        return False
    return paragraph(state, start, end, silent)


# ---------------------------------------------------------------- one pass over the tokens


@dataclass(slots=True)
class _Facts:
    headings: list[Heading] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    first_paragraph: str = ""


def _annotate(
    tokens: list[Token], first_line: int, resolve: Resolver | None, measure: Measure | None
) -> _Facts:
    """Give headings ids, turn lone images into figures, rewrite and record link targets."""
    facts = _Facts()
    anchors: set[str] = set()
    footnote_lines: dict[int, int] = {}
    in_footnotes = False
    fallback_line = first_line
    for index, token in enumerate(tokens):
        if token.type == "inline":
            opener = tokens[index - 1]
            line = first_line + token.map[0] if token.map else fallback_line
            children = token.children or []
            _rewrite_links(children, line, resolve, facts.links, footnote_lines, measure)
            text = _plain_text(children)
            facts.texts.append(text)
            if opener.type == "heading_open":
                anchor = _unique_anchor(text, anchors)
                opener.attrSet("id", anchor)
                facts.headings.append(Heading(level=int(opener.tag[1:]), text=text, anchor=anchor))
            elif opener.type == "paragraph_open":
                image = None if opener.hidden else _lone_image(children)
                if image is not None:
                    _make_figure(opener, image, tokens[index + 1])
                elif not in_footnotes and opener.level == 0 and text and not facts.first_paragraph:
                    facts.first_paragraph = text
        elif token.type in ("fence", "code_block"):
            facts.texts.append(token.content)
        elif token.type == "footnote_block_open":
            in_footnotes = True
        elif token.type == "footnote_open":
            # Inline footnotes (^[...]) have no source map: use the line of their reference.
            fallback_line = footnote_lines.get(token.meta["id"], first_line)
    return facts


def _rewrite_links(
    children: list[Token],
    line: int,
    resolve: Resolver | None,
    links: list[Link],
    footnote_lines: dict[int, int],
    measure: Measure | None = None,
) -> None:
    for child in children:
        kind = child.type
        if kind in ("softbreak", "hardbreak"):
            line += 1
        elif kind == "link_open" or kind == "image":
            name = "href" if kind == "link_open" else "src"
            target = str(child.attrGet(name) or "")
            links.append(Link(target=target, line=line, is_image=kind == "image"))
            if kind == "image" and measure is not None and _is_relative(target):
                child.meta["size"] = measure(target)
            child.attrSet(name, _final_url(target, resolve))
        elif kind == "html_inline":
            line += child.content.count("\n")
        elif kind == "footnote_ref":
            footnote_lines.setdefault(child.meta["id"], line)


def _final_url(target: str, resolve: Resolver | None) -> str:
    if resolve is not None and _is_relative(target):
        resolved = resolve(target)
        if resolved is not None:
            target = resolved
    return normalizeLink(target)


def _is_relative(target: str) -> bool:
    """A path relative to the article: no scheme, not root- or fragment-only, not `//host`."""
    return bool(target) and not target.startswith(("/", "#")) and not _SCHEME.match(target)


def _lone_image(children: Sequence[Token]) -> Token | None:
    """The paragraph's only image, when the paragraph holds nothing else but whitespace."""
    image = None
    for child in children:
        if child.type == "image" and image is None:
            image = child
        elif child.type != "text" or child.content.strip():
            return None
    return image


def _make_figure(opener: Token, image: Token, closer: Token) -> None:
    for token, kind in ((opener, "figure_open"), (closer, "figure_close")):
        token.type = kind
        token.tag = "figure"
    image.meta["figure"] = True


def _unique_anchor(text: str, used: set[str]) -> str:
    """`深度整合资源 选优配强带头人` -> `深度整合资源-选优配强带头人`; repeats get `-2`, `-3`."""
    joined = "-".join(text.lower().split())
    kept = "".join(c for c in joined if c in "-_" or unicodedata.category(c)[0] in "LMN")
    base = _DASHES.sub("-", kept).strip("-") or "section"
    anchor, number = base, 2
    while anchor in used or _FOOTNOTE_ID.fullmatch(anchor):
        anchor, number = f"{base}-{number}", number + 1
    used.add(anchor)
    return anchor


def _plain_text(children: Sequence[Token]) -> str:
    """The words of an inline run: no markup, no image alt text, CJK line breaks joined."""
    parts: list[str] = []
    for index, child in enumerate(children):
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("" if _joins_cjk(children, index) else " ")
    return "".join(parts).strip()


def _joins_cjk(children: Sequence[Token], index: int) -> bool:
    """Whether the line break at `index` sits between two CJK characters."""
    before = _neighbour_char(children, range(index - 1, -1, -1), last=True)
    if before is None or not _CJK.match(before):
        return False
    after = _neighbour_char(children, range(index + 1, len(children)), last=False)
    return after is not None and _CJK.match(after) is not None


def _neighbour_char(children: Sequence[Token], order: range, *, last: bool) -> str | None:
    """The nearest character of text in `order`, looking through emphasis and link markup."""
    for position in order:
        child = children[position]
        if child.type in ("text", "code_inline"):
            if child.content:
                return child.content[-1] if last else child.content[0]
        elif child.nesting == 0:
            return None
    return None


# ---------------------------------------------------------------- render rules


def _render_image(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    token = tokens[idx]
    alt = self.renderInlineAsText(token.children, options, env)
    title = str(token.attrGet("title") or "")
    attrs = f' src="{escapeHtml(str(token.attrGet("src") or ""))}" alt="{escapeHtml(alt)}"'
    size = token.meta.get("size")
    if size:
        attrs += f' width="{size[0]}" height="{size[1]}"'
    if not token.meta.get("figure"):
        if title:
            attrs += f' title="{escapeHtml(title)}"'
        return f"<img{attrs}{_LAZY}>"
    caption = (title or alt).strip()
    figcaption = f"<figcaption>{escapeHtml(caption)}</figcaption>" if caption else ""
    return f"<img{attrs}{_LAZY}>{figcaption}"


def _render_softbreak(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    # A line break inside Chinese text is not a space: browsers would show one.
    return "" if _joins_cjk(tokens, idx) else "\n"


def _render_table_open(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    return (
        '<div class="table-wrap" tabindex="0" role="region" aria-label="表格">\n'
        + self.renderToken(tokens, idx, options, env)
    )


def _render_table_close(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    return self.renderToken(tokens, idx, options, env) + "</div>\n"


__all__ = ["Markup", "Rendered", "Resolver"]
