"""The Pagefind full-text index of the rendered article pages, returned as OutputFiles.

Pagefind reads and writes only inside a private temporary folder, removed before returning;
this module writes nothing else. asyncio stays inside: callers must not be in an event loop.
"""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path, PurePosixPath

from pagefind.index import IndexConfig
from pagefind.service import PagefindService, get_executable

from .errors import Location, OutputError
from .model import OutputFile

#: Output folder of the index, relative to the site root.
INDEX_DIR = "pagefind"
#: Only pages that mark their indexable part are indexed (the article element).
BODY_MARKER = b"data-pagefind-body"
#: Languages written without spaces between words, which only the extended binary segments.
SEGMENTED_LANGUAGES = ("zh", "ja")
INSTALL_HINT = "install pagefind[extended] (PyPI), or set `search: false` in site.yaml"


def build_search_index(
    pages: Sequence[OutputFile], *, language: str, base_path: str = "/"
) -> tuple[OutputFile, ...]:
    """The files of INDEX_DIR/ for `pages` whose HTML has BODY_MARKER, sorted by path.

    Result URLs are `base_path` + the page's path without `index.html`. The output is the same
    bytes for the same pages in any order: Pagefind sorts the files it finds in a folder.
    """
    language = language.lower()
    require_binary(language)
    chosen = indexable(pages)
    with tempfile.TemporaryDirectory(prefix="bulletin-search-") as tmp:
        site_dir, out_dir = Path(tmp, "site"), Path(tmp, "out")
        stage_pages(chosen, site_dir, prefix=base_path)
        asyncio.run(run_pagefind(site_dir, out_dir, language))
        return collect(out_dir)


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


async def run_pagefind(site_dir: Path, out_dir: Path, language: str) -> None:
    """Index the HTML below `site_dir` as one `language` and write the bundle to `out_dir`.

    Why a folder and not add_html_file/get_files: the Python wrapper polls for each reply
    every 0.1 s (100 s for 1,000 pages), and get_files hangs once the bundle passes its 2 MiB
    pipe buffer (about 1,000 articles).
    """
    config: IndexConfig = {"force_language": language}
    async with PagefindService() as service:
        index = await service.create_index(config)
        await index.add_directory(str(site_dir))
        await index.write_files(output_path=str(out_dir))
        await index.delete_index()


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


def require_binary(language: str) -> None:
    """Raise OutputError unless a Pagefind binary fit for `language` is installed."""
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
