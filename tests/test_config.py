"""Tests for config: site.yaml to SiteConfig, with every problem at its site.yaml line."""

from __future__ import annotations

from pathlib import Path
from types import MappingProxyType

import pytest

from bulletin_ssg.config import SITE_FILE, load_config, parse_config
from bulletin_ssg.errors import BuildFailed, ConfigError, Location, Severity
from bulletin_ssg.model import SectionConfig, SiteConfig

SECTIONS = "sections:\n  - key: focus\n    title: 本期关注\n"
GOOD = """\
title: 党建周刊
description: 示例刊物
base_url: https://example.org/paper
language: zh-Hans
timezone: Europe/Berlin
sections:
  - key: focus
    title: 本期关注
    description: 本期重点报道
  - key: briefs
    title: 信息直通车
    subtitle: ZHITONGCHE
allow_html: true
paginate: 5
search: false
params:
  motto: 实事求是
  links: [a, b]
"""


def test_builds_site_config_from_every_key() -> None:
    assert parse_config(GOOD) == SiteConfig(
        title="党建周刊",
        description="示例刊物",
        base_url="https://example.org/paper/",
        language="zh-Hans",
        timezone="Europe/Berlin",
        sections=(
            SectionConfig(key="focus", title="本期关注", description="本期重点报道"),
            SectionConfig(key="briefs", title="信息直通车", subtitle="ZHITONGCHE"),
        ),
        allow_html=True,
        paginate=5,
        search=False,
        params=MappingProxyType({"motto": "实事求是", "links": ["a", "b"]}),
    )


def test_fills_defaults() -> None:
    config = parse_config(f"title: T\n{SECTIONS}description:\nparams:\n")
    assert config == SiteConfig(title="T", sections=(SectionConfig(key="focus", title="本期关注"),))
    assert isinstance(config.params, MappingProxyType)


def test_params_are_read_only() -> None:
    config = parse_config(f"title: T\n{SECTIONS}params: {{a: 1}}\n")
    with pytest.raises(TypeError):
        config.params["a"] = 2  # type: ignore[index]


@pytest.mark.parametrize(
    ("in_file", "override", "base_url", "base_path"),
    [
        ("/", None, "/", "/"),
        ("/paper", None, "/paper/", "/paper/"),
        ("https://example.org", None, "https://example.org/", "/"),
        ("https://example.org/paper", None, "https://example.org/paper/", "/paper/"),
        ("http://example.org/a/b/", None, "http://example.org/a/b/", "/a/b/"),
        ("https://example.org/", "http://localhost:8000", "http://localhost:8000/", "/"),
        ("https://example.org/", "/preview", "/preview/", "/preview/"),
    ],
    ids=["root", "path", "host", "host-path", "http-deep", "override-url", "override-path"],
)
def test_normalises_base_url(
    in_file: str, override: str | None, base_url: str, base_path: str
) -> None:
    config = parse_config(f"title: T\nbase_url: {in_file!r}\n{SECTIONS}", base_url=override)
    assert (config.base_url, config.base_path) == (base_url, base_path)


def test_bad_base_url_override_has_no_location() -> None:
    with pytest.raises(BuildFailed) as info:
        parse_config(f"title: T\n{SECTIONS}", base_url="example.org")
    assert [d.location for d in info.value.diagnostics] == [None]


