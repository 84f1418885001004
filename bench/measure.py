"""Runs one command and measures it: wall time, user+sys CPU and peak memory of the process tree.

Knows nothing about the tools being compared; the machine description for the report lives here too.
"""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024


class CommandFailed(RuntimeError):
    """A measured command exited non-zero; the message ends with the tail of its log."""


@dataclass(frozen=True, slots=True)
class Sample:
    """One measured run."""

    wall: float  #: seconds, from just before the fork to the reaping of the process
    user: float  #: CPU seconds in user mode, the process and its reaped children (wait4)
    sys: float  #: CPU seconds in the kernel, likewise
    max_rss_mb: float  #: largest single process (wait4 ru_maxrss; floor: the runner, ~20 MB)
    tree_rss_mb: float  #: largest sum of RSS over the live tree, sampled every 50 ms
    load: float  #: the machine's 1-minute load average just before the run
    others_cpu: float  #: CPU seconds the rest of the machine used meanwhile: noise, ideally ~0
    #: largest sum of PSS over the live tree (pages shared by forked processes counted once),
    #: sampled every 200 ms
    tree_pss_mb: float = 0.0

    @property
    def cpu(self) -> float:
        return self.user + self.sys

    def as_dict(self) -> dict[str, float]:
        return {**asdict(self), "cpu": self.cpu}


def median(samples: Sequence[Sample]) -> dict[str, float]:
    """The median of each measure, taken separately."""
    rows = [s.as_dict() for s in samples]
    return {key: statistics.median(row[key] for row in rows) for key in rows[0]}


class TreeRss(threading.Thread):
    """Samples the summed RSS of a process and all its descendants until stopped.

    wait4's ru_maxrss is the peak of the largest single process, so a parent with worker
    processes would be under-counted; this sum over-counts pages the workers share. Each tick
    reads only the known tree; the whole of /proc is scanned for new descendants once a second,
    so the sampler itself costs well under 1% of a core.
    """

    def __init__(
        self, pid: int, interval: float = 0.05, rescan: float = 1.0, pss_every: int = 4
    ) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.interval = interval
        self.rescan_every = max(1, round(rescan / interval))
        self.pss_every = pss_every  #: PSS costs the kernel a walk of the page tables: sparser
        self.peak_kb = 0
        self.peak_pss_kb = 0
        self._done = threading.Event()

    def run(self) -> None:
        tree = {self.pid}
        tick = 0
        while not self._done.is_set():
            if tick % self.rescan_every == 1:  # first rescan after one tick: workers have started
                tree = descendants(self.pid)
            self.peak_kb = max(self.peak_kb, sum(rss_kb(pid) for pid in tree))
            if tick % self.pss_every == 0:
                tree = descendants(self.pid)  # a child missed would halve what PSS counts
                self.peak_pss_kb = max(self.peak_pss_kb, sum(pss_kb(pid) for pid in tree))
            tick += 1
            self._done.wait(self.interval)

    def stop(self) -> None:
        self._done.set()
        self.join()


def descendants(root: int) -> set[int]:
    """`root` and every process below it, from the parent ids in /proc/<pid>/stat."""
    parents: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as stat:
                fields = stat.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry.name)] = int(fields[1])
    tree = {root}
    grew = True
    while grew:
        grew = False
        for pid, ppid in parents.items():
            if ppid in tree and pid not in tree:
                tree.add(pid)
                grew = True
    return tree


def rss_kb(pid: int) -> int:
    """Resident memory of one process, 0 once it has gone."""
    try:
        with open(f"/proc/{pid}/statm", "rb") as statm:
            return int(statm.read().split()[1]) * PAGE_KB
    except (OSError, IndexError, ValueError):
        return 0


