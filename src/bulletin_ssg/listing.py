"""What files a folder holds, with their sizes and mtimes: the cheap look at the sources that
tells an unchanged tree (no file is read; content.py is what reads them).

Imports nothing of the project, so that a scan can start before the build's modules load.
"""

from __future__ import annotations

import os
from pathlib import Path

#: (path relative to the site, size, mtime_ns) of each file, sorted by path.
Listing = list[tuple[str, int, int]]


def scan(root: Path, folder: Path) -> Listing:
    """(path relative to `root`, size, mtime_ns) of every file below `folder`, sorted.

    Plain strings, not Paths: at 10,000 files the difference is 0.1 s.
    """
    found: list[tuple[str, int, int]] = []
    start = str(folder)
    prefix = len(os.path.join(start, ""))
    named = Path(os.path.relpath(start, root)).as_posix() + "/"
    pending = [start]
    while pending:
        current = pending.pop()
        try:
            entries = list(os.scandir(current))
        except OSError:
            continue
        for entry in entries:
            if entry.is_dir(follow_symlinks=True):
                pending.append(entry.path)
                continue
            try:
                stat = entry.stat()
            except OSError:
                continue
            rel = entry.path[prefix:]
            rel = named + (rel if os.sep == "/" else rel.replace(os.sep, "/"))
            found.append((rel, stat.st_size, stat.st_mtime_ns))
    found.sort()
    return found
