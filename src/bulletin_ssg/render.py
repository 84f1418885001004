"""Site + Jinja environment -> the HTML pages of the site, as OutputFiles.

Renders the pages pages.py lists with the values it builds; decides nothing, writes nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2

from .model import OutputFile, Site
from .pages import page_contexts
from .pagevalues import Page
from .templates import render_template


def render_pages(site: Site, env: jinja2.Environment, *, root: Path) -> tuple[OutputFile, ...]:
    """Every HTML page of the site, in a fixed order."""
    return tuple(
        render_page(env, page, values, origin, root=root)
        for page, values, origin in page_contexts(site)
    )


def render_page(
    env: jinja2.Environment, page: Page, values: dict[str, Any], origin: str, *, root: Path
) -> OutputFile:
    """One page of `pages.page_contexts` (or of a spec's build), rendered."""
    return OutputFile(
        path=output_path(page.url),
        content=render_template(env, page.layout, values, root=root).encode("utf-8"),
        origin=origin,
    )


def output_path(url: str) -> str:
    """`/issues/x/` → `issues/x/index.html`; `/404.html` → `404.html`."""
    path = url.lstrip("/")
    return path + "index.html" if path == "" or path.endswith("/") else path
