"""Everything the map needs, derived from the atlas once at start-up and never again per request.

Geometry is prepared here, rounded to the precision that matters on screen (5 decimals, about 1 m).
The footprints become one compact GeoJSON document (bytes, serialized once) that the browser fetches
by URL and MapLibre tiles itself, so they are never part of the figure or of any callback response.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import orjson
import pandas as pd
import shapely
from shapely.geometry import mapping

from dashboard.facilitymap import FacilityLayer, build_facility_layer
from geodata import Atlas
from geodata.query import province_id

COORD_DECIMALS = 5
KIND_COLORS = {"KEK": "#0072b2", "KI": "#d55e00", "KIHT": "#009e73"}
PLACE_COLORS = {
    "capital": "#b2182b",
    "city": "#4d4d4d",
    "port": "#1f78b4",
    "airport": "#6a3d9a",
    "bridge": "#8c510a",
}


def _round_coords(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, COORD_DECIMALS)
    if isinstance(value, list | tuple):
        return [_round_coords(v) for v in value]
    return value


def feature_collection(ids: list[str], geometries: list[Any], properties: list[dict] | None = None) -> dict:
    """A compact GeoJSON FeatureCollection whose features carry ``id`` for choropleth matching."""
    features = []
    for index, (feature_id, geometry) in enumerate(zip(ids, geometries, strict=True)):
        geo = mapping(geometry)
        features.append(
            {
                "type": "Feature",
                "id": feature_id,
                "properties": properties[index] if properties else {},
                "geometry": {"type": geo["type"], "coordinates": _round_coords(geo["coordinates"])},
            }
        )
    return {"type": "FeatureCollection", "features": features}


def footprint_document(zone_ids: list[str], footprints: pd.DataFrame, zones: pd.DataFrame) -> bytes:
    """The footprints as one GeoJSON FeatureCollection (bytes), coordinates rounded to 5 decimals.

    Vertices within one grid step (1e-5 degree, about 1 m) of the line through their neighbours
    are dropped first: at the precision served they carry no shape, and they were 40 % of the
    official parcels' vertices (a third of the document, which every first visit loads).

    Each feature carries what the map styles and filters by: ``i`` (the zone's position in
    ``zone_ids``, which the filter matches), ``src`` (official, imported or indicative), ``sector`` (primary)
    and ``kind``. Rounding is vectorised in GEOS and written by GEOS, so 20,000 footprints take about
    a second, once.
    """
    position = {zone_id: index for index, zone_id in enumerate(zone_ids)}
    thinned = shapely.simplify(
        np.asarray(footprints.geometry, dtype=object), 10.0**-COORD_DECIMALS, preserve_topology=True
    )
    rounded = shapely.transform(thinned, lambda xy: np.round(xy, COORD_DECIMALS))
    properties = zip(
        footprints.index,
        footprints["boundary"],
        zones["primary_sector"].reindex(footprints.index),
        zones["kind"].reindex(footprints.index),
        strict=True,
    )
    features = b",".join(
        b'{"type":"Feature","properties":'
        + orjson.dumps({"i": position[zone_id], "src": source, "sector": sector, "kind": kind})
        + b',"geometry":'
        + geometry.encode()
        + b"}"
        for (zone_id, source, sector, kind), geometry in zip(
            properties, shapely.to_geojson(rounded), strict=True
        )
    )
    return b'{"type":"FeatureCollection","features":[' + features + b"]}"


@dataclass(frozen=True)
class MapModel:
    """Precomputed arrays and GeoJSON for the map, in a fixed zone order."""

    zone_ids: list[str]
    lon: np.ndarray
    lat: np.ndarray
    footprint_geojson: bytes
    footprint_version: str
    provinces_geojson: dict
    #: the shipped regencies and land files as they are (compact GeoJSON): served, not in a figure
    regencies_geojson: bytes
    land_geojson: bytes
    #: the provinces and land at the whole-country zooms, served as they are (the detailed ones when
    #: a data directory has no provinces-national.geojson or land-national.geojson beside them)
    provinces_national_geojson: bytes
    land_national_geojson: bytes
    sector_order: list[str]
    sector_colors: dict[str, str]
    bounds: dict[str, tuple[float, float, float, float]]
    facilities: FacilityLayer | None = None
    #: zone positions in label priority order (see ``label_priority``)
    label_order: np.ndarray | None = None


KIND_RANK = {"KEK": 0, "KI": 1, "KIHT": 2}
STATUS_RANK = {"operating": 0, "development": 1, "candidate": 2, "revoked": 3}


#: the most zones that get a label. MapLibre places every label of the layer on every frame (and
#: its worker lays out each one's glyphs again after each filter): at 20,000 zones that placement
#: showed in the profile, while the collision rule left only a few dozen on screen at the national
#: zoom. The labels beyond the limit are the lowest in priority; zoomed in, their zones show as
#: points without a name (their hover card still names them).
LABEL_LIMIT = 2000


def label_priority(zones: pd.DataFrame, limit: int = LABEL_LIMIT) -> np.ndarray:
    """Zone positions in the order their labels are placed, the first ``limit`` of them: MapLibre
    places a layer's labels in feature order and drops those that collide, so the first win. KEK
    before KI, operating before development before candidate, then the larger investment, then the
    larger area."""
    investment = zones["investment_idr_trillion"].to_numpy(dtype=float, na_value=np.nan)
    area = zones["area_ha"].to_numpy(dtype=float, na_value=np.nan)
    return np.lexsort(
        (
            -np.nan_to_num(area, nan=-1.0),
            -np.nan_to_num(investment, nan=-1.0),
            zones["status"].map(STATUS_RANK).fillna(9).to_numpy(dtype=float),
            zones["kind"].map(KIND_RANK).fillna(9).to_numpy(dtype=float),
        )
    )[:limit]


def _national(detailed: Path) -> bytes:
    national = detailed.with_name(f"{detailed.stem}-national.geojson")
    return (national if national.exists() else detailed).read_bytes()


def build_map_model(atlas: Atlas) -> MapModel:
    """Derive the map model from a validated atlas."""
    zones = atlas.zones
    fps = atlas.footprints
    provinces = atlas.provinces
    zone_ids = list(zones.index)
    geometries = [fps.at[z, "geometry"] if z in fps.index else zones.at[z, "geometry"] for z in zone_ids]
    bounds = {
        zone_id: tuple(float(b) for b in box)
        for zone_id, box in zip(zone_ids, shapely.bounds(np.asarray(geometries, dtype=object)), strict=True)
    }
    document = footprint_document(zone_ids, fps, zones)
    sector_colors = dict(zip(atlas.sectors.index, atlas.sectors["color"], strict=True))
    return MapModel(
        zone_ids=zone_ids,
        lon=zones["lon"].to_numpy(dtype=float),
        lat=zones["lat"].to_numpy(dtype=float),
        footprint_geojson=document,
        footprint_version=hashlib.sha256(document).hexdigest()[:16],
        provinces_geojson=feature_collection(
            [province_id(n) for n in provinces["name"]],
            list(provinces.geometry),
            [{"name": n} for n in provinces["name"]],
        ),
        regencies_geojson=Path(atlas.files["regencies"]).read_bytes(),
        land_geojson=Path(atlas.files["land"]).read_bytes(),
        provinces_national_geojson=_national(Path(atlas.files["provinces"])),
        land_national_geojson=_national(Path(atlas.files["land"])),
        sector_order=list(atlas.sectors.index),
        sector_colors=sector_colors,
        bounds=bounds,
        facilities=build_facility_layer(atlas, sector_colors),
        label_order=label_priority(zones),
    )


def category_colors(model: MapModel, zones: pd.DataFrame, mode: str) -> tuple[list[str], dict[str, str]]:
    """Per zone its category (primary sector or kind) and the colour of each category."""
    if mode == "kind":
        return list(zones["kind"]), KIND_COLORS
    return list(zones["primary_sector"]), model.sector_colors