ONE_SECTION = "sections: [{key: a, title: A}]\n"
BAD_CASES = [
    pytest.param("", [1], id="empty-file"),
    pytest.param("# just a comment\n", [1], id="comment-only"),
    pytest.param("- title: T\n", [1], id="list"),
    pytest.param("\nJust a title\n", [2], id="scalar"),
    pytest.param("title: T\nsections: [a\n", [2], id="malformed-yaml"),
    pytest.param("title: T\n\ttimezone: x\n", [2], id="tab-indent"),
    pytest.param(f"title: A\n{ONE_SECTION}title: B\n", [3], id="duplicate-top-level-key"),
    pytest.param("description: d\n" + ONE_SECTION, [1], id="missing-title"),
    pytest.param(f"title: ''\n{ONE_SECTION}", [1], id="empty-title"),
    pytest.param(f"{ONE_SECTION}title: [a]\n", [2], id="title-list"),
    pytest.param("title: T\n", [1], id="missing-sections"),
    pytest.param("title: T\nsections: []\n", [2], id="empty-sections"),
    pytest.param("title: T\nsections: focus\n", [2], id="sections-scalar"),
    pytest.param(f"title: T\n{ONE_SECTION}paginate: ten\n", [3], id="paginate-str"),
    pytest.param(f"title: T\n{ONE_SECTION}paginate: true\n", [3], id="paginate-bool"),
    pytest.param(f"title: T\n{ONE_SECTION}paginate: 0\n", [3], id="paginate-zero"),
    pytest.param(f"title: T\n{ONE_SECTION}search: 'yes'\n", [3], id="search-str"),
    pytest.param(f"title: T\n{ONE_SECTION}allow_html: 1\n", [3], id="allow-html-int"),
    pytest.param(f"title: T\n{ONE_SECTION}params: [a]\n", [3], id="params-list"),
    pytest.param(f"title: T\n{ONE_SECTION}params: {{1: a}}\n", [3], id="params-int-key"),
    pytest.param(
        f"title: T\n{ONE_SECTION}params:\n  a: 1\n  2023: b\n", [5], id="params-int-key-line"
    ),
    pytest.param(f"title: T\n{ONE_SECTION}description: 3\n", [3], id="description-int"),
    pytest.param(f"title: T\n{ONE_SECTION}language: ''\n", [3], id="language-empty"),
    pytest.param(f"title: T\n{ONE_SECTION}timezone: Asia/Shanghia\n", [3], id="timezone-typo"),
    pytest.param(f"title: T\n{ONE_SECTION}timezone: ../etc\n", [3], id="timezone-path"),
    pytest.param(f"title: T\n{ONE_SECTION}timezone: 8\n", [3], id="timezone-int"),
    pytest.param(f"title: T\n{ONE_SECTION}base_url: example.org\n", [3], id="base-url-bare"),
    pytest.param(f"title: T\n{ONE_SECTION}base_url: ftp://x.org/\n", [3], id="base-url-ftp"),
    pytest.param(f"title: T\n{ONE_SECTION}base_url: //x.org/\n", [3], id="base-url-netpath"),
    pytest.param(f"title: T\n{ONE_SECTION}base_url: /a?b\n", [3], id="base-url-query"),
    pytest.param(f"title: T\n{ONE_SECTION}titel: U\n", [3], id="unknown-key"),
    pytest.param(
        "title: T\nsections:\n  - key: a\n    title: A\n  - just text\n", [5], id="section-scalar"
    ),
    pytest.param("title: T\nsections:\n  - title: A\n", [3], id="section-missing-key"),
    pytest.param("title: T\nsections:\n  - key: a\n", [3], id="section-missing-title"),
    pytest.param(
        "title: T\nsections:\n  - key: 本期关注\n    title: 本期关注\n", [3], id="section-bad-slug"
    ),
    pytest.param(
        "title: T\nsections:\n  - key: Focus\n    title: F\n", [3], id="section-uppercase-slug"
    ),
    pytest.param(
        "title: T\nsections:\n  - key: a\n    title: A\n    subtitel: S\n",
        [5],
        id="section-unknown-key",
    ),
    pytest.param(
        "title: T\nsections:\n  - key: a\n    title: A\n    subtitle: [S]\n",
        [5],
        id="section-subtitle-list",
    ),
    pytest.param(
        "title: T\nsections:\n  - key: a\n    title: A\n  - key: a\n    title: B\n",
        [5],
        id="section-duplicate-key",
    ),
    pytest.param(
        "title: T\nsections:\n  - key: a\n    title: A\n  - key: b\n    title: A\n",
        [5],
        id="section-duplicate-title",
    ),
    pytest.param(
        "title: T\nsections:\n  - key: a\n    title: A\n    key: b\n",
        [5],
        id="section-repeated-field",
    ),
    pytest.param(
        "titel: T\n"
        "sections:\n"
        "  - key: a\n"
        "    title: A\n"
        "  - key: a\n"
        "    title: ''\n"
        "paginate: ten\n"
        "timezone: Mars/Base\n",
        [1, 1, 5, 6, 7, 8],
        id="all-problems-collected",
    ),
]


@pytest.mark.parametrize(("text", "lines"), BAD_CASES)
def test_rejects_bad_site_yaml(text: str, lines: list[int]) -> None:
    with pytest.raises(BuildFailed) as info:
        parse_config(text)
    diagnostics = info.value.diagnostics
    assert all(d.severity is Severity.ERROR for d in diagnostics)
    places = [(d.location.path, d.location.line) if d.location else None for d in diagnostics]
    assert places == [(SITE_FILE, line) for line in lines]


def test_suggests_closest_known_key() -> None:
    with pytest.raises(BuildFailed) as info:
        parse_config(f"title: T\n{ONE_SECTION}paginte: 3\n")
    (diagnostic,) = info.value.diagnostics
    assert diagnostic.message == (
        "unknown key 'paginte', expected one of: allow_html, base_url, description, language, "
        "paginate, params, search, sections, timezone, title"
    )
    assert diagnostic.hint == "did you mean 'paginate'?"


def test_reports_type_with_found_and_expected() -> None:
    with pytest.raises(BuildFailed) as info:
        parse_config(f"title: T\n{ONE_SECTION}paginate: ten\n")
    (diagnostic,) = info.value.diagnostics
    assert diagnostic.message == "'paginate': got \"ten\" (str), expected an integer of at least 1"


def test_suggests_ascii_section_key() -> None:
    with pytest.raises(BuildFailed) as info:
        parse_config("title: T\nsections:\n  - key: 本期关注\n    title: 本期关注\n")
    (diagnostic,) = info.value.diagnostics
    assert diagnostic.hint == "try 'ben-qi-guan-zhu'"


def test_loads_site_yaml_from_root(tmp_path: Path) -> None:
    (tmp_path / SITE_FILE).write_bytes(
        "\ufefftitle: 周刊\r\nsections:\r\n  - key: a\r\n    title: A\r\n".encode()
    )
    config = load_config(tmp_path, base_url="/x")
    assert (config.title, config.base_url, config.sections[0].key) == ("周刊", "/x/", "a")


def test_missing_site_yaml_is_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path)
    assert info.value.location == Location(SITE_FILE)


def test_non_utf8_site_yaml_is_config_error_at_its_line(tmp_path: Path) -> None:
    (tmp_path / SITE_FILE).write_bytes("title: T\nsections: []\ndescription: 周刊\n".encode("gbk"))
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path)
    assert info.value.location == Location(SITE_FILE, 3)


def test_reads_the_bundled_sample_site_yaml() -> None:
    root = Path(__file__).resolve().parents[1]
    assert load_config(root).sections
