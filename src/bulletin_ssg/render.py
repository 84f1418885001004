"""Site + Jinja environment -> the HTML pages of the site, as OutputFiles.

Decides which pages exist, their URLs and what each layout receives; writes nothing.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from itertools import groupby
from pathlib import Path
from typing import Any

import jinja2

from .model import Article, Issue, IssueSection, OutputFile, SectionArchive, Site
from .pagemeta import article_meta, feed_links, og_locale
from .templates import cn_date, render_template

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


def render_pages(site: Site, env: jinja2.Environment, *, root: Path) -> tuple[OutputFile, ...]:
    """Every HTML page of the site, in a fixed order."""
    return tuple(
        render_page(env, page, values, origin, root=root)
        for page, values, origin in page_contexts(site)
    )


def page_contexts(site: Site) -> Iterator[tuple[Page, dict[str, Any], str]]:
    """Every page of the site with the values its layout receives and what it is, in order.

    For callers that render only some pages (incremental builds); `render_page` renders one.
    """
    return (spec.build() for spec in page_specs(site))


#: Values every layout receives that are computed for the page (not model values as they are).
COMMON_DERIVED = frozenset({"page", "nav", "feeds", "og_locale"})


@dataclass(frozen=True, slots=True, kw_only=True)
class PageSpec:
    """A page before its values are built: what it is and everything they are made from.

    The layout receives `given` as they are, plus values named in `derived`, each computed
    from `derived_from` and `site_inputs(site)` only, so a page whose given values (as far as
    its layout reads them) and derived_from are unchanged needs no values built at all.
    """

    kind: str  #: the layout's stem
    url: str
    origin: str
    given: Mapping[str, Any]  #: model values passed to the layout unchanged
    derived: frozenset[str]  #: names of the values computed for the page
    derived_from: tuple[object, ...]  #: the model values those are computed from
    build: Callable[[], tuple[Page, dict[str, Any], str]]  #: the page and all its values

    @property
    def layout(self) -> str:
        return f"{self.kind}.html"


def site_inputs(site: Site) -> tuple[object, ...]:
    """What every page's derived values may read of the site: config and the nav targets."""
    return (site.config, tuple((s.section.title, s.url) for s in site.sections))


def page_specs(site: Site) -> Iterator[PageSpec]:
    """Every page of the site, in order, with its values left to build."""
    return _specs(site)


def render_page(
    env: jinja2.Environment, page: Page, values: dict[str, Any], origin: str, *, root: Path
) -> OutputFile:
    """One page of `page_contexts`, rendered."""
    return OutputFile(
        path=output_path(page.url),
        content=render_template(env, page.layout, values, root=root).encode("utf-8"),
        origin=origin,
    )


def output_path(url: str) -> str:
    """`/issues/x/` → `issues/x/index.html`; `/404.html` → `404.html`."""
    path = url.lstrip("/")
    return path + "index.html" if path == "" or path.endswith("/") else path


def context(site: Site, page: Page, **values: Any) -> dict[str, Any]:
    """The values a layout receives: the common ones, then the page's own.

    The single place to add what base.html needs on every page.
    """
    common: dict[str, Any] = {
        "site": site,
        "config": site.config,
        "page": page,
        "nav": nav_links(site, page),
        "issue": None,
        "feeds": feed_links(site.config),
        "og_locale": og_locale(site.config.language),
    }
    return common | values


def nav_links(site: Site, page: Page) -> tuple[NavLink, ...]:
    """首页, the sections, 往期回顾, with aria-current on the one the page is, or is under."""
    targets = [
        ("首页", "/"),
        *((s.section.title, s.url) for s in site.sections),
        ("往期回顾", "/archive/"),
    ]

    def current(url: str) -> str | None:
        if page.url == url:
            return "page"
        if url != "/" and page.kind == "section" and page.url.startswith(url):
            return "true"
        return None

    return tuple(NavLink(title=t, url=u, current=current(u)) for t, u in targets)


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


def issue_heading(issue: Issue) -> str:
    """2023年2月16日 第5期, or just the date when the number is unknown."""
    text = cn_date(issue.date)
    return f"{text} 第{issue.info.number}期" if issue.info.number is not None else text


# -- the pages ---------------------------------------------------------------------------------

_Rendered = tuple[Page, dict[str, Any], str]


def _spec(
    site: Site,
    kind: str,
    url: str,
    origin: str,
    build: Callable[[], _Rendered],
    *,
    given: Mapping[str, Any] | None = None,
    derived: frozenset[str] = frozenset(),
    derived_from: tuple[object, ...] = (),
) -> PageSpec:
    return PageSpec(
        kind=kind,
        url=url,
        origin=origin,
        given={"site": site, "config": site.config, "issue": None, **(given or {})},
        derived=COMMON_DERIVED | derived,
        derived_from=derived_from,
        build=build,
    )


