"""What a layout reads, from its syntax tree and those of the layouts it names."""

from __future__ import annotations

import jinja2
import pytest

from bulletin_ssg.layoutreads import ALWAYS, EACH, Use, layout_uses


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
