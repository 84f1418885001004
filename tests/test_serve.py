from __future__ import annotations

import http.client
import os
import queue
import shutil
import signal
import subprocess
import sys
import textwrap
import threading
import urllib.request
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from bulletin_ssg.errors import Diagnostic, Location, SiteError, error
from bulletin_ssg.serve import DevServer, inject, respond, url_segments

from .browser import CHROMIUM, launch

SECRET = "TOP-SECRET-OUTSIDE-OUTPUT"
PAGE = "<!doctype html><html><body><h1>{}</h1></body></html>"
WAIT = 10.0  # upper bound for a thread or the file system to answer; never a timing assertion


def make_output(folder: Path, files: dict[str, str | bytes]) -> Path:
    for rel, data in files.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data, encoding="utf-8")
    return folder


@pytest.fixture
def output(tmp_path: Path) -> Path:
    """A small built site, with a secret file beside it and symlinks pointing at it."""
    (tmp_path / "secret.txt").write_text(SECRET)
    (tmp_path / "secret-dir").mkdir()
    (tmp_path / "secret-dir/secret.txt").write_text(SECRET)
    out = make_output(
        tmp_path / "public",
        {
            "index.html": PAGE.format("首页"),
            "404.html": PAGE.format("找不到"),
            "issues/2023-02-16/index.html": PAGE.format("第一期"),
            "issues/2023-02-16/down-to-earth/index.html": PAGE.format("如何让干部更接地气"),
            "issues/2023-02-16/images/p.JPG": b"\xff\xd8jpeg",
            "assets/site.css": "body{}",
            "assets/app.js": "1",
            "assets/logo.svg": "<svg/>",
            "assets/font.woff2": b"wOF2",
            "assets/data.bin": b"\0",
            "feed.xml": "<feed/>",
            "search/index.json": "{}",
            "empty/readme.txt": "no index here",
            "evil.com/index.html": PAGE.format("not evil"),
            "a file.txt": "spaced",
        },
    )
    (out / "link-out.txt").symlink_to(tmp_path / "secret.txt")
    (out / "dir-out").symlink_to(tmp_path / "secret-dir")
    (out / "link-in.css").symlink_to(out / "assets/site.css")
    return out


@pytest.mark.parametrize(
    ("path", "file", "kind"),
    [
        ("/", "index.html", "text/html; charset=utf-8"),
        ("/index.html", "index.html", "text/html; charset=utf-8"),
        ("/issues/2023-02-16/", "issues/2023-02-16/index.html", "text/html; charset=utf-8"),
        (
            "/issues/2023-02-16/down-to-earth/?q=1#top",
            "issues/2023-02-16/down-to-earth/index.html",
            "text/html; charset=utf-8",
        ),
        ("/issues//2023-02-16/", "issues/2023-02-16/index.html", "text/html; charset=utf-8"),
        ("/issues/2023-02-16/images/p.JPG", "issues/2023-02-16/images/p.JPG", "image/jpeg"),
        ("/assets/site.css", "assets/site.css", "text/css; charset=utf-8"),
        ("/assets/app.js", "assets/app.js", "text/javascript; charset=utf-8"),
        ("/assets/logo.svg", "assets/logo.svg", "image/svg+xml"),
        ("/assets/font.woff2", "assets/font.woff2", "font/woff2"),
        ("/assets/data.bin", "assets/data.bin", "application/octet-stream"),
        ("/feed.xml", "feed.xml", "application/xml; charset=utf-8"),
        ("/search/index.json", "search/index.json", "application/json"),
        ("/a%20file.txt", "a file.txt", "text/plain; charset=utf-8"),
        ("/%61ssets/site.css", "assets/site.css", "text/css; charset=utf-8"),
        ("/link-in.css", "assets/site.css", "text/css; charset=utf-8"),
    ],
    ids=[
        "root",
        "index",
        "issue",
        "article-query",
        "double-slash",
        "image",
        "css",
        "js",
        "svg",
        "woff2",
        "unknown-type",
        "xml",
        "json",
        "encoded-space",
        "encoded-letter",
        "symlink-inside",
    ],
)
def test_serves_files_with_type_and_no_store(output: Path, path: str, file: str, kind: str) -> None:
    response = respond(path, output)
    body = (output / file).read_bytes()
    assert (response.status, response.body) == (200, body)
    assert response.header("Content-Type") == kind
    assert response.header("Content-Length") == str(len(body))
    assert response.header("Cache-Control") == "no-store"


