"""Which pages the site has, their URLs and the values each layout receives.

Pure: builds page specs and their values from the Site; renders and writes nothing.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from .model import Article, Issue, IssueSection, SectionArchive, Site
from .pagemeta import article_meta, feed_links, og_locale
from .pagevalues import (
    ArchiveYear,
    Entry,
    NavLink,
    Page,
    Paginator,
    archive_years,
    paginate,
    printable_in_full,
)
from .templates import cn_date

#: Values every layout receives that are computed for the page (not model values as they are).
COMMON_DERIVED = frozenset({"page", "nav", "feeds", "og_locale"})
#: The derived values of an issue's section page and of an article page: made once, shared by
#: every spec (a set of its own was a third of a spec's memory, 64 MB at 100,000 articles).
ISSUE_SECTION_DERIVED = COMMON_DERIVED | {"entries"}
ARTICLE_DERIVED = COMMON_DERIVED | {"meta"}


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
    return (spec for _, spec in _specs(site, None))


def some_page_specs(site: Site, numbers: Collection[int]) -> dict[int, PageSpec]:
    """The specs of the pages with these numbers (positions in `page_specs`): the same as
    those of the whole list, without making the others (an issue none of them is in is
    skipped whole)."""
    return {number: spec for number, spec in _specs(site, numbers) if number in numbers}


def page_contexts(site: Site) -> Iterator[tuple[Page, dict[str, Any], str]]:
    """Every page of the site with the values its layout receives and what it is, in order.

    For callers that render only some pages (incremental builds); render.render_page renders
    one.
    """
    return (spec.build() for spec in page_specs(site))


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
        "feeds": values["feeds"] if "feeds" in values else feed_links(site.config),
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
    derived: frozenset[str] = COMMON_DERIVED,
    derived_from: tuple[object, ...] = (),
) -> PageSpec:
    return PageSpec(
        kind=kind,
        url=url,
        origin=origin,
        given={"site": site, "config": site.config, "issue": None, **(given or {})},
        derived=derived,
        derived_from=derived_from,
        build=build,
    )


def _specs(site: Site, wanted: Collection[int] | None) -> Iterator[tuple[int, PageSpec]]:
    """The pages with their numbers: all of them, or at least the `wanted` ones."""
    # Each spec lists what its builder reads: keep them in step when a builder changes.
    partial = functools.partial
    if wanted is None or 0 in wanted:
        yield 0, _spec(site, "index", "/", "front page", partial(_front_page, site),
                       given={"issue": site.latest})  # fmt: skip
    number = 1
    for position, issue in enumerate(site.issues):
        first = number
        number += 1 + sum(1 + len(part.articles) for part in issue.sections)
        if wanted is not None and not any(n in wanted for n in range(first, number)):
            continue
        yield from _issue_specs(site, position, first)
    for archive in site.sections:
        for paginator in paginate(archive, site.config.paginate):
            if wanted is None or number in wanted:
                yield number, _spec(
                    site, "section", paginator.url,
                    f"section {archive.section.key} page {paginator.number}",
                    partial(_section_page, site, archive, paginator),
                    given={"section": archive, "paginator": paginator},
                    derived_from=(archive.section, paginator.number),
                )  # fmt: skip
            number += 1
    if wanted is None or number in wanted:
        years = archive_years(site.issues)
        archive_page = partial(_archive_page, site, years)
        yield (
            number,
            _spec(site, "archive", "/archive/", "archive", archive_page, given={"years": years}),
        )
    number += 1
    last: list[tuple[str, str, str, Callable[[Site], _Rendered]]] = [
        ("search", "/search/", "search page", _search_page),
        ("404", "/404.html", "404 page", _not_found_page),
    ]
    for kind, url, origin, build in last if site.config.search else last[1:]:
        if wanted is None or number in wanted:
            yield number, _spec(site, kind, url, origin, partial(build, site))
        number += 1


def _issue_specs(site: Site, position: int, number: int) -> Iterator[tuple[int, PageSpec]]:
    """An issue's pages, numbered from `number`: the issue, its sections, its articles."""
    partial = functools.partial
    issue = site.issues[position]
    newer = site.issues[position - 1] if position > 0 else None
    older = site.issues[position + 1] if position + 1 < len(site.issues) else None
    source = issue.info.source.path
    yield number, _spec(
        site, "issue", issue.url, f"issue {source}",
        partial(_issue_page, site, issue, newer=newer, older=older),
        given={"issue": issue, "newer_issue": newer, "older_issue": older},
        derived_from=(issue.date, issue.info),
    )  # fmt: skip
    for part in issue.sections:
        number += 1
        yield number, _spec(
            site, "issue_section", issue.section_url(part.key),
            f"issue {source} section {part.key}",
            partial(_issue_section_page, site, issue, part),
            given={"issue": issue, "issue_section": part},
            derived=ISSUE_SECTION_DERIVED,
            derived_from=(issue.date, part),
        )  # fmt: skip
    placed = [(part, article) for part in issue.sections for article in part.articles]
    for index, (part, article) in enumerate(placed):
        number += 1
        previous = placed[index - 1][1] if index > 0 else None
        following = placed[index + 1][1] if index + 1 < len(placed) else None
        yield number, _spec(
            site, "article", article.url, str(article.source),
            partial(_article_page, site, issue, part, article, previous, following),
            given={"issue": issue, "issue_section": part, "article": article,
                   "prev_article": previous, "next_article": following},
            derived=ARTICLE_DERIVED,
            derived_from=(issue.date, issue.info, issue.url, part.key, part.section, article),
        )  # fmt: skip


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
