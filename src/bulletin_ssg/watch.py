"""Which source changes matter and when to rebuild: change filtering, debouncing, watchdog glue.

Knows the site's folder names only; the build is a callback. Never serves or writes files.
"""

from __future__ import annotations

import os
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Sequence
from enum import StrEnum
from pathlib import Path, PurePosixPath

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver, ObservedWatch

from .errors import Diagnostic, SiteError, error

CONFIG_FILE = "site.yaml"
#: Generated or tool folders that never hold sources, at any depth.
IGNORED_DIRS = frozenset({"__pycache__", "node_modules"})
#: Endings of editor swap, backup and temporary files (vim, emacs, JetBrains, downloads).
IGNORED_SUFFIXES = (
    "~",
    ".swp",
    ".swo",
    ".swx",
    ".tmp",
    ".temp",
    ".part",
    ".crdownload",
    "___jb_tmp___",
    "___jb_old___",
)
#: Whole names editors create to probe a folder (vim writes `4913` before saving).
IGNORED_NAMES = frozenset({"4913"})
#: Only these event types change a file's content or existence.
RELEVANT_EVENTS = frozenset({"created", "modified", "deleted", "moved"})


class ChangeKind(StrEnum):
    """Which input of the site a changed path belongs to."""

    CONTENT = "content"
    LAYOUT = "layouts"
    ASSET = "assets"
    CONFIG = "config"


WATCHED_DIRS = {
    "content": ChangeKind.CONTENT,
    "layouts": ChangeKind.LAYOUT,
    "assets": ChangeKind.ASSET,
}


def relative_path(path: str, root: Path) -> PurePosixPath | None:
    """`path` (absolute, or relative to root) as a site-relative posix path; None if outside."""
    candidate = Path(path)
    if not candidate.is_absolute():
        return PurePosixPath(candidate.as_posix())
    for base in (root, root.resolve()):
        try:
            return PurePosixPath(candidate.relative_to(base).as_posix())
        except ValueError:
            continue
    return None


def is_ignored_name(name: str) -> bool:
    """Dotfiles (.git, .DS_Store, vim's .x.swp), emacs `#autosave#`, temp and probe files."""
    return (
        name.startswith((".", "#"))
        or name in IGNORED_DIRS
        or name in IGNORED_NAMES
        or name.endswith(IGNORED_SUFFIXES)
    )


def classify(path: str, root: Path, *, output: Path | None = None) -> ChangeKind | None:
    """Which watched input `path` is (content, layout, asset, config), or None to ignore it."""
    rel = relative_path(path, root)
    if rel is None or not rel.parts or rel.parts[0] in ("..", "."):
        return None
    if output is not None:
        out = relative_path(str(output), root)
        if out is not None and out.parts and rel.parts[: len(out.parts)] == out.parts:
            return None
    if any(is_ignored_name(part) for part in rel.parts):
        return None
    if rel.parts == (CONFIG_FILE,):
        return ChangeKind.CONFIG
    return WATCHED_DIRS.get(rel.parts[0])


class Batcher:
    """Collects changed paths until `quiet` seconds pass without one (or `max_delay` in all).

    Pure: the caller passes the time, so bursts (an editor's atomic save, a `git checkout`)
    become one rebuild and the rule is testable without sleeping.
    """

    def __init__(self, quiet: float, max_delay: float | None = None) -> None:
        self.quiet = quiet
        self.max_delay = max(quiet, max_delay) if max_delay is not None else None
        self._paths: set[str] = set()
        self._first: float | None = None
        self._last: float | None = None

    def add(self, paths: Iterable[str], now: float) -> None:
        """Record changed paths seen at time `now`; an empty batch changes nothing."""
        new = set(paths)
        if not new:
            return
        self._paths |= new
        if self._first is None:
            self._first = now
        self._last = now

    def wait_time(self, now: float) -> float | None:
        """Seconds until the batch is due (0 when due now), None when nothing is pending."""
        if self._first is None or self._last is None:
            return None
        due = self._last + self.quiet
        if self.max_delay is not None:
            due = min(due, self._first + self.max_delay)
        return max(0.0, due - now)

    def take(self) -> frozenset[str]:
        """The pending paths; starts a new batch."""
        paths = frozenset(self._paths)
        self._paths.clear()
        self._first = self._last = None
        return paths


