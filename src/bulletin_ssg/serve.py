"""Development server: serves the built output folder, rebuilds on change, reloads open pages.

The build arrives as a callback; this module knows nothing about articles or layouts, never
writes into the output and never prints (the caller's callback reports the diagnostics).
"""

from __future__ import annotations

import queue
import signal
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import cast
from urllib.parse import quote, unquote

from .errors import SiteError
from .livereload import EVENTS_PATH, LIVE_SCRIPT, PREFIX, SCRIPT_PATH, Hub, script_tag
from .watch import Batcher, Rebuild, RebuildLoop, Watcher

PING_SECONDS = 15.0
#: Extensions we serve, with their Content-Type; anything else is application/octet-stream.
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".xml": "application/xml; charset=utf-8",
    ".atom": "application/atom+xml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".ico": "image/x-icon",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".wasm": "application/wasm",
    ".pdf": "application/pdf",
}
HTML_TYPE = CONTENT_TYPES[".html"]
TEXT_TYPE = CONTENT_TYPES[".txt"]


@dataclass(frozen=True, slots=True)
class Response:
    """What a request gets: status, headers in order, body."""

    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes

    def header(self, name: str) -> str | None:
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None


def content_type(name: str) -> str:
    suffix = name[name.rfind(".") :].lower() if "." in name else ""
    return CONTENT_TYPES.get(suffix, "application/octet-stream")


def make_response(status: int, body: bytes, kind: str, *extra: tuple[str, str]) -> Response:
    headers = (
        ("Content-Type", kind),
        ("Content-Length", str(len(body))),
        ("Cache-Control", "no-store"),
        ("X-Content-Type-Options", "nosniff"),
        *extra,
    )
    return Response(status, headers, body)


def inject(html: bytes, tag: bytes) -> bytes:
    """`tag` placed before the last `</body>` (any case), or appended when there is none."""
    at = html.lower().rfind(b"</body>")
    if at < 0:
        return html + tag
    return html[:at] + tag + html[at:]


def url_segments(raw_path: str) -> list[str] | None:
    """The decoded path segments of a request target, or None when it is not a safe path.

    Percent-decoding happens once, after which `..`, `.`, backslashes, NULs and drive-like
    segments are refused, so `%2e%2e`, `%2f..` and `%5c` cannot climb out of the output.
    """
    path = raw_path.split("#", 1)[0].split("?", 1)[0]
    if not path.startswith("/"):
        return None
    decoded = unquote(path, errors="strict") if "%" in path else path
    segments = []
    for segment in decoded.split("/"):
        if segment in ("", "."):
            if segment == ".":
                return None
            continue
        if segment == ".." or "\\" in segment or "\0" in segment or ":" in segment:
            return None
        segments.append(segment)
    return segments


def inside(path: Path, folder: Path) -> bool:
    """Whether `path`, with symlinks resolved, is `folder` or below it."""
    try:
        resolved = path.resolve(strict=True)
    except (OSError, RuntimeError):
        return False
    return resolved == folder or folder in resolved.parents


def respond(raw_path: str, output: Path, *, build: str | None = None) -> Response:
    """Answer a GET for `raw_path` from the files under `output`.

    Pretty URLs: `/a/` serves a/index.html and `/a` redirects to `/a/` when a is a folder.
    Anything unsafe or missing gets the site's /404.html with status 404. When `build` is
    given (serving), HTML responses get the live-reload script tag.
    """
    try:
        segments = url_segments(raw_path)
    except UnicodeDecodeError:
        segments = None
    if segments is None:
        return not_found(output, build)
    try:
        root = output.resolve(strict=True)
    except OSError:
        return not_found(output, build)
    target = root.joinpath(*segments)
    if not inside(target, root):
        return not_found(output, build)
    if target.is_dir():
        path, mark, query = raw_path.partition("?")
        if not path.endswith("/"):
            location = "/" + "".join(quote(s) + "/" for s in segments) + mark + query
            return make_response(301, b"", TEXT_TYPE, ("Location", location))
        target = target / "index.html"
        if not inside(target, root):
            return not_found(output, build)
    file = file_response(target, 200, build)
    return file if file is not None else not_found(output, build)


def file_response(target: Path, status: int, build: str | None) -> Response | None:
    """The file as a response, or None when it cannot be read (gone in a swap, a folder)."""
    try:
        body = target.read_bytes()
    except OSError:
        return None
    kind = content_type(target.name)
    if build is not None and kind == HTML_TYPE:
        body = inject(body, script_tag(build))
    return make_response(status, body, kind)


