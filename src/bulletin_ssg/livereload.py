"""Live reload for open pages: the site's build token, current errors, event streams, the script.

Stdlib only; knows nothing about HTTP handling or files (serve.py does that).
"""

from __future__ import annotations

import json
import queue
import secrets
import threading
from collections.abc import Sequence

from .errors import Diagnostic

PREFIX = "/__bulletin/"
EVENTS_PATH = PREFIX + "events"
SCRIPT_PATH = PREFIX + "live.js"


def script_tag(build: str) -> bytes:
    """The tag that loads the live-reload script; `build` names the site version on the page."""
    return f'<script src="{SCRIPT_PATH}" data-build="{build}"></script>'.encode()


def sse(data: str, event: str | None = None) -> bytes:
    """One Server-Sent Events message; `data` must be a single line."""
    head = f"event: {event}\n" if event else ""
    return f"{head}data: {data}\n\n".encode()


def error_items(diagnostics: Sequence[Diagnostic]) -> list[dict[str, str | None]]:
    """The errors as the overlay shows them: `path:line: message`, plus any hint."""
    items: list[dict[str, str | None]] = []
    for diagnostic in diagnostics:
        if diagnostic.is_error:
            where = f"{diagnostic.location}: " if diagnostic.location else ""
            items.append({"text": f"{where}{diagnostic.message}", "hint": diagnostic.hint})
    return items


class Hub:
    """The site's state for open pages (its build token, current errors) and their streams."""

    def __init__(self, token: str | None = None) -> None:
        self._token = token or secrets.token_hex(4)
        self._generation = 0
        self._errors: list[dict[str, str | None]] = []
        self._clients: set[queue.SimpleQueue[bytes | None]] = set()
        self._closed = False
        self._lock = threading.Lock()

    @property
    def build(self) -> str:
        """Names the site now served; a page from an older one reloads when it connects."""
        with self._lock:
            return f"{self._token}.{self._generation}"

    def subscribe(self) -> queue.SimpleQueue[bytes | None]:
        """A stream for one page, starting with the build token and any current errors."""
        stream: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
        with self._lock:
            stream.put(sse(f"{self._token}.{self._generation}", "hello"))
            if self._errors:
                stream.put(sse(json.dumps(self._errors, ensure_ascii=False), "errors"))
            if self._closed:
                stream.put(None)
            else:
                self._clients.add(stream)
        return stream

    def unsubscribe(self, stream: queue.SimpleQueue[bytes | None]) -> None:
        with self._lock:
            self._clients.discard(stream)

    def publish(self, diagnostics: Sequence[Diagnostic]) -> None:
        """After a rebuild: errors go to every page's overlay; success reloads every page."""
        items = error_items(diagnostics)
        with self._lock:
            self._errors = items
            if items:
                message = sse(json.dumps(items, ensure_ascii=False), "errors")
            else:
                self._generation += 1
                message = sse("reload")
            for stream in self._clients:
                stream.put(message)

    def close(self) -> None:
        """End every stream, now and for pages that connect later."""
        with self._lock:
            self._closed = True
            for stream in self._clients:
                stream.put(None)
            self._clients.clear()


LIVE_SCRIPT = """\
// bulletin serve: reload on a new build, show build errors over the page.
(() => {
  "use strict";
  const build = document.currentScript ? document.currentScript.dataset.build : "";
  let overlay = null;
  const hide = () => { if (overlay) { overlay.remove(); overlay = null; } };
  const show = (items) => {
    hide();
    overlay = document.createElement("div");
    overlay.id = "bulletin-errors";
    overlay.setAttribute("role", "alert");
    overlay.style.cssText = "position:fixed;inset:0;z-index:2147483647;overflow:auto;" +
      "margin:0;padding:1.5rem;background:rgba(24,24,24,.95);color:#fff;" +
      "font:14px/1.6 ui-monospace,SFMono-Regular,Menlo,monospace";
    const title = document.createElement("h2");
    title.textContent = "构建失败 · Build failed";
    title.style.cssText = "margin:0 0 1rem;font-size:1.2rem;color:#ff8a80";
    overlay.append(title);
    for (const item of items) {
      const line = document.createElement("pre");
      line.className = "bulletin-error";
      line.style.cssText = "margin:0 0 .75rem;white-space:pre-wrap";
      line.textContent = item.hint ? item.text + "\\n  提示 hint: " + item.hint : item.text;
      overlay.append(line);
    }
    const note = document.createElement("p");
    note.textContent = "下面仍是上一次成功构建的页面。改好文件并保存，页面会自动刷新；" +
      "点击可暂时关闭。";
    note.style.cssText = "opacity:.7";
    overlay.append(note);
    overlay.addEventListener("click", hide);
    (document.body || document.documentElement).append(overlay);
  };
  const connect = () => {
    const source = new EventSource("/__bulletin/events");
    source.addEventListener("hello", (event) => {
      if (event.data !== build) location.reload();
    });
    source.addEventListener("errors", (event) => show(JSON.parse(event.data)));
    source.onmessage = (event) => { if (event.data === "reload") location.reload(); };
    source.onerror = () => {
      if (source.readyState === EventSource.CLOSED) setTimeout(connect, 1000);
    };
  };
  connect();
})();
""".encode()
