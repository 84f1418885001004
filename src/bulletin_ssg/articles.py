"""One article file: read it, split its front matter, check its fields, render its body.

Per-file work that may run in a worker process, so values cross as picklable wire forms;
knows nothing of the content tree's layout, caches or pools.
"""

from __future__ import annotations

import hashlib
import os
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from . import fields
from .errors import ContentError, Diagnostic, Location, error
from .frontmatter import FrontMatter, split
from .links import ArticleLinks, LinkMap
from .model import Article, SiteConfig
from .summary import summarize

if TYPE_CHECKING:  # imported where used: a build that renders no article never loads it
    from .markup import Markup

ARTICLE_KEYS = frozenset(
    {
        "title",
        "section",
        "kicker",
        "subtitle",
        "byline",
        "authors",
        "order",
        "summary",
        "tags",
        "slug",
        "draft",
    }
)

#: Files asked of the disk ahead of the one being split (`split_many`), at most; never more
#: than a quarter of the descriptors the process may have open.
READ_AHEAD = 256

#: FrontMatter as plain values: (meta, key lines, body, body's first line).
FrontWire = tuple[dict[str, Any], dict[str, int], str, int]
T = TypeVar("T")


#: Sets one field of a frozen slots dataclass: its slot's `__set__`.
FieldSetter = Callable[[object, object], None]


def field_setters(cls: type) -> tuple[FieldSetter, ...]:
    """A frozen slots dataclass's field setters, in field order (its slots are its fields)."""
    return tuple(vars(cls)[name].__set__ for name in vars(cls)["__slots__"])


def field_values(value: object) -> tuple[Any, ...]:
    """A slots dataclass's field values, in field order, for pickling."""
    return tuple(getattr(value, name) for name in vars(type(value))["__slots__"])


def restore(cls: type[T], setters: tuple[FieldSetter, ...], values: tuple[Any, ...]) -> T:
    """A frozen slots value back from `field_values`: how pickle rebuilds a cached record.

    dataclasses' own `__setstate__` for frozen slots classes looks up the fields on every
    call, which made loading 10,000 cached articles slow.
    """
    value = object.__new__(cls)
    for set_field, item in zip(setters, values, strict=True):
        set_field(value, item)
    return value


class Source(NamedTuple):
    """An article file read and split, before its body is rendered (a tuple: one per article
    is made on every build)."""

    path: str  #: site-relative, e.g. content/2023-02-16/foo.md
    issue_date: date
    front: FrontWire  #: as split (read-only: shared with the file's record)
    slug_base: str  #: file stem, or folder name for a bundle


@dataclass(frozen=True, slots=True, kw_only=True)
class SplitTask:
    """An article file to read and split, as the walk of content/ found it."""

    file: str  #: absolute or cwd-relative path to open
    path: str  #: site-relative path, for messages


@dataclass(frozen=True, slots=True, kw_only=True)
class SplitOutcome:
    """What reading and splitting one file gave: its digest, and front matter or an error."""

    path: str
    digest: bytes  #: of the file's bytes; empty when it could not be read
    front: FrontWire | None
    problem: Diagnostic | None


@dataclass(frozen=True, slots=True, kw_only=True)
class RenderTask:
    """One article to check and render, with its slug (None when slugging failed)."""

    path: str
    issue_date: date
    slug: str | None
    front: FrontWire


