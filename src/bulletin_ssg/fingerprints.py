"""Page fingerprints: the values each layout reads (found in its Jinja syntax tree), hashed
structurally, and which articles each page's hash reached.

Reads layouts through the environment's loader; renders and writes nothing.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from enum import Enum

import jinja2
from jinja2 import nodes

from .pages import PageSpec

#: (context variable, attribute chain, whether only its truth value is used)
Use = tuple[str, tuple[str, ...], bool]
#: Values the url filters read from the context on every page.
ALWAYS: frozenset[Use] = frozenset({("config", (), False), ("page", (), False)})
_ATOMS = (str, int, float, bool, type(None), bytes, date, Enum)
#: Per variable a layout reads: each attribute chain read of it, and whether only as truth.
Reads = tuple[tuple[str, tuple[tuple[tuple[str, ...], bool], ...]], ...]


@dataclass(frozen=True, slots=True)
class LayoutUses:
    """The context values a layout (with what it extends, includes and imports) reads."""

    uses: frozenset[Use]
    everything: bool  #: a template named at run time: the whole context counts
    ordered: tuple[Use, ...] = dataclasses.field(init=False, compare=False, repr=False)
    digest: bytes = dataclasses.field(init=False, compare=False, repr=False)  #: of the two above
    reads: Reads = dataclasses.field(init=False, compare=False, repr=False)  #: by variable

    def __post_init__(self) -> None:
        ordered = tuple(sorted(self.uses))
        object.__setattr__(self, "ordered", ordered)
        object.__setattr__(self, "digest", _uses_digest(self.everything, ordered))
        object.__setattr__(self, "reads", _reads(ordered))


def layout_uses(env: jinja2.Environment, name: str) -> LayoutUses:
    """Every context value `name` may read; a syntax error is left for rendering to report."""
    seen: set[str] = set()
    uses: set[Use] = set(ALWAYS)
    pending = [name]
    everything = False
    while pending:
        current = pending.pop()
        if current in seen:
            continue
        seen.add(current)
        try:
            source = env.loader.get_source(env, current)[0] if env.loader else ""
            tree = env.parse(source, current)
        except jinja2.TemplateError:
            return LayoutUses(uses=frozenset(), everything=True)
        for node in tree.find_all((nodes.Extends, nodes.Include, nodes.Import, nodes.FromImport)):
            target = getattr(node, "template", None)
            if isinstance(target, nodes.Const) and isinstance(target.value, str):
                pending.append(target.value)
            else:
                everything = True
        uses.update(_uses_in(tree))
    return LayoutUses(uses=frozenset(uses), everything=everything)


#: A chain step that stands for every element of the value so far (a loop's variable).
EACH = "\x00each"
#: Nodes that, inside a loop, can see its variable in ways not visible here.
_OPAQUE_IN_LOOP = (nodes.Include, nodes.Import, nodes.FromImport, nodes.Extends, nodes.Macro,
                   nodes.CallBlock)  # fmt: skip


def _uses_in(tree: nodes.Template) -> Iterator[Use]:
    """Each `name.attr.attr` read, up to where the value is used as a whole.

    A loop variable is read through its loop's source: in `{% for i in a.items %}{{ i.t }}`,
    `a.items` is read as the truth of each element and `i.t` as `a.items[each].t`.
    """
    parents: dict[int, nodes.Node] = {}
    stack: list[nodes.Node] = [tree]
    while stack:
        node = stack.pop()
        for child in node.iter_child_nodes():
            parents[id(child)] = node
            stack.append(child)
    loops: dict[int, tuple[str, tuple[str, ...]] | None] = {}

    def source(loop: nodes.For) -> tuple[str, tuple[str, ...]] | None:
        """(variable, chain) that a simple loop's variable stands for an element of."""
        if id(loop) not in loops:
            loops[id(loop)] = None
            if isinstance(loop.target, nodes.Name) and not loop.recursive:
                inner = [*loop.body, *([loop.test] if loop.test is not None else [])]
                root = _chain_root(loop.iter)
                if root is not None and not any(
                    isinstance(n, _OPAQUE_IN_LOOP) or any(True for _ in n.find_all(_OPAQUE_IN_LOOP))
                    for n in inner
                ):
                    name, chain = root
                    outer = binding(_name_at(loop.iter), name)
                    if outer is not None:
                        name, chain = outer[0], outer[1] + chain
                    loops[id(loop)] = (name, (*chain, EACH))
        return loops[id(loop)]

    def binding(node: nodes.Node, name: str) -> tuple[str, tuple[str, ...]] | None:
        """What `name` at `node` stands for when a simple enclosing loop binds it."""
        child, parent = node, parents.get(id(node))
        while parent is not None:
            if (
                isinstance(parent, nodes.For)
                and isinstance(parent.target, nodes.Name)
                and parent.target.name == name
                and child is not parent.iter
                and not any(child is n for n in parent.else_)
            ):
                return source(parent)
            child, parent = parent, parents.get(id(parent))
        return None

    for name in tree.find_all(nodes.Name):
        if name.ctx != "load":
            continue
        chain: list[str] = []
        top: nodes.Node = name
        parent = parents.get(id(top))
        while True:
            if isinstance(parent, nodes.Getattr) and parent.node is top:
                chain.append(parent.attr)
            elif (
                isinstance(parent, nodes.Getitem)
                and parent.node is top
                and isinstance(parent.arg, nodes.Const)
                and isinstance(parent.arg.value, str)
            ):
                chain.append(parent.arg.value)
            else:
                break
            top = parent
            parent = parents.get(id(top))
        if isinstance(parent, nodes.Call) and parent.node is top and chain:
            chain.pop()  # a method: its result depends on the object it belongs to
        truth = _as_truth(top, parents)
        if isinstance(parent, nodes.For) and parent.iter is top and source(parent) is not None:
            chain.append(EACH)  # the loop's source: how many elements, each as truth
            truth = True
        bound = binding(name, name.name)
        if bound is not None:
            yield bound[0], (*bound[1], *chain), truth
        else:
            yield name.name, tuple(chain), truth


