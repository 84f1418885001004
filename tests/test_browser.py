"""The sample periodical in Chromium, on a phone (375x812) and a desktop (1280x800): every page
kind fits the width, loads without errors and shows Chinese in a CJK font; a reader clicks from
the front page to the next article; Chinese search works; reading needs no JavaScript; articles
print cleanly. Screenshots of every page kind land in screenshots/ for a person to look at."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import pytest

from bulletin_ssg.build import build_site, load_site
from bulletin_ssg.model import Site

from .browser import PAGE_KINDS, REPO, Problems, chromium, serve, wait_until_ready

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

pytestmark = pytest.mark.browser

SCREENSHOTS = REPO / "screenshots"
VIEWPORTS: dict[str, dict[str, Any]] = {
    "mobile": {
        "viewport": {"width": 375, "height": 812},
        "is_mobile": True,
        "has_touch": True,
        "device_scale_factor": 2,
    },
    "desktop": {"viewport": {"width": 1280, "height": 800}},
}
#: A query none of whose characters occurs in the sample's articles (checked below): a query
#: with a common particle such as 的 would match every page.
NO_MATCH = "熊猫咖啡"
#: A page with a missing image and a script error: proves that problems are seen.
BROKEN_PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>坏页面</title>
<link rel="icon" href="data:,"></head>
<body><h1>坏页面</h1><img src="missing.png" alt="缺"><script>console.error("坏了");</script>
<div style="width: 2000px">很宽</div></body></html>
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("browser") / "public"
    build_site(REPO, out, environ={}, cache=False)  # nothing written into the repository
    (out / "broken.html").write_text(BROKEN_PAGE, encoding="utf-8")
    return out


@pytest.fixture(scope="module")
def site() -> Site:
    return load_site(REPO, drafts=False, future=False, strict=False, today=None, environ={}).site


@pytest.fixture(scope="module")
def site_url(built: Path) -> Iterator[str]:
    with serve(built) as url:
        yield url


@pytest.fixture(scope="module")
def browser(site_url: str) -> Iterator[Browser]:
    """Launched after the build: the search index is built with asyncio.run, which refuses to
    run inside the event loop that Playwright's sync API keeps in this thread."""
    with chromium() as launched:
        yield launched


@pytest.fixture(params=list(VIEWPORTS))
def viewport(request: pytest.FixtureRequest) -> str:
    name: str = request.param
    return name


@pytest.fixture
def context(browser: Browser, viewport: str) -> Iterator[BrowserContext]:
    made = browser.new_context(**VIEWPORTS[viewport])
    try:
        yield made
    finally:
        made.close()


def platform_fonts(context: BrowserContext, page: Page, selector: str) -> list[str]:
    """The font families Chromium actually used to draw the text of `selector`."""
    cdp = context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    cdp.detach()
    return [font["familyName"] for font in fonts]


# -- every page kind ---------------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(PAGE_KINDS))
def test_page_fits_loads_cleanly_and_uses_a_cjk_font(
    context: BrowserContext, viewport: str, site_url: str, kind: str
) -> None:
    page = context.new_page()
    problems = Problems(page)
    page.goto(site_url + PAGE_KINDS[kind])
    wait_until_ready(page, kind)
    page.wait_for_load_state("networkidle")
    width = VIEWPORTS[viewport]["viewport"]["width"]
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{kind}-{viewport}.png", full_page=True)
    sizes = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert sizes == [width, width], f"scrollWidth, innerWidth = {sizes}"
    assert problems.found == []
    assert re.search(r"[\u4e00-\u9fff]", page.inner_text("h1"))
    families = platform_fonts(context, page, "h1")
    assert any("CJK" in f or "Noto" in f for f in families), families


def test_problems_and_overflow_are_seen_on_a_broken_page(browser: Browser, site_url: str) -> None:
    page = browser.new_page(**VIEWPORTS["mobile"])
    problems = Problems(page)
    page.goto(site_url + "broken.html")
    page.wait_for_load_state("networkidle")
    assert sorted(p.split(":")[0] for p in problems.found) == ["HTTP 404", "console", "console"], (
        problems.found
    )
    assert page.evaluate("() => document.documentElement.scrollWidth") > 375
    page.close()


# -- a reader's journey ------------------------------------------------------------------------


def test_reader_clicks_from_front_page_to_the_next_article(
    context: BrowserContext, site_url: str, site: Site
) -> None:
    thinking = next(s for s in site.sections if s.section.key == "thinking")
    first = thinking.articles[0]
    issue = next(i for i in site.issues if i.date == first.issue_date)
    following = issue.articles[issue.articles.index(first) + 1]

    page = context.new_page()
    problems = Problems(page)
    page.goto(site_url)
    nav = page.get_by_role("navigation", name="主导航")
    nav.get_by_role("link", name=thinking.section.title, exact=True).click()
    page.wait_for_url(site_url + "sections/thinking/")
    page.get_by_role("main").get_by_role("link", name=first.title, exact=True).click()
    page.wait_for_url(site_url + first.url.lstrip("/"))
    assert page.inner_text("h1") == first.title
    page.get_by_role("link", name=re.compile("^下一篇")).click()
    page.wait_for_url(site_url + following.url.lstrip("/"))
    assert page.inner_text("h1") == following.title
    assert problems.found == []


