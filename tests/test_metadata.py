"""What the built pages of the sample periodical tell machines and readers, read back from the
files with the stdlib HTML parser: title, description, canonical URL, Open Graph, feed links,
NewsArticle JSON-LD; and what keeps them light: page weight, no web fonts, sized images."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest

from bulletin_ssg.build import Loaded, build_site, load_site
from bulletin_ssg.model import Article, Site

from .browser import REPO

BASE_URL = "https://example.org/paper/"
BASE_PATH = "/paper/"
#: The sample site's timezone is Asia/Shanghai: an issue day starts at midnight, +08:00.
OFFSET = "+08:00"
#: Budget of one page: its HTML plus the site's stylesheet (search index files aside).
PAGE_BUDGET = 50 * 1024


@dataclass
class Head:
    """The parts of a page this module checks."""

    lang: str | None = None
    title: str = ""
    metas: list[dict[str, str]] = field(default_factory=list)
    links: list[dict[str, str]] = field(default_factory=list)
    json_ld: list[str] = field(default_factory=list)
    h1: list[str] = field(default_factory=list)
    images: list[dict[str, str]] = field(default_factory=list)

    def meta(self, key: str) -> list[str]:
        """Contents of the `<meta name=key>` or `<meta property=key>` elements, in order."""
        return [
            m.get("content", "") for m in self.metas if key in (m.get("name"), m.get("property"))
        ]

    def one_meta(self, key: str) -> str:
        (value,) = self.meta(key)
        return value

    def hrefs(self, rel: str) -> list[str]:
        return [link.get("href", "") for link in self.links if link.get("rel") == rel]


class HeadParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.head = Head()
        self.inside: str | None = None  # "title", "json-ld" or "h1" while reading its text

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "html":
            self.head.lang = values.get("lang")
        elif tag == "meta":
            self.head.metas.append(values)
        elif tag == "link":
            self.head.links.append(values)
        elif tag == "img":
            self.head.images.append(values)
        elif tag == "title":
            self.inside = "title"
        elif tag == "script" and values.get("type") == "application/ld+json":
            self.inside = "json-ld"
            self.head.json_ld.append("")
        elif tag == "h1":
            self.inside = "h1"
            self.head.h1.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("title", "script", "h1"):
            self.inside = None

    def handle_data(self, data: str) -> None:
        if self.inside == "title":
            self.head.title += data
        elif self.inside == "json-ld":
            self.head.json_ld[-1] += data
        elif self.inside == "h1":
            self.head.h1[-1] += data


def read(path: Path) -> Head:
    parser = HeadParser()
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    return parser.head


def page_url(out: Path, file: Path) -> str:
    """`out/issues/x/index.html` → `/issues/x/`."""
    rel = file.relative_to(out).as_posix()
    return "/" + (rel.removesuffix("index.html") if rel.endswith("index.html") else rel)


@dataclass(frozen=True)
class Built:
    out: Path
    site: Site
    pages: dict[str, Head]  #: by root-relative URL (without the base path)


def build(tmp: Path, base_url: str) -> Built:
    out = tmp / "public"
    build_site(REPO, out, base_url=base_url, environ={}, cache=False)
    loaded: Loaded = load_site(
        REPO, drafts=False, future=False, base_url=base_url, strict=False, today=None, environ={}
    )
    pages = {
        page_url(out, f): read(f)
        for f in sorted(out.rglob("*.html"))
        if not f.relative_to(out).as_posix().startswith("pagefind/")
    }
    return Built(out=out, site=loaded.site, pages=pages)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build(tmp_path_factory.mktemp("metadata"), BASE_URL)


def articles_by_url(site: Site) -> dict[str, Article]:
    return {a.url: a for a in site.articles}


# -- every page --------------------------------------------------------------------------------


def test_the_sample_has_every_page_kind(built: Built) -> None:
    kinds = {
        "/",
        "/archive/",
        "/search/",
        "/404.html",
        "/issues/2023-02-16/",
        "/issues/2023-02-16/focus/",
        "/sections/focus/",
    }
    assert kinds <= set(built.pages)
    assert set(articles_by_url(built.site)) <= set(built.pages)


def test_every_page_has_its_title_then_the_site_title(built: Built) -> None:
    site_title = built.site.config.title
    assert built.pages["/"].title == site_title
    for url, head in built.pages.items():
        if url != "/":
            assert head.title.endswith(f" · {site_title}"), url
            assert len(head.title) > len(site_title) + 3, url
    for url, article in articles_by_url(built.site).items():
        assert built.pages[url].title == f"{article.title} · {site_title}"
    assert built.pages["/search/"].title == f"搜索 · {site_title}"


def test_every_page_has_the_site_language(built: Built) -> None:
    assert {head.lang for head in built.pages.values()} == {"zh-CN"}


def test_descriptions_are_the_summary_else_the_section_else_the_site(built: Built) -> None:
    config = built.site.config
    for url, article in articles_by_url(built.site).items():
        assert article.summary
        assert built.pages[url].one_meta("description") == article.summary, url
    for section in config.sections:
        assert section.description
        assert built.pages[f"/sections/{section.key}/"].one_meta("description") == (
            section.description
        )
        issue_section = f"/issues/2023-02-16/{section.key}/"
        assert built.pages[issue_section].one_meta("description") == section.description
    for url in ("/", "/archive/", "/search/"):
        assert built.pages[url].one_meta("description") == config.description


def test_canonical_and_og_url_are_absolute_under_base_url(built: Built) -> None:
    for url, head in built.pages.items():
        if url == "/404.html":
            assert head.hrefs("canonical") == [] and head.meta("og:url") == []
            assert head.one_meta("robots") == "noindex"
            continue
        expected = BASE_URL + url.removeprefix("/")
        assert head.hrefs("canonical") == [expected], url
        assert head.one_meta("og:url") == expected, url
        assert head.meta("robots") == [], url


def test_canonical_is_root_relative_when_base_url_is_a_path(tmp_path: Path) -> None:
    pages = build(tmp_path, BASE_PATH).pages
    assert pages["/"].hrefs("canonical") == ["/paper/"]
    assert pages["/issues/2023-02-16/down-to-earth/"].hrefs("canonical") == [
        "/paper/issues/2023-02-16/down-to-earth/"
    ]
    (data,) = pages["/issues/2023-02-16/down-to-earth/"].json_ld
    assert json.loads(data)["url"] == "/paper/issues/2023-02-16/down-to-earth/"


def test_open_graph_tags(built: Built) -> None:
    config = built.site.config
    articles = articles_by_url(built.site)
    for url, head in built.pages.items():
        assert head.one_meta("og:type") == ("article" if url in articles else "website"), url
        assert head.one_meta("og:site_name") == config.title
        assert head.one_meta("og:locale") == "zh_CN"
        assert head.one_meta("og:title") == head.title.removesuffix(f" · {config.title}")
        assert head.one_meta("og:description") == head.one_meta("description")
    for url, article in articles.items():
        head = built.pages[url]
        assert head.one_meta("og:title") == article.title
        assert head.one_meta("article:published_time") == (
            f"{article.issue_date.isoformat()}T00:00:00{OFFSET}"
        )
        section = config.section(article.section)
        assert section is not None
        assert head.one_meta("article:section") == section.title
        assert head.meta("article:tag") == list(article.tags)
        assert article.tags
    others = [head for url, head in built.pages.items() if url not in articles]
    assert all(not head.meta("article:published_time") for head in others)


def section_of(site: Site, url: str) -> str | None:
    """The section a page belongs to: an article's, an issue section's, a section page's."""
    article = articles_by_url(site).get(url)
    if article is not None:
        return article.section
    parts = url.strip("/").split("/")
    if parts[0] == "sections":
        return parts[1]  # also /sections/<key>/page/<n>/
    if parts[0] == "issues" and len(parts) == 3:
        return parts[2]  # /issues/<date>/<key>/ (articles were matched above)
    return None


