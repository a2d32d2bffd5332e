"""Point-in-province validation, regency derivation and the regency filter, on real files.

The validation tests edit a copy of the shipped zones.csv in a temporary directory and read the
problems the loader reports, so they hold whatever other rows of the shipped data look like.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest
import shapely
from pyproj import Geod

from geodata.areas import COAST_TOLERANCE_KM, AreaIndex, km_to_polygon
from geodata.atlas import layer_paths, read_atlas
from geodata.query import select_zones
from tests.test_validation import rewrite_csv, set_cell

GEOD = Geod(ellps="WGS84")
BALIKPAPAN = (116.83, -1.27)


def _kaltim(atlas) -> shapely.Geometry:
    return atlas.provinces.set_index("name").at["Kalimantan Timur", "geometry"]


def offshore(atlas, km: float) -> tuple[float, float]:
    """A point ``km`` east of where a line due east from Balikpapan leaves Kalimantan Timur."""
    line = shapely.LineString([BALIKPAPAN, (BALIKPAPAN[0] + 1.0, BALIKPAPAN[1])])
    exits = shapely.get_coordinates(shapely.intersection(line, _kaltim(atlas).boundary))
    coast_lon, coast_lat = max(exits, key=lambda xy: xy[0])
    lon, lat, _ = GEOD.fwd(coast_lon, coast_lat, 90.0, km * 1000.0)
    return float(lon), float(lat)


def zone_problems(data_copy, *changes) -> list[str]:
    for change in changes:
        rewrite_csv(data_copy / "zones.csv", change)
    _, problems = read_atlas(layer_paths(data_copy))
    return [str(p) for p in problems if p.file == "zones.csv"]


def kariangau_row(atlas) -> str:
    return f"row {list(atlas.zones.index).index('ki_kariangau') + 2},"


def test_distance_to_a_polygon_is_geodesic():
    box = shapely.box(116.0, -1.0, 117.0, 0.0)
    _, _, metres = GEOD.inv(117.1, -0.5, 117.0, -0.5)
    assert km_to_polygon(117.1, -0.5, box) == pytest.approx(metres / 1000.0, rel=1e-3)
    assert km_to_polygon(116.5, -0.5, box) == 0.0


def test_a_point_in_the_wrong_province_names_the_distance_and_where_it_is(data_copy, atlas):
    messages = zone_problems(data_copy, set_cell("ki_kariangau", "province", "Kalimantan Utara"))
    (message,) = [m for m in messages if kariangau_row(atlas) in m]
    assert "column 'lon'" in message
    found = re.search(r"lies ([\d.]+) km outside Kalimantan Utara \(it is in Kalimantan Timur\)", message)
    assert found, message
    kaltara = atlas.provinces.set_index("name").at["Kalimantan Utara", "geometry"]
    zone = atlas.zones.loc["ki_kariangau"]
    assert float(found.group(1)) == pytest.approx(km_to_polygon(zone["lon"], zone["lat"], kaltara), abs=0.05)
    assert float(found.group(1)) > 200  # Balikpapan Bay is far south of Kalimantan Utara


def test_a_coastal_point_within_the_tolerance_passes_and_one_farther_out_does_not(data_copy, atlas):
    near_lon, near_lat = offshore(atlas, COAST_TOLERANCE_KM / 2)
    assert not _kaltim(atlas).covers(shapely.Point(near_lon, near_lat))
    near = zone_problems(
        data_copy,
        set_cell("ki_kariangau", "lon", f"{near_lon:.5f}"),
        set_cell("ki_kariangau", "lat", f"{near_lat:.5f}"),
    )
    assert not [m for m in near if kariangau_row(atlas) in m]

    far_lon, far_lat = offshore(atlas, 12.0)
    messages = zone_problems(
        data_copy,
        set_cell("ki_kariangau", "lon", f"{far_lon:.5f}"),
        set_cell("ki_kariangau", "lat", f"{far_lat:.5f}"),
    )
    found = [
        re.search(r"lies ([\d.]+) km outside Kalimantan Timur \(it is in no province\)", m) for m in messages
    ]
    (km,) = [
        float(f.group(1)) for f, m in zip(found, messages, strict=True) if f and kariangau_row(atlas) in m
    ]
    assert COAST_TOLERANCE_KM < km <= 12.05  # the coast may curve nearer than due west


def test_zones_get_their_regency_from_the_point(data_copy, atlas):
    near_lon, near_lat = offshore(atlas, 2.0)
    for change in (
        set_cell("ki_kariangau", "regency", ""),
        set_cell("ki_kariangau", "lon", f"{near_lon:.5f}"),
        set_cell("ki_kariangau", "lat", f"{near_lat:.5f}"),
    ):
        rewrite_csv(data_copy / "zones.csv", change)
    edited, problems = read_atlas(layer_paths(data_copy))
    assert edited is not None, [str(p) for p in problems]
    zone = edited.zones.loc["ki_kariangau"]
    assert (zone["regency_code"], zone["regency_name"]) == ("64.71", "Kota Balikpapan")  # nearest, offshore
    assert zone["regency"] == "Kota Balikpapan"  # an empty regency is filled from the derived one
    kept = edited.zones.loc["ki_buluminung"]
    assert kept["regency"] == atlas.zones.at["ki_buluminung", "regency"]  # a written one is kept
    assert kept["regency_code"] == "64.09"


def test_area_index_gives_minus_one_far_at_sea(atlas):
    index = AreaIndex(list(atlas.regencies.geometry))
    points = [shapely.Point(*BALIKPAPAN), shapely.Point(117.5, -2.0), None]
    found = index.locate(points)
    assert atlas.regencies["name"].iloc[found[0]] == "Kota Balikpapan"
    assert list(found[1:]) == [-1, -1]


def test_select_zones_by_regency_code(atlas):
    zones = atlas.zones
    mask = select_zones(zones, regencies=["64.71", "64.09"])
    assert set(zones.index[mask]) == set(zones.index[zones["regency_code"].isin(["64.71", "64.09"])])
    assert {"ki_kariangau", "ki_buluminung"} <= set(zones.index[mask])
    both = select_zones(zones, provinces=["bali"], regencies=["64.71"])
    assert not both.any()  # filters combine with AND
    assert select_zones(zones).all() and isinstance(mask, pd.Series)
