"""The walk of content/: its issue folders, each one's issue.yaml and the files it holds.

Driven by the list of files below content/ (a scan's, or its own): lists only content/ itself
(to see empty folders) and reads only issue.yaml files; article files are listed, not read.
"""

from __future__ import annotations

import os
from bisect import bisect_left
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from operator import attrgetter
from pathlib import Path
from typing import NamedTuple

from . import fields
from .articles import ask_for, decode, digest_of, read_bytes
from .errors import ContentError, Diagnostic, Location, error, warning
from .frontmatter import load_yaml_mapping
from .links import CONTENT_DIR, issue_folder_date
from .listing import scan
from .model import IssueInfo, StaticFile, issue_url
from .records import ArticleRecord
from .sources import BUNDLE_INDEX, is_ignored

ISSUE_FILE = "issue.yaml"
ISSUE_KEYS = ("number", "volume", "title", "editor", "draft", "note")
_TEXT_KEYS = ("title", "editor", "note")


class Articles(NamedTuple):
    """The article files of one issue folder, in name order, not yet read (one tuple a folder,
    not one a file: 10,000 files are listed per build)."""

    issue_date: date
    paths: list[str]  #: site-relative: a .md file, or a bundle's index.md
    start: int  #: where a file's name starts in its path (after the folder's own path)

    def slug_base(self, path: str) -> str:
        """The file stem of one of `paths`, or the folder name for a bundle."""
        name = path[self.start :]
        folder, slash, _ = name.partition("/")
        return folder if slash else name[:-3]


@dataclass(frozen=True, slots=True, kw_only=True)
class Walk:
    """What the walk of content/ found."""

    events: list[Diagnostic | Articles]  #: article files and problems, in walk order
    infos: list[IssueInfo]  #: one per issue folder, in date order
    files: list[StaticFile]  #: files to publish as they are (bundles' files not included)
    issue_records: dict[str, ArticleRecord]  #: of each issue.yaml, by site-relative path
    #: the files beside each bundle's index.md (by its site-relative path), relative to its
    #: folder, in walk order
    bundles: dict[str, list[str]]
    stats: Mapping[str, tuple[int, int]]  #: (size, mtime_ns) of every file, by path


def walk_issue_folders(
    content_dir: str,
    previous: Mapping[str, ArticleRecord],
    stats: Mapping[str, tuple[int, int]] | None = None,
) -> Walk:
    """Every issue folder of `content_dir`, in name order: its IssueInfo, article files and
    files to publish; problems with folder names and issue.yaml files become events.

    `previous` holds the last build's records (an unchanged issue.yaml is not read again).
    `stats` is the (size, mtime_ns) of every file below `content_dir` by site-relative path,
    as the caller's scan just saw them (listing.scan, which follows folder links and leaves
    out what it cannot stat); None: scanned here.
    """
    if stats is None:
        folder = Path(content_dir)
        stats = {path: (size, mtime) for path, size, mtime in scan(folder.parent, folder)}
    listed = sorted(stats)  # a scan's order already: this costs one pass
    done = 0  # where the files of the folder last seen end in `listed`
    events: list[Diagnostic | Articles] = []
    infos: list[IssueInfo] = []
    files: list[StaticFile] = []
    issue_records: dict[str, ArticleRecord] = {}
    bundles: dict[str, list[str]] = {}
    # Strings and os.scandir, not pathlib: at 10,000 articles Path objects cost more than the walk.
    entries = [entry for entry in _listing(content_dir) if not is_ignored(entry.name)]
    ask_for_issue_files(entries, stats, previous)
    for entry in entries:
        name = entry.name
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
        issue_problems: list[Diagnostic] = []
        path = f"{rel}/{ISSUE_FILE}"
        stat = stats.get(path)
        file = f"{entry.path}/{ISSUE_FILE}"
        record = read_issue_file(file, path, previous.get(path), stat)
        if record is not None:
            issue_records[path] = record
        infos.append(load_issue_info(record, rel, issue_date, issue_problems))
        events.extend(issue_problems)
        start, done = _run(listed, rel, done)
        below = listed[start:done]
        collect_issue(
            below, len(rel) + 1, issue_date, events, files, bundles,
            has_issue_file=stat is not None,
        )  # fmt: skip
    return Walk(
        events=events, infos=infos, files=files, issue_records=issue_records, bundles=bundles,
        stats=stats,
    )  # fmt: skip


_BY_NAME = attrgetter("name")


def _listing(folder: str) -> list[os.DirEntry[str]]:
    """A folder's entries, sorted by name."""
    with os.scandir(folder) as listing:
        return sorted(listing, key=_BY_NAME)


def _run(listed: list[str], rel: str, after: int) -> tuple[int, int]:
    """Where the paths below folder `rel` start and end in sorted `listed`: one run of it,
    looked for right `after` the last one found first (folders come in name order)."""
    first = rel + "/"
    end = rel + "0"  # "0" sorts right after "/"
    if after < len(listed) and listed[after].startswith(first):
        start = after
    else:
        start = bisect_left(listed, first)
    near = start + 32  # most folders hold fewer files: a short bisection
    if near < len(listed) and listed[near] < end:
        return start, bisect_left(listed, end, near)
    return start, bisect_left(listed, end, start, min(near, len(listed)))


