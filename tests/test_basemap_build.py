"""The boundary build tool on a real slice of the reference SQL, and the committed official layers.

The build test runs ``tools/build_boundaries.py`` on one province file and one regency file copied
from the reference (skipped only when the reference folder is absent from this machine); the
remaining tests read the committed GeoJSON that the tool wrote.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import sys
from functools import cache
from pathlib import Path

import numpy as np
import pytest
import shapely

from geodata.schema import PROVINCES

ROOT = Path(__file__).resolve().parents[1]
BASEMAP = ROOT / "geodata" / "data" / "basemap"


def _tool(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


boundaries = _tool("build_boundaries")
REFERENCE = boundaries.DEFAULT_REFERENCE / boundaries.SOURCE
needs_reference = pytest.mark.skipif(not REFERENCE.is_dir(), reason=f"no reference copy at {REFERENCE}")

# (place, lon, lat, province, regency) checked against the committed layers
SAMPLES = [
    ("Balikpapan", 116.83, -1.27, "Kalimantan Timur", "Kota Balikpapan"),
    ("Samarinda", 117.15, -0.50, "Kalimantan Timur", "Kota Samarinda"),
    ("Tanjung Selor", 117.37, 2.84, "Kalimantan Utara", "Kabupaten Bulungan"),
    ("Medan", 98.67, 3.59, "Sumatera Utara", "Kota Medan"),
    ("Jakarta (Monas)", 106.827, -6.175, "Daerah Khusus Ibukota Jakarta", "Kota Administrasi Jakarta Pusat"),
    ("Denpasar", 115.22, -8.65, "Bali", "Kota Denpasar"),
    ("Sorong", 131.25, -0.88, "Papua Barat Daya", "Kota Sorong"),
    ("Merauke", 140.40, -8.49, "Papua Selatan", "Kabupaten Merauke"),
    ("Wamena", 138.95, -4.10, "Papua Pegunungan", "Kabupaten Jayawijaya"),
    ("Nabire", 135.50, -3.37, "Papua Tengah", "Kabupaten Nabire"),
]


@needs_reference
def test_build_on_one_province_file_and_its_regencies(tmp_path: Path) -> None:
    """A real build on a slice: lat/lng are swapped to lon/lat, names and codes kept, MIT notice copied."""
    slice_root = tmp_path / "reference" / boundaries.SOURCE
    for relative in (
        "LICENSE",
        "SOURCE_COMMIT",
        "db/prov/wilayah_boundaries_prov_5.sql",
        "db/kab/wilayah_boundaries_kab_64.sql",
    ):
        (slice_root / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(REFERENCE / relative, slice_root / relative)
    out = tmp_path / "out"
    report = boundaries.build(tmp_path / "reference", out)

    provinces = json.loads((out / "provinces.geojson").read_text())["features"]
    national = json.loads((out / "provinces-national.geojson").read_text())["features"]
    assert [f["properties"] for f in national] == [f["properties"] for f in provinces]
    assert len(json.dumps(national)) < len(json.dumps(provinces))  # coarser: fewer vertices
    regencies = json.loads((out / "regencies.geojson").read_text())["features"]
    assert report["regencies"] == len(regencies) == 10  # Kaltim: 7 kabupaten, 3 kota
    assert {"64", "65"} <= {f["properties"]["code"] for f in provinces}
    balikpapan = shapely.Point(116.83, -1.27)  # lon, lat: would be in the Indian Ocean if left unswapped
    (hit,) = [f["properties"] for f in regencies if shapely.geometry.shape(f["geometry"]).covers(balikpapan)]
    assert hit == {
        "code": "64.71", "name": "Kota Balikpapan", "province_code": "64", "province": "Kalimantan Timur",
    }  # fmt: skip
    kaltim = next(f for f in provinces if f["properties"]["code"] == "64")
    assert kaltim["properties"]["name"] == "Kalimantan Timur"
    assert shapely.geometry.shape(kaltim["geometry"]).covers(balikpapan)
    assert "MIT License" in (out / "LICENSE").read_text()
    assert boundaries.source_commit(tmp_path / "reference") in (out / "LICENSE").read_text()


def test_sql_parser_reads_polygons_multipolygons_and_quotes() -> None:
    sql = (
        "INSERT INTO wilayah_boundaries(kode,nama,lat,lng,path) VALUES\n"
        "('99.01','Kab. O''Brien',-1.0,116.5,'[[[-1,116],[-1,117],[-2,117],[-1,116]]]'),\n"
        "('99.02','Kota Dua',NULL,NULL,'[[[[1,100],[1,101],[2,101],[1,100]]],[[[3,100],[3,101],[4,101],[3,100]]]]');\n"
    )
    first, second = boundaries.parse_sql(sql)
    assert (first.code, first.name) == ("99.01", "Kab. O'Brien")
    assert first.geometry.bounds == (116.0, -2.0, 117.0, -1.0)  # lon first
    assert second.geometry.geom_type == "MultiPolygon" and len(second.geometry.geoms) == 2
    with pytest.raises(ValueError, match="deep"):
        boundaries.path_to_geometry("[1, 2]")
    # only the named rows, when names are given (tools/build_estates.py: the areas its rows use)
    assert [a.code for a in boundaries.parse_sql(sql, {"Kota Dua"})] == ["99.02"]
    assert boundaries.parse_sql(sql, set()) == []


@cache
def _layer(name: str) -> list[tuple[dict, shapely.Geometry]]:
    features = json.loads((BASEMAP / f"{name}.geojson").read_text())["features"]
    return [(f["properties"], shapely.geometry.shape(f["geometry"])) for f in features]


def test_files_are_small() -> None:
    assert (BASEMAP / "provinces.geojson").stat().st_size < 400 * 1024
    assert (BASEMAP / "provinces-national.geojson").stat().st_size < 160 * 1024
    assert (BASEMAP / "regencies.geojson").stat().st_size < 2.5 * 1024 * 1024
    assert (BASEMAP / "land.geojson").stat().st_size < 300 * 1024
    assert (BASEMAP / "land-national.geojson").stat().st_size < 60 * 1024


def test_official_names_codes_and_valid_coverages() -> None:
    provinces, regencies = _layer("provinces"), _layer("regencies")
    assert sorted(p["name"] for p, _ in provinces) == sorted(PROVINCES)
    names = {p["code"]: p["name"] for p, _ in provinces}
    assert len(regencies) == 514 and len({p["code"] for p, _ in regencies}) == 514
    for props, _ in regencies:
        assert props["code"].split(".")[0] == props["province_code"]
        assert names[props["province_code"]] == props["province"]
    national = _layer("provinces-national")
    assert [p for p, _ in national] == [p for p, _ in provinces]
    for layer in (provinces, regencies, national):
        geometries = np.array([g for _, g in layer])
        assert all(g.geom_type == "MultiPolygon" and g.is_valid and not g.is_empty for g in geometries)
        assert shapely.coverage_is_valid(geometries), "neighbours overlap or their edges do not match"


def test_rings_follow_rfc7946_winding() -> None:
    for _, geometry in _layer("provinces")[:5]:
        for polygon in geometry.geoms:
            assert polygon.exterior.is_ccw
            assert all(not ring.is_ccw for ring in polygon.interiors)


@pytest.mark.parametrize(("place", "lon", "lat", "province", "regency"), SAMPLES, ids=[s[0] for s in SAMPLES])
def test_sample_points(place: str, lon: float, lat: float, province: str, regency: str) -> None:
    point = shapely.Point(lon, lat)
    assert [p["name"] for p, g in _layer("provinces") if g.covers(point)] == [province]
    assert [p["name"] for p, g in _layer("regencies") if g.covers(point)] == [regency]


def test_land_is_only_the_neighbours() -> None:
    (land,) = [g for _, g in _layer("land")]
    for lon, lat in [(110.34, 1.55), (125.57, -8.56), (141.30, -2.69), (103.82, 1.35), (116.3, 5.6)]:
        assert land.covers(shapely.Point(lon, lat))  # Kuching, Dili, Vanimo, Singapore, inland Sabah
    indonesia = shapely.union_all([g for _, g in _layer("provinces")])
    assert shapely.intersection(land, indonesia).area < 0.01 * indonesia.area
