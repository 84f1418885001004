from __future__ import annotations

import os
import pickle
import subprocess
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from types import MappingProxyType

import pytest

from bulletin_ssg.articles import decode
from bulletin_ssg.config import load_config
from bulletin_ssg.content import load_content
from bulletin_ssg.errors import ContentError, Location
from bulletin_ssg.links import LinkMap
from bulletin_ssg.links import issue_folder_date as parse_issue_date
from bulletin_ssg.model import Heading, Link

SITE_YAML = (
    "title: 报\nsections:\n  - key: news\n    title: 要闻\n  - key: opinion\n    title: 评论\n"
)
MakeSite = Callable[[dict[str, str | bytes]], Path]


def article(
    title: str = "标题", section: str = "news", extra: str = "", body: str = "正文。"
) -> str:
    return f"---\ntitle: {title}\nsection: {section}\n{extra}---\n{body}\n"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("2023-02-16", date(2023, 2, 16)),
        ("2024-02-29", date(2024, 2, 29)),
        ("2023-02-29", None),
        ("2023-2-16", None),
        ("20230216", None),
        ("drafts", None),
    ],
    ids=["ok", "leap-day", "not-leap", "short-month", "no-dashes", "word"],
)
def test_parses_issue_folder_names(name: str, expected: date | None) -> None:
    assert parse_issue_date(name) == expected


def test_decode_names_line_and_suggests_gbk() -> None:
    data = "---\ntitle: 标题\n".encode("gbk")
    with pytest.raises(ContentError) as caught:
        decode(data, "content/2024-01-04/a.md")
    assert caught.value.location == Location("content/2024-01-04/a.md", 2)
    assert caught.value.hint is not None and "GBK" in caught.value.hint


def load(make_site: MakeSite, files: dict[str, str | bytes], drafts: bool = False):  # type: ignore[no-untyped-def]
    root = make_site({"site.yaml": SITE_YAML, **files})
    return load_content(root, load_config(root), drafts=drafts)


def test_chinese_file_name_gets_pinyin_slug_and_fields(make_site: MakeSite) -> None:
    content = load(
        make_site,
        {
            "content/2024-01-04/产业联合党委.md": article(
                section="要闻", extra="authors: 曲宏\ntags: [党建]\nweather: 晴\norder: 2\n"
            ),
        },
    )
    assert content.diagnostics == ()
    (only,) = content.articles
    assert only.slug == "chan-ye-lian-he-dang-wei"
    assert only.section == "news"
    assert only.authors == ("曲宏",)
    assert only.tags == ("党建",)
    assert only.order == 2
    assert dict(only.extra) == {"weather": "晴"}
    assert only.url == "/issues/2024-01-04/chan-ye-lian-he-dang-wei/"


def test_relative_links_resolve_to_published_urls(make_site: MakeSite) -> None:
    content = load(
        make_site,
        {
            "content/2024-01-04/a.md": article(
                body="![图](images/p.svg)\n\n[乙](b.md#小节) [旧](../2024-01-01/)"
            ),
            "content/2024-01-04/b.md": article(),
            "content/2024-01-04/images/p.svg": "<svg/>",
            "content/2024-01-01/c.md": article(),
        },
    )
    assert content.diagnostics == ()
    html = next(a.html for a in content.articles if a.slug == "a")
    assert 'src="/issues/2024-01-04/images/p.svg"' in html
    assert 'href="/issues/2024-01-04/b/#%E5%B0%8F%E8%8A%82"' in html  # browsers decode it
    assert 'href="/issues/2024-01-01/"' in html
    assert [f.url for f in content.files] == ["/issues/2024-01-04/images/p.svg"]


def test_bundle_files_are_published_beside_the_article(make_site: MakeSite) -> None:
    content = load(
        make_site,
        {
            "content/2024-01-04/果园/index.md": article(body="![](photo.svg)"),
            "content/2024-01-04/果园/photo.svg": "<svg/>",
        },
    )
    assert content.diagnostics == ()
    assert content.articles[0].slug == "guo-yuan"
    assert [(f.source, f.url) for f in content.files] == [
        ("content/2024-01-04/果园/photo.svg", "/issues/2024-01-04/guo-yuan/photo.svg")
    ]
    assert 'src="/issues/2024-01-04/guo-yuan/photo.svg"' in content.articles[0].html


