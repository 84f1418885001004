"""The only module that writes the site: stage what changed, then put it in place at once.

A build that fails anywhere leaves the previous output exactly as it was. A first build
stages the whole tree and swaps it in; later ones compare with a manifest of what was
published (checked against the files on disk by published.py, so hand edits are repaired,
never trusted), or without one with the bytes found there, stage only the files whose bytes
differ, then rename them into place and delete the rest.
"""

from __future__ import annotations

import contextlib
import os
import posixpath
import shutil
import tempfile
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from .errors import OutputError
from .model import OutputFile
from .published import (
    Manifest,
    Published,
    Verified,
    adopt,
    digest_of,
    folders_of,
    source_mark,
)
from .staging import Stage, Staged, StatKey, check_path, write_file

#: What publish takes: files to write, and pages already written into a Stage.
Output = OutputFile | Staged


def check_destination(out_dir: Path, protected: Iterable[Path]) -> None:
    """Refuse a destination that is, or contains, a folder of the site's sources."""
    target = out_dir.resolve()
    for folder in protected:
        source = folder.resolve()
        if target == source or target in source.parents:
            raise OutputError(
                f"destination {out_dir} would replace {folder}, expected a folder of its own"
            )
    if target.exists() and not target.is_dir():
        raise OutputError(f"destination {out_dir} exists and is not a folder")


def write_output(
    files: Iterable[OutputFile], out_dir: Path, *, protected: Iterable[Path] = ()
) -> int:
    """Stage every file beside `out_dir`, then swap the stage in; return the file count."""
    ordered = _checked(files, out_dir, protected)
    _stage_and_swap(ordered, out_dir, folders_of(ordered))
    return len(ordered)


def _stage_and_swap(
    ordered: Mapping[str, Output], out_dir: Path, folders: set[str], stage: Stage | None = None
) -> dict[str, StatKey]:
    """Write checked files into a new folder beside `out_dir` (or into `stage`, which holds
    the Staged ones already), then swap it in; their stat keys.

    `folders` are those that hold the files: each is made once, parents first.
    """
    _refuse_clashes(ordered.keys(), folders)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    if stage is not None:
        staging = stage.folder
    else:
        staging = tempfile.mkdtemp(prefix=f".{out_dir.name}.staging-", dir=out_dir.parent)
    try:
        if stage is None:
            for folder in sorted(folders):
                if folder:
                    os.mkdir(f"{staging}/{folder}")
        else:  # the renderers made their pages' folders: only the other files' may be missing
            unstaged = [path for path, file in ordered.items() if not isinstance(file, Staged)]
            for folder in sorted(folders_of(unstaged)):
                if folder:
                    os.makedirs(f"{staging}/{folder}", exist_ok=True)
        stats = {path: _stat_key(path, file, staging, stage) for path, file in ordered.items()}
        swap_in(Path(staging), out_dir)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise OutputError(f"cannot write the site to {out_dir}: {exc}") from exc
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return stats


def _stat_key(path: str, file: Output, staging: str, stage: Stage | None) -> StatKey:
    """A Staged file's stat key; any other file is written into `staging` first."""
    if not isinstance(file, Staged):
        return write_file(f"{staging}/{path}", file)
    _refuse_unstaged(path, file, stage)
    assert file.stat is not None  # refused above when it was not written
    return file.stat


def _refuse_unstaged(
    path: str, file: Staged, stage: Stage | None, old: Published | None = None
) -> None:
    """OutputError unless `file` was staged for this folder: it came with its `stage`, and was
    written there or (not written) has the bytes of `old`, the file published at `path`."""
    if stage is None or (file.stat is None and (old is None or old.digest != file.digest)):
        raise OutputError(f"cannot publish {path}: it was not staged for this folder")


def swap_in(staging: Path, out_dir: Path) -> None:
    """Replace out_dir by staging; the old tree is moved aside before it is deleted."""
    os.chmod(staging, 0o755)
    if not out_dir.exists():
        os.replace(staging, out_dir)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.old-", dir=out_dir.parent))
    old.rmdir()
    os.replace(out_dir, old)
    try:
        os.replace(staging, out_dir)
    except OSError:
        os.replace(old, out_dir)
        raise
    shutil.rmtree(old, ignore_errors=True)


@dataclass(frozen=True, slots=True)
class Publication:
    """What publishing did: files written, and the manifest of the folder now."""

    written: int
    manifest: Manifest


