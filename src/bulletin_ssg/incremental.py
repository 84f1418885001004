"""Incremental pages: a page is rendered again only when its fingerprint changed, and after an
edit that leaves the site's shape alone only the pages that read a changed article are even
fingerprinted (the page index of the previous build says which).

Reads layouts through the environment's loader and, for the search index, published pages;
writes nothing.
"""

from __future__ import annotations

import hashlib
from array import array
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import jinja2

from . import workers
from .feeds import FEED_SIZE, site_feeds
from .fingerprints import READS_ANY, Fingerprints, Reach, page_fingerprint
from .layoutreads import LayoutUses, layout_uses
from .model import Article, OutputFile, Site
from .pages import PageSpec, page_specs, site_inputs, some_page_specs
from .published import Verified, digest_of
from .render import output_path, render_page
from .staging import Stage, Staged


@dataclass(frozen=True, slots=True, kw_only=True)
class PageIndex:
    """Which pages read which articles, as a build left them: lets the next build fingerprint
    only the pages of changed articles when nothing else changed."""

    shape: bytes  #: the site without its articles' contents, and the layouts (`site_shape`)
    frame: bytes  #: the site without its articles, and the layouts (`site_frame`)
    places: bytes  #: each article's `place_of`, one after another
    paths: tuple[str, ...]  #: every page's output path, in page order
    marks: tuple[bytes, ...]  #: each page's fingerprint
    sources: tuple[str, ...]  #: each article's Markdown file, in content order
    digests: tuple[bytes, ...]  #: each article's fingerprint
    readers: tuple[bytes, ...]  #: per article, the page numbers reading it (array "I" bytes)
    always: bytes  #: page numbers fingerprinted on every build (they read opaque values)

    def affected(self, digests: Sequence[bytes]) -> set[int]:
        """The pages that read an article whose fingerprint is not the one indexed."""
        pages: set[int] = set(array("I", self.always))
        for number, (new, old) in enumerate(zip(digests, self.digests, strict=True)):
            if new != old:
                pages.update(array("I", self.readers[number]))
        return pages


#: A page's mark, what it reached (None when its mark was known), and the page rendered (as
#: written into the stage, if any) unless the one published with that mark can stay.
Worked = tuple[bytes, Reach | None, OutputFile | Staged | None]


@dataclass(frozen=True, slots=True, kw_only=True)
class PagePlan:
    """The pages of a build: those rendered now, and those kept as published."""

    rendered: tuple[OutputFile | Staged, ...]  #: Staged when written as they were rendered
    kept: tuple[str, ...]  #: output paths of pages whose inputs did not change
    paths: tuple[str, ...]  #: every page's output path, in page order
    marks: Mapping[str, bytes]  #: each page's fingerprint
    index: PageIndex


def site_shape(site: Site, articles: Sequence[Article], base: bytes) -> bytes:
    """A hash of the site with each article standing for its place only, and of the layouts.

    Equal shapes mean the same pages made of the same values, except within articles.
    """
    shape = Fingerprints()
    for number, article in enumerate(articles):
        shape.known(article, number.to_bytes(4, "little"), number)
    hasher = hashlib.blake2b(base, digest_size=16)
    hasher.update(shape.of(site))
    return hasher.digest()


def site_frame(site: Site, base: bytes) -> bytes:
    """A hash of what the site is made of besides its articles (site.yaml's values, the
    issues, the files, the build date) and of the layouts.

    Hashed by repr, at a third of the cost of a structural hash: the model's values show
    every field they compare in their repr, and a value whose repr differs from build to
    build (an object's address, a set's order) only makes the frame look changed.
    """
    value = (site.config, tuple(issue.info for issue in site.issues), site.files, site.build_date)
    return hashlib.blake2b(base + repr(value).encode(), digest_size=16).digest()


def place_of(article: Article) -> bytes:
    """A hash of what decides where an article stands in the site and its URL (its file
    aside): with the frame, the articles' files and places, the site's shape is decided."""
    text = f"{article.issue_date}\0{article.section}\0{article.order}\0{article.slug}"
    return hashlib.blake2b(text.encode(), digest_size=PLACE_SIZE).digest()


PLACE_SIZE = 16
#: Pages rendered in a row before their files are written (and the unit of work shared out).
PAGES_A_RUN = 64
#: Runs a batch of work holds at most (256 pages, some 40 ms): see workers.batch_size.
RUNS_A_BATCH = 4


def _unmoved(
    previous: PageIndex | None,
    frame: bytes,
    sources: tuple[str, ...],
    articles: Sequence[Article],
    digests: Sequence[bytes],
) -> PageIndex | None:
    """`previous` when the site's frame and articles' files are as indexed and every changed
    article kept its place: then the shape is the same, without hashing the whole site."""
    if previous is None or previous.frame != frame or previous.sources != sources:
        return None
    places = previous.places
    for number, (new, old) in enumerate(zip(digests, previous.digests, strict=True)):
        start = number * PLACE_SIZE
        if new != old and place_of(articles[number]) != places[start : start + PLACE_SIZE]:
            return None
    return previous


