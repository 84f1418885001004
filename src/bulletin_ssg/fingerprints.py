"""Page fingerprints: the values each layout reads (see layoutreads.py), hashed structurally,
and which articles each page's hash reached.

Reads no files; renders and writes nothing.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Mapping
from datetime import date
from enum import Enum

from .layoutreads import EACH, LayoutUses
from .pages import PageSpec

#: The articles a value reaches, by seed number; READS_ANY when an opaque value was read.
Reach = frozenset[int]
NOTHING: Reach = frozenset()
#: In a reach: the value held something that hashes differently on every build.
READS_ANY = -1
#: A seeded value read in more parts than this is hashed whole (see Fingerprints.read).
PARTS_OF_SEEDED = 4


class Fingerprints:
    """Structural hashes of values, each object hashed once per build (it is kept alive).

    `known` seeds hashes computed elsewhere (an article's, from its cache record) under a
    number; every hash also tells which seeded values it reached (its `Reach`), so that a
    later build knows which pages a changed article can touch.
    """

    def __init__(self) -> None:
        self._memo: dict[int, tuple[object, bytes, Reach]] = {}
        self._names: dict[type, tuple[str, ...]] = {}
        self._reads: dict[tuple[int, int], tuple[object, object, bytes, Reach]] = {}
        self._seeded: dict[int, tuple[object, bytes, Reach]] = {}

    def known(self, value: object, digest: bytes, number: int) -> None:
        entry = (value, digest, frozenset((number,)))
        self._memo[id(value)] = entry
        self._seeded[id(value)] = entry

    def of(self, value: object) -> bytes:
        return self.traced(value)[0]

    def traced(self, value: object) -> tuple[bytes, Reach]:
        """The hash of `value` and the seeded values it reached."""
        if type(value) in _ATOM_TYPES:
            return _atom(value), NOTHING
        known = self._memo.get(id(value))
        if known is not None and known[0] is value:
            return known[1], known[2]
        if isinstance(value, _ATOMS):
            return repr(value).encode(), NOTHING
        hasher = hashlib.blake2b(type(value).__qualname__.encode(), digest_size=16)
        reaches: list[Reach] = []
        for part in self._parts(value):
            if type(part) in _ATOM_TYPES:
                data = _atom(part)
            elif type(part) is _Opaque:
                data = b"o" + part.encode("utf-8", "surrogatepass")
                reaches.append(_ANY)
            else:
                data, reach = self.traced(part)
                if reach:
                    reaches.append(reach)
            hasher.update(len(data).to_bytes(4, "little"))
            hasher.update(data)
        digest = hasher.digest()
        reach = union(reaches)
        self._memo[id(value)] = (value, digest, reach)
        return digest, reach

    def read(
        self, value: object, chains: tuple[tuple[tuple[str, ...], bool], ...]
    ) -> tuple[bytes, Reach]:
        """The hash of what `chains` read of `value` (once per value and chains), and its reach.

        A seeded value (an article) read as a whole gives its seeded hash; read in a few parts
        (a neighbour's title and URL), the hash of those parts, so that an edit elsewhere in it
        leaves the page as it was; read in more than PARTS_OF_SEEDED (its own page), its seeded
        hash again, which covers every part at a fraction of the work. Either way the seeded
        value is reached. Any value read whole (as well as in parts) gives the hash of the whole.
        """
        whole = any(not chain and not truth for chain, truth in chains)
        seeded = self._seeded.get(id(value))
        if seeded is not None and seeded[0] is value:
            if whole or len(chains) > PARTS_OF_SEEDED:
                return seeded[1], seeded[2]
        elif whole:  # its hash covers every part the other chains read
            return self.traced(value)
        key = (id(value), id(chains))
        known = self._reads.get(key)
        if known is not None and known[0] is value and known[1] is chains:
            return known[2], known[3]
        hasher = hashlib.blake2b(digest_size=16)
        reaches: list[Reach] = []
        self._passed(value, reaches)
        for chain, truth in chains:
            part, reach = self.traced(self._walk(value, chain, truth, reaches))
            if reach:
                reaches.append(reach)
            hasher.update(len(part).to_bytes(4, "little"))
            hasher.update(part)
        digest = hasher.digest()
        reach = union(reaches)
        self._reads[key] = (value, chains, digest, reach)
        return digest, reach

    def _walk(
        self, value: object, chain: tuple[str, ...], truth: bool, reaches: list[Reach]
    ) -> object:
        """What `chain` reads of `value` as Jinja would (its truth when `truth`; a marker at a
        dead end; a tuple per EACH step, one reading per element), the seeded values passed
        through added to `reaches`."""
        for index, step in enumerate(chain):
            if step == EACH:
                try:
                    items: tuple[object, ...] = tuple(value)  # type: ignore[arg-type]
                except TypeError:
                    return "<undefined>"
                except Exception:
                    return "<error>"
                rest = chain[index + 1 :]
                for item in items:
                    self._passed(item, reaches)
                return tuple(self._walk(item, rest, truth, reaches) for item in items)
            value, ok = _step(value, step)
            if not ok:
                return value
            self._passed(value, reaches)
        return bool(value) if truth else value

    def _passed(self, value: object, reaches: list[Reach]) -> None:
        seeded = self._seeded.get(id(value))
        if seeded is not None and seeded[0] is value:
            reaches.append(seeded[2])

    def _parts(self, value: object) -> list[object]:
        if isinstance(value, (tuple, list)):
            return list(value)
        if isinstance(value, Mapping):
            found: list[object] = []
            for key in sorted(value, key=repr):
                found.append(key)
                found.append(value[key])
            return found
        kind = type(value)
        names = self._names.get(kind)
        if names is None:
            is_data = dataclasses.is_dataclass(value) and not isinstance(value, type)
            names = tuple(f.name for f in dataclasses.fields(value)) if is_data else ()  # type: ignore[arg-type]
            self._names[kind] = names
        if names:
            return [getattr(value, name) for name in names]
        if isinstance(value, (set, frozenset)):
            return sorted(value, key=repr)
        return [_Opaque(f"{kind.__qualname__}@{id(value)}")]  # never equal to another build's


class _Opaque(str):
    """Stands for a value with no structure to hash: equal to nothing of another build."""


_ATOM_TYPES = frozenset({str, int, float, bool, type(None), bytes, date})
_ATOMS = (str, int, float, bool, type(None), bytes, date, Enum)
_ANY: Reach = frozenset((READS_ANY,))
_MISSING = object()


def _atom(value: object) -> bytes:
    """An atom's bytes: a string's own (a body of text is read whole on many pages, and its
    repr costs eight times as much), anything else's repr, which never starts with `s`."""
    if type(value) is str:
        return b"s" + value.encode("utf-8", "surrogatepass")
    return repr(value).encode()


def union(reaches: list[Reach]) -> Reach:
    """All of `reaches` in one, without copying when there are fewer than two."""
    if not reaches:
        return NOTHING
    if len(reaches) == 1:
        return reaches[0]
    return frozenset().union(*reaches)


def _step(value: object, step: str) -> tuple[object, bool]:
    """One step of a chain as Jinja takes it (attribute, then item); a dead end gives a marker
    and False."""
    try:
        return getattr(value, step), True
    except AttributeError:
        try:
            return value[step], True  # type: ignore[index]
        except (TypeError, LookupError):
            return "<undefined>", False
    except Exception:
        return "<error>", False


def page_fingerprint(
    uses: LayoutUses, spec: PageSpec, fingerprints: Fingerprints, base: bytes, common: bytes
) -> tuple[bytes, Reach]:
    """The fingerprint of one page, without building its values, and the articles it reached.

    Made of `base` (layouts, tool), `common` (what all pages' computed values read of the
    site), the page's kind and URL, every given value as far as its layout reads it, and,
    whole, the model values its computed values (title, nav, meta, ...) are made from.
    """
    hasher = hashlib.blake2b(base, digest_size=16)
    hasher.update(common)
    hasher.update(uses.digest)
    digest, reach = fingerprints.traced((spec.kind, spec.url, spec.derived_from))
    hasher.update(digest)
    reaches = [reach] if reach else []
    given = spec.given
    if uses.everything:
        digest, reach = fingerprints.traced(dict(given))
        hasher.update(digest)
        return hasher.digest(), union([*reaches, reach])
    for variable, chains in uses.reads:
        value = given.get(variable, _MISSING)
        if value is _MISSING:
            hasher.update(b"<derived>" if variable in spec.derived else b"<absent>")
            continue
        digest, reach = fingerprints.read(value, chains)
        hasher.update(digest)
        if reach:
            reaches.append(reach)
    return hasher.digest(), union(reaches)
