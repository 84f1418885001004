"""The wheel carries the repo's layouts/ and assets/ as the bundled theme (for `bulletin init`)."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from .conftest import REPO


def test_wheel_ships_layouts_and_assets_as_theme(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp_path), str(REPO)],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("bulletin_ssg-*.whl")
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
