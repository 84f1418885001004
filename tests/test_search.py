"""The Pagefind index: file set, which pages, result URLs, Chinese segmentation, determinism."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest

from bulletin_ssg.errors import OutputError
from bulletin_ssg.model import OutputFile
from bulletin_ssg.search import (
    build_search_index,
    is_extended,
    pagefind_binary,
    require_binary,
)

PAGE = (
    '<!doctype html><html lang="zh-CN"><head><title>{title} · 党建周刊</title></head>'
    "<body><nav>首页 本期关注 往期回顾</nav><main><article data-pagefind-body>"
    "<h1>{title}</h1>{body}</article></main></body></html>"
)
PAGES = (
    OutputFile(
        path="issues/2023-02-16/hongxingdai/index.html",
        content=PAGE.format(
            title="红星贷新规出台", body="<p>沈阳推出红星贷，小微企业融资更方便。长江大桥通车。</p>"
        ).encode(),
    ),
    OutputFile(
        path="issues/2023-02-16/industry-committee/index.html",
        content=PAGE.format(title="产业联合党委", body="<p>古籍整理与地方志编纂。</p>").encode(),
    ),
    # no data-pagefind-body: not indexed
    OutputFile(path="index.html", content="<html><body><p>首页导航</p></body></html>".encode()),
    OutputFile(path="assets/site.css", content=b"body{}"),
)


def unpack(file: OutputFile) -> Any:
    """A .pf_fragment's JSON: gzip, then the `pagefind_dcd` signature."""
    data = gzip.decompress(file.content)
    assert data.startswith(b"pagefind_dcd")
    return json.loads(data[len(b"pagefind_dcd") :])


def fragments(files: tuple[OutputFile, ...]) -> dict[str, Any]:
    """Fragment JSON by result URL."""
    found = (unpack(f) for f in files if f.path.endswith(".pf_fragment"))
    return {fragment["url"]: fragment for fragment in found}


@pytest.fixture(scope="module")
def index() -> tuple[OutputFile, ...]:
    return build_search_index(PAGES, language="zh-CN", base_path="/paper/")


def test_returns_the_pagefind_bundle_sorted(index: tuple[OutputFile, ...]) -> None:
    paths = [f.path for f in index]
    assert paths == sorted(paths)
    assert all(p.startswith("pagefind/") for p in paths)
    for expected in (
        "pagefind/pagefind.js",
        "pagefind/pagefind-ui.js",
        "pagefind/pagefind-ui.css",
        "pagefind/pagefind-worker.js",
        "pagefind/pagefind-entry.json",
    ):
        assert expected in paths
    assert sum(p.startswith("pagefind/index/zh-cn_") for p in paths) >= 1
    assert sum(p.startswith("pagefind/fragment/zh-cn_") for p in paths) == 2
    assert sum(p.endswith(".pf_meta") for p in paths) == 1
    assert all(f.content and f.copy_from is None for f in index)


def test_indexes_only_marked_pages_in_the_forced_language(index: tuple[OutputFile, ...]) -> None:
    entry = json.loads(next(f for f in index if f.path == "pagefind/pagefind-entry.json").content)
    assert list(entry["languages"]) == ["zh-cn"]
    assert entry["languages"]["zh-cn"]["page_count"] == 2


def test_result_urls_carry_the_base_path(index: tuple[OutputFile, ...]) -> None:
    found = fragments(index)
    assert sorted(found) == [
        "/paper/issues/2023-02-16/hongxingdai/",
        "/paper/issues/2023-02-16/industry-committee/",
    ]
    assert found["/paper/issues/2023-02-16/hongxingdai/"]["meta"]["title"] == "红星贷新规出台"


def test_indexes_the_article_not_the_navigation(index: tuple[OutputFile, ...]) -> None:
    content = fragments(index)["/paper/issues/2023-02-16/industry-committee/"]["content"]
    assert "古籍" in content
    assert "往期回顾" not in content


def test_binary_is_the_extended_build() -> None:
    binary = pagefind_binary()
    assert binary is not None
    assert is_extended(binary), binary


def test_segments_chinese_words(index: tuple[OutputFile, ...]) -> None:
    # The extended binary puts a zero-width space between the words it finds; the plain one
    # keeps 长江大桥通车 as one "word", and a search for 大桥 then finds nothing.
    content = fragments(index)["/paper/issues/2023-02-16/hongxingdai/"]["content"]
    assert "长江\u200b大桥\u200b通车" in content


def test_root_base_path_gives_root_urls() -> None:
    found = fragments(build_search_index(PAGES[:1], language="zh-CN"))
    assert list(found) == ["/issues/2023-02-16/hongxingdai/"]


def test_same_bytes_in_any_input_order(index: tuple[OutputFile, ...]) -> None:
    again = build_search_index(tuple(reversed(PAGES)), language="zh-CN", base_path="/paper/")
    assert again == index


def test_no_marked_pages_still_gives_the_scripts() -> None:
    paths = [f.path for f in build_search_index(PAGES[2:], language="zh-CN")]
    assert "pagefind/pagefind-ui.js" in paths
    assert not any(p.endswith(".pf_fragment") for p in paths)


@pytest.mark.parametrize(
    "path", ["../escape/index.html", "/etc/index.html"], ids=["parent", "absolute"]
)
def test_rejects_page_paths_outside_the_output(path: str) -> None:
    page = OutputFile(path=path, content=PAGES[0].content)
    with pytest.raises(OutputError) as caught:
        build_search_index((page,), language="zh-CN")
    assert caught.value.location is None


@pytest.mark.parametrize(
    ("language", "fails"),
    [("zh-cn", True), ("ja", True), ("en", False)],
    ids=["chinese", "japanese", "english"],
)
def test_requires_the_extended_binary_for_unspaced_languages(
    language: str, fails: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plain = tmp_path / "pagefind"
    plain.write_bytes(b"")
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(plain))
    if not fails:
        require_binary(language)
        return
    with pytest.raises(OutputError) as caught:
        require_binary(language)
    assert caught.value.location is not None
    assert (caught.value.location.path, caught.value.location.line) == ("site.yaml", None)
