"""Loads content/<YYYY-MM-DD>/ into complete Articles, IssueInfos and issue files.

Takes what the walk of content/ (issuefolders.py) found; everything wrong becomes a Diagnostic.
Per-file work (articles.py) runs in worker processes when there is much of it, and an article
whose file, slug and link answers are unchanged is taken from the previous build's records
(reuse.py tells which).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from .articles import (
    FrontWire,
    RenderJob,
    RenderOutcome,
    RenderTask,
    Source,
    SplitTask,
    split_many,
)
from .errors import Diagnostic, Location, warning
from .issuefolders import Articles, Walk, walk_issue_folders
from .links import CONTENT_DIR, LinkMap, issue_folder_date
from .model import Article, IssueInfo, SiteConfig, StaticFile
from .records import ArticleRecord, RenderedFor, render_packed
from .reuse import Folder, reusable, settled
from .sources import (
    BUNDLE_INDEX,
    assign_slugs,
    bundle_static_files,
    link_targets,
    place,
)
from .workers import Workers


@dataclass(frozen=True, slots=True, kw_only=True)
class Content:
    """Everything read from content/, drafts already left out unless asked for."""

    articles: tuple[Article, ...]
    issues: tuple[IssueInfo, ...]
    files: tuple[StaticFile, ...]
    diagnostics: tuple[Diagnostic, ...]
    drafts_skipped: int = 0  #: articles left out as drafts
    future_skipped: int = 0  #: articles of issues dated after today, left out
    records: Mapping[str, ArticleRecord] = field(default_factory=dict)  #: for the next build
    rendered: int = 0  #: articles whose Markdown was rendered anew (not taken from records)
    fingerprints: tuple[bytes, ...] = ()  #: one per article: a hash of everything it holds


def load_content(
    root: Path,
    config: SiteConfig,
    *,
    drafts: bool = False,
    future: bool = True,
    today: date | None = None,
    records: Mapping[str, ArticleRecord] | None = None,
    workers: Workers | None = None,
    stats: Mapping[str, tuple[int, int]] | None = None,
) -> Content:
    """Walk content/ and return every article, issue and file, with all problems found.

    Drafts are left out unless `drafts`; issues dated after `today` unless `future`.
    `records` are the previous build's (Content.records); `workers` run per-file work.
    `stats` is the (size, mtime_ns) of every file below content/ by site-relative path, as
    the caller has just seen them (listing.scan): the walk takes its files from it and
    stats none again. None: content/ is scanned here.
    """
    diagnostics: list[Diagnostic] = []
    content_dir = os.path.join(root, CONTENT_DIR)
    if not os.path.isdir(content_dir):
        diagnostics.append(
            warning("no content/ folder: the site has no issues", Location(CONTENT_DIR))
        )
        return Content(articles=(), issues=(), files=(), diagnostics=tuple(diagnostics))
    previous = records or {}
    walk = walk_issue_folders(content_dir, previous, stats)
    own = workers if workers is not None else Workers(1)
    try:
        content = finish(root, config, walk, previous=previous, workers=own, drafts=drafts)
    finally:
        if workers is None:
            own.close()
    if future or today is None:
        return content
    return leave_out_future(content, today)


def leave_out_future(content: Content, today: date) -> Content:
    """Content without the issues dated after `today` (scheduled issues)."""
    kept = [
        (a, p)
        for a, p in zip(content.articles, content.fingerprints, strict=True)
        if a.issue_date <= today
    ]
    articles = tuple(a for a, _ in kept)
    return replace(
        content,
        articles=articles,
        fingerprints=tuple(p for _, p in kept),
        issues=tuple(i for i in content.issues if i.issue_date <= today),
        files=tuple(f for f in content.files if (_issue_of(f.url) or today) <= today),
        future_skipped=len(content.articles) - len(articles),
    )


def read_sources(
    root: Path,
    walk: Walk,
    previous: Mapping[str, ArticleRecord],
    settings: bytes,
    workers: Workers,
    diagnostics: list[Diagnostic],
) -> tuple[list[Folder], dict[str, ArticleRecord], dict[str, FrontWire]]:
    """Split the files that changed since `previous` (the rest are not read).

    Returns the issue folders in walk order (settled, or with their sources), each file's
    record, and the fronts read now (with their bodies); problems go to `diagnostics` in
    walk order.
    """
    folders: list[Folder] = []
    records: dict[str, ArticleRecord] = {}
    # In walk order; a file to read holds its place in both lists until it is read.
    said: list[Diagnostic | None] = []
    stale: list[tuple[Folder, int, int, str]] = []
    get = previous.get
    stats = walk.stats
    for event in walk.events:
        if type(event) is not Articles:
            said.append(event)  # type: ignore[arg-type]
            continue
        issue_date = event.issue_date
        paths = event.paths
        known = settled(event, previous, stats, settings)
        if known is not None:
            folders.append(known)
            records.update(zip(paths, known.kept, strict=True))
            continue
        sources: list[Source | None] = []
        folder = Folder(event, False, [], [], [], [], [], sources)
        folders.append(folder)
        for path in paths:
            old = get(path)
            if old is None or (old.size, old.mtime_ns) != stats[path]:
                stale.append((folder, len(sources), len(said), path))
                sources.append(None)
                said.append(None)
                continue
            records[path] = old
            if old.problem is not None:
                said.append(old.problem)
            elif old.front is not None:
                sources.append(Source(path, issue_date, old.front, event.slug_base(path)))
    bodies: dict[str, FrontWire] = {}
    tasks = [SplitTask(file=os.path.join(root, path), path=path) for *_, path in stale]
    outcomes = workers.map_chunks(split_many, tasks, list) if tasks else []
    for (folder, at, said_at, path), outcome in zip(stale, outcomes, strict=True):
        size, mtime_ns = stats[path]
        old = get(path)
        if old is not None and outcome.digest and old.digest == outcome.digest:
            record = replace(old, size=size, mtime_ns=mtime_ns)
        else:
            front = outcome.front
            record = ArticleRecord(
                size=size, mtime_ns=mtime_ns, digest=outcome.digest,
                front=None if front is None else (front[0], front[1], "", front[3]),
                problem=outcome.problem,
            )  # fmt: skip
        records[path] = record
        if outcome.front is not None:
            bodies[path] = outcome.front
        if record.problem is not None:
            said[said_at] = record.problem
        elif record.front is not None:
            found = folder.found
            front = bodies.get(path, record.front)
            folder.sources[at] = Source(path, found.issue_date, front, found.slug_base(path))
    diagnostics.extend(d for d in said if d is not None)
    return folders, records, bodies


def render_settings(config: SiteConfig) -> bytes:
    """The part of site.yaml an article's rendering depends on."""
    text = repr((config.allow_html, config.base_path, config.sections))
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()


