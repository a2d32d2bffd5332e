"""Kaltim connectivity: straight-line and road distances between the estates, IKN, ports and airports.

Straight-line distances are geodesic; road distances are shortest paths over the open trunk-road
links in roads.csv, and null where the graph cannot connect two points (never guessed).
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations, pairwise
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import pandas as pd

from geodata.atlas import Atlas
from geodata.measure import distance_km, distances_km

if TYPE_CHECKING:
    import networkx as nx

KALTIM = "Kalimantan Timur"
IKN_REFERENCE = "ikn_kipp"
DEFAULT_RINGS_KM = (25.0, 50.0, 100.0)
DECIMALS = 1
TRANSPORT_KINDS = ("port", "airport")
# A profile's port or airport this close to a place of the same kind is that place.
SAME_SITE_KM = 2.0


def road_graph(roads: gpd.GeoDataFrame) -> nx.Graph:
    """Undirected graph of open road links; parallel links keep the shortest length."""
    import networkx as nx  # imported on first use: it adds ~0.2 s to the dashboard's start

    graph = nx.Graph()
    for road in roads[roads["open"]].itertuples():
        current = graph.get_edge_data(road.from_id, road.to_id)
        if current is None or road.length_km < current["km"]:
            graph.add_edge(
                road.from_id, road.to_id, km=road.length_km, estimated=road.estimated, link=road.id
            )
    return graph


def road_route(graph: nx.Graph, source: str, target: str) -> tuple[float, bool, list[str]] | None:
    """Shortest road km from source to target, whether any link on it is estimated, and its links."""
    import networkx as nx

    if source not in graph or target not in graph:
        return None
    try:
        path = nx.shortest_path(graph, source, target, weight="km")
    except nx.NetworkXNoPath:
        return None
    edges = [graph.edges[a, b] for a, b in pairwise(path)]
    return sum(e["km"] for e in edges), any(e["estimated"] for e in edges), [e["link"] for e in edges]


def ring_of(km: float, rings_km: Sequence[float]) -> float | None:
    """The smallest ring radius that contains a point ``km`` away, or None outside every ring."""
    inside = [r for r in sorted(rings_km) if km <= r]
    return inside[0] if inside else None


def parse_rings(text: str) -> tuple[float, ...]:
    """Ring radii from '10,30,60': positive km, at most 10 rings, up to 1000 km each."""
    try:
        radii = tuple(sorted({float(part) for part in text.split(",") if part.strip()}))
    except ValueError:
        raise ValueError(f"'{text}' is not a list of km, e.g. 25,50,100") from None
    if not radii:
        raise ValueError("give at least one ring distance in km, e.g. 25,50,100")
    if len(radii) > 10:
        raise ValueError("at most 10 rings")
    if any(r <= 0 or r > 1000 for r in radii):
        raise ValueError("ring distances must be above 0 and at most 1000 km")
    return radii


def transport_points(atlas: Atlas) -> pd.DataFrame:
    """Every port and airport the atlas knows, each with the layer it comes from: the places, and the
    KEK profiles' infrastructure (e.g. Tanjung Bara airport) except the items within ``SAME_SITE_KM``
    of a place of the same kind, which are that place again (Sepinggan, Maloy Port)."""
    columns = ["name", "kind", "lon", "lat"]
    places = atlas.places.loc[atlas.places["kind"].isin(TRANSPORT_KINDS), columns]
    infrastructure = atlas.infrastructure.loc[atlas.infrastructure["kind"].isin(TRANSPORT_KINDS), columns]

    def is_a_place(item) -> bool:
        same = places[places["kind"] == item.kind]
        return (
            bool(len(same))
            and distances_km(item.lon, item.lat, same["lon"], same["lat"]).min() < SAME_SITE_KM
        )

    extra = infrastructure[[not is_a_place(item) for item in infrastructure.itertuples()]]
    return pd.concat([places.assign(layer="places"), extra.assign(layer="infrastructure")])


def _nearest(zone, points: pd.DataFrame, kind: str) -> dict[str, Any] | None:
    candidates = points[points["kind"] == kind]
    if candidates.empty:
        return None
    km = distances_km(zone["lon"], zone["lat"], candidates["lon"], candidates["lat"])
    best = int(km.argmin())
    return {
        "id": candidates.index[best],
        "name": candidates["name"].iloc[best],
        "layer": candidates["layer"].iloc[best],
        "km": round(float(km[best]), DECIMALS),
    }


def _km(value: float | None) -> float | None:
    return None if value is None else round(value, DECIMALS)


def kaltim_sites(atlas: Atlas, province: str = KALTIM) -> gpd.GeoDataFrame:
    """The zones that take part in the Kaltim analysis: every zone in the province."""
    return atlas.zones[atlas.zones["province"] == province]


def site_connectivity(
    atlas: Atlas,
    zone_id: str,
    graph: nx.Graph,
    rings_km: Sequence[float],
    reference_id: str = IKN_REFERENCE,
    transport: pd.DataFrame | None = None,
) -> dict[str, Any]:
    """One zone's distances to IKN (straight and by road), its ring, and its nearest port and airport
    among ``transport`` (default: ``transport_points``)."""
    transport = transport_points(atlas) if transport is None else transport
    zone = atlas.zones.loc[zone_id]
    reference = atlas.places.loc[reference_id]
    straight = distance_km(zone["lon"], zone["lat"], reference["lon"], reference["lat"])
    route = road_route(graph, zone_id, reference_id)
    return {
        "id": zone_id,
        "name": zone["name"],
        "kind": zone["kind"],
        "status": zone["status"],
        "lon": zone["lon"],
        "lat": zone["lat"],
        "coord_precision": zone["coord_precision"],
        "straight_km_to_ikn": _km(straight),
        "road_km_to_ikn": _km(route[0]) if route else None,
        "road_km_estimated": route[1] if route else None,
        "within_ring_km": ring_of(straight, rings_km),
        "nearest_port": _nearest(zone, transport, "port"),
        "nearest_airport": _nearest(zone, transport, "airport"),
    }


def kaltim_analysis(
    atlas: Atlas, rings_km: Sequence[float] = DEFAULT_RINGS_KM, reference_id: str = IKN_REFERENCE
) -> dict[str, Any]:
    """Distances from every Kaltim zone to IKN, ports, airports and each other, as plain JSON-ready data.

    The CLI prints this and the dashboard's distance table shows it, so both always agree.
    """
    reference = atlas.places.loc[reference_id]
    rings = sorted(float(r) for r in rings_km)
    graph = road_graph(atlas.roads)
    sites = kaltim_sites(atlas)
    transport = transport_points(atlas)
    site_rows = [
        site_connectivity(atlas, zone_id, graph, rings, reference_id, transport) for zone_id in sites.index
    ]
    pairs = []
    for (a, zone_a), (b, zone_b) in combinations(sites.iterrows(), 2):
        route = road_route(graph, a, b)
        pairs.append(
            {
                "from": a,
                "to": b,
                "straight_km": _km(distance_km(zone_a["lon"], zone_a["lat"], zone_b["lon"], zone_b["lat"])),
                "road_km": _km(route[0]) if route else None,
                "road_km_estimated": route[1] if route else None,
            }
        )
    return {
        "reference": {
            "id": reference_id,
            "name": reference["name"],
            "lon": reference["lon"],
            "lat": reference["lat"],
        },
        "rings_km": rings,
        "sites": site_rows,
        "pairs": pairs,
    }
