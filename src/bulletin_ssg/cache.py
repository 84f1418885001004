"""The build cache: named, version-stamped, signed pickles in `.bulletin-cache/` under the site.

Reads and writes only inside its folder (and its signing key in the user's cache folder).
Anything missing, corrupt, foreign or from another version of the tool loads as nothing.
"""

from __future__ import annotations

import hashlib
import hmac
import mmap
import os
import pickle
import re
import secrets
import struct
import sys
import tempfile
from itertools import accumulate
from pathlib import Path

from . import __version__

CACHE_DIR = ".bulletin-cache"
#: Bump when the shape of anything stored changes.
FORMAT = 1
#: Libraries whose output ends up in pages: a new version may render differently.
RENDERING_LIBRARIES = ("markdown-it-py", "mdit-py-plugins", "jinja2", "pyyaml", "pagefind")
KEY_FILE = "cache-key"
#: A file: the HMAC of the rest, the number of out-of-band buffers and the pickle's size, each
#: buffer's size, the pickle, the buffers.
_MAC_SIZE = 32
_HEAD = struct.Struct("<IQ")
#: Files from this size are mapped into memory rather than read (where mmap can; not Windows).
_MAP_FROM = 1 << 16
_MAP_FLAGS = (
    mmap.MAP_SHARED | getattr(mmap, "MAP_POPULATE", 0) if hasattr(mmap, "MAP_SHARED") else 0
)


def tool_fingerprint() -> bytes:
    """This tool's version, the bytes of its own modules and the versions of its renderers."""
    hasher = hashlib.blake2b(digest_size=16)
    hasher.update(f"{__version__}:{FORMAT}".encode())
    package = Path(__file__).resolve().parent
    for module in sorted(package.glob("*.py")):
        hasher.update(module.name.encode() + b"\0" + module.read_bytes())
    versions = installed_versions(RENDERING_LIBRARIES)
    for name in RENDERING_LIBRARIES:
        hasher.update(f"{name}={versions.get(name, '-')}\n".encode())
    return hasher.digest()


def installed_versions(names: tuple[str, ...]) -> dict[str, str]:
    """The installed version of each distribution named, as importlib.metadata.version gives
    it for those installed with metadata folders: read from the folders' names on sys.path,
    the first found winning, without importing importlib.metadata (~10 ms on every build)."""
    wanted = {_normal(name): name for name in names}
    found: dict[str, str] = {}
    for folder in sys.path:
        try:
            entries = os.listdir(folder or ".")
        except OSError:
            continue
        for entry in sorted(entries):
            stem, dot, kind = entry.rpartition(".")
            if kind not in ("dist-info", "egg-info") or not dot:
                continue
            name, _, version = stem.partition("-")
            key = _normal(name)
            if key in wanted and wanted[key] not in found:
                found[wanted[key]] = version.partition("-")[0]
    return found


