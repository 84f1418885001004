"""The scale target: bulletin's clean build of a corpus ten times larger, against the smaller one.

Builds both corpora (bench/corpus.py, bulletin flavour) with `bulletin build --no-cache` into
new folders, in rounds of small, large, small, and prints the medians and their ratio. With
`--tool hugo` Hugo builds its flavour of the corpora instead, to see how the same work scales
on the machine with another tool. Outputs are moved aside and deleted only at the end, as in
run.py. With --fresh-fs each build writes into an ext4 file system made for it (a
loop-mounted image; needs root), so that what the disk went through before (files deleted
minutes ago, a fragmented inode table) is left out; with --tmpfs into a new tmpfs (memory),
which leaves the disk out altogether.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from measure import CommandFailed, Sample, machine, measure, median, wait_for_quiet
from run import (
    BENCH,
    as_json,
    bulletin_command,
    first_line,
    git_revision,
    hugo_binary,
    tools_python,
)

#: A journal as large as a big disk's (1 GB above 128 GB), and inode tables written at once
#: (not by a kernel thread during the builds).
MKFS = ["mkfs.ext4", "-q", "-F", "-J", "size=1024", "-E", "lazy_itable_init=0,lazy_journal_init=0"]


class FreshFs:
    """A new file system at `mount` for each build: ext4 in a sparse image of `size`, or with
    `memory` a tmpfs of at most `size`."""

    def __init__(self, work: Path, size: str, *, memory: bool = False) -> None:
        self.image = work / "fs.img"
        self.mount = work / "fresh"
        self.size = size
        self.memory = memory

    def make(self) -> Path:
        self.drop()
        self.mount.mkdir(exist_ok=True)
        if self.memory:
            options = f"size={self.size}"
            subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", self.mount], check=True)
            return self.mount
        subprocess.run(["truncate", "-s", self.size, self.image], check=True)
        subprocess.run([*MKFS, self.image], check=True)
        subprocess.run(["mount", "-o", "loop", self.image, self.mount], check=True)
        return self.mount

    def drop(self) -> None:
        if os.path.ismount(self.mount):
            subprocess.run(["umount", self.mount], check=True)
        self.image.unlink(missing_ok=True)


#: What --tool can be; each builds the corpus flavour of its name.
TOOLS = ("bulletin", "hugo")


def build_commands(tool: str, work: Path) -> tuple[Callable[[Path, Path], list[str | Path]], str]:
    """A clean build's command line for (corpus, output folder), and the tool's version."""
    if tool == "hugo":
        hugo = hugo_binary(tools_python())
        cache = work / "hugo-cache"  # as run.py; minimal layouts leave nothing in it
        return (
            lambda root, out: [hugo, "--source", root, "--destination", out, "--cacheDir", cache,
                               "--quiet"],
            first_line([hugo, "version"]),
        )  # fmt: skip
    bulletin = bulletin_command()
    return (
        lambda root, out: [*bulletin, "build", "-s", root, "-d", out, "--no-cache"],
        first_line([*bulletin, "--version"]),
    )


def build(command: list[str | Path], log: Path, quiet_wait: float) -> Sample:
    os.sync()
    wait_for_quiet(quiet_wait)
    return measure(command, log=log, tree_memory=False)  # time only: see measure()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--articles", type=int, default=10000, help="the smaller corpus [10000]")
    parser.add_argument("--factor", type=int, default=10, help="the larger one, times [10]")
    parser.add_argument("--rounds", type=int, default=2, help="rounds of small, large, small [2]")
    parser.add_argument("--work", type=Path, help="corpora and outputs [a new temporary folder]")
    places = parser.add_mutually_exclusive_group()
    places.add_argument("--fresh-fs", metavar="SIZE", help="build into a new ext4 of SIZE (12G)")
    places.add_argument("--tmpfs", metavar="SIZE", help="build into a new tmpfs of SIZE (8G)")
    parser.add_argument("--quiet-wait", type=float, default=30, help="see run.py [30]")
    parser.add_argument("--json", type=Path, help="also save the results here")
    parser.add_argument("--label", help="what bulletin is, for the JSON (e.g. the commit)")
    parser.add_argument("--tool", choices=TOOLS, default="bulletin", help="what builds [bulletin]")
    args = parser.parse_args(argv)
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)  # as installed tools run (see run.py)
    work = args.work or Path(tempfile.mkdtemp(prefix="bulletin-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    sizes = {"small": args.articles, "large": args.articles * args.factor}
    prefix = "corpus-" if args.tool == "bulletin" else f"corpus-{args.tool}-"
    roots = {name: work / f"{prefix}{count}" for name, count in sizes.items()}
    for name, count in sizes.items():
        if not (roots[name] / ".bench-corpus").is_file():
            print(f"making the corpus of {count} articles ...", flush=True)
            subprocess.run(
                [sys.executable, BENCH / "corpus.py", roots[name], "--articles", str(count),
                 "--flavour", args.tool, "--force"],
                check=True, stdout=subprocess.DEVNULL,
            )  # fmt: skip
    command, version = build_commands(args.tool, work)
    fresh = None
    if args.fresh_fs or args.tmpfs:
        fresh = FreshFs(work, args.fresh_fs or args.tmpfs, memory=bool(args.tmpfs))
    trash = work / "trash"
    samples: dict[str, list[Sample]] = {"small": [], "large": []}
    try:
        for round_no in range(args.rounds):
            for name in ("small", "large", "small"):
                if fresh is not None:
                    out = fresh.make() / "out"
                else:
                    out = work / "out"
                    if out.exists():
                        trash.mkdir(exist_ok=True)
                        out.rename(trash / str(len(list(trash.iterdir()))))
                log = work / f"{args.tool}.log"
                sample = build(command(roots[name], out), log, args.quiet_wait)
                samples[name].append(sample)
                print(f"  round {round_no + 1} {sizes[name]:>7} articles {sample.wall:7.2f} s"
                      f"  (CPU {sample.cpu:.1f} s; others used {sample.others_cpu:.1f} CPU s)",
                      flush=True)  # fmt: skip
    except CommandFailed as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        if fresh is not None:
            fresh.drop()
        shutil.rmtree(trash, ignore_errors=True)
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    small, large = median(samples["small"]), median(samples["large"])
    ratio = large["wall"] / small["wall"]
    print(f"\n{sizes['small']} articles: {small['wall']:.2f} s (CPU {small['cpu']:.1f} s)")
    print(f"{sizes['large']} articles: {large['wall']:.2f} s (CPU {large['cpu']:.1f} s)")
    verdict = "met" if ratio < args.factor else "not met"
    print(f"ratio {ratio:.2f} (CPU {large['cpu'] / small['cpu']:.2f}); "
          f"under {args.factor}: {verdict}")  # fmt: skip
    if args.json:
        results = {
            "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "tool": args.tool,
            "version": version,
            "label": args.label,
            "bench_revision": git_revision(),
            "machine": machine(work),
            "fresh_fs": args.fresh_fs,
            "tmpfs": args.tmpfs,
            "articles": sizes,
            "builds": {name: as_json(samples[name]) for name in samples},
            "ratio": round(ratio, 3),
        }
        args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", "utf-8")
        print(f"saved {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
