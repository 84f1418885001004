"""Turn the text of a printed page (OCR'd, one paragraph a line) into stories: an ImportPlan.

Pure: text and SiteConfig in, values out; no files are read or written here.
Suspected defects become warnings with the page's line number and are never "fixed".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum, StrEnum

from . import page_text as pt
from .errors import ContentError, Diagnostic, Location, warning
from .model import SectionConfig, SiteConfig
from .slugs import slugify

_NEWLINES = re.compile(r"\r\n|\r|\n")
_HEADING = re.compile(r"(#{1,6})\s+(.*?)(?:\s+#+)?")


class BlockKind(StrEnum):
    """What a piece of a story body is."""

    PARAGRAPH = "paragraph"
    HEADING = "heading"  #: a sub-heading inside the story (`##`)
    CAPTION = "caption"  #: a photo caption, written as an image-less figure


@dataclass(frozen=True, slots=True)
class Block:
    """One paragraph, sub-heading or caption of a story."""

    kind: BlockKind
    text: str
    line: int  #: 1-based line in the page where it starts


@dataclass(frozen=True, slots=True)
class PageWarning:
    """A suspected defect for a human to check (named so as not to shadow the builtin
    ImportWarning)."""

    line: int  #: 1-based line in the page
    message: str


@dataclass(frozen=True, slots=True)
class Story:
    """One article found on the page."""

    section: str  #: key of its section
    title: str
    byline: str | None  #: as printed, e.g. 本报记者 曲宏
    authors: tuple[str, ...]
    order: int  #: 1-based position within its section on this page
    paragraphs: tuple[Block, ...]
    line: int  #: line of its headline in the page
    slug: str  #: ASCII, unique within the plan

    @property
    def file_name(self) -> str:
        return f"{self.slug}.md"


@dataclass(frozen=True, slots=True)
class ImportPlan:
    """Everything an import would write, and what looked wrong."""

    stories: tuple[Story, ...]
    warnings: tuple[PageWarning, ...]  #: in page order
    source: str = "PAGE.txt"  #: the page's path, for messages

    @property
    def diagnostics(self) -> tuple[Diagnostic, ...]:
        """The warnings as diagnostics located in the page."""
        return tuple(warning(w.message, Location(self.source, w.line)) for w in self.warnings)


class _Kind(Enum):
    LABEL = "label"
    HEADING = "heading"
    BYLINE = "byline"
    RUN_IN = "run-in"
    NAME = "name"
    TEXT = "text"


@dataclass(frozen=True, slots=True)
class _Line:
    """A non-blank line of the page, with the blank lines around it."""

    number: int
    text: str
    gap_before: int
    gap_after: int  #: blank lines after it; a large number at the end of the page


@dataclass(slots=True)
class _Paragraph:
    """A body paragraph being assembled from pieces split by column breaks."""

    pieces: list[tuple[int, int]]  #: (offset in text, page line) for each joined piece
    text: str

    def line_at(self, offset: int) -> int:
        return [line for start, line in self.pieces if start <= offset][-1]


@dataclass(slots=True)
class _StoryDraft:
    title: str
    line: int
    section: str | None
    byline: str | None = None
    authors: tuple[str, ...] = ()
    body: list[_Paragraph | Block] = field(default_factory=list)
    open_paragraph: _Paragraph | None = None  #: last paragraph, if cut mid-sentence

    @property
    def has_text(self) -> bool:
        return any(isinstance(part, _Paragraph) for part in self.body)

    def add_credit(self, byline: pt.Byline) -> None:
        self.byline = f"{self.byline} {byline.text}" if self.byline else byline.text
        self.authors += tuple(a for a in byline.authors if a not in self.authors)


def _lines(text: str) -> list[_Line]:
    raw = [pt.normalise_spaces(line) for line in _NEWLINES.split(text.removeprefix("\ufeff"))]
    numbered = [(i + 1, line) for i, line in enumerate(raw) if line]
    result: list[_Line] = []
    for index, (number, line) in enumerate(numbered):
        previous = numbered[index - 1][0] if index else 0
        following = numbered[index + 1][0] if index + 1 < len(numbered) else number + 1000
        result.append(
            _Line(number, pt.fix_punctuation(line), number - previous - 1, following - number - 1)
        )
    return result


def _kind(line: _Line, sections: tuple[SectionConfig, ...]) -> _Kind:
    if pt.match_label(line.text, sections):
        return _Kind.LABEL
    if _HEADING.fullmatch(line.text):
        return _Kind.HEADING
    if pt.parse_byline(line.text):
        return _Kind.BYLINE
    if pt.split_run_in_byline(line.text):
        return _Kind.RUN_IN
    if pt.is_lone_name(line.text):
        return _Kind.NAME
    return _Kind.TEXT


_CREDITS = (_Kind.BYLINE, _Kind.RUN_IN, _Kind.NAME)


class _PageReader:
    """Walks the page's lines once, keeping the story being read."""

    def __init__(self, config: SiteConfig) -> None:
        self.sections = config.sections
        self.section: str | None = None
        self.drafts: list[_StoryDraft] = []
        self.current: _StoryDraft | None = None
        self.warnings: list[PageWarning] = []

    def warn(self, line: int, message: str) -> None:
        self.warnings.append(PageWarning(line, message))

    def read(self, lines: list[_Line]) -> None:
        kinds = [_kind(line, self.sections) for line in lines]
        after_headline = False
        for index, (line, kind) in enumerate(zip(lines, kinds, strict=True)):
            following = kinds[index + 1] if index + 1 < len(kinds) else None
            credit_due, after_headline = after_headline, False
            if kind is _Kind.LABEL:
                self.on_label(line)
            elif kind is _Kind.HEADING:
                after_headline = self.on_heading(line, following)
            elif kind in (_Kind.BYLINE, _Kind.NAME) and credit_due:
                self.on_credit(line)
            elif (
                kind is _Kind.BYLINE
                and self.current
                and not (self.current.byline and self.current.has_text)
            ):
                self.on_credit(line)
            elif kind is _Kind.RUN_IN and self.current and not self.current.has_text:
                self.on_run_in(line)
            elif following in (_Kind.BYLINE, _Kind.RUN_IN) and pt.is_headline_text(line.text):
                self.start_story(line.text, line)
                after_headline = True
            elif following is _Kind.NAME and pt.is_headline_text(line.text):
                self.start_story(line.text, line)
                after_headline = True
            else:
                self.on_text(line, following)
        self.close_story()

    def on_label(self, line: _Line) -> None:
        section = pt.match_label(line.text, self.sections)
        assert section is not None
        self.section = section.key
        # A headline and byline printed above the label, with no text yet, belong to it.
        if self.current and not self.current.has_text:
            self.current.section = section.key

    def on_heading(self, line: _Line, following: _Kind | None) -> bool:
        match = _HEADING.fullmatch(line.text)
        assert match is not None
        level, text = len(match[1]), match[2].strip()
        current = self.current
        starts_story = (
            level == 1
            or following in (*_CREDITS, _Kind.LABEL)
            or current is None
            or not current.has_text
        )
        if starts_story:
            self.start_story(text, line)
            return True
        assert current is not None
        self.end_paragraph(current, "paragraph ends mid-sentence before a sub-heading")
        current.body.append(Block(BlockKind.HEADING, text, line.number))
        return False

    def on_credit(self, line: _Line) -> None:
        assert self.current is not None
        byline = pt.parse_byline(line.text) or pt.Byline(line.text, (line.text,))
        self.current.add_credit(byline)

    def on_run_in(self, line: _Line) -> None:
        assert self.current is not None
        split = pt.split_run_in_byline(line.text)
        assert split is not None
        byline, rest = split
        self.current.add_credit(byline)
        self.add_paragraph(self.current, _Line(line.number, rest, line.gap_before, line.gap_after))

    def on_text(self, line: _Line, following: _Kind | None) -> None:
        current = self.current
        if current is None:
            what = (
                "page furniture dropped"
                if pt.is_furniture_text(line.text)
                else "text before the first headline skipped"
            )
            self.warn(line.number, f'{what}: "{pt.excerpt(line.text)}"')
            return
        if self.is_furniture(current, line, following):
            self.warn(line.number, f'page furniture dropped: "{line.text}"')
            return
        if line.gap_before >= 2 and line.gap_after >= 1 and pt.is_caption_text(line.text):
            current.body.append(Block(BlockKind.CAPTION, line.text, line.number))
            self.warn(line.number, f'caption guessed, confirm: "{pt.excerpt(line.text)}"')
            return
        self.add_paragraph(current, line)

    @staticmethod
    def is_furniture(story: _StoryDraft, line: _Line, following: _Kind | None) -> bool:
        """A column heading or page label: a short line without punctuation above a story's
        text, or between the two pieces of a paragraph cut by a column break (a piece spans
        a whole column, so it is never that short)."""
        if not pt.is_furniture_text(line.text):
            return False
        if not story.has_text:
            # Above the text, a longer line followed by text may be its first piece.
            return following is not _Kind.TEXT or pt.is_furniture_text(
                line.text, limit=pt.COLUMN_HEADING_MAX_CHARS
            )
        return story.open_paragraph is not None and following is _Kind.TEXT

    def add_paragraph(self, story: _StoryDraft, line: _Line) -> None:
        """Append a paragraph, or join it to the last one if that was cut mid-sentence
        (captions and dropped furniture in between stay after the joined paragraph)."""
        paragraph = story.open_paragraph
        if paragraph is not None:
            if len(paragraph.pieces) == 1 and pt.is_furniture_text(paragraph.text):
                self.warn(
                    paragraph.pieces[0][1],
                    "short line joined to the next paragraph, "
                    f'confirm (a sub-heading?): "{paragraph.text}"',
                )
            joined = pt.join_broken(paragraph.text, line.text)
            paragraph.pieces.append((len(joined) - len(line.text), line.number))
            paragraph.text = joined
        else:
            paragraph = _Paragraph([(0, line.number)], line.text)
            story.body.append(paragraph)
        story.open_paragraph = None if pt.ends_sentence(paragraph.text) else paragraph

    def end_paragraph(self, story: _StoryDraft, message: str) -> None:
        paragraph = story.open_paragraph
        if paragraph is not None:
            line = paragraph.pieces[-1][1]
            self.warn(line, f'{message}: "{pt.excerpt(paragraph.text, tail=True)}"')
            story.open_paragraph = None

    def start_story(self, title: str, line: _Line) -> None:
        self.close_story()
        self.current = _StoryDraft(title=title, line=line.number, section=self.section)
        self.drafts.append(self.current)

    def close_story(self) -> None:
        story = self.current
        if story is None:
            return
        self.end_paragraph(story, "story ends mid-sentence")
        for part in story.body:
            if isinstance(part, _Paragraph):
                for offset, clause in pt.repeated_clauses(part.text):
                    self.warn(
                        part.line_at(offset), f'clause repeated right after itself: "{clause}"'
                    )
        if not story.has_text:
            self.warn(story.line, f'story has no text: "{story.title}"')
        self.current = None


