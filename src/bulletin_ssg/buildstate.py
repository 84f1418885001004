"""What one build hands the next: article records, the published manifest, the inputs' hash.

Loaded lazily from the site's cache and saved back to it; kept in memory across the dev
server's rebuilds. Decides nothing about pages: it only remembers.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .cache import CACHE_DIR, Cache
from .deltas import applied, changes
from .listing import Listing, scan
from .published import Manifest, intact_folder

if TYPE_CHECKING:  # not at run time: a build with nothing to do never loads the parsers
    from .content import Content
    from .records import ArticleRecord

CONFIG_FILE = "site.yaml"
#: The cache entry listing the files of article records.
RECORDS_INDEX = "articles"
#: Files the article records are kept in, by a hash of their issue folder's name: loading
#: reads few files, and an edit rewrites a small one.
RECORD_FILES = 32
#: Added to an output's cache entry: the entry of what changed there since it was saved.
_CHANGES = "-changes"
#: The cache entry of what was learnt of the layouts (`LayoutMemory`).
LAYOUTS_ENTRY = "layouts"


@dataclass(frozen=True, slots=True)
class Inputs:
    """Fingerprints of what a build reads."""

    whole: bytes  #: everything: tool, options, site.yaml, layouts, assets, content (by stat)
    layouts: bytes  #: the tool and the layout files: part of every page's fingerprint
    content: Mapping[str, tuple[int, int]]  #: (size, mtime_ns) of each content file, by path


def _tree(folder: Path, hasher: hashlib.blake2b, *, contents: bool) -> None:
    """Feed every file below `folder` (path, and bytes or size and mtime) to `hasher`."""
    if not folder.is_dir():
        hasher.update(b"-")
        return
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames.sort()
        for name in sorted(filenames):
            file = Path(dirpath, name)
            hasher.update(file.relative_to(folder).as_posix().encode() + b"\0")
            try:
                if contents:
                    data = file.read_bytes()
                    hasher.update(len(data).to_bytes(8, "little") + data)
                else:
                    st = file.stat()
                    hasher.update(f"{st.st_size}:{st.st_mtime_ns}\n".encode())
            except OSError:
                hasher.update(b"?")


def input_fingerprint(
    root: Path,
    out_dir: Path,
    options: Sequence[object],
    state: BuildState,
    *,
    layout_dirs: Sequence[Path],
    asset_dirs: Sequence[Path],
    content_dir: Path,
    listing: Callable[[], Listing] | None = None,
) -> Inputs:
    """Hash the inputs without parsing any: layouts by content, the rest by size and mtime.

    `listing` gives the scan of `content_dir` when one is already under way.
    """
    layouts = hashlib.blake2b(state.cache.tool, digest_size=16)
    for folder in layout_dirs:
        layouts.update(str(folder).encode() + b"\0")
        _tree(folder, layouts, contents=True)
    whole = hashlib.blake2b(layouts.digest(), digest_size=16)
    whole.update(repr((str(out_dir.resolve()), *options)).encode())
    try:
        whole.update((root / CONFIG_FILE).read_bytes())
    except OSError:
        whole.update(b"?")
    for folder in asset_dirs:
        whole.update(str(folder).encode() + b"\0")
        _tree(folder, whole, contents=False)
    files = listing() if listing is not None else scan(root, content_dir)
    whole.update("".join(f"{path}\0{size}:{mtime}\n" for path, size, mtime in files).encode())
    return Inputs(
        whole=whole.digest(),
        layouts=layouts.digest(),
        content={path: (size, mtime) for path, size, mtime in files},
    )


@dataclass(slots=True)
class LayoutMemory:
    """What builds learnt of one version of the layouts (`digest`: Inputs.layouts); filled in
    by the build as it goes."""

    digest: bytes
    uses: dict[str, object] = field(default_factory=dict)  #: fingerprints.LayoutUses by name
    compiled: dict[str, bytes] = field(default_factory=dict)  #: Jinja's compiled layouts

    def size(self) -> tuple[int, int]:
        return len(self.uses), len(self.compiled)


@dataclass(frozen=True, slots=True)
class Published:
    """A build's output folder as it left it."""

    inputs: bytes  #: Inputs.whole of that build
    manifest: Manifest
    report: object  #: the build's report, given back when nothing changed
    pages: object = None  #: the build's page index (incremental.PageIndex)


