from __future__ import annotations

import struct
import zlib
from pathlib import Path

import pytest

from bulletin_ssg.images import image_size


def png(width: int, height: int) -> bytes:
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + header
    return (
        b"\x89PNG\r\n\x1a\n"
        + struct.pack(">I", len(header))
        + chunk
        + struct.pack(">I", zlib.crc32(chunk))
    )


def jpeg(width: int, height: int) -> bytes:
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00" + b"\x00" * 9
    sof = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\x00"
    return b"\xff\xd8" + app0 + sof + b"\xff\xd9"


@pytest.mark.parametrize(
    ("name", "data", "size"),
    [
        ("a.png", png(640, 400), (640, 400)),
        ("a.jpg", jpeg(1200, 800), (1200, 800)),
        ("a.gif", b"GIF89a" + struct.pack("<HH", 32, 16) + b"\x00" * 8, (32, 16)),
        (
            "a.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg" width="320" height="200"/>',
            (320, 200),
        ),
        ("b.svg", b'<?xml version="1.0"?>\n<svg viewBox="0 0 64 48.4"></svg>', (64, 48)),
        ("c.svg", b'<svg width="100%" height="50%" viewBox="0,0,10,5"/>', (10, 5)),
        ("d.svg", b"<svg/>", None),
        ("a.txt", b"not an image", None),
        ("zero.png", png(0, 10), None),
    ],
    ids=[
        "png",
        "jpeg",
        "gif",
        "svg-attributes",
        "svg-viewbox",
        "svg-percent",
        "svg-bare",
        "text",
        "zero-size",
    ],
)
def test_reads_image_size_from_header(
    tmp_path: Path, name: str, data: bytes, size: tuple[int, int] | None
) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    assert image_size(path) == size


def test_missing_file_has_no_size(tmp_path: Path) -> None:
    assert image_size(tmp_path / "none.png") is None
