"""The build pipeline, top to bottom: config, content, structure, validation, pages, output.

No printing and no click: the CLI shows what this returns or raises.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar
from zoneinfo import ZoneInfo

from .buildstate import BuildState, input_fingerprint
from .config import load_config
from .errors import BuildFailed, Diagnostic, Severity, SiteError
from .links import CONTENT_DIR
from .listing import Listing
from .model import OutputFile, Site, SiteConfig
from .output import check_destination, publish, stage_for
from .published import as_verified, intact_folder, verify
from .sitefiles import ASSETS_DIR, LAYOUTS_DIR, asset_dirs, layout_dirs, static_outputs

# The parsers, Jinja and the renderers are imported where they are used: a build that finds
# nothing changed (the commonest) never needs them, and importing them costs ~0.2 s.
if TYPE_CHECKING:
    from .content import Content
    from .records import ArticleRecord
    from .workers import Later, Workers

T = TypeVar("T")

#: From this many files of article records to write, they are written in another process.
RECORDS_ON_THE_SIDE = 8
OUTPUT_DIR = "public"


@dataclass(frozen=True, slots=True, kw_only=True)
class BuildReport:
    """What a successful build did, for the summary line."""

    pages: int  #: HTML pages in the site
    files: int  #: files in the output in all
    issues: int
    articles: int
    drafts_skipped: int  #: draft articles left out
    future_skipped: int  #: articles of issues dated after today, left out
    warnings: tuple[Diagnostic, ...]
    rendered: int = 0  #: pages rendered by this build (the others were unchanged)
    reused: int = 0  #: pages whose published file was kept, their inputs unchanged
    written: int = 0  #: files whose bytes were written (new or changed)
    parsed: int = 0  #: articles whose Markdown was rendered anew (not from the cache)


@dataclass(frozen=True, slots=True, kw_only=True)
class Loaded:
    """A site read, assembled and validated, ready to render."""

    site: Site
    content: Content
    warnings: tuple[Diagnostic, ...]


#: progress(stage, done, total): told as a build goes, for a progress bar (never required).
Progress = Callable[[str, int, int], None]


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
    jobs: int | None = None,
    cache: bool = True,
    progress: Progress | None = None,
    state: BuildState | None = None,
    listing: Later[Listing] | None = None,
    keep: list[object] | None = None,
) -> BuildReport:
    """Build the site at `root` into `out_dir` (default root/public), all or nothing.

    `jobs` worker processes parse articles (default: the machine's cores). With `cache`, the
    previous build's results in `root/.bulletin-cache/` are reused where their inputs are
    unchanged, and only changed files are written; the output is the same bytes either way.
    `state` carries the cache in memory from one build to the next (the dev server).
    `listing` is a scan of root/content/ (`listing.scan`) already under way elsewhere.
    What the build made (the site, its pages) is put in `keep` rather than freed on return,
    for a caller about to end: freeing 100,000 articles' objects one by one takes 0.4 s.
    """
    with _collector_paused():
        return _build(
            root, out_dir, drafts=drafts, future=future, base_url=base_url, strict=strict,
            today=today, environ=environ, jobs=jobs, cache=cache, progress=progress, state=state,
            listing=listing, keep=keep,
        )  # fmt: skip


@contextmanager
def _collector_paused() -> Iterator[None]:
    """No cyclic garbage collection during a build: it makes few cycles, and each full
    collection walks every object of the site (a third of a rebuild's time at 10,000 articles).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _build(
    root: Path,
    out_dir: Path | None,
    *,
    drafts: bool,
    future: bool,
    base_url: str | None,
    strict: bool,
    today: date | None,
    environ: Mapping[str, str] | None,
    jobs: int | None,
    cache: bool,
    progress: Progress | None,
    state: BuildState | None,
    listing: Later[Listing] | None,
    keep: list[object] | None,
) -> BuildReport:
    out_dir = out_dir if out_dir is not None else root / OUTPUT_DIR
    environ = os.environ if environ is None else environ
    state = state if state is not None else BuildState(root, enabled=cache)
    tell = progress or (lambda stage, done, total: None)
    config = load_config(root, base_url=base_url)
    today = today or datetime.now(ZoneInfo(config.timezone)).date()
    options = (drafts, future, base_url, strict, None if future else today,
               environ.get("SOURCE_DATE_EPOCH", ""))  # fmt: skip
    if listing is not None:  # while content/ is scanned, what comes next is loaded
        state.manifest(out_dir)
        state.load_records_until(listing.ready)
    inputs = input_fingerprint(
        root, out_dir, options, state,
        layout_dirs=layout_dirs(root), asset_dirs=asset_dirs(root),
        content_dir=root / CONTENT_DIR, listing=listing.result if listing is not None else None,
    )  # fmt: skip
    last = state.unchanged(out_dir, inputs)
    if isinstance(last, BuildReport):
        return replace(last, rendered=0, reused=last.pages, written=0, parsed=0)
    from .incremental import PageIndex, feed_outputs, plan_pages, search_outputs
    from .sitemap import render_sitemap
    from .templates import make_environment
    from .workers import Later, Workers

    tell("reading", 0, 1)
    manifest = state.manifest(out_dir)
    layouts = state.layouts(inputs.layouts)
    # The output folder is checked on the side while the content is read.
    check = Later(partial(intact_folder, out_dir, manifest)) if manifest is not None else None
    learning: Later[tuple[dict[str, bytes], dict[str, object]]] | None = None
    try:
        with Workers(jobs) as workers:
            if workers.jobs > 1 and not layouts.compiled:
                # So are the layouts compiled, and what each reads learnt, on a first build.
                learning = Later(partial(_learn_layouts, root))
            try:
                loaded = load_site(
                    root, drafts=drafts, future=future, base_url=base_url, strict=strict,
                    today=today, environ=environ, records=state.records(), workers=workers,
                    on_content=state.keep_records, stats=inputs.content,
                )  # fmt: skip
            except BaseException:
                state.save_records()  # what was parsed is kept for the next build
                raise
        verified = None
        if manifest is not None and check is not None:
            intact = _result_or(check, False)  # False: look again here
            verified = as_verified(manifest) if intact else verify(out_dir, manifest)
        if learning is not None:
            compiled, uses = _result_or(learning, ({}, {}))
            layouts.compiled.update(compiled)
            layouts.uses.update(uses)
    finally:
        for later in (check, learning):
            if later is not None:
                later.close()
    site = loaded.site
    env = make_environment(layout_dirs(root), root=root, compiled=layouts.compiled)
    content = loaded.content
    previous = state.page_index(out_dir)
    protected = [root, *(root / name for name in (CONTENT_DIR, LAYOUTS_DIR, ASSETS_DIR))]
    saving = state.records_saving()
    # Many files of records (a first build's) are written on the side while pages render.
    saver = Later(saving) if saving.files >= RECORDS_ON_THE_SIDE else None
    if saver is None:
        saving()
    stage = None
    try:
        check_destination(out_dir, protected)
        stage = stage_for(out_dir, verified)
        plan = plan_pages(
            site, env, root, verified, base=inputs.layouts, tell=tell,
            seeds=zip(content.articles, content.fingerprints, strict=True),
            previous=previous if isinstance(previous, PageIndex) else None,
            uses=layouts.uses,  # type: ignore[arg-type]
            jobs=workers.jobs, stage=stage,
            fingerprinted=state.enabled,  # marks that nothing would keep are not worked out
        )  # fmt: skip
        feeds, kept_feeds, feed_marks = feed_outputs(
            site, zip(content.articles, content.fingerprints, strict=True), inputs.layouts,
            verified,
        )  # fmt: skip
        sitemap = render_sitemap(site, plan.paths)
        kept = [*plan.kept, *kept_feeds]
        index: tuple[OutputFile, ...] = ()
        if site.config.search:
            tell("search index", 0, 1)
            index, kept_index = search_outputs(site, plan, out_dir, verified, stage)
            kept.extend(kept_index)
        statics = static_outputs(root, site)
        tell("writing", 0, 1)
        publication = publish(
            [*plan.rendered, *feeds, *sitemap, *index, *statics],
            out_dir, protected=protected, marks={**plan.marks, **feed_marks}, kept=kept,
            verified=verified, stage=stage,
        )  # fmt: skip
    finally:
        if stage is not None:
            stage.close()
        if saver is not None:
            # Even when the build failed; a failure there is not the build's.
            _result_or(saver, 0)
    report = BuildReport(
        pages=len(plan.paths),
        files=len(publication.manifest.files),
        issues=len(site.issues),
        articles=len(site.articles),
        drafts_skipped=loaded.content.drafts_skipped,
        future_skipped=loaded.content.future_skipped,
        warnings=loaded.warnings,
        rendered=len(plan.rendered),
        reused=len(plan.kept),
        written=publication.written,
        parsed=loaded.content.rendered,
    )
    state.published(out_dir, inputs, publication.manifest, report, pages=plan.index)
    state.save_layouts()
    if keep is not None:
        keep.extend((inputs, loaded, plan, feeds, index, publication, verified))
    return report


def _result_or(later: Later[T], default: T) -> T:
    """What was worked out on the side, or `default` if that failed: such work is only ever
    a shortcut (the cache's files are each signed; what is not known is worked out here)."""
    try:
        return later.result()
    except Exception:
        return default


def _learn_layouts(root: Path) -> tuple[dict[str, bytes], dict[str, object]]:
    """Every layout compiled (as Jinja's bytecode cache keeps it), and what each reads. A
    layout that does not compile is left out: rendering reports it."""
    from .layoutreads import layout_uses
    from .templates import make_environment

    compiled: dict[str, bytes] = {}
    env = make_environment(layout_dirs(root), root=root, compiled=compiled)
    uses: dict[str, object] = {}
    for name in env.list_templates(extensions=["html"]):
        try:
            env.get_template(name)
        except Exception:
            continue
        uses[name] = layout_uses(env, name)
    return compiled, uses


def check_site(
    root: Path,
    *,
    drafts: bool = False,
    future: bool = False,
    strict: bool = False,
    today: date | None = None,
) -> tuple[Diagnostic, ...]:
    """Every diagnostic a build would give, plus editorial advice; renders but writes nothing."""
    from .render import render_pages
    from .templates import make_environment

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


def rebuild_for_serve(
    root: Path, out_dir: Path, *, drafts: bool, state: BuildState | None = None
) -> tuple[Diagnostic, ...]:
    """A build for the dev server: base URL `/`, future issues shown, problems returned.

    Pass the same `state` to every rebuild of one server: the cache then stays in memory.
    """
    try:
        return build_site(
            root, out_dir, drafts=drafts, future=True, base_url="/", state=state
        ).warnings
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
    records: Mapping[str, ArticleRecord] | None = None,
    workers: Workers | None = None,
    on_content: Callable[[Content], None] | None = None,
    stats: Mapping[str, tuple[int, int]] | None = None,
) -> Loaded:
    """Config, content, structure and validation; raises BuildFailed on any error.

    `records` are the previous build's article records; `on_content` is given the content
    read, before any error is raised (so that what was parsed can still be cached); `stats`
    the sizes and mtimes of content files just seen (they are not stat'ed again).
    """
    from .content import load_content
    from .structure import assemble
    from .validate import validate

    config = load_config(root, base_url=base_url)
    today = today or datetime.now(ZoneInfo(config.timezone)).date()
    content = load_content(
        root, config, drafts=drafts, future=future, today=today, records=records,
        workers=workers, stats=stats,
    )  # fmt: skip
    if on_content is not None:
        on_content(content)
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
