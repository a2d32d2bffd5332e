"""Candidate-site comparison: the criteria values of any set of zones, taken from the core's measures."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from geodata.atlas import Atlas
from geodata.connectivity import DEFAULT_RINGS_KM, road_graph, site_connectivity
from geodata.scoring import STATUS_ORDER

KALTIM_ESTATES = ("ki_kariangau", "ki_buluminung", "maloy_batuta_trans_kalimantan")


def _number(value: Any) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def criteria_values(atlas: Atlas, site_ids: Sequence[str]) -> dict[str, dict[str, float | None]]:
    """Per site, the value of every scoring criterion (None where the data does not say)."""
    graph = road_graph(atlas.roads)
    values: dict[str, dict[str, float | None]] = {}
    for zone_id in site_ids:
        zone = atlas.zones.loc[zone_id]
        link = site_connectivity(atlas, zone_id, graph, DEFAULT_RINGS_KM)
        values[zone_id] = {
            "road_km_to_ikn": link["road_km_to_ikn"],
            "straight_km_to_ikn": link["straight_km_to_ikn"],
            "port_km": link["nearest_port"]["km"] if link["nearest_port"] else None,
            "airport_km": link["nearest_airport"]["km"] if link["nearest_airport"] else None,
            "area_ha": _number(zone["area_ha"]),
            "sector_count": float(len(zone["sectors"])),
            "status_level": STATUS_ORDER[zone["status"]],
            "investment_idr_trillion": _number(zone["investment_idr_trillion"]),
        }
    return values
