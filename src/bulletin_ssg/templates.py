"""The Jinja environment over the layout folders, its filters, and Jinja errors as LayoutError.

Knows nothing of pages or the model beyond SiteConfig; renders one named layout at a time.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from types import TracebackType
from typing import Any

import jinja2

from .errors import LayoutError, Location
from .model import SiteConfig

#: Exceptions a template can raise at render time through a mistake in the layout.
RUNTIME_ERRORS: tuple[type[Exception], ...] = (
    jinja2.TemplateError,
    TypeError,
    ValueError,
    AttributeError,
    LookupError,
    ArithmeticError,
)

WEEKDAYS = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")


class CompiledLayouts(jinja2.BytecodeCache):
    """Compiled layouts kept in `store` (the build cache), so that a build compiles none that
    an earlier build compiled. Jinja checks each against its source's checksum before use."""

    def __init__(self, store: dict[str, bytes]) -> None:
        self.store = store

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self.store.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.store[bucket.key] = bucket.bytecode_to_string()


def make_environment(
    layout_dirs: Sequence[Path], *, root: Path, compiled: dict[str, bytes] | None = None
) -> jinja2.Environment:
    """A strict, autoescaping environment; the first of `layout_dirs` holding a name wins.

    Relative `layout_dirs` are read from the current directory, like any path. `root` is the
    site root; render_template locates layout errors relative to it. `compiled` keeps compiled
    layouts from one build to the next.
    """
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(d) for d in layout_dirs]),
        bytecode_cache=CompiledLayouts(compiled) if compiled is not None else None,
        autoescape=jinja2.select_autoescape(["html", "xml"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # one environment serves one build: no layout is stat'ed per page
    )
    env.filters.update(
        url=url_filter,
        abs_url=abs_url_filter,
        cn_date=cn_date,
        weekday=weekday,
        isodate=isodate,
    )
    return env


def render_template(
    env: jinja2.Environment, name: str, context: Mapping[str, Any], *, root: Path
) -> str:
    """Render layout `name` with `context`; any mistake in a layout becomes a LayoutError."""
    try:
        return env.get_template(name).render(context)
    except jinja2.TemplateSyntaxError as exc:
        path = _layout_path(env, exc.filename, exc.name or name, root)
        raise LayoutError(exc.message or str(exc), Location(path, exc.lineno)) from exc
    except RUNTIME_ERRORS as exc:
        where = _innermost_template_frame(exc.__traceback__)
        if where is None:
            location = Location(_layout_path(env, None, name, root))
        else:
            filename, line = where
            location = Location(_layout_path(env, filename, None, root), line)
        raise LayoutError(_runtime_message(exc, name), location) from exc


# -- filters -----------------------------------------------------------------------------------


def _config(context: jinja2.runtime.Context) -> SiteConfig:
    config = context.resolve_or_missing("config")  # as context.get, a call less (per URL)
    if not isinstance(config, SiteConfig):
        raise TypeError(
            "the url filters need `config` (a SiteConfig) in the context;"
            " import macros `with context`"
        )
    return config


def join_base(base_path: str, target: str) -> str:
    """`target` under `base_path` when it is root-relative; anything else is left as it is."""
    if base_path == "/" or not target.startswith("/") or target.startswith("//"):
        return target
    return base_path.rstrip("/") + target


def absolute(config: SiteConfig, target: str) -> str:
    """`target` as an absolute URL when base_url is absolute, else as `join_base` gives it."""
    path = join_base(config.base_path, target)
    if "://" not in config.base_url or not path.startswith("/") or path.startswith("//"):
        return path
    scheme, rest = config.base_url.split("://", 1)
    host = rest.split("/", 1)[0]
    return f"{scheme}://{host}{path}"


@jinja2.pass_context
def url_filter(context: jinja2.runtime.Context, target: str) -> str:
    """`/issues/x/` → `/paper/issues/x/` for base_url `…/paper/`; absolute URLs unchanged."""
    return join_base(_config(context).base_path, _text(target, "url"))


@jinja2.pass_context
def abs_url_filter(context: jinja2.runtime.Context, target: str) -> str:
    """`/issues/x/` → `https://example.org/paper/issues/x/` when base_url is absolute."""
    return absolute(_config(context), _text(target, "abs_url"))


def cn_date(value: date) -> str:
    """2023-02-16 → 2023年2月16日."""
    day = _date(value, "cn_date")
    return f"{day.year}年{day.month}月{day.day}日"


def weekday(value: date) -> str:
    """2023-02-16 → 星期四."""
    return WEEKDAYS[_date(value, "weekday").weekday()]


def isodate(value: date) -> str:
    """2023-02-16 → `2023-02-16`, for `<time datetime>`."""
    return _date(value, "isodate").isoformat()


def _date(value: object, filter_name: str) -> date:
    if not isinstance(value, date):
        raise TypeError(f"{filter_name}: got {type(value).__name__} {value!r}, expected a date")
    return value


def _text(value: object, filter_name: str) -> str:
    if type(value) is not str and not isinstance(value, str):
        raise TypeError(f"{filter_name}: got {type(value).__name__} {value!r}, expected a string")
    return value


# -- error locations ---------------------------------------------------------------------------


def _innermost_template_frame(tb: TracebackType | None) -> tuple[str, int] | None:
    """(filename, line) of the deepest template frame; Jinja rewrote it to the template line."""
    found: tuple[str, int] | None = None
    while tb is not None:
        if "__jinja_exception__" in tb.tb_frame.f_globals:
            found = (tb.tb_frame.f_code.co_filename, tb.tb_lineno)
        tb = tb.tb_next
    return found


def _layout_path(
    env: jinja2.Environment, filename: str | None, name: str | None, root: Path
) -> str:
    """A layout file's path relative to the site root, or `layouts/<name>` when bundled."""
    search = _search_path(env)
    if filename is not None:
        file = Path(filename).resolve()
        if file.is_relative_to(root.resolve()):
            return file.relative_to(root.resolve()).as_posix()
        for folder in search:
            if file.is_relative_to(folder):
                return "layouts/" + file.relative_to(folder).as_posix()
        return filename
    # Not loaded (missing or a syntax error without a file): name where it would be looked for.
    first = search[0] if search else None
    if first is not None and first.is_relative_to(root.resolve()):
        return (first.relative_to(root.resolve()) / str(name)).as_posix()
    return f"layouts/{name}"


def _search_path(env: jinja2.Environment) -> list[Path]:
    loader = env.loader
    if isinstance(loader, jinja2.FileSystemLoader):
        return [Path(p).resolve() for p in loader.searchpath]
    return []


def _runtime_message(exc: Exception, name: str) -> str:
    if isinstance(exc, jinja2.TemplateNotFound):
        return f"layout {exc.name!r} not found, expected a file in the layout folders"
    if isinstance(exc, jinja2.UndefinedError):
        return f"{exc.message}, while rendering {name!r}"
    detail = str(exc).splitlines()[0] if str(exc) else ""
    return f"{type(exc).__name__}: {detail}, while rendering {name!r}"
