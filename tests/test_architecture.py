"""Module boundaries, checked from the source: which project modules and third-party packages
each module may import (ARCHITECTURE.md in code, like Zola's per-crate dependencies)."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "bulletin_ssg"

#: Project modules each module may import, from the bottom layer up.
ALLOWED: dict[str, set[str]] = {
    "errors": set(),
    "model": {"errors"},
    "slugs": set(),
    "summary": set(),
    "frontmatter": {"errors"},
    "fields": {"errors", "frontmatter"},
    "config": {"errors", "model", "frontmatter", "slugs"},
    "markup": {"errors", "model"},
    "templates": {"errors", "model"},
    "images": set(),
    "links": {"images"},
    "articles": {"errors", "model", "fields", "frontmatter", "links", "markup", "summary"},
    "sources": {"errors", "model", "articles", "frontmatter", "slugs"},
    "workers": set(),
    "cache": {"__init__"},
    "listing": set(),
    "records": {"errors", "model", "articles"},
    "issuefolders": {
        "listing",
        "errors",
        "model",
        "fields",
        "frontmatter",
        "links",
        "articles",
        "sources",
        "records",
    },
    "reuse": {"model", "links", "articles", "records", "issuefolders"},
    "content": {
        "errors",
        "model",
        "links",
        "articles",
        "sources",
        "workers",
        "records",
        "issuefolders",
        "reuse",
    },
    "structure": {"model"},
    "page_text": {"errors", "model", "slugs"},
    "page_parse": {"errors", "model", "slugs", "page_text"},
    "importer": {"errors", "links", "page_parse"},
    "scaffold": {"errors", "links", "model", "slugs"},
    "validate": {"errors", "model"},
    "pagemeta": {"model"},
    "pagevalues": {"model"},
    "pages": {"model", "pagemeta", "pagevalues", "templates"},
    "render": {"model", "pages", "pagevalues", "templates"},
    "feeds": {"errors", "model"},
    "sitemap": {"errors", "model"},
    "search": {"errors", "model"},
    "sitefiles": {"model"},
    "published": {"errors", "model"},
    "staging": {"errors", "model", "published"},
    "output": {"errors", "model", "published", "staging"},
    "layoutreads": set(),
    "fingerprints": {"layoutreads", "pages"},
    "incremental": {
        "feeds",
        "fingerprints",
        "layoutreads",
        "model",
        "pages",
        "published",
        "render",
        "search",
        "staging",
        "workers",
    },
    "deltas": set(),
    "buildstate": {"cache", "content", "deltas", "listing", "records", "published"},
    "build": {
        "errors",
        "model",
        "config",
        "content",
        "records",
        "links",
        "structure",
        "validate",
        "templates",
        "render",
        "feeds",
        "sitemap",
        "search",
        "published",
        "output",
        "incremental",
        "layoutreads",
        "buildstate",
        "listing",
        "workers",
        "sitefiles",
    },
    "livereload": {"errors"},
    "watch": {"errors"},
    "serve": {"errors", "livereload", "watch"},
    "cli": {
        "__init__",
        "errors",
        "build",
        "buildstate",
        "config",
        "articles",
        "importer",
        "scaffold",
        "serve",
        "links",
        "listing",
        "workers",
        "sitefiles",
    },
    "__main__": {"cli"},
    "__init__": {"build", "errors"},
}

#: Third-party packages and the only modules that may import them.
THIRD_PARTY: dict[str, set[str]] = {
    "yaml": {"frontmatter"},
    "markdown_it": {"markup"},
    "mdit_py_plugins": {"markup"},
    "jinja2": {"templates", "render", "layoutreads", "incremental"},
    "pagefind": {"search"},
    "watchdog": {"watch"},
    "click": {"cli"},
    "pypinyin": {"slugs"},
}


def imports_of(path: Path) -> tuple[set[str], set[str]]:
    """(project modules, top-level foreign packages) that a module imports anywhere in it."""
    project: set[str] = set()
    foreign: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level:
            if node.module:
                project.add(node.module.split(".")[0])
            else:
                project.update(
                    "__init__" if a.name == "__version__" else a.name for a in node.names
                )
        elif isinstance(node, ast.ImportFrom) and node.module:
            foreign.add(node.module.split(".")[0])
        elif isinstance(node, ast.Import):
            foreign.update(alias.name.split(".")[0] for alias in node.names)
    return project, foreign - set(sys.stdlib_module_names) - {"__future__"}


MODULES = sorted(p.stem for p in PACKAGE.glob("*.py"))


def test_every_module_is_placed() -> None:
    assert sorted(ALLOWED) == MODULES


@pytest.mark.parametrize("module", MODULES)
def test_module_imports_only_what_its_layer_allows(module: str) -> None:
    project, foreign = imports_of(PACKAGE / f"{module}.py")
    assert project <= ALLOWED.get(module, set()), project - ALLOWED.get(module, set())
    unexpected = {name for name in foreign if module not in THIRD_PARTY.get(name, set())}
    assert not unexpected
