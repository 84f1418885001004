"""Deterministic benchmark corpus: N Chinese articles in weekly issues, for bulletin, Hugo, Pelican.

Writes only under the folder it is given; the sample issue's articles are read as a sentence pool.
Same arguments, byte-identical tree: every choice comes from one random.Random(seed).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import re
import shutil
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

BENCH = Path(__file__).resolve().parent
SAMPLE_ISSUE = BENCH.parent / "content" / "2023-02-16"
THEMES = BENCH / "themes"
MARKER = ".bench-corpus"
FLAVOURS = ("bulletin", "hugo", "pelican")
NEWEST_ISSUE = date(2023, 2, 16)  #: issues go back one week each from here
SITE_TITLE = "党建周刊"
SITE_DESCRIPTION = "基准测试语料：由示例刊物的句子随机组合而成的周刊。"

#: key, title, subtitle, description, share of articles, body size range in bytes
SECTIONS: tuple[tuple[str, str, str | None, str, float, tuple[int, int]], ...] = (
    ("focus", "本期关注", None, "本期重点报道。", 0.2, (3000, 6144)),
    ("thinking", "思考", None, "党员干部的评论与思考。", 0.2, (2000, 4500)),
    ("briefs", "信息直通车", "ZHITONGCHE", "各地党建工作简讯。", 0.6, (1536, 3000)),
)
BODY_BYTES = (1536, 6144)  #: every body's size lies in this range
LINK_ROOM = 200  #: bytes kept free for a link to another article
SLUG_WORDS = (
    "dangjian", "rencai", "shengtai", "xiangcun", "chanye", "jiceng", "ganbu", "fuwu",
    "zhenxing", "qiye", "shequ", "zuzhi", "hezuo", "pinpai", "jinrong", "keji", "wenhua",
    "jiaoyu", "nongye", "gongye", "minsheng", "zhili", "chuangxin", "fazhan", "jianshe",
    "gaige", "lvse", "shuzi", "yiliao", "jiuye", "anquan", "huanjing", "lvyou", "xuexi",
)  # fmt: skip
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董曹袁邓许沈曾彭吕苏卢蒋蔡贾丁魏薛叶余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"  # noqa: E501
GIVEN = "宏伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚英华玉兰红建国志文斌慧应鹏飞晓东海波宁丹琳博凯"
QUOTES = str.maketrans("", "", "“”‘’「」《》")
_SENTENCE = re.compile(r"[^。！？]+[。！？]+[”’」]?")
_CLAUSE_SPLIT = re.compile(r"[，；：。！？、]")


@dataclass(frozen=True, slots=True)
class LinkRef:
    """A link to another article of the same issue; each flavour writes its own href."""

    slug: str
    title: str


@dataclass(frozen=True, slots=True)
class Block:
    """A `##` heading (one text part) or a paragraph of text and links."""

    heading: bool
    parts: tuple[str | LinkRef, ...]


@dataclass(frozen=True, slots=True)
class ArticlePlan:
    issue_date: date
    section: str
    slug: str
    title: str
    byline: str
    authors: tuple[str, ...]
    order: int  #: 1-based within its section of the issue
    blocks: tuple[Block, ...]


@dataclass(frozen=True, slots=True)
class IssuePlan:
    issue_date: date
    number: int  #: oldest issue is 1
    title: str
    articles: tuple[ArticlePlan, ...]


@dataclass(frozen=True, slots=True)
class Pool:
    """Text to draw from: whole sentences and clauses of the sample articles."""

    sentences: tuple[str, ...]
    clauses: tuple[str, ...]  #: 4-14 characters, no punctuation or quotes


def load_pool(sample_dir: Path = SAMPLE_ISSUE) -> Pool:
    """Sentences and clauses of the paragraphs of every *.md in `sample_dir`, in file order."""
    sentences: list[str] = []
    clauses: list[str] = []
    for file in sorted(sample_dir.glob("*.md")):
        text = file.read_text(encoding="utf-8")
        body = text.split("---", 2)[2] if text.startswith("---") else text
        for line in body.splitlines():
            line = line.strip()
            if not line or line[0] in "!#|->*[<`":
                continue
            for sentence in _SENTENCE.findall(line):
                sentence = sentence.strip()
                if sentence.count("“") == sentence.count("”") and not sentence.startswith("”"):
                    sentences.append(sentence)
                for clause in _CLAUSE_SPLIT.split(sentence.translate(QUOTES)):
                    if 4 <= len(clause.strip()) <= 14:
                        clauses.append(clause.strip())
    if not sentences or not clauses:
        raise SystemExit(f"no text to draw from in {sample_dir}")
    return Pool(sentences=tuple(sentences), clauses=tuple(dict.fromkeys(clauses)))


# -- planning ------------------------------------------------------------------------------


def plan_corpus(
    pool: Pool, articles: int, *, seed: int = 1, per_issue: int = 10
) -> list[IssuePlan]:
    """`articles` articles in ceil(articles / per_issue) weekly issues, newest first."""
    rng = random.Random(seed)
    issue_count = math.ceil(articles / per_issue)
    authors = sorted({make_name(rng) for _ in range(300)})
    issues: list[IssuePlan] = []
    for index in range(issue_count):
        count = min(per_issue, articles - index * per_issue)
        issue_date = NEWEST_ISSUE - timedelta(weeks=index)
        issues.append(
            IssuePlan(
                issue_date=issue_date,
                number=issue_count - index,
                title=rng.choice(pool.clauses),
                articles=plan_issue(rng, pool, issue_date, count, authors),
            )
        )
    return issues


def make_name(rng: random.Random) -> str:
    given = "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
    return rng.choice(SURNAMES) + given


def plan_issue(
    rng: random.Random, pool: Pool, issue_date: date, count: int, authors: Sequence[str]
) -> tuple[ArticlePlan, ...]:
    """The articles of one issue in section order, with slugs, titles and bodies."""
    keys = [key for key, *_ in SECTIONS]
    weights = [share for *_, share, _sizes in SECTIONS]
    chosen = sorted(
        (rng.choices(keys, weights)[0] for _ in range(count)), key=lambda k: keys.index(k)
    )
    heads: list[tuple[str, str, str, str, tuple[str, ...], int]] = []
    taken: set[str] = set()
    for position, section in enumerate(chosen):
        base = slug = "-".join(rng.sample(SLUG_WORDS, 2))
        suffix = 2
        while slug in taken:
            slug = f"{base}-{suffix}"
            suffix += 1
        taken.add(slug)
        names = tuple(rng.sample(list(authors), 2 if rng.random() < 0.15 else 1))
        order = chosen[:position].count(section) + 1
        heads.append((section, slug, make_title(rng, pool), byline(section, names), names, order))
    plans: list[ArticlePlan] = []
    for section, slug, title, line, names, order in heads:
        others = [LinkRef(s, t) for _sec, s, t, *_ in heads if s != slug]
        link = rng.choice(others) if others and rng.random() < 0.25 else None
        lo, hi = next(sizes for key, *_, sizes in SECTIONS if key == section)
        plans.append(
            ArticlePlan(
                issue_date=issue_date,
                section=section,
                slug=slug,
                title=title,
                byline=line,
                authors=names,
                order=order,
                blocks=make_body(rng, pool, rng.randint(lo, hi), link),
            )
        )
    return tuple(plans)


def make_title(rng: random.Random, pool: Pool) -> str:
    first = rng.choice(pool.clauses)
    return first if rng.random() < 0.5 else f"{first} {rng.choice(pool.clauses)}"


def byline(section: str, names: tuple[str, ...]) -> str:
    if section == "focus":
        return "本报记者 " + " ".join(names)
    if section == "briefs":
        return f"本报讯 记者{'、'.join(names)}报道"
    return " ".join(names)


def make_sentence(rng: random.Random, pool: Pool) -> str:
    """A sentence of the sample, or (half the time) a new one joined from its clauses."""
    if rng.random() < 0.5:
        return rng.choice(pool.sentences)
    parts = [rng.choice(pool.clauses) for _ in range(rng.randint(2, 4))]
    return "，".join(parts) + "。"


def make_body(
    rng: random.Random, pool: Pool, target: int, link: LinkRef | None
) -> tuple[Block, ...]:
    """Paragraphs of 2-5 sentences, about `target` UTF-8 bytes within BODY_BYTES; some headings."""
    low, high = BODY_BYTES[0], BODY_BYTES[1] - LINK_ROOM
    blocks: list[Block] = []
    size = 0
    while size < target:
        sentences = [make_sentence(rng, pool) for _ in range(rng.randint(2, 5))]
        while len(sentences) > 1 and size + len("".join(sentences).encode()) > target:
            sentences.pop()
        paragraph = "".join(sentences)
        if size + len(paragraph.encode()) + 2 > high and size >= low:
            break
        if len(blocks) >= 3 and target > 3500 and rng.random() < 0.2 and not blocks[-1].heading:
            heading = rng.choice(pool.clauses)
            blocks.append(Block(heading=True, parts=(heading,)))
            size += len(heading.encode()) + 5
        blocks.append(Block(heading=False, parts=(paragraph,)))
        size += len(paragraph.encode()) + 2
    if link is not None:
        at = rng.choice([i for i, b in enumerate(blocks) if not b.heading])
        blocks[at] = Block(heading=False, parts=(*blocks[at].parts, "（相关报道见本期", link, "）"))
    return tuple(blocks)


# -- writing -------------------------------------------------------------------------------


def body_text(blocks: Sequence[Block], href: dict[str, str]) -> str:
    """Markdown of a body; `href` maps a linked slug to the flavour's link target."""
    out: list[str] = []
    for block in blocks:
        if block.heading:
            out.append(f"## {block.parts[0]}")
            continue
        out.append(
            "".join(
                p if isinstance(p, str) else f"[{p.title}]({href[p.slug]})" for p in block.parts
            )
        )
    return "\n\n".join(out) + "\n"


