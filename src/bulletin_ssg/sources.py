"""Slugs, link targets and bundle files of the article sources of one build.

Pure: decides names and URLs from front matter and file names; reads nothing but folder
listings of bundles, renders nothing.
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Mapping
from datetime import date
from pathlib import Path

from .articles import Source
from .errors import Diagnostic, Location, error
from .frontmatter import describe
from .model import SiteConfig, StaticFile
from .slugs import is_valid_slug, slugify

BUNDLE_INDEX = "index.md"


def is_ignored(name: str) -> bool:
    """Hidden files, editor backups and OS clutter are never content."""
    return name.startswith((".", "_", "#")) or name.endswith(("~", ".swp", ".tmp"))


def walk_files(folder: str, prefix: str = "") -> list[str]:
    """Every non-ignored file below `folder`, sorted: `prefix` + its `/` path from `folder`."""
    with os.scandir(folder) as listing:
        entries = sorted(listing, key=lambda e: e.name)
    found: list[str] = []
    for entry in entries:
        if is_ignored(entry.name):
            continue
        if entry.is_file():
            found.append(prefix + entry.name)
        else:
            found.extend(walk_files(entry.path, f"{prefix}{entry.name}/"))
    return found


def assign_slugs(
    sources: list[Source], config: SiteConfig, diagnostics: list[Diagnostic]
) -> dict[str, str]:
    """Each source's slug: front-matter `slug`, else the file name, romanised when needed."""
    slugs: dict[str, str] = {}
    taken: dict[tuple[date, str], str] = {}
    reserved = {s.key for s in config.sections}
    for source in sources:
        meta, key_lines, _, _ = source.front
        explicit = meta.get("slug")
        # the line of the problem, if any: the `slug` key, or line 1 for a slug from the name
        line = 1
        if explicit is not None:
            line = key_lines.get("slug", 1)
            if not isinstance(explicit, str) or not is_valid_slug(explicit):
                diagnostics.append(
                    error(
                        f"'slug': got {describe(explicit)}, expected lowercase ASCII letters, "
                        "digits, '-' or '_' (a slug names one folder of the output)",
                        Location(source.path, line),
                    )
                )
                continue
            slug = explicit
        else:
            base = source.slug_base
            slug = base if is_valid_slug(base) else slugify(base)
            if not slug:
                title = meta.get("title")
                slug = slugify(title) if isinstance(title, str) else ""
            slug = slug or "article"
        if slug in reserved:
            diagnostics.append(
                error(
                    f"slug {slug!r} is also a section key, so its page would replace the "
                    f"section page /issues/{source.issue_date.isoformat()}/{slug}/",
                    Location(source.path, line),
                    "give the article another file name or a 'slug'",
                )
            )
            continue
        other = taken.get((source.issue_date, slug))
        if other is not None:
            diagnostics.append(
                error(
                    f"slug {slug!r} is already used by {other} in the same issue",
                    Location(source.path, line),
                    "rename one file or set a different 'slug'",
                )
            )
            continue
        taken[(source.issue_date, slug)] = source.path
        slugs[source.path] = slug
    return slugs


def bundle_static_files(
    root: Path, sources: list[Source], slugs: Mapping[str, str]
) -> list[StaticFile]:
    """Files beside a bundle's index.md, published next to the article's page."""
    found: list[StaticFile] = []
    for source in sources:
        if not source.path.endswith("/" + BUNDLE_INDEX) or source.path not in slugs:
            continue
        folder_rel = posixpath.dirname(source.path)
        url = f"/issues/{source.issue_date.isoformat()}/{slugs[source.path]}/"
        for sub in walk_files(os.path.join(root, folder_rel)):
            if sub != BUNDLE_INDEX:
                found.append(StaticFile(source=f"{folder_rel}/{sub}", url=url + sub))
    return found


def link_targets(
    sources: list[Source], slugs: Mapping[str, str], files: list[StaticFile]
) -> dict[str, str]:
    """Site-relative source path -> output URL, for resolving relative links."""
    targets = {f.source: f.url for f in files}
    for source in sources:
        slug = slugs.get(source.path)
        if slug is None:
            continue
        url = f"/issues/{source.issue_date.isoformat()}/{slug}/"
        targets[source.path] = url
        if source.path.endswith("/" + BUNDLE_INDEX):
            targets[posixpath.dirname(source.path)] = url
    return targets
