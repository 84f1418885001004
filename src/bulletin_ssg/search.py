"""The Pagefind full-text index of the rendered article pages, returned as OutputFiles.

Pagefind reads and writes only inside a private temporary folder, removed before returning;
this module writes nothing else.
"""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path, PurePosixPath

from pagefind.service import get_executable

from .errors import Location, OutputError
from .model import OutputFile

#: Output folder of the index, relative to the site root.
INDEX_DIR = "pagefind"
#: Only pages that mark their indexable part are indexed (the article element).
BODY_MARKER = b"data-pagefind-body"
#: Languages written without spaces between words, which only the extended binary segments.
SEGMENTED_LANGUAGES = ("zh", "ja")
#: Pagefind refuses a folder with nothing to index; this page gives it one with no words.
EMPTY_PAGE = OutputFile(
    path="index.html",
    content=b'<!doctype html><html><body><div data-pagefind-body data-pagefind-ignore="all">'
    b"x</div></body></html>",
)
INSTALL_HINT = "install pagefind[extended] (PyPI), or set `search: false` in site.yaml"


def build_search_index(
    pages: Sequence[OutputFile], *, language: str, base_path: str = "/"
) -> tuple[OutputFile, ...]:
    """The files of INDEX_DIR/ for `pages` whose HTML has BODY_MARKER, sorted by path.

    Result URLs are `base_path` + the page's path without `index.html`. The output is the same
    bytes for the same pages in any order: Pagefind sorts the files it finds in a folder.
    """
    language = language.lower()
    binary = require_binary(language)
    chosen = indexable(pages)
    with tempfile.TemporaryDirectory(prefix="bulletin-search-") as tmp:
        site_dir, out_dir = Path(tmp, "site"), Path(tmp, "out")
        stage_pages(chosen or [EMPTY_PAGE], site_dir, prefix=base_path)
        run_pagefind(binary, site_dir, out_dir, language)
        bundle = collect(out_dir)
    if not chosen:  # only the placeholder's fragment: the search page still loads, finds nothing
        bundle = tuple(f for f in bundle if not f.path.endswith(".pf_fragment"))
    return bundle


def indexable(pages: Iterable[OutputFile]) -> list[OutputFile]:
    """The HTML pages that carry BODY_MARKER."""
    return [
        page
        for page in pages
        if page.path.endswith(".html") and page.copy_from is None and BODY_MARKER in page.content
    ]


def stage_pages(pages: Iterable[OutputFile], folder: Path, *, prefix: str = "/") -> None:
    """Write `pages` below `folder` at `prefix` + their output paths, for Pagefind to read."""
    for page in pages:
        relative = PurePosixPath(prefix.strip("/"), page.path)
        if PurePosixPath(page.path).is_absolute() or ".." in relative.parts:
            raise OutputError(f"search index: page path {relative} leaves the output folder")
        target = folder.joinpath(*relative.parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(page.content)


def run_pagefind(binary: Path, site_dir: Path, out_dir: Path, language: str) -> None:
    """Index the HTML below `site_dir` as one `language` and write the bundle to `out_dir`.

    The binary is run directly: the Python wrapper's service polls for each reply every
    0.1 s (0.45 s of a small site's 0.65 s), and its get_files hangs once the bundle passes
    its 2 MiB pipe buffer (about 1,000 articles).
    """
    command = [
        str(binary),
        "--site",
        str(site_dir),
        "--output-path",
        str(out_dir),
        "--force-language",
        language,
        "--silent",
    ]
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=False)
    except OSError as exc:
        raise OutputError(
            f"cannot run Pagefind ({binary}): {exc.strerror}", None, INSTALL_HINT
        ) from exc
    if done.returncode != 0:
        said = (done.stderr or done.stdout).strip().splitlines()
        raise OutputError(f"Pagefind failed: {said[-1] if said else f'exit {done.returncode}'}")


def collect(out_dir: Path) -> tuple[OutputFile, ...]:
    """Every file below `out_dir` as an OutputFile under INDEX_DIR/, sorted by path."""
    return tuple(
        OutputFile(
            path=f"{INDEX_DIR}/{file.relative_to(out_dir).as_posix()}",
            content=file.read_bytes(),
            origin="search index",
        )
        for file in sorted(out_dir.rglob("*"))
        if file.is_file()
    )


def pagefind_binary() -> Path | None:
    """The Pagefind executable the Python package would run, if any."""
    return get_executable()


def is_extended(binary: Path) -> bool:
    """Whether `binary` is Pagefind's extended build (word segmentation for zh and ja)."""
    return "extended" in binary.name


def require_binary(language: str) -> Path:
    """The Pagefind binary fit for `language`; OutputError when none is installed."""
    binary = pagefind_binary()
    where = Location("site.yaml")
    if binary is None:
        raise OutputError("search is on, but no Pagefind binary was found", where, INSTALL_HINT)
    if language.split("-")[0] in SEGMENTED_LANGUAGES and not is_extended(binary):
        raise OutputError(
            f"search in {language!r}: got the Pagefind binary {binary.name!r},"
            " expected the extended build, which segments Chinese and Japanese words",
            where,
            INSTALL_HINT,
        )
    return binary