@pytest.mark.parametrize(
    ("path", "location"),
    [
        ("/issues/2023-02-16", "/issues/2023-02-16/"),
        ("/issues/2023-02-16?q=%E6%96%87", "/issues/2023-02-16/?q=%E6%96%87"),
        ("//evil.com", "/evil.com/"),
        ("/%2fevil.com", "/evil.com/"),
    ],
    ids=["issue", "with-query", "protocol-relative", "encoded-slash"],
)
def test_folder_without_slash_redirects_within_the_site(
    output: Path, path: str, location: str
) -> None:
    response = respond(path, output)
    assert (response.status, response.header("Location")) == (301, location)


@pytest.mark.parametrize(
    "path",
    [
        "/../secret.txt",
        "/issues/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E/secret.txt",
        "/issues/%2e%2e/%2e%2e/secret.txt",
        "/..%2fsecret.txt",
        "/%2e%2e%2fsecret.txt",
        "/issues%2f..%2f..%2fsecret.txt",
        "/..%5csecret.txt",
        "/issues%5c..%5c..%5csecret.txt",
        "/%252e%252e/secret.txt",
        "/./../secret.txt",
        "//etc/passwd",
        "/etc/passwd",
        "/%2fetc%2fpasswd",
        "/C:/Windows/win.ini",
        "/link-out.txt",
        "/dir-out/secret.txt",
        "/dir-out/",
        "/index.html%00.css",
        "/%ff%fe",
        "secret.txt",
        "/missing/",
        "/missing.html",
        "/empty/",
        "/__bulletin/../secret.txt",
    ],
    ids=lambda path: path,
)
def test_never_leaves_the_output_and_answers_404_with_the_site_page(
    output: Path, path: str
) -> None:
    response = respond(path, output)
    assert response.status == 404
    assert response.body == (output / "404.html").read_bytes()
    assert SECRET.encode() not in response.body


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("/", []),
        ("/a/b/", ["a", "b"]),
        ("/a//b", ["a", "b"]),
        ("/%E6%96%87/", ["文"]),
        ("/a?x=../..", ["a"]),
        ("/a/./b", None),
        ("/a/../b", None),
        ("/%2e%2e", None),
        ("/a%5cb", None),
        ("/a%00", None),
        ("relative", None),
    ],
    ids=[
        "root",
        "nested",
        "empty-segment",
        "utf8",
        "query-ignored",
        "dot",
        "dotdot",
        "encoded-dotdot",
        "backslash",
        "nul",
        "relative",
    ],
)
def test_url_segments(raw: str, expected: list[str] | None) -> None:
    assert url_segments(raw) == expected


def test_404_without_site_page_is_plain_text(tmp_path: Path) -> None:
    out = make_output(tmp_path / "out", {"index.html": PAGE.format("x")})
    response = respond("/nope", out)
    assert (response.status, response.header("Content-Type")) == (404, "text/plain; charset=utf-8")
    assert response.body == b"404 Not Found\n"


def test_404_while_serving_without_site_page_can_reload(tmp_path: Path) -> None:
    response = respond("/", tmp_path / "not-built-yet", build="t.0")
    assert (response.status, response.header("Content-Type")) == (404, "text/html; charset=utf-8")
    assert b'data-build="t.0"' in response.body


def test_injects_reload_script_into_html_only_when_serving(output: Path) -> None:
    tag = b'<script src="/__bulletin/live.js" data-build="t.1"></script>'
    served = respond("/", output, build="t.1")
    assert served.body == PAGE.format("首页").encode().replace(b"</body>", tag + b"</body>")
    assert served.header("Content-Length") == str(len(served.body))
    assert respond("/404-please", output, build="t.1").body.count(tag) == 1
    assert respond("/assets/site.css", output, build="t.1").body == b"body{}"
    assert b"__bulletin" not in respond("/", output).body


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        (b"<body>x</body></html>", b"<body>x<s></body></html>"),
        (b"<BODY>x</BODY>", b"<BODY>x<s></BODY>"),
        (b"<p></body> in text</p></body>", b"<p></body> in text</p><s></body>"),
        (b"<p>no body", b"<p>no body<s>"),
    ],
    ids=["lower", "upper", "last-one", "none"],
)
def test_inject_places_tag_before_the_last_closing_body(html: bytes, expected: bytes) -> None:
    assert inject(html, b"<s>") == expected


