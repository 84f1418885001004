"""Tests for frontmatter: splitting front matter from body, and YAML with key lines."""

from __future__ import annotations

import random
from datetime import date
from typing import Any

import pytest

from bulletin_ssg.errors import ConfigError, ContentError, Location
from bulletin_ssg.frontmatter import (
    FrontMatter,
    describe,
    load_yaml_document,
    load_yaml_mapping,
    plain_mapping,
    split,
)

PATH = "content/2023-02-16/hello.md"

GOOD_CASES = [
    pytest.param(
        "---\ntitle: Hello\nsection: focus\n---\nBody text.\n",
        {"title": "Hello", "section": "focus"},
        {"title": 2, "section": 3},
        "Body text.\n",
        5,
        id="simple",
    ),
    pytest.param("---\n---", {}, {}, "", 3, id="empty"),
    pytest.param("---\n---\n", {}, {}, "", 3, id="empty-with-newline"),
    pytest.param("---\n# only a comment\n---\nx\n", {}, {}, "x\n", 4, id="comment-only"),
    pytest.param(
        "---\ntitle: A\n---\n", {"title": "A"}, {"title": 2}, "", 4, id="only-front-matter"
    ),
    pytest.param(
        "---\ntitle: A\n---", {"title": "A"}, {"title": 2}, "", 4, id="only-front-matter-no-eol"
    ),
    pytest.param(
        "---\ntitle: A\n---\nOne\n\n---\n\nTwo\n",
        {"title": "A"},
        {"title": 2},
        "One\n\n---\n\nTwo\n",
        4,
        id="thematic-break-in-body",
    ),
    pytest.param(
        "---\r\ntitle: A\r\ntags: [x]\r\n---\r\nOne\r\nTwo\r\n",
        {"title": "A", "tags": ["x"]},
        {"title": 2, "tags": 3},
        "One\nTwo\n",
        5,
        id="crlf",
    ),
    pytest.param(
        "\ufeff---\ntitle: A\n---\nBody\n", {"title": "A"}, {"title": 2}, "Body\n", 4, id="bom"
    ),
    pytest.param(
        "---  \ntitle: A\n--- \t\nBody\n",
        {"title": "A"},
        {"title": 2},
        "Body\n",
        4,
        id="fences-with-trailing-space",
    ),
    pytest.param(
        "---\ntitle: A\n...\nBody\n", {"title": "A"}, {"title": 2}, "Body\n", 4, id="dots-closing"
    ),
    pytest.param(
        "---\ntitle: A\nsummary: >\n  one\n  two\n\ntags:\n  - x\n  - y\norder: 3\n---\n\nBody\n",
        {"title": "A", "summary": "one two\n", "tags": ["x", "y"], "order": 3},
        {"title": 2, "summary": 3, "tags": 7, "order": 10},
        "\nBody\n",
        12,
        id="key-lines-multiline-values",
    ),
    pytest.param(
        "---\ndate: 2023-02-16\ndraft: true\n---\n",
        {"date": date(2023, 2, 16), "draft": True},
        {"date": 2, "draft": 3},
        "",
        5,
        id="yaml-date-and-bool",
    ),
    pytest.param(
        "---\nbase: &b {kicker: K, order: 1}\n<<: *b\norder: 2\n---\n",
        {"base": {"kicker": "K", "order": 1}, "kicker": "K", "order": 2},
        {"base": 2, "kicker": 3, "order": 4},
        "",
        6,
        id="merge-key",
    ),
]


@pytest.mark.parametrize(("text", "meta", "key_lines", "body", "body_first_line"), GOOD_CASES)
def test_splits_front_matter(
    text: str, meta: dict[str, object], key_lines: dict[str, int], body: str, body_first_line: int
) -> None:
    result = split(text, PATH)
    assert isinstance(result, FrontMatter)
    assert (dict(result.meta), dict(result.key_lines), result.body, result.body_first_line) == (
        meta,
        key_lines,
        body,
        body_first_line,
    )