def test_drafts_and_draft_issues(make_site: MakeSite) -> None:
    files: dict[str, str | bytes] = {
        "content/2024-01-04/a.md": article(extra="draft: true\n"),
        "content/2024-01-04/b.md": article(),
        "content/2024-01-11/issue.yaml": "draft: true\n",
        "content/2024-01-11/c.md": article(),
    }
    plain = load(make_site, files)
    assert [a.slug for a in plain.articles] == ["b"]
    assert plain.drafts_skipped == 2
    assert [i.issue_date.day for i in plain.issues] == [4]
    shown = load(make_site, files, drafts=True)
    assert sorted((a.slug, a.draft) for a in shown.articles) == [
        ("a", True),
        ("b", False),
        ("c", True),
    ]


@pytest.mark.parametrize(
    ("files", "where"),
    [
        ({"content/2024-01-04/issue.yaml": "numbr: 3\n"}, ("content/2024-01-04/issue.yaml", 1)),
        ({"content/2024-01-04/issue.yaml": "number: 三\n"}, ("content/2024-01-04/issue.yaml", 1)),
        (
            {"content/2024-01-04/focus.md": article(extra="slug: news\n")},
            ("content/2024-01-04/focus.md", 4),
        ),
        ({"content/2024-01-04/news.md": article()}, ("content/2024-01-04/news.md", 1)),
        ({"content/2024-01-04/a.md": article(title="2023")}, ("content/2024-01-04/a.md", 2)),
        (
            {"content/2024-01-04/a.md": article(extra="authors: [曲宏, 3]\n")},
            ("content/2024-01-04/a.md", 4),
        ),
    ],
    ids=[
        "issue-unknown-key",
        "issue-number-type",
        "slug-is-section-key",
        "file-name-is-section-key",
        "title-not-text",
        "author-not-text",
    ],
)
def test_reports_problem_at_its_line(
    make_site: MakeSite, files: dict[str, str | bytes], where: tuple[str, int]
) -> None:
    content = load(make_site, files)
    errors = [d for d in content.diagnostics if d.is_error]
    assert [(d.location.path, d.location.line) for d in errors if d.location] == [where]


def test_reports_every_broken_file_in_one_run(make_site: MakeSite) -> None:
    content = load(
        make_site,
        {
            "content/2024-01-04/a.md": "no front matter\n",
            "content/2024-01-04/b.md": article(section="体育"),
            "content/2024-01-04/c.md": article(body="![](missing.png)"),
            "content/2024-13-01/d.md": article(),
        },
    )
    assert sorted(
        (d.location.path, d.location.line) for d in content.diagnostics if d.location
    ) == [
        ("content/2024-01-04/a.md", 1),
        ("content/2024-01-04/b.md", 3),
        ("content/2024-01-04/c.md", 5),
        ("content/2024-13-01", None),
    ]


def test_link_to_a_broken_article_is_not_reported_twice(make_site: MakeSite) -> None:
    content = load(
        make_site,
        {
            "content/2024-01-04/a.md": article(body="见[乙](b.md)和[丙](c/)。"),
            "content/2024-01-04/b.md": "---\ntitle: [乙\n---\n正文。\n",
            "content/2024-01-04/c/index.md": "no front matter\n",
        },
    )
    assert sorted(
        (d.location.path, d.location.line) for d in content.diagnostics if d.location
    ) == [("content/2024-01-04/b.md", 2), ("content/2024-01-04/c/index.md", 1)]


def test_records_come_back_from_pickle_equal(make_site: MakeSite) -> None:
    content = load(
        make_site,
        {
            "content/2024-01-04/a.md": article(
                extra="weather: 晴\ntags: [党建]\n", body="## 小节\n\n见[乙](b.md)。"
            ),
            "content/2024-01-04/b.md": article(body="![](missing.png)"),
        },
    )
    a, b = (content.records[f"content/2024-01-04/{n}.md"] for n in "ab")
    assert a.outcome is not None and a.outcome.article is not None
    assert a.outcome.article.headings == (Heading(level=2, text="小节", anchor="小节"),)
    assert a.outcome.article.links == (Link(target="b.md", line=9),)
    assert b.outcome is not None and b.outcome.diagnostics  # with a Location
    copy = pickle.loads(pickle.dumps(dict(content.records), protocol=pickle.HIGHEST_PROTOCOL))
    assert copy == content.records
    article_copy = copy["content/2024-01-04/a.md"].outcome.article
    assert isinstance(article_copy.extra, MappingProxyType)  # read-only, as loaded
    assert dict(article_copy.extra) == {"weather": "晴"}


