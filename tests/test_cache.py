"""The cache folder: what was saved loads back; anything corrupt, foreign or stale loads as None."""

from __future__ import annotations

import mmap
import os
import pickle
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


@pytest.mark.parametrize("size", [10, 1 << 20], ids=["small", "mapped"])
def test_buffers_are_kept_out_of_band_and_load_as_views(tmp_path: Path, size: int) -> None:
    data = bytes(range(256)) * (size // 256 + 1)
    cache = Cache(tmp_path, key=KEY)
    cache.save("x", {"text": pickle.PickleBuffer(data), "n": 1})
    assert (tmp_path / "x.pickle").stat().st_size < len(data) + 200  # stored once, raw
    loaded = cache.load("x")
    assert isinstance(loaded, dict) and loaded["n"] == 1
    assert isinstance(loaded["text"], memoryview) and bytes(loaded["text"]) == data


@pytest.mark.parametrize("where", [40, -3], ids=["in-the-pickle", "in-a-buffer"])
def test_a_flipped_byte_in_a_large_file_is_refused(tmp_path: Path, where: int) -> None:
    cache = Cache(tmp_path, key=KEY)
    cache.save("x", [pickle.PickleBuffer(b"t" * (1 << 20)), "value"])
    data = bytearray((tmp_path / "x.pickle").read_bytes())
    data[where] ^= 1
    (tmp_path / "x.pickle").write_bytes(bytes(data))
    assert cache.load("x") is None
    (tmp_path / "x.pickle").write_bytes(bytes(data[:-1]))
    assert cache.load("x") is None


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="files are read, never mapped")
def test_a_file_others_may_write_is_read_not_mapped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = Cache(tmp_path, key=KEY)
    cache.save("x", [b"v" * (1 << 20)])
    mapped: list[object] = []
    real = mmap.mmap
    monkeypatch.setattr(mmap, "mmap", lambda *a, **k: mapped.append(a) or real(*a, **k))
    assert cache.load("x") == [b"v" * (1 << 20)]
    assert len(mapped) == 1
    (tmp_path / "x.pickle").chmod(0o666)
    assert cache.load("x") == [b"v" * (1 << 20)]
    assert len(mapped) == 1


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
    Cache(tmp_path / "c", key=KEY).save("x", [1])
    assert Cache(tmp_path / "c", enabled=False, key=KEY).load("x") is None


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


def test_installed_versions_are_those_importlib_metadata_gives() -> None:
    import importlib.metadata

    from bulletin_ssg.cache import RENDERING_LIBRARIES, installed_versions

    found = installed_versions((*RENDERING_LIBRARIES, "no-such-distribution"))
    assert found == {name: importlib.metadata.version(name) for name in RENDERING_LIBRARIES}


def test_installed_versions_read_metadata_folder_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bulletin_ssg.cache import installed_versions

    first, second = tmp_path / "first", tmp_path / "second"
    for folder, names in (
        (first, ["Markdown_It_Py-3.0.0.dist-info", "PyYAML-6.0.1-py3.11.egg-info", "x.py"]),
        (second, ["markdown_it_py-9.9.9.dist-info", "jinja2-3.1.6.dist-info"]),
    ):
        folder.mkdir()
        for name in names:
            (folder / name).mkdir()
    monkeypatch.setattr("sys.path", [str(tmp_path / "missing"), str(first), str(second)])
    assert installed_versions(("markdown-it-py", "pyyaml", "jinja2", "pagefind")) == {
        "markdown-it-py": "3.0.0",  # the first on the path wins, as for an import
        "pyyaml": "6.0.1",
        "jinja2": "3.1.6",
    }