def _normal(name: str) -> str:
    """A distribution name as its metadata folder may spell it, normalised (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def signing_key(environ: dict[str, str] | os._Environ[str] | None = None) -> bytes | None:
    """This user's secret for signing caches, made on first use; None when it cannot be kept.

    A pickle runs code when loaded, so a cache that came with someone else's site (or was
    edited) must never be unpickled: only caches this user's key signed are read.
    """
    env = os.environ if environ is None else environ
    base = env.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    file = Path(base) / "bulletin-ssg" / KEY_FILE
    try:
        key = file.read_bytes()
        if len(key) == 32:
            return key
    except OSError:
        pass
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=file.parent, prefix=".key-")
        with os.fdopen(fd, "wb") as out:
            out.write(secrets.token_bytes(32))
        os.replace(tmp, file)
        key = file.read_bytes()
    except OSError:
        return None
    return key if len(key) == 32 else None


class Cache:
    """One site's cache folder; `enabled=False` loads nothing and saves nothing."""

    def __init__(self, folder: Path, *, enabled: bool = True, key: bytes | None = None) -> None:
        self.folder = folder
        self.key = key if key is not None else (signing_key() if enabled else None)
        self.enabled = enabled and self.key is not None
        self.tool = tool_fingerprint() if self.enabled else b""

    def load(self, name: str) -> object | None:
        """The value last saved under `name`, or None (never an error)."""
        return self._value(self._checked(name))

    def _checked(self, name: str) -> list[memoryview] | None:
        """The pickle and buffers of a file whose signature is right (none else)."""
        if not self.enabled or self.key is None:
            return None
        try:
            data = _read(self.folder / f"{name}.pickle")
            count, size = _HEAD.unpack_from(data, _MAC_SIZE)
            start = _MAC_SIZE + _HEAD.size + 8 * count
            sizes = struct.unpack_from(f"<{count}Q", data, _MAC_SIZE + _HEAD.size)
            mac = hmac.new(self.key, data[_MAC_SIZE:], hashlib.sha256).digest()
            if not hmac.compare_digest(data[:_MAC_SIZE], mac):
                return None
        except Exception:  # missing, unreadable, too short
            return None
        parts = []
        for end in accumulate(sizes, initial=start + size):
            parts.append(data[start:end])
            start = end
        return parts if start == len(data) else None

    def _value(self, parts: list[memoryview] | None) -> object | None:
        if parts is None:
            return None
        try:
            stamp, value = pickle.loads(parts[0], buffers=parts[1:])
        except Exception:  # corrupt, truncated, foreign: the cache is only ever a shortcut
            return None
        return value if stamp == self.tool else None

    def save(self, name: str, value: object) -> None:
        """Store `value` under `name` atomically; a cache that cannot be written is skipped.

        Large bytes handed over as `pickle.PickleBuffer` are stored after the pickle, and
        load as views of the file, not copies.
        """
        if not self.enabled:
            return
        try:
            buffers: list[pickle.PickleBuffer] = []
            body = pickle.dumps(
                (self.tool, value), protocol=pickle.HIGHEST_PROTOCOL, buffer_callback=buffers.append
            )
            parts = [memoryview(body), *(buffer.raw() for buffer in buffers)]
            head = _HEAD.pack(len(buffers), len(body))
            head += struct.pack(f"<{len(buffers)}Q", *(part.nbytes for part in parts[1:]))
            mac = hmac.new(self._key(), head, hashlib.sha256)
            for part in parts:
                mac.update(part)
            self.folder.mkdir(parents=True, exist_ok=True)
            ignore = self.folder / ".gitignore"
            if not ignore.exists():
                ignore.write_text("*\n", encoding="utf-8")
            fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=f".{name}-")
            try:
                with os.fdopen(fd, "wb") as out:
                    out.write(mac.digest())
                    out.write(head)
                    for part in parts:
                        out.write(part)
                os.replace(tmp, self.folder / f"{name}.pickle")
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError:
            return

    def names(self, prefix: str) -> list[str]:
        """The names saved that start with `prefix` (none when the folder cannot be read)."""
        if not self.enabled:
            return []
        try:
            files = os.listdir(self.folder)
        except OSError:
            return []
        return sorted(
            f.removesuffix(".pickle")
            for f in files
            if f.startswith(prefix) and f.endswith(".pickle")
        )

    def remove(self, name: str) -> None:
        """Forget what was saved under `name` (nothing happens when nothing was)."""
        if self.enabled:
            try:
                (self.folder / f"{name}.pickle").unlink(missing_ok=True)
            except OSError:
                return

    def _key(self) -> bytes:
        assert self.key is not None
        return self.key


def _read(file: Path) -> memoryview:
    """A file's bytes: mapped rather than copied when only this user can change it.

    Copying 40 MB of cached records into fresh memory took longer than reading them.
    A mapping shows later writes to the file, so a file others may write is read instead
    (the cache writes its files for their owner only).
    """
    with open(file, "rb") as stream:
        st = os.fstat(stream.fileno())
        private = st.st_mode & 0o022 == 0 and st.st_uid == getattr(os, "getuid", lambda: -1)()
        if private and st.st_size >= _MAP_FROM and _MAP_FLAGS:
            mapped = mmap.mmap(stream.fileno(), 0, flags=_MAP_FLAGS, prot=mmap.PROT_READ)
            return memoryview(mapped)
        return memoryview(stream.read())
