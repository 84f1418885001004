from __future__ import annotations

import gzip
import re
from datetime import date
from pathlib import Path

import pytest

from bulletin_ssg.build import build_site, source_date
from bulletin_ssg.errors import BuildFailed
from bulletin_ssg.model import SiteConfig

from .conftest import snapshot

HREF = re.compile(r'(?:href|src|action)="([^"]*)"')


def test_two_builds_are_byte_identical(sample_site: Path, tmp_path: Path) -> None:
    build_site(sample_site, tmp_path / "one", environ={})
    build_site(sample_site, tmp_path / "two", environ={})
    assert snapshot(tmp_path / "one") == snapshot(tmp_path / "two")


def test_internal_links_honour_base_url_sub_path(sample_site: Path, tmp_path: Path) -> None:
    out = tmp_path / "public"
    build_site(sample_site, out, base_url="https://example.org/paper/", environ={})
    internal = []
    for page in out.rglob("*.html"):
        for target in HREF.findall(page.read_text(encoding="utf-8")):
            if target.startswith(("http://", "https://", "#", "mailto:")):
                continue
            internal.append((page.relative_to(out).as_posix(), target))
    assert internal
    wrong = [(page, t) for page, t in internal if not t.startswith("/paper/")]
    assert wrong == []
    for _, target in internal:
        path = target.removeprefix("/paper/").split("#")[0]
        assert (out / path).exists() or (out / path / "index.html").exists(), target


def test_drafts_are_left_out_unless_asked(sample_site: Path, tmp_path: Path) -> None:
    report = build_site(sample_site, tmp_path / "plain", environ={})
    assert report.drafts_skipped == 2
    assert not (tmp_path / "plain/issues/2024-05-09/draft-note").exists()
    assert not (tmp_path / "plain/issues/2024-05-16").exists()
    assert leaked_drafts(tmp_path / "plain") == set()
    with_drafts = build_site(sample_site, tmp_path / "drafts", drafts=True, environ={})
    assert with_drafts.articles == report.articles + 2
    assert (tmp_path / "drafts/issues/2024-05-09/draft-note/index.html").is_file()
    assert (tmp_path / "drafts/issues/2024-05-16/preview/index.html").is_file()
    assert {"feed.xml", "sitemap.xml", "archive/index.html", "search index"} <= leaked_drafts(
        tmp_path / "drafts"
    )


#: Titles and URL parts of the fixture's draft article and draft issue.
DRAFT_MARKS = ("尚未定稿的消息", "下期预告", "draft-note", "2024-05-16")


def leaked_drafts(out: Path) -> set[str]:
    """Which published files (feeds, sitemap, archive, search index, pages) mention a draft."""
    found: set[str] = set()
    for path in out.rglob("*"):
        if not path.is_file():
            continue
        data = path.read_bytes()
        name = path.relative_to(out).as_posix()
        if name.endswith(".pf_fragment"):
            data, name = gzip.decompress(data), "search index"
        text = data.decode("utf-8", "replace")
        if any(mark in text for mark in DRAFT_MARKS):
            found.add(name)
    return found


def test_reports_what_it_built(sample_site: Path, tmp_path: Path) -> None:
    report = build_site(sample_site, tmp_path / "out", environ={})
    assert (report.issues, report.articles) == (2, 6)
    assert report.pages == len(list((tmp_path / "out").rglob("*.html")))


def test_strict_turns_warnings_into_errors(sample_site: Path, tmp_path: Path) -> None:
    (sample_site / "content" / "2024-06-06").mkdir()
    report = build_site(sample_site, tmp_path / "out", environ={})
    assert [d.location.path for d in report.warnings if d.location] == ["content/2024-06-06"]
    with pytest.raises(BuildFailed):
        build_site(sample_site, tmp_path / "strict", strict=True, environ={})
    assert not (tmp_path / "strict").exists()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1684108800", date(2023, 5, 15)),
        ("1684080000", date(2023, 5, 15)),
        ("", None),
        ("soon", None),
    ],
    ids=["midnight-utc", "eight-am-shanghai", "empty", "not-a-number"],
)
def test_source_date_epoch_is_read_in_site_timezone(value: str, expected: date | None) -> None:
    config = SiteConfig(title="t", timezone="Asia/Shanghai")
    assert source_date(config, {"SOURCE_DATE_EPOCH": value}) == expected