def _specs(site: Site) -> Iterator[PageSpec]:
    # Each spec lists what its builder reads: keep them in step when a builder changes.
    partial = functools.partial
    yield _spec(site, "index", "/", "front page", partial(_front_page, site),
                given={"issue": site.latest})  # fmt: skip
    for position, issue in enumerate(site.issues):
        newer = site.issues[position - 1] if position > 0 else None
        older = site.issues[position + 1] if position + 1 < len(site.issues) else None
        source = issue.info.source.path
        yield _spec(
            site, "issue", issue.url, f"issue {source}",
            partial(_issue_page, site, issue, newer=newer, older=older),
            given={"issue": issue, "newer_issue": newer, "older_issue": older},
            derived_from=(issue.date, issue.info),
        )  # fmt: skip
        for part in issue.sections:
            yield _spec(
                site, "issue_section", issue.section_url(part.key),
                f"issue {source} section {part.key}",
                partial(_issue_section_page, site, issue, part),
                given={"issue": issue, "issue_section": part},
                derived=frozenset({"entries"}),
                derived_from=(issue.date, part),
            )  # fmt: skip
        placed = [(part, article) for part in issue.sections for article in part.articles]
        for index, (part, article) in enumerate(placed):
            previous = placed[index - 1][1] if index > 0 else None
            following = placed[index + 1][1] if index + 1 < len(placed) else None
            yield _spec(
                site, "article", article.url, str(article.source),
                partial(_article_page, site, issue, part, article, previous, following),
                given={"issue": issue, "issue_section": part, "article": article,
                       "prev_article": previous, "next_article": following},
                derived=frozenset({"meta"}),
                derived_from=(issue.date, issue.info, issue.url, part.key, part.section, article),
            )  # fmt: skip
    for archive in site.sections:
        for paginator in paginate(archive, site.config.paginate):
            yield _spec(
                site, "section", paginator.url,
                f"section {archive.section.key} page {paginator.number}",
                partial(_section_page, site, archive, paginator),
                given={"section": archive, "paginator": paginator},
                derived_from=(archive.section, paginator.number),
            )  # fmt: skip
    years = archive_years(site.issues)
    yield _spec(site, "archive", "/archive/", "archive", partial(_archive_page, site, years),
                given={"years": years})  # fmt: skip
    if site.config.search:
        yield _spec(site, "search", "/search/", "search page", partial(_search_page, site))
    yield _spec(site, "404", "/404.html", "404 page", partial(_not_found_page, site))


def _front_page(site: Site) -> _Rendered:
    config = site.config
    page = Page(kind="index", title=config.title, description=config.description, url="/")
    return page, context(site, page, issue=site.latest), "front page"


def _issue_page(site: Site, issue: Issue, *, newer: Issue | None, older: Issue | None) -> _Rendered:
    source = issue.info.source.path
    description = issue.info.title or site.config.description
    page = Page(kind="issue", title=issue_heading(issue), description=description, url=issue.url)
    return (
        page,
        context(site, page, issue=issue, newer_issue=newer, older_issue=older),
        f"issue {source}",
    )


def _issue_section_page(site: Site, issue: Issue, part: IssueSection) -> _Rendered:
    page = Page(
        kind="issue_section",
        title=f"{part.section.title} · {cn_date(issue.date)}",
        description=part.section.description or site.config.description,
        url=issue.section_url(part.key),
    )
    entries = tuple(Entry(article=a, full=printable_in_full(a)) for a in part.articles)
    values = context(
        site,
        page,
        issue=issue,
        issue_section=part,
        entries=entries,
        feeds=feed_links(site.config, part.key),
    )
    return page, values, f"issue {issue.info.source.path} section {part.key}"


def _article_page(
    site: Site,
    issue: Issue,
    part: IssueSection,
    article: Article,
    previous: Article | None,
    following: Article | None,
) -> _Rendered:
    page = Page(
        kind="article",
        title=article.title,
        description=article.summary or site.config.description,
        url=article.url,
    )
    values = context(
        site,
        page,
        issue=issue,
        issue_section=part,
        article=article,
        prev_article=previous,
        next_article=following,
        feeds=feed_links(site.config, part.key),
        meta=article_meta(site, issue, part, article),
    )
    return page, values, str(article.source)


def _section_page(site: Site, archive: SectionArchive, paginator: Paginator) -> _Rendered:
    section = archive.section
    title = section.title if paginator.number == 1 else f"{section.title} · 第{paginator.number}页"
    page = Page(
        kind="section",
        title=title,
        description=section.description or site.config.description,
        url=paginator.url,
    )
    values = context(
        site,
        page,
        section=archive,
        paginator=paginator,
        feeds=feed_links(site.config, section.key),
    )
    return page, values, f"section {section.key} page {paginator.number}"


def _archive_page(site: Site, years: tuple[ArchiveYear, ...]) -> _Rendered:
    page = Page(
        kind="archive", title="往期回顾", description=site.config.description, url="/archive/"
    )
    return page, context(site, page, years=years), "archive"


def _search_page(site: Site) -> _Rendered:
    page = Page(kind="search", title="搜索", description=site.config.description, url="/search/")
    return page, context(site, page), "search page"


def _not_found_page(site: Site) -> _Rendered:
    page = Page(
        kind="404", title="页面未找到", description=site.config.description, url="/404.html"
    )
    return page, context(site, page), "404 page"
