"""Every built page of the sample periodical and of the basic fixture (drafts included) passes the
W3C Nu HTML Checker, and so does our stylesheet, through its CSS checker: one JVM in all.

The stylesheet goes in as the `<style>` of a page written for the check, because vnu 26.9 run
with `--also-check-css` reports the errors of HTML files one line too early.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from bulletin_ssg.build import build_site

from .browser import REPO, VNU_JAR, require_command, require_file
from .conftest import SITES

#: Site name -> (site root, build with drafts). The fixture's drafts show the 草稿 badge.
SITES_TO_CHECK = {"sample": (REPO, False), "basic": (SITES / "basic", True)}
STYLESHEET = REPO / "assets" / "style.css"

#: Files with known mistakes: prove that the checker runs and that its messages reach us.
BROKEN_PAGE = """<!doctype html>
<html lang="zh-CN">
<head><meta charset="utf-8"><title>坏页面</title></head>
<body><p id="x">一</p><p id="x">二</p><img src="a.png"><span><div>块</div></span></body>
</html>
"""
BROKEN_CSS = "a {\n  color: red;\n  colr: blue;\n}\n"
#: A page around a stylesheet; the stylesheet's line n is the page's line n + CSS_OFFSET.
CSS_PAGE = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>stylesheet</title>
<style>
{css}</style>
</head>
<body><p>stylesheet</p></body>
</html>
"""
CSS_OFFSET = 4

Message = dict[str, Any]
Messages = dict[Path, list[Message]]


@pytest.fixture(scope="module")
def checked(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Messages]:
    """(output folder, vnu's messages by checked file, stylesheets under their own path)."""
    java = require_command("java")
    jar = require_file(VNU_JAR, "vnu.jar (npm package vnu-jar)")
    out = tmp_path_factory.mktemp("valid")
    for name, (root, drafts) in SITES_TO_CHECK.items():
        build_site(root, out / name, drafts=drafts, environ={}, cache=False)
    broken = out / "broken"
    broken.mkdir()
    (broken / "index.html").write_text(BROKEN_PAGE, encoding="utf-8")
    stylesheets = {
        STYLESHEET: STYLESHEET.read_text(encoding="utf-8"),
        broken / "style.css": BROKEN_CSS,
    }
    wrappers: dict[Path, Path] = {}
    for number, (path, css) in enumerate(stylesheets.items()):
        wrapper = out / "stylesheets" / f"{number}.html"
        wrapper.parent.mkdir(exist_ok=True)
        wrapper.write_text(CSS_PAGE.format(css=css), encoding="utf-8")
        wrappers[wrapper] = path
    pages = sorted(out.rglob("*.html"))
    result = subprocess.run(
        [
            java,
            "-jar",
            str(jar),
            "--errors-only",
            "--skip-non-html",
            "--format",
            "json",
            "--stdout",
            *map(str, pages),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        pytest.fail(f"vnu gave no JSON (exit {result.returncode}):\n{result.stdout}{result.stderr}")
    messages: Messages = {}
    for message in report["messages"]:
        path = Path(message.get("url", "").removeprefix("file:"))
        if path in wrappers:
            path = wrappers[path]
            message = message | {"lastLine": message.get("lastLine", CSS_OFFSET) - CSS_OFFSET}
        messages.setdefault(path, []).append(message)
    return out, messages


def describe(messages: Messages, base: Path) -> str:
    """One `path:line:column: type: message` line per message, for the failure report."""
    return "\n".join(
        f"{path.relative_to(base) if path.is_relative_to(base) else path}:"
        f"{m.get('lastLine', '?')}:{m.get('firstColumn', '?')}: {m['type']}: {m['message']}"
        for path, found in sorted(messages.items())
        for m in found
    )


@pytest.mark.parametrize("name", sorted(SITES_TO_CHECK))
def test_every_page_is_valid_html(checked: tuple[Path, Messages], name: str) -> None:
    out, messages = checked
    site = out / name
    pages = {p.relative_to(site).as_posix() for p in site.rglob("*.html")}
    assert {"index.html", "404.html", "archive/index.html", "search/index.html"} <= pages
    assert len(pages) >= 15
    found = {path: m for path, m in messages.items() if path.is_relative_to(site)}
    assert not found, "\n" + describe(found, out)


def test_the_fixture_is_checked_with_its_drafts(checked: tuple[Path, Messages]) -> None:
    out, _ = checked
    texts = (p.read_text(encoding="utf-8") for p in (out / "basic").rglob("*.html"))
    assert any('class="draft-badge"' in text for text in texts)


def test_stylesheet_is_valid_css(checked: tuple[Path, Messages]) -> None:
    _, messages = checked
    found = {path: m for path, m in messages.items() if path == STYLESHEET}
    assert not found, "\n" + describe(found, REPO)


@pytest.mark.parametrize(
    ("name", "lines"),
    [("index.html", [4, 4, 4]), ("style.css", [3])],
    ids=["html", "css"],
)
def test_the_checker_reports_broken_files_at_their_lines(
    checked: tuple[Path, Messages], name: str, lines: list[int]
) -> None:
    out, messages = checked
    found = messages.get(out / "broken" / name, [])
    assert [(m["type"], m["lastLine"]) for m in found] == [("error", n) for n in lines], found
