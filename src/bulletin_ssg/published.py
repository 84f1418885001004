"""What a build published, and whether the output folder still holds it: the manifest of
files and folders, checked against the disk (or, without one, against the bytes wanted).

Reads and stats the output folder; writes nothing (output.py does).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, NamedTuple

from .errors import OutputError
from .model import OutputFile

#: Flag to open a file for its bytes as they are (O_BINARY: no newline translation on Windows).
BINARY = getattr(os, "O_BINARY", 0)


class Published(NamedTuple):
    """One published file as this tool left it (a tuple: one per file is loaded per build)."""

    size: int
    mtime_ns: int
    ino: int
    digest: bytes  #: of its bytes; empty for a copied file (compared by `mark`)
    mark: bytes = b""  #: what made it: a page's fingerprint, or a copied source's size+mtime


@dataclass(frozen=True, slots=True)
class Manifest:
    """What a build published: every file, and every folder's mtime (to notice strangers)."""

    files: Mapping[str, Published] = field(default_factory=dict)
    dirs: Mapping[str, int] = field(default_factory=dict)  #: "" is the output folder itself

    def __reduce__(self) -> tuple[object, tuple[object, ...]]:
        """Pickled as columns: an eighth of the time of one pickled object per file."""
        columns = tuple(map(list, zip(*self.files.values(), strict=True)))
        return _manifest_of, (list(self.files), columns, dict(self.dirs))


def _manifest_of(
    paths: list[str], columns: tuple[list[Any], ...], dirs: dict[str, int]
) -> Manifest:
    rows = map(partial(tuple.__new__, Published), zip(*columns, strict=True))  # all in C
    return Manifest(files=dict(zip(paths, rows, strict=True)), dirs=dirs)


@dataclass(frozen=True, slots=True)
class Verified:
    """The manifest held against the disk: only files whose stat still matches are trusted."""

    trusted: Mapping[str, Published]
    strangers: frozenset[str]  #: files on disk not trusted: edited, or never published by us
    folders: Mapping[str, int] = field(default_factory=dict)  #: folders as published, unchanged
    manifest: Manifest = field(default_factory=Manifest)  #: the manifest that was checked


def _stat_key(st: os.stat_result) -> tuple[int, int, int]:
    return st.st_size, st.st_mtime_ns, st.st_ino


def verify(out_dir: Path, manifest: Manifest | None) -> Verified | None:
    """Which published files can be trusted; None when there is nothing to build on.

    Every file is stat'ed (an edit in place changes no folder); a folder whose mtime
    changed is listed, so that what no build published is found there.
    """
    if manifest is None or not out_dir.is_dir():
        return None
    root = os.path.join(out_dir, "")
    paths = list(manifest.files)
    published = list(manifest.files.values())
    seen = _stat_keys([root + path for path in paths])
    trusted: dict[str, Published] = {}
    strangers: set[str] = set()
    if seen == [(entry.size, entry.mtime_ns, entry.ino) for entry in published]:
        trusted.update(manifest.files)
    else:
        for path, entry, key in zip(paths, published, seen, strict=True):
            if key == (entry.size, entry.mtime_ns, entry.ino):
                trusted[path] = entry
            elif key is not None:
                strangers.add(path)
    folders: dict[str, int] = {}
    names = list(manifest.dirs)
    mtimes = _mtimes([root + name for name in names])
    if mtimes == list(manifest.dirs.values()):
        folders.update(manifest.dirs)
    else:
        for folder, mtime, now in zip(names, manifest.dirs.values(), mtimes, strict=True):
            if now == mtime:
                folders[folder] = mtime
            elif now is not None:
                strangers.update(_unknown_below(root, folder, manifest))
    return Verified(trusted, frozenset(strangers), folders, manifest)


def intact(verified: Verified | None) -> bool:
    """Whether `verify` found every published file and folder as the build left them."""
    return (
        verified is not None
        and not verified.strangers
        and len(verified.trusted) == len(verified.manifest.files)
        and len(verified.folders) == len(verified.manifest.dirs)
    )


def intact_folder(out_dir: Path, manifest: Manifest) -> bool:
    """Whether out_dir holds exactly what `manifest` lists (see `verify`)."""
    return intact(verify(out_dir, manifest))


