from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from watchdog.events import (
    DirCreatedEvent,
    DirModifiedEvent,
    FileClosedEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileOpenedEvent,
    FileSystemEvent,
)

from bulletin_ssg.errors import Diagnostic, Location, error
from bulletin_ssg.watch import (
    Batcher,
    ChangeKind,
    RebuildLoop,
    Watcher,
    classify,
    event_paths,
)

ROOT = Path("/site")
WAIT = 10.0  # generous upper bound for the file system to report; never a timing assertion


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/site/content/2023-02-16/a.md", ChangeKind.CONTENT),
        ("content/2023-02-16/a.md", ChangeKind.CONTENT),
        ("/site/content/2023-02-16/images/p.jpg", ChangeKind.CONTENT),
        ("/site/content/2023-02-16", ChangeKind.CONTENT),
        ("/site/content", ChangeKind.CONTENT),
        ("/site/layouts/article.html", ChangeKind.LAYOUT),
        ("/site/layouts/_macros.html", ChangeKind.LAYOUT),
        ("/site/assets/css/site.css", ChangeKind.ASSET),
        ("/site/site.yaml", ChangeKind.CONFIG),
        ("/site/content/2023-02-16/.a.md.swp", None),
        ("/site/content/2023-02-16/a.md.swp", None),
        ("/site/content/2023-02-16/a.md~", None),
        ("/site/content/2023-02-16/4913", None),
        ("/site/content/2023-02-16/a.md.tmp", None),
        ("/site/content/2023-02-16/#a.md#", None),
        ("/site/content/2023-02-16/.#a.md", None),
        ("/site/content/.DS_Store", None),
        ("/site/layouts/a.html___jb_tmp___", None),
        ("/site/.git/index", None),
        ("/site/content/.git/HEAD", None),
        ("/site/layouts/__pycache__/x.pyc", None),
        ("/site/public/index.html", None),
        ("/site/.public.staging-abc/index.html", None),
        ("/site/README.md", None),
        ("/site/site.yaml.bak/site.yaml", None),
        ("/site/sub/site.yaml", None),
        ("/elsewhere/content/a.md", None),
        ("/site", None),
        ("../content/a.md", None),
    ],
    ids=lambda value: str(value),
)
def test_classify(path: str, expected: ChangeKind | None) -> None:
    assert classify(path, ROOT) == expected


def test_classify_ignores_an_output_folder_inside_a_watched_one() -> None:
    assert classify("/site/assets/out/x.css", ROOT, output=Path("/site/assets/out")) is None
    assert classify("/site/assets/other.css", ROOT, output=Path("/site/assets/out")) == (
        ChangeKind.ASSET
    )


def test_batcher_waits_for_quiet_after_the_last_event() -> None:
    batch = Batcher(quiet=0.1)
    assert batch.wait_time(0.0) is None
    batch.add({"content/a.md"}, now=10.0)
    batch.add({"content/a.md", "content/.a.swp"}, now=10.05)
    batch.add({"layouts/x.html"}, now=10.09)
    assert batch.wait_time(10.15) == pytest.approx(0.04)
    assert batch.wait_time(10.19) == 0.0
    assert batch.take() == {"content/a.md", "content/.a.swp", "layouts/x.html"}
    assert batch.wait_time(10.5) is None
    assert batch.take() == frozenset()


def test_batcher_fires_after_max_delay_during_a_steady_stream() -> None:
    batch = Batcher(quiet=0.1, max_delay=2.0)
    for step in range(60):
        batch.add({f"content/{step}.md"}, now=step * 0.05)
    assert batch.wait_time(1.5) == pytest.approx(0.5)
    assert batch.wait_time(2.0) == 0.0


def test_batcher_ignores_empty_additions() -> None:
    batch = Batcher(quiet=0.1)
    batch.add(set(), now=1.0)
    assert batch.wait_time(1.0) is None


@pytest.mark.parametrize(
    ("event", "expected"),
    [
        (FileModifiedEvent("/site/content/a.md"), ["/site/content/a.md"]),
        (FileCreatedEvent("/site/content/a.md"), ["/site/content/a.md"]),
        (FileDeletedEvent("/site/content/a.md"), ["/site/content/a.md"]),
        (
            FileMovedEvent("/site/content/a.tmp", "/site/content/a.md"),
            ["/site/content/a.tmp", "/site/content/a.md"],
        ),
        (DirCreatedEvent("/site/content/2023-02-23"), ["/site/content/2023-02-23"]),
        (DirModifiedEvent("/site/content"), []),
        (FileOpenedEvent("/site/content/a.md"), []),
        (FileClosedEvent("/site/content/a.md"), []),
        (FileModifiedEvent(b"/site/content/\xe6\x96\x87.md"), ["/site/content/文.md"]),
    ],
    ids=[
        "modified",
        "created",
        "deleted",
        "moved",
        "dir-created",
        "dir-modified",
        "opened",
        "closed",
        "bytes",
    ],
)
def test_event_paths(event: FileSystemEvent, expected: list[str]) -> None:
    assert event_paths(event) == expected


class Recorder:
    """A rebuild callback that records each batch and hands it to the test."""

    def __init__(self, result: Sequence[Diagnostic] = ()) -> None:
        self.batches: queue.SimpleQueue[set[str]] = queue.SimpleQueue()
        self.result = result

    def __call__(self, changed: set[str]) -> Sequence[Diagnostic]:
        self.batches.put(set(changed))
        return self.result


