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


class ArticleLinks:
    """Resolves the relative targets of one article; remembers every answer it gave.

    `resolved` and `measured` are what a cache needs to tell later whether the article's
    links would still resolve the same way (`answers_same`).
    """

    def __init__(self, link_map: LinkMap, folder: str) -> None:
        self.link_map = link_map
        self.folder = folder
        self.missing: set[str] = set()
        self.resolved: dict[str, str | None] = {}  #: target -> URL given (None: kept as is)
        self.measured: dict[str, tuple[int, int] | None] = {}  #: image target -> size given

    def source_of(self, target: str) -> str:
        """The site-relative path a relative target points at (fragment and query removed)."""
        path = unquote(target.partition("#")[0].split("?", 1)[0])
        if "/" not in path and path not in ("", ".", "..") and self.folder:
            return f"{self.folder}/{path}"  # a file beside the article: nothing to normalise
        return posixpath.normpath(posixpath.join(self.folder, path)).rstrip("/")

    def resolve(self, target: str) -> str | None:
        """The published URL (with the base path) for a relative target, or None if missing."""
        answer = self._answer(target)
        self.resolved[target] = answer
        return None if answer == BROKEN else answer

    def _answer(self, target: str) -> str | None:
        """The URL for `target`, BROKEN for a file with errors of its own, None if missing."""
        path, sep, fragment = target.partition("#")
        if not path.split("?", 1)[0]:
            return None
        wanted = self.source_of(target)
        url = self.link_map.targets.get(wanted)
        if url is None and wanted.startswith(CONTENT_DIR + "/"):
            issue = wanted[len(CONTENT_DIR) + 1 :]
            if issue_folder_date(issue) is not None:
                url = f"/issues/{issue}/"
        if url is None:
            if wanted in self.link_map.broken:
                return BROKEN
            self.missing.add(target)
            return None
        return self.link_map.base_path + url[1:] + (sep + fragment if sep else "")

    def measure(self, target: str) -> tuple[int, int] | None:
        """The pixel size of a relative image target that is a file of the site."""
        wanted = self.source_of(target)
        size = self.link_map.size_of(wanted) if wanted in self.link_map.targets else None
        self.measured[target] = size
        return size

    def answers_same(
        self,
        resolved: Mapping[str, str | None],
        measured: Mapping[str, tuple[int, int] | None],
    ) -> bool:
        """Whether every target would resolve and measure as recorded (a cached render holds)."""
        return all(self._answer(t) == url for t, url in resolved.items()) and all(
            (
                self.link_map.size_of(w)
                if (w := self.source_of(t)) in self.link_map.targets
                else None
            )
            == size
            for t, size in measured.items()
        )