def _unique_slug(title: str, taken: set[str]) -> str:
    base = slugify(title) or "story"
    slug, number = base, 1
    while slug in taken:
        number += 1
        slug = f"{base}-{number}"
    taken.add(slug)
    return slug


def parse_page(
    text: str, config: SiteConfig, *, path: str = "PAGE.txt", default_section: str | None = None
) -> ImportPlan:
    """Find the stories on a page; raises ContentError when there are none.

    Stories above the first section label go to `default_section`, or with a warning to the
    first section in site.yaml.
    """
    if not config.sections:
        raise ContentError(
            "site.yaml declares no sections: expected at least one to import into",
            Location("site.yaml"),
        )
    fallback = config.section(default_section) if default_section else config.sections[0]
    if fallback is None:
        keys = ", ".join(s.key for s in config.sections)
        raise ContentError(f"unknown section '{default_section}': expected one of {keys}")
    reader = _PageReader(config)
    reader.read(_lines(text))
    if not reader.drafts:
        raise ContentError(
            "no stories found: expected a headline (a '#' heading, or a short line followed by "
            "a byline such as 本报记者 X)",
            Location(path),
        )
    warnings = list(reader.warnings)
    unlabelled = [d for d in reader.drafts if d.section is None]
    if unlabelled and default_section is None:
        warnings.append(
            PageWarning(
                unlabelled[0].line,
                f"no section label above this story: filed under '{fallback.key}'",
            )
        )
    stories: list[Story] = []
    taken: set[str] = set()
    orders: dict[str, int] = {}
    for draft in reader.drafts:
        section = draft.section or fallback.key
        orders[section] = orders.get(section, 0) + 1
        blocks = tuple(
            Block(BlockKind.PARAGRAPH, part.text, part.pieces[0][1])
            if isinstance(part, _Paragraph)
            else part
            for part in draft.body
        )
        stories.append(
            Story(
                section=section,
                title=draft.title,
                byline=draft.byline,
                authors=draft.authors,
                order=orders[section],
                paragraphs=blocks,
                line=draft.line,
                slug=_unique_slug(draft.title, taken),
            )
        )
    warnings.sort(key=lambda w: w.line)
    return ImportPlan(tuple(stories), tuple(warnings), path)