def test_rebuild_loop_builds_first_then_once_per_batch() -> None:
    recorder = Recorder([error("bad", Location("content/a.md", 2))])
    results: queue.SimpleQueue[Sequence[Diagnostic]] = queue.SimpleQueue()
    loop = RebuildLoop(recorder, results.put, Batcher(quiet=0.0), clock=lambda: 0.0)
    thread = threading.Thread(target=loop.run, kwargs={"build_first": True})
    thread.start()
    try:
        assert recorder.batches.get(timeout=WAIT) == set()
        loop.add({"content/a.md", "site.yaml"})
        assert recorder.batches.get(timeout=WAIT) == {"content/a.md", "site.yaml"}
        assert results.get(timeout=WAIT) == recorder.result
    finally:
        loop.stop()
        thread.join(WAIT)
    assert not thread.is_alive()


def test_rebuild_loop_survives_a_crashing_callback(capsys: pytest.CaptureFixture[str]) -> None:
    def crash(changed: set[str]) -> Sequence[Diagnostic]:
        raise RuntimeError("boom")

    results: queue.SimpleQueue[Sequence[Diagnostic]] = queue.SimpleQueue()
    loop = RebuildLoop(crash, results.put, Batcher(quiet=0.0), clock=lambda: 0.0)
    thread = threading.Thread(target=loop.run, kwargs={"build_first": True})
    thread.start()
    try:
        [first] = results.get(timeout=WAIT)
        loop.add({"content/a.md"})
        [second] = results.get(timeout=WAIT)
    finally:
        loop.stop()
        thread.join(WAIT)
    assert first.is_error and first.message == "internal error: RuntimeError: boom"
    assert second == first
    assert "RuntimeError: boom" in capsys.readouterr().err


def collect_until(changes: queue.SimpleQueue[set[str]], wanted: str) -> list[set[str]]:
    """Every batch reported up to and including the first one holding `wanted`."""
    seen: list[set[str]] = []
    while not seen or wanted not in seen[-1]:
        seen.append(changes.get(timeout=WAIT))
    return seen


def until_reported(
    changes: queue.SimpleQueue[set[str]], action: Callable[[], object], wanted: str
) -> None:
    """Repeat `action` until a batch holds `wanted`: a folder made anew is watched only once
    its creation has been seen, so a write right after it may be reported as the folder."""
    for _ in range(50):
        action()
        try:
            while wanted not in changes.get(timeout=WAIT / 50):
                pass
            return
        except queue.Empty:
            continue
    raise AssertionError(f"{wanted} was never reported")


def test_watcher_reports_relative_paths_and_skips_noise(tmp_path: Path) -> None:
    for folder in ("content/2023-02-16", "layouts", "public"):
        (tmp_path / folder).mkdir(parents=True)
    changes: queue.SimpleQueue[set[str]] = queue.SimpleQueue()
    watcher = Watcher(tmp_path, changes.put, output=tmp_path / "public")
    watcher.start()
    try:
        (tmp_path / "content/2023-02-16/.a.md.swp").write_text("x")
        (tmp_path / "public/index.html").write_text("x")
        (tmp_path / "README.md").write_text("x")
        (tmp_path / "content/2023-02-16/a.md").write_text("x")
        seen = collect_until(changes, "content/2023-02-16/a.md")
        (tmp_path / "site.tmp").write_text("title: x\n")
        (tmp_path / "site.tmp").rename(tmp_path / "site.yaml")  # an editor's atomic save
        seen += collect_until(changes, "site.yaml")
        (tmp_path / "layouts/base.html").write_text("x")
        seen += collect_until(changes, "layouts/base.html")
    finally:
        watcher.stop()
    reported = set().union(*seen)
    assert reported <= {
        "content/2023-02-16",
        "content/2023-02-16/a.md",
        "site.yaml",
        "layouts/base.html",
    }


def test_watcher_follows_a_watched_folder_created_later(tmp_path: Path) -> None:
    changes: queue.SimpleQueue[set[str]] = queue.SimpleQueue()
    watcher = Watcher(tmp_path, changes.put)
    watcher.start()
    try:
        (tmp_path / "content").mkdir()
        collect_until(changes, "content")
        (tmp_path / "content/2023-02-16").mkdir()
        article = tmp_path / "content/2023-02-16/a.md"
        until_reported(changes, lambda: article.write_text("x"), "content/2023-02-16/a.md")
    finally:
        watcher.stop()


def test_watcher_follows_a_watched_folder_deleted_and_made_again(tmp_path: Path) -> None:
    (tmp_path / "layouts").mkdir()
    (tmp_path / "layouts/base.html").write_text("x")
    changes: queue.SimpleQueue[set[str]] = queue.SimpleQueue()
    watcher = Watcher(tmp_path, changes.put)
    watcher.start()
    try:
        (tmp_path / "layouts/base.html").unlink()
        (tmp_path / "layouts").rmdir()
        collect_until(changes, "layouts")
        (tmp_path / "layouts").mkdir()
        layout = tmp_path / "layouts/article.html"
        until_reported(changes, lambda: layout.write_text("x"), "layouts/article.html")
    finally:
        watcher.stop()
