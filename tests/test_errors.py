from __future__ import annotations

import pytest

from bulletin_ssg.errors import (
    BuildFailed,
    ContentError,
    Diagnostic,
    Location,
    Severity,
    error,
    warning,
)


@pytest.mark.parametrize(
    ("location", "text"),
    [
        (Location("site.yaml"), "site.yaml"),
        (Location("a.md", 4), "a.md:4"),
        (Location("a.md", 4, 7), "a.md:4:7"),
        (Location("a.md", None, 7), "a.md"),
    ],
    ids=["path", "line", "column", "column-without-line"],
)
def test_location_prints_like_compilers(location: Location, text: str) -> None:
    assert str(location) == text


def test_diagnostic_text_and_hint() -> None:
    found = error("bad", Location("a.md", 2), "fix it")
    assert str(found) == "a.md:2: error: bad\n  hint: fix it"
    assert found.is_error and not warning("meh").is_error
    assert str(warning("meh")) == "warning: meh"


def test_site_error_becomes_one_diagnostic() -> None:
    exc = ContentError("no title", Location("a.md", 1))
    assert str(exc) == "a.md:1: no title"
    assert exc.to_diagnostic() == Diagnostic(Severity.ERROR, "no title", Location("a.md", 1))
    assert exc.exit_code == 1


def test_build_failed_counts_errors_only() -> None:
    failed = BuildFailed((error("a"), warning("b"), error("c")))
    assert failed.message == "build failed with 2 errors"
    assert BuildFailed((error("a"),)).message == "build failed with 1 error"