def quoted(value: str) -> str:
    """A YAML (and TOML) double-quoted string."""
    return json.dumps(value, ensure_ascii=False)


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))


def bulletin_config(*, search: bool) -> str:
    """site.yaml; Pagefind indexing only when `search` (Hugo and Pelican index nothing)."""
    lines = [
        f"title: {SITE_TITLE}",
        f"description: {SITE_DESCRIPTION}",
        'base_url: "/"',
        "language: zh-CN",
        "timezone: Asia/Shanghai",
        "paginate: 10",
        f"search: {'true' if search else 'false'}",
        "sections:",
    ]
    for key, title, subtitle, description, *_ in SECTIONS:
        lines += [f"  - key: {key}", f"    title: {title}"]
        lines += [f"    subtitle: {subtitle}"] if subtitle else []
        lines += [f"    description: {description}"]
    return "\n".join(lines) + "\n"


def search_variant(root: Path, dest: Path) -> Path:
    """A bulletin site at `dest` with search on, sharing `root`'s content/ through a symlink."""
    dest.mkdir(parents=True, exist_ok=True)
    write(dest / "site.yaml", bulletin_config(search=True))
    link = dest / "content"
    if not link.is_symlink():
        link.symlink_to(os.path.relpath(root / "content", dest), target_is_directory=True)
    return dest


