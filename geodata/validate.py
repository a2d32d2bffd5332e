"""Checks that span rows or files: unique ids, coordinate ranges, figure sources, references, provinces.

Each check takes typed frames and returns the problems it finds; it never raises, so one run of
validation reports everything wrong at once.
"""

from __future__ import annotations

from collections.abc import Iterable

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS, Transformer
from shapely.geometry import Point

from geodata.measure import distances_km
from geodata.problems import Problem
from geodata.schema import LAT_RANGE, LON_RANGE

COAST_TOLERANCE_KM = 5.0
# A port or airport closer than this to a zone's point is the zone's point copied, not a location.
OWN_POINT_KM = 0.5
TRANSPORT_KINDS = ("port", "airport")
FIGURE_SOURCES = {
    "area_ha": "area_source",
    "investment_idr_trillion": "investment_source",
    "workforce": "workforce_source",
}
FIGURE_DATES = {"investment_idr_trillion": "investment_as_of", "workforce": "workforce_as_of"}


def spreadsheet_row(index: int) -> int:
    """Row number a planner sees in a spreadsheet for the frame's 0-based index (header is row 1)."""
    return index + 2


def check_unique(
    frame: pd.DataFrame, column: str, file: str, taken: Iterable[str] = (), first_row: int = 2
) -> list[Problem]:
    """Every value of ``column`` appears once, and not among ids already ``taken`` by another file."""
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    reserved = set(taken)
    for index, value in frame[column].items():
        if value is None:
            continue
        row = index + first_row
        if value in seen:
            problems.append(Problem(file, row, column, f"'{value}' is repeated (first at row {seen[value]})"))
        elif value in reserved:
            problems.append(Problem(file, row, column, f"'{value}' is already used as an id in another file"))
        else:
            seen[value] = row
    return problems


def check_coordinates(frame: pd.DataFrame, file: str) -> list[Problem]:
    """lon/lat lie within Indonesia's extent; a swapped pair is named as such."""
    problems: list[Problem] = []
    for index, lon, lat in zip(frame.index, frame["lon"], frame["lat"], strict=True):
        if lon is None or lat is None:
            continue
        row = spreadsheet_row(index)
        lon_ok = LON_RANGE[0] <= lon <= LON_RANGE[1]
        lat_ok = LAT_RANGE[0] <= lat <= LAT_RANGE[1]
        if (
            not lon_ok
            and not lat_ok
            and LON_RANGE[0] <= lat <= LON_RANGE[1]
            and LAT_RANGE[0] <= lon <= LAT_RANGE[1]
        ):
            problems.append(Problem(file, row, "lon", f"lon {lon} and lat {lat} look swapped"))
            continue
        if not lon_ok:
            problems.append(
                Problem(
                    file, row, "lon", f"{lon} is outside Indonesia ({LON_RANGE[0]:g} to {LON_RANGE[1]:g})"
                )
            )
        if not lat_ok:
            problems.append(
                Problem(
                    file, row, "lat", f"{lat} is outside Indonesia ({LAT_RANGE[0]:g} to {LAT_RANGE[1]:g})"
                )
            )
    return problems


def check_figure_sources(zones: pd.DataFrame, file: str) -> list[Problem]:
    """Every figure (area, investment, workforce) has its own source, and dated figures a date."""
    problems: list[Problem] = []
    columns = list({*FIGURE_SOURCES, *FIGURE_SOURCES.values(), *FIGURE_DATES, *FIGURE_DATES.values()})
    for index, zone in zip(zones.index, zones[columns].to_dict("records"), strict=True):
        row = spreadsheet_row(index)
        for figure, source in FIGURE_SOURCES.items():
            if zone[figure] is not None and not zone[source]:
                problems.append(Problem(file, row, source, f"{figure} is given without a source"))
        for figure, as_of in FIGURE_DATES.items():
            if zone[figure] is not None and not zone[as_of]:
                problems.append(Problem(file, row, as_of, f"{figure} is given without an as-of date"))
    return problems


def check_references(
    frame: pd.DataFrame, column: str, known: Iterable[str], file: str, what: str, first_row: int = 2
) -> list[Problem]:
    """Every non-empty value of ``column`` names an existing id."""
    known_ids = set(known)
    return [
        Problem(file, index + first_row, column, f"'{value}' is not a known {what} id")
        for index, value in frame[column].items()
        if value is not None and value not in known_ids
    ]


