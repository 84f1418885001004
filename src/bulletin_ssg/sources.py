"""Slugs, link targets and bundle files of the article sources of one build.

Pure: decides names and URLs from front matter and file names; reads and renders nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import NamedTuple

from .articles import Source
from .errors import Diagnostic, Location, error
from .frontmatter import describe
from .model import SiteConfig, StaticFile, issue_url
from .slugs import is_valid_slug, slugify

BUNDLE_INDEX = "index.md"
_IN_BUNDLE = "/" + BUNDLE_INDEX


def is_ignored(name: str) -> bool:
    """Hidden files, editor backups and OS clutter are never content."""
    return name.startswith((".", "_", "#")) or name.endswith(("~", ".swp", ".tmp"))


class Placed(NamedTuple):
    """Where the sources of one build go."""

    slugs: dict[str, str]  #: by source path; a source whose slug has an error has none
    urls: dict[str, str]  #: each slugged source's URL, by its path and a bundle's folder too


def assign_slugs(
    sources: list[Source],
    config: SiteConfig,
    diagnostics: list[Diagnostic],
    urls: dict[str, str] | None = None,
) -> Placed:
    """Each source's slug: front-matter `slug`, else the file name, romanised when needed;
    and the URL it gives, added to `urls` when given (those of other issues' sources)."""
    slugs: dict[str, str] = {}
    urls = urls if urls is not None else {}
    taken: dict[str, str] = {}  #: the source that has each URL
    reserved = {s.key for s in config.sections}
    by_base: dict[str, str] = {}  #: the slug a file name gives, once worked out
    days: dict[date, str] = {}  #: each issue's URL
    for path, issue_date, front, base in sources:
        meta = front[0]
        explicit = meta.get("slug")
        # the line of the problem, if any: the `slug` key, or line 1 for a slug from the name
        line = 1
        if explicit is not None:
            line = front[1].get("slug", 1)
            if not isinstance(explicit, str) or not is_valid_slug(explicit):
                diagnostics.append(
                    error(
                        f"'slug': got {describe(explicit)}, expected lowercase ASCII letters, "
                        "digits, '-' or '_' (a slug names one folder of the output)",
                        Location(path, line),
                    )
                )
                continue
            slug = explicit
        else:
            slug = by_base.get(base, "")
            if not slug:
                slug = base if is_valid_slug(base) else slugify(base)
                if slug:
                    by_base[base] = slug
                else:  # nothing romanisable in the name: from the title
                    title = meta.get("title")
                    slug = (slugify(title) if isinstance(title, str) else "") or "article"
        if slug in reserved:
            diagnostics.append(
                error(
                    f"slug {slug!r} is also a section key, so its page would replace the "
                    f"section page {issue_url(issue_date)}{slug}/",
                    Location(path, line),
                    "give the article another file name or a 'slug'",
                )
            )
            continue
        day = days.get(issue_date)
        if day is None:
            day = days[issue_date] = issue_url(issue_date)
        url = f"{day}{slug}/"
        other = taken.get(url)  # the same URL: the same slug in the same issue
        if other is not None:
            diagnostics.append(
                error(
                    f"slug {slug!r} is already used by {other} in the same issue",
                    Location(path, line),
                    "rename one file or set a different 'slug'",
                )
            )
            continue
        taken[url] = path
        slugs[path] = slug
        urls[path] = url
        if path.endswith(_IN_BUNDLE):
            urls[path[: -len(_IN_BUNDLE)]] = url
    return Placed(slugs=slugs, urls=urls)


def place(urls: dict[str, str], issue_date: date, paths: list[str], slugs: list[str]) -> None:
    """Add to `urls` those of the sources of one issue, `paths`, whose `slugs` are known:
    `assign_slugs` gave them before, and nothing their slugs depend on has changed."""
    day = issue_url(issue_date)
    made = [f"{day}{slug}/" for slug in slugs]
    urls.update(zip(paths, made, strict=True))
    if _IN_BUNDLE in "".join(paths):
        for path, url in zip(paths, made, strict=True):
            if path.endswith(_IN_BUNDLE):
                urls[path[: -len(_IN_BUNDLE)]] = url


def bundle_static_files(
    urls: Mapping[str, str], bundles: Mapping[str, list[str]]
) -> list[StaticFile]:
    """Files beside a bundle's index.md, published next to the article's page.

    `bundles`: by the index.md's site-relative path, the files beside it, relative to its
    folder (issuefolders.Walk.bundles); `urls`: the sources' (Placed.urls).
    """
    found: list[StaticFile] = []
    for path, beside in bundles.items():
        url = urls.get(path)
        if url is not None:
            folder = path[: -len(BUNDLE_INDEX)]
            found.extend(StaticFile(source=folder + sub, url=url + sub) for sub in beside)
    return found


def link_targets(urls: Mapping[str, str], files: list[StaticFile]) -> dict[str, str]:
    """Site-relative source path -> output URL, for resolving relative links: the sources'
    `urls` (Placed.urls) and the files'."""
    targets = {f.source: f.url for f in files}
    targets.update(urls)
    return targets
