"""Judges an assembled Site: collisions, empty issues, structural mistakes.

Pure: takes a Site, returns Diagnostics; never raises and never reads files.
"""

from __future__ import annotations

from .errors import Diagnostic, Location, error, warning
from .model import Site

#: A derived summary shorter than this reads badly on the front page and in feeds.
MIN_SUMMARY = 20


def validate(site: Site, *, advice: bool = False) -> tuple[Diagnostic, ...]:
    """Every problem of the assembled site that no single file shows on its own.

    With `advice` (`bulletin check`), also editorial warnings about single articles.
    """
    found: list[Diagnostic] = []
    found.extend(check_url_collisions(site))
    found.extend(check_issues(site))
    if advice:
        found.extend(check_articles(site))
    return tuple(found)


def check_articles(site: Site) -> list[Diagnostic]:
    """Editorial advice: credits, summaries, heading levels."""
    found: list[Diagnostic] = []
    for article in site.articles:
        where = article.source
        if not article.byline and not article.authors:
            found.append(
                warning(
                    "no 'byline' or 'authors': the article is uncredited",
                    where,
                    "add e.g. byline: 本报记者 曲宏",
                )
            )
        if not article.summary_given and len(article.summary) < MIN_SUMMARY:
            found.append(
                warning(
                    f"no 'summary', and the first paragraph gives only "
                    f"{len(article.summary)} characters, expected at least {MIN_SUMMARY}",
                    where,
                    "write a 'summary' or a longer first paragraph",
                )
            )
        for heading in article.headings:
            if heading.level == 1:
                found.append(
                    warning(
                        f"heading {heading.text!r} is level 1, expected ## or deeper "
                        "(the title is the page's only h1)",
                        where,
                    )
                )
    return found


def check_url_collisions(site: Site) -> list[Diagnostic]:
    """Two sources that would publish the same URL (Zola's find_path_collisions)."""
    owners: dict[str, str] = {}
    found: list[Diagnostic] = []
    # Article URLs end in `/`: only a file whose URL does, or an index.html, can meet one.
    if any(file.url.endswith(("/", "/index.html")) for file in site.files):
        for issue in site.issues:
            for article in issue.articles:
                owners.setdefault(article.url, article.source.path)
    for file in site.files:
        page_url = file.url.rsplit("/", 1)[0] + "/"
        if file.url.endswith("/index.html") and page_url in owners:
            found.append(
                error(
                    f"file would replace the page of {owners[page_url]} at {page_url}",
                    Location(file.source),
                    "rename the file",
                )
            )
        owner = owners.get(file.url)
        if owner is not None:
            found.append(error(f"file collides with {owner} at {file.url}", Location(file.source)))
        owners.setdefault(file.url, file.source)
    return found


def check_issues(site: Site) -> list[Diagnostic]:
    """An issue folder with no published article is most likely a mistake."""
    return [
        warning(
            "issue has no articles, so it is not published",
            issue.info.source,
            "add an article or remove the folder",
        )
        for issue in site.issues
        if not any(section.articles for section in issue.sections)
    ]
