"""The walk of content/: its issue folders, each one's issue.yaml and the files it holds.

Reads folder listings, file stats and issue.yaml only: article files are listed, not read.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from operator import attrgetter
from stat import S_ISREG
from typing import NamedTuple

from . import fields
from .articles import decode, digest_of, read_bytes
from .errors import ContentError, Diagnostic, Location, error, warning
from .frontmatter import load_yaml_mapping
from .links import CONTENT_DIR, issue_folder_date
from .model import IssueInfo, StaticFile
from .records import ArticleRecord
from .sources import BUNDLE_INDEX, is_ignored, walk_files

ISSUE_FILE = "issue.yaml"
ISSUE_KEYS = ("number", "volume", "title", "editor", "draft", "note")


class Found(NamedTuple):
    """An article file seen by the walk, not yet read (a tuple: 10,000 are made per build)."""

    file: str  #: the path to open
    path: str  #: site-relative
    issue_date: date
    slug_base: str  #: file stem, or folder name for a bundle
    size: int
    mtime_ns: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Walk:
    """What the walk of content/ found."""

    events: list[Diagnostic | Found]  #: article files and problems, in walk order
    infos: list[IssueInfo]  #: one per issue folder, in date order
    files: list[StaticFile]  #: files to publish as they are (bundles' files not included)
    issue_records: dict[str, ArticleRecord]  #: of each issue.yaml, by site-relative path


def walk_issue_folders(
    content_dir: str,
    previous: Mapping[str, ArticleRecord],
    stats: Mapping[str, tuple[int, int]],
) -> Walk:
    """Every issue folder of `content_dir`, in name order: its IssueInfo, article files and
    files to publish; problems with folder names and issue.yaml files become events.

    `previous` holds the last build's records (an unchanged issue.yaml is not read again);
    `stats` the (size, mtime_ns) of files the caller has just stat'ed, by site-relative path.
    """
    events: list[Diagnostic | Found] = []
    infos: list[IssueInfo] = []
    files: list[StaticFile] = []
    issue_records: dict[str, ArticleRecord] = {}
    # Strings and os.scandir, not pathlib: at 10,000 articles Path objects cost more than the walk.
    for entry in _listing(content_dir):
        name = entry.name
        if is_ignored(name):
            continue
        rel = f"{CONTENT_DIR}/{name}"
        issue_date = issue_folder_date(name)
        if not entry.is_dir():
            events.append(
                warning(
                    "not an issue folder, ignored",
                    Location(rel),
                    "articles go in content/YYYY-MM-DD/",
                )
            )
            continue
        if issue_date is None:
            events.append(
                error(
                    f"issue folder name {name!r} is not a date, expected YYYY-MM-DD",
                    Location(rel),
                )
            )
            continue
        entries = _listing(entry.path)
        issue_file = next((e for e in entries if e.name == ISSUE_FILE), None)
        issue_problems: list[Diagnostic] = []
        path = f"{rel}/{ISSUE_FILE}"
        record = read_issue_file(issue_file, path, previous.get(path), stats)
        if record is not None:
            issue_records[path] = record
        infos.append(load_issue_info(record, rel, issue_date, issue_problems))
        events.extend(issue_problems)
        collect_issue(entries, rel, issue_date, events, files, stats)
    return Walk(events=events, infos=infos, files=files, issue_records=issue_records)


_BY_NAME = attrgetter("name")


def _listing(folder: str) -> list[os.DirEntry[str]]:
    """A folder's entries, sorted by name."""
    with os.scandir(folder) as listing:
        return sorted(listing, key=_BY_NAME)


def read_issue_file(
    file: os.DirEntry[str] | None,
    path: str,
    old: ArticleRecord | None,
    stats: Mapping[str, tuple[int, int]],
) -> ArticleRecord | None:
    """The record of an issue.yaml (`file`, its folder entry): `old` while its size and mtime
    are unchanged, else read and parsed anew; None when the folder has none.
    """
    if file is None or not file.is_file():
        return None
    try:
        size, mtime_ns = stat_of(file, path, stats)
    except OSError:
        size, mtime_ns = -1, -1  # reading will say why
    if old is not None and size >= 0 and (old.size, old.mtime_ns) == (size, mtime_ns):
        return old
    try:
        data = read_bytes(file.path, path)
        meta, lines = load_yaml_mapping(decode(data, path), path)
    except ContentError as exc:
        return ArticleRecord(
            size=size, mtime_ns=mtime_ns, digest=b"", front=None, problem=exc.to_diagnostic()
        )
    return ArticleRecord(
        size=size, mtime_ns=mtime_ns, digest=digest_of(data), front=(meta, lines, "", 1),
        problem=None,
    )  # fmt: skip


def load_issue_info(
    record: ArticleRecord | None, rel: str, issue_date: date, diagnostics: list[Diagnostic]
) -> IssueInfo:
    """An issue folder's IssueInfo from its issue.yaml's record, or defaults when it has none."""
    if record is None:
        return IssueInfo(source=Location(rel), issue_date=issue_date)
    path = f"{rel}/{ISSUE_FILE}"
    if record.front is None:
        if record.problem is not None:
            diagnostics.append(record.problem)
        return IssueInfo(source=Location(path), issue_date=issue_date)
    meta, lines = record.front[0], record.front[1]
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
    entries: list[os.DirEntry[str]],
    rel: str,
    issue_date: date,
    events: list[Diagnostic | Found],
    files: list[StaticFile],
    stats: Mapping[str, tuple[int, int]],
) -> None:
    """List every article file of one issue folder (its sorted `entries`) and the files to copy."""
    prefix = f"/issues/{issue_date.isoformat()}/"
    for entry in entries:
        name = entry.name
        if is_ignored(name) or name == ISSUE_FILE:
            continue
        path = f"{rel}/{name}"
        if entry.is_dir():
            index = f"{entry.path}/{BUNDLE_INDEX}"
            try:
                stat = os.stat(index)
            except OSError:
                stat = None
            if stat is not None and S_ISREG(stat.st_mode):
                events.append(
                    Found(file=index, path=f"{path}/{BUNDLE_INDEX}", issue_date=issue_date,
                          slug_base=name, size=stat.st_size, mtime_ns=stat.st_mtime_ns)
                )  # fmt: skip
                continue
        elif name.endswith(".md") and entry.is_file():
            size, mtime_ns = stat_of(entry, path, stats)
            events.append(
                Found(file=entry.path, path=path, issue_date=issue_date,
                      slug_base=name[:-3], size=size, mtime_ns=mtime_ns)
            )  # fmt: skip
            continue
        for sub in [name] if entry.is_file() else walk_files(entry.path, name + "/"):
            files.append(StaticFile(source=f"{rel}/{sub}", url=prefix + sub))


def stat_of(
    entry: os.DirEntry[str], path: str, stats: Mapping[str, tuple[int, int]]
) -> tuple[int, int]:
    """(size, mtime_ns) of a file: as the caller saw it in `stats`, else stat'ed now."""
    known = stats.get(path)
    if known is not None:
        return known
    stat = entry.stat()
    return stat.st_size, stat.st_mtime_ns
