"""Read site.yaml into a validated SiteConfig, reporting every problem with its site.yaml line.

Parsing is separate from reading the file; nothing here knows about articles or layouts.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeVar
from urllib.parse import urlsplit

from . import slugs
from .errors import BuildFailed, ConfigError, Diagnostic, Location, SiteError, error
from .frontmatter import YamlMapping, describe, load_yaml_document
from .model import EMPTY, SectionConfig, SiteConfig

SITE_FILE = "site.yaml"
KNOWN_KEYS = (
    "title",
    "description",
    "base_url",
    "language",
    "timezone",
    "sections",
    "allow_html",
    "paginate",
    "search",
    "params",
)
SECTION_KEYS = ("key", "title", "subtitle", "description")

T = TypeVar("T")
D = TypeVar("D")


def load_config(root: Path, *, base_url: str | None = None) -> SiteConfig:
    """Read `root/site.yaml`; a missing or non-UTF-8 file raises ConfigError, see parse_config."""
    try:
        data = (root / SITE_FILE).read_bytes()
    except FileNotFoundError as exc:
        raise ConfigError(
            f"no {SITE_FILE} found, expected one at the site root", Location(SITE_FILE)
        ) from exc
    except OSError as exc:
        raise ConfigError(f"cannot read {SITE_FILE}: {exc.strerror}", Location(SITE_FILE)) from exc
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ConfigError(
            f"got byte 0x{data[exc.start]:02x}, expected UTF-8 text", Location(SITE_FILE, line)
        ) from exc
    return parse_config(text, SITE_FILE, base_url=base_url)


def parse_config(text: str, path: str = SITE_FILE, *, base_url: str | None = None) -> SiteConfig:
    """Validate site.yaml text; `base_url` (e.g. from the command line) replaces the file's.

    Raises BuildFailed carrying every problem found, each an error at its `path`:line.
    An optional key set to null takes its default.
    """
    try:
        doc = load_yaml_document(text, path, error=ConfigError)
    except SiteError as exc:
        raise BuildFailed((exc.to_diagnostic(),)) from exc
    if doc.empty:
        raise BuildFailed(
            (
                error(
                    f"{path} is empty, expected a mapping with 'title' and 'sections'",
                    Location(path, 1),
                ),
            )
        )
    reader = _Reader(doc, path)
    for key in doc.values:
        if key not in KNOWN_KEYS:
            reader.unknown(key, KNOWN_KEYS, ())
    title = reader.require("title", _non_empty_text, "a non-empty string")
    description = reader.get("description", _text, "a string", "")
    site_base_url = reader.get("base_url", _base_url, _BASE_URL_EXPECTED, "/")
    if base_url is not None:
        override = _base_url(base_url)
        if override is None:
            reader.report(
                f"base_url override: got {describe(base_url)}, expected {_BASE_URL_EXPECTED}",
                None,
            )
        site_base_url = override or site_base_url
    language = reader.get("language", _non_empty_text, "a non-empty string", "zh-CN")
    timezone = reader.get("timezone", _text, "a string", "Asia/Shanghai")
    if not _is_time_zone(timezone):
        reader.report(
            f"'timezone': got {describe(timezone)}, expected an IANA time zone name",
            doc.line_of("timezone"),
            _suggest(timezone, sorted(zoneinfo.available_timezones())),
        )
    sections = _sections(reader)
    allow_html = reader.get("allow_html", _boolean, "true or false", False)
    paginate = reader.get("paginate", _positive_int, "an integer of at least 1", 10)
    search = reader.get("search", _boolean, "true or false", True)
    params = reader.get("params", _mapping, "a mapping", EMPTY)
    for key in params:
        if not isinstance(key, str):
            reader.report(
                f"'params': got {describe(key)} as a key, expected text keys",
                doc.line_of("params", str(key)),
            )
    if reader.problems or title is None:
        raise BuildFailed(tuple(sorted(reader.problems, key=_line_order)))
    return SiteConfig(
        title=title,
        description=description,
        base_url=site_base_url,
        language=language,
        timezone=timezone,
        sections=sections,
        allow_html=allow_html,
        paginate=paginate,
        search=search,
        params=params,
    )


class _Reader:
    """Takes typed values out of a YamlMapping, collecting a Diagnostic for each problem."""

    def __init__(self, doc: YamlMapping, path: str) -> None:
        self.doc = doc
        self.path = path
        self.problems: list[Diagnostic] = []

    def report(self, message: str, line: int | None, hint: str | None = None) -> None:
        location = Location(self.path, line) if line is not None else None
        self.problems.append(error(message, location, hint))

    def get(
        self,
        key: str,
        convert: Callable[[Any], T | None],
        expected: str,
        default: D,
        *within: str | int,
        hint: str | None = None,
    ) -> T | D:
        """The value of `key` (in the mapping at `within`) converted; `default` if null or bad."""
        value = self._mapping_at(within).get(key)
        if value is None:
            return default
        converted = convert(value)
        if converted is None:
            self.report(
                f"'{key}': got {describe(value)}, expected {expected}",
                self.doc.line_of(*within, key),
                hint,
            )
            return default
        return converted

    def require(
        self,
        key: str,
        convert: Callable[[Any], T | None],
        expected: str,
        *within: str | int,
        hint: str | None = None,
    ) -> T | None:
        """Like `get`, but a missing or null value is a problem too; None after any problem."""
        if self._mapping_at(within).get(key) is None:
            where = "in this section" if within else f"in {self.path}"
            self.report(
                f"missing '{key}' {where}, expected {expected}", self.doc.line_of(*within), hint
            )
            return None
        return self.get(key, convert, expected, None, *within, hint=hint)

    def unknown(self, key: str, known: tuple[str, ...], within: tuple[str | int, ...]) -> None:
        where = " in section" if within else ""
        self.report(
            f"unknown key {key!r}{where}, expected one of: {', '.join(sorted(known))}",
            self.doc.line_of(*within, key),
            _suggest(key, known),
        )

    def _mapping_at(self, within: tuple[str | int, ...]) -> dict[str, Any]:
        value: Any = self.doc.values
        for step in within:
            value = value[step]
        return value if isinstance(value, dict) else {}


def _sections(reader: _Reader) -> tuple[SectionConfig, ...]:
    doc = reader.doc
    items = doc.values.get("sections")
    if items is None:
        reader.report(
            f"missing 'sections' in {reader.path}, expected a list of sections, each with key "
            "and title",
            doc.line,
        )
        return ()
    if not isinstance(items, list) or not items:
        found = "an empty list" if items == [] else describe(items)
        reader.report(
            f"'sections': got {found}, expected a list of sections, each with key and title",
            doc.line_of("sections"),
        )
        return ()
    sections: list[SectionConfig] = []
    first_line: dict[tuple[str, str], int] = {}  # (field, value) -> line of its first section
    for index, item in enumerate(items):
        within = ("sections", index)
        line = doc.line_of(*within)
        if not isinstance(item, dict):
            reader.report(
                f"section: got {describe(item)}, expected a mapping with key and title", line
            )
            continue
        for name in item:
            if name not in SECTION_KEYS:
                reader.unknown(str(name), SECTION_KEYS, within)
        raw_key = item.get("key")
        suggestion = slugs.slugify(raw_key) if isinstance(raw_key, str) else ""
        key = reader.require(
            "key",
            _slug,
            "an ASCII slug such as 'news'",
            *within,
            hint=f"try {suggestion!r}" if suggestion else None,
        )
        title = reader.require("title", _non_empty_text, "a non-empty string", *within)
        subtitle = reader.get("subtitle", _text, "a string", None, *within)
        description = reader.get("description", _text, "a string", None, *within)
        for field, value in (("key", key), ("title", title)):
            if value is None:
                continue
            earlier = first_line.setdefault((field, value), line)
            if earlier != line:
                reader.report(
                    f"section {field} {value!r} is already used by the section on line "
                    f"{earlier}, expected each section {field} once",
                    line,
                )
        if key is not None and title is not None:
            sections.append(
                SectionConfig(key=key, title=title, subtitle=subtitle, description=description)
            )
    return tuple(sections)


_BASE_URL_EXPECTED = "an http(s) URL or a path starting with '/'"


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _non_empty_text(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _slug(value: Any) -> str | None:
    return value if isinstance(value, str) and slugs.is_valid_slug(value) else None


def _boolean(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


def _positive_int(value: Any) -> int | None:
    # bool is an int subclass, but `paginate: true` is a mistake, not 1.
    ok = isinstance(value, int) and not isinstance(value, bool) and value >= 1
    return value if ok else None


def _mapping(value: Any) -> MappingProxyType[str, Any] | None:
    return MappingProxyType(value) if isinstance(value, dict) else None


def _base_url(value: Any) -> str | None:
    """`value` ending in `/` if it is an absolute http(s) URL or a root path, else None."""
    if not isinstance(value, str) or any(c.isspace() or c in "?#" for c in value):
        return None
    if value.startswith("/"):
        ok = not value.startswith("//")
    else:
        parts = urlsplit(value)
        ok = parts.scheme in ("http", "https") and bool(parts.netloc)
    if not ok:
        return None
    return value if value.endswith("/") else value + "/"


def _is_time_zone(name: str) -> bool:
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True


def _suggest(found: str, known: list[str] | tuple[str, ...]) -> str | None:
    import difflib  # only for a mistake's hint

    close = difflib.get_close_matches(found, known, n=1)
    return f"did you mean {close[0]!r}?" if close else None


def _line_order(diagnostic: Diagnostic) -> int:
    location = diagnostic.location
    return location.line if location is not None and location.line is not None else 0
