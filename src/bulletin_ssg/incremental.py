"""Incremental pages: each page's fingerprint from the values its layouts read (found in their
Jinja syntax tree); a page is rendered again only when its fingerprint changed.

Reads layouts through the environment's loader and, for the search index, published pages;
writes nothing.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from enum import Enum
from pathlib import Path

import jinja2
from jinja2 import nodes

from .model import OutputFile, Site
from .output import Verified, digest_of
from .render import PageSpec, output_path, page_specs, render_page, site_inputs
from .search import INDEX_DIR, build_search_index

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


def _uses_in(tree: nodes.Template) -> Iterator[Use]:
    """Each `name.attr.attr` read, up to where the value is used as a whole."""
    parents: dict[int, nodes.Node] = {}
    stack: list[nodes.Node] = [tree]
    while stack:
        node = stack.pop()
        for child in node.iter_child_nodes():
            parents[id(child)] = node
            stack.append(child)
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
        truth = (isinstance(parent, (nodes.If, nodes.CondExpr)) and parent.test is top) or (
            isinstance(parent, nodes.Not)
        )
        yield name.name, tuple(chain), truth


class Fingerprints:
    """Structural hashes of values, each object hashed once per build (it is kept alive).

    `known` seeds hashes computed elsewhere (an article's, from its cache record).
    """

    def __init__(self) -> None:
        self._memo: dict[int, tuple[object, bytes]] = {}
        self._names: dict[type, tuple[str, ...]] = {}
        self._reads: dict[tuple[int, int], tuple[object, object, bytes]] = {}
        self._seeded: dict[int, tuple[object, bytes]] = {}

    def known(self, value: object, digest: bytes) -> None:
        self._memo[id(value)] = (value, digest)
        self._seeded[id(value)] = (value, digest)

    def of(self, value: object) -> bytes:
        if type(value) in _ATOM_TYPES or isinstance(value, _ATOMS):
            return repr(value).encode()
        known = self._memo.get(id(value))
        if known is not None and known[0] is value:
            return known[1]
        parts = [p if type(p) in _ATOM_TYPES else self.of(p) for p in self._parts(value)]
        text = f"{type(value).__qualname__}{parts!r}"
        digest = hashlib.blake2b(text.encode(), digest_size=16).digest()
        self._memo[id(value)] = (value, digest)
        return digest

    def read(self, value: object, chains: tuple[tuple[tuple[str, ...], bool], ...]) -> bytes:
        """The hash of what `chains` read of `value` (once per value and chains).

        A seeded value (an article) gives its whole hash: cheaper, and reading all of it is
        only ever more cautious.
        """
        seeded = self._seeded.get(id(value))
        if seeded is not None and seeded[0] is value:
            return seeded[1]
        key = (id(value), id(chains))
        known = self._reads.get(key)
        if known is not None and known[0] is value and known[1] is chains:
            return known[2]
        hasher = hashlib.blake2b(digest_size=16)
        for chain, truth in chains:
            found = resolve(value, chain) if chain else value
            part = (b"<true>" if found else b"<false>") if truth else self.of(found)
            hasher.update(len(part).to_bytes(4, "little"))
            hasher.update(part)
        digest = hasher.digest()
        self._reads[key] = (value, chains, digest)
        return digest

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
        return [f"{kind.__qualname__}@{id(value)}"]  # opaque: never equal to another build's


_ATOM_TYPES = frozenset({str, int, float, bool, type(None), bytes, date})


_MISSING = object()


def resolve(value: object, chain: tuple[str, ...]) -> object:
    """Follow `chain` as Jinja would (attribute, then item); a dead end gives a marker."""
    for step in chain:
        try:
            value = getattr(value, step)
        except AttributeError:
            try:
                value = value[step]  # type: ignore[index]
            except (TypeError, LookupError):
                return "<undefined>"
        except Exception:
            return "<error>"
    return value


def page_fingerprint(
    uses: LayoutUses, spec: PageSpec, fingerprints: Fingerprints, base: bytes, common: bytes
) -> bytes:
    """The fingerprint of one page, without building its values.

    Made of `base` (layouts, tool), `common` (what all pages' computed values read of the
    site), the page's kind and URL, every given value as far as its layout reads it, and,
    whole, the model values its computed values (title, nav, meta, ...) are made from.
    """
    hasher = hashlib.blake2b(base, digest_size=16)
    hasher.update(common)
    hasher.update(uses.digest)
    hasher.update(fingerprints.of((spec.kind, spec.url, spec.derived_from)))
    given = spec.given
    if uses.everything:
        hasher.update(fingerprints.of(dict(given)))
        return hasher.digest()
    for variable, chains in uses.reads:
        value = given.get(variable, _MISSING)
        if value is _MISSING:
            hasher.update(b"<derived>" if variable in spec.derived else b"<absent>")
        else:
            hasher.update(fingerprints.read(value, chains))
    return hasher.digest()


def _uses_digest(everything: bool, ordered: tuple[Use, ...]) -> bytes:
    text = repr((everything, ordered))
    return hashlib.blake2b(text.encode(), digest_size=16).digest()


def _reads(ordered: tuple[Use, ...]) -> Reads:
    grouped: dict[str, list[tuple[tuple[str, ...], bool]]] = {}
    for variable, chain, truth in ordered:
        grouped.setdefault(variable, []).append((chain, truth))
    return tuple((variable, tuple(chains)) for variable, chains in grouped.items())


@dataclass(frozen=True, slots=True, kw_only=True)
class PagePlan:
    """The pages of a build: those rendered now, and those kept as published."""

    rendered: tuple[OutputFile, ...]
    kept: tuple[str, ...]  #: output paths of pages whose inputs did not change
    paths: tuple[str, ...]  #: every page's output path, in page order
    marks: Mapping[str, bytes]  #: each page's fingerprint


def plan_pages(
    site: Site,
    env: jinja2.Environment,
    root: Path,
    verified: Verified | None,
    *,
    base: bytes,
    tell: Callable[[str, int, int], None],
    seeds: Iterable[tuple[object, bytes]] = (),
) -> PagePlan:
    """Render the pages whose fingerprint differs from the one they were published with.

    `seeds` are values whose fingerprint is already known (articles, from their records).
    """
    fingerprints = Fingerprints()
    for value, digest in seeds:
        fingerprints.known(value, digest)
    uses: dict[str, LayoutUses] = {}
    rendered: list[OutputFile] = []
    kept: list[str] = []
    paths: list[str] = []
    marks: dict[str, bytes] = {}
    trusted = verified.trusted if verified is not None else {}
    common = fingerprints.of(site_inputs(site))
    specs = list(page_specs(site))
    for number, spec in enumerate(specs):
        if number % 500 == 0:
            tell("pages", number, len(specs))
        path = output_path(spec.url)
        paths.append(path)
        if spec.layout not in uses:
            uses[spec.layout] = layout_uses(env, spec.layout)
        mark = page_fingerprint(uses[spec.layout], spec, fingerprints, base, common)
        marks[path] = mark
        old = trusted.get(path)
        if old is not None and old.mark == mark:
            kept.append(path)
        else:
            page, values, origin = spec.build()
            rendered.append(render_page(env, page, values, origin, root=root))
    return PagePlan(rendered=tuple(rendered), kept=tuple(kept), paths=tuple(paths), marks=marks)


def search_outputs(
    site: Site, plan: PagePlan, out_dir: Path, verified: Verified | None
) -> tuple[tuple[OutputFile, ...], list[str]]:
    """The Pagefind index: kept as published when no page it indexes changed, else rebuilt."""
    trusted = verified.trusted if verified is not None else {}
    published = [p for p in trusted if p.startswith(INDEX_DIR + "/")]
    if (
        published
        and all(
            (old := trusted.get(page.path)) is not None and old.digest == digest_of(page.content)
            for page in plan.rendered
        )
        and set(plan.paths) >= {p for p in trusted if p.endswith(".html")}
    ):
        return (), published
    pages = [*plan.rendered, *(OutputFile(path=p, content=(out_dir / p).read_bytes())
                               for p in plan.kept)]  # fmt: skip
    index = build_search_index(
        pages, language=site.config.language, base_path=site.config.base_path
    )
    return index, []