def event_paths(event: FileSystemEvent) -> list[str]:
    """The paths an event touches: source, and destination for a move."""
    if event.event_type not in RELEVANT_EVENTS:
        return []
    if event.is_directory and event.event_type == "modified":
        return []  # a folder's mtime changes with every file inside it
    paths = [os.fsdecode(event.src_path)]
    if event.event_type == "moved" and event.dest_path:
        paths.append(os.fsdecode(event.dest_path))
    return paths


class Watcher(FileSystemEventHandler):
    """Watches site.yaml and content/, layouts/, assets/ under `root`; reports relative paths.

    The root is watched on its own (not recursively) so that site.yaml saved by rename and
    watched folders created or re-created later (a `git checkout`) are seen too.
    """

    def __init__(
        self,
        root: Path,
        on_change: Callable[[set[str]], None],
        *,
        output: Path | None = None,
    ) -> None:
        super().__init__()
        self.root = root.resolve()
        self.output = output.resolve() if output is not None else None
        self.on_change = on_change
        self._observer: BaseObserver = Observer()
        self._folders: dict[str, ObservedWatch] = {}
        self._lock = threading.Lock()

    def start(self) -> None:
        try:
            self._observer.schedule(self, str(self.root), recursive=False)
            for name in sorted(WATCHED_DIRS):
                self._watch_folder(name)
            self._observer.start()
        except OSError as exc:
            raise SiteError(
                f"cannot watch {self.root} for changes: {exc.strerror or exc}",
                hint="on Linux, raise fs.inotify.max_user_watches if the limit was reached",
            ) from exc

    def stop(self) -> None:
        if self._observer.is_alive():
            self._observer.stop()
            self._observer.join()

    def _watch_folder(self, name: str) -> None:
        folder = self.root / name
        if not folder.is_dir():
            return
        with self._lock:
            old = self._folders.pop(name, None)
            if old is not None:
                try:
                    self._observer.unschedule(old)
                except KeyError:
                    pass
            self._folders[name] = self._observer.schedule(self, str(folder), recursive=True)

    def on_any_event(self, event: FileSystemEvent) -> None:
        changed: set[str] = set()
        for path in event_paths(event):
            rel = relative_path(path, self.root)
            if rel is None or classify(path, self.root, output=self.output) is None:
                continue
            changed.add(rel.as_posix())
            if event.is_directory and rel.parts[0] in WATCHED_DIRS and len(rel.parts) == 1:
                self._watch_folder(rel.parts[0])  # created anew: watch what is inside it
        if changed:
            self.on_change(changed)


Rebuild = Callable[[set[str]], Sequence[Diagnostic]]


class RebuildLoop:
    """Runs the rebuild callback once per debounced batch of changes, one build at a time.

    `run()` is the body of its own thread; the watcher's thread only calls `add()`.
    """

    def __init__(
        self,
        rebuild: Rebuild,
        on_result: Callable[[Sequence[Diagnostic]], None],
        batcher: Batcher,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.rebuild = rebuild
        self.on_result = on_result
        self.batcher = batcher
        self.clock = clock
        self._wake = threading.Condition()
        self._stopping = False

    def add(self, paths: set[str]) -> None:
        with self._wake:
            self.batcher.add(paths, self.clock())
            self._wake.notify()

    def stop(self) -> None:
        with self._wake:
            self._stopping = True
            self._wake.notify()

    def run(self, *, build_first: bool = False) -> None:
        """Rebuild per batch until stopped; first build everything when asked."""
        if build_first:
            self.on_result(run_rebuild(self.rebuild, set()))
        while True:
            with self._wake:
                while not self._stopping:
                    wait = self.batcher.wait_time(self.clock())
                    if wait is not None and wait <= 0:
                        break
                    self._wake.wait(wait)
                if self._stopping:
                    return
                changed = set(self.batcher.take())
            self.on_result(run_rebuild(self.rebuild, changed))


def run_rebuild(rebuild: Rebuild, changed: set[str]) -> Sequence[Diagnostic]:
    """The callback's diagnostics; a crash (a bug) shows its traceback and in the overlay."""
    try:
        return rebuild(changed)
    except Exception as exc:  # keep serving: the overlay names the bug, stderr has the trace
        traceback.print_exception(exc)
        return [
            error(
                f"internal error: {type(exc).__name__}: {exc}",
                hint="this is a bug in bulletin-ssg; the traceback is in the terminal",
            )
        ]
