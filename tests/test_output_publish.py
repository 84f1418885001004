"""Incremental publishing: verify trusts only untouched files, publish writes only what changed,
and the manifest it returns lists exactly what is on disk."""

from __future__ import annotations

import os
import pickle
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from bulletin_ssg.errors import OutputError
from bulletin_ssg.model import OutputFile
from bulletin_ssg.output import Publication, check_path, publish
from bulletin_ssg.published import Manifest, verify

from .conftest import snapshot

SITE = {
    "index.html": "home",
    "feed.xml": "feed",
    "issues/2024-05-02/index.html": "issue",
    "issues/2024-05-02/market/index.html": "market",
    "issues/2024-05-09/index.html": "issue 2",
    "sections/news/index.html": "news",
    "sections/news/page/2/index.html": "news 2",
}


def pages(texts: dict[str, str]) -> list[OutputFile]:
    return [OutputFile(path=p, content=t.encode(), origin=f"test:{p}") for p, t in texts.items()]


def first(out: Path, texts: dict[str, str] = SITE) -> Publication:
    return publish(pages(texts), out, verified=None)


def again(out: Path, manifest: Manifest, texts: dict[str, str]) -> Publication:
    return publish(pages(texts), out, verified=verify(out, manifest))


def on_disk(out: Path) -> tuple[dict[str, tuple[int, int, int]], dict[str, int]]:
    """A manifest of `out` surveyed from scratch: files' stat keys, folders' mtimes."""
    files: dict[str, tuple[int, int, int]] = {}
    dirs = {"": out.stat().st_mtime_ns}
    for path in out.rglob("*"):
        rel = path.relative_to(out).as_posix()
        st = path.lstat()
        if path.is_dir():
            dirs[rel] = st.st_mtime_ns
        else:
            files[rel] = (st.st_size, st.st_mtime_ns, st.st_ino)
    return files, dirs


def assert_manifest_matches_disk(manifest: Manifest, out: Path) -> None:
    files, dirs = on_disk(out)
    assert {p: (e.size, e.mtime_ns, e.ino) for p, e in manifest.files.items()} == files
    assert dict(manifest.dirs) == dirs


EDITS: dict[str, dict[str, str]] = {
    "nothing": SITE,
    "one-page": SITE | {"issues/2024-05-02/market/index.html": "market, edited"},
    "new-folders": SITE | {"issues/2024-05-16/new/index.html": "new", "robots.txt": "r"},
    "removed-folder": {p: t for p, t in SITE.items() if not p.startswith("sections/")},
    "removed-nested": {p: t for p, t in SITE.items() if "page/2" not in p},
    "everything": {p: t + "!" for p, t in SITE.items()},
}


@pytest.mark.parametrize("texts", list(EDITS.values()), ids=list(EDITS))
def test_manifest_lists_exactly_what_is_published(texts: dict[str, str], tmp_path: Path) -> None:
    out = tmp_path / "public"
    made = first(out)
    assert_manifest_matches_disk(made.manifest, out)
    result = again(out, made.manifest, texts)
    assert snapshot(out) == {p: t.encode() for p, t in texts.items()}
    assert_manifest_matches_disk(result.manifest, out)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["public"]


def test_writes_only_files_whose_bytes_changed(tmp_path: Path) -> None:
    out = tmp_path / "public"
    made = first(out)
    before = {p: os.stat(out / p).st_ino for p in SITE}
    result = again(out, made.manifest, SITE | {"feed.xml": "feed 2"})
    assert result.written == 1
    after = {p: os.stat(out / p).st_ino for p in SITE}
    assert {p for p in SITE if before[p] != after[p]} == {"feed.xml"}


def tamper_edit(out: Path) -> None:
    page = out / "index.html"
    page.write_text("changed by hand", encoding="utf-8")


def tamper_touch(out: Path) -> None:
    st = (out / "index.html").stat()
    os.utime(out / "index.html", ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))


def tamper_delete(out: Path) -> None:
    (out / "issues/2024-05-02/market/index.html").unlink()


def tamper_stranger(out: Path) -> None:
    (out / "issues/2024-05-02/stranger.html").write_text("x", encoding="utf-8")


def tamper_stranger_folder(out: Path) -> None:
    (out / "sections/news/extra/deep").mkdir(parents=True)
    (out / "sections/news/extra/deep/file.txt").write_text("x", encoding="utf-8")


def tamper_folder_for_file(out: Path) -> None:
    (out / "feed.xml").unlink()
    (out / "feed.xml").mkdir()
    (out / "feed.xml" / "inside.txt").write_text("x", encoding="utf-8")


def tamper_file_for_folder(out: Path) -> None:
    shutil.rmtree(out / "sections/news/page")
    (out / "sections/news/page").write_text("x", encoding="utf-8")


def tamper_removed_folder(out: Path) -> None:
    shutil.rmtree(out / "issues/2024-05-02")


