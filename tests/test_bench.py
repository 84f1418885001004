"""Tests of the benchmark corpus generator (bench/corpus.py); nothing here is timed."""

from __future__ import annotations

import ast
import importlib.util
import sys
import tomllib
from pathlib import Path
from types import ModuleType

import pytest

from bulletin_ssg.build import build_site

from .conftest import REPO, snapshot


def load_corpus() -> ModuleType:
    """bench/ is a folder of scripts, not a package: load corpus.py by path."""
    spec = importlib.util.spec_from_file_location("bench_corpus", REPO / "bench" / "corpus.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being made
    spec.loader.exec_module(module)
    return module


corpus = load_corpus()


def issue_sizes(root: Path) -> list[int]:
    """Articles per issue folder of a bulletin corpus, oldest issue first."""
    folders = sorted(p for p in (root / "content").iterdir() if p.is_dir())
    return [len(list(folder.glob("*.md"))) for folder in folders]


def test_same_arguments_give_a_byte_identical_tree(tmp_path: Path) -> None:
    corpus.generate(tmp_path / "a", 30, seed=7, flavours=corpus.FLAVOURS)
    corpus.generate(tmp_path / "b", 30, seed=7, flavours=corpus.FLAVOURS)
    first, second = snapshot(tmp_path / "a"), snapshot(tmp_path / "b")
    assert len(first) > 90
    assert first == second


def test_the_seed_changes_the_text(tmp_path: Path) -> None:
    corpus.generate(tmp_path / "a", 30, seed=1)
    corpus.generate(tmp_path / "b", 30, seed=2)
    assert snapshot(tmp_path / "a") != snapshot(tmp_path / "b")


def test_command_line_writes_the_same_tree(tmp_path: Path) -> None:
    assert corpus.main([str(tmp_path / "cli"), "--articles", "12", "--seed", "3"]) == 0
    corpus.generate(tmp_path / "api", 12, seed=3)
    assert snapshot(tmp_path / "cli") == snapshot(tmp_path / "api")


@pytest.mark.parametrize(
    ("articles", "per_issue", "sizes"),
    [
        (30, 10, [10, 10, 10]),
        (25, 10, [5, 10, 10]),
        (7, 3, [1, 3, 3]),
        (1, 10, [1]),
    ],
    ids=["whole-issues", "short-oldest-issue", "small-issues", "one-article"],
)
def test_article_and_issue_counts_are_as_asked(
    tmp_path: Path, articles: int, per_issue: int, sizes: list[int]
) -> None:
    roots = corpus.generate(tmp_path, articles, per_issue=per_issue, flavours=corpus.FLAVOURS)
    assert issue_sizes(roots["bulletin"]) == sizes
    assert len(list((roots["hugo"] / "content" / "posts").glob("*.md"))) == articles
    assert len(list((roots["pelican"] / "content").glob("*.md"))) == articles


def test_issues_are_weekly_back_from_the_sample_issue(tmp_path: Path) -> None:
    corpus.generate(tmp_path, 30)
    names = sorted(p.name for p in (tmp_path / "content").iterdir())
    assert names == ["2023-02-02", "2023-02-09", "2023-02-16"]


def test_bodies_stay_within_the_size_range(tmp_path: Path) -> None:
    corpus.generate(tmp_path, 60)
    low, high = corpus.BODY_BYTES
    for file in (tmp_path / "content").rglob("*.md"):
        body = file.read_bytes().split(b"\n---\n", 1)[1]
        assert low <= len(body) <= high, file


def test_bulletin_flavour_builds_without_diagnostics(tmp_path: Path) -> None:
    corpus.generate(tmp_path / "site", 30, seed=5)
    report = build_site(tmp_path / "site", tmp_path / "out")
    assert (report.articles, report.issues, report.warnings) == (30, 3, ())
    links = sum(
        page.read_text(encoding="utf-8").count('相关报道见本期<a href="/issues/')
        for page in (tmp_path / "out" / "issues").glob("*/*/index.html")
    )
    assert links > 0  # links between articles of an issue resolve to their pages


@pytest.mark.parametrize("forking", [True, False], ids=["forked-queue", "spawned-pool"])
def test_a_corpus_parsed_in_other_processes_builds_as_in_one_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, forking: bool
) -> None:
    """Enough articles are parsed in batches taken by forked processes as each gets free, or,
    where forking is unsafe (the dev server), by a spawned pool, whose results travel in
    pickles of the default protocol."""
    from bulletin_ssg import workers

    corpus.generate(tmp_path / "site", workers.POOL_THRESHOLD + 10, seed=3)
    build_site(tmp_path / "site", tmp_path / "one", jobs=1, cache=False)
    monkeypatch.setattr(workers, "can_fork", lambda: forking)
    report = build_site(tmp_path / "site", tmp_path / "many", jobs=2, cache=False)
    assert report.parsed == workers.POOL_THRESHOLD + 10
    assert snapshot(tmp_path / "many") == snapshot(tmp_path / "one")


