from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from bulletin_ssg.errors import ContentError
from bulletin_ssg.model import SectionConfig, SiteConfig
from bulletin_ssg.scaffold import issue_dates, new_article, next_issue_date, yaml_string

CONFIG = SiteConfig(
    title="党建周刊",
    sections=(
        SectionConfig(key="focus", title="本期关注"),
        SectionConfig(key="thinking", title="思考"),
        SectionConfig(key="briefs", title="信息直通车"),
    ),
)
ISSUE = date(2023, 2, 16)


def write(root: Path, rel: str, text: str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("existing", "today", "expected"),
    [
        ((), date(2024, 3, 1), date(2024, 3, 1)),
        ((date(2023, 2, 16),), date(2024, 3, 1), date(2023, 2, 23)),
        (
            (date(2023, 3, 2), date(2023, 2, 16), date(2023, 2, 23)),
            date(2023, 1, 1),
            date(2023, 3, 9),
        ),
        ((date(2023, 12, 28),), date(2023, 12, 28), date(2024, 1, 4)),
    ],
    ids=["none-is-today", "one-week-after", "latest-not-last-listed", "across-year-end"],
)
def test_next_issue_date_is_a_week_after_the_latest(
    existing: tuple[date, ...], today: date, expected: date
) -> None:
    assert next_issue_date(existing, today) == expected


def test_issue_dates_lists_only_dated_folders(tmp_path: Path) -> None:
    for name in ("2023-02-23", "2023-02-16", "2023-02-30", "drafts", "2023-2-9"):
        (tmp_path / "content" / name).mkdir(parents=True)
    write(tmp_path, "content/2023-03-02", "a file, not a folder")
    assert issue_dates(tmp_path) == (date(2023, 2, 16), date(2023, 2, 23))


def test_issue_dates_without_content_folder(tmp_path: Path) -> None:
    assert issue_dates(tmp_path) == ()


def test_writes_front_matter_with_pinyin_slug(tmp_path: Path) -> None:
    path = new_article(tmp_path, CONFIG, "如何让干部更接地气", "思考", issue=ISSUE)
    assert path == tmp_path / "content/2023-02-16/ru-he-rang-gan-bu-geng-jie-di-qi.md"
    assert path.read_bytes().decode("utf-8") == (
        "---\n"
        'title: "如何让干部更接地气"\n'
        "section: thinking\n"
        'byline: ""\n'
        "authors: []\n"
        "order: 1\n"
        "---\n"
        "\n"
    )


def test_section_may_be_given_by_key(tmp_path: Path) -> None:
    path = new_article(tmp_path, CONFIG, "Hello, World", "briefs", issue=ISSUE)
    assert path.name == "hello-world.md"
    assert "section: briefs\n" in path.read_text(encoding="utf-8")


def test_explicit_slug_is_used(tmp_path: Path) -> None:
    path = new_article(
        tmp_path, CONFIG, "如何让干部更接地气", "思考", issue=ISSUE, slug="down-to-earth"
    )
    assert path == tmp_path / "content/2023-02-16/down-to-earth.md"


def test_long_title_slug_is_trimmed_on_a_word_boundary(tmp_path: Path) -> None:
    title = "沈阳市委组织部向基层下派力量对下沉干部进行考核培养石头型树根型干部沉得下去扎得下根"
    path = new_article(tmp_path, CONFIG, title, "focus", issue=ISSUE)
    assert path.stem == "shen-yang-shi-wei-zu-zhi-bu-xiang-ji-ceng-xia-pai-li-liang"
    assert len(path.stem) <= 60


def test_order_is_next_in_the_section_of_that_issue(tmp_path: Path) -> None:
    issue = "content/2023-02-16"
    write(tmp_path, f"{issue}/a.md", "---\ntitle: A\nsection: thinking\norder: 1\n---\n")
    write(tmp_path, f"{issue}/b.md", "---\ntitle: B\nsection: 思考\norder: 3\n---\n")
    write(tmp_path, f"{issue}/c.md", "---\ntitle: C\nsection: focus\norder: 9\n---\n")
    write(tmp_path, f"{issue}/bundle/index.md", "---\nsection: 'thinking'\norder: 4  # x\n---\n")
    write(tmp_path, f"{issue}/body.md", "---\ntitle: D\nsection: thinking\n---\norder: 99\n")
    write(tmp_path, "content/2023-02-09/old.md", "---\nsection: thinking\norder: 7\n---\n")
    path = new_article(tmp_path, CONFIG, "新文章", "thinking", issue=ISSUE)
    assert yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])["order"] == 5


