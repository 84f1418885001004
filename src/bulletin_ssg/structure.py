"""Assembles articles into the periodical: issues newest first, sections in site.yaml order.

Pure: no IO, no diagnostics (validate.py judges the result).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from itertools import groupby
from operator import attrgetter

from .model import (
    Article,
    Issue,
    IssueInfo,
    IssueSection,
    SectionArchive,
    Site,
    SiteConfig,
    StaticFile,
)


def article_order(article: Article) -> tuple[int, int, str]:
    """Explicit `order` first (ascending), then the rest by file name."""
    if article.order is not None:
        return (0, article.order, article.source.path)
    return (1, 0, article.source.path)


_DATE = attrgetter("issue_date")
_ORDER = attrgetter("order")
_PATH = attrgetter("source.path")
_ORDER_PATH = attrgetter("order", "source.path")


def in_order(articles: list[Article]) -> list[Article]:
    """`articles` sorted by `article_order`, with keys made without a Python call each."""
    orders = list(map(_ORDER, articles))
    unordered = orders.count(None)
    if unordered == len(orders):
        return sorted(articles, key=_PATH)
    if not unordered:
        # No two the same (the usual): the paths would never be compared.
        return sorted(articles, key=_ORDER if len(set(orders)) == len(orders) else _ORDER_PATH)
    ordered = [a for a, order in zip(articles, orders, strict=True) if order is not None]
    rest = [a for a, order in zip(articles, orders, strict=True) if order is None]
    return sorted(ordered, key=_ORDER_PATH) + sorted(rest, key=_PATH)


def assemble(
    config: SiteConfig,
    articles: Iterable[Article],
    infos: Iterable[IssueInfo],
    files: Iterable[StaticFile] = (),
    *,
    build_date: date | None = None,
) -> Site:
    """Group articles by issue and section; every IssueInfo becomes an Issue, even an empty one."""
    by_issue: dict[date, list[Article]] = {}
    for day, group in groupby(articles, _DATE):  # a content walk gives them issue by issue
        by_issue.setdefault(day, []).extend(group)
    issues: list[Issue] = []
    archived: dict[str, list[Article]] = {s.key: [] for s in config.sections}
    for info in sorted(infos, key=_DATE, reverse=True):
        by_section: dict[str, list[Article]] = {}
        for article in by_issue.get(info.issue_date, ()):
            by_section.setdefault(article.section, []).append(article)
        sections = []
        for s in config.sections:
            chosen = by_section.get(s.key)
            if chosen:
                chosen = in_order(chosen)  # sorting the issue's whole list gives the same
                sections.append(IssueSection(section=s, articles=tuple(chosen)))
                archived[s.key].extend(chosen)
        issues.append(Issue(info=info, sections=tuple(sections)))
    archives = tuple(
        SectionArchive(section=s, articles=tuple(archived[s.key])) for s in config.sections
    )
    latest = issues[0].date if issues else None
    return Site(
        config=config,
        issues=tuple(issues),
        sections=archives,
        files=tuple(sorted(files, key=lambda f: f.url)),
        build_date=build_date or latest,
    )
