"""Readable ASCII slugs for URLs, from Chinese or Latin names, via pypinyin.

Pure text in, text out; uniqueness within an issue is the caller's job.
"""

from __future__ import annotations

import re
import unicodedata

MAX_LENGTH = 60
_NON_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(text: str, *, max_length: int = MAX_LENGTH) -> str:
    """`产业联合党委` -> `chan-ye-lian-he-dang-wei`; `Hello, World` -> `hello-world`.

    Trimmed on a word boundary to `max_length`; empty when nothing romanisable remains.
    """
    from pypinyin import Style, lazy_pinyin  # 0.17 s to import: only when a slug is needed

    syllables = lazy_pinyin(text, style=Style.NORMAL, errors="default")
    words: list[str] = []
    for part in syllables:
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


def is_valid_slug(slug: str) -> bool:
    """A slug may hold lowercase ASCII letters, digits, `-` and `_`, and cannot be `.`/`..`."""
    return bool(re.fullmatch(r"[a-z0-9][a-z0-9_-]*", slug))
