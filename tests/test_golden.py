"""The built sample periodical and the basic fixture, byte for byte.

Regenerate after a deliberate change with `make golden` (UPDATE_GOLDEN=1) and review the diff.
"""

from __future__ import annotations

import difflib
import os
import shutil
from pathlib import Path

import pytest

from bulletin_ssg.build import build_site

from .conftest import REPO, SITES, TESTS, snapshot

GOLDEN = TESTS / "golden"
CASES = {"sample": REPO, "basic": SITES / "basic"}


def describe_difference(expected: dict[str, bytes], actual: dict[str, bytes]) -> str:
    lines: list[str] = []
    for path in sorted(expected.keys() - actual.keys()):
        lines.append(f"missing: {path}")
    for path in sorted(actual.keys() - expected.keys()):
        lines.append(f"unexpected: {path}")
    for path in sorted(expected.keys() & actual.keys()):
        if expected[path] != actual[path]:
            try:
                old = expected[path].decode().splitlines()
                new = actual[path].decode().splitlines()
            except UnicodeDecodeError:
                lines.append(f"binary differs: {path}")
                continue
            lines.extend(
                difflib.unified_diff(old, new, f"golden/{path}", f"built/{path}", lineterm="", n=2)
            )
    return "\n".join(lines[:200])


def without_search_index(files: dict[str, bytes]) -> dict[str, bytes]:
    """Pagefind's index is binary and tied to its version: its determinism and content are
    tested in test_build.py and test_search.py instead."""
    return {path: data for path, data in files.items() if not path.startswith("pagefind/")}


@pytest.mark.parametrize("name", sorted(CASES))
def test_build_matches_golden(name: str, tmp_path: Path) -> None:
    out = tmp_path / "public"
    build_site(CASES[name], out, environ={}, cache=False)  # a clean build; no cache in the tree
    actual = without_search_index(snapshot(out))
    golden = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        shutil.rmtree(golden, ignore_errors=True)
        shutil.copytree(out, golden, ignore=shutil.ignore_patterns("pagefind"))
    expected = without_search_index(snapshot(golden))
    assert actual == expected, describe_difference(expected, actual)