class BuildState:
    """The cache of one site, loaded on first use; `enabled=False` remembers nothing.

    `save_every_build=False` (the dev server) writes article records to disk only once,
    keeping later ones in memory (saving 10,000 articles takes longer than an edit), and keeps
    what it published in memory only.
    """

    def __init__(self, root: Path, *, enabled: bool = True, save_every_build: bool = True) -> None:
        self.cache = Cache(root / CACHE_DIR, enabled=enabled)
        self.save_every_build = save_every_build
        self._records: dict[str, ArticleRecord] | None = None
        self._unloaded: list[str] = []  #: files of records listed but not loaded yet
        self._shards: dict[str, dict[str, ArticleRecord]] = {}  #: as last loaded or saved
        self._dirty = False
        self._saved = False
        self._published: dict[str, Published | None] = {}
        #: by output key: the entry as last saved whole, and the token its changes carry
        self._saved_outputs: dict[str, tuple[bytes, Published]] = {}
        self._layouts: LayoutMemory | None = None
        self._layouts_size = (0, 0)

    @property
    def enabled(self) -> bool:
        return self.cache.enabled

    def records(self) -> Mapping[str, ArticleRecord]:
        """The article records of the last build, or none.

        Kept in `RECORD_FILES` files (listed in `articles`), each holding the issue folders
        whose name hashes to it, so that a build saves only the files whose records changed.
        """
        return self._load_records(lambda: False)

    def load_records_until(self, stop: Callable[[], bool]) -> None:
        """Load the files of records one at a time until `stop()`, asked before each, says
        to stop: a build waiting for something else loads meanwhile what it may need next."""
        self._load_records(stop)

    def _load_records(self, stop: Callable[[], bool]) -> dict[str, ArticleRecord]:
        from .records import unpack  # with the parsers: only once records are wanted

        if self._records is None:
            self._records = {}
            names = self.cache.load(RECORDS_INDEX)
            listed = names if isinstance(names, tuple) else ()
            self._unloaded = [name for name in listed if isinstance(name, str)]
        while self._unloaded and not stop():
            name = self._unloaded.pop(0)
            shard = unpack(self.cache.load(name))
            if shard is not None:
                self._shards[name] = shard
                self._records.update(shard)
        return self._records

    def keep_records(self, content: Content) -> None:
        if self.enabled:
            self._records = dict(content.records)
            self._unloaded = []
            self._dirty = True

    def save_records(self) -> None:
        self.records_saving()()

    def records_saving(self) -> RecordsSaving:
        """The saving of this build's records (the files whose records changed), to run now or
        in another process; what is known of the files saved is updated here and now."""
        if not (
            self._dirty and self._records is not None and (self.save_every_build or not self._saved)
        ):
            self._dirty = False
            return RecordsSaving(self.cache, {}, (), None)
        saving = self._plan_shards(self._records)
        self._saved = True
        self._dirty = False
        return saving

    def _plan_shards(self, records: Mapping[str, ArticleRecord]) -> RecordsSaving:
        shards: dict[str, dict[str, ArticleRecord]] = {}
        names: dict[str, str] = {}  # by issue folder: each hashed once
        for path, record in records.items():
            folder = _issue_folder(path)
            name = names.get(folder)
            if name is None:
                name = names[folder] = _records_file(folder)
            shards.setdefault(name, {})[path] = record
        changed: dict[str, Mapping[str, ArticleRecord]] = {}
        for name, shard in shards.items():
            old = self._shards.get(name)
            if (
                old is None
                or old.keys() != shard.keys()
                or any(old[path] is not record for path, record in shard.items())
            ):
                changed[name] = shard
        # Nothing loaded (a first build, or records of another version of the tool): the
        # folder may still hold files of records no longer kept, none of them known.
        stale = self._shards.keys() if self._shards else self.cache.names(_SHARD_PREFIX)
        index = None
        if self._shards.keys() != shards.keys() or not self._shards:
            index = tuple(sorted(shards))
        self._shards = shards
        return RecordsSaving(self.cache, changed, sorted(set(stale) - shards.keys()), index)

    def layouts(self, digest: bytes) -> LayoutMemory:
        """What earlier builds learnt of the layouts with this digest (empty if nothing)."""
        memory = self._layouts
        if memory is None or memory.digest != digest:
            loaded = self.cache.load(LAYOUTS_ENTRY)
            known = isinstance(loaded, LayoutMemory) and loaded.digest == digest
            memory = loaded if isinstance(loaded, LayoutMemory) and known else LayoutMemory(digest)
            self._layouts = memory
            self._layouts_size = memory.size()
        return memory

    def save_layouts(self) -> None:
        """Save what this build learnt of the layouts, if anything."""
        if self._layouts is not None and self._layouts.size() != self._layouts_size:
            self.cache.save(LAYOUTS_ENTRY, self._layouts)
            self._layouts_size = self._layouts.size()

    def _output(self, out_dir: Path) -> Published | None:
        key = _output_key(out_dir)
        if key not in self._published:
            self._published[key] = self._load_output(key)
        return self._published[key]

    def _load_output(self, key: str) -> Published | None:
        """What the last build into an output folder left: as saved whole, with the changes
        saved since (a build that changed little saves only those)."""
        saved = self.cache.load(key)
        if not (isinstance(saved, tuple) and len(saved) == 2 and isinstance(saved[1], Published)):
            return None
        token: bytes = saved[0]
        whole: Published = saved[1]
        self._saved_outputs[key] = (token, whole)
        since = self.cache.load(key + _CHANGES)
        if not (isinstance(since, tuple) and len(since) == 2 and since[0] == token):
            return whole
        try:
            made = applied(whole, since[1])
        except Exception:  # not changes of that entry: the cache is only ever a shortcut
            return None
        return made if isinstance(made, Published) else None

    def _save_output(self, key: str, entry: Published) -> None:
        """Save `entry` as changes of the one saved whole when there are few, else whole."""
        saved = self._saved_outputs.get(key)
        if saved is not None:
            token, whole = saved
            found = changes(whole, entry)
            if found is not None and found[1] <= len(entry.manifest.files) // 8 + 64:
                self.cache.save(key + _CHANGES, (token, found[0]))
                return
        token = os.urandom(8)  # tells changes of this entry from those of an older one
        self.cache.save(key, (token, entry))
        self.cache.remove(key + _CHANGES)
        self._saved_outputs[key] = (token, entry)

    def manifest(self, out_dir: Path) -> Manifest | None:
        """What the last build into `out_dir` published, if known."""
        last = self._output(out_dir)
        return last.manifest if last is not None else None

    def page_index(self, out_dir: Path) -> object | None:
        """The page index the last build into `out_dir` left, if known."""
        last = self._output(out_dir)
        return last.pages if last is not None else None

    def unchanged(self, out_dir: Path, inputs: Inputs) -> object | None:
        """The last report when the inputs are the same and out_dir is exactly as it left it."""
        last = self._output(out_dir)
        if last is None or last.inputs != inputs.whole:
            return None
        return last.report if intact_folder(out_dir, last.manifest) else None

    def published(
        self,
        out_dir: Path,
        inputs: Inputs,
        manifest: Manifest,
        report: object,
        pages: object = None,
    ) -> None:
        """Remember what this build left in out_dir; saved too unless this state is the dev
        server's, whose output folder is its own and goes when it stops."""
        if not self.enabled:
            return
        key = _output_key(out_dir)
        entry = Published(inputs=inputs.whole, manifest=manifest, report=report, pages=pages)
        self._published[key] = entry
        if self.save_every_build:
            self._save_output(key, entry)

    def forget(self, out_dir: Path) -> None:
        """Drop what is known of out_dir (before a build that may change it and then fail)."""
        key = _output_key(out_dir)
        self._published[key] = None


