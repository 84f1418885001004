"""bulletin-ssg: a static-site generator for periodicals."""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"
__all__ = ["SiteError", "__version__", "build_site"]


def __getattr__(name: str) -> Any:
    # Lazy re-exports keep `bulletin --help` from importing the whole pipeline.
    if name == "build_site":
        from .build import build_site

        return build_site
    if name == "SiteError":
        from .errors import SiteError

        return SiteError
    raise AttributeError(name)