def test_feed_links_resolve_to_built_feeds(built: Built) -> None:
    site_feed = f"{BASE_PATH}feed.xml"
    keys = {s.key for s in built.site.config.sections}
    for url, head in built.pages.items():
        feeds = [
            link
            for link in head.links
            if link.get("rel") == "alternate" and link.get("type") == "application/atom+xml"
        ]
        key = section_of(built.site, url)
        assert key is None or key in keys, url
        expected = [site_feed] + ([f"{BASE_PATH}sections/{key}/feed.xml"] if key else [])
        assert [link["href"] for link in feeds] == expected, url
        assert all(link.get("title") for link in feeds), url
        for href in expected:
            assert (built.out / href.removeprefix(BASE_PATH)).is_file(), href
    with_section = [url for url in built.pages if section_of(built.site, url)]
    assert len(with_section) >= 12  # 6 articles, 3 issue sections, 3 section pages


# -- article pages: JSON-LD --------------------------------------------------------------------


@pytest.mark.parametrize(
    "slug",
    ["industry-committee", "down-to-earth", "shenyang-hongxingdai"],
    ids=["focus", "thinking", "briefs"],
)
def test_articles_carry_news_article_json_ld(built: Built, slug: str) -> None:
    url = f"/issues/2023-02-16/{slug}/"
    article = articles_by_url(built.site)[url]
    config = built.site.config
    head = built.pages[url]
    (text,) = head.json_ld
    assert "</" not in text
    data = json.loads(text)
    published = f"2023-02-16T00:00:00{OFFSET}"
    periodical = {"@type": "Organization", "name": config.title, "url": BASE_URL}
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == article.title == head.h1[0].strip()
    assert data["datePublished"] == published
    assert data["author"] == [{"@type": "Person", "name": name} for name in article.authors]
    assert data["author"]
    assert data["publisher"] == periodical
    assert data["isPartOf"] == {
        "@type": "PublicationIssue",
        "datePublished": published,
        "url": f"{BASE_URL}issues/2023-02-16/",
        "isPartOf": {"@type": "Periodical", "name": config.title, "url": BASE_URL},
    }
    assert data["mainEntityOfPage"] == {"@type": "WebPage", "@id": f"{BASE_URL}{url[1:]}"}
    assert data["url"] == head.hrefs("canonical")[0]
    assert data["inLanguage"] == "zh-CN"
    assert data["description"] == article.summary
    assert data["keywords"] == list(article.tags)