def write_bulletin(root: Path, issues: Sequence[IssuePlan], *, search: bool = False) -> None:
    write(root / "site.yaml", bulletin_config(search=search))
    for issue in issues:
        folder = root / "content" / issue.issue_date.isoformat()
        write(folder / "issue.yaml", f"number: {issue.number}\ntitle: {quoted(issue.title)}\n")
        href = {a.slug: f"{a.slug}.md" for a in issue.articles}
        for a in issue.articles:
            front = [
                f"title: {quoted(a.title)}",
                f"section: {a.section}",
                f"byline: {quoted(a.byline)}",
                f"authors: [{', '.join(quoted(n) for n in a.authors)}]",
                f"order: {a.order}",
            ]
            text = "---\n" + "\n".join(front) + "\n---\n\n" + body_text(a.blocks, href)
            write(folder / f"{a.slug}.md", text)


def write_hugo(root: Path, issues: Sequence[IssuePlan]) -> None:
    copy_theme("hugo", root)
    for issue in issues:
        day = issue.issue_date.isoformat()
        href = {a.slug: f"/issues/{day}/{a.slug}/" for a in issue.articles}
        for a in issue.articles:
            front = [
                f"title: {quoted(a.title)}",
                f"date: {day}",
                f"url: /issues/{day}/{a.slug}/",
                f"weight: {a.order}",
                f"categories: [{a.section}]",
                f'issues: ["{day}"]',
                f'parts: ["{day}-{a.section}"]',
                "params:",
                f"  byline: {quoted(a.byline)}",
                f"  authors: [{', '.join(quoted(n) for n in a.authors)}]",
                f"  issueTitle: {quoted(issue.title)}",
            ]
            text = "---\n" + "\n".join(front) + "\n---\n\n" + body_text(a.blocks, href)
            write(root / "content" / "posts" / f"{day}-{a.slug}.md", text)


