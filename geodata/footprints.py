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
    by_zone = surveyed.set_index("zone_id") if len(surveyed) else None
    records = []
    for zone_id, zone in zones.iterrows():
        if by_zone is not None and zone_id in by_zone.index:
            boundary = by_zone.loc[zone_id]
            records.append(
                {
                    "zone_id": zone_id,
                    "footprint_source": SURVEYED,
                    "footprint_note": ";".join(boundary["source"]),
                    "footprint_area_ha": area_ha(boundary.geometry),
                    "geometry": boundary.geometry,
                }
            )
        elif pd.notna(zone["area_ha"]) and zone["area_ha"] > 0:
            radius = radius_km_for_area(zone["area_ha"])
            records.append(
                {
                    "zone_id": zone_id,
                    "footprint_source": INDICATIVE,
                    "footprint_note": f"circle of the official {zone['area_ha']:g} ha (r = {radius:.2f} km)",
                    "footprint_area_ha": float(zone["area_ha"]),
                    "geometry": geodesic_circle(zone.geometry.x, zone.geometry.y, radius, vertices=48),
                }
            )
    columns = ["zone_id", "footprint_source", "footprint_note", "footprint_area_ha", "geometry"]
    frame = gpd.GeoDataFrame(pd.DataFrame(records, columns=columns), geometry="geometry", crs="EPSG:4326")
    return frame.set_index("zone_id", drop=False)


def footprint_sources(zones: gpd.GeoDataFrame, footprints: gpd.GeoDataFrame) -> pd.Series:
    """Per zone: surveyed, indicative or none, for the zone table and its exports."""
    return pd.Series(
        [
            footprints.at[z, "footprint_source"] if z in footprints.index else NO_FOOTPRINT
            for z in zones.index
        ],
        index=zones.index,
        name="footprint_source",
    )
