"""The site's data: frozen values passed from stage to stage.

No IO and no third-party imports; URLs are root-relative paths starting with `/`
(the base path of `base_url` is added by the templates' `url` filter).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from types import MappingProxyType
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from .errors import Location

EMPTY: Mapping[str, Any] = MappingProxyType({})
_T = TypeVar("_T")
_E = TypeVar("_E", "Article", "IssueInfo")


def _fields(value: object) -> tuple[Any, ...]:
    """A model value's fields in order (its slots are its fields), for pickling.

    `extra` goes as a plain dict: a mapping proxy cannot be pickled.
    """
    return tuple(
        dict(getattr(value, name)) if name == "extra" else getattr(value, name)
        for name in vars(type(value))["__slots__"]
    )


def _restore(cls: type[_T], values: tuple[Any, ...]) -> _T:
    """A model value back from `_fields`: how pickle rebuilds one (see the `__reduce__`s).

    dataclasses' own `__setstate__` for frozen slots classes looks up the fields on every
    call, which made loading 10,000 cached articles slow.
    """
    value = object.__new__(cls)
    for set_field, item in zip(_SETTERS[cls], values, strict=True):
        set_field(value, item)
    return value


def _restore_with_extra(cls: type[_E], values: tuple[Any, ...]) -> _E:
    value = _restore(cls, values)
    object.__setattr__(value, "extra", MappingProxyType(value.extra))
    return value


def issue_url(day: date) -> str:
    """The URL of the issue of `day`, under which its articles and files are published:
    `/issues/2023-02-16/`."""
    return f"/issues/{day.isoformat()}/"


def midnight_stamp(day: date, timezone: str) -> str:
    """Midnight of `day` in `timezone` in RFC 3339, as feeds and page metadata date an issue:
    `2023-02-16T00:00:00+08:00`. Before standard time a zone's offset has seconds (Shanghai's
    local mean time was +08:05:43), which RFC 3339 cannot write: that instant is given in UTC.
    """
    stamp = datetime.combine(day, time(0), tzinfo=ZoneInfo(timezone))
    offset = stamp.utcoffset()
    if offset is not None and offset.seconds % 60:
        stamp = stamp.astimezone(UTC)
        return stamp.replace(tzinfo=None).isoformat() + "Z"
    return stamp.isoformat()


def empty() -> Mapping[str, Any]:
    """A shared read-only empty mapping, as a dataclass default factory."""
    return EMPTY


@dataclass(frozen=True, slots=True, kw_only=True)
class SectionConfig:
    """A section as declared in site.yaml, e.g. `focus` / 本期关注."""

    key: str  #: ASCII key used in URLs
    title: str  #: printed name, e.g. 信息直通车
    subtitle: str | None = None  #: romanised or secondary name, e.g. ZHITONGCHE
    description: str | None = None  #: one-line description for section pages


@dataclass(frozen=True, slots=True, kw_only=True)
class SiteConfig:
    """Everything site.yaml says, validated."""

    title: str  #: masthead title
    description: str = ""  #: one-line description of the periodical
    base_url: str = "/"  #: absolute URL or path of the site root, always ending in `/`
    language: str = "zh-CN"  #: BCP 47 tag for `<html lang>`
    timezone: str = "Asia/Shanghai"  #: IANA zone in which issue dates are read
    sections: tuple[SectionConfig, ...] = ()  #: in printed order
    allow_html: bool = False  #: pass raw HTML in Markdown through instead of escaping it
    paginate: int = 10  #: articles per page on cross-issue section pages
    search: bool = True  #: build the Pagefind index and /search/
    params: Mapping[str, Any] = field(default_factory=empty)  #: free-form values for layouts
    #: the path part of base_url: `/` or e.g. `/paper/` (worked out once: every link uses it)
    base_path: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        rest = self.base_url.split("://", 1)[1] if "://" in self.base_url else self.base_url
        if "://" in self.base_url:
            slash = rest.find("/")
            rest = rest[slash:] if slash >= 0 else "/"
        object.__setattr__(self, "base_path", rest if rest.endswith("/") else rest + "/")

    @property
    def has_host(self) -> bool:
        """Whether base_url is an absolute URL (scheme and host), not only a path."""
        return "://" in self.base_url

    def absolute_url(self, url: str) -> str:
        """Root-relative `url` under base_url: absolute when base_url has a host, else a path."""
        base = self.base_url if self.has_host else self.base_path
        return base.rstrip("/") + "/" + url.removeprefix("/")

    def section(self, name: str) -> SectionConfig | None:
        """The section whose key or title is `name`."""
        for section in self.sections:
            if name in (section.key, section.title):
                return section
        return None


@dataclass(frozen=True, slots=True, kw_only=True)
class Heading:
    """A heading inside an article body."""

    level: int  #: 2..6 (the article title is the h1)
    text: str  #: plain text
    anchor: str  #: unique id within the article

    def __reduce__(self) -> tuple[Any, ...]:
        return _restore, (Heading, _fields(self))


@dataclass(frozen=True, slots=True, kw_only=True)
class Link:
    """A link or image target found in Markdown, for validation."""

    target: str  #: as written
    line: int  #: 1-based line in the source file
    is_image: bool = False

    def __reduce__(self) -> tuple[Any, ...]:
        return _restore, (Link, _fields(self))


@dataclass(frozen=True, slots=True, kw_only=True)
class Article:
    """One story, complete: front matter, rendered body, and where it came from."""

    source: Location  #: the .md file (line of its first front-matter key not needed here)
    issue_date: date  #: from the issue folder's name
    slug: str  #: ASCII, unique within the issue
    section: str  #: key of its section
    title: str
    kicker: str | None = None  #: 引题, printed above the title
    subtitle: str | None = None  #: 副题, printed below the title
    byline: str | None = None  #: as printed, e.g. 本报记者 曲宏
    authors: tuple[str, ...] = ()
    order: int | None = None  #: explicit position in its section
    summary: str = ""  #: plain text, from front matter or the first paragraph
    summary_given: bool = False  #: whether `summary` came from the front matter
    tags: tuple[str, ...] = ()
    draft: bool = False
    html: str = ""  #: rendered body
    headings: tuple[Heading, ...] = ()
    links: tuple[Link, ...] = ()
    characters: int = 0  #: countable characters of the body, for reading time
    extra: Mapping[str, Any] = field(default_factory=empty)
    #: front-matter keys we do not know, for layouts

    @property
    def url(self) -> str:
        return f"{issue_url(self.issue_date)}{self.slug}/"

    @property
    def reading_minutes(self) -> int:
        """About 400 Chinese characters a minute, at least one."""
        return max(1, round(self.characters / 400))

    def __reduce__(self) -> tuple[Any, ...]:
        return _restore_with_extra, (Article, _fields(self))


@dataclass(frozen=True, slots=True, kw_only=True)
class IssueInfo:
    """What an issue folder's optional issue.yaml says."""

    source: Location  #: the issue folder, or its issue.yaml
    issue_date: date
    number: int | None = None  #: 期号
    volume: int | None = None  #: 卷 / total number
    title: str | None = None  #: theme of the issue
    editor: str | None = None
    draft: bool = False
    note: str | None = None  #: editorial note, e.g. why this date
    extra: Mapping[str, Any] = field(default_factory=empty)

    def __reduce__(self) -> tuple[Any, ...]:
        return _restore_with_extra, (IssueInfo, _fields(self))


