"""sitemap.xml and robots.txt, read back with ElementTree."""

from __future__ import annotations

from datetime import date
from xml.etree import ElementTree as ET

import pytest

from bulletin_ssg.errors import Location
from bulletin_ssg.model import Article, IssueInfo, SectionConfig, Site, SiteConfig
from bulletin_ssg.sitemap import page_url, render_sitemap
from bulletin_ssg.structure import assemble
from bulletin_ssg.templates import absolute

NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
NEW, OLD = date(2023, 2, 16), date(2023, 2, 9)
PAGES = (
    "index.html",
    "issues/2023-02-16/index.html",
    "issues/2023-02-16/focus/index.html",
    "issues/2023-02-16/hongxingdai/index.html",
    "issues/2023-02-09/index.html",
    "issues/2023-02-09/old/index.html",
    "sections/focus/index.html",
    "sections/focus/page/2/index.html",
    "archive/index.html",
    "search/index.html",
    "404.html",
)


def site(base_url: str = "https://example.org/paper/", days: tuple[date, ...] = (NEW, OLD)) -> Site:
    config = SiteConfig(
        title="党建周刊",
        base_url=base_url,
        sections=(SectionConfig(key="focus", title="本期关注"),),
    )
    articles = [
        Article(
            source=Location(f"content/{d}/a.md"),
            issue_date=d,
            slug="a",
            section="focus",
            title="标题",
        )
        for d in days
    ]
    infos = [IssueInfo(source=Location(f"content/{d}"), issue_date=d) for d in days]
    return assemble(config, articles, infos)


def listing(s: Site, pages: tuple[str, ...] = PAGES) -> list[tuple[str, str | None]]:
    """(loc, lastmod) of every <url>, in document order."""
    files = {f.path: f for f in render_sitemap(s, pages)}
    root = ET.fromstring(files["sitemap.xml"].content)
    assert root.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}urlset"
    return [
        (
            url.findtext("sm:loc", default="", namespaces=NS),
            url.findtext("sm:lastmod", namespaces=NS),
        )
        for url in root.findall("sm:url", NS)
    ]


def entries(s: Site, pages: tuple[str, ...] = PAGES) -> dict[str, str | None]:
    return dict(listing(s, pages))


def test_lists_every_page_but_404_with_its_lastmod() -> None:
    base = "https://example.org/paper/"
    assert entries(site()) == {
        f"{base}": "2023-02-16",
        f"{base}archive/": "2023-02-16",
        f"{base}issues/2023-02-09/": "2023-02-09",
        f"{base}issues/2023-02-09/old/": "2023-02-09",
        f"{base}issues/2023-02-16/": "2023-02-16",
        f"{base}issues/2023-02-16/focus/": "2023-02-16",
        f"{base}issues/2023-02-16/hongxingdai/": "2023-02-16",
        f"{base}search/": "2023-02-16",
        f"{base}sections/focus/": "2023-02-16",
        f"{base}sections/focus/page/2/": "2023-02-16",
    }


def test_urls_are_sorted_and_unique() -> None:
    locs = [loc for loc, _ in listing(site(), PAGES + PAGES[:3])]
    assert locs == sorted(locs)
    assert len(locs) == len(PAGES) - 1


def test_site_without_issues_has_no_lastmod() -> None:
    assert entries(site(days=()), ("index.html", "archive/index.html")) == {
        "https://example.org/paper/": None,
        "https://example.org/paper/archive/": None,
    }


@pytest.mark.parametrize(
    ("path", "url"),
    [
        ("index.html", "/"),
        ("issues/2023-02-16/index.html", "/issues/2023-02-16/"),
        ("about.html", "/about.html"),
        ("sections/focus/page/2/index.html", "/sections/focus/page/2/"),
    ],
    ids=["front", "issue", "plain-html", "paginated"],
)
def test_page_url(path: str, url: str) -> None:
    assert page_url(path) == url


def test_robots_points_to_the_absolute_sitemap() -> None:
    files = {f.path: f for f in render_sitemap(site("https://example.org/"), PAGES)}
    assert files["robots.txt"].content.decode() == (
        "User-agent: *\nAllow: /\n\nSitemap: https://example.org/sitemap.xml\n"
    )
    assert "https://example.org/issues/2023-02-16/" in entries(site("https://example.org/"))


@pytest.mark.parametrize("base_url", ["/", "/paper/"], ids=["root", "subpath"])
def test_no_sitemap_without_a_host(base_url: str) -> None:
    files = render_sitemap(site(base_url), PAGES)
    assert [f.path for f in files] == ["robots.txt"]
    assert files[0].content == b"User-agent: *\nAllow: /\n"


def test_sitemap_is_deterministic_xml_with_declaration() -> None:
    first, second = render_sitemap(site(), PAGES), render_sitemap(site(), tuple(reversed(PAGES)))
    assert first == second
    sitemap = first[0]
    assert sitemap.path == "sitemap.xml"
    assert sitemap.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>\n<urlset xmlns=')
    assert sitemap.content.endswith(b"</urlset>\n") and b"\r" not in sitemap.content


@pytest.mark.parametrize(
    "base_url",
    ["https://example.org/", "https://example.org/paper/", "http://localhost:8000/"],
    ids=["host", "host-subpath", "port"],
)
def test_locs_equal_the_canonical_urls_of_the_pages(base_url: str) -> None:
    config = site(base_url).config
    for url in ("/", "/issues/2023-02-16/", "/sitemap.xml"):
        assert config.absolute_url(url) == absolute(config, url)
