"""Helpers for the tests that drive real tools: a built site served on an ephemeral port,
Debian's Chromium through Playwright, and the npm-installed checkers (vnu, axe-core).

A missing tool fails the test with what to run; it never skips silently.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import (
        Browser,
        ConsoleMessage,
        Page,
        Playwright,
        Request,
        Response,
    )

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
VNU_JAR = REPO / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_JS = REPO / "node_modules" / "axe-core" / "axe.min.js"
INSTALL_HINT = "run scripts/install-test-tools (it installs Chromium, CJK fonts, Java, vnu, axe)"

#: Flags for a quiet headless Chromium that makes no network calls of its own.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def require_file(path: Path, what: str) -> Path:
    """`path`, or fail the test saying how to install `what`."""
    if not path.is_file():
        pytest.fail(f"{what} not found at {path}: {INSTALL_HINT}", pytrace=False)
    return path


def require_command(name: str) -> str:
    """The full path of command `name`, or fail the test saying how to install it."""
    found = shutil.which(name)
    if found is None:
        pytest.fail(f"`{name}` not found on PATH: {INSTALL_HINT}", pytrace=False)
    return found


class QuietHandler(SimpleHTTPRequestHandler):
    """Serves one folder; logs nothing (a test reads failures from the browser instead)."""

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's name
        pass


@contextmanager
def serve(folder: Path) -> Iterator[str]:
    """Serve `folder` on 127.0.0.1 at a port the system picks; yields the base URL, `http://…/`."""
    handler = partial(QuietHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        host, port = server.server_address[:2]
        yield f"http://{host!s}:{port}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@contextmanager
def chromium() -> Iterator[Browser]:
    """Debian's Chromium, launched once by Playwright (never a downloaded browser)."""
    require_file(CHROMIUM, "Chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail(
            f"the Python package playwright is missing: pip install -e '.[test]'; {INSTALL_HINT}"
        )
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            yield browser
        finally:
            browser.close()


def launch(playwright: Playwright) -> Browser:
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)


#: One page of each kind of the sample periodical, by URL relative to the site root.
PAGE_KINDS = {
    "front": "",
    "issue": "issues/2023-02-16/",
    "issue-section": "issues/2023-02-16/focus/",
    "section": "sections/briefs/",
    "article": "issues/2023-02-16/industry-committee/",
    "archive": "archive/",
    "search": "search/?q=红星贷",
    "404": "404.html",
}


#: True once Pagefind's UI has finished a search: its message is no longer 正在搜索 … (its
#: zh-CN "searching") and every listed result has loaded its link.
SEARCH_SETTLED = """() => {
  const message = document.querySelector(".pagefind-ui__message");
  if (!message || message.textContent.startsWith("正在搜索")) return false;
  const results = document.querySelectorAll(".pagefind-ui__result").length;
  return document.querySelectorAll(".pagefind-ui__result-link").length === results;
}"""


def wait_until_ready(page: Page, kind: str) -> None:
    """For the search page, until Pagefind's UI has finished searching the ?q= query."""
    if kind == "search":
        page.wait_for_function(SEARCH_SETTLED, timeout=15_000)


class Problems:
    """Console errors, failed requests and error responses seen by one page."""

    def __init__(self, page: Page) -> None:
        self.found: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.found.append(f"uncaught: {error}"))
        page.on("requestfailed", self._failed)
        page.on("response", self._response)

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.found.append(f"console: {message.text}")

    def _failed(self, request: Request) -> None:
        # Chromium aborts requests still in flight (often the favicon) when the reader follows
        # a link: that is the browser leaving the page, not the site failing to serve it.
        if request.failure != "net::ERR_ABORTED":
            self.found.append(f"failed: {request.url} {request.failure}")

    def _response(self, response: Response) -> None:
        if response.status >= 400:
            self.found.append(f"HTTP {response.status}: {response.url}")