def test_refuses_a_folder_it_did_not_make(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(SystemExit):
        corpus.generate(tmp_path, 5, force=True)
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "keep me"


def test_force_replaces_an_earlier_corpus(tmp_path: Path) -> None:
    corpus.generate(tmp_path, 20)
    with pytest.raises(SystemExit):
        corpus.generate(tmp_path, 10)
    corpus.generate(tmp_path, 10, force=True)
    assert issue_sizes(tmp_path) == [10]


def test_search_variant_shares_content_and_turns_search_on(tmp_path: Path) -> None:
    corpus.generate(tmp_path / "plain", 12)
    variant = corpus.search_variant(tmp_path / "plain", tmp_path / "search")
    assert "search: false" in (tmp_path / "plain" / "site.yaml").read_text(encoding="utf-8")
    assert "search: true" in (variant / "site.yaml").read_text(encoding="utf-8")
    assert (variant / "content").resolve() == (tmp_path / "plain" / "content").resolve()


@pytest.mark.parametrize(
    ("flavours", "expected"),
    [
        (["hugo"], {"hugo": "."}),
        (["pelican", "bulletin"], {"bulletin": "bulletin", "pelican": "pelican"}),
    ],
    ids=["one-flavour-in-place", "several-in-subfolders"],
)
def test_flavour_roots(flavours: list[str], expected: dict[str, str]) -> None:
    roots = corpus.flavour_roots(Path("out"), flavours)
    assert {k: v.relative_to("out").as_posix() for k, v in roots.items()} == expected


def test_other_flavours_name_the_same_sections() -> None:
    """The Hugo and Pelican configurations are static files; they must match SECTIONS."""
    themes = REPO / "bench" / "themes"
    wanted = {key: title for key, title, *_ in corpus.SECTIONS}
    hugo = tomllib.loads((themes / "hugo" / "hugo.toml").read_text(encoding="utf-8"))
    assert hugo["params"]["sectionTitles"] == wanted
    assert [m["name"] for m in hugo["menus"]["main"]] == list(wanted.values())
    conf = ast.parse((themes / "pelican" / "pelicanconf.py").read_text(encoding="utf-8"))
    pelican = next(
        ast.literal_eval(node.value)
        for node in conf.body
        if isinstance(node, ast.Assign) and ast.unparse(node.targets[0]) == "SECTION_TITLES"
    )
    assert pelican == wanted


def test_scale_script_builds_both_corpora_and_saves_the_ratio(tmp_path: Path) -> None:
    """bench/scale.py end to end on small corpora: rounds of small, large, small."""
    import json
    import subprocess

    saved = tmp_path / "scale.json"
    done = subprocess.run(
        [sys.executable, REPO / "bench" / "scale.py", "--articles", "20", "--factor", "3",
         "--rounds", "1", "--quiet-wait", "0", "--work", tmp_path / "work", "--json", saved],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    results = json.loads(saved.read_text(encoding="utf-8"))
    assert results["articles"] == {"small": 20, "large": 60}
    assert results["tool"] == "bulletin" and results["version"].startswith("bulletin")
    assert [len(results["builds"][name]["samples"]) for name in ("small", "large")] == [2, 1]
    large, small = (results["builds"][name]["median"]["wall"] for name in ("large", "small"))
    assert results["ratio"] == round(large / small, 3)
    assert f"ratio {results['ratio']:.2f}" in done.stdout
    assert not (tmp_path / "work" / "trash").exists()
