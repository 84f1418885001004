"""Where a site's layouts and assets are (its own, then the bundled theme's), and the files it
publishes as they are: issue files and assets.
"""

from __future__ import annotations

from pathlib import Path

from .model import OutputFile, Site

ASSETS_DIR = "assets"
LAYOUTS_DIR = "layouts"


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


def asset_dirs(root: Path) -> list[Path]:
    """Where assets come from, first match wins: the site's own, then the bundled ones."""
    dirs = [root / ASSETS_DIR]
    bundled = theme_dir(ASSETS_DIR)
    if bundled is not None:
        dirs.append(bundled)
    return dirs


def static_outputs(root: Path, site: Site) -> list[OutputFile]:
    """Issue files and assets, copied as they are."""
    outputs = [
        OutputFile(path=f.url.lstrip("/"), copy_from=str(root / f.source), origin=f.source)
        for f in site.files
    ]
    seen: set[str] = set()
    for assets in asset_dirs(root):
        if not assets.is_dir():
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
