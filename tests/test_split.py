"""Reading and splitting article files in batches (articles.split_many)."""

from __future__ import annotations

import os
import resource
from pathlib import Path

import pytest

from bulletin_ssg import articles
from bulletin_ssg.articles import SplitTask, split_many, split_one

GOOD = "---\ntitle: 标题{n}\nsection: focus\n---\n正文第{n}段。\n"


def tasks_for(folder: Path, count: int, *, broken: bool = True) -> list[SplitTask]:
    """`count` good articles as SplitTasks; with `broken`, a missing file, a file not in UTF-8
    and one without front matter among them, from the third on."""
    names = []
    for n in range(count):
        (folder / f"a{n}.md").write_text(GOOD.format(n=n), encoding="utf-8")
        names.append(f"a{n}.md")
    if broken:
        (folder / "gbk.md").write_bytes("---\ntitle: 标题\n---\n".encode("gb18030"))
        (folder / "bare.md").write_text("没有前言\n", encoding="utf-8")
        names[2:2] = ["missing.md", "gbk.md", "bare.md"]
    return [SplitTask(file=str(folder / name), path=f"content/{name}") for name in names]


def open_descriptors() -> int:
    return len(os.listdir("/proc/self/fd"))


@pytest.fixture
def asked(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the files asked of the disk (posix_fadvise WILLNEED), in order."""
    names: list[str] = []
    advise = os.posix_fadvise

    def recording(fd: int, offset: int, length: int, advice: int) -> None:
        assert advice == os.POSIX_FADV_WILLNEED
        names.append(os.path.basename(os.readlink(f"/proc/self/fd/{fd}")))
        advise(fd, offset, length, advice)

    monkeypatch.setattr(os, "posix_fadvise", recording)
    return names


def test_a_batch_gives_what_each_file_gives_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(articles, "READ_AHEAD", 4)
    tasks = tasks_for(tmp_path, 10)
    outcomes = split_many(tasks)
    assert outcomes == [split_one(task) for task in tasks]
    missing = outcomes[2].problem
    assert missing is not None
    assert missing.message == "cannot read file: No such file or directory"
    assert str(missing.location) == "content/missing.md"
    assert outcomes[0].front is not None and outcomes[0].front[0]["title"] == "标题0"


@pytest.mark.skipif(not hasattr(os, "posix_fadvise"), reason="no posix_fadvise here")
def test_the_next_files_are_asked_for_before_one_is_split(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, asked: list[str]
) -> None:
    monkeypatch.setattr(articles, "READ_AHEAD", 4)
    tasks = tasks_for(tmp_path, 10, broken=False)
    seen: list[int] = []
    split = articles.split

    def counting(text: str, path: str) -> object:
        seen.append(len(asked))
        return split(text, path)

    monkeypatch.setattr(articles, "split", counting)
    split_many(tasks)
    assert asked == [os.path.basename(task.file) for task in tasks]  # each once, in order
    # when the n-th file is split, it and the 3 after it have been asked for
    assert seen == [4, 5, 6, 7, 8, 9, 10, 10, 10, 10]


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs /proc/self/fd")
def test_no_descriptor_is_left_open_even_when_interrupted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tasks = tasks_for(tmp_path, 20)
    before = open_descriptors()
    split_many(tasks)
    assert open_descriptors() == before
    calls = 0
    split = articles.split

    def interrupted(text: str, path: str) -> object:
        nonlocal calls
        calls += 1
        if calls == 3:
            raise KeyboardInterrupt
        return split(text, path)

    monkeypatch.setattr(articles, "split", interrupted)
    with pytest.raises(KeyboardInterrupt):
        split_many(tasks)
    assert open_descriptors() == before


@pytest.mark.parametrize(
    ("soft", "expected"),
    [(resource.RLIM_INFINITY, articles.READ_AHEAD), (4096, articles.READ_AHEAD), (256, 64), (2, 1)],
)
def test_files_asked_for_ahead_stay_within_the_descriptor_limit(
    soft: int, expected: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(resource, "getrlimit", lambda _: (soft, resource.RLIM_INFINITY))
    assert articles.read_ahead() == expected


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs /proc/self/fd")
@pytest.mark.skipif(not hasattr(os, "posix_fadvise"), reason="no posix_fadvise here")
def test_asking_for_a_file_leaves_nothing_open(tmp_path: Path, asked: list[str]) -> None:
    (tmp_path / "a.md").write_text(GOOD.format(n=1), encoding="utf-8")
    before = open_descriptors()
    articles.ask_for(str(tmp_path / "a.md"))
    articles.ask_for(str(tmp_path / "missing.md"))  # nothing to ask for, and no error
    assert asked == ["a.md"]
    assert open_descriptors() == before
