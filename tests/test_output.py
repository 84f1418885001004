from __future__ import annotations

from pathlib import Path

import pytest

from bulletin_ssg.errors import OutputError
from bulletin_ssg.model import OutputFile
from bulletin_ssg.output import check_path, write_output

from .conftest import snapshot


def page(path: str, text: str = "x") -> OutputFile:
    return OutputFile(path=path, content=text.encode(), origin=f"test:{path}")


@pytest.mark.parametrize(
    "path",
    ["../evil.html", "a/../../evil.html", "/etc/passwd", "", ".", "C:/x", "a\\..\\b"],
    ids=["parent", "nested-parent", "absolute", "empty", "dot", "drive", "backslash"],
)
def test_refuses_paths_that_escape(path: str) -> None:
    with pytest.raises(OutputError):
        check_path(path)


def test_writes_files_and_replaces_previous_output(tmp_path: Path) -> None:
    out = tmp_path / "public"
    write_output([page("index.html", "one"), page("old/index.html")], out)
    write_output([page("index.html", "two"), page("a/b/index.html", "b")], out)
    assert snapshot(out) == {"index.html": b"two", "a/b/index.html": b"b"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["public"]


def test_refuses_two_files_with_the_same_path(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="two outputs for a/index.html"):
        write_output([page("a/index.html"), page("a/./index.html")], tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_failed_write_leaves_previous_output_and_no_staging(tmp_path: Path) -> None:
    out = tmp_path / "public"
    write_output([page("index.html", "kept")], out)
    before = snapshot(out)
    broken = OutputFile(path="img.png", copy_from=str(tmp_path / "missing.png"))
    with pytest.raises(OutputError):
        write_output([page("index.html", "new"), broken], out)
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["public"]


@pytest.mark.parametrize("name", [".", "content"], ids=["site-root", "content-folder"])
def test_refuses_destination_over_sources(tmp_path: Path, name: str) -> None:
    (tmp_path / "content").mkdir()
    with pytest.raises(OutputError):
        write_output(
            [page("index.html")], tmp_path / name, protected=[tmp_path, tmp_path / "content"]
        )
    assert (tmp_path / "content").is_dir()
