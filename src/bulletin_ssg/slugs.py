"""Readable ASCII slugs for URLs, from Chinese or Latin names, via pypinyin.

Pure text in, text out; uniqueness within an issue is the caller's job. pypinyin (0.13 s to
import) is loaded only for a name that is not ASCII already.
"""

from __future__ import annotations

import re
import unicodedata

MAX_LENGTH = 60
_NON_SLUG = re.compile(r"[^a-z0-9]+")
_SLUG = re.compile(r"[a-z0-9][a-z0-9_-]*")


def slugify(text: str, *, max_length: int = MAX_LENGTH) -> str:
    """`产业联合党委` -> `chan-ye-lian-he-dang-wei`; `Hello, World` -> `hello-world`.

    Trimmed on a word boundary to `max_length`; empty when nothing romanisable remains.
    """
    words: list[str] = []
    for part in _romanised(text):
        ascii_part = unicodedata.normalize("NFKD", part).encode("ascii", "ignore").decode()
        words.extend(w for w in _NON_SLUG.split(ascii_part.lower()) if w)
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > max_length:
            break
        slug = candidate
    if not slug and words:
        slug = words[0][:max_length]
    return slug


def _romanised(text: str) -> list[str]:
    """The text in pinyin syllables and untouched runs; ASCII text is already its own run."""
    if text.isascii():  # pypinyin would give it back whole: no need to import it
        return [text]
    from pypinyin import Style, lazy_pinyin

    return lazy_pinyin(text, style=Style.NORMAL, errors="default")


def is_valid_slug(slug: str) -> bool:
    """A slug may hold lowercase ASCII letters, digits, `-` and `_`, and cannot be `.`/`..`."""
    return _SLUG.fullmatch(slug) is not None