BAD_CASES = [
    pytest.param("title: A\n---\nBody\n", 1, id="no-fence"),
    pytest.param("", 1, id="empty-file"),
    pytest.param("\n---\ntitle: A\n---\n", 1, id="blank-first-line"),
    pytest.param("--- title: A\n---\n", 1, id="text-after-fence"),
    pytest.param("---\ntitle: A\nBody\n", 1, id="unclosed-fence"),
    pytest.param("---", 1, id="fence-only"),
    pytest.param("---\n- a\n- b\n---\n", 2, id="list-yaml"),
    pytest.param("---\njust text\n---\n", 2, id="scalar-yaml"),
    pytest.param("---\n\n\n42\n---\n", 4, id="scalar-yaml-later-line"),
    pytest.param("---\ntitle: A\ntags: [a, b\norder: 1\n---\n", 3, id="malformed-flow"),
    pytest.param("---\ntitle: A\nsection: x: y\n---\n", 3, id="malformed-mapping"),
    pytest.param('---\ntitle: "A\n---\n', 2, id="unclosed-quote"),
    pytest.param("---\r\ntitle: A\r\n\tx: 1\r\n---\r\n", 3, id="malformed-crlf"),
    pytest.param("\ufeff---\ntitle: A\n\nsection: x: y\n---\n", 4, id="malformed-bom"),
    pytest.param("---\ntitle: A\ndate: 2023-02-30\n---\n", 3, id="impossible-date"),
    pytest.param("---\ntitle: A\nx: !!int abc\n---\n", 3, id="bad-explicit-int"),
    pytest.param("---\ntitle: A\nx: !custom 1\n---\n", 3, id="unknown-tag"),
    pytest.param('---\ntitle: A\nx: "\x07"\n---\n', 3, id="control-character"),
    pytest.param("---\ntitle: A\norder: 1\ntitle: B\n---\n", 4, id="duplicate-key"),
    pytest.param(
        "---\ntitle: A\nextra:\n  a: 1\n  b: 2\n  a: 3\n---\n", 6, id="duplicate-nested-key"
    ),
    pytest.param("---\ntitle: A\n2023: x\n---\n", 3, id="non-text-key"),
    pytest.param("---\ntitle: A\n? [a]\n: b\n---\n", 3, id="list-key"),
]


@pytest.mark.parametrize(("text", "line"), BAD_CASES)
def test_rejects_bad_front_matter(text: str, line: int) -> None:
    with pytest.raises(ContentError) as info:
        split(text, PATH)
    assert info.value.location is not None
    assert (info.value.location.path, info.value.location.line) == (PATH, line)


def test_reports_yaml_column() -> None:
    with pytest.raises(ContentError) as info:
        split("---\ntitle: A\ntags: [a, b\norder: 1\n---\n", PATH)
    assert info.value.location == Location(PATH, 3, 7)  # the `[` that is never closed


def test_front_matter_is_read_only() -> None:
    result = split("---\ntitle: A\n---\n", PATH)
    with pytest.raises(TypeError):
        result.meta["title"] = "B"  # type: ignore[index]


def test_recursive_alias_is_accepted() -> None:
    result = split("---\nx: &a [1, *a]\n---\n", PATH)
    assert result.meta["x"][1] is result.meta["x"]


def test_yaml_mapping_lines_of_nested_keys_and_items() -> None:
    text = "title: T\nsections:\n  - key: a\n    title: A\n\n  - key: b\n    title: B\n"
    doc = load_yaml_document(text, "site.yaml", error=ConfigError)
    assert doc.line == 1
    assert not doc.empty
    assert doc.line_of("sections") == 2
    assert doc.line_of("sections", 1) == 6
    assert doc.line_of("sections", 1, "title") == 7
    assert doc.line_of("sections", 1, "missing") == 6
    assert doc.line_of("sections", 9) == 2
    assert doc.line_of("nowhere") == 1


def test_yaml_mapping_offsets_lines_by_first_line() -> None:
    doc = load_yaml_document("\nnumber: 3\n", "content/2023-02-16/issue.yaml", first_line=10)
    assert (doc.values, doc.key_lines, doc.line) == ({"number": 3}, {"number": 11}, 11)


