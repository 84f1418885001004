"""Time from saving an article to its new page loaded in Chromium, under `bulletin serve`.

Starts the real `bulletin serve` on a site (e.g. one made by bench/corpus.py), opens one
article in headless Chromium (Debian's, through Playwright) and edits that article's file
several times; prints each latency and the median. The article is restored at the end.

    .venv/bin/python bench/serve_latency.py SITE [--edits 5] [--article content/…/x.md]
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
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
START_TIMEOUT = 900.0  # seconds for the first full build of a large corpus
EDIT_TIMEOUT_MS = 60_000


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_until_served(url: str, server: subprocess.Popen[bytes]) -> float:
    """Seconds until `url` answers 200 (the first build done)."""
    start = time.perf_counter()
    while time.perf_counter() - start < START_TIMEOUT:
        if server.poll() is not None:
            sys.exit(f"bulletin serve exited with {server.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return time.perf_counter() - start
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.2)
    sys.exit(f"no answer from {url} in {START_TIMEOUT:.0f} s")


def pick_article(site: Path) -> Path:
    """A stable choice: the middle one of the sorted article files."""
    files = sorted((site / "content").glob("*/*.md"))
    if not files:
        sys.exit(f"no articles below {site / 'content'}")
    return files[len(files) // 2]


def page_url(site: Path, article: Path) -> str:
    """/issues/<date>/<stem>/ (the corpus's file names are already slugs)."""
    rel = article.relative_to(site / "content")
    return f"/issues/{rel.parts[0]}/{article.stem}/"


def measure(site: Path, article: Path, edits: int) -> list[float]:
    from playwright.sync_api import sync_playwright

    bulletin = Path(sys.executable).with_name("bulletin")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [str(bulletin), "serve", "-s", str(site), "-p", str(port), "--no-drafts"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    original = article.read_bytes()
    latencies: list[float] = []
    try:
        url = base + page_url(site, article)
        first = wait_until_served(url, server)
        print(f"first build and serve: {first:.1f} s", flush=True)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page()
            page.goto(url)
            time.sleep(1.0)  # let the live-reload stream connect
            for number in range(1, edits + 1):
                marker = f"延迟测量{number}号"
                text = original + f"\n\n{marker}。\n".encode()
                start = time.perf_counter()
                with page.expect_event("load", timeout=EDIT_TIMEOUT_MS):
                    article.write_bytes(text)
                while marker not in page.content():  # a reload for another reason
                    page.wait_for_event("load", timeout=EDIT_TIMEOUT_MS)
                latencies.append(time.perf_counter() - start)
                print(f"edit {number}: {latencies[-1]:.3f} s", flush=True)
                time.sleep(1.0)  # keep edits apart
            browser.close()
    finally:
        article.write_bytes(original)
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
    return latencies


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--edits", type=int, default=5)
    parser.add_argument("--article", type=Path, help="site-relative path of the article to edit")
    args = parser.parse_args(argv)
    site: Path = args.site.resolve()
    article = site / args.article if args.article else pick_article(site)
    if not os.path.isfile(article):
        sys.exit(f"no such article: {article}")
    latencies = measure(site, article, args.edits)
    print(
        f"save to page loaded, median of {len(latencies)}: {statistics.median(latencies):.3f} s"
        f" (min {min(latencies):.3f}, max {max(latencies):.3f})"
    )


if __name__ == "__main__":
    main()
