"""Reads content/<YYYY-MM-DD>/ into complete Articles, IssueInfos and issue files.

The only module that reads the content tree; everything it finds wrong becomes a Diagnostic.
Parsing from text (`parse_article`) is kept apart from reading files (`load_content`).
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import Any

from . import fields
from .errors import ContentError, Diagnostic, Location, error, warning
from .frontmatter import FrontMatter, describe, load_yaml_mapping, split
from .links import CONTENT_DIR, LinkMap
from .links import issue_folder_date as parse_issue_date
from .markup import Markup
from .model import Article, IssueInfo, SiteConfig, StaticFile
from .slugs import is_valid_slug, slugify
from .summary import summarize

ISSUE_FILE = "issue.yaml"
BUNDLE_INDEX = "index.md"
ARTICLE_KEYS = frozenset(
    {
        "title",
        "section",
        "kicker",
        "subtitle",
        "byline",
        "authors",
        "order",
        "summary",
        "tags",
        "slug",
        "draft",
    }
)
ISSUE_KEYS = ("number", "volume", "title", "editor", "draft", "note")


@dataclass(frozen=True, slots=True, kw_only=True)
class Content:
    """Everything read from content/, drafts already left out unless asked for."""

    articles: tuple[Article, ...]
    issues: tuple[IssueInfo, ...]
    files: tuple[StaticFile, ...]
    diagnostics: tuple[Diagnostic, ...]
    drafts_skipped: int = 0  #: articles left out as drafts
    future_skipped: int = 0  #: articles of issues dated after today, left out


@dataclass(frozen=True, slots=True, kw_only=True)
class Source:
    """An article file read and split, before its body is rendered."""

    path: str  #: site-relative, e.g. content/2023-02-16/foo.md
    issue_date: date
    front: FrontMatter
    slug_base: str  #: file stem, or folder name for a bundle


def is_ignored(name: str) -> bool:
    """Hidden files, editor backups and OS clutter are never content."""
    return name.startswith((".", "_", "#")) or name.endswith(("~", ".swp", ".tmp"))


def decode(data: bytes, path: str) -> str:
    """UTF-8 text of a file, or a ContentError naming the line of the first bad byte."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        hint = "save the file as UTF-8"
        try:
            data.decode("gb18030")
            hint = "it looks like GBK/GB18030; save the file as UTF-8"
        except UnicodeDecodeError:
            pass
        raise ContentError(
            f"not valid UTF-8 (byte 0x{data[exc.start]:02x}), expected UTF-8 text",
            Location(path, line),
            hint,
        ) from exc


def read_text(file: Path, path: str) -> str:
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise ContentError(f"cannot read file: {exc.strerror}", Location(path)) from exc
    return decode(data, path)


def load_content(
    root: Path,
    config: SiteConfig,
    *,
    drafts: bool = False,
    future: bool = True,
    today: date | None = None,
) -> Content:
    """Walk content/ and return every article, issue and file, with all problems found.

    Drafts are left out unless `drafts`; issues dated after `today` unless `future`.
    """
    diagnostics: list[Diagnostic] = []
    sources: list[Source] = []
    infos: list[IssueInfo] = []
    files: list[StaticFile] = []
    content_dir = root / CONTENT_DIR
    if not content_dir.is_dir():
        diagnostics.append(
            warning("no content/ folder: the site has no issues", Location(CONTENT_DIR))
        )
        return Content(articles=(), issues=(), files=(), diagnostics=tuple(diagnostics))
    for entry in sorted(content_dir.iterdir(), key=lambda p: p.name):
        if is_ignored(entry.name):
            continue
        rel = f"{CONTENT_DIR}/{entry.name}"
        issue_date = parse_issue_date(entry.name)
        if not entry.is_dir():
            diagnostics.append(
                warning(
                    "not an issue folder, ignored",
                    Location(rel),
                    "articles go in content/YYYY-MM-DD/",
                )
            )
            continue
        if issue_date is None:
            diagnostics.append(
                error(
                    f"issue folder name {entry.name!r} is not a date, expected YYYY-MM-DD",
                    Location(rel),
                )
            )
            continue
        info = load_issue_info(entry, rel, issue_date, diagnostics)
        infos.append(info)
        collect_issue(entry, rel, issue_date, sources, files, diagnostics)
    content = finish(root, config, sources, infos, files, diagnostics, drafts=drafts)
    if future or today is None:
        return content
    return leave_out_future(content, today)


