"""Tests for issuefolders.py: what the walk of content/ finds and reports."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from bulletin_ssg import issuefolders
from bulletin_ssg.errors import Diagnostic, Severity
from bulletin_ssg.issuefolders import Articles, Walk, walk_issue_folders
from bulletin_ssg.records import ArticleRecord

MakeSite = Callable[[dict[str, str | bytes]], Path]
ISSUE_YAML = "content/2024-01-04/issue.yaml"


def walk(
    root: Path,
    previous: dict[str, ArticleRecord] | None = None,
    stats: dict[str, tuple[int, int]] | None = None,
) -> Walk:
    return walk_issue_folders(os.path.join(root, "content"), previous or {}, stats)


def found(walked: Walk) -> list[tuple[str, str, int]]:
    """(path, slug base, size) of every article file the walk found, in walk order."""
    return [
        (path, event.slug_base(path), walked.stats[path][0])
        for event in walked.events
        if isinstance(event, Articles)
        for path in event.paths
    ]


def problems(walked: Walk) -> list[tuple[Severity, str, int | None]]:
    return [
        (e.severity, e.location.path, e.location.line)
        for e in walked.events
        if isinstance(e, Diagnostic) and e.location is not None
    ]


def test_lists_articles_bundles_and_files_to_publish_in_name_order(make_site: MakeSite) -> None:
    root = make_site(
        {
            "content/2024-01-04/issue.yaml": "number: 3\n",
            "content/2024-01-04/b.md": "b",
            "content/2024-01-04/a.md": "a",
            "content/2024-01-04/园/index.md": "bundle",
            "content/2024-01-04/园/photo.svg": "<svg/>",
            "content/2024-01-04/images/z.svg": "<svg/>",
            "content/2024-01-04/images/.hidden.svg": "<svg/>",
            "content/2024-01-04/notes/readme.md": "not an article",
            "content/2024-01-04/a.md~": "backup",
            "content/2024-01-01/c.md": "c",
        }
    )
    walked = walk(root)
    assert found(walked) == [
        ("content/2024-01-01/c.md", "c", 1),
        ("content/2024-01-04/a.md", "a", 1),
        ("content/2024-01-04/b.md", "b", 1),
        ("content/2024-01-04/园/index.md", "园", len("bundle")),
    ]
    assert [(f.source, f.url) for f in walked.files] == [
        ("content/2024-01-04/images/z.svg", "/issues/2024-01-04/images/z.svg"),
        ("content/2024-01-04/notes/readme.md", "/issues/2024-01-04/notes/readme.md"),
    ]  # a bundle's own files are published by its slug, once it has one
    assert walked.bundles == {"content/2024-01-04/园/index.md": ["photo.svg"]}
    assert [(i.issue_date.day, i.number) for i in walked.infos] == [(1, None), (4, 3)]
    assert list(walked.issue_records) == [ISSUE_YAML]


def test_name_order_is_by_the_names_along_each_path(make_site: MakeSite) -> None:
    # By path, "a-b.md" < "a.md" < "a/index.md"; by name, the folder "a" comes first.
    root = make_site(
        {
            "content/2024-01-04/a.md": "a",
            "content/2024-01-04/a-b.md": "a-b",
            "content/2024-01-04/a/index.md": "bundle",
            "content/2024-01-04/a/z.svg": "<svg/>",
            "content/2024-01-04/a/p-q/x.svg": "<svg/>",
            "content/2024-01-04/a/p/x.svg": "<svg/>",
            "content/2024-01-04/a/p/.x.svg": "<svg/>",
        }
    )
    walked = walk(root)
    assert [path for path, _, _ in found(walked)] == [
        "content/2024-01-04/a/index.md",
        "content/2024-01-04/a-b.md",
        "content/2024-01-04/a.md",
    ]
    assert walked.bundles == {"content/2024-01-04/a/index.md": ["p/x.svg", "p-q/x.svg", "z.svg"]}


@pytest.mark.parametrize("nested", [False, True], ids=["files-only", "with-a-folder"])
def test_an_index_md_directly_in_an_issue_folder_is_an_error_not_a_bundle(
    make_site: MakeSite, nested: bool
) -> None:
    # As a bundle's, it would publish every file of the issue folder (the other articles'
    # Markdown and issue.yaml among them) beside its page.
    files = {
        "content/2024-01-04/index.md": "i",
        "content/2024-01-04/a.md": "a",
        "content/2024-01-04/p.svg": "<svg/>",
    }
    if nested:
        files["content/2024-01-04/b/index.md"] = "b"
    walked = walk(make_site(files))
    articles = ["content/2024-01-04/a.md", *(["content/2024-01-04/b/index.md"] * nested)]
    assert [path for path, _, _ in found(walked)] == articles
    assert problems(walked) == [(Severity.ERROR, "content/2024-01-04/index.md", None)]
    message = next(e for e in walked.events if isinstance(e, Diagnostic)).message
    assert message == (
        "index.md is the article file of a bundle, expected it in a folder of its own "
        "(content/2024-01-04/<name>/index.md) or another file name"
    )
    assert "content/2024-01-04/index.md" not in walked.bundles
    assert [f.url for f in walked.files] == ["/issues/2024-01-04/p.svg"]


def test_files_are_the_callers_list_of_them(make_site: MakeSite) -> None:
    root = make_site({"content/2024-01-04/a.md": "a", "content/2024-01-11/b.md": "b"})
    (root / "content" / "2024-01-18").mkdir()
    # Only folders are listed again: a file the caller did not see is not there, one it
    # saw is (an empty folder has no files to see, but is an issue all the same).
    walked = walk(root, stats={"content/2024-01-04/c.md": (3, 1)})
    assert found(walked) == [("content/2024-01-04/c.md", "c", 3)]
    assert [i.issue_date.day for i in walked.infos] == [4, 11, 18]


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"content/notes.txt": "x"}, [(Severity.WARNING, "content/notes.txt", None)]),
        ({"content/2024-13-01/a.md": "x"}, [(Severity.ERROR, "content/2024-13-01", None)]),
        ({"content/_drafts/a.md": "x", "content/.DS_Store": "x"}, []),
        ({ISSUE_YAML: "numbr: 3\n"}, [(Severity.ERROR, ISSUE_YAML, 1)]),
        ({ISSUE_YAML: "number: [\n"}, [(Severity.ERROR, ISSUE_YAML, 2)]),
    ],
    ids=["file-beside-issues", "folder-not-a-date", "ignored", "issue-unknown-key",
         "issue-yaml-syntax"],
)  # fmt: skip
def test_reports_what_is_not_an_issue_folder_and_bad_issue_files(
    make_site: MakeSite,
    files: dict[str, str | bytes],
    expected: list[tuple[Severity, str, int | None]],
) -> None:
    walked = walk(make_site(files))
    assert problems(walked) == expected
    assert found(walked) == []


def test_issue_yaml_is_read_again_only_when_its_size_or_mtime_changes(
    make_site: MakeSite,
) -> None:
    root = make_site({ISSUE_YAML: "number: 3\n"})
    first = walk(root)
    assert [i.number for i in first.infos] == [3]
    # Same size and mtime: the record is trusted, so a doctored one shows through.
    doctored = replace(first.issue_records[ISSUE_YAML], front=({"number": 9}, {"number": 1}, "", 1))
    assert [i.number for i in walk(root, {ISSUE_YAML: doctored}).infos] == [9]
    (root / ISSUE_YAML).write_text("number: 33\n", encoding="utf-8")
    again = walk(root, {ISSUE_YAML: doctored})
    assert [i.number for i in again.infos] == [33]
    assert again.issue_records[ISSUE_YAML].size == len("number: 33\n")


def test_issue_yaml_problems_are_reported_from_its_record(make_site: MakeSite) -> None:
    root = make_site({ISSUE_YAML: "number: [\n"})
    first = walk(root)
    again = walk(root, first.issue_records)
    assert again.issue_records == first.issue_records
    for walked in (first, again):
        assert problems(walked) == [(Severity.ERROR, ISSUE_YAML, 2)]


def test_sizes_and_mtimes_given_by_the_caller_are_used(make_site: MakeSite) -> None:
    root = make_site({ISSUE_YAML: "number: 3\n", "content/2024-01-04/a.md": "a"})
    walked = walk(root, stats={"content/2024-01-04/a.md": (7, 1), ISSUE_YAML: (10, 2)})
    assert found(walked) == [("content/2024-01-04/a.md", "a", 7)]
    record = walked.issue_records[ISSUE_YAML]
    assert (record.size, record.mtime_ns) == (10, 2)


def test_issue_yaml_files_to_read_are_asked_of_the_disk_first(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every issue.yaml the walk reads (new or changed) is asked for before the first is read;
    one whose record still holds is not."""
    root = make_site(
        {
            "content/2024-01-04/issue.yaml": "number: 1\n",
            "content/2024-01-11/issue.yaml": "number: 2\n",
            "content/2024-01-18/a.md": "---\ntitle: 无期号\n---\n",
            "content/2024-01-25/issue.yaml": "number: 4\n",
        }
    )
    kept = walk(root).issue_records
    (root / "content/2024-01-25/issue.yaml").write_text("number: 44\n", encoding="utf-8")
    previous = {path: kept[path] for path in kept if "01-11" in path or "01-25" in path}
    events: list[str] = []
    monkeypatch.setattr(issuefolders, "ask_for", lambda file: events.append("ask " + file))
    read_bytes = issuefolders.read_bytes

    def reading(file: str, path: str) -> bytes:
        events.append("read " + file)
        return read_bytes(file, path)

    monkeypatch.setattr(issuefolders, "read_bytes", reading)
    walked = walk(root, previous)
    assert [i.number for i in walked.infos] == [1, 2, None, 44]
    content = os.path.join(root, "content")
    first, last = (f"{content}/{day}/issue.yaml" for day in ("2024-01-04", "2024-01-25"))
    assert events == [f"ask {first}", f"ask {last}", f"read {first}", f"read {last}"]