def check_transport_off_zone_points(points: pd.DataFrame, zones: pd.DataFrame, file: str) -> list[Problem]:
    """No port or airport lies within ``OWN_POINT_KM`` of a zone's own point: such a point was
    copied from the zone as a placeholder, and would make the zone's nearest port 0 km away."""
    problems: list[Problem] = []
    located = zones[zones["lon"].notna() & zones["lat"].notna()]
    if located.empty:
        return problems
    for index, point in points.iterrows():
        if point["kind"] not in TRANSPORT_KINDS or point["lon"] is None or point["lat"] is None:
            continue
        km = distances_km(point["lon"], point["lat"], located["lon"], located["lat"])
        for position in np.flatnonzero(km < OWN_POINT_KM):
            zone = located.iloc[position]
            problems.append(
                Problem(
                    file,
                    spreadsheet_row(index),
                    "lon",
                    f"the {point['kind']} '{point['name']}' lies {km[position] * 1000:.0f} m from the point of "
                    f"zone '{zone['name']}' ({zone['id']}); give the {point['kind']}'s own coordinate",
                )
            )
    return problems


def check_roads(roads: pd.DataFrame, file: str) -> list[Problem]:
    """A sourced length has a source; an estimated one says how; no loops; 0 km only for access links."""
    problems: list[Problem] = []
    for index, road in roads.iterrows():
        row = spreadsheet_row(index)
        if road["estimated"] is False and not road["sources"]:
            problems.append(Problem(file, row, "sources", "a length not marked estimated needs a source"))
        if road["estimated"] is True and not road["notes"]:
            problems.append(
                Problem(file, row, "notes", "an estimated length must say in notes how it was estimated")
            )
        if road["from_id"] is not None and road["from_id"] == road["to_id"]:
            problems.append(Problem(file, row, "to_id", "a link cannot start and end at the same place"))
        if road["length_km"] == 0 and road["kind"] != "access":
            problems.append(
                Problem(file, row, "length_km", "only an access link (a zone drawn on its town) may be 0 km")
            )
    return problems


def _in_indonesia(point: Point) -> bool:
    return LON_RANGE[0] <= point.x <= LON_RANGE[1] and LAT_RANGE[0] <= point.y <= LAT_RANGE[1]


def _km_to_polygon(lon: float, lat: float, polygon) -> float:
    """Distance in km from a point to a polygon, measured in an equidistant projection centred on the point."""
    local = CRS.from_proj4(f"+proj=aeqd +lat_0={lat} +lon_0={lon} +datum=WGS84 +units=m")
    to_local = Transformer.from_crs("EPSG:4326", local, always_xy=True)

    def project(coords: np.ndarray) -> np.ndarray:
        return np.column_stack(to_local.transform(coords[:, 0], coords[:, 1]))

    return shapely.transform(polygon, project).distance(Point(0.0, 0.0)) / 1000.0


def check_points_in_provinces(
    zones: gpd.GeoDataFrame, provinces: gpd.GeoDataFrame, file: str
) -> list[Problem]:
    """Each zone's point lies in its declared province, or within 5 km of that province's coast.

    The derived province layer merges provinces it cannot separate (its ``includes`` lists them),
    so a zone declared in a merged province is checked against the polygon that includes it.
    """
    covering: dict[str, object] = {}
    for includes, geometry in zip(provinces["includes"], provinces.geometry, strict=True):
        for name in includes:
            covering[name] = geometry
    for polygon in covering.values():
        shapely.prepare(polygon)  # thousands of point-in-polygon tests against the same provinces
    problems: list[Problem] = []
    for index, province, point in zip(zones.index, zones["province"], zones.geometry, strict=True):
        if province is None or point is None or not _in_indonesia(point):
            continue  # a missing or out-of-range point is reported by check_coordinates
        polygon = covering.get(province)
        row = spreadsheet_row(index)
        if polygon is None:
            problems.append(Problem(file, row, "province", f"no boundary for province '{province}'"))
            continue
        if polygon.covers(point):
            continue
        km = _km_to_polygon(point.x, point.y, polygon)
        if km > COAST_TOLERANCE_KM:
            problems.append(
                Problem(
                    file,
                    row,
                    "lon",
                    f"point ({point.x}, {point.y}) is {km:.1f} km outside {province}; "
                    "check lon/lat or the province",
                )
            )
    return problems
