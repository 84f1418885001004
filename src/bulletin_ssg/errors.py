"""Error values that carry a source location: what the library raises and the CLI shows.

Stdlib only; nothing here prints or exits.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


@dataclass(frozen=True, slots=True)
class Location:
    """A place in the site's sources; `path` is relative to the site root, line/column 1-based."""

    path: str
    line: int | None = None
    column: int | None = None

    def __reduce__(self) -> tuple[object, ...]:
        """Pickled as a constructor call: far cheaper to load than dataclasses' __setstate__."""
        return Location, (self.path, self.line, self.column)

    def __str__(self) -> str:
        text = self.path
        if self.line is not None:
            text += f":{self.line}"
            if self.column is not None:
                text += f":{self.column}"
        return text


class Severity(StrEnum):
    """How bad a diagnostic is; `--strict` promotes warnings to errors."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem found in the sources."""

    severity: Severity
    message: str
    location: Location | None = None
    hint: str | None = None

    def __str__(self) -> str:
        where = f"{self.location}: " if self.location else ""
        text = f"{where}{self.severity.value}: {self.message}"
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR


def error(message: str, location: Location | None = None, hint: str | None = None) -> Diagnostic:
    """Shorthand for an error diagnostic."""
    return Diagnostic(Severity.ERROR, message, location, hint)


def warning(message: str, location: Location | None = None, hint: str | None = None) -> Diagnostic:
    """Shorthand for a warning diagnostic."""
    return Diagnostic(Severity.WARNING, message, location, hint)


class SiteError(Exception):
    """A mistake in the user's input; the CLI shows it and exits with `exit_code`."""

    exit_code = 1

    def __init__(
        self, message: str, location: Location | None = None, hint: str | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.location = location
        self.hint = hint

    def __str__(self) -> str:
        where = f"{self.location}: " if self.location else ""
        return f"{where}{self.message}"

    def to_diagnostic(self) -> Diagnostic:
        return error(self.message, self.location, self.hint)


class ConfigError(SiteError):
    """site.yaml is wrong."""


class ContentError(SiteError):
    """An article, issue folder or issue.yaml is wrong."""


class LayoutError(SiteError):
    """A Jinja layout is wrong."""


class OutputError(SiteError):
    """The output cannot be written as asked."""


class BuildFailed(SiteError):
    """A stage found errors; carries all of them."""

    def __init__(self, diagnostics: tuple[Diagnostic, ...]) -> None:
        count = sum(1 for d in diagnostics if d.is_error)
        super().__init__(f"build failed with {count} error{'s' if count != 1 else ''}")
        self.diagnostics = diagnostics