def not_found(output: Path, build: str | None) -> Response:
    """The site's 404 page; a minimal one (HTML with the script when serving) if it has none."""
    page = output / "404.html"
    if inside(page, output.resolve()):
        found = file_response(page, 404, build)
        if found is not None:
            return found
    if build is not None:
        body = inject(
            b"<!doctype html><title>404</title><body><h1>404 Not Found</h1></body>",
            script_tag(build),
        )
        return make_response(404, body, HTML_TYPE)
    return make_response(404, b"404 Not Found\n", TEXT_TYPE)


class Handler(BaseHTTPRequestHandler):
    """Serves `server.output` and the live-reload endpoints; quiet (no request log)."""

    server_version = "bulletin-serve"

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        return

    @property
    def app(self) -> _HTTPServer:
        return cast(_HTTPServer, self.server)

    def do_HEAD(self) -> None:
        self.answer(head=True)

    def do_GET(self) -> None:
        self.answer(head=False)

    def answer(self, *, head: bool) -> None:
        path = self.path.split("?", 1)[0]
        if path == EVENTS_PATH and not head:
            self.stream_events()
            return
        if path == SCRIPT_PATH:
            response = make_response(200, LIVE_SCRIPT, CONTENT_TYPES[".js"])
        elif path.startswith(PREFIX):
            response = make_response(404, b"404 Not Found\n", TEXT_TYPE)
        else:
            response = respond(self.path, self.app.output, build=self.app.hub.build)
        self.send_response(response.status)
        for key, value in response.headers:
            self.send_header(key, value)
        self.end_headers()
        if not head:
            self.wfile.write(response.body)

    def stream_events(self) -> None:
        hub = self.app.hub
        stream = hub.subscribe()
        try:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream; charset=utf-8")
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            while True:
                try:
                    message = stream.get(timeout=PING_SECONDS)
                except queue.Empty:
                    message = b": ping\n\n"  # notices pages that went away
                if message is None:
                    return
                self.wfile.write(message)
                self.wfile.flush()
        except OSError:
            return
        finally:
            hub.unsubscribe(stream)


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], output: Path, hub: Hub) -> None:
        self.output = output
        self.hub = hub
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, Handler)


class DevServer:
    """`bulletin serve`: serve `output`, watch the sources under `root`, rebuild, reload.

    Binds when constructed (so `url` is known, also for port 0); `run()` builds once, serves
    until Ctrl-C and returns normally. `rebuild(changed)` gets site-relative paths (a folder
    path means everything below it; an empty set means build everything) and returns the
    diagnostics, errors included; the output it writes is swapped in whole.
    """

    def __init__(
        self,
        *,
        root: Path,
        output: Path,
        rebuild: Rebuild,
        host: str = "127.0.0.1",
        port: int = 8000,
        debounce: float = 0.1,
        max_delay: float = 2.0,
    ) -> None:
        self.root = root
        self.output = output
        self.rebuild = rebuild
        self.hub = Hub()
        self.loop = RebuildLoop(rebuild, self.hub.publish, Batcher(debounce, max_delay))
        self.watcher = Watcher(root, self.loop.add, output=output)
        try:
            self.httpd = _HTTPServer((host, port), output, self.hub)
        except OSError as exc:
            raise SiteError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc
        self._threads: list[threading.Thread] = []
        self._stopped = threading.Event()

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        shown = host.decode() if isinstance(host, bytes) else host
        shown = f"[{shown}]" if ":" in shown else shown
        return f"http://{shown}:{port}/"

    def start(self, *, build_first: bool = False) -> None:
        """Serve and watch in background threads; build everything first when asked."""
        self.watcher.start()
        self._threads = [
            threading.Thread(
                target=self.httpd.serve_forever,
                kwargs={"poll_interval": 0.2},
                name="bulletin-http",
                daemon=True,
            ),
            threading.Thread(
                target=self.loop.run,
                kwargs={"build_first": build_first},
                name="bulletin-rebuild",
                daemon=True,
            ),
        ]
        for thread in self._threads:
            thread.start()

    def stop(self) -> None:
        """Stop watching, end the event streams, stop serving; waits for the threads."""
        if self._stopped.is_set():
            return
        self._stopped.set()
        self.watcher.stop()
        self.loop.stop()
        self.hub.close()
        if self._threads:
            self.httpd.shutdown()  # waits for serve_forever, so only once it has started
        self.httpd.server_close()
        for thread in self._threads:
            thread.join()

    def run(self) -> None:
        """Build everything once, then serve and rebuild until Ctrl-C; returns normally."""
        try:
            self.start(build_first=True)
            while not self._stopped.wait(0.5):
                pass
        except KeyboardInterrupt:
            pass
        finally:
            with ignoring_interrupts():
                self.stop()

    def __enter__(self) -> DevServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


@contextmanager
def ignoring_interrupts() -> Iterator[None]:
    """A second Ctrl-C while shutting down must not leave threads behind or show a traceback."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