Tamper = Callable[[Path], None]
TAMPERING: dict[str, tuple[Tamper, set[str], set[str]]] = {
    # name: (tamper, files no longer trusted, strangers found)
    "edit": (tamper_edit, {"index.html"}, {"index.html"}),
    "touch": (tamper_touch, {"index.html"}, {"index.html"}),
    "delete": (tamper_delete, {"issues/2024-05-02/market/index.html"}, set()),
    "stranger": (tamper_stranger, set(), {"issues/2024-05-02/stranger.html"}),
    "stranger-folder": (tamper_stranger_folder, set(), {"sections/news/extra"}),
    "folder-for-file": (tamper_folder_for_file, {"feed.xml"}, {"feed.xml"}),
    "file-for-folder": (
        tamper_file_for_folder,
        {"sections/news/page/2/index.html"},
        {"sections/news/page"},
    ),
    "removed-folder": (
        tamper_removed_folder,
        {"issues/2024-05-02/index.html", "issues/2024-05-02/market/index.html"},
        set(),
    ),
}


@pytest.mark.parametrize(
    ("tamper", "untrusted", "strangers"), list(TAMPERING.values()), ids=list(TAMPERING)
)
def test_verify_finds_hand_changes_and_publish_repairs_them(
    tamper: Tamper, untrusted: set[str], strangers: set[str], tmp_path: Path
) -> None:
    out = tmp_path / "public"
    made = first(out)
    expected = snapshot(out)
    tamper(out)
    verified = verify(out, made.manifest)
    assert verified is not None
    assert set(made.manifest.files) - set(verified.trusted) == untrusted
    assert verified.strangers == strangers
    result = publish(pages(SITE), out, verified=verified)
    assert snapshot(out) == expected
    assert_manifest_matches_disk(result.manifest, out)
    repaired = verify(out, result.manifest)
    assert repaired is not None
    assert not repaired.strangers
    assert set(repaired.trusted) == set(SITE)


def test_a_stranger_added_after_publishing_is_found(tmp_path: Path) -> None:
    out = tmp_path / "public"
    made = first(out)
    result = again(out, made.manifest, SITE | {"feed.xml": "feed 2"})
    (out / "sections/news/page/stranger.html").write_text("x", encoding="utf-8")
    verified = verify(out, result.manifest)
    assert verified is not None
    assert verified.strangers == {"sections/news/page/stranger.html"}


def test_nothing_to_verify_without_a_manifest_or_folder(tmp_path: Path) -> None:
    out = tmp_path / "public"
    assert verify(out, None) is None
    made = first(out)
    shutil.rmtree(out)
    assert verify(out, made.manifest) is None


def test_kept_files_stay_as_published(tmp_path: Path) -> None:
    out = tmp_path / "public"
    made = first(out)
    verified = verify(out, made.manifest)
    kept = ["issues/2024-05-02/market/index.html", "sections/news/./index.html"]
    rest = {p: t for p, t in SITE.items() if p not in {check_path(k) for k in kept}}
    result = publish(pages(rest), out, verified=verified, kept=kept)
    assert result.written == 0
    assert snapshot(out) == {p: t.encode() for p, t in SITE.items()}
    assert_manifest_matches_disk(result.manifest, out)


@pytest.mark.parametrize(
    "kept",
    ["missing.html", "index.html", "../index.html"],
    ids=["never-published", "also-given", "escapes"],
)
def test_refuses_to_keep_what_is_not_a_trusted_file(kept: str, tmp_path: Path) -> None:
    out = tmp_path / "public"
    made = first(out)
    before = snapshot(out)
    with pytest.raises(OutputError):
        publish(pages(SITE), out, verified=verify(out, made.manifest), kept=[kept])
    assert snapshot(out) == before


def test_a_failed_publish_leaves_the_folder_as_it_was(tmp_path: Path) -> None:
    out = tmp_path / "public"
    made = first(out)
    before = snapshot(out)
    stats = {p: os.stat(out / p) for p in SITE}
    broken = OutputFile(path="img/photo.png", copy_from=str(tmp_path / "missing.png"))
    with pytest.raises(OutputError):
        publish(
            [*pages(SITE | {"index.html": "new", "new/index.html": "n"}), broken],
            out,
            verified=verify(out, made.manifest),
        )
    assert snapshot(out) == before
    assert {p: os.stat(out / p) for p in SITE} == stats
    assert sorted(p.name for p in tmp_path.iterdir()) == ["public"]


def test_copies_files_and_rewrites_one_whose_source_changed(tmp_path: Path) -> None:
    source = tmp_path / "style.css"
    source.write_text("a {}", encoding="utf-8")
    out = tmp_path / "public"
    asset = OutputFile(path="assets/style.css", copy_from=str(source))
    made = publish([*pages(SITE), asset], out, verified=None)
    same = publish([*pages(SITE), asset], out, verified=verify(out, made.manifest))
    assert same.written == 0
    source.write_text("b { color: red }", encoding="utf-8")
    result = publish([*pages(SITE), asset], out, verified=verify(out, same.manifest))
    assert result.written == 1
    assert (out / "assets/style.css").read_text(encoding="utf-8") == "b { color: red }"
    assert_manifest_matches_disk(result.manifest, out)


