"""The `bulletin` command line: the only place that prints, styles or exits.

Library code raises SiteError; here it becomes `path:line:col: error: message` lines on stderr.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from pathlib import Path

import click

from . import __version__
from .errors import BuildFailed, Diagnostic, SiteError

CONTEXT = {"help_option_names": ["-h", "--help"]}


def show_diagnostics(diagnostics: Iterable[Diagnostic]) -> None:
    for diagnostic in diagnostics:
        colour = "red" if diagnostic.is_error else "yellow"
        where = f"{diagnostic.location}: " if diagnostic.location else ""
        label = click.style(diagnostic.severity.value, fg=colour, bold=True)
        click.echo(f"{where}{label}: {diagnostic.message}", err=True)
        if diagnostic.hint:
            click.echo(f"  hint: {diagnostic.hint}", err=True)


def fail(exc: SiteError) -> None:
    """Show a SiteError (all its diagnostics) and exit with its code."""
    if isinstance(exc, BuildFailed):
        show_diagnostics(exc.diagnostics)
        click.echo(click.style(f"Error: {exc.message}", fg="red"), err=True)
    else:
        show_diagnostics([exc.to_diagnostic()])
    raise SystemExit(exc.exit_code)


def site_root(source: str | None) -> Path:
    root = Path(source) if source else Path.cwd()
    if not (root / "site.yaml").is_file():
        raise click.UsageError(f"no site.yaml in {root}: run inside a site or pass --source DIR")
    return root


@click.group(context_settings=CONTEXT)
@click.version_option(__version__, "-V", "--version", prog_name="bulletin")
def main() -> None:
    """bulletin-ssg: build a periodical's website from dated issues of Markdown."""


@main.command(context_settings=CONTEXT)
@click.option("-s", "--source", metavar="DIR", help="Site folder holding site.yaml [default: .]")
@click.option(
    "-d", "--destination", metavar="DIR", help="Output folder [default: public/ inside the source]"
)
@click.option("--base-url", metavar="URL", help="Override site.yaml's base_url.")
@click.option("--drafts", is_flag=True, help="Include articles and issues marked draft.")
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
def build(
    source: str | None, destination: str | None, base_url: str | None, drafts: bool, strict: bool
) -> None:
    """Build the site into the destination folder, all or nothing."""
    from .build import build_site

    root = site_root(source)
    out_dir = Path(destination) if destination else root / "public"
    started = time.perf_counter()
    try:
        report = build_site(root, out_dir, drafts=drafts, base_url=base_url, strict=strict)
    except SiteError as exc:
        fail(exc)
        return
    show_diagnostics(report.warnings)
    seconds = time.perf_counter() - started
    drafts_note = f", {report.drafts_skipped} drafts left out" if report.drafts_skipped else ""
    click.echo(
        f"Built {report.pages} pages, {report.files} files "
        f"({report.issues} issues, {report.articles} articles{drafts_note}) "
        f"in {seconds:.2f} s into {out_dir}"
    )


@main.command("import", context_settings=CONTEXT)
@click.argument("page", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--issue",
    "issue",
    required=True,
    metavar="YYYY-MM-DD",
    help="Date of the issue the page belongs to.",
)
@click.option(
    "--section",
    "default_section",
    metavar="KEY",
    help="Section for stories above the page's first section label.",
)
@click.option("-s", "--source", metavar="DIR", help="Site folder holding site.yaml [default: .]")
@click.option("--dry-run", is_flag=True, help="Print the plan; write nothing.")
@click.option("--force", is_flag=True, help="Overwrite existing article files.")
def import_page(
    page: Path,
    issue: str,
    default_section: str | None,
    source: str | None,
    dry_run: bool,
    force: bool,
) -> None:
    """Turn the plain text of a printed page into Markdown articles of one issue."""
    from .config import load_config
    from .content import decode
    from .importer import describe_plan, parse_issue_date, parse_page, write_plan

    root = site_root(source)
    try:
        issue_date = parse_issue_date(issue)
    except SiteError as exc:
        raise click.BadParameter(exc.message, param_hint="--issue") from exc
    try:
        config = load_config(root)
        text = decode(page.read_bytes(), str(page))
        plan = parse_page(text, config, path=str(page), default_section=default_section)
        if dry_run:
            click.echo(describe_plan(plan))
            return
        written = write_plan(plan, root / "content" / issue_date.isoformat(), force=force)
    except SiteError as exc:
        fail(exc)
        return
    show_diagnostics(plan.diagnostics)
    for path in written:
        click.echo(f"wrote {path}")
    click.echo(f"Imported {len(plan.stories)} stories into content/{issue_date.isoformat()}/")