@dataclass(frozen=True, slots=True, kw_only=True)
class RenderJob:
    """A chunk of articles for one worker, with what every article of the chunk needs."""

    config: SiteConfig  #: with `params` emptied (not needed here, and not picklable)
    root: Path
    targets: dict[str, str]  #: LinkMap targets: source path -> URL
    broken: frozenset[str] = frozenset()  #: LinkMap broken: article files with errors
    tasks: tuple[RenderTask, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class RenderOutcome:
    """One article checked and rendered, with every link answer its HTML relied on."""

    path: str
    article: Article | None  #: None when it has errors
    diagnostics: tuple[Diagnostic, ...]
    resolved: dict[str, str | None]
    measured: dict[str, tuple[int, int] | None]

    def __reduce__(self) -> tuple[Any, ...]:
        return _restore_outcome, (field_values(self),)


_OUTCOME_SETTERS = field_setters(RenderOutcome)


def _restore_outcome(values: tuple[Any, ...]) -> RenderOutcome:
    return restore(RenderOutcome, _OUTCOME_SETTERS, values)


def digest_of(data: bytes) -> bytes:
    """The cache's content hash."""
    return hashlib.blake2b(data, digest_size=16).digest()


def decode(data: bytes, path: str) -> str:
    """UTF-8 text of a file, or a ContentError naming the line of the first bad byte."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        hint = "save the file as UTF-8"
        try:
            data.decode("gb18030")
            hint = "it looks like GBK/GB18030; save the file as UTF-8"
        except UnicodeDecodeError:
            pass
        raise ContentError(
            f"not valid UTF-8 (byte 0x{data[exc.start]:02x}), expected UTF-8 text",
            Location(path, line),
            hint,
        ) from exc


def read_bytes(file: str, path: str, opened: int | None = None) -> bytes:
    """A file's bytes; `opened`, a descriptor of it already open, is read and closed instead."""
    try:
        with open(file if opened is None else opened, "rb") as stream:
            return stream.read()
    except OSError as exc:
        raise ContentError(f"cannot read file: {exc.strerror}", Location(path)) from exc


def asked_for(file: str) -> int | None:
    """A descriptor of `file`, its bytes asked of the disk to be read in the background
    (posix_fadvise WILLNEED); None where that cannot be done (the file is then opened when
    read, and any error said then)."""
    advise = getattr(os, "posix_fadvise", None)
    if advise is None:
        return None
    try:
        opened = os.open(file, os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        advise(opened, 0, 0, os.POSIX_FADV_WILLNEED)
    except OSError:
        pass  # only a hint
    return opened


def ask_for(file: str) -> None:
    """Ask the disk to read `file` in the background (see `asked_for`)."""
    opened = asked_for(file)
    if opened is not None:
        os.close(opened)


def read_ahead() -> int:
    """How many files `split_many` asks for ahead: READ_AHEAD, or a quarter of the process's
    limit of open descriptors when that is lower (the rest are for everything else)."""
    try:
        import resource  # not on Windows, where nothing is asked ahead anyway
    except ImportError:
        return 1
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    return READ_AHEAD if soft == resource.RLIM_INFINITY else max(1, min(READ_AHEAD, soft // 4))


def front_to_wire(front: FrontMatter) -> FrontWire:
    return dict(front.meta), dict(front.key_lines), front.body, front.body_first_line


def split_one(task: SplitTask, opened: int | None = None) -> SplitOutcome:
    """Read and split one file (from `opened`, a descriptor of it, which is closed); every
    problem is returned, never raised."""
    try:
        data = read_bytes(task.file, task.path, opened)
    except ContentError as exc:
        return SplitOutcome(path=task.path, digest=b"", front=None, problem=exc.to_diagnostic())
    digest = digest_of(data)
    try:
        front = split(decode(data, task.path), task.path)
    except ContentError as exc:
        return SplitOutcome(path=task.path, digest=digest, front=None, problem=exc.to_diagnostic())
    return SplitOutcome(path=task.path, digest=digest, front=front_to_wire(front), problem=None)


def split_many(tasks: list[SplitTask]) -> list[SplitOutcome]:
    """A worker's chunk of `split_one`, in the order given. The next READ_AHEAD files are
    asked for before each is split, so that files not in memory are read from the disk while
    the ones before them are split."""
    outcomes: list[SplitOutcome] = []
    ahead: deque[int | None] = deque()
    window = read_ahead()
    try:
        for number, task in enumerate(tasks):
            for later in tasks[number + len(ahead) : number + window]:
                ahead.append(asked_for(later.file))
            outcomes.append(split_one(task, ahead.popleft()))
    finally:
        for opened in ahead:
            if opened is not None:
                os.close(opened)
    return outcomes


def render_many(job: RenderJob) -> list[RenderOutcome]:
    """A worker's chunk of articles, checked and rendered in the order given."""
    if not job.tasks:
        return []
    from .markup import Markup  # markdown-it: ~25 ms to import

    markup = Markup(allow_html=job.config.allow_html)
    link_map = LinkMap(job.targets, job.root, job.config.base_path, job.broken)
    return [render_one(task, job.config, markup, link_map) for task in job.tasks]


def render_one(
    task: RenderTask, config: SiteConfig, markup: Markup, link_map: LinkMap
) -> RenderOutcome:
    diagnostics: list[Diagnostic] = []
    source = Source(
        path=task.path,
        issue_date=task.issue_date,
        front=task.front,
        slug_base="",
    )
    links = link_map.for_article(task.path)
    article = parse_article(source, task.slug, config, markup, links, diagnostics)
    return RenderOutcome(
        path=task.path,
        article=article,
        diagnostics=tuple(diagnostics),
        resolved=links.resolved,
        measured=links.measured,
    )


def parse_article(
    source: Source,
    slug: str | None,
    config: SiteConfig,
    markup: Markup,
    links: ArticleLinks,
    diagnostics: list[Diagnostic],
) -> Article | None:
    """Check one article's front matter and render its body; None if it has errors."""
    meta, lines, body, body_first_line = source.front
    before = len(diagnostics)
    check = fields.Checker(source.path, lines, diagnostics)
    title = check.text(meta, "title", required=True)
    section_name = check.text(meta, "section", required=True)
    section = config.section(section_name) if section_name else None
    if section_name and section is None:
        known = ", ".join(f"{s.key} ({s.title})" for s in config.sections)
        check.fail("section", f"unknown section {section_name!r}, expected one of: {known}")
    kicker = check.text(meta, "kicker")
    subtitle = check.text(meta, "subtitle")
    byline = check.text(meta, "byline")
    authors = check.text_list(meta, "authors", single_ok=True) or ()
    order = check.integer(meta, "order")
    summary = check.text(meta, "summary")
    tags = check.text_list(meta, "tags") or ()
    draft = check.boolean(meta, "draft")
    rendered = markup.render(
        body,
        first_line=body_first_line,
        resolve=links.resolve,
        measure=links.measure,
    )
    missing = links.missing
    for link in rendered.links:
        if link.target in missing:
            kind = "image" if link.is_image else "link target"
            diagnostics.append(
                error(
                    f"{kind} {link.target!r} not found, expected a file of the site "
                    "(relative to this article)",
                    Location(source.path, link.line),
                )
            )
            missing = missing - {link.target}
    if len(diagnostics) > before or slug is None or title is None or section is None:
        return None
    extra: dict[str, Any] = {k: v for k, v in meta.items() if k not in ARTICLE_KEYS}
    return Article(
        source=Location(source.path, 1),
        issue_date=source.issue_date,
        slug=slug,
        section=section.key,
        title=title,
        kicker=kicker,
        subtitle=subtitle,
        byline=byline,
        authors=authors,
        order=order,
        summary=summary or summarize(rendered.first_paragraph),
        summary_given=summary is not None,
        tags=tags,
        draft=draft,
        html=rendered.html,
        headings=rendered.headings,
        links=rendered.links,
        characters=rendered.characters,
        extra=MappingProxyType(extra),
    )
