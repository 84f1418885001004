"""The only module that writes the site: stage everything, then swap it in at once.

A build that fails anywhere leaves the previous output exactly as it was.
"""

from __future__ import annotations

import os
import posixpath
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path

from .errors import OutputError
from .model import OutputFile


def check_path(path: str) -> str:
    """A safe, normalised relative output path, or OutputError for one that escapes."""
    normal = posixpath.normpath(path)
    if (
        not path
        or path.startswith(("/", "\\"))
        or normal.startswith("..")
        or "\\" in path
        or ":" in path.split("/", 1)[0]
        or normal in (".", "")
    ):
        raise OutputError(f"output path {path!r} would escape the output folder")
    return normal


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
    check_destination(out_dir, protected)
    ordered: dict[str, OutputFile] = {}
    for file in files:
        path = check_path(file.path)
        if path in ordered:
            first = ordered[path].origin or "another file"
            raise OutputError(
                f"two outputs for {path}: {first} and {file.origin or 'another file'}"
            )
        ordered[path] = file
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.staging-", dir=out_dir.parent))
    try:
        made: set[Path] = set()
        for path in sorted(ordered):
            write_one(staging, path, ordered[path], made)
        swap_in(staging, out_dir)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise OutputError(f"cannot write the site to {out_dir}: {exc}") from exc
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return len(ordered)


def write_one(staging: Path, path: str, file: OutputFile, made: set[Path]) -> None:
    target = staging / path
    parent = target.parent
    if parent not in made:
        parent.mkdir(parents=True, exist_ok=True)
        made.add(parent)
    if file.copy_from is not None:
        shutil.copyfile(file.copy_from, target)
    else:
        target.write_bytes(file.content)


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