def stage_for(out_dir: Path, verified: Verified | None) -> Stage | None:
    """A stage that pages can be written into as they are rendered, before `publish` (which
    must then be given it): for a first build into an empty folder, or one with a manifest.
    """
    if verified is None and _holds_anything(out_dir):
        return None  # publish compares every file with what is there: pages stay in memory
    try:
        return Stage(out_dir, verified.trusted if verified is not None else {})
    except OSError as exc:
        raise OutputError(f"cannot write the site to {out_dir}: {exc}") from exc


def publish(
    files: Iterable[Output],
    out_dir: Path,
    *,
    protected: Iterable[Path] = (),
    marks: Mapping[str, bytes] | None = None,
    kept: Iterable[str] = (),
    verified: Verified | None = None,
    stage: Stage | None = None,
) -> Publication:
    """Make `out_dir` hold exactly `files` plus the `kept` ones, writing only what changed.

    `kept` are paths whose published file is reused as it is (they must be trusted);
    `marks` give each file what made it (kept in the manifest for the next build).
    Staged files must come with the `stage` they were written into (see `stage_for`).
    Without `verified` (a first build) the whole tree is staged and swapped in, unless
    out_dir already holds files: then those whose bytes are the same are kept.
    """
    marks = marks or {}
    ordered = _checked(files, out_dir, protected)
    digests: dict[str, bytes] = {}
    if verified is None:
        if not _holds_anything(out_dir):
            manifest = _publish_whole(ordered, out_dir, marks, stage)
            return Publication(written=len(ordered), manifest=manifest)
        in_memory = {path: f for path, f in ordered.items() if isinstance(f, OutputFile)}
        if len(in_memory) != len(ordered):  # see stage_for
            raise OutputError(f"{out_dir} holds files no manifest knows: pages cannot be staged")
        verified = adopt(out_dir, in_memory, digests)
    trusted = verified.trusted
    entries: dict[str, Published] = {}
    for path in kept:
        if path not in trusted:  # a manifest's paths are all as check_path gives them
            path = check_path(path)
        if path in ordered or path not in trusted:
            raise OutputError(f"cannot keep {path}: it is not a trusted published file")
        entries[path] = trusted[path]
    changed: dict[str, Output] = {}
    made: dict[str, tuple[bytes, bytes]] = {}  #: (mark, digest) of each changed file
    for path, file in ordered.items():
        old = trusted.get(path)
        if isinstance(file, Staged):
            mark, digest = marks.get(path, b""), file.digest
            _refuse_unstaged(path, file, stage, old)
        elif file.copy_from is not None:
            try:
                mark, digest = source_mark(file.copy_from), b""
            except OSError as exc:
                raise OutputError(f"cannot copy {file.copy_from}: {exc.strerror}") from exc
            if old is not None and old.mark == mark:
                entries[path] = old
                continue
        else:
            mark, digest = marks.get(path, b""), digests.get(path) or digest_of(file.content)
        if digest and old is not None and old.digest == digest:
            entries[path] = Published(old.size, old.mtime_ns, old.ino, digest, mark)
            continue
        changed[path] = file
        made[path] = mark, digest
    wanted = entries.keys() | changed.keys()
    previous = verified.manifest
    if wanted == previous.files.keys():
        folders: Collection[str] = previous.dirs.keys()
    else:
        folders = folders_of(wanted)
        _refuse_clashes(wanted, folders)
    removed = sorted((trusted.keys() | verified.strangers) - wanted)
    _commit(out_dir, changed, removed, stage)
    root = os.path.join(out_dir, "")
    for path, file in changed.items():
        if isinstance(file, Staged) and file.stat is not None:
            size, mtime_ns, ino = file.stat  # a rename keeps a file's stat
        else:
            st = os.stat(root + path)
            size, mtime_ns, ino = st.st_size, st.st_mtime_ns, st.st_ino
        entries[path] = Published(size, mtime_ns, ino, made[path][1], made[path][0])
    dirs = _folder_mtimes(root, folders, verified.folders, folders_of([*changed, *removed]))
    return Publication(written=len(changed), manifest=Manifest(files=entries, dirs=dirs))


def _holds_anything(folder: Path) -> bool:
    try:
        with os.scandir(folder) as entries:
            return any(True for _ in entries)
    except OSError:
        return False


def _checked(
    files: Iterable[Output], out_dir: Path, protected: Iterable[Path]
) -> dict[str, Output]:
    """Files by normalised path; OutputError for an unsafe path, a clash or a bad destination."""
    check_destination(out_dir, protected)
    ordered: dict[str, Output] = {}
    for file in files:
        path = check_path(file.path)
        if path in ordered:
            first = ordered[path].origin or "another file"
            raise OutputError(
                f"two outputs for {path}: {first} and {file.origin or 'another file'}"
            )
        ordered[path] = file
    return ordered


