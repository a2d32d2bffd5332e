"""Zone footprints: the surveyed boundary where one exists, else an indicative circle of the official area.

An indicative footprint is honest about being one: its ``footprint_source`` says so, and the map
and exports show it differently from a surveyed boundary.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from geodata.measure import area_ha, geodesic_circle, radius_km_for_area

SURVEYED = "surveyed"
INDICATIVE = "indicative"
NO_FOOTPRINT = "none"


def build_footprints(zones: gpd.GeoDataFrame, surveyed: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """One footprint per zone that has either a surveyed boundary or an official area.

    ``surveyed`` has columns zone_id, source, as_of and polygon geometry; it wins over the circle.
    Zones with neither get no footprint (their point still shows).
    """
    boundaries = dict(
        zip(surveyed["zone_id"], zip(surveyed["source"], surveyed.geometry, strict=True), strict=True)
    )
    records = []
    for zone_id, area, point in zip(zones.index, zones["area_ha"], zones.geometry, strict=True):
        if zone_id in boundaries:
            sources, geometry = boundaries[zone_id]
            records.append(
                {
                    "zone_id": zone_id,
                    "footprint_source": SURVEYED,
                    "footprint_note": ";".join(sources),
                    "footprint_area_ha": area_ha(geometry),
                    "geometry": geometry,
                }
            )
        elif pd.notna(area) and area > 0:
            radius = radius_km_for_area(area)
            records.append(
                {
                    "zone_id": zone_id,
                    "footprint_source": INDICATIVE,
                    "footprint_note": f"circle of the official {area:g} ha (r = {radius:.2f} km)",
                    "footprint_area_ha": float(area),
                    "geometry": geodesic_circle(point.x, point.y, radius, vertices=48),
                }
            )
    columns = ["zone_id", "footprint_source", "footprint_note", "footprint_area_ha", "geometry"]
    frame = gpd.GeoDataFrame(pd.DataFrame(records, columns=columns), geometry="geometry", crs="EPSG:4326")
    return frame.set_index("zone_id", drop=False)


def footprint_sources(zones: gpd.GeoDataFrame, footprints: gpd.GeoDataFrame) -> pd.Series:
    """Per zone: surveyed, indicative or none, for the zone table and its exports."""
    return footprints["footprint_source"].reindex(zones.index).fillna(NO_FOOTPRINT).rename("footprint_source")