def leave_out_future(content: Content, today: date) -> Content:
    """Content without the issues dated after `today` (scheduled issues)."""
    articles = tuple(a for a in content.articles if a.issue_date <= today)
    return replace(
        content,
        articles=articles,
        issues=tuple(i for i in content.issues if i.issue_date <= today),
        files=tuple(f for f in content.files if (_issue_of(f.url) or today) <= today),
        future_skipped=len(content.articles) - len(articles),
    )


def load_issue_info(
    folder: Path, rel: str, issue_date: date, diagnostics: list[Diagnostic]
) -> IssueInfo:
    """issue.yaml of one issue folder, or defaults when it has none."""
    path = f"{rel}/{ISSUE_FILE}"
    file = folder / ISSUE_FILE
    if not file.is_file():
        return IssueInfo(source=Location(rel), issue_date=issue_date)
    try:
        meta, lines = load_yaml_mapping(read_text(file, path), path)
    except ContentError as exc:
        diagnostics.append(exc.to_diagnostic())
        return IssueInfo(source=Location(path), issue_date=issue_date)
    check = fields.Checker(path, lines, diagnostics)
    for key in meta:
        if key not in ISSUE_KEYS:
            check.unknown(key, ISSUE_KEYS)
    return IssueInfo(
        source=Location(path),
        issue_date=issue_date,
        number=check.integer(meta, "number"),
        volume=check.integer(meta, "volume"),
        title=check.text(meta, "title"),
        editor=check.text(meta, "editor"),
        draft=check.boolean(meta, "draft"),
        note=check.text(meta, "note"),
    )


def collect_issue(
    folder: Path,
    rel: str,
    issue_date: date,
    sources: list[Source],
    files: list[StaticFile],
    diagnostics: list[Diagnostic],
) -> None:
    """Split every article of one issue folder and list the files to copy."""
    prefix = f"/issues/{issue_date.isoformat()}/"
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        name = entry.name
        if is_ignored(name) or name == ISSUE_FILE:
            continue
        path = f"{rel}/{name}"
        if entry.is_dir() and (entry / BUNDLE_INDEX).is_file():
            add_source(
                entry / BUNDLE_INDEX,
                f"{path}/{BUNDLE_INDEX}",
                issue_date,
                name,
                sources,
                diagnostics,
            )
            continue
        if entry.is_file() and name.endswith(".md"):
            add_source(entry, path, issue_date, name[:-3], sources, diagnostics)
            continue
        for file in walk_files(entry):
            sub = file.relative_to(folder).as_posix()
            files.append(StaticFile(source=f"{rel}/{sub}", url=prefix + sub))


def walk_files(entry: Path) -> list[Path]:
    """A file, or every non-ignored file below a folder, sorted."""
    if entry.is_file():
        return [entry]
    found: list[Path] = []
    for child in sorted(entry.iterdir(), key=lambda p: p.name):
        if not is_ignored(child.name):
            found.extend(walk_files(child))
    return found


def add_source(
    file: Path,
    path: str,
    issue_date: date,
    slug_base: str,
    sources: list[Source],
    diagnostics: list[Diagnostic],
) -> None:
    try:
        front = split(read_text(file, path), path)
    except ContentError as exc:
        diagnostics.append(exc.to_diagnostic())
        return
    sources.append(Source(path=path, issue_date=issue_date, front=front, slug_base=slug_base))


def finish(
    root: Path,
    config: SiteConfig,
    sources: list[Source],
    infos: list[IssueInfo],
    files: list[StaticFile],
    diagnostics: list[Diagnostic],
    *,
    drafts: bool,
) -> Content:
    """Give each source its slug, render bodies with links resolved, and drop drafts."""
    slugs = assign_slugs(sources, config, diagnostics)
    bundle_files = bundle_static_files(root, sources, slugs)
    files = [*files, *bundle_files]
    link_map = LinkMap(link_targets(sources, slugs, files), root, config.base_path)
    markup = Markup(allow_html=config.allow_html)
    draft_issues = {info.issue_date for info in infos if info.draft}
    articles: list[Article] = []
    skipped = 0
    for source in sources:
        article = parse_article(
            source, slugs.get(source.path), config, markup, link_map, diagnostics
        )
        if article is None:
            continue
        if (article.draft or article.issue_date in draft_issues) and not drafts:
            skipped += 1
            continue
        if article.issue_date in draft_issues:
            article = replace(article, draft=True)
        articles.append(article)
    published = tuple(i for i in infos if drafts or not i.draft)
    published_dates = {i.issue_date for i in published}
    kept_files = tuple(f for f in files if _issue_of(f.url) in published_dates)
    return Content(
        articles=tuple(articles),
        issues=published,
        files=kept_files,
        diagnostics=tuple(diagnostics),
        drafts_skipped=skipped,
    )