@dataclass(frozen=True, slots=True)
class RecordsSaving:
    """Files of records to write and to remove, and the index to write last (if it changed):
    only files are touched, so that it can run in another process."""

    cache: Cache
    shards: Mapping[str, Mapping[str, ArticleRecord]]
    stale: Sequence[str]
    index: tuple[str, ...] | None

    @property
    def files(self) -> int:
        """How many files of records it writes."""
        return len(self.shards)

    def __call__(self) -> int:
        from .records import pack

        for name, shard in self.shards.items():
            self.cache.save(name, pack(shard))
        for name in self.stale:
            self.cache.remove(name)
        if self.index is not None:
            self.cache.save(RECORDS_INDEX, self.index)
        return len(self.shards)


def records_file(path: str) -> str:
    """The cache entry holding the record of the content file `path` (site-relative)."""
    return _records_file(_issue_folder(path))


def _issue_folder(path: str) -> str:
    return path.split("/", 2)[1] if path.count("/") >= 2 else ""


def _records_file(folder: str) -> str:
    number = int.from_bytes(hashlib.blake2b(folder.encode(), digest_size=8).digest(), "big")
    return f"{_SHARD_PREFIX}{number % RECORD_FILES:03d}"


_SHARD_PREFIX = "articles-"


def _output_key(out_dir: Path) -> str:
    name = hashlib.blake2b(str(out_dir.resolve()).encode(), digest_size=8).hexdigest()
    return f"output-{name}"
