"""Checks on the committed basemap built by ``geodata/build_basemap.py``.

These read only the committed GeoJSON (no Natural Earth wheel needed), so a
rebuild that breaks province look-ups or geometry validity fails here.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import numpy as np
import pytest
import shapely

from geodata.schema import PROVINCES

BASEMAP = Path(__file__).resolve().parents[1] / "geodata" / "data" / "basemap"
KM_PER_DEG = 111.32
COAST_SLACK_KM = 5.0


# (place, lat, lon, province it must map to via the feature's `includes`)
SAMPLES = [
    ("Medan", 3.59, 98.67, "Sumatera Utara"),
    ("Lhokseumawe", 5.18, 97.15, "Aceh"),
    ("Batam", 1.15, 104.02, "Kepulauan Riau"),
    ("Bintan Galang Batang", 0.98, 104.6, "Kepulauan Riau"),
    ("Tanjung Pandan", -2.75, 107.65, "Kepulauan Bangka Belitung"),
    ("Panimbang", -6.49, 105.80, "Banten"),
    ("Kendal", -6.92, 110.20, "Jawa Tengah"),
    ("Gresik", -7.15, 112.66, "Jawa Timur"),
    ("Singosari", -7.89, 112.67, "Jawa Timur"),
    ("Lombok Pujut", -8.89, 116.29, "Nusa Tenggara Barat"),
    ("Denpasar", -8.65, 115.22, "Bali"),
    ("Balikpapan", -1.27, 116.83, "Kalimantan Timur"),
    ("Penajam", -1.25, 116.77, "Kalimantan Timur"),
    ("Bontang", 0.13, 117.49, "Kalimantan Timur"),
    ("Sangatta", 0.50, 117.53, "Kalimantan Timur"),
    ("Kaliorang", 0.80, 117.85, "Kalimantan Timur"),
    ("Batulicin", -3.42, 116.01, "Kalimantan Selatan"),
    ("Palu", -0.90, 119.87, "Sulawesi Tengah"),
    ("Morowali Bahodopi", -2.81, 122.16, "Sulawesi Tengah"),
    ("Likupang", 1.67, 125.06, "Sulawesi Utara"),
    ("Bitung", 1.44, 125.13, "Sulawesi Utara"),
    ("Daruba", 2.05, 128.29, "Maluku Utara"),
    ("Aimas/Sorong", -0.96, 131.34, "Papua Barat Daya"),
    ("Serpong", -6.32, 106.66, "Banten"),
    ("Subang", -6.57, 107.76, "Jawa Barat"),
    ("Sidoarjo", -7.45, 112.72, "Jawa Timur"),
    ("Paiton", -7.72, 113.5, "Jawa Timur"),
    ("Banyuasin", -2.3, 104.9, "Sumatera Selatan"),
    ("Tanjung Selor", 2.84, 117.37, "Kalimantan Utara"),
]


@cache
def _features(name: str) -> list[dict]:
    return json.loads((BASEMAP / f"{name}.geojson").read_text())["features"]


@cache
def _provinces() -> list[tuple[dict, shapely.Geometry]]:
    return [(f["properties"], shapely.geometry.shape(f["geometry"])) for f in _features("provinces")]


def test_files_are_small() -> None:
    assert (BASEMAP / "land.geojson").stat().st_size < 300 * 1024
    assert (BASEMAP / "provinces.geojson").stat().st_size < 600 * 1024


def test_geometries_valid() -> None:
    geoms = [geom for _, geom in _provinces()]
    land = [shapely.geometry.shape(f["geometry"]) for f in _features("land")]
    for geom in [*geoms, *land]:
        assert geom.geom_type == "MultiPolygon"
        assert geom.is_valid, shapely.is_valid_reason(geom)
        assert not geom.is_empty
    assert shapely.coverage_is_valid(np.array(geoms)), "provinces overlap or have mismatched edges"


def test_properties_and_all_38_names_covered() -> None:
    covered: list[str] = []
    for props, _ in _provinces():
        assert set(props) >= {"id", "name", "includes", "derived_from"}
        assert props["id"] == props["name"].lower().replace(" ", "_")
        assert props["includes"][0] == props["name"]
        covered.extend(props["includes"])
    assert sorted(covered) == sorted(PROVINCES), "each province must be covered exactly once"
    assert len({props["id"] for props, _ in _provinces()}) == len(_provinces())


@pytest.mark.parametrize(("place", "lat", "lon", "province"), SAMPLES, ids=[s[0] for s in SAMPLES])
def test_sample_point_in_province(place: str, lat: float, lon: float, province: str) -> None:
    point = shapely.Point(lon, lat)
    inside = [props["name"] for props, geom in _provinces() if geom.contains(point)]
    (target,) = [(props, geom) for props, geom in _provinces() if province in props["includes"]]
    if inside:
        assert inside == [target[0]["name"]], f"{place} falls in {inside}"
        return
    nearest = min(_provinces(), key=lambda pg: pg[1].distance(point))
    assert nearest[0]["name"] == target[0]["name"], f"{place} is nearest to {nearest[0]['name']}"
    assert target[1].distance(point) * KM_PER_DEG <= COAST_SLACK_KM, f"{place} is off the coast"