def _issue_of(url: str) -> date | None:
    return parse_issue_date(url.split("/")[2]) if url.startswith("/issues/") else None


def assign_slugs(
    sources: list[Source], config: SiteConfig, diagnostics: list[Diagnostic]
) -> dict[str, str]:
    """Each source's slug: front-matter `slug`, else the file name, romanised when needed."""
    slugs: dict[str, str] = {}
    taken: dict[tuple[date, str], str] = {}
    reserved = {s.key for s in config.sections}
    for source in sources:
        meta, lines = source.front.meta, source.front.key_lines
        explicit = meta.get("slug")
        location = Location(source.path, lines.get("slug", 1))
        if explicit is not None:
            if not isinstance(explicit, str) or not is_valid_slug(explicit):
                diagnostics.append(
                    error(
                        f"'slug': got {describe(explicit)}, expected lowercase ASCII letters, "
                        "digits, '-' or '_' (a slug names one folder of the output)",
                        location,
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
            location = Location(source.path, 1)
        if slug in reserved:
            diagnostics.append(
                error(
                    f"slug {slug!r} is also a section key, so its page would replace the "
                    f"section page /issues/{source.issue_date.isoformat()}/{slug}/",
                    location,
                    "give the article another file name or a 'slug'",
                )
            )
            continue
        other = taken.get((source.issue_date, slug))
        if other is not None:
            diagnostics.append(
                error(
                    f"slug {slug!r} is already used by {other} in the same issue",
                    location,
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
        folder = root / folder_rel
        url = f"/issues/{source.issue_date.isoformat()}/{slugs[source.path]}/"
        for file in walk_files(folder):
            sub = file.relative_to(folder).as_posix()
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


def parse_article(
    source: Source,
    slug: str | None,
    config: SiteConfig,
    markup: Markup,
    link_map: LinkMap,
    diagnostics: list[Diagnostic],
) -> Article | None:
    """Check one article's front matter and render its body; None if it has errors."""
    meta, lines = source.front.meta, source.front.key_lines
    before = len(diagnostics)
    check = fields.Checker(source.path, lines, diagnostics)
    title = check.text(meta, "title", required=True)
    section_name = check.text(meta, "section", required=True)
    section = config.section(section_name) if section_name else None
    if section_name and section is None:
        known = ", ".join(f"{s.key} ({s.title})" for s in config.sections)
        check.fail("section", f"unknown section {section_name!r}, expected one of: {known}")
    kicker = check.text(meta, "kicker")
    subtitle = check.text(meta, "subtitle")
    byline = check.text(meta, "byline")
    authors = check.text_list(meta, "authors", single_ok=True) or ()
    order = check.integer(meta, "order")
    summary = check.text(meta, "summary")
    tags = check.text_list(meta, "tags") or ()
    draft = check.boolean(meta, "draft")
    links = link_map.for_article(source.path)
    rendered = markup.render(
        source.front.body,
        first_line=source.front.body_first_line,
        resolve=links.resolve,
        measure=links.measure,
    )
    missing = links.missing
    for link in rendered.links:
        if link.target in missing:
            kind = "image" if link.is_image else "link target"
            diagnostics.append(
                error(
                    f"{kind} {link.target!r} not found, expected a file of the site "
                    "(relative to this article)",
                    Location(source.path, link.line),
                )
            )
            missing = missing - {link.target}
    if len(diagnostics) > before or slug is None or title is None or section is None:
        return None
    extra: dict[str, Any] = {k: v for k, v in meta.items() if k not in ARTICLE_KEYS}
    return Article(
        source=Location(source.path, 1),
        issue_date=source.issue_date,
        slug=slug,
        section=section.key,
        title=title,
        kicker=kicker,
        subtitle=subtitle,
        byline=byline,
        authors=authors,
        order=order,
        summary=summary or summarize(rendered.first_paragraph),
        summary_given=summary is not None,
        tags=tags,
        draft=draft,
        html=rendered.html,
        headings=rendered.headings,
        links=rendered.links,
        characters=rendered.characters,
        extra=MappingProxyType(extra),
    )
