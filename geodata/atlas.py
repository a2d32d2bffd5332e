"""Load every layer of the atlas once, validate it, and hand back GeoDataFrames in EPSG:4326.

This is the only module that reads the data files. A planner edits a CSV or drops in a GeoJSON;
``load_atlas`` either returns a consistent Atlas or raises AtlasDataError listing every problem.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd
from shapely.geometry import LineString, Point

from geodata import atlascache, validate
from geodata import footprints as fp
from geodata.areas import AreaIndex
from geodata.facilities import read_facilities
from geodata.national import period_end
from geodata.problems import AtlasDataError, Problem
from geodata.schema import (
    FOOTPRINT_PROPERTIES,
    INFRASTRUCTURE_COLUMNS,
    NATIONAL_COLUMNS,
    PLACE_COLUMNS,
    PROVINCES,
    ROAD_COLUMNS,
    SECTOR_COLUMNS,
    ZONE_COLUMNS,
    Column,
    parse_records,
)
from geodata.sources import read_csv_records, read_geojson_features

DATA_DIR = Path(__file__).resolve().parent / "data"
CRS = "EPSG:4326"
PROVINCE_PROPERTIES = ("code", "name")
REGENCY_PROPERTIES = ("code", "name", "province_code", "province")

LAYER_FILES: dict[str, str] = {
    "sectors": "sectors.csv",
    "zones": "zones.csv",
    "footprints": "footprints.geojson",
    "places": "places.csv",
    "infrastructure": "infrastructure.csv",
    "roads": "roads.csv",
    "national": "national.csv",
    "facilities": "facilities.csv",
    "provinces": "basemap/provinces.geojson",
    "regencies": "basemap/regencies.geojson",
    "land": "basemap/land.geojson",
}


@dataclass(frozen=True)
class Atlas:
    """Every layer, validated. Zones, places, infrastructure, footprints and facilities are indexed by their id."""

    sectors: pd.DataFrame
    zones: gpd.GeoDataFrame
    footprints: gpd.GeoDataFrame
    places: gpd.GeoDataFrame
    infrastructure: gpd.GeoDataFrame
    roads: gpd.GeoDataFrame
    national: pd.DataFrame
    facilities: gpd.GeoDataFrame
    provinces: gpd.GeoDataFrame
    regencies: gpd.GeoDataFrame
    land: gpd.GeoDataFrame
    files: dict[str, Path] = field(default_factory=dict)

    def layer_counts(self) -> dict[str, int]:
        """Rows per layer, for the validate command's report."""
        return {name: len(getattr(self, name)) for name in LAYER_FILES}


def layer_paths(data_dir: Path | None = None, overrides: Mapping[str, Path] | None = None) -> dict[str, Path]:
    """Where each layer is read from: the data directory, with some layers replaced by other files."""
    base = Path(data_dir) if data_dir else DATA_DIR
    paths = {layer: base / relative for layer, relative in LAYER_FILES.items()}
    for layer, path in (overrides or {}).items():
        if layer not in LAYER_FILES:
            raise ValueError(f"unknown layer '{layer}'; layers are {', '.join(LAYER_FILES)}")
        paths[layer] = Path(path)
    return paths


def layer_for_file(path: Path) -> str | None:
    """Which layer a file is, judged by its name (zones.csv, roads.csv, provinces.geojson, ...)."""
    for layer, relative in LAYER_FILES.items():
        if path.name == Path(relative).name:
            return layer
    return None


def _csv_layer(path: Path, columns, vocabulary=()) -> tuple[pd.DataFrame, list[Problem]]:
    records, problems = read_csv_records(path)
    if not records:
        return pd.DataFrame(columns=[c.name for c in columns]), problems
    frame, parse_problems = parse_records(records, columns, path.name, vocabulary=vocabulary)
    return frame, problems + parse_problems


def _points(frame: pd.DataFrame) -> list[Point | None]:
    return [
        Point(lon, lat) if lon is not None and lat is not None else None
        for lon, lat in zip(frame["lon"], frame["lat"], strict=True)
    ]


