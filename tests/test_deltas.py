"""Changes between two versions of a value, and the newer made back from the older and them."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import pytest

from bulletin_ssg.deltas import applied, changes


class Entry(NamedTuple):
    size: int
    digest: bytes


@dataclass(frozen=True, slots=True)
class Inner:
    marks: tuple[bytes, ...]
    note: str = ""


@dataclass(frozen=True, slots=True)
class Outer:
    files: dict[str, Entry]
    inner: Inner
    count: int
    extra: Any = None
    derived: int = field(init=False, default=0)


def outer(files: dict[str, Entry], marks: tuple[bytes, ...], count: int = 1) -> Outer:
    return Outer(files=files, inner=Inner(marks=marks), count=count)


def test_an_unchanged_value_has_no_changes() -> None:
    old = outer({"a": Entry(1, b"x")}, (b"1", b"2"))
    same = outer({"a": Entry(1, b"x")}, (b"1", b"2"))
    assert changes(old, same) == ({}, 0)
    assert applied(old, {}) == old


def test_changed_items_and_entries_are_all_that_is_kept() -> None:
    files = {f"p{i}": Entry(i, b"d") for i in range(100)}
    old = outer(files, tuple(b"m" for _ in range(100)))
    new_files = {**files, "p7": Entry(70, b"e")}
    marks = list(old.inner.marks)
    marks[3] = b"n"
    new = outer(new_files, tuple(marks), count=2)
    found = changes(old, new)
    assert found is not None
    assert found[0] == {
        "files": ("keys", {"p7": Entry(70, b"e")}, ()),
        "inner": ("fields", {"marks": ("items", {3: b"n"})}),
        "count": ("whole", 2),
    }
    assert found[1] == 3
    assert applied(old, found[0]) == new


def test_added_and_removed_keys_are_made_back_kept_keys_first() -> None:
    old = outer({"a": Entry(1, b""), "b": Entry(2, b""), "c": Entry(3, b"")}, ())
    new = outer({"d": Entry(4, b""), "c": Entry(3, b""), "a": Entry(1, b"")}, ())
    found = changes(old, new)
    assert found is not None and found[0]["files"] == ("keys", {"d": Entry(4, b"")}, ("b",))
    made = applied(old, found[0])
    assert made == new
    assert list(made.files) == ["a", "c", "d"]


def test_a_dict_in_another_order_has_no_changes() -> None:
    old = outer({"a": Entry(1, b""), "b": Entry(2, b"")}, ())
    new = outer({"b": Entry(2, b""), "a": Entry(1, b"")}, ())
    assert changes(old, new) == ({}, 0)


def test_a_tuple_of_another_length_and_values_of_other_kinds_are_kept_whole() -> None:
    old = Outer(files={}, inner=Inner(marks=(b"1",)), count=1, extra=[1, 2])
    new = Outer(files={}, inner=Inner(marks=(b"1", b"2")), count=1, extra=[1, 3])
    found = changes(old, new)
    assert found is not None
    assert found[0] == {
        "inner": ("fields", {"marks": ("whole", (b"1", b"2"))}),
        "extra": ("whole", [1, 3]),
    }
    assert applied(old, found[0]) == new


def test_values_without_fields_or_of_other_kinds_have_no_changes() -> None:
    assert changes({"a": 1}, {"a": 2}) is None
    assert changes(Entry(1, b""), Inner(marks=())) is None


def test_unknown_changes_are_refused() -> None:
    with pytest.raises(ValueError, match="no such change"):
        applied(Inner(marks=()), {"marks": ("shuffled", ())})


@pytest.mark.parametrize("seed", range(40))
def test_random_versions_are_made_back_equal(seed: int) -> None:
    chooser = random.Random(seed)

    def version(base: dict[str, Entry] | None = None) -> Outer:
        files = dict(base or {})
        for _ in range(chooser.randint(0, 6)):
            key = f"p{chooser.randint(0, 12)}"
            if chooser.random() < 0.3:
                files.pop(key, None)
            else:
                files[key] = Entry(chooser.randint(0, 3), bytes([chooser.randint(0, 2)]))
        marks = tuple(bytes([chooser.randint(0, 2)]) for _ in range(chooser.choice((3, 3, 4))))
        return Outer(files=files, inner=Inner(marks=marks, note=chooser.choice("ab")),
                     count=chooser.randint(0, 1))  # fmt: skip

    old = version()
    new = version(old.files)
    found = changes(old, new)
    assert found is not None
    made = applied(old, found[0])
    assert made == new
    assert list(made.files) == [*(k for k in old.files if k in new.files),
                                *(k for k in new.files if k not in old.files)]  # fmt: skip
