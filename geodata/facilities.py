"""The national facilities layer (palm-oil mills, smelters, steel and cement plants, ...) and
"which plants lie near this point", measured geodesically.

``facilities.csv`` is built by ``tools/build_facilities.py`` (see ``data/FACILITIES.md``); this
module reads and checks it for ``load_atlas`` and answers radius questions for the CLI and the
dashboard.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd

from geodata import validate
from geodata.measure import WGS84
from geodata.problems import Problem
from geodata.query import province_id
from geodata.schema import FACILITY_COLUMNS, parse_records
from geodata.sources import read_csv_records

if TYPE_CHECKING:
    from geodata.atlas import Atlas

DEFAULT_RADIUS_KM = 50.0
KM_PER_DEGREE_LAT = 110.574  # the shortest degree of latitude (at the equator), so the box is never too small


def read_facilities(
    path: Path, vocabulary: Collection[str], taken: Iterable[str] = ()
) -> tuple[gpd.GeoDataFrame, list[Problem]]:
    """Type-check facilities.csv like places: known sectors, unique ids, points inside Indonesia, and
    a unit beside every capacity. Returns the plants indexed by id, with float lon/lat."""
    records, problems = read_csv_records(path)
    frame, found = (
        parse_records(records, FACILITY_COLUMNS, path.name)
        if records
        else (pd.DataFrame(columns=[c.name for c in FACILITY_COLUMNS]), [])
    )
    problems += found
    problems += validate.check_unique(frame, "id", path.name, taken=taken)
    problems += validate.check_references(frame, "sector", vocabulary, path.name, "sector")
    problems += validate.check_coordinates(frame, path.name)
    problems += [
        Problem(path.name, validate.spreadsheet_row(index), "capacity_unit", "a capacity needs its unit")
        for index, capacity, unit in zip(frame.index, frame["capacity"], frame["capacity_unit"], strict=True)
        if capacity is not None and not unit
    ]
    for column in ("lon", "lat", "capacity"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(float)
    plants = gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(frame["lon"], frame["lat"]), crs="EPSG:4326")
    return plants.set_index("id", drop=False), problems


def _frame(atlas_or_frame: Atlas | pd.DataFrame) -> pd.DataFrame:
    return atlas_or_frame if isinstance(atlas_or_frame, pd.DataFrame) else atlas_or_frame.facilities


def facilities_near(
    atlas_or_frame: Atlas | pd.DataFrame,
    lon: float,
    lat: float,
    km: float = DEFAULT_RADIUS_KM,
    sector: str | Collection[str] | None = None,
) -> pd.DataFrame:
    """Plants within ``km`` of (lon, lat) along the WGS84 ellipsoid, nearest first, with a ``km`` column.

    A lon/lat box a little larger than the circle drops far plants cheaply; the survivors are measured
    with one vectorised ``Geod.inv``. ``sector`` is a sector id or several.
    """
    if km < 0:
        raise ValueError(f"a radius cannot be negative, got {km} km")
    plants = _frame(atlas_or_frame)
    if sector is not None:
        plants = plants[plants["sector"].isin([sector] if isinstance(sector, str) else list(sector))]
    dlat = km / KM_PER_DEGREE_LAT * 1.01 + 1e-6
    cos_lat = np.cos(np.radians(min(abs(lat) + dlat, 89.9)))
    dlon = dlat / cos_lat
    lons, lats = plants["lon"].to_numpy(float), plants["lat"].to_numpy(float)
    box = (np.abs(lats - lat) <= dlat) & (np.abs((lons - lon + 180.0) % 360.0 - 180.0) <= dlon)
    near = plants[box]
    _, _, metres = WGS84.inv(
        np.full(len(near), lon, dtype=float), np.full(len(near), lat, dtype=float), lons[box], lats[box]
    )
    distances = np.atleast_1d(np.asarray(metres, dtype=float)) / 1000.0
    near = near.assign(km=distances)[distances <= km]
    return near.iloc[np.lexsort((near["id"].to_numpy(str), near["km"].to_numpy()))]


def select_facilities(
    plants: pd.DataFrame, sectors: Collection[str] = (), provinces: Collection[str] = ()
) -> np.ndarray:
    """Boolean mask of plants in the chosen sectors and provinces (ids as in the URL); empty means all.

    The zone filters on kind and status do not apply: a plant has neither."""
    mask = np.ones(len(plants), dtype=bool)
    if sectors:
        mask &= plants["sector"].isin(list(sectors)).to_numpy()
    if provinces:
        ids = plants["province"].map(lambda name: province_id(name) if name else "")
        mask &= ids.isin(list(provinces)).to_numpy()
    return mask


EXPORT_COLUMNS = tuple(c.name for c in FACILITY_COLUMNS)


def facility_table(plants: pd.DataFrame, mask: np.ndarray) -> pd.DataFrame:
    """The chosen plants as a flat table with every column of facilities.csv (for CSV and GeoJSON)."""
    return pd.DataFrame(plants.loc[mask, list(EXPORT_COLUMNS)]).reset_index(drop=True)


def facility_features(table: pd.DataFrame) -> list[dict]:
    """The plants of a ``facility_table`` as GeoJSON point features, marked ``layer: facility``."""
    records = json.loads(table.to_json(orient="records", force_ascii=False))
    return [
        {
            "type": "Feature",
            "properties": {"layer": "facility", **record},
            "geometry": {"type": "Point", "coordinates": [record["lon"], record["lat"]]},
        }
        for record in records
    ]


def sector_counts(plants: pd.DataFrame) -> dict[str, int]:
    """Plants per sector, largest first (ties by sector id), for legends and the detail panel."""
    counts = plants["sector"].value_counts()
    return {str(s): int(n) for s, n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))}
