"""Write ``assets/favicon.ico``: the atlas's own icon, a zone point in the header's accent colour.

Run as ``python tools/build_favicon.py``. Dash serves ``assets/favicon.ico`` at ``/_favicon.ico``
when there is one, and its own (Plotly's logo, 15 kB) otherwise; this one is a few hundred bytes
of the first page (issue 14).
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parents[1]
FAVICON = ROOT / "assets" / "favicon.ico"
ACCENT = "#0b5394"  # --accent in assets/atlas.css
SIZE = 32  # Pillow writes the 16 px image from it too


def icon() -> Image.Image:
    """A disc with a white ring, as the map draws a zone (4x supersampled, then reduced)."""
    big = SIZE * 4
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((4, 4, big - 5, big - 5), fill=ACCENT)
    ring = big // 4
    draw.ellipse((ring, ring, big - ring - 1, big - ring - 1), outline="white", width=big // 12)
    return image.resize((SIZE, SIZE), Image.Resampling.LANCZOS)


def main() -> None:
    icon().save(FAVICON, sizes=[(16, 16), (32, 32)])
    print(f"{FAVICON.relative_to(ROOT)}: {FAVICON.stat().st_size} bytes")


if __name__ == "__main__":
    main()
