"""`bulletin new`: pick the issue date and write a new article file with its front matter.

Creates files only, never overwrites one; reads existing articles only to number the new one.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import NamedTuple

from .errors import ContentError, Location
from .links import issue_folder_date
from .model import SiteConfig
from .slugs import is_valid_slug, slugify

CONTENT_DIR = "content"
ISSUE_INTERVAL = timedelta(days=7)
_KEY_LINE = re.compile(r"(section|order|slug)\s*:\s*(.*?)\s*$")
#: Plain YAML scalars that would not read back as the same string.
_YAML_WORDS = frozenset({"y", "n", "yes", "no", "on", "off", "true", "false", "null"})
#: Characters YAML reads as line breaks or a BOM even inside a quoted string.
_YAML_BREAKS = {"\u0085": "\\x85", "\u2028": "\\u2028", "\u2029": "\\u2029", "\ufeff": "\\ufeff"}


def next_issue_date(existing: Sequence[date], today: date) -> date:
    """The default date of a new issue: a week after the latest issue, or today when none.

    Weekly is the sample periodical's rhythm; pass `--issue` for anything else.
    """
    return max(existing) + ISSUE_INTERVAL if existing else today


def issue_dates(root: Path) -> tuple[date, ...]:
    """The dates of the issue folders under content/ (YYYY-MM-DD names), oldest first."""
    folder = root / CONTENT_DIR
    if not folder.is_dir():
        return ()
    found = (issue_folder_date(entry.name) for entry in folder.iterdir() if entry.is_dir())
    return tuple(sorted(day for day in found if day is not None))


def yaml_string(text: str) -> str:
    """`text` as a YAML scalar that reads back unchanged: plain when it is a simple word."""
    if re.fullmatch(r"[a-z][a-z0-9_-]*", text) and text not in _YAML_WORDS:
        return text
    quoted = json.dumps(text, ensure_ascii=False)  # a JSON string is a YAML double-quoted one
    for char, escape in _YAML_BREAKS.items():
        quoted = quoted.replace(char, escape)
    return quoted


def known_sections(config: SiteConfig) -> str:
    return ", ".join(f"{s.key} ({s.title})" for s in config.sections) or "none in site.yaml"


def front_matter(*, title: str, section: str, order: int) -> str:
    """The new file's text: front matter with the fields a writer fills in, then a blank line."""
    return (
        "---\n"
        f"title: {yaml_string(title)}\n"
        f"section: {yaml_string(section)}\n"
        'byline: ""\n'
        "authors: []\n"
        f"order: {order}\n"
        "---\n"
        "\n"
    )


def article_files(issue_dir: Path) -> list[Path]:
    """The issue's article files: `*.md` and bundles' `index.md`."""
    if not issue_dir.is_dir():
        return []
    files = [p for p in issue_dir.glob("*.md") if p.is_file()]
    files += [p for p in issue_dir.glob("*/index.md") if p.is_file()]
    return sorted(files)


def front_keys(text: str) -> dict[str, str]:
    """`section`, `order` and `slug` as written on the top-level lines of the front matter."""
    lines = text.lstrip("\ufeff").splitlines()
    if not lines or lines[0].rstrip() != "---":
        return {}
    keys: dict[str, str] = {}
    for line in lines[1:]:
        if line.rstrip() in ("---", "..."):
            break
        match = _KEY_LINE.match(line)
        if match is not None:
            keys[match.group(1)] = match.group(2).split(" #", 1)[0].strip().strip("\"'")
    return keys


class Existing(NamedTuple):
    """An article already in the issue, as far as numbering and slugs need it."""

    path: str  #: site-relative
    slug: str  #: front-matter `slug`, else the file (or bundle folder) name, romanised if needed
    keys: dict[str, str]  #: front-matter keys read by `front_keys`


def issue_articles(issue_dir: Path, folder: str) -> list[Existing]:
    """The articles already in the issue folder `issue_dir` (site-relative `folder`)."""
    found = []
    for file in article_files(issue_dir):
        try:
            keys = front_keys(file.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError):
            keys = {}  # the build reports unreadable files; here they only keep their name
        bundle = file.name == "index.md" and file.parent != issue_dir
        base = file.parent.name if bundle else file.stem
        slug = keys.get("slug") or (base if is_valid_slug(base) else slugify(base))
        found.append(Existing(f"{folder}/{file.relative_to(issue_dir).as_posix()}", slug, keys))
    return found


def next_order(articles: Sequence[Existing], config: SiteConfig, section_key: str) -> int:
    """One more than the highest `order` among the issue's articles in the section (1 if none)."""
    highest = 0
    for article in articles:
        found = config.section(article.keys.get("section", ""))
        order = article.keys.get("order", "")
        if found is not None and found.key == section_key and order.isdigit():
            highest = max(highest, int(order))
    return highest + 1


