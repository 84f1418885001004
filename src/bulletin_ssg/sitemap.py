"""sitemap.xml (sitemaps.org 0.9) and robots.txt for the rendered pages.

Pure and deterministic: writes nothing. The sitemap protocol requires fully qualified URLs, so
when `base_url` is only a path (no scheme and host) no sitemap.xml is made and robots.txt has
no Sitemap line.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from xml.etree import ElementTree as ET

from .model import OutputFile, Site, SiteConfig

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
SITEMAP_NAME = "sitemap.xml"
ROBOTS_NAME = "robots.txt"
#: Pages that are not content and must not be listed.
UNLISTED = frozenset({"404.html"})


def render_sitemap(site: Site, page_paths: Sequence[str]) -> tuple[OutputFile, ...]:
    """sitemap.xml (only when base_url is absolute) and robots.txt.

    `page_paths` are output paths of the HTML pages, e.g. `issues/2023-02-16/index.html`.
    """
    config = site.config
    robots = OutputFile(path=ROBOTS_NAME, content=render_robots(config), origin="robots.txt")
    if not config.has_host:
        return (robots,)
    latest = site.latest.date if site.latest else None
    urlset = ET.Element("urlset", {"xmlns": SITEMAP_NS})
    for path in listed_paths(page_paths):
        url = ET.SubElement(urlset, "url")
        ET.SubElement(url, "loc").text = config.absolute_url(page_url(path))
        modified = issue_date_of(path) or latest
        if modified is not None:
            ET.SubElement(url, "lastmod").text = modified.isoformat()
    ET.indent(urlset)
    text = '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(urlset, "unicode") + "\n"
    sitemap = OutputFile(path=SITEMAP_NAME, content=text.encode("utf-8"), origin="sitemap")
    return (sitemap, robots)


def render_robots(config: SiteConfig) -> bytes:
    """Allow everything; point to the sitemap when there is one."""
    lines = ["User-agent: *", "Allow: /"]
    if config.has_host:
        lines += ["", f"Sitemap: {config.absolute_url('/' + SITEMAP_NAME)}"]
    return ("\n".join(lines) + "\n").encode("utf-8")


def listed_paths(page_paths: Sequence[str]) -> list[str]:
    """HTML pages to list, sorted by URL, without repeats and without UNLISTED ones."""
    listed = {p for p in page_paths if p.endswith(".html") and p not in UNLISTED}
    return sorted(listed, key=page_url)


def page_url(path: str) -> str:
    """`issues/x/index.html` → `/issues/x/`; `index.html` → `/`; `a.html` → `/a.html`."""
    if path == "index.html" or path.endswith("/index.html"):
        path = path.removesuffix("index.html")
    return "/" + path


def issue_date_of(path: str) -> date | None:
    """The date in `issues/<YYYY-MM-DD>/...`, for issue, issue-section and article pages."""
    parts = path.split("/")
    if len(parts) < 3 or parts[0] != "issues" or len(parts[1]) != len("YYYY-MM-DD"):
        return None
    try:
        return date.fromisoformat(parts[1])
    except ValueError:
        return None