def _commit(
    out_dir: Path, changed: Mapping[str, Output], removed: list[str], stage: Stage | None
) -> None:
    """Stage `changed` beside out_dir (the Staged ones are in `stage` already), then delete
    `removed` and rename each into place.

    Nothing in out_dir changes until every file is staged.
    """
    if not changed and not removed:
        return
    root = os.path.join(out_dir, "")
    staging = tempfile.mkdtemp(prefix=f".{out_dir.name}.staging-", dir=out_dir.parent)
    try:
        staged: list[tuple[str, str]] = []
        for number, (path, file) in enumerate(sorted(changed.items())):
            if isinstance(file, Staged):
                assert stage is not None
                staged.append((f"{stage.folder}/{path}", path))
                continue
            temp = os.path.join(staging, str(number))
            write_file(temp, file)
            staged.append((temp, path))
        for path in removed:
            _remove(root + path)
        for temp, path in staged:
            _move_in(temp, root, path)
        _prune(root, {posixpath.dirname(p) for p in removed})
    except OSError as exc:
        raise OutputError(f"cannot write the site to {out_dir}: {exc}") from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _remove(target: str) -> None:
    if os.path.isdir(target) and not os.path.islink(target):
        shutil.rmtree(target)
    else:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(target)


def _move_in(temp: str, root: str, path: str) -> None:
    """Rename a staged file to `path`, first making its folder or clearing a folder in the way."""
    target = root + path
    try:
        os.replace(temp, target)
        return
    except OSError:
        pass
    parent = posixpath.dirname(path)
    if parent and not os.path.isdir(root + parent):
        _make_folders(root, parent)
    if os.path.isdir(target) and not os.path.islink(target):
        shutil.rmtree(target)
    os.replace(temp, target)


def _make_folders(root: str, folder: str) -> None:
    """Create `folder` and its missing parents; a file in the way (a stranger) goes."""
    parts = folder.split("/")
    for depth in range(1, len(parts) + 1):
        target = root + "/".join(parts[:depth])
        if os.path.isdir(target):
            continue
        if os.path.lexists(target):
            os.unlink(target)
        os.mkdir(target)


def _prune(root: str, folders: set[str]) -> None:
    """Remove folders left empty by deletions, deepest first, up to (not including) the root."""
    for folder in sorted(folders, key=lambda f: f.count("/"), reverse=True):
        while folder:
            try:
                os.rmdir(root + folder)
            except OSError:
                break
            folder = posixpath.dirname(folder)


def _refuse_clashes(paths: Collection[str], folders: Collection[str]) -> None:
    """OutputError when a file's path is also the folder of another file."""
    for path in paths:
        if path in folders:
            other = min(p for p in paths if p.startswith(path + "/"))
            raise OutputError(f"two outputs for {path}: a file, and the folder of {other}")


def _folder_mtimes(
    root: str, folders: Iterable[str], unchanged: Mapping[str, int], touched: set[str]
) -> dict[str, int]:
    """Each folder's mtime: as verify saw it (`unchanged`), unless this publish `touched` it."""
    dirs: dict[str, int] = {}
    for folder in folders:
        mtime = unchanged.get(folder)
        if mtime is None or folder in touched:
            mtime = os.stat(root + folder).st_mtime_ns
        dirs[folder] = mtime
    return dirs


def _publish_whole(
    ordered: Mapping[str, Output], out_dir: Path, marks: Mapping[str, bytes], stage: Stage | None
) -> Manifest:
    """Stage every file (into `stage` if given) and swap the stage in; the manifest of the
    folder now."""
    folders = folders_of(ordered)
    stats = _stage_and_swap(ordered, out_dir, folders, stage)
    entries: dict[str, Published] = {}
    for path, file in ordered.items():
        if isinstance(file, Staged):
            digest, mark = file.digest, marks.get(path, b"")
        elif file.copy_from is not None:
            digest, mark = b"", source_mark(file.copy_from)
        else:
            digest, mark = digest_of(file.content), marks.get(path, b"")
        entries[path] = Published(*stats[path], digest, mark)
    root = os.path.join(out_dir, "")
    dirs = {folder: os.stat(root + folder).st_mtime_ns for folder in folders}
    return Manifest(files=entries, dirs=dirs)
