"""Write the sector colours into ``geodata/data/sectors.csv`` (its ``color`` column only, by ``id``).

Run as ``python tools/build_palette.py [--csv PATH]``; idempotent, other columns and rows untouched.

Why: 33 sectors cannot get 33 distinguishable hues. The 14 main sectors of the design cards get
hues from Paul Tol's and Okabe & Ito's colour-blind-safe qualitative sets, chosen so that every
pair stays apart (CIE76 delta E of at least 18) for normal vision and under deuteranopia and
protanopia (Machado et al. 2009 simulation; ``tests/test_palette.py`` checks it). The other
sectors get muted variants: the hue of a related main sector mixed halfway with grey, so that they
read as "minor" and never compete with the main hues.
"""

from __future__ import annotations

import argparse
import csv
import io
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CSV = ROOT / "geodata" / "data" / "sectors.csv"

#: the design cards' main sectors -> their hue
MAIN = {
    "manufacturing": "#0072B2",
    "palm_oil": "#44BB99",
    "rubber": "#666633",
    "bauxite": "#997700",
    "smelter": "#663333",
    "nickel": "#332288",
    "steel": "#000000",
    "cement": "#EEDD88",
    "petrochemical": "#AA3377",
    "tobacco": "#CCBB44",
    "tourism": "#88CCEE",
    "logistics": "#222255",
    "energy": "#F0E442",
    "digital": "#EE6677",
}
#: every other sector -> the main sector whose hue it mutes
MUTED_FROM = {
    "fertilizer": "petrochemical",
    "health": "digital",
    "education": "tourism",
    "mro": "logistics",
    "wood_processing": "rubber",
    "mining_downstream": "smelter",
    "cocoa": "bauxite",
    "coconut": "palm_oil",
    "seaweed": "tourism",
    "rattan": "rubber",
    "fisheries": "manufacturing",
    "pharmaceutical": "digital",
    "creative_industry": "petrochemical",
    "food": "palm_oil",
    "electronics": "nickel",
    "chemicals": "petrochemical",
    "mixed": "steel",
    "automotive": "manufacturing",
    "textile": "tobacco",
}
GREY = "#9E9E9E"
MUTE = 0.5  # share of grey in a muted variant


def mix(color: str, other: str, share: float) -> str:
    """``color`` mixed with ``share`` of ``other`` (in sRGB), as #rrggbb."""
    a = [int(color[i : i + 2], 16) for i in (1, 3, 5)]
    b = [int(other[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(x * (1 - share) + y * share):02x}" for x, y in zip(a, b, strict=True))


def palette() -> dict[str, str]:
    """Every sector's colour: the main hues as they are, the rest muted."""
    colors = {sector: hue.lower() for sector, hue in MAIN.items()}
    colors |= {sector: mix(MAIN[source], GREY, MUTE) for sector, source in MUTED_FROM.items()}
    return colors


def patch(path: Path) -> None:
    """Set the ``color`` of each known sector id in the CSV; other rows and columns stay as they are."""
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        fields = list(reader.fieldnames or [])
        rows = list(reader)
    colors = palette()
    for row in rows:
        row["color"] = colors.get(row["id"], row["color"])
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--csv", type=Path, default=DEFAULT_CSV)
    patch(parser.parse_args().csv)


if __name__ == "__main__":
    main()
