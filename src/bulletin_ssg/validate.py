"""Judges an assembled Site: collisions, empty issues, structural mistakes.

Pure: takes a Site, returns Diagnostics; never raises and never reads files.
"""

from __future__ import annotations

from .errors import Diagnostic, Location, error, warning
from .model import Site


def validate(site: Site) -> tuple[Diagnostic, ...]:
    """Every problem of the assembled site that no single file shows on its own."""
    found: list[Diagnostic] = []
    found.extend(check_url_collisions(site))
    found.extend(check_issues(site))
    return tuple(found)


def check_url_collisions(site: Site) -> list[Diagnostic]:
    """Two sources that would publish the same URL (Zola's find_path_collisions)."""
    owners: dict[str, str] = {}
    found: list[Diagnostic] = []
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
        if not issue.articles
    ]
