"""The cache folder: what was saved loads back; anything corrupt, foreign or stale loads as None."""

from __future__ import annotations

from pathlib import Path

import pytest

from bulletin_ssg.cache import Cache, signing_key
from bulletin_ssg.workers import Workers

KEY = b"k" * 32


def test_saved_values_load_back(tmp_path: Path) -> None:
    cache = Cache(tmp_path / "c", key=KEY)
    cache.save("articles", {"a": (1, 2)})
    assert Cache(tmp_path / "c", key=KEY).load("articles") == {"a": (1, 2)}
    assert (tmp_path / "c" / ".gitignore").read_text(encoding="utf-8") == "*\n"


@pytest.mark.parametrize(
    "damage",
    [b"", b"garbage", b"\x00" * 40],
    ids=["empty", "garbage", "zeros"],
)
def test_corrupt_files_load_as_nothing(tmp_path: Path, damage: bytes) -> None:
    cache = Cache(tmp_path, key=KEY)
    cache.save("x", [1])
    (tmp_path / "x.pickle").write_bytes(damage)
    assert cache.load("x") is None


def test_a_cache_signed_by_another_key_is_never_unpickled(tmp_path: Path) -> None:
    Cache(tmp_path, key=b"a" * 32).save("x", [1])
    assert Cache(tmp_path, key=b"b" * 32).load("x") is None


def test_a_flipped_byte_is_refused(tmp_path: Path) -> None:
    cache = Cache(tmp_path, key=KEY)
    cache.save("x", "value")
    data = bytearray((tmp_path / "x.pickle").read_bytes())
    data[-3] ^= 1
    (tmp_path / "x.pickle").write_bytes(bytes(data))
    assert cache.load("x") is None


def test_another_version_of_the_tool_loads_nothing(tmp_path: Path) -> None:
    cache = Cache(tmp_path, key=KEY)
    cache.save("x", [1])
    newer = Cache(tmp_path, key=KEY)
    newer.tool = b"another version"
    assert newer.load("x") is None


def test_disabled_cache_neither_reads_nor_writes(tmp_path: Path) -> None:
    cache = Cache(tmp_path / "c", enabled=False)
    cache.save("x", [1])
    assert not (tmp_path / "c").exists()
    assert cache.load("x") is None


def test_the_signing_key_is_made_once_and_kept(tmp_path: Path) -> None:
    environ = {"XDG_CACHE_HOME": str(tmp_path)}
    first = signing_key(environ)
    assert first is not None and len(first) == 32
    assert signing_key(environ) == first


def _square_all(numbers: list[int]) -> list[int]:
    return [n * n for n in numbers]


@pytest.mark.parametrize("jobs", [1, 2], ids=["one-process", "two-workers"])
def test_workers_give_results_in_input_order(jobs: int) -> None:
    numbers = list(range(500, 0, -1))
    with Workers(jobs) as workers:
        assert workers.map_chunks(_square_all, numbers, list) == [n * n for n in numbers]
