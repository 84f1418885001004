"""Records of what each content file gave a build, kept for the next to reuse while the file
stays the same. Values only: reads no file and decides nothing about reuse.

`pack` and `unpack` turn a group of records into columns and back for the cache: loading
10,000 records as objects, field by field, took most of an edit's rebuild; as columns the
objects are made a field at a time in C loops, equal values are stored once, and the
articles' HTML is one block of text.
"""

from __future__ import annotations

from array import array
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import accumulate, chain, islice, repeat
from operator import attrgetter
from pickle import PickleBuffer
from types import MappingProxyType
from typing import Any

from .articles import (
    FrontWire,
    RenderJob,
    RenderOutcome,
    field_setters,
    field_values,
    render_many,
    restore,
)
from .errors import Diagnostic, Location
from .model import Article, Heading, Link

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


#: Values stored once however often they occur, each mapped to the copy kept. Only str, bytes,
#: dates and None may be shared: no two of them are equal unless alike (unlike 1 and True).
Shared = dict[object, object]
_SHAREABLE = {str, bytes, date, type(None)}


class _Column:
    """How one column of values (one field of many records) is packed: as a plain list."""

    def pack(self, values: Sequence[Any], shared: Shared) -> Any:
        return list(values)

    def unpack(self, packed: Any, count: int) -> list[Any]:
        if type(packed) is not list or len(packed) != count:
            raise ValueError("column of another length")
        return packed


class _Atoms(_Column):
    """str, bytes or dates (or None): equal ones become one value."""

    def pack(self, values: Sequence[Any], shared: Shared) -> Any:
        return list(map(shared.setdefault, values, values))


class _Ints(_Column):
    """Integers, as an array of 64-bit ones when they fit."""

    def pack(self, values: Sequence[Any], shared: Shared) -> Any:
        if set(map(type, values)) - {int}:
            return list(values)
        try:
            return array("q", values).tobytes()
        except OverflowError:
            return list(values)

    def unpack(self, packed: Any, count: int) -> list[Any]:
        if type(packed) is not bytes:
            return super().unpack(packed, count)
        numbers = array("q")
        numbers.frombytes(packed)
        return super().unpack(numbers.tolist(), count)


class _Text(_Column):
    """Long strings as one block of text and their lengths: mostly outside ASCII as UTF-16,
    which decodes at twice the speed of UTF-8 and is a third smaller for Chinese.

    `out_of_band`: the block as a `pickle.PickleBuffer`, which the cache stores after the
    pickle (it needs pickle protocol 5); else as bytes, for any protocol.
    """

    def __init__(self, *, out_of_band: bool) -> None:
        self.out_of_band = out_of_band

    def pack(self, values: Sequence[Any], shared: Shared) -> Any:
        if set(map(type, values)) != {str}:
            return list(values)
        text = "".join(values)
        sample = text[:65536]
        wide = len(sample.encode(errors="surrogatepass")) > 1.5 * len(sample)
        codec = "utf-16-le" if wide else "utf-8"
        try:
            data = text.encode(codec)
        except UnicodeEncodeError:  # a lone surrogate
            return list(values)
        lengths = array("q", map(len, values)).tobytes()
        return codec, PickleBuffer(data) if self.out_of_band else data, lengths

    def unpack(self, packed: Any, count: int) -> list[Any]:
        if type(packed) is not tuple:
            return super().unpack(packed, count)
        codec, data, sizes = packed
        lengths = array("q")
        lengths.frombytes(sizes)
        ends = list(accumulate(lengths))
        text = str(data, codec)
        if len(text) != (ends[-1] if ends else 0):
            raise ValueError("text of another length")
        return super().unpack(list(map(text.__getitem__, map(slice, [0, *ends], ends))), count)


class _Dicts(_Column):
    """Dicts whose keys recur: each key is stored once."""

    def pack(self, values: Sequence[Any], shared: Shared) -> Any:
        if set(map(type, values)) - {dict}:
            raise TypeError("not a dict")
        share = shared.setdefault
        return [dict(zip(map(share, v, v), v.values(), strict=True)) if v else {} for v in values]


