"""Pixel sizes of local images (PNG, JPEG, GIF, WebP, SVG), read from their headers.

Stdlib only; unknown or broken files give None, never an error (the size is a hint for layout).
"""

from __future__ import annotations

import re
import struct
from pathlib import Path

_SVG_TAG = re.compile(rb"<svg\b[^>]*>", re.IGNORECASE | re.DOTALL)
_SVG_LENGTH = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)?)\s*(px)?\s*$")
HEADER_BYTES = 64 * 1024  # JPEG size markers can sit after large EXIF blocks


def image_size(path: Path) -> tuple[int, int] | None:
    """(width, height) in CSS pixels, or None when the file is not a recognised image."""
    try:
        with path.open("rb") as file:
            head = file.read(HEADER_BYTES)
    except OSError:
        return None
    for reader in (_png, _gif, _webp, _jpeg, _svg):
        size = reader(head)
        if size is not None:
            return size if size[0] > 0 and size[1] > 0 else None
    return None


def _png(data: bytes) -> tuple[int, int] | None:
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        return None
    width, height = struct.unpack(">II", data[16:24])
    return int(width), int(height)


def _gif(data: bytes) -> tuple[int, int] | None:
    if data[:6] not in (b"GIF87a", b"GIF89a"):
        return None
    width, height = struct.unpack("<HH", data[6:10])
    return int(width), int(height)


def _webp(data: bytes) -> tuple[int, int] | None:
    if data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        return None
    chunk = data[12:16]
    if chunk == b"VP8X":
        width = int.from_bytes(data[24:27], "little") + 1
        height = int.from_bytes(data[27:30], "little") + 1
        return width, height
    if chunk == b"VP8 ":
        width, height = struct.unpack("<HH", data[26:30])
        return int(width) & 0x3FFF, int(height) & 0x3FFF
    if chunk == b"VP8L":
        bits = int.from_bytes(data[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    return None


def _jpeg(data: bytes) -> tuple[int, int] | None:
    if data[:2] != b"\xff\xd8":
        return None
    index = 2
    while index + 9 < len(data):
        if data[index] != 0xFF:
            return None
        marker = data[index + 1]
        if marker == 0xFF:  # fill byte
            index += 1
            continue
        length = struct.unpack(">H", data[index + 2 : index + 4])[0]
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", data[index + 5 : index + 9])
            return int(width), int(height)
        index += 2 + length
    return None


def _svg(data: bytes) -> tuple[int, int] | None:
    tag = _SVG_TAG.search(data)
    if tag is None:
        return None
    text = tag.group(0).decode("utf-8", "replace")
    width, height = _svg_attr(text, "width"), _svg_attr(text, "height")
    if width is not None and height is not None:
        return round(width), round(height)
    box = re.search(r'viewBox\s*=\s*["\']([^"\']+)["\']', text)
    if box is None:
        return None
    parts = box.group(1).replace(",", " ").split()
    try:
        return round(float(parts[2])), round(float(parts[3]))
    except (IndexError, ValueError):
        return None


def _svg_attr(tag: str, name: str) -> float | None:
    found = re.search(rf'\s{name}\s*=\s*["\']([^"\']+)["\']', tag)
    if found is None:
        return None
    number = _SVG_LENGTH.match(found.group(1))
    return float(number.group(1)) if number else None
