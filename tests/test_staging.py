"""Pages written into a stage as they are rendered, then published: the same folder and
manifest as publishing them from memory, and nothing left behind when a build fails."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from bulletin_ssg import workers
from bulletin_ssg.build import build_site
from bulletin_ssg.errors import LayoutError, OutputError
from bulletin_ssg.model import OutputFile
from bulletin_ssg.output import Publication, publish, stage_for
from bulletin_ssg.published import Manifest, digest_of, verify
from bulletin_ssg.staging import Stage, Staged

from .conftest import snapshot
from .test_output_publish import SITE, assert_manifest_matches_disk, first, pages

MakeSite = Callable[[dict[str, str | bytes]], Path]


def beside(out: Path) -> list[str]:
    """What is in the output folder's parent besides it (stages left behind)."""
    return sorted(p.name for p in out.parent.iterdir() if p != out)


def test_a_page_is_written_into_the_stage_with_its_stat(tmp_path: Path) -> None:
    stage = Stage(tmp_path / "public", {})
    staged = stage.put(OutputFile(path="issues/a/index.html", content=b"a", origin="test"))
    assert isinstance(staged, Staged)
    written = Path(stage.folder, "issues/a/index.html")
    st = written.stat()
    assert written.read_bytes() == b"a"
    assert staged == Staged("issues/a/index.html", digest_of(b"a"), (1, st.st_mtime_ns, st.st_ino),
                            "test")  # fmt: skip
    stage.close()
    assert not Path(stage.folder).exists()


def test_a_page_with_the_published_bytes_is_not_written(tmp_path: Path) -> None:
    out = tmp_path / "public"
    made = first(out)
    stage = Stage(out, made.manifest.files)
    staged = stage.put(OutputFile(path="feed.xml", content=b"feed"))
    assert staged == Staged("feed.xml", digest_of(b"feed"), None, "")
    assert not any(Path(stage.folder).iterdir())
    assert stage.read(staged, out) == b"feed"  # type: ignore[arg-type]
    stage.close()


def test_a_page_that_cannot_be_written_there_is_given_back(tmp_path: Path) -> None:
    stage = Stage(tmp_path / "public", {})
    Path(stage.folder, "a").write_bytes(b"a file where a folder is wanted")
    page = OutputFile(path="a/index.html", content=b"x")
    assert stage.put(page) is page
    with pytest.raises(OutputError, match="escape"):
        stage.put(OutputFile(path="../out.html", content=b"x"))
    stage.close()


def staged_publish(
    out: Path, texts: dict[str, str], manifest: Manifest | None, *, feed_in_memory: bool
) -> Publication:
    """Publish `texts` the way a build does: pages into a stage, then publish."""
    verified = verify(out, manifest)
    stage = stage_for(out, verified)
    assert stage is not None
    try:
        files = [
            file if feed_in_memory and file.path == "feed.xml" else stage.put(file)
            for file in pages(texts)
        ]
        return publish(files, out, verified=verified, stage=stage)
    finally:
        stage.close()


@pytest.mark.parametrize("memory", [False, True], ids=["all-staged", "feed-in-memory"])
def test_staged_pages_publish_as_pages_from_memory_do(memory: bool, tmp_path: Path) -> None:
    out = tmp_path / "public"
    made = staged_publish(out, SITE, None, feed_in_memory=memory)
    assert made.written == len(SITE)
    assert snapshot(out) == {p: t.encode() for p, t in SITE.items()}
    assert_manifest_matches_disk(made.manifest, out)
    inodes = {p: os.stat(out / p).st_ino for p in SITE}
    edited = SITE | {"issues/2024-05-02/market/index.html": "market, edited", "new.html": "n"}
    again = staged_publish(out, edited, made.manifest, feed_in_memory=memory)
    assert again.written == 2
    assert snapshot(out) == {p: t.encode() for p, t in edited.items()}
    assert_manifest_matches_disk(again.manifest, out)
    changed = {p for p in SITE if os.stat(out / p).st_ino != inodes[p]}
    assert changed == {"issues/2024-05-02/market/index.html"}
    assert beside(out) == []


def test_staged_pages_need_their_stage(tmp_path: Path) -> None:
    out = tmp_path / "public"
    stage = Stage(out, {})
    staged = stage.put(OutputFile(path="index.html", content=b"home"))
    with pytest.raises(OutputError, match="not staged"):
        publish([staged], out)
    (out / "old.html").parent.mkdir()
    (out / "old.html").write_bytes(b"no manifest knows me")
    assert stage_for(out, None) is None
    with pytest.raises(OutputError, match="pages cannot be staged"):
        publish([staged], out, stage=stage)
    stage.close()


def test_a_build_that_fails_while_rendering_leaves_no_stage(
    make_site: MakeSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(workers, "FORK_THRESHOLD", 2)
    monkeypatch.setattr(workers, "can_fork", lambda: True)  # see tests/test_workers.py
    files: dict[str, str | bytes] = {
        "site.yaml": "title: 试刊\nsearch: false\nsections:\n  - {key: news, title: 要闻}\n",
        "layouts/article.html": "{{ article.title }}{{ no_such_value.x }}",
    }
    for day in range(1, 8):
        front = f"title: 第{day}篇\nsection: news"
        files[f"content/2024-05-0{day}/a.md"] = f"---\n{front}\n---\n正文。\n"
    site = make_site(files)
    out = tmp_path / "public"
    with pytest.raises(LayoutError):
        build_site(site, out, jobs=2, environ={})
    assert not out.exists()
    assert beside(out) == ["site"]


def test_a_stage_that_cannot_be_made_is_an_output_error(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("not a folder", encoding="utf-8")
    with pytest.raises(OutputError, match="cannot write the site to"):
        stage_for(tmp_path / "a-file" / "public", None)
