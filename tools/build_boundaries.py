"""Build the official province and regency layers from the wilayah_boundaries SQL dump.

Run as ``python tools/build_boundaries.py [--reference DIR] [--out DIR]``.

Why: the atlas must answer "which province / regency is this point in?" with the official
Kepmendagri boundaries (38 provinces, 514 regencies and cities), offline. The reference copy of
github.com/cahyadsn/wilayah_boundaries (MIT) ships them as MySQL ``INSERT`` rows
``(kode, nama, lat, lng, path)`` where ``path`` is JSON of **[lat, lng]** pairs. This script parses
the SQL without a database, swaps to lon/lat, repairs, simplifies each layer as a coverage (so
neighbours keep their shared edges), rounds, orients the rings as RFC 7946 asks and writes
``provinces.geojson``, ``regencies.geojson``, ``provinces-national.geojson`` (the provinces at
the whole-country zooms, which the map shows first: about a third of the bytes) and a ``LICENSE``
with the upstream MIT notice.
The output is deterministic: the same reference gives byte-identical files.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import shapely
from pyproj import Geod
from shapely.geometry.base import BaseGeometry

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_REFERENCE = ROOT.parent / "shared" / "reference"
DEFAULT_OUT = ROOT / "geodata" / "data" / "basemap"
SOURCE = Path("boundaries") / "wilayah_boundaries"

#: Coverage-simplification tolerance in degrees (roughly the square root of the triangle areas
#: removed; 0.01 degree is about 1.1 km). Chosen so that provinces stay under ~400 kB and
#: regencies under ~2.5 MB raw. The national provinces are drawn only below zoom 4.5
#: (dashboard.figures.DETAIL_ZOOM), where a pixel is ~3.4 km or more.
TOLERANCE = {"provinces": 0.02, "regencies": 0.006, "provinces-national": 0.06}
#: The upstream polygons are not edge-matched (neighbours overlap or leave slivers along about 7 %
#: of the province edges); ``coverage_clean`` snaps them into a coverage first and gives slivers
#: narrower than this (degrees, about 110 m) to the neighbour with the longest shared border.
GAP_WIDTH = 0.001
#: Island parts smaller than this (km², geodesic area on the WGS84 ellipsoid) are dropped
#: after simplification: they are below a pixel at the zooms the layers draw at.
MIN_PART_KM2 = {"provinces": 0.5, "regencies": 0.5, "provinces-national": 2.0}
#: Output coordinate decimals (1e-4 degree is about 11 m); the national provinces need only 1e-2
#: (about 1.1 km, a third of a pixel where they are drawn).
DECIMALS = {"provinces": 4, "regencies": 4, "provinces-national": 2}
WRITE_DECIMALS = 6
WGS84 = Geod(ellps="WGS84")

LICENSE_PREFACE = """\
provinces.geojson and regencies.geojson are derived from wilayah_boundaries
(https://github.com/cahyadsn/wilayah_boundaries, commit {commit}) by
tools/build_boundaries.py and are distributed under its licence, reproduced here.
land.geojson is Natural Earth data, in the public domain.

"""
_STRING = r"'([^'\\]*(?:(?:\\.|'')[^'\\]*)*)'"  # unrolled: megabyte-long paths stay fast
_NUMBER = r"(-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?|NULL)"
_ROW = re.compile(
    r"\(\s*" + r"\s*,\s*".join([_STRING, _STRING, _NUMBER, _NUMBER, _STRING]) + r"\s*\)", re.DOTALL
)
_INSERT = re.compile(r"INSERT\s+INTO\s+`?wilayah_boundaries`?\s*\(([^)]*)\)\s*VALUES", re.IGNORECASE)


@dataclass(frozen=True)
class Area:
    """One administrative area as read from the SQL: code, official name and its geometry."""

    code: str
    name: str
    geometry: BaseGeometry


def _unquote(text: str) -> str:
    return text.replace("''", "'").replace("\\'", "'").replace('\\"', '"').replace("\\\\", "\\")


def _rings_to_polygon(rings: list) -> shapely.Polygon:
    """A polygon from [lat, lng] rings (the first is the shell): swap each pair to lon/lat."""
    shells = [np.asarray(ring, dtype=float)[:, ::-1] for ring in rings if len(ring) >= 4]
    return shapely.Polygon(shells[0], shells[1:]) if shells else shapely.Polygon()


def path_to_geometry(path: str) -> BaseGeometry:
    """Turn the ``path`` JSON into a valid (Multi)Polygon in lon/lat.

    The JSON nests [lat, lng] pairs as rings (a polygon, depth 3) or as polygons (depth 4).
    """
    nested = json.loads(path)
    depth, probe = 0, nested
    while isinstance(probe, list) and probe:
        depth, probe = depth + 1, probe[0]
    if depth == 2:  # a bare ring
        nested, depth = [nested], 3
    if depth == 3:
        parts = [_rings_to_polygon(nested)]
    elif depth == 4:
        parts = [_rings_to_polygon(polygon) for polygon in nested]
    else:
        raise ValueError(f"path nests coordinates {depth} deep; expected 3 (polygon) or 4 (multipolygon)")
    geometry = shapely.make_valid(shapely.MultiPolygon([p for p in parts if not p.is_empty]))
    return _polygonal(geometry)


def _polygonal(geometry: BaseGeometry) -> BaseGeometry:
    """Keep only the polygonal parts (make_valid can return lines where a ring collapsed)."""
    parts = [g for g in shapely.get_parts(geometry) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else shapely.MultiPolygon()


def parse_sql(text: str, names: Collection[str] | None = None) -> list[Area]:
    """Every row of every ``INSERT INTO wilayah_boundaries(kode,nama,lat,lng,path)`` in an SQL dump,
    or only the rows named in ``names``: making a geometry valid is nearly all of the time, and a
    caller that needs a few areas of a level need not pay for the others."""
    areas = []
    for insert in _INSERT.finditer(text):
        columns = [c.strip(" `") for c in insert.group(1).split(",")]
        if columns != ["kode", "nama", "lat", "lng", "path"]:
            raise ValueError(f"unexpected INSERT columns {columns}")
        end = text.find(";\n", insert.end())
        body = text[insert.end() : end if end >= 0 else len(text)]
        for row in _ROW.finditer(body):
            code, name, _lat, _lng, path = row.groups()
            name = _unquote(name)
            if names is None or name in names:
                areas.append(Area(_unquote(code), name, path_to_geometry(_unquote(path))))
    return areas


def read_level(reference: Path, level: str) -> list[Area]:
    """All areas of one level (``prov`` or ``kab``), sorted by code."""
    files = sorted((reference / SOURCE / "db" / level).glob("*.sql"))
    if not files:
        raise FileNotFoundError(f"no SQL files in {reference / SOURCE / 'db' / level}")
    areas = [area for file in files for area in parse_sql(file.read_text(encoding="utf-8"))]
    codes = [a.code for a in areas]
    if len(set(codes)) != len(codes):
        raise ValueError(f"duplicate codes in {level}: {sorted({c for c in codes if codes.count(c) > 1})}")
    return sorted(areas, key=lambda a: a.code)


def _drop_specks(geometry: BaseGeometry, min_km2: float) -> BaseGeometry:
    """Drop island parts too small to see; never the largest part (every area keeps a face)."""
    parts = list(shapely.get_parts(geometry))
    if not parts:
        return geometry
    areas = np.array([abs(WGS84.geometry_area_perimeter(part)[0]) / 1e6 for part in parts])
    keep = [p for p, a in zip(parts, areas, strict=True) if a >= min_km2]
    return shapely.MultiPolygon(keep or [parts[int(np.argmax(areas))]])


def simplify(
    geometries: list[BaseGeometry], tolerance: float, min_km2: float, decimals: int
) -> list[BaseGeometry]:
    """Clean and simplify all areas of a layer together, snap them to the output grid and orient.

    ``coverage_clean`` makes the upstream polygons edge-matched; ``coverage_simplify`` moves each
    shared edge once, so neighbours stay edge-matched. Snapping each area to the grid on its own
    can pull a shared edge apart where vertices collapse, so a last clean (no gap filling, no
    snapping) re-nodes those few places; RFC 7946 wants exterior rings counter-clockwise.
    """
    cleaned = shapely.coverage_clean(np.array(geometries, dtype=object), gap_width=GAP_WIDTH)
    simplified = shapely.coverage_simplify(cleaned, tolerance)
    snapped = [
        _drop_specks(_polygonal(shapely.set_precision(geometry, 10.0**-decimals)), min_km2)
        for geometry in simplified
    ]
    renoded = shapely.coverage_clean(np.array(snapped, dtype=object), snapping_distance=0.0)
    return [shapely.orient_polygons(_polygonal(geometry), exterior_cw=False) for geometry in renoded]


def _coordinates(geometry: BaseGeometry) -> list:
    """GeoJSON MultiPolygon coordinates without float noise: grid vertices print with DECIMALS, the
    few nodes the last clean added keep WRITE_DECIMALS (rounding them to the grid could reopen it)."""
    polygons = []
    for polygon in shapely.get_parts(geometry):
        rings = [polygon.exterior, *polygon.interiors]
        polygons.append([np.round(np.asarray(r.coords), WRITE_DECIMALS).tolist() for r in rings])
    return polygons


def write_geojson(path: Path, features: Iterable[tuple[dict, BaseGeometry]]) -> int:
    """Write a compact FeatureCollection of MultiPolygons; return its size in bytes."""
    collection = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": props,
                "geometry": {"type": "MultiPolygon", "coordinates": _coordinates(geometry)},
            }
            for props, geometry in features
        ],
    }
    text = json.dumps(collection, ensure_ascii=False, separators=(",", ":")) + "\n"
    path.write_text(text, encoding="utf-8")
    return len(text.encode())


def source_commit(reference: Path) -> str:
    """The upstream commit the reference copy was taken at (first word of SOURCE_COMMIT)."""
    return (reference / SOURCE / "SOURCE_COMMIT").read_text().split()[0]


def build(reference: Path, out: Path) -> dict[str, int]:
    """Derive the layers and copy the licence; return feature counts and sizes."""
    provinces = read_level(reference, "prov")
    regencies = read_level(reference, "kab")
    names = {p.code: p.name for p in provinces}
    orphans = sorted(r.code for r in regencies if r.code.split(".")[0] not in names)
    if orphans:
        raise ValueError(f"regencies of unknown provinces: {orphans}")
    out.mkdir(parents=True, exist_ok=True)
    report: dict[str, int] = {}
    layers = {
        "provinces": [(p, {"code": p.code, "name": p.name}) for p in provinces],
        "regencies": [
            (
                r,
                {
                    "code": r.code,
                    "name": r.name,
                    "province_code": r.code.split(".")[0],
                    "province": names[r.code.split(".")[0]],
                },
            )
            for r in regencies
        ],
    }
    layers["provinces-national"] = layers["provinces"]
    for layer, rows in layers.items():
        geometries = simplify(
            [a.geometry for a, _ in rows], TOLERANCE[layer], MIN_PART_KM2[layer], DECIMALS[layer]
        )
        size = write_geojson(
            out / f"{layer}.geojson", [(p, g) for (_, p), g in zip(rows, geometries, strict=True)]
        )
        report[layer] = len(rows)
        report[f"{layer}_bytes"] = size
    notice = (reference / SOURCE / "LICENSE").read_text(encoding="utf-8")
    (out / "LICENSE").write_text(
        LICENSE_PREFACE.format(commit=source_commit(reference)) + notice, encoding="utf-8"
    )
    return report


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--reference", type=Path, default=DEFAULT_REFERENCE, help="the shared reference folder"
    )
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help="output folder (default: geodata/data/basemap)"
    )
    args = parser.parse_args(argv)
    report = build(args.reference, args.out)
    print(
        f"source commit {source_commit(args.reference)}: " + ", ".join(f"{k} {v}" for k, v in report.items())
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