def test_load_yaml_mapping_gives_values_and_key_lines() -> None:
    text = "number: 3\nnote: |\n  x\ndraft: no\n"
    values, key_lines = load_yaml_mapping(text, "issue.yaml")
    assert values == {"number": 3, "note": "x\n", "draft": False}
    assert key_lines == {"number": 1, "note": 2, "draft": 4}


NOT_A_MAPPING = "got a list, expected a mapping of keys to values"


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("content/2023-02-16/issue.yaml", f"issue.yaml: {NOT_A_MAPPING}"),
        ("content/2023-02-16/a.md", f"front matter: {NOT_A_MAPPING}"),
    ],
    ids=["yaml-file", "markdown-file"],
)
def test_names_the_document_in_messages(path: str, message: str) -> None:
    with pytest.raises(ContentError) as info:
        load_yaml_mapping("- a\n", path)
    assert (info.value.message, info.value.location) == (message, Location(path, 1))


def test_yaml_mapping_of_empty_document() -> None:
    doc = load_yaml_document("# nothing\n", "site.yaml", first_line=1)
    assert (doc.values, doc.key_lines, doc.empty, doc.line_of("x")) == ({}, {}, True, 1)


def test_yaml_mapping_raises_the_given_error_type() -> None:
    with pytest.raises(ConfigError) as info:
        load_yaml_mapping("a: 1\na: 2\n", "site.yaml", error=ConfigError)
    assert info.value.location == Location("site.yaml", 2)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("ten", '"ten" (str)'),
        (None, "null"),
        (True, "true (bool)"),
        (date(2023, 2, 16), "2023-02-16 (date)"),
        (2.5, "2.5 (float)"),
        ([1], "a list"),
        ({"a": 1}, "a mapping"),
        ("x" * 50, '"' + "x" * 38 + "… (str)"),
    ],
    ids=["str", "null", "bool", "date", "float", "list", "mapping", "long"],
)
def test_describes_values_for_messages(value: object, text: str) -> None:
    assert describe(value) == text


# -- the plain forms, read without the YAML parser -----------------------------------------------

_KEYS = ["title", "section", "order", "tags", "a-b", "_x", "Byline2"]
_ODD_KEYS = ["yes", "null", "True", "On", "t itle", '"q"', "1", "<<"]
_VALUES = [
    '"本期关注"',
    "'单引号'",
    "focus",
    "本期关注",
    "信息直通车",
    "1",
    "-0",
    "0",
    "12",
    "-3",
    "true",
    "False",
    "null",
    "2023-02-16",
    '["a", "本期"]',
    "[]",
    '"a#b"',
    "x-y_z",
    "é",
    '"x"  ',
    "",
]
_ODD_VALUES = [
    "01",
    "010",
    "-012",
    "1.5",
    "1e3",
    ".5",
    ".inf",
    "0x1f",
    "1_000",
    "yes",
    "No",
    "on",
    "OFF",
    "null",
    "Null",
    "~",
    "",
    "2023-02-16",
    "2023-02-30",
    "2023-2-3",
    "2023-02-16T10:00",
    '["a", "本期"]',
    "[]",
    "[ ]",
    '["a",]',
    "[a, b]",
    '[ "a" , "b" ]',
    '["a" "b"]',
    '"a\\"b"',
    '"a\\n"',
    '"a#b"',
    "a #b",
    "a: b",
    "a:b",
    '"\u3000x"',
    '"x\ty"',
    '"',
    "'it''s'",
    "-x",
    "e3",
    "x y",
    "~x",
    "&a x",
    "*a",
    "!!str 1",
    '"x" # c',
    "x-y_z",
    "_x",
    "a.b",
    "%x",
    "@x",
    "|",
    ">",
    "{}",
    '"x"  ',
    "'a\\b'",
    "é",
    "ℕ",
    "x\u2028y",
    "\u00a0x",
    '"tab\tx"',
]
_LINES = ["# comment", "", "   ", "  # indented comment", "  - a", "- b", "    - 1", "- [a]",
          "-", "- ", "key", ":x", " title: x", "title:x", "title:\tx", "---x", "  - '2'",
          '  - "3"', "- 2023-02-16", "- true", "- x: y"]  # fmt: skip


