from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from bulletin_ssg import __version__
from bulletin_ssg.cli import main


def test_version(runner: CliRunner) -> None:
    result = runner.invoke(main, ["--version"])
    assert result.exit_code == 0
    assert result.output == f"bulletin, version {__version__}\n"


@pytest.mark.parametrize("args", [["--help"], ["build", "--help"]], ids=["group", "build"])
def test_help(runner: CliRunner, args: list[str]) -> None:
    result = runner.invoke(main, args)
    assert result.exit_code == 0
    assert "Usage:" in result.output


def test_build_writes_site_and_summary(runner: CliRunner, sample_site: Path) -> None:
    result = runner.invoke(main, ["build", "-s", str(sample_site)])
    assert result.exit_code == 0, result.stderr
    assert (sample_site / "public" / "index.html").is_file()
    assert result.stdout.startswith("Built ")
    assert "(2 issues, 6 articles, 2 drafts left out)" in result.stdout


def test_build_defaults_to_current_folder(
    runner: CliRunner, sample_site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(sample_site)
    result = runner.invoke(main, ["build", "--destination", "out"])
    assert result.exit_code == 0, result.stderr
    assert (sample_site / "out" / "index.html").is_file()


@pytest.mark.parametrize(
    "args",
    [["build", "--no-such-option"], ["build", "-s", "/nonexistent-site-folder"], ["nope"]],
    ids=["unknown-option", "no-site-yaml", "unknown-command"],
)
def test_usage_errors_exit_2(runner: CliRunner, args: list[str]) -> None:
    result = runner.invoke(main, args)
    assert result.exit_code == 2
    assert "Traceback" not in result.output
