"""Packaging hook: ship the repo's top-level layouts/ and assets/ inside the package as its theme.

All other metadata lives in pyproject.toml.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

THEME_FOLDERS = ("layouts", "assets")


class BuildWithTheme(build_py):  # type: ignore[misc]
    """build_py that also copies layouts/ and assets/ to bulletin_ssg/theme/."""

    def run(self) -> None:
        super().run()
        here = Path(__file__).resolve().parent
        for name in THEME_FOLDERS:
            target = Path(self.build_lib) / "bulletin_ssg" / "theme" / name
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(here / name, target)


setup(cmdclass={"build_py": BuildWithTheme})
