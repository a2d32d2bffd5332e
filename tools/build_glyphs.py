"""Build the map's label glyphs (MapLibre SDF glyph PBFs) from Noto Sans, offline.

Run as ``python tools/build_glyphs.py --package PATH [--out DIR]``, where PATH is the npm tarball
(or its unpacked folder) from ``npm pack @fontsource/noto-sans@5.3.0``; nothing is downloaded here.

Why: MapLibre draws text only from signed-distance-field glyphs fetched by its style's ``glyphs``
URL; the public glyph servers are out of reach offline. Only the ranges 0-255 and 256-511 are built
(Latin-1 and Latin Extended-A: all of Indonesian and English), for a regular and a bold face. The
SDFs follow what MapLibre expects from fontnik/tiny-sdf: 24 px glyphs, a 3 px buffer, radius 8,
cutoff 0.25, the distances rounded to multiples of 8 (QUANTUM). Each glyph is drawn 4 times larger
and the distance is measured to the outline of that drawing, so the output is deterministic (same
bytes for the same font) and needs only FreeType (``freetype-py``) and fontTools.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import shutil
import tarfile
import tempfile
from pathlib import Path

import freetype
import numpy as np
from fontTools.ttLib import TTFont

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "assets" / "glyphs"
PACKAGE_VERSION = "5.3.0"
#: sha256 of the npm tarball of @fontsource/noto-sans 5.3.0, for whoever fetches it with npm pack.
PACKAGE_SHA256 = "f62f8ed40e378f15134e32bed2fd5718d81e9ec7a5603d1022d7b385e2297abc"
#: fontstack name (what a style's text-font asks for) -> weight of the fontsource files
STACKS = {"Noto Sans Regular": 400, "Noto Sans Bold": 700}
#: glyph range start -> fontsource unicode subset that holds it
RANGES = {0: "latin", 256: "latin-ext"}
SIZE, BUFFER, RADIUS, CUTOFF, OVERSAMPLE = 24, 3, 8.0, 0.25, 4
#: distances are rounded to multiples of QUANTUM (of 255 over RADIUS px): 8 is 1/4 px of the 24 px
#: glyph, 1/8 px on a 12 px label, below what the shader's anti-aliasing shows, and gzip then packs
#: the first screen's glyph file into 26 kB instead of 35 (issue 14)
QUANTUM = 8


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _field(number: int, value: int | bytes | str, signed: bool = False) -> bytes:
    """One protobuf field: varint (zigzag when ``signed``) or length-delimited."""
    if isinstance(value, int):
        encoded = (value << 1) ^ (value >> 63) if signed else value
        return _varint(number << 3) + _varint(encoded)
    data = value.encode() if isinstance(value, str) else value
    return _varint(number << 3 | 2) + _varint(len(data)) + data


def _render(face: freetype.Face, code: int, pixels: int) -> tuple[np.ndarray, int, int, int]:
    """The glyph's coverage bitmap at ``pixels`` px, its left and top bearings, and its advance."""
    face.set_pixel_sizes(0, pixels)
    face.load_char(code, freetype.FT_LOAD_RENDER | freetype.FT_LOAD_NO_HINTING)
    slot = face.glyph
    bitmap = slot.bitmap
    array = np.array(bitmap.buffer, dtype=np.uint8).reshape(bitmap.rows, bitmap.pitch)[:, : bitmap.width]
    return array, slot.bitmap_left, slot.bitmap_top, round(slot.advance.x / 64)


