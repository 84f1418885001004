"""Work in other processes: results in input order, the first error in that order raised."""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from collections.abc import Callable

import pytest

from bulletin_ssg import workers
from bulletin_ssg.errors import LayoutError, Location
from bulletin_ssg.workers import FORK_THRESHOLD, can_fork, fork_map

ITEMS = list(range(FORK_THRESHOLD * 2))

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="forks on Linux only")


@pytest.fixture(autouse=True)
def forking_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    """As if no other thread ran: watchdog's inotify reader, once started by an earlier test,
    stays for the life of the process (the thread rule itself is tested below)."""
    monkeypatch.setattr(workers, "can_fork", lambda: True)


def slow_here(work: Callable[[int], object]) -> Callable[[int], object]:
    """`work`, with a pause in this process before its first item and a short one before
    each item in a forked child: all children surely take some batches."""
    parent = os.getpid()
    paused: list[bool] = []

    def slowed(item: int) -> object:
        if os.getpid() != parent:
            time.sleep(0.0002)
        elif not paused:
            paused.append(True)
            time.sleep(0.05)
        return work(item)

    return slowed


def test_results_come_back_in_order_from_several_processes() -> None:
    """Batches go to whichever process is free; results come back in item order."""
    results = fork_map(slow_here(lambda item: (item * item, os.getpid())), ITEMS, 3)
    assert [square for square, _ in results] == [item * item for item in ITEMS]  # type: ignore[misc]
    pids = [pid for _, pid in results]  # type: ignore[misc]
    assert len(set(pids)) == 3
    size = workers.batch_size(len(ITEMS), 3)
    changes = [index for index in range(1, len(pids)) if pids[index] != pids[index - 1]]
    assert all(index % size == 0 for index in changes)  # each batch is one process's