def test_unreadable_neighbour_does_not_stop_numbering(tmp_path: Path) -> None:
    (tmp_path / "content/2023-02-16").mkdir(parents=True)
    (tmp_path / "content/2023-02-16/gbk.md").write_bytes("---\norder: 3\n标题".encode("gbk"))
    path = new_article(tmp_path, CONFIG, "新文章", "thinking", issue=ISSUE)
    assert "order: 1\n" in path.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "title",
    [
        "a: b",
        "#不是注释",
        '他说"好"',
        "yes",
        "- 列表",
        "@at",
        "tab\there",
        "back\\slash",
        "line\u2028sep",
        "nel\u0085x",
        "  前后空格  ",
        "null",
        "123",
        "[1, 2]",
        "{a: 1}",
        "'q'",
    ],
    ids=[
        "colon",
        "hash",
        "quotes",
        "yes",
        "dash",
        "at",
        "tab",
        "backslash",
        "u2028",
        "nel",
        "spaces",
        "null",
        "number",
        "flow-list",
        "flow-map",
        "single-quotes",
    ],
)
def test_title_reads_back_unchanged(tmp_path: Path, title: str) -> None:
    path = new_article(tmp_path, CONFIG, title, "focus", issue=ISSUE, slug="t")
    meta = yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])
    assert meta == {
        "title": title.strip(),
        "section": "focus",
        "byline": "",
        "authors": [],
        "order": 1,
    }


@pytest.mark.parametrize(
    "text",
    ["focus", "yes", "on", "true", "null", "Focus", "a b", "中文", "x:y", "1abc"],
    ids=["plain", "yes", "on", "true", "null", "capital", "space", "chinese", "colon", "digit"],
)
def test_yaml_string_round_trips(text: str) -> None:
    assert yaml.safe_load(f"k: {yaml_string(text)}\n") == {"k": text}


def test_refuses_unknown_section_listing_the_known_ones(tmp_path: Path) -> None:
    with pytest.raises(ContentError) as caught:
        new_article(tmp_path, CONFIG, "标题", "体育", issue=ISSUE)
    assert caught.value.location is None
    assert caught.value.message == (
        "unknown section '体育', expected one of: focus (本期关注), thinking (思考), "
        "briefs (信息直通车)"
    )
    assert not (tmp_path / "content").exists()


@pytest.mark.parametrize(
    ("existing", "slug", "where"),
    [
        ("content/2023-02-16/biao-ti.md", None, "content/2023-02-16/biao-ti.md"),
        ("content/2023-02-16/biao-ti/index.md", None, "content/2023-02-16/biao-ti"),
        ("content/2023-02-16/own.md", "own", "content/2023-02-16/own.md"),
    ],
    ids=["file", "bundle-folder", "explicit-slug"],
)
def test_refuses_to_overwrite(tmp_path: Path, existing: str, slug: str | None, where: str) -> None:
    original = write(tmp_path, existing, "---\ntitle: 旧\n---\n旧文\n")
    with pytest.raises(ContentError) as caught:
        new_article(tmp_path, CONFIG, "标题", "focus", issue=ISSUE, slug=slug)
    assert caught.value.location is not None
    assert (caught.value.location.path, caught.value.location.line) == (where, None)
    assert original.read_text(encoding="utf-8") == "---\ntitle: 旧\n---\n旧文\n"


def test_refuses_slug_taken_by_another_files_front_matter(tmp_path: Path) -> None:
    write(tmp_path, "content/2023-02-16/other.md", "---\ntitle: 别的\nslug: biao-ti\n---\n")
    with pytest.raises(ContentError) as caught:
        new_article(tmp_path, CONFIG, "标题", "focus", issue=ISSUE)
    assert caught.value.location is not None
    assert caught.value.location.path == "content/2023-02-16/other.md"
    assert not (tmp_path / "content/2023-02-16/biao-ti.md").exists()


@pytest.mark.parametrize(
    "slug",
    ["Upper", "has space", "../escape", "中文", "", "-lead", "a/b", ".", "a.b"],
    ids=[
        "upper",
        "space",
        "traversal",
        "chinese",
        "empty",
        "leading-dash",
        "slash",
        "dot",
        "inner-dot",
    ],
)
def test_refuses_invalid_explicit_slug(tmp_path: Path, slug: str) -> None:
    with pytest.raises(ContentError) as caught:
        new_article(tmp_path, CONFIG, "标题", "focus", issue=ISSUE, slug=slug)
    assert caught.value.location is None
    assert not (tmp_path / "content").exists()


@pytest.mark.parametrize("title", ["", "   ", "！？……"], ids=["empty", "blank", "no-letters"])
def test_refuses_title_without_a_slug(tmp_path: Path, title: str) -> None:
    with pytest.raises(ContentError) as caught:
        new_article(tmp_path, CONFIG, title, "focus", issue=ISSUE)
    assert caught.value.location is None
    assert not (tmp_path / "content").exists()


def test_new_article_loads_as_content(sample_site: Path) -> None:
    from bulletin_ssg.config import load_config
    from bulletin_ssg.content import load_content

    config = load_config(sample_site)
    section = config.sections[0]
    path = new_article(sample_site, config, "新的一篇：试验", section.title, issue=date(2030, 1, 3))
    (path.parent / "issue.yaml").unlink(missing_ok=True)
    loaded = load_content(sample_site, config, drafts=True)
    assert [d for d in loaded.diagnostics if d.is_error] == []
    [article] = [a for a in loaded.articles if a.issue_date == date(2030, 1, 3)]
    assert (article.title, article.section, article.slug) == (
        "新的一篇：试验",
        section.key,
        "xin-de-yi-pian-shi-yan",
    )
