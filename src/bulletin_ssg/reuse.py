"""What the previous build's records still give: whole issue folders whose records all hold
(settled), and the articles whose rendering and link answers still do.

Decides only: reads no file and renders nothing (content.py does both).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from .articles import Source
from .issuefolders import Articles
from .links import LinkMap
from .model import Article
from .records import ArticleRecord


class Folder(NamedTuple):
    """The article files of one issue folder, as this build takes them."""

    found: Articles  #: as the walk found them
    #: whether every file's record still holds, slug included (`settled`); if so:
    settled: bool
    kept: list[ArticleRecord]  #: the records,
    slugs: list[str]  #: the slugs they give,
    linked: list[int]  #: which of them have links, whose answers are still to check,
    articles: list[Article]  #: and their articles and fingerprints
    prints: list[bytes]
    sources: list[Source | None]  #: if not, its sources in order (None: a file with errors)


def settled(
    found: Articles,
    previous: Mapping[str, ArticleRecord],
    stats: Mapping[str, tuple[int, int]],
    settings: bytes,
) -> Folder | None:
    """One issue folder's article files taken from their records, when these tell every
    answer about them but their link answers: None unless every file has one in `previous`
    with its size and mtime (`stats`), no problem, an outcome rendered with these `settings`
    and its issue date, and a slug, no two the same; and an article, not a draft, with
    nothing to say.

    Each slug is then the one `assign_slugs` would give: the same file (so the same front
    matter and name) got it before, under the same sections, and no other file of the issue
    wants it. (A record is rendered only when it has front matter.)
    """
    records: list[ArticleRecord] = []
    slugs: list[str] = []
    linked: list[int] = []
    articles: list[Article] = []
    issue_date = found.issue_date
    for path in found.paths:
        record = previous.get(path)
        if record is None or record.problem is not None:
            return None
        made = record.rendered_for
        outcome = record.outcome
        if made is None or outcome is None or (record.size, record.mtime_ns) != stats[path]:
            return None
        made_with, slug, day = made
        if made_with != settings or day != issue_date or slug is None:
            return None
        article = outcome.article
        if article is None or article.draft or outcome.diagnostics:
            return None
        if article.links:  # only a link or image can have been resolved or measured
            linked.append(len(records))
        records.append(record)
        slugs.append(slug)
        articles.append(article)
    if len(set(slugs)) != len(slugs):
        return None
    prints = [record.fingerprint for record in records]
    return Folder(found, True, records, slugs, linked, articles, prints, [])


def reusable(
    folders: list[Folder],
    records: Mapping[str, ArticleRecord],
    slugs: Mapping[str, str],
    settings: bytes,
    link_map: LinkMap,
) -> tuple[list[list[ArticleRecord]], list[tuple[Source, str | None, tuple[int, int]]]]:
    """Each folder's records in walk order, and the sources whose rendering or link answers
    no longer hold, with their slugs and their places in the first (where their records
    stand until they are rendered again). A settled folder with none keeps its own list.
    `slugs` are those of the folders not settled."""
    kept: list[list[ArticleRecord]] = []
    todo: list[tuple[Source, str | None, tuple[int, int]]] = []
    same_links = link_map.answers_same
    for i, folder in enumerate(folders):
        found = folder.found
        if folder.settled:  # only the link answers are left to check
            records_kept = folder.kept
            for at in folder.linked:
                path = found.paths[at]
                record = folder.kept[at]
                old = record.outcome
                assert old is not None and record.front is not None  # as `settled` found
                if not same_links(path, old.resolved, old.measured):
                    if records_kept is folder.kept:
                        records_kept = list(records_kept)
                    redo = Source(path, found.issue_date, record.front, found.slug_base(path))
                    todo.append((redo, folder.slugs[at], (i, at)))
            kept.append(records_kept)
            continue
        records_kept = []
        for source in folder.sources:
            if source is None:
                continue
            path = source.path
            record = records[path]
            outcome = record.outcome
            slug = slugs.get(path)
            if (
                outcome is None
                or record.rendered_for != (settings, slug, source.issue_date)
                or (
                    (outcome.resolved or outcome.measured)  # most link to nothing relative
                    and not same_links(path, outcome.resolved, outcome.measured)
                )
            ):
                todo.append((source, slug, (i, len(records_kept))))
            records_kept.append(record)
        kept.append(records_kept)
    return kept, todo
