"""What one build hands the next: article records saved per issue folder, only when changed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bulletin_ssg.build import build_site
from bulletin_ssg.buildstate import RECORDS_INDEX, BuildState, scan
from bulletin_ssg.cache import CACHE_DIR


@pytest.fixture(autouse=True)
def private_key_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))


def record_files(site: Path) -> dict[str, int]:
    """Each file of article records with its inode (a rewrite gives a new one)."""
    return {p.name: p.stat().st_ino for p in sorted((site / CACHE_DIR).glob("articles-*.pickle"))}


def build(site: Path) -> None:
    build_site(site, site / "public", environ={})


@pytest.fixture
def built(sample_site: Path) -> Path:
    shutil.rmtree(sample_site / CACHE_DIR, ignore_errors=True)
    build(sample_site)
    return sample_site


def test_records_are_kept_in_one_file_per_issue_folder(built: Path) -> None:
    issues = [p for p in (built / "content").iterdir() if p.is_dir()]
    assert len(record_files(built)) == len(issues)
    records = BuildState(built).records()
    assert {path.split("/")[1] for path in records} == {p.name for p in issues}


def test_an_edit_rewrites_only_its_issue_records(built: Path) -> None:
    before = record_files(built)
    file = built / "content/2024-05-02/market.md"
    file.write_text(file.read_text(encoding="utf-8") + "\n补记。\n", encoding="utf-8")
    build(built)
    after = record_files(built)
    assert after.keys() == before.keys()
    changed = [name for name in after if after[name] != before[name]]
    assert len(changed) == 1
    assert BuildState(built).records()["content/2024-05-02/market.md"].size == file.stat().st_size


def test_a_build_that_reads_no_article_anew_rewrites_no_records(built: Path) -> None:
    before = record_files(built)
    index = (built / CACHE_DIR / f"{RECORDS_INDEX}.pickle").stat().st_ino
    (built / "assets").mkdir(exist_ok=True)
    (built / "assets/extra.txt").write_text("新\n", encoding="utf-8")  # the build runs
    build(built)
    assert (built / "public/assets/extra.txt").exists()
    assert record_files(built) == before
    assert (built / CACHE_DIR / f"{RECORDS_INDEX}.pickle").stat().st_ino == index


def test_a_deleted_issue_folder_loses_its_records(built: Path) -> None:
    before = record_files(built)
    shutil.rmtree(built / "content/2024-05-16")
    build(built)
    after = record_files(built)
    assert len(after) == len(before) - 1
    assert not any(path.startswith("content/2024-05-16/") for path in BuildState(built).records())


def test_records_of_another_tool_version_are_replaced_and_stale_ones_removed(
    built: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import bulletin_ssg.cache as cache

    before = record_files(built)
    shutil.rmtree(built / "content/2024-05-16")
    monkeypatch.setattr(cache, "tool_fingerprint", lambda: b"another version")
    build(built)
    after = record_files(built)
    assert len(after) == len(before) - 1
    records = BuildState(built).records()  # readable by this version
    assert records
    assert not any(path.startswith("content/2024-05-16/") for path in records)


@pytest.mark.parametrize("relative", [False, True], ids=["absolute", "relative"])
def test_scan_lists_every_file_by_its_path_from_the_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, relative: bool
) -> None:
    (tmp_path / "content/2024-05-02/bundle").mkdir(parents=True)
    (tmp_path / "content/2024-05-02/a.md").write_text("甲", encoding="utf-8")
    (tmp_path / "content/2024-05-02/bundle/index.md").write_text("ab", encoding="utf-8")
    (tmp_path / "content/issue.yaml").write_text("", encoding="utf-8")
    if relative:
        monkeypatch.chdir(tmp_path)
    root = Path(".") if relative else tmp_path
    found = scan(root, root / "content")
    assert [(path, size) for path, size, _ in found] == [
        ("content/2024-05-02/a.md", 3),
        ("content/2024-05-02/bundle/index.md", 2),
        ("content/issue.yaml", 0),
    ]
    assert all(mtime > 0 for _, _, mtime in found)
