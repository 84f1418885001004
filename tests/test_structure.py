from __future__ import annotations

from datetime import date

from bulletin_ssg.errors import Location
from bulletin_ssg.model import Article, IssueInfo, SectionConfig, SiteConfig
from bulletin_ssg.structure import assemble

CONFIG = SiteConfig(
    title="报",
    sections=(SectionConfig(key="news", title="要闻"), SectionConfig(key="opinion", title="评论")),
)


def article(day: int, name: str, section: str, order: int | None = None) -> Article:
    issue = date(2024, 5, day)
    return Article(
        source=Location(f"content/{issue.isoformat()}/{name}.md", 1),
        issue_date=issue,
        slug=name,
        section=section,
        title=name,
        order=order,
    )


def info(day: int) -> IssueInfo:
    issue = date(2024, 5, day)
    return IssueInfo(source=Location(f"content/{issue.isoformat()}"), issue_date=issue)


def test_orders_issues_newest_first_and_sections_as_configured() -> None:
    site = assemble(
        CONFIG,
        [article(2, "b", "opinion"), article(9, "c", "news"), article(2, "a", "news")],
        [info(2), info(9)],
    )
    assert [i.date.day for i in site.issues] == [9, 2]
    assert [s.key for s in site.issues[1].sections] == ["news", "opinion"]
    assert site.latest is site.issues[0]
    assert site.build_date == date(2024, 5, 9)


def test_orders_articles_by_order_then_file_name() -> None:
    site = assemble(
        CONFIG,
        [
            article(2, "z", "news"),
            article(2, "y", "news", 2),
            article(2, "a", "news"),
            article(2, "x", "news", 1),
        ],
        [info(2)],
    )
    assert [a.slug for a in site.issues[0].articles] == ["x", "y", "a", "z"]


def test_section_archive_spans_issues_newest_first() -> None:
    site = assemble(
        CONFIG, [article(2, "old", "news"), article(9, "new", "news")], [info(2), info(9)]
    )
    news, opinion = site.sections
    assert [a.slug for a in news.articles] == ["new", "old"]
    assert opinion.articles == ()
    assert news.url == "/sections/news/"


def test_leaves_empty_sections_out_of_an_issue() -> None:
    site = assemble(CONFIG, [article(2, "a", "opinion")], [info(2)])
    assert [s.key for s in site.issues[0].sections] == ["opinion"]
