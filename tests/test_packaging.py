"""The wheel carries the repo's layouts/ and assets/ as the bundled theme (for `bulletin init`)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from .conftest import REPO

#: What a source distribution holds; copied so that building leaves no build/ in the repo.
PROJECT = ("pyproject.toml", "setup.py", "README.md", "src", "layouts", "assets")


def test_wheel_ships_layouts_and_assets_as_theme(tmp_path: Path) -> None:
    project = tmp_path / "project"
    for name in PROJECT:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(
                source, project / name, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info")
            )
        else:
            project.mkdir(exist_ok=True)
            shutil.copy2(source, project / name)
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(wheels), str(project)],
        check=True,
        capture_output=True,
    )
    (wheel,) = wheels.glob("bulletin_ssg-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {
        f"bulletin_ssg/theme/{path.relative_to(REPO).as_posix()}"
        for folder in ("layouts", "assets")
        for path in (REPO / folder).rglob("*")
        if path.is_file()
    }
    assert expected
    assert expected <= names
    assert "bulletin_ssg/cli.py" in names
