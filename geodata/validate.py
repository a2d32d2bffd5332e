"""Checks that span rows or files: unique ids, coordinate ranges, figure sources, references, provinces.

Each check takes typed frames and returns the problems it finds; it never raises, so one run of
validation reports everything wrong at once.
"""

from __future__ import annotations

from collections.abc import Iterable

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import Point

from geodata.areas import COAST_TOLERANCE_KM, AreaIndex, km_to_polygon
from geodata.measure import distances_km
from geodata.problems import Problem
from geodata.schema import LAT_RANGE, LON_RANGE

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


def check_points_in_provinces(
    zones: gpd.GeoDataFrame, provinces: gpd.GeoDataFrame, file: str, index: AreaIndex | None = None
) -> list[Problem]:
    """Each zone's point lies in its declared province, or within 5 km (geodesic) of it.

    The tolerance absorbs the generalised coastline; a problem names the distance and the province
    the point actually falls in, so a swapped lon/lat or a wrong province is told apart.
    """
    index = index or AreaIndex(list(provinces.geometry))
    polygons = dict(zip(provinces["name"], provinces.geometry, strict=True))
    candidates = [
        (row, province, point)
        for row, province, point in zip(zones.index, zones["province"], zones.geometry, strict=True)
        if province is not None and point is not None and _in_indonesia(point)
    ]  # a missing or out-of-range point is reported by check_coordinates
    inside = index.containing([point for _, _, point in candidates])
    names = list(provinces["name"])
    problems: list[Problem] = []
    for (row, province, point), found in zip(candidates, inside, strict=True):
        polygon = polygons.get(province)
        if polygon is None:
            problems.append(
                Problem(file, spreadsheet_row(row), "province", f"no boundary for province '{province}'")
            )
            continue
        if found >= 0 and names[found] == province:
            continue
        km = km_to_polygon(point.x, point.y, polygon)
        if km > COAST_TOLERANCE_KM:
            actual = f"it is in {names[found]}" if found >= 0 else "it is in no province"
            problems.append(
                Problem(
                    file,
                    spreadsheet_row(row),
                    "lon",
                    f"point ({point.x}, {point.y}) lies {km:.1f} km outside {province} ({actual}); "
                    "check lon/lat or the province",
                )
            )
    return problems
