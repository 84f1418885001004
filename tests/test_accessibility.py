"""axe-core in Chromium finds no WCAG 2.1 A/AA or best-practice violations on any page kind of
the sample periodical, in the light and the dark colour scheme."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from bulletin_ssg.build import build_site

from .browser import AXE_JS, PAGE_KINDS, REPO, chromium, require_file, serve, wait_until_ready

if TYPE_CHECKING:
    from playwright.sync_api import Browser

pytestmark = pytest.mark.browser

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}});
  return {
    passes: result.passes.length,
    violations: result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({target: n.target.join(" "), summary: n.failureSummary})),
    })),
  };
}"""

#: A page with known faults: proves that axe runs and that its violations reach us.
BROKEN_PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>坏页面</title></head>
<body><img src="x.svg"><a href="/"></a><p style="color:#ccc;background:#fff">浅色文字</p></body>
</html>
"""


@pytest.fixture(scope="module")
def site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    out = tmp_path_factory.mktemp("a11y") / "public"
    build_site(REPO, out, environ={}, cache=False)  # nothing written into the repository
    (out / "broken.html").write_text(BROKEN_PAGE, encoding="utf-8")
    with serve(out) as url:
        yield url


@pytest.fixture(scope="module")
def browser(site_url: str) -> Iterator[Browser]:
    """Launched after the build: Playwright's sync API runs an event loop in this thread, and
    the search index is built with asyncio.run, which refuses to run inside one."""
    require_file(AXE_JS, "axe-core (npm package axe-core)")
    with chromium() as launched:
        yield launched


def run_axe(browser: Browser, url: str, *, kind: str, scheme: str) -> dict[str, Any]:
    context = browser.new_context(color_scheme=scheme)  # type: ignore[arg-type]
    try:
        page = context.new_page()
        page.goto(url)
        wait_until_ready(page, kind)
        page.add_script_tag(path=str(AXE_JS))
        result: dict[str, Any] = page.evaluate(RUN_AXE, AXE_TAGS)
        return result
    finally:
        context.close()


def describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']}")
        lines.extend(f"    {n['target']}: {n['summary']}" for n in v["nodes"])
    return "\n".join(lines)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("kind", list(PAGE_KINDS))
def test_page_has_no_accessibility_violations(
    browser: Browser, site_url: str, kind: str, scheme: str
) -> None:
    result = run_axe(browser, site_url + PAGE_KINDS[kind], kind=kind, scheme=scheme)
    assert result["passes"] > 10
    assert not result["violations"], "\n" + describe(result["violations"])


def test_axe_reports_a_broken_page(browser: Browser, site_url: str) -> None:
    result = run_axe(browser, site_url + "broken.html", kind="broken", scheme="light")
    found = {v["id"] for v in result["violations"]}
    assert {"image-alt", "link-name", "color-contrast", "html-has-lang"} <= found


def test_every_page_kind_is_checked() -> None:
    assert set(PAGE_KINDS) == {
        "front",
        "issue",
        "issue-section",
        "section",
        "article",
        "archive",
        "search",
        "404",
    }
    assert Path(REPO / "layouts" / "search.html").is_file()
