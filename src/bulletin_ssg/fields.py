"""Typed reads of YAML mapping values, each mistake a Diagnostic at the key's line.

Shared by front matter and issue.yaml checks; no IO.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .errors import Diagnostic, Location, error
from .frontmatter import describe


class Checker:
    """Reads fields from one mapping and records every problem with file:line."""

    def __init__(self, path: str, lines: Mapping[str, int], diagnostics: list[Diagnostic]) -> None:
        self.path = path
        self.lines = lines
        self.diagnostics = diagnostics

    def location(self, key: str) -> Location:
        return Location(self.path, self.lines.get(key, 1))

    def fail(self, key: str, message: str, hint: str | None = None) -> None:
        self.diagnostics.append(error(message, self.location(key), hint))

    def wrong(self, key: str, value: Any, expected: str) -> None:
        self.fail(key, f"{key!r}: got {describe(value)}, expected {expected}")

    def unknown(self, key: str, known: Iterable[str]) -> None:
        known = sorted(known)
        import difflib  # only for a mistake's hint

        close = difflib.get_close_matches(str(key), known, n=1)
        hint = f"did you mean {close[0]!r}?" if close else None
        self.fail(key, f"unknown key {key!r}, expected one of: {', '.join(known)}", hint)

    def text(self, meta: Mapping[str, Any], key: str, *, required: bool = False) -> str | None:
        value = meta.get(key)
        if value is None:
            if required:
                where = self.location(key) if key in meta else Location(self.path, 1)
                self.diagnostics.append(
                    error(f"{key!r} is missing, expected a non-empty text", where)
                )
            return None
        if not isinstance(value, str):
            self.wrong(key, value, "text (quote it if it looks like a number or date)")
            return None
        value = value.strip()
        if not value:
            if required:
                self.fail(key, f"{key!r} is empty, expected a non-empty text")
            return None
        return value

    def integer(self, meta: Mapping[str, Any], key: str) -> int | None:
        value = meta.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.wrong(key, value, "an integer")
            return None
        return value

    def boolean(self, meta: Mapping[str, Any], key: str) -> bool:
        value = meta.get(key)
        if value is None:
            return False
        if not isinstance(value, bool):
            self.wrong(key, value, "true or false")
            return False
        return value

    def text_list(
        self, meta: Mapping[str, Any], key: str, *, single_ok: bool = False
    ) -> tuple[str, ...] | None:
        value = meta.get(key)
        if value is None:
            return None
        if single_ok and isinstance(value, str):
            value = [value]
        expected = "a list of texts" + (" or one text" if single_ok else "")
        if not isinstance(value, list):
            self.wrong(key, value, expected)
            return None
        items: list[str] = []
        for item in value:
            if not isinstance(item, str) or not item.strip():
                self.wrong(key, item, f"{expected}, each non-empty")
                return None
            items.append(item.strip())
        return tuple(items)
