"""Split Markdown into YAML front matter and body, with the file line of every key; also the
package's one YAML reader, for site.yaml and issue.yaml. Strings only: no file IO, no article rules.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import PurePosixPath
from types import MappingProxyType
from typing import Any

import yaml
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .errors import ContentError, Location, SiteError

# libyaml parses several times faster than the pure-Python parser; both give the same nodes.
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_STR_TAG = "tag:yaml.org,2002:str"
_MERGE_TAG = "tag:yaml.org,2002:merge"
_CLOSING_FENCE = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class FrontMatter:
    """A Markdown file taken apart; all lines are 1-based lines of the whole file."""

    meta: Mapping[str, Any]  #: the YAML mapping, read-only
    key_lines: Mapping[str, int]  #: line of each top-level key
    body: str  #: text after the closing fence, with `\n` newlines
    body_first_line: int  #: line on which `body` starts


@dataclass(frozen=True, slots=True)
class YamlMapping:
    """A YAML document that must be a mapping, with the file line of each key.

    `line_of` finds the line of nested keys and list items, e.g. `line_of("sections", 2, "key")`.
    """

    values: dict[str, Any]  #: the constructed mapping (dates are `datetime.date`)
    key_lines: dict[str, int]  #: line of each top-level key
    line: int  #: line where the mapping starts (`first_line` when the document is empty)
    empty: bool  #: the document held nothing but blanks and comments
    _root: MappingNode | None
    _first_line: int

    def line_of(self, *keys: str | int) -> int:
        """The line of the key or item at `keys`; the nearest enclosing one when it is missing."""
        line = self.line
        node: Node | None = self._root
        for key in keys:
            found = _child(node, key)
            if found is None:
                break
            anchor, node = found
            line = anchor.start_mark.line + self._first_line
        return line


def split(text: str, path: str) -> FrontMatter:
    """Take a Markdown file apart into front matter and body; `path` is used in errors.

    Accepts a UTF-8 BOM and CRLF newlines. Raises ContentError with the file line at fault.
    """
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n")
    end_of_first = text.find("\n")
    first = text if end_of_first < 0 else text[:end_of_first]
    if first.rstrip(" \t") != "---":
        found = f'got "{_shorten(first)}"' if first.strip() else "got an empty line"
        if not text.strip():
            found = "got an empty file"
        raise ContentError(
            f"{found}, expected front matter starting with '---' on line 1", Location(path, 1)
        )
    closing = None if end_of_first < 0 else _CLOSING_FENCE.search(text, end_of_first + 1)
    if closing is None:
        raise ContentError(
            "front matter opened on line 1 is never closed, expected a '---' line after it",
            Location(path, 1),
        )
    fence_line = text.count("\n", 0, closing.start()) + 1
    body_start = closing.end() + 1  # past the fence's newline; may equal len(text) + 1
    yaml_text = text[end_of_first + 1 : closing.start()]
    values, key_lines = load_yaml_mapping(yaml_text, path, 2, what="front matter")
    return FrontMatter(
        meta=MappingProxyType(values),
        key_lines=MappingProxyType(key_lines),
        body=text[body_start:],
        body_first_line=fence_line + 1,
    )


def plain_mapping(text: str, first_line: int) -> tuple[dict[str, Any], dict[str, int]] | None:
    """The values and key lines of a YAML mapping written in the plainest forms, read without
    the YAML parser (which costs most of splitting a file); None for anything else, which
    `load_yaml_document` then reads (and reports any mistake in).

    The plain forms: one `key: value` a line, or `key:` and then `- value` lines; a value is
    a quoted string with no escape, a list of such strings in brackets, a whole number, a
    date, true, false, null or a word. Each gives exactly what YAML gives.
    """
    values: dict[str, Any] = {}
    key_lines: dict[str, int] = {}
    listed = ""  # the key whose block list is being read
    indent = -1  # of that list's items, once one is read
    for number, line in enumerate(text.split("\n"), start=first_line):
        if not line or line[0] == "#" or line.isspace():
            continue
        if listed:
            item = _ITEM.fullmatch(line)
            if item is not None:
                value = _plain_scalar(item[2])
                if value is _NOT_PLAIN or indent not in (-1, len(item[1])):
                    return None
                indent = len(item[1])
                if values[listed] is None:
                    values[listed] = [value]
                else:
                    values[listed].append(value)
                continue
            listed, indent = "", -1
        entry = _ENTRY.fullmatch(line)
        if entry is None:
            return None
        key, written = entry[1], entry[2] or ""
        if key in values or key in _RESOLVED_WORDS:
            return None
        key_lines[key] = number
        if not written:
            values[key] = None  # unless a list follows
            listed = key
            continue
        value = _plain_list(written) if written[0] == "[" else _plain_scalar(written)
        if value is _NOT_PLAIN:
            return None
        values[key] = value
    if not values:
        return None  # blanks and comments only: the parser says what that is
    return values, key_lines


def load_yaml_mapping(
    text: str,
    path: str,
    first_line: int = 1,
    *,
    error: type[SiteError] = ContentError,
    what: str | None = None,
) -> tuple[dict[str, Any], dict[str, int]]:
    """(values, line of each top-level key) of a YAML mapping; see `load_yaml_document`.
    One in the plainest forms is read without the YAML parser (`plain_mapping`)."""
    plain = plain_mapping(text, first_line)
    if plain is not None:
        return plain
    doc = load_yaml_document(text, path, first_line, error=error, what=what)
    return doc.values, doc.key_lines


def load_yaml_document(
    text: str,
    path: str,
    first_line: int = 1,
    *,
    error: type[SiteError] = ContentError,
    what: str | None = None,
) -> YamlMapping:
    """Parse `text` (which starts on file line `first_line`) as a YAML mapping with string keys.

    An empty document gives an empty mapping. Malformed YAML, a non-mapping document, a
    non-string top-level key and a key repeated in any mapping raise `error` at the line at
    fault. `what` names the document in messages: by default "front matter" for a .md `path`,
    else the file name (e.g. "issue.yaml").
    """
    if what is None:
        what = "front matter" if path.endswith(".md") else PurePosixPath(path).name
    try:
        root = yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        if exc.context_mark is not None and (
            _at_end(text, exc.problem_mark) or (exc.context or "").startswith(_UNCLOSED)
        ):
            # An unclosed quote or bracket fails where the text runs out or the next key
            # starts; the writer's mistake is where it opened.
            mark = exc.context_mark
        line = first_line + (mark.line if mark is not None else 0)
        column = mark.column + 1 if mark is not None else None
        problem = exc.problem or exc.context
        if mark is exc.context_mark and exc.context:
            opened = exc.context.removeprefix("while parsing ").removeprefix("while scanning ")
            problem = f"{opened} is never closed"
        raise error(f"invalid YAML in {what}: {problem}", Location(path, line, column)) from exc
    except yaml.reader.ReaderError as exc:
        bad = chr(exc.character) if isinstance(exc.character, int) else str(exc.character)
        where = text.find(bad)
        line = first_line + (text.count("\n", 0, where) if where >= 0 else 0)
        raise error(
            f"invalid YAML in {what}: {exc.reason} (U+{ord(bad[:1] or ' '):04X})",
            Location(path, line),
        ) from exc
    if root is None:
        return YamlMapping({}, {}, first_line, True, None, first_line)
    if not isinstance(root, MappingNode):
        found = _describe_node(root)
        raise error(
            f"{what}: got {found}, expected a mapping of keys to values",
            Location(path, root.start_mark.line + first_line),
        )
    key_lines, merge_line = _top_level_key_lines(root, path, first_line, error, what)
    duplicate = _first_duplicate_key(root)
    if duplicate is not None:
        raise error(
            f"{what}: key {duplicate.value!r} appears twice, expected each key once",
            Location(path, duplicate.start_mark.line + first_line),
        )
    try:
        values = _construct(root)
    except ConstructorError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = first_line + (mark.line if mark is not None else root.start_mark.line)
        raise error(f"invalid YAML in {what}: {exc.problem}", Location(path, line)) from exc
    if merge_line is not None:  # keys brought in by `<<: *anchor` get the line of the `<<`
        for key in values:
            if not isinstance(key, str):
                raise error(
                    f"{what}: merged key {key!r} is not text, expected string keys",
                    Location(path, merge_line),
                )
            key_lines.setdefault(key, merge_line)
    return YamlMapping(
        values, key_lines, root.start_mark.line + first_line, False, root, first_line
    )


_ENTRY = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*):(?: +(.*?))? *")
_ITEM = re.compile(r"( *)- +(.*?) *")
_QUOTED = re.compile(r'"([^"\\]*)"|\'([^\']*)\'')
_LIST = re.compile(r'\[ *(?:"[^"\\]*" *(?:, *"[^"\\]*" *)*)?\]')
_LIST_ITEM = re.compile(r'"([^"\\]*)"')
_WHOLE = re.compile(r"-?(?:0|[1-9][0-9]*)")
_DAY = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_WORD = re.compile(r"[^\W\d_][\w-]*")
#: Words YAML reads as something other than text, and what (the rest are left to the parser).
_WORD_VALUES: dict[str, Any] = {
    "true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False,
    "null": None, "Null": None, "NULL": None, "~": None,
}  # fmt: skip
_RESOLVED_WORDS = frozenset(
    {*_WORD_VALUES, "yes", "Yes", "YES", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF"}
)
_NOT_PLAIN = object()


def _plain_scalar(written: str) -> Any:
    """What YAML makes of `written` (one value, alone on its line), or _NOT_PLAIN."""
    quoted = _QUOTED.fullmatch(written)
    if quoted is not None:
        value = quoted[1] if quoted[1] is not None else quoted[2]
        return value if value.isprintable() else _NOT_PLAIN
    if written in _WORD_VALUES:
        return _WORD_VALUES[written]
    if written in _RESOLVED_WORDS:
        return _NOT_PLAIN
    if _WHOLE.fullmatch(written):
        return int(written)
    day = _DAY.fullmatch(written)
    if day is not None:
        try:
            return date(int(day[1]), int(day[2]), int(day[3]))
        except ValueError:
            return _NOT_PLAIN
    if _WORD.fullmatch(written):
        return written
    return _NOT_PLAIN


def _plain_list(written: str) -> Any:
    """What YAML makes of a bracketed list of quoted strings, or _NOT_PLAIN."""
    if not _LIST.fullmatch(written):
        return _NOT_PLAIN
    found: list[str] = _LIST_ITEM.findall(written)
    return found if all(map(str.isprintable, found)) else _NOT_PLAIN


#: Contexts of YAML errors whose real cause is an opening never closed.
_UNCLOSED = ("while parsing a flow", "while scanning a quoted", "while scanning a double-quoted")


def _at_end(text: str, mark: yaml.Mark | None) -> bool:
    """Whether a YAML error mark sits past the last non-blank text."""
    if mark is None:
        return False
    return not text[mark.index :].strip()


def describe(value: Any) -> str:
    """A short account of a YAML value for messages: `"ten" (str)`, `true (bool)`, `a list`."""
    if value is None:
        return "null"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, bool):
        return f"{str(value).lower()} (bool)"  # as YAML spells it
    shown = f'"{value}"' if isinstance(value, str) else str(value)
    return f"{_shorten(shown)} ({type(value).__name__})"


class _Constructor(SafeConstructor):
    """The safe constructor, but a bad scalar (e.g. `2023-02-30`) becomes a marked error."""

    def construct_object(self, node: Node, deep: bool = False) -> Any:
        if node.tag == _STR_TAG and isinstance(node, ScalarNode):
            return node.value  # what construct_yaml_str does, minus the bookkeeping
        try:
            return super().construct_object(node, deep)
        except (ValueError, TypeError, ArithmeticError) as exc:
            raise ConstructorError(
                None, None, f"cannot read {_shorten(str(node.value))!r}: {exc}", node.start_mark
            ) from exc


def _construct(node: Node) -> Any:
    return _Constructor().construct_document(node)


def _describe_node(node: Node) -> str:
    if isinstance(node, SequenceNode):
        return "a list"
    if isinstance(node, MappingNode):
        return "a mapping"
    try:
        return describe(_construct(node))
    except ConstructorError:
        return repr(_shorten(str(node.value)))


def _top_level_key_lines(
    root: MappingNode, path: str, first_line: int, error: type[SiteError], what: str
) -> tuple[dict[str, int], int | None]:
    """The line of each own key of `root`, and of its last merge key (`<<`) if any."""
    key_lines: dict[str, int] = {}
    merge_line = None
    for key, _value in root.value:
        line = key.start_mark.line + first_line
        if key.tag == _MERGE_TAG:
            merge_line = line
        elif isinstance(key, ScalarNode) and key.tag == _STR_TAG:
            key_lines[key.value] = line
        else:
            raise error(
                f"{what}: got {_describe_node(key)} as a key, expected text", Location(path, line)
            )
    return key_lines, merge_line


def _first_duplicate_key(root: MappingNode) -> ScalarNode | None:
    """The earliest key node that repeats a key of the same mapping, at any depth."""
    duplicates: list[ScalarNode] = []
    seen: set[int] = set()
    pending: list[Node] = [root]
    while pending:
        node = pending.pop()
        if id(node) in seen:  # aliases may point back up the tree
            continue
        seen.add(id(node))
        if isinstance(node, MappingNode):
            keys: set[tuple[str, str]] = set()
            for key, value in node.value:
                if isinstance(key, ScalarNode) and key.tag != _MERGE_TAG:
                    if (key.tag, key.value) in keys:
                        duplicates.append(key)
                    keys.add((key.tag, key.value))
                elif not isinstance(key, ScalarNode):
                    pending.append(key)
                if not isinstance(value, ScalarNode):
                    pending.append(value)
        elif isinstance(node, SequenceNode):
            pending.extend(item for item in node.value if not isinstance(item, ScalarNode))
    if not duplicates:
        return None
    return min(duplicates, key=lambda k: (k.start_mark.line, k.start_mark.column))


def _child(node: Node | None, key: str | int) -> tuple[Node, Node] | None:
    """(node whose line to report, node to descend into) for `key` under `node`."""
    if isinstance(node, MappingNode) and isinstance(key, str):
        for key_node, value_node in reversed(node.value):  # after a merge, own keys come last
            if isinstance(key_node, ScalarNode) and key_node.value == key:
                return key_node, value_node
    if isinstance(node, SequenceNode) and isinstance(key, int) and 0 <= key < len(node.value):
        item: Node = node.value[key]
        return item, item
    return None


def _shorten(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
