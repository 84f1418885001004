from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from bulletin_ssg import __version__
from bulletin_ssg.cli import main

from .conftest import REPO


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


def test_check_reports_advice_as_located_json(runner: CliRunner, sample_site: Path) -> None:
    (sample_site / "content/2024-05-02/short.md").write_text(
        "---\ntitle: 短讯\nsection: news\n---\n短。\n", encoding="utf-8"
    )
    result = runner.invoke(main, ["check", "-s", str(sample_site), "--format", "json"])
    assert result.exit_code == 1
    records = json.loads(result.stdout)
    assert [(r["severity"], r["path"], r["line"]) for r in records] == [
        ("warning", "content/2024-05-02/short.md", 1),
        ("warning", "content/2024-05-02/short.md", 1),
    ]
    assert not (sample_site / "public").exists()


def test_check_is_clean_on_the_sample_periodical_even_strict(runner: CliRunner) -> None:
    result = runner.invoke(main, ["check", "--strict", "-s", str(REPO)])
    assert result.exit_code == 0, result.stderr
    assert result.stderr == "0 errors, 0 warnings\n"


def test_check_text_output_is_path_line_severity(runner: CliRunner, sample_site: Path) -> None:
    (sample_site / "content/2024-05-02/market.md").write_text(
        "---\ntitle: 行情\nsection: 体育\n---\n正文。\n", encoding="utf-8"
    )
    result = runner.invoke(main, ["check", "-s", str(sample_site)])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0].startswith(
        "content/2024-05-02/market.md:3: error: unknown section '体育'"
    )


def test_new_creates_article_with_pinyin_slug(runner: CliRunner, sample_site: Path) -> None:
    result = runner.invoke(
        main,
        [
            "new",
            "如何让干部更接地气",
            "--section",
            "评论",
            "--issue",
            "2024-05-09",
            "-s",
            str(sample_site),
        ],
    )
    assert result.exit_code == 0, result.stderr
    created = sample_site / "content/2024-05-09/ru-he-rang-gan-bu-geng-jie-di-qi.md"
    assert result.stdout == f"Created {created.relative_to(sample_site).as_posix()}\n"
    text = created.read_text(encoding="utf-8")
    assert 'title: "如何让干部更接地气"' in text or "title: 如何让干部更接地气" in text
    again = runner.invoke(
        main,
        [
            "new",
            "如何让干部更接地气",
            "--section",
            "评论",
            "--issue",
            "2024-05-09",
            "-s",
            str(sample_site),
        ],
    )
    assert again.exit_code == 1


def test_new_refuses_unknown_section(runner: CliRunner, sample_site: Path) -> None:
    result = runner.invoke(main, ["new", "标题", "--section", "体育", "-s", str(sample_site)])
    assert result.exit_code == 1
    assert "news (要闻), opinion (评论)" in result.stderr


def test_init_creates_a_site_that_builds(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "paper"
    result = runner.invoke(main, ["init", str(target), "--title", "新报"])
    assert result.exit_code == 0, result.stderr
    assert (target / "layouts" / "base.html").is_file()
    assert (target / "assets" / "style.css").is_file()
    built = runner.invoke(main, ["build", "-s", str(target)])
    assert built.exit_code == 0, built.stderr
    assert "新报" in (target / "public" / "index.html").read_text(encoding="utf-8")
    assert runner.invoke(main, ["init", str(target)]).exit_code == 1


def test_future_issues_are_left_out_unless_asked(runner: CliRunner, sample_site: Path) -> None:
    future = sample_site / "content" / "2999-01-07"
    future.mkdir()
    (future / "later.md").write_text(
        "---\ntitle: 未来\nsection: news\n---\n正文。\n", encoding="utf-8"
    )
    plain = runner.invoke(main, ["build", "-s", str(sample_site), "-d", str(sample_site / "plain")])
    assert "1 future article left out" in plain.stdout
    assert not (sample_site / "plain/issues/2999-01-07").exists()
    shown = runner.invoke(
        main, ["build", "-s", str(sample_site), "-d", str(sample_site / "all"), "--future"]
    )
    assert shown.exit_code == 0
    assert (sample_site / "all/issues/2999-01-07/later/index.html").is_file()


@pytest.mark.parametrize(
    ("args", "code", "stdout", "stderr"),
    [
        (["build", "-d", "{out}"], 0, "Built ", ""),
        (["build", "-d", "{out}", "--no-such-option"], 2, "", "No such option"),
        (["build", "-d", "{out}", "--base-url", "ftp://x/"], 1, "", "error"),
    ],
    ids=["built", "usage", "site-error"],
)
def test_the_program_exits_with_its_code_and_everything_said(
    args: list[str], code: int, stdout: str, stderr: str, sample_site: Path, tmp_path: Path
) -> None:
    """`python -m bulletin_ssg` leaves without tearing the interpreter down (cli.run): its
    exit code and output must be those of the command all the same."""
    import subprocess
    import sys

    argv = [a.format(out=tmp_path / "out") for a in args]
    done = subprocess.run(
        [sys.executable, "-m", "bulletin_ssg", *argv],
        cwd=sample_site, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == code, done.stderr
    assert done.stdout.startswith(stdout) and stderr in done.stderr
    assert (tmp_path / "out" / "index.html").is_file() is (code == 0)


def test_a_build_in_a_process_that_ends_with_it_keeps_its_state_and_leaves_cycles(
    sample_site: Path, tmp_path: Path
) -> None:
    """Under `run` (told by its `Ending`), a build's state and what it made (the site, its
    pages) are kept for the end, not freed, and the collector stays off; a build from a caller
    that goes on leaves both alone."""
    import gc

    from bulletin_ssg.build import Loaded
    from bulletin_ssg.buildstate import BuildState
    from bulletin_ssg.cli import Ending
    from bulletin_ssg.incremental import PagePlan

    ending = Ending()
    try:
        main.main(["build", "-s", str(sample_site), "-d", str(tmp_path / "a")],
                  obj=ending, standalone_mode=False)  # fmt: skip
        assert not gc.isenabled()
    finally:
        gc.enable()
    assert type(ending.kept[0]) is BuildState
    loaded = [kept for kept in ending.kept if isinstance(kept, Loaded)]
    assert len(loaded) == 1 and len(loaded[0].site.articles) == 6
    assert any(isinstance(kept, PagePlan) and kept.rendered for kept in ending.kept)
    built = CliRunner().invoke(main, ["build", "-s", str(sample_site), "-d", str(tmp_path / "b")])
    assert built.exit_code == 0
    assert gc.isenabled()