def as_verified(manifest: Manifest) -> Verified:
    """What `verify` gives for a folder found intact, without looking at it again."""
    return Verified(dict(manifest.files), frozenset(), dict(manifest.dirs), manifest)


def _stat_keys(paths: list[str]) -> list[tuple[int, int, int] | None]:
    """Each file's size, mtime and inode (not following links); None for a missing one."""
    try:  # one `map` while nothing fails: the per-file work stays in C
        return [(st.st_size, st.st_mtime_ns, st.st_ino) for st in map(os.lstat, paths)]
    except OSError:
        stats = (_stat_or_none(path, follow=False) for path in paths)
        return [None if st is None else _stat_key(st) for st in stats]


def _mtimes(paths: list[str]) -> list[int | None]:
    """Each folder's mtime; None for a missing one."""
    try:
        return [st.st_mtime_ns for st in map(os.stat, paths)]
    except OSError:
        return [None if st is None else st.st_mtime_ns for st in map(_stat_or_none, paths)]


def _stat_or_none(path: str, *, follow: bool = True) -> os.stat_result | None:
    try:
        return os.stat(path, follow_symlinks=follow)
    except OSError:
        return None


def _unknown_below(root: str, folder: str, manifest: Manifest) -> list[str]:
    """Entries of `folder` that no build published (files, and folders removed whole)."""
    found: list[str] = []
    try:
        entries = list(os.scandir(root + folder))
    except OSError:
        return found
    for entry in entries:
        rel = f"{folder}/{entry.name}" if folder else entry.name
        if entry.is_dir(follow_symlinks=False):
            if rel not in manifest.dirs:
                found.append(rel)  # a folder we never made: removed whole
        elif rel not in manifest.files:
            found.append(rel)
    return found


def source_mark(file: str) -> bytes:
    """A copied file's identity without reading it: size and mtime of its source."""
    st = os.stat(file)
    return f"{st.st_size}:{st.st_mtime_ns}".encode()


def digest_of(data: bytes) -> bytes:
    """What tells one file's bytes from another's (SHA-256, which CPUs now compute in hardware)."""
    return hashlib.sha256(data).digest()[:16]


def adopt(out_dir: Path, ordered: Mapping[str, OutputFile], digests: dict[str, bytes]) -> Verified:
    """Hold a folder with no manifest against `ordered` by reading it (cheaper than replacing it).

    A file that already has the bytes wanted is trusted (its digest goes in `digests`);
    anything else found, and any folder no file needs, is a stranger.
    """
    root = os.path.join(out_dir, "")
    needed = folders_of(ordered)
    trusted: dict[str, Published] = {}
    strangers: set[str] = set()
    pending = [""]
    try:
        while pending:
            folder = pending.pop()
            with os.scandir(root + folder) as entries:
                for entry in entries:
                    path = f"{folder}/{entry.name}" if folder else entry.name
                    if entry.is_dir(follow_symlinks=False) and path in needed:
                        pending.append(path)
                        continue
                    file = ordered.get(path)
                    st = None
                    if file and not file.copy_from and entry.is_file(follow_symlinks=False):
                        st = _holding(root + path, file.content)
                    if file is None or st is None:
                        strangers.add(path)
                        continue
                    digests[path] = digest = digest_of(file.content)
                    trusted[path] = Published(st.st_size, st.st_mtime_ns, st.st_ino, digest)
    except OSError as exc:
        raise OutputError(f"cannot read {out_dir}: {exc}") from exc
    return Verified(trusted, frozenset(strangers))


def _holding(file: str, data: bytes) -> os.stat_result | None:
    """The stat of `file` when it holds exactly `data`, else None (also when unreadable)."""
    try:
        fd = os.open(file, os.O_RDONLY | BINARY)
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if st.st_size != len(data):
            return None
        held = os.read(fd, len(data))
        while len(held) < len(data) and (more := os.read(fd, len(data) - len(held))):
            held += more
        return st if held == data else None
    finally:
        os.close(fd)


def folders_of(paths: Iterable[str]) -> set[str]:
    """Every folder that holds one of `paths`, the output folder itself ("") included."""
    folders = {""}
    for path in paths:
        parent = path.rpartition("/")[0]
        while parent not in folders:
            folders.add(parent)
            parent = parent.rpartition("/")[0]
    return folders