def render_key(digest: bytes, rendered_for: RenderedFor) -> bytes:
    """A hash of everything an article's rendering depends on: its file and `rendered_for`."""
    settings, slug, day = rendered_for
    text = f"{slug}\0{day.isoformat()}".encode()
    return hashlib.blake2b(settings + digest + text, digest_size=16).digest()


def finish(
    root: Path,
    config: SiteConfig,
    walk: Walk,
    *,
    previous: Mapping[str, ArticleRecord],
    workers: Workers,
    drafts: bool,
) -> Content:
    """Give each source its slug, render bodies with links resolved, and drop drafts."""
    diagnostics: list[Diagnostic] = []
    settings = render_settings(config)
    folders, records, bodies = read_sources(root, walk, previous, settings, workers, diagnostics)
    urls: dict[str, str] = {}
    for folder in folders:
        if folder.settled:
            place(urls, folder.found.issue_date, folder.found.paths, folder.slugs)
    # the sources of the folders not settled
    sources = [s for folder in folders for s in folder.sources if s is not None]
    slugs = assign_slugs(sources, config, diagnostics, urls).slugs  # of those sources
    files = [*walk.files, *bundle_static_files(urls, walk.bundles)]
    targets = link_targets(urls, files)
    # Article files that exist but got no URL (errors of their own): every other one did,
    # all those of settled folders among them.
    broken = frozenset(
        path
        for folder in folders
        if not folder.settled
        for found in folder.found.paths
        if found not in urls
        for path in (found, found.removesuffix("/" + BUNDLE_INDEX))
        if path not in targets
    )
    link_map = LinkMap(targets, root, config.base_path, broken)
    kept, todo = reusable(folders, records, slugs, settings, link_map)
    if todo:
        fresh = render(root, config, [(s, slug) for s, slug, _ in todo], bodies, link_map, workers)
        for (source, slug, (i, at)), outcome in zip(todo, fresh, strict=True):
            record = records[source.path]
            rendered_for = (settings, slug, source.issue_date)
            key = render_key(record.digest, rendered_for)
            kept[i][at] = records[source.path] = ArticleRecord(
                size=record.size, mtime_ns=record.mtime_ns, digest=record.digest,
                front=record.front, problem=record.problem, rendered_for=rendered_for,
                outcome=outcome, fingerprint=article_fingerprint(key, outcome, draft=False),
            )  # fmt: skip
    draft_issues = {info.issue_date for info in walk.infos if info.draft}
    articles: list[Article] = []
    prints: list[bytes] = []
    skipped = 0
    for folder, records_kept in zip(folders, kept, strict=True):
        if records_kept is folder.kept and folder.found.issue_date not in draft_issues:
            articles.extend(folder.articles)  # settled, nothing rendered again
            prints.extend(folder.prints)
        else:
            skipped += collect(records_kept, draft_issues, drafts, diagnostics, articles, prints)
    published = tuple(i for i in walk.infos if drafts or not i.draft)
    published_dates = {i.issue_date for i in published}
    kept_files = tuple(f for f in files if _issue_of(f.url) in published_dates)
    return Content(
        articles=tuple(articles),
        issues=published,
        files=kept_files,
        diagnostics=tuple(diagnostics),
        drafts_skipped=skipped,
        records={**walk.issue_records, **records},
        rendered=len(todo),
        fingerprints=tuple(prints),
    )