def write_pelican(root: Path, issues: Sequence[IssuePlan]) -> None:
    copy_theme("pelican", root)
    for issue in issues:
        day = issue.issue_date.isoformat()
        href = {a.slug: f"{{filename}}{day}-{a.slug}.md" for a in issue.articles}
        for a in issue.articles:
            meta = [
                f"Title: {a.title}",
                f"Date: {day}",
                f"Category: {a.section}",
                f"Tags: {day}, {day}-{a.section}",
                f"Slug: {day}-{a.slug}",
                f"Shortslug: {a.slug}",
                f"Authors: {', '.join(a.authors)}",
                f"Byline: {a.byline}",
                f"Order: {a.order}",
            ]
            text = "\n".join(meta) + "\n\n" + body_text(a.blocks, href)
            write(root / "content" / f"{day}-{a.slug}.md", text)


def copy_theme(flavour: str, dest: Path) -> None:
    """The flavour's configuration, minimal layouts and stylesheet, from bench/themes/<flavour>/."""
    source = THEMES / flavour
    for file in sorted(source.rglob("*")):
        if file.is_file():
            write(dest / file.relative_to(source), file.read_text(encoding="utf-8"))


def generate(
    out_dir: Path,
    articles: int,
    *,
    seed: int = 1,
    per_issue: int = 10,
    flavours: Sequence[str] = ("bulletin",),
    force: bool = False,
    search: bool = False,
) -> dict[str, Path]:
    """Write the corpus; one flavour into `out_dir` itself, several into out_dir/<flavour>/."""
    if articles < 1 or per_issue < 1:
        raise SystemExit("--articles and --per-issue must be at least 1")
    prepare(out_dir, force=force)
    issues = plan_corpus(load_pool(), articles, seed=seed, per_issue=per_issue)
    roots = flavour_roots(out_dir, flavours)
    for flavour, root in roots.items():
        if flavour == "bulletin":
            write_bulletin(root, issues, search=search)
        elif flavour == "hugo":
            write_hugo(root, issues)
        else:
            write_pelican(root, issues)
    marker = (
        f"articles={articles} seed={seed} per_issue={per_issue} search={search} "
        f"flavours={','.join(flavours)}"
    )
    write(out_dir / MARKER, marker + "\n")
    return roots


def flavour_roots(out_dir: Path, flavours: Sequence[str]) -> dict[str, Path]:
    """Where each flavour's site goes: `out_dir` itself for one, out_dir/<flavour>/ for several."""
    unknown = [f for f in flavours if f not in FLAVOURS]
    if unknown or not flavours:
        raise SystemExit(f"flavours: got {','.join(unknown) or 'none'}, expected {FLAVOURS}")
    if len(flavours) == 1:
        return {flavours[0]: out_dir}
    return {flavour: out_dir / flavour for flavour in FLAVOURS if flavour in flavours}


def prepare(out_dir: Path, *, force: bool) -> None:
    """Refuse a non-empty folder, unless --force and it holds an earlier corpus."""
    if out_dir.exists() and any(out_dir.iterdir()):
        if not force:
            raise SystemExit(f"{out_dir} is not empty (use --force to replace an earlier corpus)")
        if not (out_dir / MARKER).is_file():
            raise SystemExit(f"{out_dir} holds no {MARKER}: not replacing a folder made elsewhere")
        shutil.rmtree(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--articles", type=int, required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--per-issue", type=int, default=10)
    parser.add_argument(
        "--flavour", default="bulletin", help="bulletin, hugo, pelican, a comma list, or all"
    )
    parser.add_argument("--force", action="store_true", help="replace an earlier corpus")
    parser.add_argument("--search", action="store_true", help="bulletin: Pagefind index on")
    args = parser.parse_args(argv)
    flavours = FLAVOURS if args.flavour == "all" else tuple(args.flavour.split(","))
    roots = generate(
        args.out_dir,
        args.articles,
        seed=args.seed,
        per_issue=args.per_issue,
        flavours=flavours,
        force=args.force,
        search=args.search,
    )
    for flavour, root in roots.items():
        print(f"{flavour}: {root}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
