"""Tests for templates.py: filters, layout lookup order, and Jinja errors as LayoutError."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from bulletin_ssg.errors import LayoutError, Location
from bulletin_ssg.model import SiteConfig
from bulletin_ssg.templates import (
    absolute,
    cn_date,
    isodate,
    join_base,
    make_environment,
    render_template,
    weekday,
)

PAPER = SiteConfig(title="铁岭日报", base_url="https://example.org/paper/")
ROOT_SITE = SiteConfig(title="铁岭日报", base_url="https://example.org/")
PATH_ONLY = SiteConfig(title="铁岭日报", base_url="/paper/")


def write_layouts(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def render_one(tmp_path: Path, text: str, config: SiteConfig = PAPER, **values: Any) -> str:
    write_layouts(tmp_path / "layouts", {"page.html": text})
    env = make_environment([tmp_path / "layouts"], root=tmp_path)
    return render_template(env, "page.html", {"config": config, **values}, root=tmp_path)


def layout_error(tmp_path: Path, files: dict[str, str], name: str, **values: Any) -> LayoutError:
    write_layouts(tmp_path / "layouts", files)
    env = make_environment([tmp_path / "layouts"], root=tmp_path)
    with pytest.raises(LayoutError) as caught:
        render_template(env, name, {"config": PAPER, **values}, root=tmp_path)
    return caught.value


# -- filters -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("config", "target", "expected"),
    [
        (PAPER, "/", "/paper/"),
        (PAPER, "/issues/2023-02-16/foo/", "/paper/issues/2023-02-16/foo/"),
        (PAPER, "/assets/style.css", "/paper/assets/style.css"),
        (PAPER, "https://other.example/x", "https://other.example/x"),
        (PAPER, "http://other.example/x", "http://other.example/x"),
        (PAPER, "//cdn.example/x.js", "//cdn.example/x.js"),
        (PAPER, "#main", "#main"),
        (PAPER, "images/a.jpg", "images/a.jpg"),
        (PATH_ONLY, "/archive/", "/paper/archive/"),
        (ROOT_SITE, "/archive/", "/archive/"),
        (ROOT_SITE, "/", "/"),
    ],
    ids=[
        "root",
        "article",
        "asset",
        "https",
        "http",
        "protocol-relative",
        "fragment",
        "relative",
        "path-only-base",
        "no-sub-path",
        "root-no-sub-path",
    ],
)
def test_url_filter(tmp_path: Path, config: SiteConfig, target: str, expected: str) -> None:
    assert join_base(config.base_path, target) == expected
    assert render_one(tmp_path, "{{ target|url }}", config, target=target) == expected


@pytest.mark.parametrize(
    ("config", "target", "expected"),
    [
        (PAPER, "/issues/x/", "https://example.org/paper/issues/x/"),
        (PAPER, "/", "https://example.org/paper/"),
        (ROOT_SITE, "/feed.xml", "https://example.org/feed.xml"),
        (PATH_ONLY, "/issues/x/", "/paper/issues/x/"),
        (PAPER, "https://other.example/x", "https://other.example/x"),
    ],
    ids=["sub-path", "root", "no-sub-path", "path-only-base", "already-absolute"],
)
def test_abs_url_filter(tmp_path: Path, config: SiteConfig, target: str, expected: str) -> None:
    assert absolute(config, target) == expected
    assert render_one(tmp_path, "{{ target|abs_url }}", config, target=target) == expected


@pytest.mark.parametrize(
    ("day", "chinese", "week"),
    [
        (date(2023, 2, 16), "2023年2月16日", "星期四"),
        (date(2023, 2, 13), "2023年2月13日", "星期一"),
        (date(2023, 2, 19), "2023年2月19日", "星期日"),
        (date(2024, 2, 29), "2024年2月29日", "星期四"),
        (date(1999, 12, 31), "1999年12月31日", "星期五"),
    ],
    ids=["thursday", "monday", "sunday", "leap-day", "year-end"],
)
def test_chinese_dates(tmp_path: Path, day: date, chinese: str, week: str) -> None:
    assert cn_date(day) == chinese
    assert weekday(day) == week
    assert isodate(day) == day.isoformat()
    text = "{{ d|cn_date }} {{ d|weekday }} {{ d|isodate }}"
    assert render_one(tmp_path, text, d=day) == f"{chinese} {week} {day.isoformat()}"


def test_autoescapes_html_layouts(tmp_path: Path) -> None:
    assert render_one(tmp_path, "{{ t }}", t="<b>&") == "&lt;b&gt;&amp;"


def test_keeps_trailing_newline_and_trims_blocks(tmp_path: Path) -> None:
    text = "<ul>\n{% for x in xs %}\n  <li>{{ x }}</li>\n{% endfor %}\n</ul>\n"
    assert render_one(tmp_path, text, xs=[1, 2]) == "<ul>\n  <li>1</li>\n  <li>2</li>\n</ul>\n"


# -- lookup order ------------------------------------------------------------------------------


def test_first_layout_folder_wins_file_by_file(tmp_path: Path) -> None:
    site = write_layouts(
        tmp_path / "site" / "layouts", {"page.html": "site {% include 'part.html' %}"}
    )
    bundled = write_layouts(
        tmp_path / "bundled", {"page.html": "bundled", "part.html": "bundled part"}
    )
    env = make_environment([site, bundled], root=tmp_path / "site")
    context = {"config": PAPER}
    assert render_template(env, "page.html", context, root=tmp_path) == "site bundled part"
    env = make_environment([bundled, site], root=tmp_path / "site")
    assert render_template(env, "page.html", context, root=tmp_path) == "bundled"


def test_relative_site_root_and_layout_dirs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_layouts(tmp_path / "site" / "layouts", {"page.html": "site\n{{ nothing }}\n"})
    bundled = write_layouts(tmp_path / "bundled", {"page.html": "bundled"})
    monkeypatch.chdir(tmp_path)
    root = Path("site")
    env = make_environment([root / "layouts", bundled], root=root)
    with pytest.raises(LayoutError) as caught:
        render_template(env, "page.html", {"config": PAPER}, root=root)
    assert caught.value.location == Location("layouts/page.html", 2)


# -- errors ------------------------------------------------------------------------------------


def test_syntax_error_names_layout_and_line(tmp_path: Path) -> None:
    error = layout_error(tmp_path, {"broken.html": "<p>\n</p>\n{% endif %}\n"}, "broken.html")
    assert error.location == Location("layouts/broken.html", 3)


def test_syntax_error_in_an_included_layout(tmp_path: Path) -> None:
    files = {"page.html": "a\n{% include 'part.html' %}\n", "part.html": "\n\n{{ x + }}\n"}
    error = layout_error(tmp_path, files, "page.html", x=1)
    assert error.location == Location("layouts/part.html", 3)


@pytest.mark.parametrize(
    ("files", "location"),
    [
        ({"page.html": "<p>\n{{ nothing }}\n</p>\n"}, Location("layouts/page.html", 2)),
        (
            {"page.html": "<p>\n{{ article.missing }}\n"},
            Location("layouts/page.html", 2),
        ),
        (
            {
                "base.html": "<main>\n{% block content %}{% endblock %}\n</main>\n",
                "page.html": '{% extends "base.html" %}\n{% block content %}\n\n{{ nothing }}\n'
                "{% endblock %}\n",
            },
            Location("layouts/page.html", 4),
        ),
        (
            {
                "base.html": "<title>\n\n{{ nothing }}</title>\n{% block content %}{% endblock %}",
                "page.html": '{% extends "base.html" %}\n{% block content %}x{% endblock %}\n',
            },
            Location("layouts/base.html", 3),
        ),
        (
            {"page.html": "a\nb\n{% include 'part.html' %}\n", "part.html": "\n{{ nothing }}\n"},
            Location("layouts/part.html", 2),
        ),
        ({"page.html": "\n{{ 'x'|cn_date }}\n"}, Location("layouts/page.html", 2)),
        ({"page.html": "\n\n{{ 1 / 0 }}\n"}, Location("layouts/page.html", 3)),
        ({"page.html": "\n{% include 'gone.html' %}\n"}, Location("layouts/page.html", 2)),
    ],
    ids=[
        "undefined-name",
        "undefined-attribute",
        "in-child-block",
        "in-base",
        "in-include",
        "filter-type-error",
        "zero-division",
        "missing-include",
    ],
)
def test_runtime_error_names_layout_and_line(
    tmp_path: Path, files: dict[str, str], location: Location
) -> None:
    error = layout_error(tmp_path, files, "page.html", article={"title": "标题"})
    assert error.location == location
    assert isinstance(error.__cause__, Exception)


def test_missing_layout_names_where_it_was_looked_for(tmp_path: Path) -> None:
    error = layout_error(tmp_path, {"page.html": ""}, "issue.html")
    assert error.location == Location("layouts/issue.html")


def test_url_filter_without_config_is_a_layout_error(tmp_path: Path) -> None:
    write_layouts(tmp_path / "layouts", {"page.html": "\n{{ '/'|url }}\n"})
    env = make_environment([tmp_path / "layouts"], root=tmp_path)
    with pytest.raises(LayoutError) as caught:
        render_template(env, "page.html", {}, root=tmp_path)
    assert caught.value.location == Location("layouts/page.html", 2)


def test_error_in_bundled_layout_is_named_under_layouts(tmp_path: Path) -> None:
    bundled = write_layouts(tmp_path / "bundled" / "themes", {"article.html": "\n\n{{ nope }}\n"})
    site = tmp_path / "site"
    site.mkdir()
    env = make_environment([site / "layouts", bundled], root=site)
    with pytest.raises(LayoutError) as caught:
        render_template(env, "article.html", {"config": PAPER}, root=site)
    assert caught.value.location == Location("layouts/article.html", 3)


def test_error_message_is_one_line(tmp_path: Path) -> None:
    error = layout_error(tmp_path, {"page.html": "{{ nothing }}"}, "page.html")
    assert str(error) == "layouts/page.html:1: 'nothing' is undefined, while rendering 'page.html'"