def collect(
    kept: list[ArticleRecord],
    draft_issues: set[date],
    drafts: bool,
    diagnostics: list[Diagnostic],
    articles: list[Article],
    prints: list[bytes],
) -> int:
    """Add the articles of `kept` (records in walk order) to `articles`, their fingerprints
    to `prints` and their problems to `diagnostics`; return how many were drafts left out."""
    skipped = 0
    for record in kept:
        outcome = record.outcome
        assert outcome is not None  # all rendered by now
        diagnostics.extend(outcome.diagnostics)
        article = outcome.article
        if article is None:
            continue
        if article.draft or article.issue_date in draft_issues:
            if not drafts:
                skipped += 1
                continue
            if not article.draft:
                article = replace(article, draft=True)
            if record.rendered_for is not None:
                key = render_key(record.digest, record.rendered_for)
                articles.append(article)
                prints.append(article_fingerprint(key, outcome, draft=True))
                continue
        articles.append(article)
        prints.append(record.fingerprint)
    return skipped


def render(
    root: Path,
    config: SiteConfig,
    todo: list[tuple[Source, str | None]],
    bodies: dict[str, FrontWire],
    link_map: LinkMap,
    workers: Workers,
) -> list[RenderOutcome]:
    """Check and render `todo` (sources with their slugs), in order; bodies not read by this
    build are read again."""
    unread = [
        SplitTask(file=os.path.join(root, s.path), path=s.path)
        for s, _ in todo
        if s.path not in bodies
    ]
    for reread in workers.map_chunks(split_many, unread, list):
        if reread.front is not None:
            bodies[reread.path] = reread.front
    tasks = [
        RenderTask(path=s.path, issue_date=s.issue_date, slug=slug,
                   front=bodies.get(s.path) or s.front)
        for s, slug in todo
    ]  # fmt: skip
    job_config = replace(config, params={})
    targets = link_map.targets if isinstance(link_map.targets, dict) else dict(link_map.targets)
    broken = link_map.broken
    return workers.map_chunks(
        render_packed,  # render_many, its results sent back as columns
        tasks,
        lambda chunk: RenderJob(
            config=job_config, root=root, targets=targets, broken=broken, tasks=tuple(chunk)
        ),
    )


def article_fingerprint(key: bytes, outcome: RenderOutcome, *, draft: bool) -> bytes:
    """What determines an Article: its render key, its link answers, and the draft mark."""
    text = f"{repr((outcome.resolved, outcome.measured))}\0{draft}".encode()
    return hashlib.blake2b(key + text, digest_size=16).digest()


def _issue_of(url: str) -> date | None:
    return issue_folder_date(url.split("/")[2]) if url.startswith("/issues/") else None