def pss_kb(pid: int) -> int:
    """Proportional set size of one process (shared pages divided among their sharers)."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as rollup:
            for line in rollup:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1])
    except (OSError, IndexError, ValueError):
        pass
    return 0


def measure(
    command: Sequence[str | Path],
    *,
    cwd: Path | None = None,
    log: Path,
    env: Mapping[str, str] | None = None,
    tree_memory: bool = True,
) -> Sample:
    """Run `command` to completion with output to `log`; raise CommandFailed on a non-zero exit.

    Without `tree_memory` the process tree is not sampled (its RSS is then the largest
    process's, its PSS 0): reading a large process's PSS walks its page tables, which at
    1.4 GB costs the machine more CPU than it leaves out of the figures.
    """
    with log.open("ab") as out:
        out.write(f"$ {' '.join(str(c) for c in command)}\n".encode())
        out.flush()
        load = os.getloadavg()[0]
        busy_before = busy_cpu_seconds()
        started = time.perf_counter()
        process = subprocess.Popen(
            [str(c) for c in command],
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            env=None if env is None else dict(env),
        )
        sampler = TreeRss(process.pid)
        if tree_memory:
            sampler.start()
        _pid, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        busy = busy_cpu_seconds() - busy_before
        if tree_memory:
            sampler.stop()
        process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        tail = log.read_text(encoding="utf-8", errors="replace")[-3000:]
        raise CommandFailed(f"exit {process.returncode}: {command}\n{tail}")
    return Sample(
        wall=wall,
        user=usage.ru_utime,
        sys=usage.ru_stime,
        max_rss_mb=usage.ru_maxrss / 1024,
        tree_rss_mb=max(sampler.peak_kb, usage.ru_maxrss) / 1024,
        tree_pss_mb=sampler.peak_pss_kb / 1024,
        load=load,
        others_cpu=max(0.0, busy - usage.ru_utime - usage.ru_stime),
    )


def busy_cpu_seconds() -> float:
    """CPU seconds all cores have spent busy since boot (/proc/stat; idle and iowait left out)."""
    try:
        with open("/proc/stat", encoding="ascii") as stat:
            fields = [int(v) for v in stat.readline().split()[1:]]
    except OSError:
        return 0.0
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    guest = sum(fields[8:10])  # already counted in user and nice
    return (sum(fields) - idle - guest) / os.sysconf("SC_CLK_TCK")


def wait_for_quiet(limit: float, cores: float = 0.25) -> float:
    """Wait until the rest of the machine uses under `cores` for a second, at most `limit` s.

    Returns the seconds waited. Call it while this process is idle: all busy time is others'.
    """
    started = time.perf_counter()
    while time.perf_counter() - started < limit:
        before = busy_cpu_seconds()
        time.sleep(1.0)
        if busy_cpu_seconds() - before < cores:
            break
    return time.perf_counter() - started


def output_stats(folder: Path) -> dict[str, float]:
    """How many files and HTML pages a build wrote, and their size."""
    files = pages = size = 0
    for dirpath, _dirs, names in os.walk(folder):
        for name in names:
            files += 1
            pages += name.endswith(".html")
            size += os.stat(os.path.join(dirpath, name)).st_size
    return {"files": files, "html": pages, "mb": round(size / 2**20, 1)}


def machine(work: Path) -> dict[str, object]:
    """What the figures were measured on."""
    return {
        "nproc": os.cpu_count(),
        "usable_cpus": len(os.sched_getaffinity(0)),
        "cpu": first_value("/proc/cpuinfo", "model name"),
        "memory": first_value("/proc/meminfo", "MemTotal"),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "filesystem": filesystem(work),
    }


def first_value(path: str, key: str) -> str | None:
    try:
        with open(path, encoding="utf-8") as file:
            for line in file:
                name, _, value = line.partition(":")
                if name.strip() == key:
                    return value.strip()
    except OSError:
        pass
    return None


def filesystem(path: Path) -> str | None:
    """The type of the file system holding `path` (ext4, tmpfs, ...), from /proc/mounts."""
    best, kind = "", None
    try:
        with open("/proc/mounts", encoding="utf-8") as mounts:
            for line in mounts:
                parts = line.split()
                point = parts[1]
                inside = str(path.resolve()).startswith(point.rstrip("/") + "/")
                if len(parts) > 2 and inside and len(point) > len(best):
                    best, kind = point, parts[2]
    except OSError:
        return None
    return kind
