"""Relative links and images in articles -> published URLs and image sizes.

Knows the map of site-relative source paths to URLs; reads only image headers.
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from urllib.parse import unquote

from .images import image_size

CONTENT_DIR = "content"
#: The answer for a link to an article file that exists but has errors of its own: the link
#: is kept as written and not reported again.
BROKEN = "\0broken"


def issue_folder_date(name: str) -> date | None:
    """`2023-02-16` -> date; anything else (including 2023-02-30) -> None."""
    if len(name) != 10 or name[4] != "-" or name[7] != "-":
        return None
    try:
        return date.fromisoformat(name)
    except ValueError:
        return None


class LinkMap:
    """Every publishable source path with its URL, for one build."""

    def __init__(
        self,
        targets: Mapping[str, str],
        root: Path,
        base_path: str,
        broken: frozenset[str] = frozenset(),
    ) -> None:
        self.targets = targets  #: site-relative source path -> root-relative URL
        #: article files that exist but have errors of their own: links to them are not
        #: reported again as missing
        self.broken = broken
        self.root = root
        self.base_path = base_path
        self.sizes: dict[str, tuple[int, int] | None] = {}

    def for_article(self, source_path: str) -> ArticleLinks:
        return ArticleLinks(self, posixpath.dirname(source_path))

    def size_of(self, path: str) -> tuple[int, int] | None:
        if path not in self.sizes:
            self.sizes[path] = image_size(self.root / path)
        return self.sizes[path]

    def answer(self, folder: str, target: str) -> str | None:
        """The URL for `target` written in an article of `folder`: with the base path, BROKEN
        for an article file with errors of its own, None if missing."""
        path, sep, fragment = target.partition("#")
        if not path.split("?", 1)[0]:
            return None
        wanted = source_of(folder, target)
        url = self.targets.get(wanted)
        if url is None and wanted.startswith(CONTENT_DIR + "/"):
            issue = wanted[len(CONTENT_DIR) + 1 :]
            if issue_folder_date(issue) is not None:
                url = f"/issues/{issue}/"
        if url is None:
            return BROKEN if wanted in self.broken else None
        return self.base_path + url[1:] + (sep + fragment if sep else "")

    def answers_same(
        self,
        source_path: str,
        resolved: Mapping[str, str | None],
        measured: Mapping[str, tuple[int, int] | None],
    ) -> bool:
        """Whether every target of the article at `source_path` would resolve and measure as
        recorded (`ArticleLinks.resolved` and `measured`): whether a cached render holds."""
        head = source_path[: source_path.rfind("/") + 1]
        folder = head.rstrip("/") or head  # posixpath.dirname, sooner
        beside = folder + "/" if folder else ""
        targets = self.targets
        for target, given in resolved.items():
            if beside and _plain(target):  # a file beside the article: `answer`, sooner
                wanted = beside + target
                url = targets.get(wanted)
                if url is not None:
                    answer: str | None = self.base_path + url[1:]
                else:
                    answer = BROKEN if wanted in self.broken else None
            else:
                answer = self.answer(folder, target)
            if answer != given:
                return False
        for target, size in measured.items():
            wanted = beside + target if beside and _plain(target) else source_of(folder, target)
            if (self.size_of(wanted) if wanted in targets else None) != size:
                return False
        return True


def _plain(target: str) -> bool:
    """A target that names a file beside the article as it is: no folder, query, fragment
    or escape (`source_of` would give folder/target)."""
    return not (
        "/" in target
        or "#" in target
        or "?" in target
        or "%" in target
        or target in ("", ".", "..")
    )


def source_of(folder: str, target: str) -> str:
    """The site-relative path a relative target written in `folder` points at (fragment and
    query removed)."""
    path = unquote(target.partition("#")[0].split("?", 1)[0])
    if "/" not in path and path not in ("", ".", "..") and folder:
        return f"{folder}/{path}"  # a file beside the article: nothing to normalise
    return posixpath.normpath(posixpath.join(folder, path)).rstrip("/")


class ArticleLinks:
    """Resolves the relative targets of one article; remembers every answer it gave.

    `resolved` and `measured` are what a cache needs to tell later whether the article's
    links would still resolve the same way (`LinkMap.answers_same`).
    """

    def __init__(self, link_map: LinkMap, folder: str) -> None:
        self.link_map = link_map
        self.folder = folder
        self.missing: set[str] = set()
        self.resolved: dict[str, str | None] = {}  #: target -> URL given (None: kept as is)
        self.measured: dict[str, tuple[int, int] | None] = {}  #: image target -> size given

    def source_of(self, target: str) -> str:
        """The site-relative path a relative target points at (fragment and query removed)."""
        return source_of(self.folder, target)

    def resolve(self, target: str) -> str | None:
        """The published URL (with the base path) for a relative target, or None if missing."""
        answer = self.link_map.answer(self.folder, target)
        self.resolved[target] = answer
        if answer is None and target.partition("#")[0].split("?", 1)[0]:
            self.missing.add(target)
        return None if answer == BROKEN else answer

    def measure(self, target: str) -> tuple[int, int] | None:
        """The pixel size of a relative image target that is a file of the site."""
        wanted = source_of(self.folder, target)
        size = self.link_map.size_of(wanted) if wanted in self.link_map.targets else None
        self.measured[target] = size
        return size
