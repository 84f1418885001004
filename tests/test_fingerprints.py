"""What a layout reads (from its syntax tree) and the structural hashes of what it read."""

from __future__ import annotations

from dataclasses import dataclass

import jinja2
import pytest

from bulletin_ssg.fingerprints import ALWAYS, EACH, READS_ANY, Fingerprints, Use, layout_uses


def uses_of(source: str, **others: str) -> frozenset[Use] | None:
    """The uses of layout `t` beyond those every page has; None when it reads everything."""
    env = jinja2.Environment(loader=jinja2.DictLoader({"t": source, **others}))
    found = layout_uses(env, "t")
    return None if found.everything else found.uses - ALWAYS


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("{{ a.b.c }}", {("a", ("b", "c"), False)}),
        ("{{ a['k'].j }}", {("a", ("k", "j"), False)}),
        ("{{ a[0] }}", {("a", (), False)}),
        ("{{ a.link(1) }}", {("a", (), False)}),
        ("{% if a.x %}x{% endif %}", {("a", ("x",), True)}),
        ("{% if not a %}x{% endif %}", {("a", (), True)}),
        ("{% if a or b.c %}x{% endif %}", {("a", (), True), ("b", ("c",), True)}),
        ("{% if a and not b %}x{% endif %}", {("a", (), True), ("b", (), True)}),
        ("{{ a or b }}", {("a", (), False), ("b", (), False)}),
        ("{{ 'y' if a else b }}", {("a", (), True), ("b", (), False)}),
        (
            "{% for x in a.items %}{{ x.t }}{% endfor %}",
            {("a", ("items", EACH), True), ("a", ("items", EACH, "t"), False)},
        ),
        (
            "{% for x in a %}{% for y in x.ys %}{% if y.ok %}{{ y }}{% endif %}{% endfor %}"
            "{% else %}{{ x }}{% endfor %}",
            {
                ("a", (EACH,), True),
                ("a", (EACH, "ys", EACH), True),
                ("a", (EACH, "ys", EACH, "ok"), True),
                ("a", (EACH, "ys", EACH), False),
                ("x", (), False),
            },
        ),
        (
            "{% for x in a %}{% include 'u' %}{% endfor %}",
            {("a", (), False), ("b", ("c",), False)},
        ),
        (
            "{% for x in a|sort %}{{ x.t }}{% endfor %}",
            {("a", (), False), ("x", ("t",), False)},
        ),
        (
            "{% for x in a recursive %}{{ loop(x.kids) }}{% endfor %}",
            {("a", (), False), ("loop", (), False), ("x", ("kids",), False)},
        ),
        (
            "{% for x in a %}{% set y = x.t %}{{ y.u }}{% endfor %}",
            {("a", (EACH,), True), ("a", (EACH, "t"), False), ("y", ("u",), False)},
        ),
        ("{% include 'u' %}", {("b", ("c",), False)}),
        ("{% extends 'u' %}", {("b", ("c",), False)}),
        ("{% include name %}", None),
    ],
    ids=[
        "attributes",
        "string-item",
        "number-item",
        "method-call",
        "if-test",
        "not",
        "or-in-if",
        "and-not-in-if",
        "or-printed",
        "conditional-expression",
        "loop",
        "nested-loops-and-else",
        "include-in-loop",
        "filtered-loop",
        "recursive-loop",
        "set-in-loop",
        "include",
        "extends",
        "include-at-run-time",
    ],
)
def test_layout_uses(source: str, expected: set[Use] | None) -> None:
    found = uses_of(source, u="{{ b.c }}")
    assert found == (None if expected is None else frozenset(expected))


def test_a_layout_with_a_syntax_error_reads_everything() -> None:
    assert uses_of("{% if %}") is None


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
