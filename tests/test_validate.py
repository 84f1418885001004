from __future__ import annotations

from datetime import date

from bulletin_ssg.errors import Location
from bulletin_ssg.model import Article, Heading, IssueInfo, SectionConfig, SiteConfig, StaticFile
from bulletin_ssg.structure import assemble
from bulletin_ssg.validate import validate

CONFIG = SiteConfig(title="报", sections=(SectionConfig(key="news", title="要闻"),))
DAY = date(2024, 5, 2)
INFO = IssueInfo(source=Location("content/2024-05-02"), issue_date=DAY)


def article(slug: str, **values: object) -> Article:
    fields: dict[str, object] = {
        "source": Location(f"content/2024-05-02/{slug}.md", 1),
        "issue_date": DAY,
        "slug": slug,
        "section": "news",
        "title": slug,
        "byline": "本报记者 甲",
        "summary": "一段足够长的摘要，用来说明这篇文章讲了什么事情。",
    }
    fields.update(values)
    return Article(**fields)  # type: ignore[arg-type]


def where(found: tuple) -> list[tuple[str, str]]:  # type: ignore[type-arg]
    return [(d.severity.value, d.location.path) for d in found]


def test_clean_site_has_no_diagnostics() -> None:
    assert validate(assemble(CONFIG, [article("a")], [INFO]), advice=True) == ()


def test_file_that_would_replace_an_article_page_is_an_error() -> None:
    clash = StaticFile(
        source="content/2024-05-02/a/index.html", url="/issues/2024-05-02/a/index.html"
    )
    found = validate(assemble(CONFIG, [article("a")], [INFO], [clash]))
    assert where(found) == [("error", "content/2024-05-02/a/index.html")]


def test_empty_issue_is_a_warning() -> None:
    assert where(validate(assemble(CONFIG, [], [INFO]))) == [("warning", "content/2024-05-02")]


def test_advice_only_when_asked() -> None:
    site = assemble(
        CONFIG,
        [
            article(
                "a",
                byline=None,
                summary="短。",
                headings=(Heading(level=1, text="题", anchor="题"),),
            )
        ],
        [INFO],
    )
    assert validate(site) == ()
    assert where(validate(site, advice=True)) == [("warning", "content/2024-05-02/a.md")] * 3


def test_given_short_summary_is_not_advice() -> None:
    site = assemble(CONFIG, [article("a", summary="短。", summary_given=True)], [INFO])
    assert validate(site, advice=True) == ()
