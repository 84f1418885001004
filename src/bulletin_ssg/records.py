"""Records of what each content file gave a build, kept for the next to reuse while the file
stays the same. Values only: reads no file and decides nothing about reuse.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from .articles import FrontWire, RenderOutcome, field_setters, field_values, restore
from .errors import Diagnostic

#: What an article's rendering depends on besides its file: (render settings, slug, issue date).
RenderedFor = tuple[bytes, str | None, date]


@dataclass(frozen=True, slots=True, kw_only=True)
class ArticleRecord:
    """What one article file (or issue.yaml) gave last time, for reuse while it stays the same."""

    size: int  #: the file's size and mtime when it was read: unchanged ones are not read again
    mtime_ns: int
    digest: bytes  #: of the file's bytes
    #: its front matter, body left out (issue.yaml: its mapping); None if it could not be read
    front: FrontWire | None
    problem: Diagnostic | None  #: why it could not be read or split
    #: the render settings, slug and issue date `outcome` was rendered with (from `digest`)
    rendered_for: RenderedFor | None = None
    outcome: RenderOutcome | None = None  #: the checked, rendered article and its link answers
    fingerprint: bytes = b""  #: content.article_fingerprint of `outcome` (as not a draft)

    def __reduce__(self) -> tuple[Any, ...]:
        return _restore_record, (field_values(self),)


_RECORD_SETTERS = field_setters(ArticleRecord)


def _restore_record(values: tuple[Any, ...]) -> ArticleRecord:
    return restore(ArticleRecord, _RECORD_SETTERS, values)