def test_issue_files_are_listed_sorted_below_every_folder(make_site: MakeSite) -> None:
    content = load(
        make_site,
        {
            "content/2024-01-04/a.md": article(),
            "content/2024-01-04/b.pdf": "%PDF",
            "content/2024-01-04/images/z.svg": "<svg/>",
            "content/2024-01-04/images/maps/m.svg": "<svg/>",
            "content/2024-01-04/images/.hidden.svg": "<svg/>",
            "content/2024-01-04/images/draft.svg~": "<svg/>",
            "content/2024-01-04/园/index.md": article(),
            "content/2024-01-04/园/photos/p.svg": "<svg/>",
            "content/2024-01-04/园/index.md.swp": "x",
            "content/2024-01-04/notes/readme.md": "not an article",
        },
    )
    assert content.diagnostics == ()
    assert [(f.source.removeprefix("content/2024-01-04/"), f.url) for f in content.files] == [
        ("b.pdf", "/issues/2024-01-04/b.pdf"),
        ("images/maps/m.svg", "/issues/2024-01-04/images/maps/m.svg"),
        ("images/z.svg", "/issues/2024-01-04/images/z.svg"),
        ("notes/readme.md", "/issues/2024-01-04/notes/readme.md"),
        ("园/photos/p.svg", "/issues/2024-01-04/yuan/photos/p.svg"),
    ]


def test_fingerprints_from_records_match_and_follow_the_draft_mark(make_site: MakeSite) -> None:
    root = make_site(
        {
            "site.yaml": SITE_YAML,
            "content/2024-01-04/issue.yaml": "draft: true\n",
            "content/2024-01-04/a.md": article(body="见[乙](b.md)。"),
            "content/2024-01-04/b.md": article(),
        }
    )
    config = load_config(root)
    cold = load_content(root, config, drafts=True)
    warm = load_content(root, config, drafts=True, records=cold.records)
    assert (cold.rendered, warm.rendered) == (2, 0)
    assert warm.fingerprints == cold.fingerprints
    (root / "content/2024-01-04/issue.yaml").write_text("draft: no\n", encoding="utf-8")
    published = load_content(root, config, drafts=True, records=warm.records)
    assert published.rendered == 0
    assert [a.draft for a in published.articles] == [False, False]
    assert all(p != w for p, w in zip(published.fingerprints, warm.fingerprints, strict=True))
    assert published.fingerprints == load_content(root, config, drafts=True).fingerprints


def touch(path: Path, text: str) -> None:
    """Write `text` to `path` and move its mtime on, so that a build sees it changed."""
    mtime = path.stat().st_mtime_ns if path.exists() else 0
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(mtime + 10**9, mtime + 10**9))


def test_a_folder_whose_records_all_hold_is_taken_whole(make_site: MakeSite) -> None:
    root = make_site(
        {
            "site.yaml": SITE_YAML,
            "content/2024-01-04/a.md": article(body="见[乙](b.md)。"),
            "content/2024-01-04/b.md": article(),
            "content/2024-01-11/c.md": article(),
        }
    )
    config = load_config(root)
    cold = load_content(root, config)
    warm = load_content(root, config, records=cold.records)
    assert warm.rendered == 0
    assert all(warm.records[path] is record for path, record in cold.records.items())
    assert warm.articles == cold.articles
    assert warm.fingerprints == cold.fingerprints


def test_a_link_into_another_folder_follows_the_slug_it_gets(make_site: MakeSite) -> None:
    b = "content/2024-01-11/b.md"
    root = make_site(
        {
            "site.yaml": SITE_YAML,
            "content/2024-01-04/a.md": article(body="见[乙](../2024-01-11/b.md)。"),
            "content/2024-01-04/z.md": article(),
            b: article(),
        }
    )
    config = load_config(root)
    first = load_content(root, config)
    touch(root / b, article(extra="slug: bee\n"))
    again = load_content(root, config, records=first.records)
    assert again.rendered == 2  # b, and a for its link; not z
    assert 'href="/issues/2024-01-11/bee/"' in again.articles[0].html
    assert again.fingerprints == load_content(root, config).fingerprints


