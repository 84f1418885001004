"""Tests for issuefolders.py: what the walk of content/ finds and reports."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from bulletin_ssg.errors import Diagnostic, Severity
from bulletin_ssg.issuefolders import Found, Walk, walk_issue_folders
from bulletin_ssg.records import ArticleRecord

MakeSite = Callable[[dict[str, str | bytes]], Path]
ISSUE_YAML = "content/2024-01-04/issue.yaml"


def walk(
    root: Path,
    previous: dict[str, ArticleRecord] | None = None,
    stats: dict[str, tuple[int, int]] | None = None,
) -> Walk:
    return walk_issue_folders(os.path.join(root, "content"), previous or {}, stats or {})


def problems(found: Walk) -> list[tuple[Severity, str, int | None]]:
    return [
        (e.severity, e.location.path, e.location.line)
        for e in found.events
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
    found = walk(root)
    assert [(e.path, e.slug_base, e.size) for e in found.events if isinstance(e, Found)] == [
        ("content/2024-01-01/c.md", "c", 1),
        ("content/2024-01-04/a.md", "a", 1),
        ("content/2024-01-04/b.md", "b", 1),
        ("content/2024-01-04/园/index.md", "园", len("bundle")),
    ]
    assert [(f.source, f.url) for f in found.files] == [
        ("content/2024-01-04/images/z.svg", "/issues/2024-01-04/images/z.svg"),
        ("content/2024-01-04/notes/readme.md", "/issues/2024-01-04/notes/readme.md"),
    ]  # a bundle's own files are published by its slug, once it has one
    assert [(i.issue_date.day, i.number) for i in found.infos] == [(1, None), (4, 3)]
    assert list(found.issue_records) == [ISSUE_YAML]


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
    found = walk(make_site(files))
    assert problems(found) == expected
    assert [e for e in found.events if isinstance(e, Found)] == []


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
    for found in (first, again):
        assert problems(found) == [(Severity.ERROR, ISSUE_YAML, 2)]


def test_sizes_and_mtimes_given_by_the_caller_are_used(make_site: MakeSite) -> None:
    root = make_site({ISSUE_YAML: "number: 3\n", "content/2024-01-04/a.md": "a"})
    found = walk(root, stats={"content/2024-01-04/a.md": (7, 1), ISSUE_YAML: (10, 2)})
    assert [(e.size, e.mtime_ns) for e in found.events if isinstance(e, Found)] == [(7, 1)]
    record = found.issue_records[ISSUE_YAML]
    assert (record.size, record.mtime_ns) == (10, 2)