class _Lines(_Column):
    """Dicts of str keys and int values (front matter's line numbers), mostly alike when
    articles are written from one template: each distinct dict is stored once, and copied."""

    def pack(self, values: Sequence[Any], shared: Shared) -> Any:
        if set(map(type, values)) - {dict}:
            raise TypeError("not a dict")
        if set(map(type, chain.from_iterable(values))) - {str} or set(
            map(type, chain.from_iterable(map(dict.values, values)))
        ) - {int}:
            return _Dicts().pack(values, shared)
        found: dict[tuple[tuple[str, int], ...], int] = {}
        index = [found.setdefault(row, len(found)) for row in map(tuple, map(dict.items, values))]
        if len(found) > len(values) // 2:  # mostly unlike: copying would gain nothing
            return _Dicts().pack(values, shared)
        return [dict(row) for row in found], index

    def unpack(self, packed: Any, count: int) -> list[Any]:
        if type(packed) is list:
            return super().unpack(packed, count)
        distinct, index = packed
        return super().unpack(list(map(dict.copy, map(distinct.__getitem__, index))), count)


class _Proxies(_Column):
    """Read-only mappings (`MappingProxyType`), stored as dicts."""

    def __init__(self) -> None:
        self.dicts = _Dicts()

    def pack(self, values: Sequence[Any], shared: Shared) -> Any:
        if set(map(type, values)) - {MappingProxyType}:
            raise TypeError("not a MappingProxyType")
        return self.dicts.pack(list(map(dict, values)), shared)

    def unpack(self, packed: Any, count: int) -> list[Any]:
        return list(map(MappingProxyType, self.dicts.unpack(packed, count)))


class _Optional(_Column):
    """Values or None: the values are packed by `inner`, with where they were."""

    def __init__(self, inner: _Column) -> None:
        self.inner = inner

    def pack(self, values: Sequence[Any], shared: Shared) -> Any:
        where = [i for i, value in enumerate(values) if value is not None]
        if len(where) == len(values):
            return None, self.inner.pack(values, shared)
        return where, self.inner.pack([values[i] for i in where], shared)

    def unpack(self, packed: Any, count: int) -> list[Any]:
        where, inner = packed
        if where is None:
            return self.inner.unpack(inner, count)
        found = self.inner.unpack(inner, len(where))
        values: list[Any] = [None] * count
        for i, value in zip(where, found, strict=True):
            values[i] = value
        return values


class _Tuples(_Column):
    """Tuples of a fixed length, one column (packed by its own kind) per position."""

    def __init__(self, *items: _Column) -> None:
        self.items = items

    def pack(self, values: Sequence[Any], shared: Shared) -> Any:
        width = len(self.items)
        if not all(type(value) is tuple and len(value) == width for value in values):
            raise TypeError("not a tuple of the expected length")
        columns = zip(*values, strict=True) if values else [()] * width
        return [item.pack(c, shared) for item, c in zip(self.items, columns, strict=True)]

    def unpack(self, packed: Any, count: int) -> list[Any]:
        columns = [item.unpack(p, count) for item, p in zip(self.items, packed, strict=True)]
        return list(zip(*columns, strict=True)) if count else []


class _Sequences(_Column):
    """Tuples of any length (mostly empty) whose items are packed together by `inner`."""

    def __init__(self, inner: _Column) -> None:
        self.inner = inner

    def pack(self, values: Sequence[Any], shared: Shared) -> Any:
        if set(map(type, values)) - {tuple}:
            raise TypeError("not a tuple")
        where = [i for i, value in enumerate(values) if value]
        items = [item for i in where for item in values[i]]
        lengths = [len(values[i]) for i in where]
        return where, lengths, self.inner.pack(items, shared)

    def unpack(self, packed: Any, count: int) -> list[Any]:
        where, lengths, inner = packed
        items = self.inner.unpack(inner, sum(lengths))
        values: list[Any] = [()] * count
        start = 0
        for i, length in zip(where, lengths, strict=True):
            values[i] = tuple(items[start : start + length])
            start += length
        return values


class _AtomTuples(_Column):
    """Tuples of str (or other `_Atoms`), kept as tuples."""

    def pack(self, values: Sequence[Any], shared: Shared) -> Any:
        if set(map(type, values)) - {tuple}:
            raise TypeError("not a tuple")
        found = iter(_ATOMS.pack(list(chain.from_iterable(values)), shared))
        return [tuple(islice(found, len(value))) if value else () for value in values]