def test_only_articles_carry_json_ld(built: Built) -> None:
    articles = articles_by_url(built.site)
    assert {url for url, head in built.pages.items() if head.json_ld} == set(articles)


# -- light pages -------------------------------------------------------------------------------


def test_no_page_with_its_stylesheet_is_over_50_kb(built: Built) -> None:
    css = (built.out / "assets" / "style.css").stat().st_size
    files = {url: url[1:] + "index.html" if url.endswith("/") else url[1:] for url in built.pages}
    sizes = {url: (built.out / file).stat().st_size for url, file in files.items()}
    heavy = {url: size + css for url, size in sizes.items() if size + css > PAGE_BUDGET}
    assert not heavy
    for url, head in built.pages.items():
        sheets = head.hrefs("stylesheet")
        local = [s for s in sheets if not s.startswith(f"{BASE_PATH}pagefind/")]
        assert local == [f"{BASE_PATH}assets/style.css"], url


def test_no_web_fonts(built: Built) -> None:
    css = (built.out / "assets" / "style.css").read_text(encoding="utf-8")
    assert "@font-face" not in css and "@import" not in css
    fonts = [p for p in built.out.rglob("*") if p.suffix in {".woff", ".woff2", ".ttf", ".otf"}]
    assert fonts == []
    for url, head in built.pages.items():
        assert not [link for link in head.links if link.get("rel") == "preload"], url


def test_images_are_lazy_and_sized(built: Built) -> None:
    images = [(url, img) for url, head in built.pages.items() for img in head.images]
    assert len(images) >= 2
    for url, img in images:
        assert img.get("loading") == "lazy", url
        assert img.get("width", "").isdigit() and img.get("height", "").isdigit(), (url, img)
        assert "alt" in img, url
