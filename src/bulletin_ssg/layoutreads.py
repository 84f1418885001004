"""What a layout reads: the context values (variable, attribute chain, whether only as truth)
found in its Jinja syntax tree and those of the layouts it extends, includes and imports.

Reads layouts through the environment's loader; looks at no page's values, renders and
writes nothing.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass

import jinja2
from jinja2 import nodes

#: (context variable, attribute chain, whether only its truth value is used)
Use = tuple[str, tuple[str, ...], bool]
#: Values the url filters read from the context on every page.
ALWAYS: frozenset[Use] = frozenset({("config", (), False), ("page", (), False)})
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
                    head, chain = root
                    name = head.name
                    outer = binding(head, name)
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


def _chain_root(node: nodes.Node) -> tuple[nodes.Name, tuple[str, ...]] | None:
    """(the Name, chain) when `node` is `name.attr['key']...` and nothing else."""
    chain: list[str] = []
    while True:
        if isinstance(node, nodes.Name) and node.ctx == "load":
            return node, tuple(reversed(chain))
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


def _uses_digest(everything: bool, ordered: tuple[Use, ...]) -> bytes:
    text = repr((everything, ordered))
    return hashlib.blake2b(text.encode(), digest_size=16).digest()


def _reads(ordered: tuple[Use, ...]) -> Reads:
    grouped: dict[str, list[tuple[tuple[str, ...], bool]]] = {}
    for variable, chain, truth in ordered:
        grouped.setdefault(variable, []).append((chain, truth))
    return tuple((variable, tuple(chains)) for variable, chains in grouped.items())