class _Objects(_Column):
    """Frozen slots dataclass values of exactly `cls`, one column per field (`fields` says how
    to pack those that are not plain lists); made back a field at a time."""

    def __init__(self, cls: type, **fields: _Column) -> None:
        self.cls = cls
        names: tuple[str, ...] = vars(cls)["__slots__"]
        plain = _Column()
        self.columns = [fields.pop(name, plain) for name in names]
        if fields:
            raise TypeError(f"{cls.__name__} has no fields {sorted(fields)}")
        if len(names) < 2:
            raise TypeError("attrgetter of one field gives no tuple")
        self.get = attrgetter(*names)  # all the fields of one value at once
        self.setters = field_setters(cls)

    def pack(self, values: Sequence[Any], shared: Shared) -> Any:
        if set(map(type, values)) - {self.cls}:
            raise TypeError(f"not a {self.cls.__name__}")
        if not values:
            return [column.pack([], shared) for column in self.columns]
        columns = zip(*map(self.get, values), strict=True)
        return [column.pack(c, shared) for column, c in zip(self.columns, columns, strict=True)]

    def unpack(self, packed: Any, count: int) -> list[Any]:
        values: list[Any] = list(map(object.__new__, repeat(self.cls, count)))
        for column, set_field, p in zip(self.columns, self.setters, packed, strict=True):
            deque(map(set_field, values, column.unpack(p, count)), maxlen=0)
        return values


_ATOMS = _Atoms()


def _outcome_columns(text: _Text) -> _Objects:
    """How a RenderOutcome is packed, its long texts by `text`."""
    article = _Objects(
        Article,
        source=_Objects(Location, path=_ATOMS),
        issue_date=_ATOMS,
        slug=_ATOMS,
        section=_ATOMS,
        byline=_ATOMS,
        authors=_AtomTuples(),
        summary=text,
        tags=_AtomTuples(),
        html=text,
        headings=_Sequences(_Objects(Heading, text=_ATOMS, anchor=_ATOMS)),
        links=_Sequences(_Objects(Link, target=_ATOMS)),
        characters=_Ints(),
        extra=_Proxies(),
    )
    return _Objects(RenderOutcome, path=_ATOMS, article=_Optional(article), resolved=_Dicts())


_RECORDS = _Objects(
    ArticleRecord,
    size=_Ints(),
    mtime_ns=_Ints(),
    front=_Optional(_Tuples(_Dicts(), _Lines(), _ATOMS, _Column())),
    rendered_for=_Optional(_Tuples(_ATOMS, _ATOMS, _ATOMS)),
    outcome=_Optional(_outcome_columns(_Text(out_of_band=True))),  # saved by the cache
)
#: Outcomes go to another process through pickles of any protocol (a spawned pool's is 4).
_OUTCOME = _outcome_columns(_Text(out_of_band=False))
#: How a group of records was packed: as columns, or (values the columns cannot hold) as a dict.
_COLUMNS, _PLAIN = "columns", "plain"


def pack(records: Mapping[str, ArticleRecord]) -> tuple[str, Any]:
    """Records (by site-relative path) as columns, for the cache; `unpack` gives them back."""
    shared: Shared = {}
    paths = _ATOMS.pack(list(records), shared)
    try:
        columns = _RECORDS.pack(list(records.values()), shared)
    except (TypeError, ValueError, AttributeError):  # a value of another shape than the fields
        columns = None
    if columns is None or set(map(type, shared)) - _SHAREABLE:
        return _PLAIN, dict(records)
    return _COLUMNS, (paths, columns)


def unpack(packed: object) -> dict[str, ArticleRecord] | None:
    """The records `pack` was given, equal to them; None for anything else."""
    if type(packed) is not tuple or len(packed) != 2:
        return None
    kind, value = packed
    if kind == _PLAIN:
        return value if type(value) is dict else None
    if kind != _COLUMNS:
        return None
    try:
        paths, columns = value
        return dict(zip(paths, _RECORDS.unpack(columns, len(paths)), strict=True))
    except Exception:  # not what `pack` made: the cache is only ever a shortcut
        return None


class Outcomes(list[RenderOutcome]):
    """Rendered articles that go to another process packed as columns, as records are (a
    list of them pickles one object at a time: three times as long to load)."""

    def __reduce__(self) -> tuple[Any, ...]:
        shared: Shared = {}
        try:
            columns = _OUTCOME.pack(list(self), shared)
        except (TypeError, ValueError, AttributeError):  # a value of another shape
            columns = None
        if columns is None or set(map(type, shared)) - _SHAREABLE:
            return Outcomes, (list(self),)
        return _outcomes_of, (len(self), columns)


def _outcomes_of(count: int, columns: Any) -> Outcomes:
    return Outcomes(_OUTCOME.unpack(columns, count))


def render_packed(job: RenderJob) -> Outcomes:
    """`articles.render_many`, its results to be sent back packed."""
    return Outcomes(render_many(job))
