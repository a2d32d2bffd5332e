"""Zone footprints: the official boundary, a planner's imported one, else an indicative circle.

Each zone's ``boundary`` says which it has: ``official`` (a published boundary shipped in
footprints.geojson, e.g. kek.go.id's), ``imported`` (a planner's own file; it replaces whatever the
zone had), ``indicative`` (a geodesic circle of the official area, only where no boundary exists)
or ``none``. ``measured_area_ha`` is the geodesic area of a real boundary and stays empty for a
circle, whose area is the official figure it was drawn from, not a measurement.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import geopandas as gpd
import pandas as pd
from shapely.geometry.base import BaseGeometry

from geodata.measure import area_ha, geodesic_circle, radius_km_for_area

OFFICIAL = "official"
IMPORTED = "imported"
INDICATIVE = "indicative"
NO_FOOTPRINT = "none"
# What a real boundary says about itself (footprints.geojson properties), kept beside its geometry.
DETAILS = (
    "source",
    "as_of",
    "official_area_ha",
    "legal_basis",
    "metadata_year",
    "map_sources",
    "match",
    "parts",
)
COLUMNS = ["zone_id", "boundary", "footprint_note", "measured_area_ha", *DETAILS, "geometry"]


def boundary_record(
    zone_id: str, boundary: str, note: str, geometry: BaseGeometry, details: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """One real boundary's footprint row, measured on the ellipsoid."""
    known = details or {}
    return {
        "zone_id": zone_id,
        "boundary": boundary,
        "footprint_note": note,
        "measured_area_ha": area_ha(geometry),
        **{key: known.get(key) for key in DETAILS},
        "geometry": geometry,
    }


def footprint_frame(records: list[Any], crs: Any = "EPSG:4326") -> gpd.GeoDataFrame:
    """Footprint rows (dicts or Series with ``COLUMNS``) as the atlas's frame, indexed by zone id."""
    table = pd.DataFrame(records, columns=COLUMNS, dtype=object)
    table = table.astype(
        {"measured_area_ha": float, "official_area_ha": float, "metadata_year": "Int64", "parts": "Int64"}
    )
    return gpd.GeoDataFrame(table, geometry="geometry", crs=crs).set_index("zone_id", drop=False)


def build_footprints(zones: gpd.GeoDataFrame, shipped: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """One footprint per zone that has a boundary in ``shipped`` (footprints.geojson) or an official area.

    A shipped feature marked ``boundary: official`` is official; one without (a planner's own file
    put in place of the shipped one) counts as imported. Either wins over the circle; zones with
    neither a boundary nor an area get no footprint (their point still shows).
    """
    boundaries = {row.zone_id: row for row in shipped.itertuples()}
    records = []
    for zone_id, area, point in zip(zones.index, zones["area_ha"], zones.geometry, strict=True):
        if zone_id in boundaries:
            row = boundaries[zone_id]
            details = {key: getattr(row, key, None) for key in DETAILS}
            details["source"] = ";".join(row.source)
            records.append(
                boundary_record(
                    zone_id, row.boundary or IMPORTED, "; ".join(row.source), row.geometry, details
                )
            )
        elif pd.notna(area) and area > 0:
            radius = radius_km_for_area(area)
            records.append(
                {
                    "zone_id": zone_id,
                    "boundary": INDICATIVE,
                    "footprint_note": f"circle of the official {area:g} ha (r = {radius:.2f} km)",
                    "measured_area_ha": None,
                    "geometry": geodesic_circle(point.x, point.y, radius, vertices=48),
                }
            )
    return footprint_frame(records)


def with_boundaries(zones: gpd.GeoDataFrame, footprints: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """``zones`` with each zone's ``boundary`` kind and ``measured_area_ha``, for the zone table and exports."""
    zones["boundary"] = footprints["boundary"].reindex(zones.index).fillna(NO_FOOTPRINT)
    zones["measured_area_ha"] = footprints["measured_area_ha"].reindex(zones.index).astype(float)
    return zones
