"""The build pipeline, top to bottom: config, content, structure, validation, pages, output.

No printing and no click: the CLI shows what this returns or raises.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from .config import load_config
from .content import load_content
from .errors import BuildFailed, Diagnostic, Severity
from .model import OutputFile, Site, SiteConfig
from .output import write_output
from .render import render_pages
from .structure import assemble
from .templates import make_environment
from .validate import validate

ASSETS_DIR = "assets"
LAYOUTS_DIR = "layouts"
OUTPUT_DIR = "public"


@dataclass(frozen=True, slots=True, kw_only=True)
class BuildReport:
    """What a successful build did, for the summary line."""

    pages: int  #: HTML pages rendered
    files: int  #: files written in all
    issues: int
    articles: int
    drafts_skipped: int
    warnings: tuple[Diagnostic, ...]


def build_site(
    root: Path,
    out_dir: Path | None = None,
    *,
    drafts: bool = False,
    base_url: str | None = None,
    strict: bool = False,
    environ: Mapping[str, str] | None = None,
) -> BuildReport:
    """Build the site at `root` into `out_dir` (default root/public), all or nothing."""
    out_dir = out_dir if out_dir is not None else root / OUTPUT_DIR
    config = load_config(root, base_url=base_url)
    content = load_content(root, config, drafts=drafts)
    raise_on_errors(content.diagnostics, strict=False)
    site = assemble(
        config,
        content.articles,
        content.issues,
        content.files,
        build_date=source_date(config, os.environ if environ is None else environ),
    )
    diagnostics = (*content.diagnostics, *validate(site))
    warnings = raise_on_errors(diagnostics, strict=strict)
    env = make_environment(layout_dirs(root), root=root)
    pages = render_pages(site, env, root=root)
    statics = static_outputs(root, site)
    written = write_output(
        [*pages, *statics],
        out_dir,
        protected=[root, *(root / name for name in ("content", LAYOUTS_DIR, ASSETS_DIR))],
    )
    return BuildReport(
        pages=len(pages),
        files=written,
        issues=len(site.issues),
        articles=len(site.articles),
        drafts_skipped=content.drafts_skipped,
        warnings=warnings,
    )


def raise_on_errors(diagnostics: Iterable[Diagnostic], *, strict: bool) -> tuple[Diagnostic, ...]:
    """Raise BuildFailed if any error (or, when strict, any warning); else return the warnings."""
    found = tuple(diagnostics)
    if strict:
        found = tuple(Diagnostic(Severity.ERROR, d.message, d.location, d.hint) for d in found)
    if any(d.is_error for d in found):
        raise BuildFailed(found)
    return found


def source_date(config: SiteConfig, environ: Mapping[str, str]) -> date | None:
    """The build date from SOURCE_DATE_EPOCH (reproducible builds), in the site's timezone."""
    epoch = environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not epoch.isdigit():
        return None
    return datetime.fromtimestamp(int(epoch), ZoneInfo(config.timezone)).date()


def theme_dir(name: str) -> Path | None:
    """The bundled `layouts` or `assets`: package data when installed, else the repo checkout's."""
    package = Path(__file__).resolve().parent
    for candidate in (package / "theme" / name, package.parents[1] / name):
        if candidate.is_dir():
            return candidate
    return None


def layout_dirs(root: Path) -> list[Path]:
    """Where layouts are looked up, first match wins: the site's own, then the bundled ones."""
    dirs = [root / LAYOUTS_DIR]
    bundled = theme_dir(LAYOUTS_DIR)
    if bundled is not None and bundled.resolve() != dirs[0].resolve():
        dirs.append(bundled)
    return dirs


def static_outputs(root: Path, site: Site) -> list[OutputFile]:
    """Issue files and assets, copied as they are."""
    outputs = [
        OutputFile(path=f.url.lstrip("/"), copy_from=str(root / f.source), origin=f.source)
        for f in site.files
    ]
    seen: set[str] = set()
    for assets in (root / ASSETS_DIR, theme_dir(ASSETS_DIR)):
        if assets is None or not assets.is_dir():
            continue
        for file in sorted(assets.rglob("*")):
            rel = file.relative_to(assets).as_posix()
            if file.is_file() and rel not in seen and not rel.startswith(".") and "/." not in rel:
                seen.add(rel)
                outputs.append(
                    OutputFile(
                        path=f"{ASSETS_DIR}/{rel}",
                        copy_from=str(file),
                        origin=f"{ASSETS_DIR}/{rel}",
                    )
                )
    return outputs