def _numeric(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    for column in columns:
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(float)
    return frame


def _check_polygons(features, file: str) -> list[Problem]:
    problems = []
    for position, (_, geometry) in enumerate(features, start=1):
        if geometry is None:
            continue
        if geometry.geom_type not in ("Polygon", "MultiPolygon"):
            problems.append(
                Problem(file, position, "geometry", f"is a {geometry.geom_type}; a Polygon is needed")
            )
        elif not geometry.is_valid:
            problems.append(
                Problem(file, position, "geometry", "is not a valid polygon (self-intersecting?)")
            )
    return problems


def _read_footprints(path: Path, zone_ids: set[str]) -> tuple[gpd.GeoDataFrame, list[Problem]]:
    features, problems = read_geojson_features(path)
    problems += _check_polygons(features, path.name)
    records = [{k: "" if v is None else str(v) for k, v in props.items()} for props, _ in features]
    frame, parse_problems = parse_records(records, FOOTPRINT_PROPERTIES, path.name, first_row=1)
    problems += parse_problems
    problems += validate.check_references(frame, "zone_id", zone_ids, path.name, "zone", first_row=1)
    problems += validate.check_unique(frame, "zone_id", path.name, first_row=1)
    geometries = [geometry for _, geometry in features]
    return gpd.GeoDataFrame(frame, geometry=geometries, crs=CRS), problems


def _read_areas(
    path: Path, properties: tuple[str, ...], known: Mapping[str, str] | None = None
) -> tuple[gpd.GeoDataFrame, list[Problem]]:
    """An administrative layer (provinces or regencies) with the given properties, one row per feature.

    Provinces must carry the 38 official names; a regency must name a province of ``known``
    (code -> name) by code and by name.
    """
    features, problems = read_geojson_features(path)
    problems += _check_polygons(features, path.name)
    frame = pd.DataFrame(
        [
            [None if props.get(key) is None else str(props[key]) for key in properties]
            for props, _ in features
        ],
        columns=list(properties),
        dtype=object,
    )
    for position, row in enumerate(frame.itertuples(index=False), start=1):
        if not all(row):
            problems.append(Problem(path.name, position, "code", f"a feature needs {', '.join(properties)}"))
        elif known is None and row.name not in PROVINCES:
            problems.append(Problem(path.name, position, "name", f"'{row.name}' is not an official province"))
        elif known is not None and known.get(row.province_code) != row.province:
            problems.append(
                Problem(
                    path.name, position, "province", f"'{row.province_code} {row.province}' is not a province"
                )
            )
    problems += validate.check_unique(frame, "code", path.name, first_row=1)
    if known is None and len(features) and set(frame["name"]) != set(PROVINCES):
        missing = ", ".join(sorted(set(PROVINCES) - set(frame["name"])))
        problems.append(Problem(path.name, None, "name", f"provinces without a boundary: {missing}"))
    geometries = [geometry for _, geometry in features]
    return gpd.GeoDataFrame(frame, geometry=geometries, crs=CRS), problems


def _read_land(path: Path) -> tuple[gpd.GeoDataFrame, list[Problem]]:
    """Neighbouring countries' land, drawn under the map; only its geometry matters."""
    features, problems = read_geojson_features(path)
    problems += _check_polygons(features, path.name)
    names = [props.get("name") for props, _ in features]
    return gpd.GeoDataFrame({"name": names}, geometry=[g for _, g in features], crs=CRS), problems


def _with_regencies(zones: gpd.GeoDataFrame, regencies: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Derive each zone's regency (code, name) from its point; fill an empty ``regency`` from it.

    A coastal or offshore point takes the nearest regency within the coast tolerance; a point
    farther out keeps both empty. The row's own ``regency`` text is never overwritten.
    """
    found = AreaIndex(list(regencies.geometry)).locate(list(zones.geometry))
    codes = regencies["code"].to_numpy(dtype=object)
    names = regencies["name"].to_numpy(dtype=object)
    zones["regency_code"] = [codes[i] if i >= 0 else None for i in found]
    zones["regency_name"] = [names[i] if i >= 0 else None for i in found]
    zones["regency"] = [
        text if text else derived
        for text, derived in zip(zones["regency"], zones["regency_name"], strict=True)
    ]
    return zones


def _zones(
    path: Path, vocabulary: list[str], provinces: gpd.GeoDataFrame, regencies: gpd.GeoDataFrame
) -> tuple[gpd.GeoDataFrame, list[Problem]]:
    frame, problems = _csv_layer(path, ZONE_COLUMNS, vocabulary)
    problems += validate.check_unique(frame, "id", path.name)
    problems += validate.check_coordinates(frame, path.name)
    problems += validate.check_figure_sources(frame, path.name)
    zones = gpd.GeoDataFrame(frame, geometry=_points(frame), crs=CRS)
    if len(provinces):
        problems += validate.check_points_in_provinces(zones, provinces, path.name)
    zones = _numeric(zones, ["lon", "lat", "area_ha", "investment_idr_trillion", "workforce"])
    zones["primary_sector"] = [tags[0] if tags else None for tags in zones["sectors"]]
    if len(regencies):
        zones = _with_regencies(zones, regencies)
    return zones.set_index("id", drop=False), problems


def _points_layer(
    path: Path,
    columns: Sequence[Column],
    zones: gpd.GeoDataFrame,
    *,
    taken: set[str] = frozenset(),
    zone_column: str | None = None,
) -> tuple[gpd.GeoDataFrame, list[Problem]]:
    """A layer of points (places, infrastructure): unique ids, coordinates in range, references to
    zones, and no port or airport on a zone's own point (a placeholder copied from the zone)."""
    frame, problems = _csv_layer(path, columns)
    problems += validate.check_unique(frame, "id", path.name, taken=taken)
    problems += validate.check_coordinates(frame, path.name)
    if zone_column:
        problems += validate.check_references(
            frame, zone_column, {z for z in zones.index if z}, path.name, "zone"
        )
    problems += validate.check_transport_off_zone_points(frame, zones, path.name)
    points = _numeric(gpd.GeoDataFrame(frame, geometry=_points(frame), crs=CRS), ["lon", "lat"])
    return points.set_index("id", drop=False), problems


def _roads(path: Path, nodes: gpd.GeoSeries) -> tuple[gpd.GeoDataFrame, list[Problem]]:
    frame, problems = _csv_layer(path, ROAD_COLUMNS)
    problems += validate.check_unique(frame, "id", path.name)
    problems += validate.check_roads(frame, path.name)
    known = set(nodes.index)
    problems += validate.check_references(frame, "from_id", known, path.name, "place or zone")
    problems += validate.check_references(frame, "to_id", known, path.name, "place or zone")
    lines = [
        LineString([nodes[a], nodes[b]]) if a in known and b in known and nodes[a] and nodes[b] else None
        for a, b in zip(frame["from_id"], frame["to_id"], strict=True)
    ]
    roads = _numeric(gpd.GeoDataFrame(frame, geometry=lines, crs=CRS), ["length_km"])
    return roads.set_index("id", drop=False), problems


def _national(path: Path, zone_ids: set[str]) -> tuple[pd.DataFrame, list[Problem]]:
    frame, problems = _csv_layer(path, NATIONAL_COLUMNS)
    problems += validate.check_references(frame, "zone_id", zone_ids, path.name, "zone")
    ends = []
    for index, period in frame["period"].items():
        try:
            ends.append(pd.Timestamp(period_end(period)) if period else pd.NaT)
        except ValueError as exc:
            problems.append(Problem(path.name, validate.spreadsheet_row(index), "period", str(exc)))
            ends.append(pd.NaT)
    frame["period_end"] = ends
    return _numeric(frame, ["value"]), problems


def read_atlas(paths: Mapping[str, Path]) -> tuple[Atlas | None, list[Problem]]:
    """Read and cross-check every layer; return the Atlas (None if any problem) and all problems."""
    problems: list[Problem] = []
    sectors, found = _csv_layer(paths["sectors"], SECTOR_COLUMNS)
    problems += found + validate.check_unique(sectors, "id", paths["sectors"].name)
    vocabulary = [s for s in sectors["id"] if s]
    provinces, found = _read_areas(paths["provinces"], PROVINCE_PROPERTIES)
    problems += found
    known = dict(zip(provinces["code"], provinces["name"], strict=True))
    regencies, found = _read_areas(paths["regencies"], REGENCY_PROPERTIES, known)
    problems += found
    land, found = _read_land(paths["land"])
    problems += found
    zones, found = _zones(paths["zones"], vocabulary, provinces, regencies)
    problems += found
    zone_ids = {z for z in zones["id"] if z}
    shipped, found = _read_footprints(paths["footprints"], zone_ids)
    problems += found
    places, found = _points_layer(paths["places"], PLACE_COLUMNS, zones, taken=zone_ids)
    problems += found
    infrastructure, found = _points_layer(
        paths["infrastructure"], INFRASTRUCTURE_COLUMNS, zones, zone_column="zone_id"
    )
    problems += found
    nodes = gpd.GeoSeries(pd.concat([zones.geometry, places.geometry]))
    roads, found = _roads(paths["roads"], nodes)
    problems += found
    national, found = _national(paths["national"], zone_ids)
    problems += found
    facilities, found = read_facilities(paths["facilities"], vocabulary, taken=zone_ids | set(places.index))
    problems += found
    if problems:
        return None, problems
    footprints = fp.build_footprints(zones, shipped)
    zones = fp.with_boundaries(zones, footprints)
    atlas = Atlas(
        sectors=sectors.set_index("id", drop=False),
        zones=zones,
        footprints=footprints,
        places=places,
        infrastructure=infrastructure,
        roads=roads,
        national=national,
        facilities=facilities,
        provinces=provinces,
        regencies=regencies,
        land=land,
        files=dict(paths),
    )
    return atlas, []


def load_atlas(
    data_dir: Path | None = None, overrides: Mapping[str, Path] | None = None, cache_dir: Path | None = None
) -> Atlas:
    """Load and validate every layer once; raise AtlasDataError naming each problem if any. With
    ``cache_dir``, a data set already validated there is taken from its cache (geodata.atlascache)."""
    paths = layer_paths(data_dir, overrides)
    if cache_dir is None:
        return _validated(paths)
    key = atlascache.cache_key(paths)
    atlas = atlascache.read(cache_dir, key)
    if atlas is None:
        atlas = _validated(paths)
        atlascache.write(cache_dir, key, atlas)
    return atlas


def _validated(paths: Mapping[str, Path]) -> Atlas:
    atlas, problems = read_atlas(paths)
    if atlas is None:
        raise AtlasDataError(problems)
    return atlas