def ask_for_issue_files(
    entries: list[os.DirEntry[str]],
    stats: Mapping[str, tuple[int, int]],
    previous: Mapping[str, ArticleRecord],
) -> None:
    """Ask the disk for the issue.yaml of each of `entries` (content/'s) that is new or changed
    since `previous`, all at once, so that those not in memory are read while the walk reads
    the first ones."""
    for entry in entries:
        path = f"{CONTENT_DIR}/{entry.name}/{ISSUE_FILE}"
        stat = stats.get(path)
        if stat is not None and _changed(previous.get(path), stat):
            ask_for(f"{entry.path}/{ISSUE_FILE}")


def _changed(old: ArticleRecord | None, stat: tuple[int, int]) -> bool:
    return old is None or (old.size, old.mtime_ns) != stat


def read_issue_file(
    file: str, path: str, old: ArticleRecord | None, stat: tuple[int, int] | None
) -> ArticleRecord | None:
    """The record of an issue.yaml (`file`; `stat`, its size and mtime, None when the folder
    has none): `old` while its size and mtime are unchanged, else read and parsed anew.
    """
    if stat is None:
        return None
    if not _changed(old, stat):
        return old
    size, mtime_ns = stat
    try:
        data = read_bytes(file, path)
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
    if _plain(meta):  # what the checks below would give, without them
        get = meta.get
        return IssueInfo(
            source=Location(path), issue_date=issue_date, number=get("number"),
            volume=get("volume"), title=get("title"), editor=get("editor"),
            draft=get("draft") or False, note=get("note"),
        )  # fmt: skip
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


def _plain(meta: Mapping[str, object]) -> bool:
    """Whether every key of an issue.yaml is known and holds a value its check takes as it is:
    an int for number and volume, a bool for draft, stripped non-empty text for the rest."""
    for key, value in meta.items():
        if key not in ISSUE_KEYS:
            return False
        if value is None:
            continue
        if key in _TEXT_KEYS:
            if type(value) is not str or not value or value != value.strip():
                return False
        elif type(value) is not (bool if key == "draft" else int):
            return False
    return True


def collect_issue(
    below: list[str],
    start: int,
    issue_date: date,
    events: list[Diagnostic | Articles],
    files: list[StaticFile],
    bundles: dict[str, list[str]],
    *,
    has_issue_file: bool,
) -> None:
    """List the article files of one issue folder and its files to copy, in name order.

    `below`: the sorted site-relative paths of the files below the folder, whose own path
    takes their first `start` characters; `has_issue_file`: whether one is its issue.yaml.
    """
    if not below:
        return
    joined = "".join(below)
    here: dict[str, list[str]] = {}  #: bundles, as `bundles`
    if joined.count("/") == below[0].count("/", 0, start) * len(below):
        # Files only, no folders: sorted by path is sorted by name.
        # An .md name is ignored only for its first character.
        found = [p for p in below if p.endswith(".md") and p[start] not in "._#"]
        if len(found) + has_issue_file != len(below):
            prefix = issue_url(issue_date)
            for path in [p for p in below if not p.endswith(".md")]:
                name = path[start:]
                if name != ISSUE_FILE and not is_ignored(name):
                    files.append(StaticFile(source=path, url=prefix + name))
    else:
        found = collect_nested(below, start, issue_date, files, here)
    index = below[0][:start] + BUNDLE_INDEX
    if index in found:  # it would publish every file of the issue folder beside it
        found.remove(index)
        events.append(
            error(
                "index.md is the article file of a bundle, expected it in a folder of its own "
                f"({below[0][:start]}<name>/{BUNDLE_INDEX}) or another file name",
                Location(index),
            )
        )
    if found:
        events.append(Articles(issue_date, found, start))
    bundles.update((path, here[path]) for path in found if path in here)  # in walk order


def collect_nested(
    below: list[str],
    start: int,
    issue_date: date,
    files: list[StaticFile],
    bundles: dict[str, list[str]],
) -> list[str]:
    """`collect_issue` for a folder with folders in it: its article paths, in the order of
    a walk that lists each folder sorted by name (by the names along the path)."""
    prefix = issue_url(issue_date)
    entries: dict[str, list[str]] = {}
    for path in below:
        name, _, sub = path[start:].partition("/")
        entries.setdefault(name, []).append(sub)
    folder = below[0][:start]
    paths: list[str] = []
    for name in sorted(entries):
        if is_ignored(name) or name == ISSUE_FILE:
            continue
        path = folder + name
        subs = entries[name]
        if subs == [""]:  # a file
            if name.endswith(".md"):
                paths.append(path)
            else:
                files.append(StaticFile(source=path, url=prefix + name))
            continue
        kept = sorted((s for s in subs if not _ignored_below(s)), key=_parts)
        if BUNDLE_INDEX in kept:
            index = f"{path}/{BUNDLE_INDEX}"
            paths.append(index)
            bundles[index] = [s for s in kept if s != BUNDLE_INDEX]
            continue
        for sub in kept:
            files.append(StaticFile(source=f"{path}/{sub}", url=f"{prefix}{name}/{sub}"))
    return paths


def _ignored_below(path: str) -> bool:
    """Whether a `/` path has an ignored name along it."""
    return any(is_ignored(part) for part in path.split("/"))


def _parts(path: str) -> list[str]:
    return path.split("/")
