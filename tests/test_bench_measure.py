"""bench/measure.py: memory of a process tree, with pages shared by a fork counted once by PSS."""

from __future__ import annotations

import importlib.util
import sys
import textwrap
from pathlib import Path
from types import ModuleType

import pytest

from .conftest import REPO


def load_measure() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_measure", REPO / "bench" / "measure.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


measure = load_measure()

#: 200 MB touched, then a fork that sleeps while the parent waits: RSS counts it twice.
FORKING = textwrap.dedent("""
    import os, time
    data = bytearray(200 * 1024 * 1024)
    for i in range(0, len(data), 4096):
        data[i] = 1
    pid = os.fork()
    time.sleep(1.5)
    if pid == 0:
        os._exit(0)
    os.waitpid(pid, 0)
""")


@pytest.mark.skipif(not Path("/proc/self/smaps_rollup").exists(), reason="needs Linux /proc")
def test_a_forked_tree_is_counted_twice_by_rss_and_once_by_pss(tmp_path: Path) -> None:
    sample = measure.measure([sys.executable, "-c", FORKING], log=tmp_path / "log")
    assert sample.tree_rss_mb > 380  # parent and child each map the 200 MB
    assert 190 < sample.tree_pss_mb < 300  # shared: once
