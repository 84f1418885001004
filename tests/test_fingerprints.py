"""The structural hashes of values, and of what a layout's chains read of them."""

from __future__ import annotations

from dataclasses import dataclass

from bulletin_ssg.fingerprints import READS_ANY, Fingerprints
from bulletin_ssg.layoutreads import EACH


@dataclass(frozen=True)
class Story:
    title: str
    body: str


@dataclass(frozen=True)
class Shelf:
    name: str
    stories: tuple[Story, ...]


def test_hashes_are_structural_and_reach_the_seeded_values_inside() -> None:
    one, two = Story("甲", "正文"), Story("乙", "正文")
    prints = Fingerprints()
    prints.known(one, b"one", 0)
    prints.known(two, b"two", 1)
    digest, reach = prints.traced(Shelf("架", (one, two)))
    assert reach == {0, 1}
    again = Fingerprints()
    again.known(one, b"one", 0)
    again.known(two, b"two", 1)
    assert again.traced(Shelf("架", (one, two))) == (digest, reach)
    changed = Fingerprints()
    changed.known(one, b"one", 0)
    changed.known(two, b"TWO", 1)
    assert changed.traced(Shelf("架", (one, two)))[0] != digest


def test_a_seeded_value_read_in_parts_hashes_only_those_parts() -> None:
    chains = ((("title",), False),)
    before, after = Story("甲", "旧"), Story("甲", "新")
    first, second = Fingerprints(), Fingerprints()
    first.known(before, b"old", 0)
    second.known(after, b"new", 0)
    assert first.read(before, chains) == second.read(after, chains)
    assert first.read(before, chains)[1] == {0}
    whole = ((), False), (("title",), False)
    assert first.read(before, whole)[0] != second.read(after, whole)[0]


def test_a_value_without_structure_is_never_equal_and_reaches_any() -> None:
    opaque = object()
    first = Fingerprints().traced((opaque,))
    second = Fingerprints().traced((object(),))
    assert first[0] != second[0]
    assert READS_ANY in first[1]


def test_reads_through_loops_hash_each_element_as_read() -> None:
    chains = (((EACH,), True), ((EACH, "title"), False))
    shelf = (Story("甲", "旧"), Story("乙", "旧"))
    same_titles = (Story("甲", "新"), Story("乙", "新"))
    other_titles = (Story("甲", "旧"), Story("丙", "旧"))
    fewer = (Story("甲", "旧"),)
    digest = Fingerprints().read(shelf, chains)[0]
    assert Fingerprints().read(same_titles, chains)[0] == digest
    assert Fingerprints().read(other_titles, chains)[0] != digest
    assert Fingerprints().read(fewer, chains)[0] != digest


def test_loop_elements_that_are_seeded_are_reached() -> None:
    one, two = Story("甲", "旧"), Story("乙", "旧")
    prints = Fingerprints()
    prints.known(one, b"one", 0)
    prints.known(two, b"two", 1)
    assert prints.read(Shelf("架", (one, two)), (((("stories", EACH, "title")), False),))[1] == {
        0,
        1,
    }


def test_a_value_read_whole_and_in_parts_gives_the_hash_of_the_whole() -> None:
    one, two = Story("甲", "旧"), Story("乙", "旧")
    shelf = Shelf("架", (one, two))
    parts = ((), False), (("stories", EACH, "title"), False)
    prints = Fingerprints()
    prints.known(one, b"one", 0)
    prints.known(two, b"two", 1)
    assert prints.read(shelf, parts) == prints.traced(shelf)
    assert prints.read(shelf, parts)[1] == {0, 1}
    # A change to a part no chain reads still changes the page: the whole is read.
    other = Fingerprints()
    other.known(one, b"one", 0)
    other.known(two, b"TWO", 1)
    assert other.read(shelf, parts)[0] != prints.read(shelf, parts)[0]
