"""The values layouts receive besides the model's: the page itself, navigation links,
pagination, the archive's years, an issue section's entries. Pure; renders nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import groupby

from .model import Article, Issue, SectionArchive

#: Articles shorter than this (Article.characters) may be printed in full on section pages.
BRIEF_CHARACTERS = 600

_URL_ATTRIBUTE = re.compile(r'\s(?:href|src|srcset|poster|action)="([^"]*)"')
_ID_ATTRIBUTE = re.compile(r"\sid=")


@dataclass(frozen=True, slots=True, kw_only=True)
class Page:
    """What every layout knows about the page it renders."""

    kind: str  #: the layout's stem: index, issue, issue_section, article, section, archive, 404
    title: str  #: the page's own title, e.g. the article's (base.html adds the site title)
    description: str  #: for `<meta name="description">`
    url: str  #: root-relative URL of the page, e.g. `/issues/2023-02-16/`

    @property
    def layout(self) -> str:
        return f"{self.kind}.html"

    @property
    def og_type(self) -> str:
        """Open Graph type: `article` for articles, `website` for every other page."""
        return "article" if self.kind == "article" else "website"

    @property
    def indexable(self) -> bool:
        """Whether search engines should index it and it has a canonical URL (not the 404)."""
        return self.kind != "404"


@dataclass(frozen=True, slots=True, kw_only=True)
class NavLink:
    """One link of the site navigation."""

    title: str
    url: str  #: root-relative
    current: str | None = None  #: value for aria-current: "page", "true" or None


@dataclass(frozen=True, slots=True, kw_only=True)
class PageLink:
    """One numbered page of a paginated list."""

    number: int  #: 1-based
    url: str  #: root-relative


@dataclass(frozen=True, slots=True, kw_only=True)
class Paginator:
    """One page of a section's articles across issues."""

    number: int  #: this page, 1-based
    pages: tuple[PageLink, ...]  #: all pages, in order
    items: tuple[Article, ...]  #: the articles on this page
    total: int  #: articles on all pages

    @property
    def count(self) -> int:
        return len(self.pages)

    @property
    def url(self) -> str:
        return self.pages[self.number - 1].url

    @property
    def window(self) -> tuple[PageLink | None, ...]:
        """The page links to show: first, last and two either side of this one; None is a gap.

        Listing every page would make each section page grow with the archive.
        """
        near = range(max(1, self.number - 2), min(self.count, self.number + 2) + 1)
        shown: list[PageLink | None] = []
        previous = 0
        for number in sorted({1, self.count, *near}):
            if number - previous > 1:
                shown.append(None)
            shown.append(self.pages[number - 1])
            previous = number
        return tuple(shown)

    @property
    def prev_url(self) -> str | None:
        return self.pages[self.number - 2].url if self.number > 1 else None

    @property
    def next_url(self) -> str | None:
        return self.pages[self.number].url if self.number < self.count else None


@dataclass(frozen=True, slots=True, kw_only=True)
class Entry:
    """An article on an issue's section page; `full` when its whole text is printed there."""

    article: Article
    full: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class ArchiveMonth:
    year: int
    month: int
    issues: tuple[Issue, ...]  #: newest first


@dataclass(frozen=True, slots=True, kw_only=True)
class ArchiveYear:
    year: int
    months: tuple[ArchiveMonth, ...]  #: newest first


def paginate(archive: SectionArchive, per_page: int) -> tuple[Paginator, ...]:
    """The pages of a section archive; page 1 is the section's URL, then `page/<n>/`."""
    per_page = max(1, per_page)
    chunks = [archive.articles[i : i + per_page] for i in range(0, len(archive.articles), per_page)]
    chunks = chunks or [()]
    links = tuple(
        PageLink(number=n, url=archive.url if n == 1 else f"{archive.url}page/{n}/")
        for n in range(1, len(chunks) + 1)
    )
    return tuple(
        Paginator(number=n, pages=links, items=chunk, total=len(archive.articles))
        for n, chunk in enumerate(chunks, start=1)
    )


def archive_years(issues: tuple[Issue, ...]) -> tuple[ArchiveYear, ...]:
    """Issues grouped by year, then month, newest first throughout."""
    ordered = sorted(issues, key=lambda i: i.date, reverse=True)
    return tuple(
        ArchiveYear(
            year=year,
            months=tuple(
                ArchiveMonth(year=year, month=month, issues=tuple(group))
                for month, group in groupby(in_year, key=lambda i: i.date.month)
            ),
        )
        for year, in_year in groupby(ordered, key=lambda i: i.date.year)
    )


def printable_in_full(article: Article) -> bool:
    """A brief whose body can sit on another page: no ids to clash, no relative URLs to break."""
    if article.characters >= BRIEF_CHARACTERS:
        return False
    if _ID_ATTRIBUTE.search(article.html):
        return False
    return all(
        target.startswith(("/", "http://", "https://", "mailto:"))
        for target in _URL_ATTRIBUTE.findall(article.html)
    )
