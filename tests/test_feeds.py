"""Atom feeds, read back with feedparser (a real feed client) and checked with ElementTree."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any
from xml.etree import ElementTree as ET
from zoneinfo import ZoneInfo

import feedparser  # type: ignore[import-untyped]
import pytest

from bulletin_ssg.errors import Location
from bulletin_ssg.feeds import FEED_SIZE, site_feeds
from bulletin_ssg.model import Article, IssueInfo, OutputFile, SectionConfig, Site, SiteConfig
from bulletin_ssg.structure import assemble
from bulletin_ssg.templates import absolute

A = "{http://www.w3.org/2005/Atom}"
SECTIONS = (
    SectionConfig(key="focus", title="本期关注", description="本期重点报道。"),
    SectionConfig(key="briefs", title="信息直通车"),
)
DAY = date(2023, 2, 16)


def config(**changes: Any) -> SiteConfig:
    values: dict[str, Any] = {
        "title": "党建周刊",
        "description": "一份示例周报。",
        "base_url": "https://example.org/paper/",
        "sections": SECTIONS,
    }
    return SiteConfig(**(values | changes))


def article(day: date, slug: str, section: str = "focus", **fields: Any) -> Article:
    return Article(
        source=Location(f"content/{day.isoformat()}/{slug}.md"),
        issue_date=day,
        slug=slug,
        section=section,
        title=fields.pop("title", f"标题 {slug}"),
        html=fields.pop("html", f"<p>正文 {slug}</p>"),
        **fields,
    )


def site_of(articles: Iterable[Article], cfg: SiteConfig | None = None) -> Site:
    articles = list(articles)
    days = sorted({a.issue_date for a in articles})
    infos = [IssueInfo(source=Location(f"content/{d.isoformat()}"), issue_date=d) for d in days]
    return assemble(cfg or config(), articles, infos)


def sample_site(cfg: SiteConfig | None = None) -> Site:
    return site_of(
        [
            article(
                DAY,
                "hongxingdai",
                order=1,
                title="红星贷新规出台 <沈阳>",
                authors=("曲宏", "李明"),
                summary="沈阳推出红星贷。",
                tags=("金融", "本期关注"),
                html='<p><a href="/paper/issues/2023-02-09/old/">旧文</a>'
                '<img src="/paper/issues/2023-02-16/images/a.png" alt="">'
                '<a href="//cdn.example.net/x.js">cdn</a> &amp; 完</p>',
            ),
            article(DAY, "brief", "briefs", byline="本报记者 王五"),
            article(DAY - timedelta(days=7), "old", order=1),
            article(DAY - timedelta(days=7), "anon", "briefs"),
        ],
        cfg,
    )


def rendered(site: Site) -> list[OutputFile]:
    """Every feed of the site, rendered."""
    return [feed.render(site) for feed in site_feeds(site)]


def feeds_of(site: Site) -> dict[str, OutputFile]:
    return {f.path: f for f in rendered(site)}


def parse(file: OutputFile) -> Any:
    parsed = feedparser.parse(file.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    return parsed


def root_of(file: OutputFile) -> ET.Element:
    return ET.fromstring(file.content)


def test_renders_site_feed_and_one_per_section() -> None:
    assert list(feeds_of(sample_site())) == [
        "feed.xml",
        "sections/focus/feed.xml",
        "sections/briefs/feed.xml",
    ]


def test_site_feed_reads_back_in_a_feed_client() -> None:
    parsed = parse(feeds_of(sample_site())["feed.xml"])
    feed = parsed.feed
    assert feed.title == "党建周刊"
    assert feed.subtitle == "一份示例周报。"
    assert feed.language == "zh-CN"
    assert feed.id == "https://example.org/paper/feed.xml"
    assert feed.link == "https://example.org/paper/"
    assert {(link.rel, link.href) for link in feed.links} == {
        ("self", "https://example.org/paper/feed.xml"),
        ("alternate", "https://example.org/paper/"),
    }
    assert feed.author == "党建周刊"
    assert feed.generator == "bulletin-ssg"
    assert feed.updated == "2023-02-16T00:00:00+08:00"


def test_entries_newest_issue_first_in_issue_order() -> None:
    entries = parse(feeds_of(sample_site())["feed.xml"]).entries
    assert [e.link for e in entries] == [
        "https://example.org/paper/issues/2023-02-16/hongxingdai/",
        "https://example.org/paper/issues/2023-02-16/brief/",
        "https://example.org/paper/issues/2023-02-09/old/",
        "https://example.org/paper/issues/2023-02-09/anon/",
    ]
    assert [e.id for e in entries] == [e.link for e in entries]
    assert entries[0].title == "红星贷新规出台 <沈阳>"
    assert entries[0].summary == "沈阳推出红星贷。"
    assert [t.term for t in entries[0].tags] == ["本期关注", "金融"]
    assert [t.term for t in entries[1].tags] == ["信息直通车"]


def test_published_is_issue_midnight_in_site_timezone() -> None:
    entry = parse(feeds_of(sample_site())["feed.xml"]).entries[0]
    assert entry.published == "2023-02-16T00:00:00+08:00"
    assert entry.updated == entry.published
    # feedparser normalises to UTC: the evening before, never a shifted day in Shanghai
    assert tuple(entry.published_parsed)[:6] == (2023, 2, 15, 16, 0, 0)
    published = datetime.fromisoformat(entry.published)
    assert published.astimezone(ZoneInfo("Asia/Shanghai")).date() == DAY


def test_an_issue_from_before_standard_time_is_dated_in_utc() -> None:
    """Shanghai kept local mean time (+08:05:43) until 1901; RFC 3339 has no seconds in an
    offset, so the feed gives that midnight in UTC, which feedparser reads."""
    day = date(1872, 4, 30)
    site = site_of([article(day, "shenbao")], config(timezone="Asia/Shanghai"))
    entry = parse(feeds_of(site)["feed.xml"]).entries[0]
    assert entry.published == "1872-04-29T15:54:17Z"
    assert tuple(entry.published_parsed)[:6] == (1872, 4, 29, 15, 54, 17)


@pytest.mark.parametrize(
    "zone",
    ["Asia/Shanghai", "Pacific/Kiritimati", "Pacific/Pago_Pago", "UTC", "America/New_York"],
    ids=["shanghai", "utc+14", "utc-11", "utc", "new-york"],
)
def test_todays_issue_is_present_and_dated_today(zone: str) -> None:
    today = datetime.now(ZoneInfo(zone)).date()
    site = site_of(
        [article(today, "today"), article(today - timedelta(days=1), "yesterday")],
        config(timezone=zone),
    )
    entries = parse(feeds_of(site)["feed.xml"]).entries
    assert [e.title for e in entries] == ["标题 today", "标题 yesterday"]
    published = datetime.fromisoformat(entries[0].published)
    assert (published.date(), published.time().isoformat()) == (today, "00:00:00")
    assert published.astimezone(ZoneInfo(zone)).date() == today


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"authors": ("曲宏", "李明"), "byline": "本报记者 曲宏"}, ["曲宏", "李明"]),
        ({"byline": "本报记者 王五"}, ["本报记者 王五"]),
        ({}, []),
    ],
    ids=["authors", "byline", "none"],
)
def test_entry_authors(fields: dict[str, Any], expected: list[str]) -> None:
    feed = feeds_of(site_of([article(DAY, "a", **fields)]))["feed.xml"]
    entry = root_of(feed).find(f"{A}entry")
    assert entry is not None
    assert [n.text for n in entry.iterfind(f"{A}author/{A}name")] == expected
    parsed = parse(feed).entries[0]
    assert [a.get("name") for a in parsed.get("authors", [])] == expected


def test_caps_the_feed_at_the_latest_50_articles() -> None:
    days = [DAY - timedelta(days=7 * n) for n in range(6)]
    articles = [article(d, f"a{i:02d}", order=i) for d in days for i in range(10)]
    feeds = feeds_of(site_of(articles))
    entries = parse(feeds["feed.xml"]).entries
    assert len(entries) == FEED_SIZE == 50
    assert entries[0].link.endswith("/issues/2023-02-16/a00/")
    assert entries[-1].link.endswith(f"/issues/{days[4].isoformat()}/a09/")
    assert len(parse(feeds["sections/focus/feed.xml"]).entries) == 50


def test_section_feed_holds_only_its_section() -> None:
    feeds = feeds_of(sample_site())
    focus = parse(feeds["sections/focus/feed.xml"])
    assert focus.feed.title == "党建周刊 · 本期关注"
    assert focus.feed.subtitle == "本期重点报道。"
    assert focus.feed.link == "https://example.org/paper/sections/focus/"
    assert focus.feed.id == "https://example.org/paper/sections/focus/feed.xml"
    assert [e.title for e in focus.entries] == ["红星贷新规出台 <沈阳>", "标题 old"]
    briefs = parse(feeds["sections/briefs/feed.xml"])
    assert briefs.feed.subtitle == "一份示例周报。"  # no section description: the site's
    assert [e.title for e in briefs.entries] == ["标题 brief", "标题 anon"]


def test_content_is_full_html_with_absolute_links() -> None:
    entry = parse(feeds_of(sample_site())["feed.xml"]).entries[0]
    assert entry.content[0].type == "text/html"
    html = entry.content[0].value
    assert 'href="https://example.org/paper/issues/2023-02-09/old/"' in html
    assert 'src="https://example.org/paper/issues/2023-02-16/images/a.png"' in html
    assert 'href="//cdn.example.net/x.js"' in html
    assert "&amp; 完" in html


@pytest.mark.parametrize(
    ("base_url", "link", "entry_id"),
    [
        (
            "https://example.org/",
            "https://example.org/issues/2023-02-16/brief/",
            "https://example.org/issues/2023-02-16/brief/",
        ),
        (
            "https://example.org/paper/",
            "https://example.org/paper/issues/2023-02-16/brief/",
            "https://example.org/paper/issues/2023-02-16/brief/",
        ),
        ("/", "/issues/2023-02-16/brief/", "tag:bulletin-ssg,2023:/issues/2023-02-16/brief/"),
        (
            "/paper/",
            "/paper/issues/2023-02-16/brief/",
            "tag:bulletin-ssg,2023:/paper/issues/2023-02-16/brief/",
        ),
    ],
    ids=["host", "host-subpath", "root-path", "subpath-only"],
)
def test_links_and_ids_follow_base_url(base_url: str, link: str, entry_id: str) -> None:
    root = root_of(
        feeds_of(site_of([article(DAY, "brief")], config(base_url=base_url)))["feed.xml"]
    )
    entry = root.find(f"{A}entry")
    assert entry is not None
    assert entry.findtext(f"{A}id") == entry_id
    alternate = entry.find(f"{A}link[@rel='alternate']")
    assert alternate is not None and alternate.get("href") == link


def test_keeps_article_links_as_paths_when_base_url_has_no_host() -> None:
    feed = feeds_of(sample_site(config(base_url="/paper/")))["feed.xml"]
    html = parse(feed).entries[0].content[0].value
    assert 'href="/paper/issues/2023-02-09/old/"' in html


def test_every_feed_has_the_required_atom_elements() -> None:
    for path, feed in feeds_of(sample_site()).items():
        root = root_of(feed)
        assert root.tag == f"{A}feed", path
        assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "zh-CN"
        for element in (root, *root.iterfind(f"{A}entry")):
            for required in ("id", "title", "updated"):
                assert (element.findtext(f"{A}{required}") or "").strip(), (path, required)
            assert element.find(f"{A}link[@rel='alternate']") is not None, path
        assert root.find(f"{A}link[@rel='self']") is not None
        assert root.find(f"{A}author/{A}name") is not None


def test_empty_site_gives_a_valid_feed_without_entries() -> None:
    site = assemble(config(), [], [])
    feeds = feeds_of(site)
    parsed = parse(feeds["feed.xml"])
    assert parsed.entries == []
    assert parsed.feed.updated == "1970-01-01T00:00:00Z"
    root = root_of(feeds["sections/focus/feed.xml"])
    assert root.findtext(f"{A}id") and root.findtext(f"{A}updated")


def test_empty_section_feed_is_dated_by_the_site() -> None:
    site = site_of([article(DAY, "only", "briefs")])
    parsed = parse(feeds_of(site)["sections/focus/feed.xml"])
    assert parsed.entries == []
    assert parsed.feed.updated == "2023-02-16T00:00:00+08:00"


def test_drops_characters_xml_cannot_carry() -> None:
    site = site_of([article(DAY, "a", title="标题\x0b\x1f", html="<p>a\x00b\x0cc</p>")])
    entry = parse(feeds_of(site)["feed.xml"]).entries[0]
    assert entry.title == "标题"
    assert entry.content[0].value == "<p>abc</p>"


def test_output_is_deterministic_utf8_with_declaration() -> None:
    first, second = rendered(sample_site()), rendered(sample_site())
    assert first == second
    for feed in first:
        assert feed.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>\n<feed ')
        assert b"\r" not in feed.content
        assert feed.content.endswith(b"</feed>\n")
        assert "红星贷".encode() in first[0].content


@pytest.mark.parametrize(
    "base_url",
    ["https://example.org/", "https://example.org/paper/", "http://localhost:8000/", "/", "/a/b/"],
    ids=["host", "host-subpath", "port", "root", "path"],
)
def test_links_equal_the_canonical_urls_of_the_pages(base_url: str) -> None:
    cfg = config(base_url=base_url)
    for url in ("/", "/issues/2023-02-16/brief/", "/feed.xml"):
        assert cfg.absolute_url(url) == absolute(cfg, url)
