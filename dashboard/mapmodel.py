"""Everything the map needs, derived from the atlas once at start-up and never again per request.

Geometry (footprints, provinces, rings' base, roads) is prepared here, rounded to the precision
that matters on screen (5 decimals, about 1 m), and sent to the browser once in the first figure.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from shapely.geometry import mapping

from geodata import Atlas
from geodata.footprints import INDICATIVE, SURVEYED
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


@dataclass(frozen=True)
class MapModel:
    """Precomputed arrays and GeoJSON for the map, in a fixed zone order."""

    zone_ids: list[str]
    lon: np.ndarray
    lat: np.ndarray
    indicative_ids: list[str]
    surveyed_ids: list[str]
    indicative_geojson: dict
    surveyed_geojson: dict
    provinces_geojson: dict
    sector_order: list[str]
    sector_colors: dict[str, str]
    bounds: dict[str, tuple[float, float, float, float]]


def build_map_model(atlas: Atlas) -> MapModel:
    """Derive the map model from a validated atlas."""
    zones = atlas.zones
    fps = atlas.footprints
    indicative = fps[fps["footprint_source"] == INDICATIVE]
    surveyed = fps[fps["footprint_source"] == SURVEYED]
    provinces = atlas.provinces
    bounds = {}
    for zone_id, zone in zones.iterrows():
        geometry = fps.at[zone_id, "geometry"] if zone_id in fps.index else zone.geometry
        bounds[zone_id] = tuple(float(b) for b in geometry.bounds)
    return MapModel(
        zone_ids=list(zones.index),
        lon=zones["lon"].to_numpy(dtype=float),
        lat=zones["lat"].to_numpy(dtype=float),
        indicative_ids=list(indicative.index),
        surveyed_ids=list(surveyed.index),
        indicative_geojson=feature_collection(list(indicative.index), list(indicative.geometry)),
        surveyed_geojson=feature_collection(list(surveyed.index), list(surveyed.geometry)),
        provinces_geojson=feature_collection(
            [province_id(n) for n in provinces["name"]],
            list(provinces.geometry),
            [{"name": n} for n in provinces["name"]],
        ),
        sector_order=list(atlas.sectors.index),
        sector_colors=dict(zip(atlas.sectors.index, atlas.sectors["color"], strict=True)),
        bounds=bounds,
    )


def category_colors(model: MapModel, zones: pd.DataFrame, mode: str) -> tuple[list[str], dict[str, str]]:
    """Per zone its category (primary sector or kind) and the colour of each category."""
    if mode == "kind":
        return list(zones["kind"]), KIND_COLORS
    return list(zones["primary_sector"]), model.sector_colors
