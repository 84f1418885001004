"""Loads content/<YYYY-MM-DD>/ into complete Articles, IssueInfos and issue files.

Takes what the walk of content/ (issuefolders.py) found; everything wrong becomes a Diagnostic.
Per-file work (articles.py) runs in worker processes when there is much of it, and an article
whose file, slug and link answers are unchanged is taken from the previous build's records.
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
    render_many,
    split_many,
)
from .errors import Diagnostic, Location, warning
from .issuefolders import Found, walk_issue_folders
from .links import CONTENT_DIR, LinkMap, issue_folder_date
from .model import Article, IssueInfo, SiteConfig, StaticFile
from .records import ArticleRecord, RenderedFor
from .sources import BUNDLE_INDEX, assign_slugs, bundle_static_files, link_targets
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
    `stats` are (size, mtime_ns) by site-relative path of content files the caller has just
    stat'ed (buildstate.scan): they are not stat'ed again.
    """
    diagnostics: list[Diagnostic] = []
    content_dir = os.path.join(root, CONTENT_DIR)
    if not os.path.isdir(content_dir):
        diagnostics.append(
            warning("no content/ folder: the site has no issues", Location(CONTENT_DIR))
        )
        return Content(articles=(), issues=(), files=(), diagnostics=tuple(diagnostics))
    previous = records or {}
    walk = walk_issue_folders(content_dir, previous, stats or {})
    own = workers if workers is not None else Workers(1)
    try:
        content = finish(
            root, config, walk.events, walk.infos, walk.files, diagnostics,
            previous=previous, issue_records=walk.issue_records, workers=own, drafts=drafts,
        )  # fmt: skip
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
    events: list[Diagnostic | Found],
    previous: Mapping[str, ArticleRecord],
    workers: Workers,
    diagnostics: list[Diagnostic],
) -> tuple[list[Source], dict[str, ArticleRecord], dict[str, FrontWire]]:
    """Split the files that changed since `previous` (the rest are not read).

    Returns the sources in walk order, each file's record, and the fronts read now (with
    their bodies); problems go to `diagnostics` in walk order.
    """
    found = [e for e in events if isinstance(e, Found)]
    records: dict[str, ArticleRecord] = {}
    stale: list[Found] = []
    for item in found:
        old = previous.get(item.path)
        if old is not None and (old.size, old.mtime_ns) == (item.size, item.mtime_ns):
            records[item.path] = old
        else:
            stale.append(item)
    bodies: dict[str, FrontWire] = {}
    tasks = [SplitTask(file=f.file, path=f.path) for f in stale]
    for item, outcome in zip(stale, workers.map_chunks(split_many, tasks, list), strict=True):
        old = previous.get(item.path)
        if old is not None and outcome.digest and old.digest == outcome.digest:
            records[item.path] = replace(old, size=item.size, mtime_ns=item.mtime_ns)
        else:
            front = outcome.front
            records[item.path] = ArticleRecord(
                size=item.size, mtime_ns=item.mtime_ns, digest=outcome.digest,
                front=None if front is None else (front[0], front[1], "", front[3]),
                problem=outcome.problem,
            )  # fmt: skip
        if outcome.front is not None:
            bodies[item.path] = outcome.front
    sources: list[Source] = []
    for event in events:
        if isinstance(event, Diagnostic):
            diagnostics.append(event)
            continue
        record = records[event.path]
        if record.problem is not None or record.front is None:
            if record.problem is not None:
                diagnostics.append(record.problem)
            continue
        sources.append(
            Source(path=event.path, issue_date=event.issue_date,
                   front=bodies.get(event.path, record.front),
                   slug_base=event.slug_base)
        )  # fmt: skip
    return sources, records, bodies


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
    events: list[Diagnostic | Found],
    infos: list[IssueInfo],
    files: list[StaticFile],
    diagnostics: list[Diagnostic],
    *,
    previous: Mapping[str, ArticleRecord],
    issue_records: Mapping[str, ArticleRecord],
    workers: Workers,
    drafts: bool,
) -> Content:
    """Give each source its slug, render bodies with links resolved, and drop drafts."""
    sources, records, bodies = read_sources(events, previous, workers, diagnostics)
    slugs = assign_slugs(sources, config, diagnostics)
    bundle_files = bundle_static_files(root, sources, slugs)
    files = [*files, *bundle_files]
    targets = link_targets(sources, slugs, files)
    broken = frozenset(
        path
        for event in events
        if isinstance(event, Found)
        for path in (event.path, event.path.removesuffix("/" + BUNDLE_INDEX))
        if path not in targets
    )
    link_map = LinkMap(targets, root, config.base_path, broken)
    settings = render_settings(config)
    outcomes: dict[str, RenderOutcome] = {}
    todo: list[Source] = []
    for source in sources:
        record = records[source.path]
        old = record.outcome
        if (
            record.rendered_for == (settings, slugs.get(source.path), source.issue_date)
            and old is not None
            and (
                not (old.resolved or old.measured)  # most articles link to nothing relative
                or link_map.for_article(source.path).answers_same(old.resolved, old.measured)
            )
        ):
            outcomes[source.path] = old
        else:
            todo.append(source)
    unread = [
        SplitTask(file=os.path.join(root, s.path), path=s.path)
        for s in todo
        if s.path not in bodies
    ]
    for reread in workers.map_chunks(split_many, unread, list):
        if reread.front is not None:
            bodies[reread.path] = reread.front
    tasks = [
        RenderTask(path=s.path, issue_date=s.issue_date, slug=slugs.get(s.path),
                   front=bodies.get(s.path) or s.front)
        for s in todo
    ]  # fmt: skip
    job_config = replace(config, params={})
    targets = dict(link_map.targets)
    fresh = workers.map_chunks(
        render_many,
        tasks,
        lambda chunk: RenderJob(
            config=job_config, root=root, targets=targets, broken=broken, tasks=tuple(chunk)
        ),
    )
    for source, made in zip(todo, fresh, strict=True):
        outcomes[source.path] = made
        record = records[source.path]
        rendered_for = (settings, slugs.get(source.path), source.issue_date)
        key = render_key(record.digest, rendered_for)
        records[source.path] = ArticleRecord(
            size=record.size, mtime_ns=record.mtime_ns, digest=record.digest,
            front=record.front, problem=record.problem, rendered_for=rendered_for, outcome=made,
            fingerprint=article_fingerprint(key, made, draft=False),
        )  # fmt: skip
    draft_issues = {info.issue_date for info in infos if info.draft}
    articles: list[Article] = []
    prints: list[bytes] = []
    skipped = 0
    for source in sources:
        outcome = outcomes[source.path]
        diagnostics.extend(outcome.diagnostics)
        if outcome.article is None:
            continue
        article = outcome.article
        if (article.draft or article.issue_date in draft_issues) and not drafts:
            skipped += 1
            continue
        if article.issue_date in draft_issues:
            article = replace(article, draft=True)
        articles.append(article)
        record = records[source.path]
        if article.draft and record.rendered_for is not None:
            key = render_key(record.digest, record.rendered_for)
            prints.append(article_fingerprint(key, outcome, draft=True))
        else:
            prints.append(record.fingerprint)
    published = tuple(i for i in infos if drafts or not i.draft)
    published_dates = {i.issue_date for i in published}
    kept_files = tuple(f for f in files if _issue_of(f.url) in published_dates)
    return Content(
        articles=tuple(articles),
        issues=published,
        files=kept_files,
        diagnostics=tuple(diagnostics),
        drafts_skipped=skipped,
        records={**issue_records, **records},
        rendered=len(todo),
        fingerprints=tuple(prints),
    )


def article_fingerprint(key: bytes, outcome: RenderOutcome, *, draft: bool) -> bytes:
    """What determines an Article: its render key, its link answers, and the draft mark."""
    text = f"{repr((outcome.resolved, outcome.measured))}\0{draft}".encode()
    return hashlib.blake2b(key + text, digest_size=16).digest()


def _issue_of(url: str) -> date | None:
    return issue_folder_date(url.split("/")[2]) if url.startswith("/issues/") else None