@pytest.mark.parametrize(
    ("count", "jobs", "most", "size"),
    [
        (1000, 3, 256, 11),  # some 32 batches a process
        (10_000, 2, 256, 157),
        (100_000, 2, 256, 256),  # no batch holds more than `most` items
        (10_000_000, 2, 256, 2442),  # unless the queue would hold more than QUEUE_LIMIT
        (3, 2, 256, 1),
        (1000, 2, 4, 4),
    ],
)
def test_batch_size(count: int, jobs: int, most: int, size: int) -> None:
    assert workers.batch_size(count, jobs, most) == size
    assert -(-count // size) <= workers.QUEUE_LIMIT


def test_batches_hold_at_most_the_items_asked() -> None:
    results = fork_map(slow_here(lambda item: (item, os.getpid())), ITEMS, 2, most=5)
    pids = [pid for _, pid in results]  # type: ignore[misc]
    changes = [index for index in range(1, len(pids)) if pids[index] != pids[index - 1]]
    assert changes and all(index % 5 == 0 for index in changes)
    assert [item for item, _ in results] == ITEMS  # type: ignore[misc]


def fail_at(*bad: int) -> object:
    def work(item: int) -> int:
        if item in bad:
            raise LayoutError(f"page {item}", Location("layouts/base.html", item))
        return item

    return work


@pytest.mark.parametrize(
    ("bad", "first"),
    [
        ((ITEMS[-1], 7), 7),
        ((ITEMS[-1], ITEMS[-10]), ITEMS[-10]),
        ((FORK_THRESHOLD + 1,), None),
        ((40, 13), 13),
        ((12, 31), 12),
    ],
    ids=["two-in-a-child", "two-in-a-child-late", "one-in-a-child", "child-first", "here-first"],
)
@pytest.mark.parametrize("own_arena", [False, True], ids=["main-thread", "own-thread"])
def test_the_first_error_in_item_order_is_raised_with_its_location(
    bad: tuple[int, ...], first: int | None, own_arena: bool
) -> None:
    expected = first if first is not None else bad[0]
    with pytest.raises(LayoutError) as raised:
        fork_map(fail_at(*bad), ITEMS, 2, own_arena=own_arena)  # type: ignore[arg-type]
    assert (raised.value.message, raised.value.location) == (
        f"page {expected}",
        Location("layouts/base.html", expected),
    )


def _where() -> tuple[int, str, bool]:
    """This process, and the name of the thread running here and whether it is the main one."""
    thread = threading.current_thread()
    return os.getpid(), thread.name, thread is threading.main_thread()


def test_with_an_arena_of_its_own_each_process_works_in_a_new_thread() -> None:
    """`own_arena`: every item is worked in a thread that is not its process's main thread
    (glibc gives such a thread a malloc arena of its own); results come back in order, and no
    thread is left running."""
    threads = threading.active_count()
    results = fork_map(slow_here(lambda item: (item, *_where())), ITEMS, 2, own_arena=True)
    assert [item for item, *_ in results] == ITEMS  # type: ignore[misc]
    assert len({pid for _, pid, _, _ in results}) == 2  # type: ignore[misc]
    assert {(name, main) for _, _, name, main in results} == {("bulletin-worker", False)}  # type: ignore[misc]
    assert threading.active_count() == threads
    here = fork_map(lambda item: _where(), ITEMS, 2)
    assert {(name, main) for _, name, main in here} == {("MainThread", True)}


def test_interrupted_while_its_thread_works_this_process_stops_it_and_the_children(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Ctrl-C reaches the main thread, waiting for the one working: that one is told to stop
    after its item, waited for, and the interrupt goes on up; the children are stopped."""
    parent = os.getpid()
    real_fork = os.fork
    children: list[int] = []

    def fork() -> int:
        pid = real_fork()
        children.append(pid)
        return pid

    monkeypatch.setattr(os, "fork", fork)
    worked: list[int] = []
    threads = threading.active_count()
    taken = threading.Event()

    def interrupt(signum: int, frame: object) -> None:
        taken.set()
        raise KeyboardInterrupt

    # A signal of its own that interrupts as Ctrl-C does, the test runner's left alone.
    previous = signal.signal(signal.SIGUSR1, interrupt)

    def work(item: int) -> int:
        if os.getpid() == parent:
            worked.append(item)
            if len(worked) == 3:
                os.kill(parent, signal.SIGUSR1)
                assert taken.wait(10)  # the main thread took the signal, as with Ctrl-C
                time.sleep(0.05)  # and the item goes on a while: it is waited for
        return item

    try:
        with pytest.raises(KeyboardInterrupt):
            fork_map(slow_here(work), ITEMS, 2, most=1, own_arena=True)
    finally:
        signal.signal(signal.SIGUSR1, previous)
    assert 3 <= len(worked) <= 4  # its item done, perhaps one more taken before the stop
    assert threading.active_count() == threads
    assert len(children) == 1
    with pytest.raises(ChildProcessError):  # the child was stopped and reaped
        os.waitpid(children[0], os.WNOHANG)


def test_small_batches_and_one_job_stay_in_this_process() -> None:
    assert {pid for pid in fork_map(lambda _: os.getpid(), ITEMS[:10], 4)} == {os.getpid()}
    assert {pid for pid in fork_map(lambda _: os.getpid(), ITEMS, 1)} == {os.getpid()}


def test_no_fork_while_another_thread_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workers, "can_fork", can_fork)
    monkeypatch.setattr(threading, "active_count", lambda: 1 + len(started))
    started: list[threading.Thread] = []
    assert can_fork()
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    started.append(thread)
    try:
        assert not can_fork()
        assert {pid for pid in fork_map(lambda _: os.getpid(), ITEMS, 2)} == {os.getpid()}
    finally:
        stop.set()
        thread.join()


def test_a_child_that_dies_is_an_error_not_missing_results() -> None:
    parent = os.getpid()

    def work(item: int) -> int:
        if os.getpid() != parent:
            os._exit(3)
        return item

    with pytest.raises(RuntimeError, match="ended early, with status 3"):
        fork_map(slow_here(work), ITEMS, 2)


@pytest.mark.parametrize("forks", [0, 1], ids=["none", "one-of-two"])
def test_chunks_that_cannot_be_forked_are_done_here_in_order(
    forks: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_fork = os.fork
    made: list[int] = []

    def fork() -> int:
        if len(made) >= forks:
            raise OSError(11, "Resource temporarily unavailable")
        made.append(1)
        return real_fork()

    monkeypatch.setattr(os, "fork", fork)
    results = fork_map(slow_here(lambda item: (item, os.getpid())), ITEMS, 3)
    assert [item for item, _ in results] == ITEMS  # type: ignore[misc]
    assert len({pid for _, pid in results}) == 1 + forks  # type: ignore[misc]


def test_progress_is_told_as_items_get_done() -> None:
    told: list[int] = []
    fork_map(lambda item: item, ITEMS, 1, told.append)
    assert told == list(range(1, len(ITEMS) + 1))


def test_progress_is_told_of_the_batches_any_process_took() -> None:
    """Batches are taken in order: when this process takes one, all before it are taken."""
    told: list[int] = []
    size = workers.batch_size(len(ITEMS), 2)
    fork_map(slow_here(lambda item: item), ITEMS, 2, told.append)
    assert told == sorted(told)
    assert told and all(count % size == 0 and count < len(ITEMS) for count in told)
    assert len(told) < 2 * workers.QUEUED_CHUNKS_PER_JOB  # the child took some


def _pids(chunk: list[int]) -> list[tuple[int, int]]:
    return [(item, os.getpid()) for item in chunk]


@pytest.mark.parametrize("forking", [True, False], ids=["forked", "spawned-pool"])
def test_chunks_are_mapped_in_other_processes_in_input_order(
    forking: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(workers, "can_fork", lambda: forking)
    items = list(range(workers.POOL_THRESHOLD * 2, 0, -1))
    with workers.Workers(2) as pool:
        results = pool.map_chunks(_pids, items, list)
        started = pool._pool is not None
    assert [item for item, _ in results] == items
    pids = {pid for _, pid in results}
    if not forking:  # pool workers take chunks as they come: which ones is up to them
        assert os.getpid() not in pids
    assert started is not forking  # no pool is started when children can be forked


def _slowly(item: int) -> tuple[int, int]:
    time.sleep(0.01)
    return item, os.getpid()


def test_queued_items_go_to_whichever_process_is_free_and_come_back_in_order() -> None:
    parent = os.getpid()

    def work(item: int) -> tuple[int, int]:
        time.sleep(0.02 if os.getpid() == parent else 0.001)  # this process is held up
        return item, os.getpid()

    items = list(range(40, 0, -1))
    results = workers.queue_map(work, items, 2)
    assert [item for item, _ in results] == items
    pids = [pid for _, pid in results]
    assert len(set(pids)) == 2
    assert pids.count(parent) < len(items) // 2  # the held-up process did fewer


@pytest.mark.parametrize("bad", [(3,), (3, 30), (30, 3), (39,)], ids=str)
def test_queued_items_raise_the_first_error_in_item_order(bad: tuple[int, ...]) -> None:
    def work(item: int) -> int:
        time.sleep(0.005)
        if item in bad:
            raise LayoutError(f"page {item}", Location("layouts/base.html", item))
        return item

    with pytest.raises(LayoutError, match=f"page {min(bad)}$"):
        workers.queue_map(work, list(range(40)), 2)


def test_a_queue_taker_that_dies_is_an_error_not_missing_results() -> None:
    def work(item: int) -> int:
        if os.getpid() != parent:
            os._exit(3)  # the child dies at the first item it takes
        time.sleep(0.02)  # while this process is busy, the child surely takes one
        return item

    parent = os.getpid()
    with pytest.raises(RuntimeError, match="ended early"):
        workers.queue_map(work, list(range(40)), 2)


def test_queued_items_stay_here_when_few_too_many_or_unforkable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    here = os.getpid()
    assert workers.queue_map(_slowly, [1], 2) == [(1, here)]
    many = list(range(workers.QUEUE_LIMIT + 1))
    assert {pid for _, pid in workers.queue_map(_pid_of, many, 2)} == {here}
    monkeypatch.setattr(workers, "can_fork", lambda: False)
    assert {pid for _, pid in workers.queue_map(_slowly, [1, 2, 3], 2)} == {here}


def _pid_of(item: int) -> tuple[int, int]:
    return item, os.getpid()


def test_later_works_out_a_value_in_a_child_while_this_process_goes_on() -> None:
    with workers.Later(os.getpid) as later:
        assert later.result() != os.getpid()


def test_later_works_out_its_value_here_where_forking_is_not_safe(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(workers, "can_fork", lambda: False)
    with workers.Later(os.getpid) as later:
        assert later.result() == os.getpid()


def test_later_is_ready_once_its_child_has_ended_and_still_gives_its_value() -> None:
    go_on = threading.Event()  # the child's copy is never set: it waits its full time
    later = workers.Later(lambda: (go_on.wait(0.3), os.getpid())[1])
    assert not later.ready()
    while not later.ready():
        time.sleep(0.01)
    assert later.ready()  # asking again does not wait, nor reap twice
    assert later.result() not in (None, os.getpid())
    later.close()  # nothing left to stop


def test_later_without_a_child_is_ready_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workers, "can_fork", lambda: False)
    later = workers.Later(os.getpid)
    assert later.ready()
    assert later.result() == os.getpid()


def test_later_raises_the_childs_error_and_close_stops_a_child_not_asked() -> None:
    def fail() -> None:
        raise LayoutError("in the child", Location("layouts/base.html", 3))

    with pytest.raises(LayoutError, match="in the child"), workers.Later(fail) as failing:
        failing.result()
    stop = threading.Event()
    later = workers.Later(lambda: stop.wait(60))
    child = later._child
    later.close()
    assert child is not None
    with pytest.raises(ChildProcessError):
        os.waitpid(child[0], os.WNOHANG)  # reaped already


def test_a_later_whose_child_dies_says_how_it_ended() -> None:
    parent = os.getpid()

    def die_in_the_child() -> int:
        if os.getpid() != parent:
            os._exit(3)
        return 0

    with (
        pytest.raises(RuntimeError, match="no result from the child: it ended with status 3"),
        workers.Later(die_in_the_child) as later,
    ):
        later.result()


def test_a_result_a_child_cannot_send_back_is_an_error_naming_it() -> None:
    parent = os.getpid()

    def work(item: int) -> object:
        return item if os.getpid() == parent else lambda: item

    with pytest.raises(RuntimeError, match="<function"):
        fork_map(slow_here(work), list(range(FORK_THRESHOLD)), 2)

    def taken(item: int) -> object:
        if os.getpid() == parent:
            time.sleep(0.02)  # while this process is busy, the child surely takes some
            return item
        return lambda: item

    with pytest.raises(RuntimeError, match="<function"):
        workers.queue_map(taken, list(range(40)), 2)


@pytest.mark.parametrize("jobs", [1, 2], ids=["here", "forked"])
def test_meanwhile_runs_once_in_this_process(jobs: int) -> None:
    """What this process does while the children take the first batches (a first build works
    out its site's shape so): once, here, whether or not children were forked."""
    ran: list[int] = []
    results = fork_map(lambda item: item, ITEMS, jobs, meanwhile=lambda: ran.append(os.getpid()))
    assert (results, ran) == (ITEMS, [os.getpid()])


def test_results_come_back_through_files_in_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    """A child's results go through a memfd (no disk pages to write back); where one cannot
    be made, through a temporary file."""
    with workers._unnamed_file() as file:
        assert os.readlink(f"/proc/self/fd/{file.fileno()}").startswith("/memfd:")

    def refuse(name: str, flags: int = 0) -> int:
        raise OSError(24, "Too many open files")

    monkeypatch.setattr(os, "memfd_create", refuse)
    with workers._unnamed_file() as file:
        assert not os.readlink(f"/proc/self/fd/{file.fileno()}").startswith("/memfd:")
    assert fork_map(slow_here(lambda item: item), ITEMS, 2) == ITEMS
