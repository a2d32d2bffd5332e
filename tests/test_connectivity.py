"""Kaltim connectivity: shortest road routes, rings and the analysis the CLI and the table share."""

from __future__ import annotations

import geopandas as gpd
import pytest

from geodata.connectivity import (
    kaltim_analysis,
    parse_rings,
    ring_of,
    road_graph,
    road_route,
    transport_points,
)
from geodata.measure import distance_km


def toy_roads() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "id": ["ab", "bc", "ac_long", "cd_closed", "ef"],
            "from_id": ["a", "b", "a", "c", "e"],
            "to_id": ["b", "c", "c", "d", "f"],
            "length_km": [10.0, 5.0, 40.0, 1.0, 3.0],
            "estimated": [False, True, False, False, False],
            "open": [True, True, True, False, True],
        }
    )


def test_shortest_route_sums_links_and_flags_estimates():
    graph = road_graph(toy_roads())
    km, estimated, links = road_route(graph, "a", "c")
    assert km == 15.0 and estimated is True and links == ["ab", "bc"]


def test_closed_links_do_not_route_and_disconnected_is_none():
    graph = road_graph(toy_roads())
    assert road_route(graph, "a", "d") is None
    assert road_route(graph, "a", "f") is None
    assert road_route(graph, "a", "zzz") is None


def test_ring_membership_is_the_smallest_containing_ring():
    assert ring_of(20.0, (25, 50, 100)) == 25
    assert ring_of(25.0, (25, 50, 100)) == 25
    assert ring_of(60.0, (100, 25, 50)) == 100
    assert ring_of(150.0, (25, 50, 100)) is None


@pytest.mark.parametrize(
    ("text", "rings"), [("25,50,100", (25.0, 50.0, 100.0)), (" 60, 10,30 ", (10.0, 30.0, 60.0))]
)
def test_parse_rings(text, rings):
    assert parse_rings(text) == rings


@pytest.mark.parametrize("text", ["", "a,b", "0,10", "-5", "5000", ",".join(str(i) for i in range(1, 13))])
def test_bad_rings_are_refused(text):
    with pytest.raises(ValueError):
        parse_rings(text)


def test_analysis_covers_the_three_estates_with_consistent_numbers(atlas):
    report = kaltim_analysis(atlas)
    sites = {site["id"]: site for site in report["sites"]}
    assert {"ki_kariangau", "ki_buluminung", "maloy_batuta_trans_kalimantan"} <= set(sites)
    reference = report["reference"]
    assert reference["id"] == "ikn_kipp"
    for site in sites.values():
        expected = distance_km(site["lon"], site["lat"], reference["lon"], reference["lat"])
        assert site["straight_km_to_ikn"] == pytest.approx(expected, abs=0.05)
        if site["road_km_to_ikn"] is not None:
            assert site["road_km_to_ikn"] >= site["straight_km_to_ikn"]
        ports = atlas.places[atlas.places["kind"] == "port"]
        nearest = min(distance_km(site["lon"], site["lat"], p.lon, p.lat) for p in ports.itertuples())
        assert site["nearest_port"]["km"] == pytest.approx(nearest, abs=0.05)
    assert sites["ki_kariangau"]["road_km_to_ikn"] is not None
    assert sites["ki_buluminung"]["road_km_to_ikn"] is not None
    assert sites["maloy_batuta_trans_kalimantan"]["road_km_to_ikn"] is not None
    n = len(sites)
    assert len(report["pairs"]) == n * (n - 1) // 2


def test_rings_change_membership(atlas):
    wide = {s["id"]: s["within_ring_km"] for s in kaltim_analysis(atlas, (25, 50, 100))["sites"]}
    narrow = {s["id"]: s["within_ring_km"] for s in kaltim_analysis(atlas, (10, 20))["sites"]}
    assert wide["ki_kariangau"] == 25 and wide["ki_buluminung"] == 50
    assert narrow["ki_kariangau"] is None and narrow["ki_buluminung"] is None
    assert wide["maloy_batuta_trans_kalimantan"] is None


def test_nearest_ports_and_airports_include_the_kek_profiles_infrastructure(atlas):
    sites = {site["id"]: site for site in kaltim_analysis(atlas)["sites"]}
    maloy = sites["maloy_batuta_trans_kalimantan"]
    assert maloy["nearest_port"]["id"] == "port_maloy" and maloy["nearest_port"]["km"] > 0
    airport = maloy["nearest_airport"]  # Tanjung Bara, listed in MBTK's kek.go.id profile, not in places.csv
    assert airport["layer"] == "infrastructure" and airport["id"] in atlas.infrastructure.index
    zone = atlas.zones.loc["maloy_batuta_trans_kalimantan"]
    candidate = atlas.infrastructure.loc[airport["id"]]
    assert airport["km"] == round(
        distance_km(zone["lon"], zone["lat"], candidate["lon"], candidate["lat"]), 1
    )
    assert airport["km"] < min(
        distance_km(zone["lon"], zone["lat"], place["lon"], place["lat"])
        for _, place in atlas.places[atlas.places["kind"] == "airport"].iterrows()
    )
    # kek.go.id's own Sepinggan point is the same airport as places.csv's: the place is the one named
    assert sites["ki_kariangau"]["nearest_airport"]["id"] == "airport_bpn"
    bontang = sites["ki_kaltim_industrial_estate"]["nearest_port"]
    assert bontang["id"] == "port_bontang_lng" and bontang["layer"] == "places"


def test_transport_points_drop_profile_items_that_repeat_a_place(atlas):
    points = transport_points(atlas)
    extra = points[points["layer"] == "infrastructure"]
    assert set(points["kind"]) == {"port", "airport"}
    for _, item in extra.iterrows():
        same = atlas.places[atlas.places["kind"] == item["kind"]]
        assert (
            min(distance_km(item["lon"], item["lat"], p["lon"], p["lat"]) for _, p in same.iterrows()) >= 2.0
        )
    sepinggan = atlas.infrastructure[atlas.infrastructure["name"].str.contains("Sepinggan")]
    assert len(sepinggan) and not set(sepinggan.index) & set(points.index)
