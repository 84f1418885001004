"""`bulletin serve` with the real build, in real Chromium: an edit shows without a manual
reload, broken front matter shows the file and line in the overlay, and fixing it recovers."""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path

import pytest

from bulletin_ssg.build import rebuild_for_serve
from bulletin_ssg.errors import Diagnostic
from bulletin_ssg.serve import DevServer

from .browser import CHROMIUM, CHROMIUM_ARGS, require_file

WAIT_MS = 15_000  # an upper bound for the browser to answer, never a timing assertion
ARTICLE = "content/2024-05-02/market.md"
PAGE = "issues/2024-05-02/market/"


@pytest.mark.browser
def test_serve_reloads_on_edit_and_shows_errors_in_the_page(
    sample_site: Path, tmp_path: Path
) -> None:
    from playwright.sync_api import sync_playwright

    require_file(CHROMIUM, "Chromium")
    out = tmp_path / "served"

    def rebuild(changed: set[str]) -> Sequence[Diagnostic]:
        return rebuild_for_serve(sample_site, out, drafts=True)

    assert rebuild(set()) == ()
    source = sample_site / ARTICLE
    original = source.read_text(encoding="utf-8")
    with (
        DevServer(root=sample_site, output=out, rebuild=rebuild, port=0) as server,
        sync_playwright() as playwright,
    ):
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.goto(server.url + PAGE)
            assert page.text_content("h1") == "蔬菜价格小幅回落"
            started = time.perf_counter()
            with page.expect_event("load", timeout=WAIT_MS):
                source.write_text(
                    original.replace("蔬菜价格小幅回落", "蔬菜价格明显回落"), encoding="utf-8"
                )
            print(f"edit shown after {time.perf_counter() - started:.2f} s")
            assert page.text_content("h1") == "蔬菜价格明显回落"

            source.write_text(
                original.replace("title: 蔬菜价格小幅回落", "title: [未闭合"), encoding="utf-8"
            )
            overlay = page.wait_for_selector("#bulletin-errors", timeout=WAIT_MS)
            assert overlay is not None
            shown = page.eval_on_selector_all(
                "#bulletin-errors .bulletin-error", "nodes => nodes.map(n => n.textContent)"
            )
            assert [line.split(" invalid YAML")[0] for line in shown] == [f"{ARTICLE}:2:8:"]
            assert page.text_content("h1") == "蔬菜价格明显回落"

            with page.expect_event("load", timeout=WAIT_MS):
                source.write_text(original, encoding="utf-8")
            assert page.text_content("h1") == "蔬菜价格小幅回落"
            assert page.query_selector("#bulletin-errors") is None
        finally:
            browser.close()
