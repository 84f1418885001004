"""Work spread over processes, with results in input order whatever order they finish:
forked children where forking is safe, else (per-article parsing in the dev server) a
spawned pool.

Knows nothing of articles or pages. Small batches stay in this process.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import struct
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import IO, TYPE_CHECKING, Any, Generic, NoReturn, TypeVar

if TYPE_CHECKING:
    from concurrent.futures import Executor

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
        """`function(make(chunk))` over chunks of `items`, concatenated in the order of `items`.

        In forked children when forking is safe (starting them costs milliseconds, where a
        spawned pool imports everything again, ~0.3 s); in the spawned pool otherwise.
        """
        if self.jobs == 1 or len(items) < POOL_THRESHOLD:
            return function(make(list(items)))
        if self._pool is None and can_fork():
            size = batch_size(len(items), self.jobs)
            chunks = [list(items[i : i + size]) for i in range(0, len(items), size)]
            done = queue_map(lambda chunk: function(make(chunk)), chunks, self.jobs)
            return [result for results in done for result in results]
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
            # Imported here: a build that forks never needs them (~20 ms).
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            # spawn: safe while other threads run (the dev server), same on every platform.
            self._pool = ProcessPoolExecutor(
                max_workers=self.jobs, mp_context=multiprocessing.get_context("spawn")
            )
        return self._pool


#: Chunks per process when the processes take them as each gets free (`queue_map`): small
#: enough that all of them end about together.
QUEUED_CHUNKS_PER_JOB = 32
#: At most this many items go through queue_map's pipe (4 bytes each: it holds them all).
QUEUE_LIMIT = 4096
#: Items a batch holds at most, unless QUEUE_LIMIT needs more: a batch taken last holds up
#: the end of the work (256 articles are some 30 ms of Markdown).
MOST_A_BATCH = 256
_NUMBER = struct.Struct("<I")

#: Below this many items fork_map runs in this process (forking costs a few milliseconds per
#: child, and sending results back a little per item).
FORK_THRESHOLD = 500


def batch_size(count: int, jobs: int, most: int = MOST_A_BATCH) -> int:
    """Items a batch, for `count` items that `jobs` processes take batch by batch: some
    QUEUED_CHUNKS_PER_JOB batches a process, at most `most` items a batch (more batches for
    more items, so that all processes still end about together), at most QUEUE_LIMIT batches.
    """
    size = min(most, -(-count // (jobs * QUEUED_CHUNKS_PER_JOB)))
    return max(1, size, -(-count // QUEUE_LIMIT))


def can_fork() -> bool:
    """Whether forking is safe here: Linux, and no other thread running (the dev server's)."""
    linux = sys.platform.startswith("linux")
    return hasattr(os, "fork") and linux and threading.active_count() == 1


def fork_map(
    function: Callable[[T], R],
    items: Sequence[T],
    jobs: int,
    progress: Callable[[int], None] | None = None,
    *,
    minimum: int | None = None,
    most: int = MOST_A_BATCH,
    meanwhile: Callable[[], None] | None = None,
    own_arena: bool = False,
) -> list[R]:
    """`function` over `items` in batches that this process and `jobs - 1` forked children
    take as each gets free (`queue_map`), so that all end within a batch of one another
    however the costly items lie. The children share this process's memory as it is
    (nothing is pickled on the way out) and send each batch's results back at once. Results
    are in the order of `items`; the first exception in that order is raised. `progress(done)`
    is told now and then about how many items are done. Fewer than `minimum` items stay in
    this process (default FORK_THRESHOLD); a batch holds at most `most` items
    (`batch_size`). `meanwhile()` is run here once the children are at work (the children
    take more batches while it runs). `own_arena`: each process works in a thread of its own
    (`queue_map`).
    """
    minimum = FORK_THRESHOLD if minimum is None else minimum
    if jobs <= 1 or len(items) < max(2, minimum) or not can_fork():
        if meanwhile is not None:
            meanwhile()
        return _counted(function, items, progress)
    size = batch_size(len(items), jobs, most)
    batches = [items[start : start + size] for start in range(0, len(items), size)]

    def work(batch: Sequence[T]) -> list[R]:
        return [function(item) for item in batch]

    def taken(count: int) -> None:
        if progress is not None:
            progress(min(len(items), count * size))

    done = queue_map(work, batches, jobs, taken, meanwhile, own_arena=own_arena)
    return [result for results in done for result in results]


def queue_map(
    function: Callable[[T], R],
    items: Sequence[T],
    jobs: int,
    progress: Callable[[int], None] | None = None,
    meanwhile: Callable[[], None] | None = None,
    *,
    own_arena: bool = False,
) -> list[R]:
    """`function` over `items`, which this process and `jobs - 1` forked children take one at a
    time as each gets free (a pipe holds the items' numbers), so that a process held up, by
    sending its results back or by the machine, does fewer. For few and costly items (at most
    QUEUE_LIMIT). Results are in the order of `items`; the exception of the first item that
    raised is raised (a process stops taking items at its first exception). `progress(taken)`
    is told how many items have been taken, by any process, as this one takes each.
    `meanwhile()` is run here once the children are at work, before this one takes any.

    With `own_arena` each process takes its items in a new thread, the one that forked it
    waiting: glibc gives that thread a malloc arena of its own, so that what the items
    allocate (a page's strings) comes from fresh memory. The main heap of a process that
    parsed a large site is full of holes; at 100,000 articles malloc took three times as
    long per call there, and rendering the pages 5 % longer.
    """
    if jobs <= 1 or len(items) < 2 or len(items) > QUEUE_LIMIT or not can_fork():
        if meanwhile is not None:
            meanwhile()
        return _counted(function, items, progress)
    taken, given = os.pipe()
    try:
        numbers = memoryview(b"".join(map(_NUMBER.pack, range(len(items)))))
        while numbers:  # within a pipe's size: never waits for a reader
            numbers = numbers[os.write(given, numbers) :]
    finally:
        os.close(given)  # once the numbers are all taken, a read finds the end
    children: list[tuple[int, IO[bytes]]] = []
    ended = ""  # how the first child that failed ended
    try:
        for _ in range(jobs - 1):
            child = _fork_taker(function, items, taken, own_arena)
            if child is not None:
                children.append(child)
        if meanwhile is not None:
            meanwhile()
        stop = threading.Event()

        def take() -> dict[int, tuple[str, Any]]:
            return dict(_taking(function, items, taken, progress, stop))

        found = _in_own_thread(take, stop) if own_arena else take()
        while children:
            pid, spool = children[0]
            status = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
            ended = ended or (f", with status {status}" if status else "")
            children.pop(0)
            with spool:
                spool.seek(0)
                found.update(_taken_by_child(spool))
    finally:
        os.close(taken)
        for pid, spool in children:  # only left when raising: stop the rest
            _stop(pid, spool)
    results: list[R] = []
    for number in range(len(items)):
        kind, value = found.get(number, ("missing", None))
        if kind == "ok":
            results.append(value)
        elif kind == "error":
            raise value
        else:
            raise RuntimeError(f"no result for item {number}: a worker process ended early{ended}")
    return results


#: An item's number, and ("ok", result) or ("error", exception).
Taken = tuple[int, tuple[str, Any]]


def _taking(
    function: Callable[[T], R],
    items: Sequence[T],
    taken: int,
    progress: Callable[[int], None] | None = None,
    stop: threading.Event | None = None,
) -> Iterator[Taken]:
    """Take item numbers from the pipe until none is left (or an item raises, or `stop` is
    set) and work them."""
    while not (stop is not None and stop.is_set()) and (
        len(data := os.read(taken, _NUMBER.size)) == _NUMBER.size
    ):
        (number,) = _NUMBER.unpack(data)
        if progress is not None:
            progress(number)  # those before it are taken (the pipe gives them in order)
        try:
            yield number, ("ok", function(items[number]))
        except Exception as exc:
            yield number, ("error", exc)
            return


def _fork_taker(
    function: Callable[[T], R], items: Sequence[T], taken: int, own_arena: bool = False
) -> tuple[int, IO[bytes]] | None:
    """A child taking items from the pipe, with the file it writes its results to; None if no
    file or process could be made (the others then take its share)."""
    return _spooled_fork(lambda spool: _take_into(function, items, taken, spool, own_arena))


def _take_into(
    function: Callable[[T], R],
    items: Sequence[T],
    taken: int,
    spool: IO[bytes],
    own_arena: bool = False,
) -> NoReturn:
    """Run in a forked child: take and work items, each outcome into `spool`, then exit (in a
    thread of its own with `own_arena`; the child ends when that thread is done)."""

    def take() -> NoReturn:
        _outcomes_into(_taking(function, items, taken), spool)

    if own_arena and (thread := _started(take)) is not None:
        try:
            thread.join()  # ends only when interrupted: take() ends the process
        finally:
            os._exit(1)
    take()


def _in_own_thread(work: Callable[[], R], stop: threading.Event) -> R:
    """`work()` in a new thread while this one waits, with its result or exception. When the
    wait is interrupted (Ctrl-C), `stop` is set, the thread waited for all the same (`work`
    is to check `stop` between its items), and then the interrupt raised."""
    outcome: list[tuple[bool, Any]] = []
    finished = threading.Event()

    def run() -> None:
        try:
            outcome.append((True, work()))
        except BaseException as exc:
            outcome.append((False, exc))
        finally:
            finished.set()

    thread = _started(run)
    if thread is None:
        run()
    interrupted: BaseException | None = None
    while not finished.is_set():
        try:  # an Event, not join(): an interrupted join() can take the thread for ended
            finished.wait()
        except BaseException as exc:
            stop.set()
            interrupted = interrupted or exc
    if thread is not None:
        thread.join()
    if interrupted is not None:
        raise interrupted
    done, value = outcome[0]
    if not done:
        raise value
    return value  # type: ignore[no-any-return]


def _started(target: Callable[[], object]) -> threading.Thread | None:
    """A thread running `target`, or None when no thread can be started."""
    thread = threading.Thread(target=target, name="bulletin-worker")
    try:
        thread.start()
    except RuntimeError:
        return None
    return thread


def _taken_by_child(spool: IO[bytes]) -> dict[int, tuple[str, Any]]:
    """What a child wrote to its file: each item it took, with its result or exception."""
    found: dict[int, tuple[str, Any]] = {}
    while True:
        try:
            number, entry = pickle.load(spool)
        except EOFError:
            return found
        found[number] = entry


class Later(Generic[R]):
    """`function()` worked out in a forked child while this process goes on; worked out here
    when asked for, where forking is not safe or fails. `close()` stops a child not asked."""

    def __init__(self, function: Callable[[], R]) -> None:
        self._function = function
        self._child = _spooled_fork(_run_once(function)) if can_fork() else None
        self._status: int | None = None  #: the child's, once it has ended

    def __enter__(self) -> Later[R]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def ready(self) -> bool:
        """Whether `result()` would not wait for the child (True when there is none)."""
        if self._child is None or self._status is not None:
            return True
        pid, status = os.waitpid(self._child[0], os.WNOHANG)
        if pid:
            self._status = status
        return self._status is not None

    def result(self) -> R:
        if self._child is None:
            return self._function()
        pid, spool = self._child
        self._child = None
        status = self._status if self._status is not None else os.waitpid(pid, 0)[1]
        with spool:
            spool.seek(0)
            kind, value = _taken_by_child(spool).get(0, ("missing", None))
        if kind == "ok":
            return value  # type: ignore[no-any-return]
        if kind == "error":
            raise value
        code = os.waitstatus_to_exitcode(status)
        raise RuntimeError(f"no result from the child: it ended with status {code}")

    def close(self) -> None:
        if self._child is not None:
            pid, spool = self._child
            self._child = None
            if self._status is None:
                _stop(pid, spool)
            else:  # already reaped
                spool.close()


def _counted(
    function: Callable[[T], R], items: Sequence[T], progress: Callable[[int], None] | None
) -> list[R]:
    """`function` over `items` here, telling `progress` how many are done after each."""
    results: list[R] = []
    for number, item in enumerate(items, start=1):
        results.append(function(item))
        if progress is not None:
            progress(number)
    return results


def _spooled_fork(run: Callable[[IO[bytes]], NoReturn]) -> tuple[int, IO[bytes]] | None:
    """A child running `run` with an unnamed file to write its results to, and that
    file; None if no file or process could be made."""
    try:
        spool = _unnamed_file()
    except OSError:
        return None
    try:
        pid = os.fork()
    except OSError:
        spool.close()
        return None
    if pid == 0:  # pragma: no cover (the child; measured by the parent's results)
        run(spool)
    return pid, spool


def _unnamed_file() -> IO[bytes]:
    """A file with no name for a child's results: in memory where the system has such files
    (Linux's memfd; a temporary file on disk would have its pages written back, 900 MB of
    results at 100,000 articles), else a temporary file."""
    if hasattr(os, "memfd_create"):
        try:
            return open(os.memfd_create("bulletin-results", os.MFD_CLOEXEC), "w+b")
        except OSError:
            pass
    return tempfile.TemporaryFile()


def _stop(pid: int, spool: IO[bytes]) -> None:
    """Kill a child whose results are no longer wanted, and reap it."""
    spool.close()
    with contextlib.suppress(OSError):
        os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)


def _run_once(function: Callable[[], R]) -> Callable[[IO[bytes]], NoReturn]:
    """What a Later's child runs: `function()`'s outcome, as item 0, into its file."""

    def outcome() -> Iterator[Taken]:
        try:
            done: tuple[str, object] = ("ok", function())
        except BaseException as exc:
            done = ("error", exc)
        yield 0, done

    return lambda spool: _outcomes_into(outcome(), spool)


def _outcomes_into(outcomes: Iterator[Taken], spool: IO[bytes]) -> NoReturn:
    """Run in a forked child: each (item number, outcome) into `spool` up to the first error
    (a result that cannot be pickled becomes one), then exit."""
    code = 0
    try:
        for number, (kind, value) in outcomes:
            try:
                pickle.dump((number, (kind, value)), spool, protocol=pickle.HIGHEST_PROTOCOL)
            except Exception:
                kind = "error"
                pickle.dump((number, (kind, RuntimeError(repr(value)))), spool)
            if kind == "error":
                break
        spool.flush()
    except BaseException:
        code = 1
    finally:
        os._exit(code)