def _typed(value: Any) -> Any:
    """`value` with the type of every part, so that True and 1 (or "1" and 1) differ."""
    if isinstance(value, list):
        return ("list", [_typed(item) for item in value])
    if isinstance(value, dict):
        return ("dict", {key: _typed(item) for key, item in value.items()})
    return (type(value).__name__, value)


def _random_front(rng: random.Random) -> str:
    def pick(common: list[str], odd: list[str]) -> str:
        return rng.choice(common if rng.random() < 0.93 else odd)

    lines = []
    for _ in range(rng.randint(0, 6)):
        if rng.random() < 0.15:
            lines.append(rng.choice(_LINES))
        else:
            lines.append(f"{pick(_KEYS, _ODD_KEYS)}: {pick(_VALUES, _ODD_VALUES)}".rstrip(" "))
    return "\n".join(lines) + rng.choice(["", "\n"])


def test_plain_forms_read_as_yaml_reads_them() -> None:
    """Thousands of random front matters: whatever the plain reader takes, it reads exactly as
    YAML does (values with their types, and key lines); all it declines, YAML still reads."""
    rng = random.Random(20260216)
    taken = 0
    for _ in range(10000):
        text = _random_front(rng)
        plain = plain_mapping(text, 2)
        if plain is None:
            continue
        taken += 1
        doc = load_yaml_document(text, PATH, 2)
        assert (_typed(plain[0]), plain[1]) == (_typed(doc.values), doc.key_lines), text
    assert taken > 2000  # the forms are common enough to be worth reading apart


@pytest.mark.parametrize(
    ("text", "values"),
    [
        (
            'title: "松山镇"\norder: 1\nauthors: ["刘伟", "贺国超"]',
            {"title": "松山镇", "order": 1, "authors": ["刘伟", "贺国超"]},
        ),
        ("tags:\n  - 党建\n  - '乡村'\ndraft: true", {"tags": ["党建", "乡村"], "draft": True}),
        ("tags:\n- a\n# note\n- 2\nnote:", {"tags": ["a", 2], "note": None}),
        ("day: 2023-02-16\nsection: focus", {"day": date(2023, 2, 16), "section": "focus"}),
    ],
    ids=["quoted-number-list", "block-list", "list-at-key-indent", "date-and-word"],
)
def test_plain_forms(text: str, values: dict[str, Any]) -> None:
    plain = plain_mapping(text, 2)
    assert plain is not None
    assert _typed(plain[0]) == _typed(values)
    assert _typed(load_yaml_document(text, PATH, 2).values) == _typed(values)


@pytest.mark.parametrize(
    "text",
    [
        "title: a: b",  # not plain: YAML says what is wrong
        "title: x\ntitle: y",  # a repeated key: YAML's error names its line
        "day: 2023-02-30",  # no such day
        "tags:\n  - a\n - b",  # items not lined up
        "# only a comment",
        'title: "x" # note',
        "yes: 1",
    ],
)
def test_plain_reader_declines_what_it_cannot_vouch_for(text: str) -> None:
    assert plain_mapping(text, 2) is None


def test_split_gives_the_same_front_matter_either_way() -> None:
    text = '---\ntitle: "标题"\ntags: ["a"]\n\norder: 2\n---\nBody\n'
    front = split(text, PATH)
    doc = load_yaml_document('title: "标题"\ntags: ["a"]\n\norder: 2\n', PATH, 2)
    assert (dict(front.meta), dict(front.key_lines)) == (doc.values, doc.key_lines)
    assert dict(front.key_lines) == {"title": 2, "tags": 3, "order": 5}


def test_yaml_mapping_in_plain_forms_is_read_as_yaml_reads_it() -> None:
    text = 'number: 12\nvolume: 3\ntitle: "变单兵作战为抱团发展"\neditor: 张三\n'
    assert plain_mapping(text, 1) is not None
    doc = load_yaml_document(text, "content/2023-02-16/issue.yaml")
    mapping = load_yaml_mapping(text, "content/2023-02-16/issue.yaml")
    assert (_typed(mapping[0]), mapping[1]) == (_typed(doc.values), doc.key_lines)
    assert mapping[1] == {"number": 1, "volume": 2, "title": 3, "editor": 4}