class SwappingBuild:
    """A rebuild callback: writes a page from content/page.md into a fresh folder and swaps it
    in, or returns an error diagnostic when the source says `error`."""

    def __init__(self, root: Path, output: Path) -> None:
        self.root = root
        self.output = output
        self.calls: queue.SimpleQueue[set[str]] = queue.SimpleQueue()

    def __call__(self, changed: set[str]) -> Sequence[Diagnostic]:
        try:
            text = (self.root / "content/page.md").read_text(encoding="utf-8").strip()
            if text.startswith("error"):
                return [
                    error("'title': got nothing, expected text", Location("content/page.md", 3))
                ]
            fresh = self.output.with_name("staging")
            shutil.rmtree(fresh, ignore_errors=True)
            make_output(fresh, {"index.html": PAGE.format(text), "404.html": PAGE.format("404")})
            old = self.output.with_name("old")
            if self.output.exists():
                os.replace(self.output, old)
            os.replace(fresh, self.output)
            shutil.rmtree(old, ignore_errors=True)
            return []
        finally:
            self.calls.put(set(changed))


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[Path, SwappingBuild]]:
    root = make_output(tmp_path / "site", {"content/page.md": "第一版", "site.yaml": "title: x\n"})
    build = SwappingBuild(root, root / "public")
    build(set())
    build.calls.get_nowait()
    yield root, build


def read_event(stream: http.client.HTTPResponse) -> str:
    lines = []
    while (line := stream.readline().decode()) != "\n":
        lines.append(line)
    return "".join(lines)


def test_dev_server_over_a_socket(site: tuple[Path, SwappingBuild]) -> None:
    root, build = site
    with DevServer(root=root, output=root / "public", rebuild=build, port=0) as server:
        assert server.url.startswith("http://127.0.0.1:")
        with urllib.request.urlopen(server.url, timeout=WAIT) as page:
            html = page.read().decode()
            assert page.headers["Cache-Control"] == "no-store"
        assert "第一版" in html and 'src="/__bulletin/live.js"' in html
        with urllib.request.urlopen(server.url + "__bulletin/live.js", timeout=WAIT) as script:
            assert b"EventSource" in script.read()
        host, port = server.url.removeprefix("http://").rstrip("/").split(":")
        connection = http.client.HTTPConnection(host, int(port), timeout=WAIT)
        connection.request("GET", "/__bulletin/events")
        events = connection.getresponse()
        assert events.getheader("Content-Type") == "text/event-stream; charset=utf-8"
        assert read_event(events) == f"event: hello\ndata: {server.hub.build}\n"

        (root / "content/.page.md.swp").write_text("x")
        (root / "content/page.md").write_text("error")
        assert build.calls.get(timeout=WAIT) == {"content/page.md"}
        assert read_event(events) == (
            'event: errors\ndata: [{"text": "content/page.md:3: '
            '\'title\': got nothing, expected text", "hint": null}]\n'
        )
        with urllib.request.urlopen(server.url, timeout=WAIT) as page:
            assert "第一版" in page.read().decode()  # the last good site stays

        (root / "content/page.md").write_text("第二版")
        assert build.calls.get(timeout=WAIT) == {"content/page.md"}
        assert read_event(events) == "data: reload\n"
        with urllib.request.urlopen(server.url, timeout=WAIT) as page:
            assert "第二版" in page.read().decode()
        connection.close()