# -- search ------------------------------------------------------------------------------------


def search(page: Page, site_url: str, query: str) -> tuple[str, list[tuple[str, str]]]:
    """Pagefind's message and its results as (title, href), for `query` given as ?q=."""
    page.goto(f"{site_url}search/?q={quote(query)}")
    wait_until_ready(page, "search")
    links = page.locator(".pagefind-ui__result-link")
    results = [
        (links.nth(i).inner_text(), links.nth(i).get_attribute("href") or "")
        for i in range(links.count())
    ]
    return page.inner_text(".pagefind-ui__message"), results


@pytest.mark.parametrize(
    ("query", "slug"),
    [("红星贷", "shenyang-hongxingdai"), ("产业联合党委", "industry-committee")],
    ids=["hongxingdai", "industry-committee"],
)
def test_search_finds_the_article_first(
    browser: Browser, site_url: str, site: Site, query: str, slug: str
) -> None:
    article = next(a for a in site.articles if a.slug == slug)
    page = browser.new_page()
    problems = Problems(page)
    message, results = search(page, site_url, query)
    assert results, message
    assert results[0] == (article.title, article.url)
    assert problems.found == []
    page.close()


def test_search_says_when_nothing_matches(browser: Browser, site_url: str, built: Path) -> None:
    articles = [
        p.read_text(encoding="utf-8")
        for p in built.rglob("index.html")
        if "data-pagefind-body" in p.read_text(encoding="utf-8")
    ]
    assert articles
    assert not any(char in text for char in NO_MATCH for text in articles)
    page = browser.new_page()
    message, results = search(page, site_url, NO_MATCH)
    assert results == []
    assert message == f"未找到 {NO_MATCH} 的相关结果"
    page.close()


def test_header_search_box_leads_to_results(browser: Browser, site_url: str, site: Site) -> None:
    article = next(a for a in site.articles if a.slug == "shenyang-hongxingdai")
    page = browser.new_page()
    page.goto(site_url + "archive/")
    page.get_by_role("search").get_by_label("搜索").fill("红星贷")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/search/\?q="))
    wait_until_ready(page, "search")
    assert page.locator(".pagefind-ui__result-link").first.get_attribute("href") == article.url
    page.close()


# -- without JavaScript ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def no_script(browser: Browser) -> Iterator[BrowserContext]:
    made = browser.new_context(java_script_enabled=False)
    yield made
    made.close()


@pytest.mark.parametrize("kind", [k for k in PAGE_KINDS if k != "search"])
def test_every_page_reads_without_javascript(
    no_script: BrowserContext, site_url: str, kind: str
) -> None:
    page = no_script.new_page()
    page.goto(site_url + PAGE_KINDS[kind])
    assert page.locator("h1").is_visible()
    assert len(page.inner_text("main")) > 10
    if kind == "article":
        assert len(page.inner_text(".article-body")) > 500
    page.close()


def test_search_page_without_javascript_says_it_needs_it(
    no_script: BrowserContext, site_url: str
) -> None:
    page = no_script.new_page()
    page.goto(site_url + "archive/")
    page.get_by_role("search").get_by_label("搜索").fill("红星贷")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/search/\?q="))
    notice = page.locator("noscript p")  # Playwright's text selectors skip <noscript>
    assert notice.is_visible()
    assert notice.inner_text().startswith("搜索功能需要启用 JavaScript")
    page.close()


# -- print -------------------------------------------------------------------------------------


def test_article_prints_black_on_white_without_navigation(browser: Browser, site_url: str) -> None:
    page = browser.new_page(color_scheme="dark")
    page.goto(site_url + PAGE_KINDS["article"])
    page.emulate_media(media="print")
    for hidden in (".nav-bar", ".site-footer", ".pager", ".breadcrumbs", ".reading-time"):
        assert not page.locator(hidden).first.is_visible(), hidden
    for shown in (".masthead-title", ".dateline", "h1", ".article-meta .byline", "time"):
        assert page.locator(shown).first.is_visible(), shown
    colours = page.evaluate(
        """() => [getComputedStyle(document.body).color,
                  getComputedStyle(document.body).backgroundColor]"""
    )
    assert colours == ["rgb(0, 0, 0)", "rgb(255, 255, 255)"]
    after = page.evaluate(
        """() => {
          const body = document.querySelector(".article-body");
          const add = (href) => {
            const a = document.createElement("a");
            a.href = href;
            a.textContent = "链接";
            body.append(a);
            return getComputedStyle(a, "::after").content;
          };
          return [add("/issues/"), add("https://example.org/x")];
        }"""
    )
    assert after == ["none", '" (https://example.org/x)"']  # only external addresses print
    SCREENSHOTS.mkdir(exist_ok=True)
    page.pdf(path=SCREENSHOTS / "article-print.pdf")
    page.close()
