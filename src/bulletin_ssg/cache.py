"""The build cache: named, version-stamped, signed pickles in `.bulletin-cache/` under the site.

Reads and writes only inside its folder (and its signing key in the user's cache folder).
Anything missing, corrupt, foreign or from another version of the tool loads as nothing.
"""

from __future__ import annotations

import hashlib
import hmac
import importlib.metadata
import os
import pickle
import secrets
import tempfile
from pathlib import Path

from . import __version__

CACHE_DIR = ".bulletin-cache"
#: Bump when the shape of anything stored changes.
FORMAT = 1
#: Libraries whose output ends up in pages: a new version may render differently.
RENDERING_LIBRARIES = ("markdown-it-py", "mdit-py-plugins", "jinja2", "pyyaml", "pagefind")
KEY_FILE = "cache-key"
_MAC_SIZE = 32


def tool_fingerprint() -> bytes:
    """This tool's version, the bytes of its own modules and the versions of its renderers."""
    hasher = hashlib.blake2b(digest_size=16)
    hasher.update(f"{__version__}:{FORMAT}".encode())
    package = Path(__file__).resolve().parent
    for module in sorted(package.glob("*.py")):
        hasher.update(module.name.encode() + b"\0" + module.read_bytes())
    for name in RENDERING_LIBRARIES:
        try:
            version = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            version = "-"
        hasher.update(f"{name}={version}\n".encode())
    return hasher.digest()


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
        if not self.enabled or self.key is None:
            return None
        try:
            data = (self.folder / f"{name}.pickle").read_bytes()
            mac, body = data[:_MAC_SIZE], data[_MAC_SIZE:]
            if not hmac.compare_digest(mac, self._mac(body)):
                return None
            stamp, value = pickle.loads(body)
        except Exception:  # corrupt, truncated, foreign: the cache is only ever a shortcut
            return None
        return value if stamp == self.tool else None

    def save(self, name: str, value: object) -> None:
        """Store `value` under `name` atomically; a cache that cannot be written is skipped."""
        if not self.enabled:
            return
        try:
            body = pickle.dumps((self.tool, value), protocol=pickle.HIGHEST_PROTOCOL)
            self.folder.mkdir(parents=True, exist_ok=True)
            ignore = self.folder / ".gitignore"
            if not ignore.exists():
                ignore.write_text("*\n", encoding="utf-8")
            fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=f".{name}-")
            try:
                with os.fdopen(fd, "wb") as out:
                    out.write(self._mac(body))
                    out.write(body)
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

    def _mac(self, body: bytes) -> bytes:
        assert self.key is not None
        return hmac.new(self.key, body, hashlib.sha256).digest()
