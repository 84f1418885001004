"""Pages written by the process that rendered them, into a folder beside the output folder,
for output.publish to put in place; nothing in the output folder changes here.

A page found to have the bytes already published is not written at all. Forked renderers
write into the same stage at once, so that writing thousands of files is shared out too.
"""

from __future__ import annotations

import os
import posixpath
import re
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from .errors import OutputError
from .model import OutputFile
from .published import BINARY, Published, digest_of

_CREATE = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | BINARY
#: A path check_path gives back as it is: no empty, `.` or `..` segment, backslash or drive.
_NORMAL = re.compile(r"(?!\.\.)(?!\.(?:/|\Z))[^/\\:]+(?:/(?!\.\.?(?:/|\Z))[^/\\]+)*")

#: A written file's (size, mtime_ns, inode).
StatKey = tuple[int, int, int]


def check_path(path: str) -> str:
    """A safe, normalised relative output path, or OutputError for one that escapes."""
    if _NORMAL.fullmatch(path):
        return path
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


def write_file(target: str, file: OutputFile) -> StatKey:
    """Create `target` with the file's bytes (or a copy of its source); its stat key."""
    if file.copy_from is not None:
        shutil.copyfile(file.copy_from, target)
        st = os.stat(target)
        return st.st_size, st.st_mtime_ns, st.st_ino
    data = file.content
    fd = os.open(target, _CREATE, 0o666)
    try:
        done = os.write(fd, data)
        while done < len(data):
            done += os.write(fd, memoryview(data)[done:])
        st = os.fstat(fd)
        return st.st_size, st.st_mtime_ns, st.st_ino
    finally:
        os.close(fd)


@dataclass(frozen=True, slots=True)
class Staged:
    """A rendered page as its renderer left it: written into the stage at `path`, or (`stat`
    None) not written, the published file having the same bytes."""

    path: str  #: checked output path, also its place in the stage
    digest: bytes  #: of its bytes
    stat: StatKey | None
    origin: str = ""  #: what produced it, for collision messages


class Stage:
    """A folder beside `out_dir` that pages are written into before publishing.

    `published` are the files trusted to be in `out_dir` now: a page with the same bytes as
    one of them is not written. `close()` removes what is left of the folder.
    """

    def __init__(self, out_dir: Path, published: Mapping[str, Published]) -> None:
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        self.folder = tempfile.mkdtemp(prefix=f".{out_dir.name}.staging-", dir=out_dir.parent)
        self.published = published
        self._folders: set[str] = {""}  #: made by this process (a forked one has its own)

    def put(self, file: OutputFile) -> Staged | OutputFile:
        """Write a page into the stage; the file as given when it cannot be written here
        (publishing then writes it, or says what is wrong with it)."""
        path = check_path(file.path)
        digest = digest_of(file.content)
        old = self.published.get(path)
        if old is not None and old.digest == digest:
            return Staged(path, digest, None, file.origin)
        try:
            self._make_folder(path.rpartition("/")[0])
            stat = write_file(f"{self.folder}/{path}", file)
        except OSError:
            return file
        return Staged(path, digest, stat, file.origin)

    def read(self, staged: Staged, out_dir: Path) -> bytes:
        """A staged page's bytes: from the stage, or from `out_dir` when it was not written."""
        folder = self.folder if staged.stat is not None else str(out_dir)
        with open(f"{folder}/{staged.path}", "rb") as file:
            return file.read()

    def _make_folder(self, folder: str) -> None:
        if folder not in self._folders:
            target = f"{self.folder}/{folder}"
            try:
                os.mkdir(target)  # mostly its parent is there: one call, where makedirs made two
            except FileExistsError:  # made by another renderer
                pass
            except FileNotFoundError:
                os.makedirs(target, exist_ok=True)
            self._folders.add(folder)

    def close(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)