def test_a_file_added_beside_unchanged_articles_is_seen(make_site: MakeSite) -> None:
    root = make_site(
        {
            "site.yaml": SITE_YAML,
            "content/2024-01-04/a.md": article(body="![](p.svg)"),
            "content/2024-01-04/b.md": article(extra="slug: bee\n"),
        }
    )
    config = load_config(root)
    first = load_content(root, config)
    assert [d.location.path for d in first.diagnostics if d.location] == [
        "content/2024-01-04/a.md"
    ]  # image not found
    (root / "content/2024-01-04/p.svg").write_text("<svg/>", encoding="utf-8")
    touch(root / "content/2024-01-04/c.md", article(extra="slug: bee\n"))
    again = load_content(root, config, records=first.records)
    assert again.rendered == 2  # a, whose image is there now, and c
    assert [(d.message, d.location.path if d.location else "") for d in again.diagnostics] == [
        (
            "slug 'bee' is already used by content/2024-01-04/b.md in the same issue",
            "content/2024-01-04/c.md",
        )
    ]


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("b.md", "content/2024-01-04/b.md"),
        ("b.md#小节", "content/2024-01-04/b.md"),
        ("b.md?x=1", "content/2024-01-04/b.md"),
        ("%E4%B9%99.md", "content/2024-01-04/乙.md"),
        ("images/p.svg", "content/2024-01-04/images/p.svg"),
        ("./b.md", "content/2024-01-04/b.md"),
        ("../2024-01-01/", "content/2024-01-01"),
        ("..", "content"),
        (".", "content/2024-01-04"),
        ("c/", "content/2024-01-04/c"),
    ],
    ids=["beside", "fragment", "query", "escaped", "below", "dot-slash", "up", "dotdot", "dot",
         "folder"],
)  # fmt: skip
def test_relative_targets_name_the_source_path(target: str, expected: str) -> None:
    links = LinkMap({}, Path("."), "/").for_article("content/2024-01-04/a.md")
    assert links.source_of(target) == expected


def test_sizes_and_mtimes_given_by_the_caller_are_used(make_site: MakeSite) -> None:
    root = make_site(
        {
            "site.yaml": SITE_YAML,
            "content/2024-01-04/issue.yaml": "number: 3\n",
            "content/2024-01-04/a.md": article(),
        }
    )
    config = load_config(root)
    first = load_content(root, config)
    paths = ("content/2024-01-04/issue.yaml", "content/2024-01-04/a.md")
    # Sizes and mtimes as a scan saw them are used instead of the files' own: the files look
    # touched, are read again (same bytes, nothing rendered) and their records keep the figures.
    stats = {path: (first.records[path].size, 1) for path in paths}
    seen = load_content(root, config, records=first.records, stats=stats)
    assert seen.rendered == 0
    assert [seen.records[path].mtime_ns for path in paths] == [1, 1]
    again = load_content(root, config, records=seen.records, stats=stats)
    assert again.rendered == 0
    assert all(again.records[path] is seen.records[path] for path in paths)


def test_content_read_from_records_does_not_load_the_markdown_parser(
    make_site: MakeSite, tmp_path: Path
) -> None:
    root = make_site({"site.yaml": SITE_YAML, "content/2024-01-04/a.md": article()})
    saved = tmp_path / "records.pickle"
    saved.write_bytes(pickle.dumps(dict(load_content(root, load_config(root)).records)))
    code = (
        "import pickle, sys\n"
        "from pathlib import Path\n"
        "from bulletin_ssg.config import load_config\n"
        "from bulletin_ssg.content import load_content\n"
        f"root, saved = Path({str(root)!r}), Path({str(saved)!r})\n"
        "records = pickle.loads(saved.read_bytes())\n"
        "content = load_content(root, load_config(root), records=records)\n"
        "print(content.rendered, 'markdown_it' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["0", "False"]