@pytest.mark.parametrize(
    ("path", "normal"),
    [
        ("index.html", "index.html"),
        ("a/./b.html", "a/b.html"),
        ("a//b.html", "a/b.html"),
        ("a/b/", "a/b"),
        ("a/x/../b.html", "a/b.html"),
        ("./a.html", "a.html"),
        (".well-known/x", ".well-known/x"),
        ("a/..b/c", "a/..b/c"),
        ("a/b:c", "a/b:c"),
        ("资讯/页.html", "资讯/页.html"),
    ],
    ids=["plain", "dot", "double-slash", "trailing-slash", "parent-inside", "leading-dot",
         "dot-name", "dotdot-name-inside", "colon-inside", "non-ascii"],
)  # fmt: skip
def test_normalises_safe_paths(path: str, normal: str) -> None:
    assert check_path(path) == normal


@pytest.mark.parametrize(
    "path",
    ["..a/b", "a:b/c", "//a", "a/../..", "a\\b"],
    ids=["dotdot-name-first", "colon-first", "double-root", "climbs-out", "backslash-inside"],
)
def test_refuses_unsafe_paths(path: str) -> None:
    with pytest.raises(OutputError):
        check_path(path)


@pytest.mark.parametrize("first_build", [True, False], ids=["first", "later"])
def test_a_file_where_a_folder_must_be_fails_and_changes_nothing(
    first_build: bool, tmp_path: Path
) -> None:
    out = tmp_path / "public"
    verified = None
    if not first_build:
        verified = verify(out, first(out).manifest)
    before = snapshot(out) if out.exists() else None
    with pytest.raises(OutputError):
        publish(pages(SITE | {"issues": "a file", "issues/x.html": "x"}), out, verified=verified)
    assert (snapshot(out) if out.exists() else None) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ([] if first_build else ["public"])


def test_a_manifest_comes_back_from_a_pickle_as_it_was(tmp_path: Path) -> None:
    source = tmp_path / "style.css"
    source.write_text("a {}", encoding="utf-8")
    out = tmp_path / "public"
    asset = OutputFile(path="assets/style.css", copy_from=str(source))
    made = publish([*pages(SITE), asset], out, marks={"index.html": b"mark"}, verified=None)
    loaded = pickle.loads(pickle.dumps(made.manifest, protocol=pickle.HIGHEST_PROTOCOL))
    assert loaded == made.manifest
    assert loaded.files["index.html"].mark == b"mark"
    assert loaded.files["assets/style.css"].digest == b""


@pytest.mark.parametrize(
    ("tamper", "untrusted", "strangers"), list(TAMPERING.values()), ids=list(TAMPERING)
)
def test_a_publish_without_a_manifest_over_a_folder_makes_it_exactly_the_site(
    tamper: Tamper, untrusted: set[str], strangers: set[str], tmp_path: Path
) -> None:
    out = tmp_path / "public"
    first(out)
    expected = snapshot(out)
    tamper(out)
    result = publish(pages(SITE), out, verified=None)
    assert snapshot(out) == expected
    assert_manifest_matches_disk(result.manifest, out)
    again = verify(out, result.manifest)
    assert again is not None
    assert (set(again.trusted), again.strangers) == (set(SITE), frozenset())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["public"]


def test_a_publish_without_a_manifest_writes_only_files_whose_bytes_differ(
    tmp_path: Path,
) -> None:
    out = tmp_path / "public"
    first(out)
    (out / "index.html").write_text("an older home page", encoding="utf-8")
    (tmp_path / "elsewhere.xml").write_text(SITE["feed.xml"], encoding="utf-8")
    (out / "feed.xml").unlink()
    (out / "feed.xml").symlink_to(tmp_path / "elsewhere.xml")
    before = {p: os.stat(out / p).st_ino for p in SITE}
    result = publish(pages(SITE), out, verified=None)
    assert result.written == 2
    assert not (out / "feed.xml").is_symlink()
    after = {p: os.stat(out / p).st_ino for p in SITE}
    assert {p for p in SITE if before[p] != after[p]} == {"index.html", "feed.xml"}
    assert snapshot(out) == {p: t.encode() for p, t in SITE.items()}


def test_a_failed_publish_without_a_manifest_leaves_the_folder_as_it_was(tmp_path: Path) -> None:
    out = tmp_path / "public"
    first(out)
    (out / "stranger.html").write_text("x", encoding="utf-8")
    before = snapshot(out)
    stats = {p: os.stat(out / p) for p in before}
    broken = OutputFile(path="img/photo.png", copy_from=str(tmp_path / "missing.png"))
    with pytest.raises(OutputError):
        publish([*pages(SITE | {"index.html": "new"}), broken], out, verified=None)
    assert {p: os.stat(out / p) for p in before} == stats
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["public"]
