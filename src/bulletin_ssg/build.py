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
from .content import Content, load_content
from .errors import BuildFailed, Diagnostic, Severity, SiteError
from .feeds import render_feeds
from .links import CONTENT_DIR
from .model import OutputFile, Site, SiteConfig
from .output import write_output
from .render import render_pages
from .search import build_search_index
from .sitemap import render_sitemap
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
    drafts_skipped: int  #: draft articles left out
    future_skipped: int  #: articles of issues dated after today, left out
    warnings: tuple[Diagnostic, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Loaded:
    """A site read, assembled and validated, ready to render."""

    site: Site
    content: Content
    warnings: tuple[Diagnostic, ...]


def build_site(
    root: Path,
    out_dir: Path | None = None,
    *,
    drafts: bool = False,
    future: bool = False,
    base_url: str | None = None,
    strict: bool = False,
    today: date | None = None,
    environ: Mapping[str, str] | None = None,
) -> BuildReport:
    """Build the site at `root` into `out_dir` (default root/public), all or nothing."""
    out_dir = out_dir if out_dir is not None else root / OUTPUT_DIR
    loaded = load_site(
        root,
        drafts=drafts,
        future=future,
        base_url=base_url,
        strict=strict,
        today=today,
        environ=environ,
    )
    site = loaded.site
    pages = render_pages(site, make_environment(layout_dirs(root), root=root), root=root)
    feeds = render_feeds(site)
    sitemap = render_sitemap(site, [page.path for page in pages])
    index = (
        build_search_index(pages, language=site.config.language, base_path=site.config.base_path)
        if site.config.search
        else ()
    )
    statics = static_outputs(root, site)
    written = write_output(
        [*pages, *feeds, *sitemap, *index, *statics],
        out_dir,
        protected=[root, *(root / name for name in (CONTENT_DIR, LAYOUTS_DIR, ASSETS_DIR))],
    )
    return BuildReport(
        pages=len(pages),
        files=written,
        issues=len(site.issues),
        articles=len(site.articles),
        drafts_skipped=loaded.content.drafts_skipped,
        future_skipped=loaded.content.future_skipped,
        warnings=loaded.warnings,
    )


def check_site(
    root: Path,
    *,
    drafts: bool = False,
    future: bool = False,
    strict: bool = False,
    today: date | None = None,
) -> tuple[Diagnostic, ...]:
    """Every diagnostic a build would give, plus editorial advice; renders but writes nothing."""
    try:
        loaded = load_site(
            root, drafts=drafts, future=future, strict=False, today=today, environ={}, advice=True
        )
        render_pages(loaded.site, make_environment(layout_dirs(root), root=root), root=root)
    except BuildFailed as exc:
        found = exc.diagnostics
    except SiteError as exc:
        found = (exc.to_diagnostic(),)
    else:
        found = loaded.warnings
    return promote(found) if strict else found


def rebuild_for_serve(root: Path, out_dir: Path, *, drafts: bool) -> tuple[Diagnostic, ...]:
    """A build for the dev server: base URL `/`, future issues shown, problems returned."""
    try:
        return build_site(root, out_dir, drafts=drafts, future=True, base_url="/").warnings
    except BuildFailed as exc:
        return exc.diagnostics
    except SiteError as exc:
        return (exc.to_diagnostic(),)


def load_site(
    root: Path,
    *,
    drafts: bool,
    future: bool,
    base_url: str | None = None,
    strict: bool,
    today: date | None,
    environ: Mapping[str, str] | None,
    advice: bool = False,
) -> Loaded:
    """Config, content, structure and validation; raises BuildFailed on any error."""
    config = load_config(root, base_url=base_url)
    today = today or datetime.now(ZoneInfo(config.timezone)).date()
    content = load_content(root, config, drafts=drafts, future=future, today=today)
    raise_on_errors(content.diagnostics, strict=False)
    site = assemble(
        config,
        content.articles,
        content.issues,
        content.files,
        build_date=source_date(config, os.environ if environ is None else environ),
    )
    diagnostics = (*content.diagnostics, *validate(site, advice=advice))
    return Loaded(site=site, content=content, warnings=raise_on_errors(diagnostics, strict=strict))


def raise_on_errors(diagnostics: Iterable[Diagnostic], *, strict: bool) -> tuple[Diagnostic, ...]:
    """Raise BuildFailed if any error (or, when strict, any warning); else return the warnings."""
    found = promote(diagnostics) if strict else tuple(diagnostics)
    if any(d.is_error for d in found):
        raise BuildFailed(found)
    return found


def promote(diagnostics: Iterable[Diagnostic]) -> tuple[Diagnostic, ...]:
    """Warnings become errors (`--strict`)."""
    return tuple(Diagnostic(Severity.ERROR, d.message, d.location, d.hint) for d in diagnostics)


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
