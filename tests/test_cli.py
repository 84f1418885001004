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


SEED_PAGE = Path(__file__).resolve().parent / "data" / "import" / "seed-page.txt"


def test_import_dry_run_writes_nothing(runner: CliRunner, sample_site: Path) -> None:
    before = sorted(p.name for p in (sample_site / "content").iterdir())
    result = runner.invoke(
        main,
        [
            "import",
            str(SEED_PAGE),
            "--issue",
            "2024-06-06",
            "-s",
            str(sample_site),
            "--dry-run",
            "--section",
            "news",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "stories" in result.stdout
    assert sorted(p.name for p in (sample_site / "content").iterdir()) == before


def test_import_writes_issue_and_refuses_to_overwrite(runner: CliRunner, tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "site.yaml").write_text(
        (Path(__file__).resolve().parents[1] / "site.yaml").read_text(encoding="utf-8"),
        encoding="utf-8",
    )
    args = ["import", str(SEED_PAGE), "--issue", "2023-02-16", "-s", str(site)]
    result = runner.invoke(main, args)
    assert result.exit_code == 0, result.output
    written = sorted(p.name for p in (site / "content" / "2023-02-16").glob("*.md"))
    assert len(written) == 6
    assert "Imported 6 stories" in result.stdout
    again = runner.invoke(main, args)
    assert again.exit_code == 1
    assert "Traceback" not in again.output


def test_import_rejects_impossible_issue_date(runner: CliRunner, sample_site: Path) -> None:
    result = runner.invoke(
        main, ["import", str(SEED_PAGE), "--issue", "2023-02-30", "-s", str(sample_site)]
    )
    assert result.exit_code == 2