def plan_pages(
    site: Site,
    env: jinja2.Environment,
    root: Path,
    verified: Verified | None,
    *,
    base: bytes,
    tell: Callable[[str, int, int], None],
    seeds: Iterable[tuple[Article, bytes]] = (),
    previous: PageIndex | None = None,
    uses: dict[str, LayoutUses] | None = None,
    jobs: int = 1,
    stage: Stage | None = None,
    fingerprinted: bool = True,
) -> PagePlan:
    """Render the pages whose fingerprint differs from the one they were published with.

    `seeds` are the articles with their fingerprints (from their records); `previous` is the
    page index of the last build into the same folder; `uses` what each layout reads, as far
    as known (filled in here). With `jobs` > 1 many pages render in forked processes. With a
    `stage`, each page is written into it by the process that rendered it. Without
    `fingerprinted` (a build that remembers nothing: no `previous`, nothing trusted) no page
    is fingerprinted, each is rendered, and the index has empty marks and no readers.
    """
    seeds = list(seeds)
    articles = [article for article, _ in seeds]
    digests = tuple(digest for _, digest in seeds)
    sources = tuple(article.source.path for article in articles)
    frame = site_frame(site, base)
    same_shape = _unmoved(previous, frame, sources, articles, digests)
    specs: Mapping[int, PageSpec] | None = None
    if same_shape is not None:
        paths = same_shape.paths
    else:
        specs = dict(enumerate(page_specs(site)))
        paths = tuple(output_path(spec.url) for spec in specs.values())
        # With nothing to compare it with, the shape is for the index: worked out below.
        shape = site_shape(site, articles, base) if previous is not None else b""
        if (
            previous is not None
            and previous.shape == shape
            and previous.paths == paths
            and previous.sources == sources
        ):
            places = b"".join(map(place_of, articles))
            same_shape = replace(previous, frame=frame, places=places)
    known = same_shape.marks if same_shape is not None else None
    affected = same_shape.affected(digests) if same_shape is not None else set()
    fingerprints = Fingerprints()
    for number, (article, digest) in enumerate(seeds if fingerprinted else ()):
        fingerprints.known(article, digest, number)
    common = fingerprints.of(site_inputs(site))
    uses = uses if uses is not None else {}
    trusted = verified.trusted if verified is not None else {}
    todo = [
        number
        for number, path in enumerate(paths)
        if known is None
        or number in affected
        or (old := trusted.get(path)) is None
        or old.mark != known[number]
    ]
    chosen = specs if specs is not None else some_page_specs(site, set(todo))

    def work(number: int) -> tuple[bytes, Reach | None, OutputFile | None]:
        """The page's mark (empty when not `fingerprinted`), what it reached (None when its
        mark was known or not worked out), and the page rendered unless the one published
        with that mark can stay."""
        spec = chosen[number]
        reach: Reach | None = None
        if not fingerprinted:
            mark = b""
        elif known is not None and number not in affected:
            mark = known[number]
        else:
            mark, reach = page_fingerprint(uses[spec.layout], spec, fingerprints, base, common)
        old = trusted.get(paths[number])
        if mark and old is not None and old.mark == mark:
            return mark, reach, None
        page, values, origin = spec.build()
        return mark, reach, render_page(env, page, values, origin, root=root)

    def work_run(numbers: Sequence[int]) -> list[Worked]:
        """`work` over a run of pages, then their files into the stage: rendering many pages
        in a row and then writing many files in a row is some 15 % faster than taking turns."""
        done = [work(number) for number in numbers]
        if stage is None:
            return list(done)
        return [(m, r, None if page is None else stage.put(page)) for m, r, page in done]

    for number in todo if fingerprinted else ():  # before any fork: every process has them
        if chosen[number].layout not in uses:
            uses[chosen[number].layout] = layout_uses(env, chosen[number].layout)
    tell("pages", 0, len(todo))

    def progress(runs_taken: int) -> None:
        tell("pages", min(len(todo), runs_taken * PAGES_A_RUN), len(todo))

    shaped: list[bytes] = []

    def shape_meanwhile() -> None:
        shaped.append(site_shape(site, articles, base))

    later = shape_meanwhile if fingerprinted and same_shape is None and not shape else None
    # The archive lists every issue (some 0.1 s at 100,000 articles): worked first, so that
    # the process that takes it is not left working on it after all the others are done.
    order = sorted(todo, key=lambda number: chosen[number].kind != "archive")
    runs = [order[start : start + PAGES_A_RUN] for start in range(0, len(order), PAGES_A_RUN)]
    fewest = -(-workers.FORK_THRESHOLD // PAGES_A_RUN)  # runs worth forking for
    # Each process renders in a thread of its own, whose page strings come from a malloc
    # arena of its own (workers.queue_map).
    worked = workers.fork_map(
        work_run, runs, jobs, progress,
        minimum=fewest, most=RUNS_A_BATCH, meanwhile=later, own_arena=True,
    )  # fmt: skip
    done = dict(zip(order, (page for run in worked for page in run), strict=True))
    rendered: list[OutputFile | Staged] = []
    kept: list[str] = []
    marks: list[bytes] = []
    for number, path in enumerate(paths):
        mark, _, page = done.get(number) or (known[number], None, None)  # type: ignore[index]
        marks.append(mark)
        if page is None:
            kept.append(path)
        else:
            rendered.append(page)
    if same_shape is not None:  # the same pages read the same articles as before
        index = replace(same_shape, marks=tuple(marks), digests=digests)
    else:
        readers: list[list[int]] = [[] for _ in articles]
        always: list[int] = []
        for number in todo:
            _, reach, _ = done[number]
            for reached in reach or ():
                (always if reached == READS_ANY else readers[reached]).append(number)
        index = PageIndex(
            shape=shape or (shaped[0] if shaped else b""), frame=frame,
            places=b"".join(map(place_of, articles)),
            paths=paths, marks=tuple(marks), sources=sources, digests=digests,
            readers=tuple(array("I", pages).tobytes() for pages in readers),
            always=array("I", always).tobytes(),
        )  # fmt: skip
    return PagePlan(
        rendered=tuple(rendered),
        kept=tuple(kept),
        paths=paths,
        marks=dict(zip(paths, marks, strict=True)),
        index=index,
    )


def feed_outputs(
    site: Site,
    seeds: Iterable[tuple[Article, bytes]],
    base: bytes,
    verified: Verified | None,
) -> tuple[list[OutputFile], list[str], dict[str, bytes]]:
    """The feeds rendered, the paths of those kept as published, and each feed's mark.

    A feed's mark hashes `base` (the tool), the site's settings and build date, the feed's
    titles and URLs, and the fingerprints of its articles (`seeds`): a feed is rendered again
    only when its mark is not the one it was published with.
    """
    digests = {id(article): digest for article, digest in seeds}
    trusted = verified.trusted if verified is not None else {}
    settings = base + repr((site.config, site.build_date)).encode()
    rendered: list[OutputFile] = []
    kept: list[str] = []
    marks: dict[str, bytes] = {}
    for feed in site_feeds(site):
        hasher = hashlib.blake2b(settings, digest_size=16)
        hasher.update(repr(feed._replace(articles=())).encode())
        entries = [digests.get(id(article)) for article in feed.articles[:FEED_SIZE]]
        known = None not in entries
        for digest in entries:
            hasher.update(digest or b"")
        mark = hasher.digest() if known else b""  # no mark: rendered every time
        old = trusted.get(feed.path)
        if mark and old is not None and old.mark == mark:
            kept.append(feed.path)
        else:
            rendered.append(feed.render(site))
        marks[feed.path] = mark
    return rendered, kept, marks


def search_outputs(
    site: Site,
    plan: PagePlan,
    out_dir: Path,
    verified: Verified | None,
    stage: Stage | None = None,
) -> tuple[tuple[OutputFile, ...], list[str]]:
    """The Pagefind index: kept as published when no page it indexes changed, else rebuilt.

    `stage` is the one the plan's pages were written into, if any.
    """
    from .search import INDEX_DIR, build_search_index  # Pagefind's client: only when indexing

    trusted = verified.trusted if verified is not None else {}
    published = [p for p in trusted if p.startswith(INDEX_DIR + "/")]
    if (
        published
        and all(
            (old := trusted.get(page.path)) is not None and old.digest == _digest(page)
            for page in plan.rendered
        )
        and set(plan.paths) >= {p for p in trusted if p.endswith(".html")}
    ):
        return (), published
    pages = [
        *(_in_memory(page, out_dir, stage) for page in plan.rendered),
        *(OutputFile(path=p, content=(out_dir / p).read_bytes()) for p in plan.kept),
    ]
    index = build_search_index(
        pages, language=site.config.language, base_path=site.config.base_path
    )
    return index, []


def _digest(page: OutputFile | Staged) -> bytes:
    return page.digest if isinstance(page, Staged) else digest_of(page.content)


def _in_memory(page: OutputFile | Staged, out_dir: Path, stage: Stage | None) -> OutputFile:
    """A rendered page with its bytes (a staged one's read back)."""
    if isinstance(page, OutputFile):
        return page
    assert stage is not None, "a staged page comes with its stage"
    return OutputFile(path=page.path, content=stage.read(page, out_dir), origin=page.origin)
