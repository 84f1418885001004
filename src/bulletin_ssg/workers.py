"""A process pool for per-article work, with results in input order whatever order they finish.

Knows nothing of articles: it maps a picklable top-level function over chunks of items.
Small batches stay in this process; the pool starts only when a batch is worth it.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")
C = TypeVar("C")

#: Below this many items a batch runs in this process (starting workers costs ~0.1 s).
POOL_THRESHOLD = 200
#: Chunks per worker: enough to even out uneven chunks, few enough to keep pickling cheap.
CHUNKS_PER_JOB = 4


def default_jobs() -> int:
    """The machine's usable cores."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


class Workers:
    """Up to `jobs` worker processes, started on first need and shut down by `close()`."""

    def __init__(self, jobs: int | None = None) -> None:
        self.jobs = max(1, jobs if jobs is not None else default_jobs())
        self._pool: Executor | None = None

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def map_chunks(
        self,
        function: Callable[[C], list[R]],
        items: Sequence[T],
        make: Callable[[list[T]], C],
    ) -> list[R]:
        """`function(make(chunk))` over chunks of `items`, concatenated in the order of `items`."""
        if self.jobs == 1 or len(items) < POOL_THRESHOLD:
            return function(make(list(items)))
        size = max(1, -(-len(items) // (self.jobs * CHUNKS_PER_JOB)))
        chunks = [list(items[i : i + size]) for i in range(0, len(items), size)]
        pool = self._start()
        futures = [pool.submit(function, make(chunk)) for chunk in chunks]
        results: list[R] = []
        for future in futures:  # in submission order: output never depends on timing
            results.extend(future.result())
        return results

    def _start(self) -> Executor:
        if self._pool is None:
            # spawn: safe while other threads run (the dev server), same on every platform.
            self._pool = ProcessPoolExecutor(
                max_workers=self.jobs, mp_context=multiprocessing.get_context("spawn")
            )
        return self._pool