def _chain_root(node: nodes.Node) -> tuple[str, tuple[str, ...]] | None:
    """(variable, chain) when `node` is `name.attr['key']...` and nothing else."""
    chain: list[str] = []
    while True:
        if isinstance(node, nodes.Name) and node.ctx == "load":
            return node.name, tuple(reversed(chain))
        if isinstance(node, nodes.Getattr):
            chain.append(node.attr)
        elif (
            isinstance(node, nodes.Getitem)
            and isinstance(node.arg, nodes.Const)
            and isinstance(node.arg.value, str)
        ):
            chain.append(node.arg.value)
        else:
            return None
        node = node.node


def _name_at(node: nodes.Node) -> nodes.Node:
    """The Name at the root of a chain expression (see `_chain_root`)."""
    while not isinstance(node, nodes.Name):
        node = node.node  # type: ignore[attr-defined]
    return node


def _as_truth(node: nodes.Node, parents: dict[int, nodes.Node]) -> bool:
    """Whether only the truth of `node`'s value is used: an `if` test, under `not`, or an
    operand of `and`/`or` that is itself used only as truth (`{% if a or b %}`)."""
    parent = parents.get(id(node))
    if isinstance(parent, (nodes.If, nodes.CondExpr)):
        return parent.test is node
    if isinstance(parent, nodes.Not):
        return True
    if isinstance(parent, (nodes.And, nodes.Or)):
        return _as_truth(parent, parents)
    return False


#: The articles a value reaches, by seed number; READS_ANY when an opaque value was read.
Reach = frozenset[int]
NOTHING: Reach = frozenset()
#: In a reach: the value held something that hashes differently on every build.
READS_ANY = -1


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
            return repr(value).encode(), NOTHING
        known = self._memo.get(id(value))
        if known is not None and known[0] is value:
            return known[1], known[2]
        if isinstance(value, _ATOMS):
            return repr(value).encode(), NOTHING
        parts: list[object] = []
        reaches: list[Reach] = []
        for part in self._parts(value):
            if type(part) in _ATOM_TYPES:
                parts.append(part)
                continue
            if type(part) is _Opaque:
                parts.append(part)
                reaches.append(_ANY)
                continue
            digest, reach = self.traced(part)
            parts.append(digest)
            if reach:
                reaches.append(reach)
        text = f"{type(value).__qualname__}{parts!r}"
        digest = hashlib.blake2b(text.encode(), digest_size=16).digest()
        reach = union(reaches)
        self._memo[id(value)] = (value, digest, reach)
        return digest, reach

    def read(
        self, value: object, chains: tuple[tuple[tuple[str, ...], bool], ...]
    ) -> tuple[bytes, Reach]:
        """The hash of what `chains` read of `value` (once per value and chains), and its reach.

        A seeded value (an article) read as a whole gives its seeded hash; read in parts (a
        neighbour's title and URL), the hash of those parts, so that an edit elsewhere in it
        leaves the page as it was. Either way the seeded value is reached.
        """
        seeded = self._seeded.get(id(value))
        if seeded is not None and seeded[0] is value:
            if any(not chain and not truth for chain, truth in chains):
                return seeded[1], seeded[2]
        key = (id(value), id(chains))
        known = self._reads.get(key)
        if known is not None and known[0] is value and known[1] is chains:
            return known[2], known[3]
        hasher = hashlib.blake2b(digest_size=16)
        reaches: list[Reach] = [seeded[2]] if seeded is not None and seeded[0] is value else []
        for chain, truth in chains:
            if EACH in chain:
                part, reach = self.traced(self._each(value, chain, truth, reaches))
                if reach:
                    reaches.append(reach)
                hasher.update(len(part).to_bytes(4, "little"))
                hasher.update(part)
                continue
            found = value
            for step in chain:  # what `resolve` does, noting each seeded value passed through
                found, ok = _step(found, step)
                if not ok:
                    break
                passed = self._seeded.get(id(found))
                if passed is not None and passed[0] is found:
                    reaches.append(passed[2])
            if truth:
                part = b"<true>" if found else b"<false>"
            else:
                part, reach = self.traced(found)
                if reach:
                    reaches.append(reach)
            hasher.update(len(part).to_bytes(4, "little"))
            hasher.update(part)
        digest = hasher.digest()
        reach = union(reaches)
        self._reads[key] = (value, chains, digest, reach)
        return digest, reach

    def _each(
        self, value: object, chain: tuple[str, ...], truth: bool, reaches: list[Reach]
    ) -> object:
        """What `chain` reads of `value`, a tuple per EACH step (each element's reading), the
        seeded values passed through added to `reaches`."""
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
                return tuple(self._each(item, rest, truth, reaches) for item in items)
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
_ANY: Reach = frozenset((READS_ANY,))
_MISSING = object()


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


def _uses_digest(everything: bool, ordered: tuple[Use, ...]) -> bytes:
    text = repr((everything, ordered))
    return hashlib.blake2b(text.encode(), digest_size=16).digest()


def _reads(ordered: tuple[Use, ...]) -> Reads:
    grouped: dict[str, list[tuple[tuple[str, ...], bool]]] = {}
    for variable, chain, truth in ordered:
        grouped.setdefault(variable, []).append((chain, truth))
    return tuple((variable, tuple(chains)) for variable, chains in grouped.items())