def new_article(
    root: Path,
    config: SiteConfig,
    title: str,
    section: str,
    *,
    issue: date,
    slug: str | None = None,
) -> Path:
    """Write content/<issue>/<slug>.md for a new article and return its path.

    `section` is a key or a title from site.yaml. The slug comes from the title's pinyin
    unless given. Raises ContentError for an unknown section, an empty title, a bad or
    underivable slug, or a file (or bundle folder) that already exists.
    """
    title = title.strip()
    if not title:
        raise ContentError("the title is empty, expected some text")
    found = config.section(section)
    if found is None:
        raise ContentError(
            f"unknown section {section!r}, expected one of: {known_sections(config)}"
        )
    if slug is None:
        slug = slugify(title)
        if not slug:
            raise ContentError(
                f"cannot make a slug from the title {title!r}",
                hint="pass --slug with lowercase ASCII letters, digits and -",
            )
    elif not is_valid_slug(slug):
        raise ContentError(
            f"slug {slug!r} is not valid, expected lowercase ASCII letters, digits, - and _"
        )
    folder = f"{CONTENT_DIR}/{issue.isoformat()}"
    issue_dir = root / folder
    for taken in (f"{slug}.md", slug):
        if (issue_dir / taken).exists():
            raise ContentError(
                f"{folder}/{taken} already exists, expected a new slug",
                Location(f"{folder}/{taken}"),
                "pass another --slug",
            )
    articles = issue_articles(issue_dir, folder)
    for article in articles:
        if article.slug == slug:
            raise ContentError(
                f"slug {slug!r} is already used in this issue by {article.path}",
                Location(article.path),
                "pass another --slug",
            )
    text = front_matter(
        title=title, section=found.key, order=next_order(articles, config, found.key)
    )
    path = issue_dir / f"{slug}.md"
    issue_dir.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8", newline="\n") as file:
            file.write(text)
    except FileExistsError as exc:
        raise ContentError(
            f"{folder}/{slug}.md already exists, expected a new slug",
            Location(f"{folder}/{slug}.md"),
            "pass another --slug",
        ) from exc
    except OSError as exc:
        raise ContentError(
            f"cannot write the article: {exc.strerror or exc}", Location(f"{folder}/{slug}.md")
        ) from exc
    return path


STARTER_SITE = """\
# A new periodical. Every key is documented in the bulletin-ssg README.
title: {title}
description: 一份用 bulletin-ssg 出版的刊物。
base_url: "/"
language: zh-CN
timezone: Asia/Shanghai
paginate: 10
sections:
  - key: focus
    title: 本期关注
    description: 本期的重点报道。
  - key: thinking
    title: 思考
    description: 评论与思考。
  - key: briefs
    title: 信息直通车
    subtitle: ZHITONGCHE
    description: 简讯。
"""

STARTER_ARTICLE = """\
---
title: 创刊词
section: thinking
byline: 本刊编辑部
order: 1
summary: 第一期出版了。这是一篇示例文章，编辑它，或者用 bulletin new 写下一篇。
---
第一期出版了。这是一篇示例文章：它的文件名就是网址中的名字，开头两条横线之间是它的元数据。

## 下一步

用 `bulletin new "标题" --section 思考` 写新文章，用 `bulletin serve` 边写边预览，
用 `bulletin build` 生成网站。
"""


def init_site(target: Path, *, title: str, today: date, theme: Sequence[Path]) -> list[Path]:
    """Create a new site in `target`: site.yaml, one example issue, and copies of `theme` folders.

    Refuses a target that already holds a site.yaml or a content/ folder.
    """
    for taken in (target / "site.yaml", target / CONTENT_DIR):
        if taken.exists():
            raise ContentError(f"{taken} already exists, expected a new or empty folder")
    issue_dir = target / CONTENT_DIR / today.isoformat()
    issue_dir.mkdir(parents=True)
    site_file = target / "site.yaml"
    site_file.write_text(STARTER_SITE.format(title=yaml_string(title)), encoding="utf-8")
    article = issue_dir / "welcome.md"
    article.write_text(STARTER_ARTICLE, encoding="utf-8")
    created = [site_file, article]
    for folder in theme:
        for file in sorted(folder.rglob("*")):
            if file.is_file():
                copy = target / folder.name / file.relative_to(folder)
                copy.parent.mkdir(parents=True, exist_ok=True)
                copy.write_bytes(file.read_bytes())
                created.append(copy)
    return created
