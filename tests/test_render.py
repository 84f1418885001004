"""Tests for render.py, pages.py and pagevalues.py: which pages exist, their links, and what
they say."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, datetime, time
from html.parser import HTMLParser
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bulletin_ssg.errors import LayoutError, Location
from bulletin_ssg.model import (
    Article,
    Issue,
    IssueInfo,
    IssueSection,
    SectionArchive,
    SectionConfig,
    Site,
    SiteConfig,
    midnight_stamp,
)
from bulletin_ssg.pagemeta import news_article, og_locale, script_json
from bulletin_ssg.pages import PageSpec, nav_links, page_contexts, page_specs, some_page_specs
from bulletin_ssg.pagevalues import (
    Page,
    PageLink,
    Paginator,
    archive_years,
    paginate,
    printable_in_full,
)
from bulletin_ssg.render import output_path, render_pages
from bulletin_ssg.templates import make_environment

REPO = Path(__file__).resolve().parent.parent
LAYOUTS = REPO / "layouts"

FOCUS = SectionConfig(key="focus", title="本期关注")
BRIEFS = SectionConfig(key="briefs", title="信息直通车", subtitle="ZHITONGCHE")
LONG_BODY = (
    '<h2 id="shen-du">深度整合资源</h2>\n' + "<p>" + "产业联合党委凝聚合力。" * 80 + "</p>\n"
)


# -- a small site, built by hand ---------------------------------------------------------------


def article(day: date, slug: str, section: SectionConfig, title: str, **fields: object) -> Article:
    values: dict[str, object] = {
        "source": Location(f"content/{day.isoformat()}/{slug}.md"),
        "issue_date": day,
        "slug": slug,
        "section": section.key,
        "title": title,
        "summary": f"{title}的摘要。",
        "html": f"<p>{title}的正文。</p>\n",
        "characters": 120,
    }
    values.update(fields)
    return Article(**values)  # type: ignore[arg-type]


def issue(day: date, number: int | None, parts: dict[SectionConfig, list[Article]]) -> Issue:
    info = IssueInfo(source=Location(f"content/{day.isoformat()}"), issue_date=day, number=number)
    sections = tuple(IssueSection(section=s, articles=tuple(a)) for s, a in parts.items() if a)
    return Issue(info=info, sections=sections)


NEW, MID, OLD = date(2023, 2, 16), date(2023, 2, 9), date(2022, 12, 29)

LEAD = article(
    NEW,
    "chan-ye",
    FOCUS,
    "产业联合党委凝聚合力",
    kicker="开原市",
    subtitle="推动本土品牌提质增效",
    byline="本报记者 曲宏",
    html=LONG_BODY,
    characters=880,
)
SECOND = article(NEW, "si-kao", FOCUS, "思考：抱团发展")
BRIEF_A = article(NEW, "kuai-xun", BRIEFS, "铁岭快讯", byline="本报讯")
BRIEF_B = article(
    NEW, "tu-pian", BRIEFS, "图片新闻", html='<figure><img src="photo.jpg" alt="x"></figure>\n'
)
MID_FOCUS = article(MID, "xiang-cun", FOCUS, "乡村振兴")
MID_BRIEF = article(MID, "duan-xun", BRIEFS, "短讯")
OLD_FOCUS = article(OLD, "nian-zhong", FOCUS, "年终回顾")


def make_site(base_url: str = "/", paginate: int = 10) -> Site:
    config = SiteConfig(
        title="铁岭日报",
        description="铁岭的新闻周刊",
        base_url=base_url,
        sections=(FOCUS, BRIEFS),
        paginate=paginate,
    )
    issues = (
        issue(NEW, 5, {FOCUS: [LEAD, SECOND], BRIEFS: [BRIEF_A, BRIEF_B]}),
        issue(MID, 4, {FOCUS: [MID_FOCUS], BRIEFS: [MID_BRIEF]}),
        issue(OLD, None, {FOCUS: [OLD_FOCUS]}),
    )
    sections = (
        SectionArchive(section=FOCUS, articles=(LEAD, SECOND, MID_FOCUS, OLD_FOCUS)),
        SectionArchive(section=BRIEFS, articles=(BRIEF_A, BRIEF_B, MID_BRIEF)),
    )
    return Site(config=config, issues=issues, sections=sections)


def render(site: Site) -> dict[str, str]:
    env = make_environment([LAYOUTS], root=REPO)
    return {f.path: f.content.decode("utf-8") for f in render_pages(site, env, root=REPO)}


@pytest.fixture(scope="module")
def pages() -> dict[str, str]:
    return render(make_site())


# -- a little DOM from the stdlib parser -------------------------------------------------------

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


class Node:
    def __init__(self, tag: str, attrs: dict[str, str | None], parent: Node | None) -> None:
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children: list[Node | str] = []

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def words(self) -> str:
        return " ".join(self.text().split())

    def iter(self) -> list[Node]:
        found: list[Node] = []
        for child in self.children:
            if isinstance(child, Node):
                found.append(child)
                found.extend(child.iter())
        return found

    def find_all(self, tag: str | None = None, cls: str | None = None, **attrs: str) -> list[Node]:
        def matches(node: Node) -> bool:
            classes = (node.attrs.get("class") or "").split()
            return (
                (tag is None or node.tag == tag)
                and (cls is None or cls in classes)
                and all(node.attrs.get(k.replace("_", "-")) == v for k, v in attrs.items())
            )

        return [node for node in self.iter() if matches(node)]

    def find(self, tag: str | None = None, cls: str | None = None, **attrs: str) -> Node:
        found = self.find_all(tag, cls, **attrs)
        assert found, f"no <{tag} class={cls} {attrs}>"
        return found[0]


class TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {}, None)
        self.current = self.root

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, dict(attrs), self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_endtag(self, tag: str) -> None:
        node: Node | None = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data: str) -> None:
        self.current.children.append(data)


def parse(html: str) -> Node:
    builder = TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


def hrefs(node: Node) -> list[str]:
    return [n.attrs["href"] or "" for n in node.find_all("a") if "href" in n.attrs]


# -- which pages exist -------------------------------------------------------------------------

EXPECTED_PATHS = {
    "index.html",
    "404.html",
    "archive/index.html",
    "search/index.html",
    "sections/focus/index.html",
    "sections/briefs/index.html",
    "issues/2023-02-16/index.html",
    "issues/2023-02-16/focus/index.html",
    "issues/2023-02-16/briefs/index.html",
    "issues/2023-02-16/chan-ye/index.html",
    "issues/2023-02-16/si-kao/index.html",
    "issues/2023-02-16/kuai-xun/index.html",
    "issues/2023-02-16/tu-pian/index.html",
    "issues/2023-02-09/index.html",
    "issues/2023-02-09/focus/index.html",
    "issues/2023-02-09/briefs/index.html",
    "issues/2023-02-09/xiang-cun/index.html",
    "issues/2023-02-09/duan-xun/index.html",
    "issues/2022-12-29/index.html",
    "issues/2022-12-29/focus/index.html",
    "issues/2022-12-29/nian-zhong/index.html",
}


def test_renders_every_page_once(pages: dict[str, str]) -> None:
    files = render_pages(make_site(), make_environment([LAYOUTS], root=REPO), root=REPO)
    assert sorted(f.path for f in files) == sorted(EXPECTED_PATHS)
    assert all(f.origin for f in files)


def test_empty_site_still_has_a_front_page() -> None:
    empty = Site(config=SiteConfig(title="铁岭日报"), issues=(), sections=())
    result = render(empty)
    assert set(result) == {"index.html", "archive/index.html", "search/index.html", "404.html"}
    front = parse(result["index.html"])
    assert front.find("p", "empty").words() == "还没有发布任何一期，敬请期待。"


def test_output_is_deterministic() -> None:
    assert render(make_site("https://example.org/paper/")) == render(
        make_site("https://example.org/paper/")
    )


@pytest.mark.parametrize(
    ("url", "path"),
    [
        ("/", "index.html"),
        ("/issues/2023-02-16/", "issues/2023-02-16/index.html"),
        ("/404.html", "404.html"),
    ],
    ids=["root", "folder", "file"],
)
def test_output_path(url: str, path: str) -> None:
    assert output_path(url) == path


# -- what every page has -----------------------------------------------------------------------


def test_each_page_has_one_h1_main_and_a_lang(pages: dict[str, str]) -> None:
    for path, html in pages.items():
        doc = parse(html)
        assert html.startswith("<!doctype html>\n"), path
        assert len(doc.find_all("h1")) == 1, path
        assert len(doc.find_all("main")) == 1, path
        assert doc.find("html").attrs["lang"] == "zh-CN", path
        assert all(nav.attrs.get("aria-label") for nav in doc.find_all("nav")), path


@pytest.mark.parametrize(
    ("path", "title"),
    [
        ("index.html", "铁岭日报"),
        ("issues/2023-02-16/chan-ye/index.html", "产业联合党委凝聚合力 · 铁岭日报"),
        ("issues/2023-02-16/index.html", "2023年2月16日 第5期 · 铁岭日报"),
        ("issues/2022-12-29/index.html", "2022年12月29日 · 铁岭日报"),
        ("issues/2023-02-16/briefs/index.html", "信息直通车 · 2023年2月16日 · 铁岭日报"),
        ("archive/index.html", "往期回顾 · 铁岭日报"),
    ],
    ids=["front", "article", "issue", "issue-without-number", "issue-section", "archive"],
)
def test_titles_name_the_page_then_the_site(pages: dict[str, str], path: str, title: str) -> None:
    assert parse(pages[path]).find("title").text() == title


def test_meta_description_is_the_summary_on_articles(pages: dict[str, str]) -> None:
    doc = parse(pages["issues/2023-02-16/chan-ye/index.html"])
    assert doc.find("meta", name="description").attrs["content"] == "产业联合党委凝聚合力的摘要。"
    front = parse(pages["index.html"])
    assert front.find("meta", name="description").attrs["content"] == "铁岭的新闻周刊"


def test_every_internal_link_carries_the_base_path() -> None:
    result = render(make_site("https://example.org/paper/"))
    checked = 0
    for path, html in result.items():
        for node in parse(html).iter():
            for name in ("href", "src", "action"):
                value = node.attrs.get(name)
                if value is None or value.startswith(("#", "https://", "http://")):
                    continue
                if node.parent is not None and node.parent.tag == "figure":
                    continue  # body html is printed as given (BRIEF_B's relative photo)
                assert value.startswith("/paper/"), f"{path}: {name}={value}"
                checked += 1
    assert checked > 100


def test_nav_marks_the_current_page() -> None:
    site = make_site()
    section_page = Page(kind="section", title="", description="", url="/sections/focus/page/2/")
    current = {link.url: link.current for link in nav_links(site, section_page)}
    assert current == {
        "/": None,
        "/sections/focus/": "true",
        "/sections/briefs/": None,
        "/archive/": None,
    }
    archive = Page(kind="archive", title="", description="", url="/archive/")
    assert [link.current for link in nav_links(site, archive)] == [None, None, None, "page"]


def test_header_nav_lists_home_sections_archive(pages: dict[str, str]) -> None:
    nav = parse(pages["archive/index.html"]).find("nav", "site-nav")
    assert [a.words() for a in nav.find_all("a")] == ["首页", "本期关注", "信息直通车", "往期回顾"]
    assert nav.find("a", aria_current="page").words() == "往期回顾"


def test_favicon_and_stylesheet_are_linked_through_base_path() -> None:
    doc = parse(render(make_site("https://example.org/paper/"))["404.html"])
    links = {n.attrs["rel"]: n.attrs["href"] for n in doc.find_all("link")}
    assert links == {
        "alternate": "/paper/feed.xml",
        "icon": "/paper/assets/favicon.svg",
        "stylesheet": "/paper/assets/style.css",
    }
    assert (REPO / "assets" / "favicon.svg").is_file()
    assert (REPO / "assets" / "style.css").is_file()


# -- front page --------------------------------------------------------------------------------


def test_front_page_shows_latest_issue(pages: dict[str, str]) -> None:
    doc = parse(pages["index.html"])
    assert doc.find("h1").words() == "铁岭日报"
    assert doc.find("div", "dateline").words() == "2023年2月16日 星期四 第5期"
    assert doc.find("div", "dateline").find("time").attrs["datetime"] == "2023-02-16"
    sections = doc.find_all("section", "front-section")
    assert [s.find("h2").words() for s in sections] == ["本期关注", "信息直通车 ZHITONGCHE"]
    lead = sections[0].find("article", "teaser")
    assert lead.find("p", "kicker").words() == "开原市"
    assert lead.find("h3").find("a").attrs["href"] == "/issues/2023-02-16/chan-ye/"
    assert lead.find("p", "byline").words() == "本报记者 曲宏"
    assert lead.find("p", "summary").words() == "产业联合党委凝聚合力的摘要。"
    assert [a.find("h3").words() for a in sections[1].find_all("article")] == [
        "铁岭快讯",
        "图片新闻",
    ]


# -- issue, section and article pages ----------------------------------------------------------


def test_issue_page_lists_sections_and_links_older_and_newer(pages: dict[str, str]) -> None:
    doc = parse(pages["issues/2023-02-09/index.html"])
    headings = [h.find("a").attrs["href"] for h in doc.find_all("h2", "section-heading")]
    assert headings == ["/issues/2023-02-09/focus/", "/issues/2023-02-09/briefs/"]
    pager = doc.find("nav", "pager")
    assert pager.find("a", rel="prev").attrs["href"] == "/issues/2022-12-29/"
    assert pager.find("a", rel="next").attrs["href"] == "/issues/2023-02-16/"
    newest = parse(pages["issues/2023-02-16/index.html"]).find("nav", "pager")
    assert [a.attrs["rel"] for a in newest.find_all("a")] == ["prev"]


def test_article_page(pages: dict[str, str]) -> None:
    doc = parse(pages["issues/2023-02-16/chan-ye/index.html"])
    head = doc.find("header", "article-header")
    assert [n.words() for n in head.children if isinstance(n, type(head))] == [
        "开原市",
        "产业联合党委凝聚合力",
        "推动本土品牌提质增效",
        "本报记者 曲宏 2023年2月16日 第5期 阅读约2分钟",
    ]
    assert head.find("time").attrs["datetime"] == "2023-02-16"
    crumbs = doc.find("nav", "breadcrumbs")
    assert [a.words() for a in crumbs.find_all("a")] == ["首页", "2023年2月16日", "本期关注"]
    assert hrefs(crumbs) == ["/", "/issues/2023-02-16/", "/issues/2023-02-16/focus/"]
    assert doc.find("h2", id="shen-du").words() == "深度整合资源"  # body is not escaped


@pytest.mark.parametrize(
    ("slug", "prev", "next"),
    [
        ("chan-ye", None, "/issues/2023-02-16/si-kao/"),
        ("si-kao", "/issues/2023-02-16/chan-ye/", "/issues/2023-02-16/kuai-xun/"),
        ("tu-pian", "/issues/2023-02-16/kuai-xun/", None),
    ],
    ids=["first", "across-sections", "last"],
)
def test_article_prev_next_follow_issue_order(
    pages: dict[str, str], slug: str, prev: str | None, next: str | None
) -> None:
    doc = parse(pages[f"issues/2023-02-16/{slug}/index.html"])
    pager = doc.find_all("nav", "pager")
    found = {a.attrs["rel"]: a.attrs["href"] for nav in pager for a in nav.find_all("a")}
    assert found == {k: v for k, v in (("prev", prev), ("next", next)) if v is not None}


def test_issue_section_page_prints_briefs_in_full(pages: dict[str, str]) -> None:
    doc = parse(pages["issues/2023-02-16/briefs/index.html"])
    assert doc.find("h1").words() == "信息直通车"
    full = doc.find_all("article", "brief")
    assert [a.find("h2").words() for a in full] == ["铁岭快讯"]
    assert full[0].find("div", "article-body").words() == "铁岭快讯的正文。"
    teasers = doc.find_all("article", "teaser")
    assert [a.find("h2").words() for a in teasers] == ["图片新闻"]  # relative photo src
    focus = parse(pages["issues/2023-02-16/focus/index.html"])
    assert [a.find("h2").words() for a in focus.find_all("article", "teaser")] == [
        "产业联合党委凝聚合力"  # too long, and has ids
    ]


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({}, True),
        ({"characters": 600}, False),
        ({"html": '<h2 id="a">小标题</h2>'}, False),
        ({"html": '<p><a href="../other/">另一篇</a></p>'}, False),
        ({"html": '<p><a href="https://example.org/">外链</a></p>'}, True),
        ({"html": '<p><img src="/issues/2023-02-16/x.jpg" alt=""></p>'}, True),
    ],
    ids=["short", "long", "has-id", "relative-link", "absolute-link", "root-relative-image"],
)
def test_printable_in_full(fields: dict[str, object], expected: bool) -> None:
    assert printable_in_full(replace(BRIEF_A, **fields)) is expected  # type: ignore[arg-type]


# -- cross-issue section pages -----------------------------------------------------------------


def test_pagination_with_one_article_a_page() -> None:
    result = render(make_site(paginate=1))
    focus = sorted(p for p in result if p.startswith("sections/focus/"))
    assert focus == [
        "sections/focus/index.html",
        "sections/focus/page/2/index.html",
        "sections/focus/page/3/index.html",
        "sections/focus/page/4/index.html",
    ]
    doc = parse(result["sections/focus/page/2/index.html"])
    nav = doc.find("nav", "pagination")
    assert nav.find("a", rel="prev").attrs["href"] == "/sections/focus/"
    assert nav.find("a", rel="next").attrs["href"] == "/sections/focus/page/3/"
    assert nav.find("a", aria_current="page").words() == "2"
    assert [a.words() for a in nav.find_all("a")] == ["上一页", "1", "2", "3", "4", "下一页"]
    assert [h.words() for h in doc.find_all("h2")] == ["思考：抱团发展"]
    assert (
        "rel"
        not in parse(result["sections/focus/page/4/index.html"])
        .find("nav", "pagination")
        .find_all("a")[-1]
        .attrs
    )


def test_section_page_lists_newest_first_without_pagination_when_one_page(
    pages: dict[str, str],
) -> None:
    doc = parse(pages["sections/focus/index.html"])
    assert [t.attrs["datetime"] for t in doc.find("main").find_all("time")] == [
        "2023-02-16",
        "2023-02-16",
        "2023-02-09",
        "2022-12-29",
    ]
    assert doc.find_all("nav", "pagination") == []


def test_paginate_an_empty_section_gives_one_page() -> None:
    pages_ = paginate(SectionArchive(section=FOCUS, articles=()), 10)
    assert [(p.number, p.url, p.items) for p in pages_] == [(1, "/sections/focus/", ())]


# -- archive -----------------------------------------------------------------------------------


def test_archive_groups_by_year_then_month(pages: dict[str, str]) -> None:
    years = archive_years(make_site().issues)
    assert [
        (y.year, [(m.month, [i.date.day for i in m.issues]) for m in y.months]) for y in years
    ] == [
        (2023, [(2, [16, 9])]),
        (2022, [(12, [29])]),
    ]
    doc = parse(pages["archive/index.html"])
    assert [h.words() for h in doc.find("main").find_all("h2")] == ["2023年", "2022年"]
    assert [h.words() for h in doc.find("main").find_all("h3")] == ["2月", "12月"]
    assert hrefs(doc.find("main")) == [
        "/issues/2023-02-16/",
        "/issues/2023-02-09/",
        "/issues/2022-12-29/",
    ]


# -- layout errors -----------------------------------------------------------------------------


def test_a_site_layout_error_names_the_site_file(tmp_path: Path) -> None:
    (tmp_path / "layouts").mkdir()
    (tmp_path / "layouts" / "archive.html").write_text(
        '{% extends "base.html" %}\n{% block content %}\n{{ years.nope }}\n{% endblock %}\n',
        encoding="utf-8",
    )
    env = make_environment([tmp_path / "layouts", LAYOUTS], root=tmp_path)
    with pytest.raises(LayoutError) as caught:
        render_pages(make_site(), env, root=tmp_path)
    assert caught.value.location == Location("layouts/archive.html", 3)


# -- metadata, feeds and search ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "locale"),
    [
        ("zh-CN", "zh_CN"),
        ("zh", "zh"),
        ("en-us", "en_US"),
        ("zh-Hans-CN", "zh_CN"),
        ("zh_TW", "zh_TW"),
    ],
    ids=["region", "language-only", "lowercase-region", "script-and-region", "underscore"],
)
def test_og_locale(language: str, locale: str) -> None:
    assert og_locale(language) == locale


@pytest.mark.parametrize(
    ("day", "timezone", "stamp"),
    [
        (NEW, "Asia/Shanghai", "2023-02-16T00:00:00+08:00"),
        (NEW, "UTC", "2023-02-16T00:00:00+00:00"),
        (NEW, "America/New_York", "2023-02-16T00:00:00-05:00"),
        (NEW, "Asia/Kathmandu", "2023-02-16T00:00:00+05:45"),
        # local mean time, +08:05:43: RFC 3339 has no seconds in an offset
        (date(1872, 4, 30), "Asia/Shanghai", "1872-04-29T15:54:17Z"),
        (date(1880, 1, 1), "Europe/Dublin", "1880-01-01T00:25:21Z"),  # -00:25:21
    ],
    ids=["shanghai", "utc", "new-york", "quarter-hour", "local-mean-time", "west-of-utc"],
)
def test_an_issue_is_dated_midnight_in_the_site_timezone(
    day: date, timezone: str, stamp: str
) -> None:
    assert midnight_stamp(day, timezone) == stamp
    instant = datetime.fromisoformat(stamp)
    assert instant == datetime.combine(day, time(0), tzinfo=ZoneInfo(timezone))


def test_script_json_cannot_end_its_script() -> None:
    data = {"headline": "</script><!-- 甲 & 乙 -->", "b": 1, "a": [2]}
    text = script_json(data)
    assert "<" not in text and ">" not in text and "&" not in text
    assert "甲" in text  # not \\u-escaped
    assert json.loads(text) == data
    assert text.index('"a"') < text.index('"b"')  # sorted keys


def test_news_article_without_authors_is_by_the_periodical() -> None:
    site = make_site("https://example.org/paper/")
    part = site.issues[0].sections[1]
    data = news_article(site, site.issues[0], part, BRIEF_A)
    periodical = {"@type": "Organization", "name": "铁岭日报", "url": "https://example.org/paper/"}
    assert data["author"] == [periodical]
    assert data["publisher"] == periodical
    assert data["isPartOf"]["issueNumber"] == 5
    assert data["articleSection"] == "信息直通车"
    assert "keywords" not in data and "alternativeHeadline" not in data


def test_news_article_names_its_authors_and_leaves_out_an_unknown_issue_number() -> None:
    site = make_site()
    older = site.issues[2]
    with_authors = replace(OLD_FOCUS, authors=("曲宏", "万应慧"), tags=("年终",))
    data = news_article(site, older, older.sections[0], with_authors)
    assert data["author"] == [
        {"@type": "Person", "name": "曲宏"},
        {"@type": "Person", "name": "万应慧"},
    ]
    assert "issueNumber" not in data["isPartOf"]
    assert data["url"] == "/issues/2022-12-29/nian-zhong/"  # no host: root-relative
    assert data["keywords"] == ["年终"]


@pytest.mark.parametrize(
    ("path", "feeds"),
    [
        ("index.html", ["/feed.xml"]),
        ("archive/index.html", ["/feed.xml"]),
        ("issues/2023-02-16/index.html", ["/feed.xml"]),
        ("issues/2023-02-16/briefs/index.html", ["/feed.xml", "/sections/briefs/feed.xml"]),
        ("issues/2023-02-16/chan-ye/index.html", ["/feed.xml", "/sections/focus/feed.xml"]),
        ("sections/focus/index.html", ["/feed.xml", "/sections/focus/feed.xml"]),
    ],
    ids=["front", "archive", "issue", "issue-section", "article", "section"],
)
def test_pages_announce_the_site_feed_and_their_section_feed(
    pages: dict[str, str], path: str, feeds: list[str]
) -> None:
    links = parse(pages[path]).find_all("link", rel="alternate")
    assert [n.attrs["href"] for n in links] == feeds
    assert {n.attrs["type"] for n in links} == {"application/atom+xml"}


def test_only_article_pages_mark_their_text_for_the_search_index(pages: dict[str, str]) -> None:
    articles = {output_path(a.url) for a in make_site().articles}
    assert len(articles) == 7
    for path, html in pages.items():
        marked = [n for n in parse(html).iter() if "data-pagefind-body" in n.attrs]
        if path in articles:
            assert [n.tag for n in marked] == ["article"], path
            assert len(marked[0].find_all("h1")) == 1, path
            assert marked[0].find_all("nav") == [], path
        else:
            assert marked == [], path


@pytest.mark.parametrize("search", [True, False], ids=["on", "off"])
def test_search_page_and_header_box_follow_the_switch(search: bool) -> None:
    site = make_site("/paper/")
    result = render(replace(site, config=replace(site.config, search=search)))
    assert ("search/index.html" in result) is search
    for path, html in result.items():
        forms = parse(html).find_all("form", "site-search")
        if not search or path == "search/index.html":
            assert forms == [], path
            continue
        (form,) = forms
        assert (form.attrs["action"], form.attrs["method"]) == ("/paper/search/", "get")
        label = form.find("label", "visually-hidden")
        assert label.words() == "搜索"
        assert form.find("input", name="q").attrs["id"] == label.attrs["for"]


def test_search_page_loads_pagefind_and_says_it_needs_javascript(pages: dict[str, str]) -> None:
    doc = parse(pages["search/index.html"])
    assert doc.find("title").text() == "搜索 · 铁岭日报"
    assert doc.find("link", href="/pagefind/pagefind-ui.css").attrs["rel"] == "stylesheet"
    assert doc.find("script", src="/pagefind/pagefind-ui.js")
    assert doc.find("noscript").words().startswith("搜索功能需要启用 JavaScript")
    script = doc.find_all("script")[-1].text()
    assert '"#search"' in script and "showSubResults: false" in script
    assert "triggerSearch" in script and 'get("q")' in script


def test_not_found_page_has_no_canonical_url_and_is_not_indexed(pages: dict[str, str]) -> None:
    doc = parse(pages["404.html"])
    assert doc.find_all("link", rel="canonical") == []
    assert doc.find_all("meta", property="og:url") == []
    assert doc.find("meta", name="robots").attrs["content"] == "noindex"


@pytest.mark.parametrize(
    ("number", "count", "shown"),
    [
        (1, 1, [1]),
        (1, 10, [1, 2, 3, None, 10]),
        (5, 10, [1, None, 3, 4, 5, 6, 7, None, 10]),
        (10, 10, [1, None, 8, 9, 10]),
        (3, 5, [1, 2, 3, 4, 5]),
    ],
    ids=["single", "first", "middle", "last", "no-gaps"],
)
def test_pagination_window_keeps_first_last_and_neighbours(
    number: int, count: int, shown: list[int | None]
) -> None:
    pages = tuple(PageLink(number=n, url=f"/p/{n}/") for n in range(1, count + 1))
    paginator = Paginator(number=number, pages=pages, items=(), total=count)
    assert [link.number if link else None for link in paginator.window] == shown


def test_page_specs_name_every_value_their_page_receives() -> None:
    """Incremental builds fingerprint a page from its spec: it must account for every value."""
    site = make_site(paginate=1)
    specs = list(page_specs(site))
    contexts = list(page_contexts(site))
    assert [s.url for s in specs] == [page.url for page, _, _ in contexts]
    for spec, (page, values, origin) in zip(specs, contexts, strict=True):
        assert (spec.kind, spec.origin) == (page.kind, origin)
        assert set(values) == set(spec.given) | spec.derived
        built = spec.build()[1]
        assert all(built[name] is value for name, value in spec.given.items())
    # Pages of a kind share one set of derived names (one a spec was 64 MB at 100,000 articles).
    assert len({id(spec.derived) for spec in specs}) == len({spec.derived for spec in specs}) == 3


@pytest.mark.parametrize("search", [True, False], ids=["with-search", "without-search"])
def test_some_page_specs_are_those_of_the_whole_list(search: bool) -> None:
    site = make_site(paginate=1)
    site = replace(site, config=replace(site.config, search=search))
    specs = list(page_specs(site))
    assert [s.kind for s in specs[-2:]] == (["search", "404"] if search else ["archive", "404"])

    def same(a: PageSpec, b: PageSpec) -> bool:
        return (a.kind, a.url, a.origin, a.given, a.derived, a.derived_from) == (
            b.kind, b.url, b.origin, b.given, b.derived, b.derived_from
        )  # fmt: skip

    whole = some_page_specs(site, range(len(specs)))
    assert list(whole) == list(range(len(specs)))
    assert all(same(whole[n], spec) for n, spec in enumerate(specs))
    for numbers in ({0}, {1, len(specs) - 1}, {len(specs) - 3}, set(range(2, len(specs), 3))):
        some = some_page_specs(site, numbers)
        assert sorted(some) == sorted(numbers)
        assert all(same(some[n], specs[n]) for n in numbers)
    assert some_page_specs(site, {len(specs)}) == {}