def test_head_and_redirect_over_a_socket(site: tuple[Path, SwappingBuild]) -> None:
    root, build = site
    (root / "public/sub").mkdir()
    with DevServer(root=root, output=root / "public", rebuild=build, port=0) as server:
        host, port = server.url.removeprefix("http://").rstrip("/").split(":")
        connection = http.client.HTTPConnection(host, int(port), timeout=WAIT)
        connection.request("HEAD", "/")
        head = connection.getresponse()
        assert (head.status, head.read()) == (200, b"")
        assert int(head.getheader("Content-Length") or 0) > 0
        connection.close()
        connection = http.client.HTTPConnection(host, int(port), timeout=WAIT)
        connection.request("GET", "/sub")
        moved = connection.getresponse()
        assert (moved.status, moved.getheader("Location")) == (301, "/sub/")
        connection.close()


def test_port_in_use_is_a_site_error(site: tuple[Path, SwappingBuild]) -> None:
    root, build = site
    with DevServer(root=root, output=root / "public", rebuild=build, port=0) as first:
        port = int(first.url.rstrip("/").rsplit(":", 1)[1])
        with pytest.raises(SiteError):
            DevServer(root=root, output=root / "public", rebuild=build, port=port)


@pytest.fixture
def ctrl_c() -> Iterator[None]:
    """Ctrl-C raises KeyboardInterrupt here, as in a terminal, even where this process was
    started with SIGINT ignored (a background job of a shell)."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _default_ctrl_c() -> None:
    """In a child about to run Python: SIGINT as a terminal gives it (Python then makes it
    KeyboardInterrupt), whatever this process inherited."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.usefixtures("ctrl_c")
def test_run_builds_first_and_returns_on_ctrl_c(site: tuple[Path, SwappingBuild]) -> None:
    root, build = site
    server = DevServer(root=root, output=root / "public", rebuild=build, port=0)

    def interrupt_once_built() -> None:
        build.calls.get(timeout=WAIT)
        os.kill(os.getpid(), signal.SIGINT)

    before = set(threading.enumerate())
    helper = threading.Thread(target=interrupt_once_built)
    helper.start()
    server.run()  # returns normally on KeyboardInterrupt
    helper.join(WAIT)
    left = {t.name for t in set(threading.enumerate()) - before if t.is_alive()}
    assert left == set()


def test_ctrl_c_in_a_real_process_exits_cleanly(site: tuple[Path, SwappingBuild]) -> None:
    root, _ = site
    program = textwrap.dedent(f"""
        import sys
        from pathlib import Path
        from bulletin_ssg.serve import DevServer

        def rebuild(changed):
            print("built", flush=True)
            return []

        server = DevServer(root=Path({str(root)!r}), output=Path({str(root / "public")!r}),
                           rebuild=rebuild, port=0)
        server.run()
        print("stopped", flush=True)
    """)
    process = subprocess.Popen(
        [sys.executable, "-c", program],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=_default_ctrl_c,
    )
    assert process.stdout is not None
    assert process.stdout.readline() == "built\n"
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=WAIT)
    assert (process.returncode, out, err) == (0, "stopped\n", "")


@pytest.mark.browser
def test_live_reload_and_error_overlay_in_chromium(site: tuple[Path, SwappingBuild]) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    if not CHROMIUM.exists():
        pytest.skip("needs the Debian chromium package")
    root, build = site
    source = root / "content/page.md"
    with (
        DevServer(root=root, output=root / "public", rebuild=build, port=0) as server,
        sync_api.sync_playwright() as playwright,
    ):
        browser = launch(playwright)
        try:
            page = browser.new_page()
            page.goto(server.url)
            assert page.text_content("h1") == "第一版"

            with page.expect_event("load", timeout=WAIT * 1000):
                source.write_text("第二版", encoding="utf-8")
            assert page.text_content("h1") == "第二版"

            source.write_text("error", encoding="utf-8")
            overlay = page.wait_for_selector("#bulletin-errors", timeout=WAIT * 1000)
            assert overlay is not None
            assert page.text_content("#bulletin-errors .bulletin-error") == (
                "content/page.md:3: 'title': got nothing, expected text"
            )
            assert page.text_content("h1") == "第二版"

            with page.expect_event("load", timeout=WAIT * 1000):
                source.write_text("第三版", encoding="utf-8")
            assert page.text_content("h1") == "第三版"
            assert page.query_selector("#bulletin-errors") is None
        finally:
            browser.close()