def _sdf(face: freetype.Face, code: int) -> tuple[bytes, int, int, int, int, int]:
    """(bitmap, width, height, left, top, advance) of one glyph, as MapLibre reads them."""
    small, left, top, advance = _render(face, code, SIZE)
    height, width = small.shape
    if width == 0 or height == 0:
        return b"", 0, 0, left, top, advance
    big, big_left, big_top, _ = _render(face, code, SIZE * OVERSAMPLE)
    inside = big >= 128
    # The outline: midpoints between neighbouring inside and outside pixels of the large drawing.
    padded = np.pad(inside, 1)
    edges = []
    for dy, dx in ((0, 1), (1, 0)):
        a = padded[: padded.shape[0] - dy, : padded.shape[1] - dx]
        b = padded[dy:, dx:]
        rows, cols = np.nonzero(a != b)
        edges.append(np.column_stack([rows - 1 + 0.5 + dy / 2, cols - 1 + 0.5 + dx / 2]))
    outline = np.concatenate(edges)
    out_h, out_w = height + 2 * BUFFER, width + 2 * BUFFER
    ys, xs = np.mgrid[0:out_h, 0:out_w].astype(float)
    # Output pixel centre in pen coordinates at SIZE px, then in the large bitmap's rows and columns.
    pen_x = left + xs - BUFFER + 0.5
    pen_y = top - (ys - BUFFER + 0.5)
    col = pen_x * OVERSAMPLE - big_left
    row = big_top - pen_y * OVERSAMPLE
    points = np.column_stack([row.ravel(), col.ravel()])
    distance = np.full(len(points), np.inf)
    for start in range(0, len(outline), 512):
        chunk = outline[start : start + 512]
        d = np.sqrt(((points[:, None, :] - chunk[None, :, :]) ** 2).sum(axis=2)).min(axis=1)
        distance = np.minimum(distance, d)
    distance /= OVERSAMPLE
    r, c = np.floor(row.ravel()).astype(int), np.floor(col.ravel()).astype(int)
    valid = (r >= 0) & (r < inside.shape[0]) & (c >= 0) & (c < inside.shape[1])
    within = np.zeros(len(points), dtype=bool)
    within[valid] = inside[r[valid], c[valid]]
    signed = np.where(within, -distance, distance)
    values = 255 - 255 * (signed / RADIUS + CUTOFF)
    values = np.clip(np.round(values / QUANTUM) * QUANTUM, 0, 255).astype(np.uint8)
    return values.tobytes(), width, height, left, top, advance


def build_range(face: freetype.Face, ascender: int, stack: str, start: int) -> bytes:
    """One ``{start}-{end}.pbf``: the glyphs of the font in the range, as a ``glyphs`` message."""
    glyphs = b""
    for code in range(start, start + 256):
        if face.get_char_index(code) == 0:
            continue
        bitmap, width, height, left, top, advance = _sdf(face, code)
        message = (
            _field(1, code)
            + (_field(2, bitmap) if bitmap else b"")
            + _field(3, width)
            + _field(4, height)
            + _field(5, left, signed=True)
            + _field(6, top - ascender, signed=True)
            + _field(7, advance)
        )
        glyphs += _field(3, message)
    stack_message = _field(1, stack) + _field(2, f"{start}-{start + 255}") + glyphs
    return _field(1, stack_message)


def _package_dir(path: Path, work: Path) -> Path:
    """The unpacked npm package: ``path`` itself, or the tarball unpacked into ``work``."""
    if path.is_dir():
        return path
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != PACKAGE_SHA256:
        raise SystemExit(f"{path}: sha256 {digest} is not @fontsource/noto-sans {PACKAGE_VERSION}")
    with tarfile.open(path) as archive:
        archive.extractall(work, filter="data")
    return work / "package"


def build(package: Path, out: Path) -> list[Path]:
    """Write every stack's ranges and the font licence under ``out``; return the files written."""
    written: list[Path] = []
    with tempfile.TemporaryDirectory() as work:
        source = _package_dir(package, Path(work))
        for stack, weight in STACKS.items():
            folder = out / stack
            folder.mkdir(parents=True, exist_ok=True)
            for start, subset in RANGES.items():
                font = TTFont(source / "files" / f"noto-sans-{subset}-{weight}-normal.woff")
                font.flavor = None
                buffer = io.BytesIO()
                font.save(buffer)
                face = freetype.Face(io.BytesIO(buffer.getvalue()))
                face.set_pixel_sizes(0, SIZE)
                ascender = face.size.ascender >> 6
                target = folder / f"{start}-{start + 255}.pbf"
                target.write_bytes(build_range(face, ascender, stack, start))
                written.append(target)
        licence = out / "OFL.txt"
        shutil.copyfile(source / "LICENSE", licence)
        written.append(licence)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--package", type=Path, required=True, help="npm pack of @fontsource/noto-sans")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()
    for path in build(args.package, args.out):
        print(path.relative_to(args.out.parent) if path.is_relative_to(args.out.parent) else path)


if __name__ == "__main__":
    main()
