"""Assembles articles into the periodical: issues newest first, sections in site.yaml order.

Pure: no IO, no diagnostics (validate.py judges the result).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

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
    for article in articles:
        by_issue.setdefault(article.issue_date, []).append(article)
    issues: list[Issue] = []
    for info in sorted(infos, key=lambda i: i.issue_date, reverse=True):
        issue_articles = sorted(by_issue.get(info.issue_date, ()), key=article_order)
        sections = tuple(
            IssueSection(section=s, articles=chosen)
            for s in config.sections
            if (chosen := tuple(a for a in issue_articles if a.section == s.key))
        )
        issues.append(Issue(info=info, sections=sections))
    archives = tuple(
        SectionArchive(
            section=s,
            articles=tuple(a for issue in issues for a in issue.articles if a.section == s.key),
        )
        for s in config.sections
    )
    latest = issues[0].date if issues else None
    return Site(
        config=config,
        issues=tuple(issues),
        sections=archives,
        files=tuple(sorted(files, key=lambda f: f.url)),
        build_date=build_date or latest,
    )
