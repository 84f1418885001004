"""Each broken site in tests/sites/invalid/ fails with exactly the diagnostics in its expected.txt,
exit code 1, no traceback, and the previous output left byte for byte as it was.

Regenerate expected.txt files with UPDATE_GOLDEN=1 and review them.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from bulletin_ssg.cli import main

from .conftest import SITES, snapshot

CASES = sorted(p.name for p in (SITES / "invalid").iterdir() if p.is_dir())


@pytest.mark.parametrize("case", CASES)
def test_invalid_site_reports_every_error_and_keeps_old_output(
    case: str, tmp_path: Path, runner: CliRunner
) -> None:
    site = tmp_path / "site"  # a copy: the build's cache stays out of the repository
    shutil.copytree(SITES / "invalid" / case, site)
    out = tmp_path / "public"
    out.mkdir()
    (out / "index.html").write_text("previous build\n", encoding="utf-8")
    (out / "old").mkdir()
    (out / "old" / "page.html").write_bytes(b"\x00kept")
    before = snapshot(out)

    result = runner.invoke(main, ["build", "-s", str(site), "-d", str(out)])

    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    expected_file = SITES / "invalid" / case / "expected.txt"
    if os.environ.get("UPDATE_GOLDEN"):
        expected_file.write_text(result.stderr, encoding="utf-8")
    assert result.stderr == expected_file.read_text(encoding="utf-8")
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["public", "site"]


def test_every_case_has_expected_output() -> None:
    missing = [c for c in CASES if not (SITES / "invalid" / c / "expected.txt").is_file()]
    assert not missing


def test_failed_build_over_real_site_keeps_it(sample_site: Path, tmp_path: Path) -> None:
    out = tmp_path / "public"
    result = CliRunner().invoke(main, ["build", "-s", str(sample_site), "-d", str(out)])
    assert result.exit_code == 0, result.output
    before = snapshot(out)
    article = sample_site / "content" / "2024-05-02" / "market.md"
    article.write_text("---\ntitle: [unclosed\n---\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["build", "-s", str(sample_site), "-d", str(out)])
    assert result.exit_code == 1
    assert snapshot(out) == before
    shutil.rmtree(out)