@dataclass(frozen=True, slots=True, kw_only=True)
class IssueSection:
    """One section's articles within one issue, in order."""

    section: SectionConfig
    articles: tuple[Article, ...]

    @property
    def key(self) -> str:
        return self.section.key


@dataclass(frozen=True, slots=True, kw_only=True)
class Issue:
    """A dated issue with its sections in site.yaml order (empty sections left out)."""

    info: IssueInfo
    sections: tuple[IssueSection, ...]

    @property
    def date(self) -> date:
        return self.info.issue_date

    @property
    def url(self) -> str:
        return issue_url(self.date)

    @property
    def articles(self) -> tuple[Article, ...]:
        return tuple(a for s in self.sections for a in s.articles)

    def section_url(self, key: str) -> str:
        return f"{self.url}{key}/"


@dataclass(frozen=True, slots=True, kw_only=True)
class SectionArchive:
    """A section across all issues, newest first."""

    section: SectionConfig
    articles: tuple[Article, ...]

    @property
    def url(self) -> str:
        return f"/sections/{self.section.key}/"


@dataclass(frozen=True, slots=True, kw_only=True)
class StaticFile:
    """A file copied as it is: an issue's image or an asset."""

    source: str  #: path relative to the site root (or absolute for bundled assets)
    url: str  #: output path, starting with `/`


@dataclass(frozen=True, slots=True, kw_only=True)
class Site:
    """The assembled periodical: issues newest first, sections across issues."""

    config: SiteConfig
    issues: tuple[Issue, ...]  #: newest first
    sections: tuple[SectionArchive, ...]  #: in site.yaml order
    files: tuple[StaticFile, ...] = ()  #: issue files to copy
    build_date: date | None = None  #: from SOURCE_DATE_EPOCH or the latest issue

    @property
    def latest(self) -> Issue | None:
        return self.issues[0] if self.issues else None

    @property
    def articles(self) -> tuple[Article, ...]:
        return tuple(a for issue in self.issues for a in issue.articles)


@dataclass(frozen=True, slots=True, kw_only=True)
class OutputFile:
    """One file of the built site."""

    path: str  #: relative to the output root, `/`-separated, no leading slash
    content: bytes = b""
    copy_from: str | None = None  #: absolute source path to copy instead of `content`
    origin: str = field(default="")  #: what produced it, for collision messages


#: The field setters of each type pickled by `_fields`, in field order, for `_restore`.
_SETTERS: Mapping[type, tuple[Callable[[object, object], None], ...]] = MappingProxyType(
    {
        cls: tuple(vars(cls)[name].__set__ for name in vars(cls)["__slots__"])
        for cls in (Heading, Link, Article, IssueInfo)
    }
)
