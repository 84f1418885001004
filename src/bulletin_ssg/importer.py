"""`bulletin import`: a parsed page (see page_parse) as Markdown articles in an issue folder.

Writes only into the issue folder it is given, and never over an existing file unless forced;
printing and exiting stay in cli.py.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

from .errors import ContentError, Location, OutputError
from .links import issue_folder_date
from .page_parse import Block, BlockKind, ImportPlan, PageWarning, Story, parse_page

__all__ = [
    "Block",
    "BlockKind",
    "ImportPlan",
    "PageWarning",
    "Story",
    "describe_plan",
    "parse_issue_date",
    "parse_page",
    "story_markdown",
    "write_plan",
]

PLACEHOLDER = "images/photo-placeholder.svg"  #: relative to the issue folder
PLACEHOLDER_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="640" height="400" viewBox="0 0 640 400">\n'
    '<rect x="1" y="1" width="638" height="398" fill="#f3f3f3" stroke="#c8c8c8" '
    'stroke-width="2"/>\n'
    "</svg>\n"
)

_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]<>&~])")
_BLOCK_START = re.compile(r"^(#|>|[-+*=](?:\s|$)|\d+[.)](?:\s|$))")


def _yaml_string(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def _escape_inline(text: str) -> str:
    """Backslash-escape what Markdown would read as markup, so OCR text stays text."""
    escaped = _INLINE_SPECIAL.sub(r"\\\1", text)
    start = _BLOCK_START.match(escaped)
    if start:
        marker = start.group(1)
        if marker[0].isdigit():
            digits = len(marker.rstrip().rstrip(".)"))
            escaped = escaped[:digits] + "\\" + escaped[digits:]
        else:
            escaped = "\\" + escaped
    return escaped


def _block_markdown(block: Block) -> str:
    if block.kind is BlockKind.HEADING:
        return f"## {_escape_inline(block.text)}"
    if block.kind is BlockKind.CAPTION:
        title = block.text.replace("\\", "\\\\").replace('"', '\\"')
        return f'![]({PLACEHOLDER} "{title}")'
    return _escape_inline(block.text)


def story_markdown(story: Story) -> str:
    """The article file: YAML front matter (title, section, byline, authors, order), then body."""
    meta = [
        f"title: {_yaml_string(story.title)}",
        f"section: {_yaml_string(story.section)}",
    ]
    if story.byline:
        meta.append(f"byline: {_yaml_string(story.byline)}")
    if story.authors:
        meta.append(f"authors: [{', '.join(_yaml_string(a) for a in story.authors)}]")
    meta.append(f"order: {story.order}")
    body = "\n\n".join(_block_markdown(block) for block in story.paragraphs)
    return "---\n" + "\n".join(meta) + "\n---\n" + (f"\n{body}\n" if body else "")


def write_plan(plan: ImportPlan, issue_dir: Path, *, force: bool = False) -> tuple[Path, ...]:
    """Write one Markdown file per story (and the caption placeholder image if missing).

    Refuses, before writing anything, to replace an existing article unless `force`.
    """
    articles = [(issue_dir / story.file_name, story_markdown(story)) for story in plan.stories]
    if not force:
        for path, _ in articles:
            if path.exists():
                raise ContentError(
                    f"{path.name} already exists: expected a new file (use --force to overwrite)",
                    Location(str(path)),
                )
    placeholder = issue_dir / PLACEHOLDER
    wants_placeholder = any(
        block.kind is BlockKind.CAPTION for story in plan.stories for block in story.paragraphs
    )
    if wants_placeholder and not placeholder.exists():
        articles.append((placeholder, PLACEHOLDER_SVG))
    written: list[Path] = []
    for path, text in articles:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8", newline="\n")
        except OSError as exc:
            raise OutputError(
                f"cannot write {path.name}: {exc.strerror or exc}", Location(str(path))
            ) from exc
        written.append(path)
    return tuple(written)


def _count(number: int, noun: str, plural: str | None = None) -> str:
    return f"{number} {noun if number == 1 else plural or noun + 's'}"


def _warning_line(plan: ImportPlan, item: PageWarning) -> str:
    return f"{plan.source}:{item.line}: warning: {item.message}"


def describe_plan(plan: ImportPlan) -> str:
    """What an import would write, for --dry-run: one entry per story, then the warnings."""
    stories = _count(len(plan.stories), "story", "stories")
    lines = [f"{plan.source}: {stories}, {_count(len(plan.warnings), 'warning')}"]
    for story in plan.stories:
        kinds = [block.kind for block in story.paragraphs]
        parts = [_count(kinds.count(BlockKind.PARAGRAPH), "paragraph")]
        if BlockKind.HEADING in kinds:
            parts.append(_count(kinds.count(BlockKind.HEADING), "sub-heading"))
        if BlockKind.CAPTION in kinds:
            parts.append(_count(kinds.count(BlockKind.CAPTION), "caption"))
        lines += [
            "",
            f"{story.section} #{story.order}: {story.title}  (line {story.line})",
            f"  byline: {story.byline or '-'}",
            f"  {', '.join(parts)}",
            f"  -> {story.file_name}",
        ]
    if plan.warnings:
        lines.append("")
        lines += [_warning_line(plan, item) for item in plan.warnings]
    return "\n".join(lines) + "\n"


def parse_issue_date(text: str) -> date:
    """`2023-02-16` -> date; the issue folder's name must be a real YYYY-MM-DD date."""
    found = issue_folder_date(text)
    if found is not None:
        return found
    raise ContentError(f"issue date: got {_yaml_string(text)}, expected YYYY-MM-DD")
