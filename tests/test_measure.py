"""Geodesic measures checked against independent formulas (haversine, spherical caps)."""

from __future__ import annotations

import math

import pytest
from shapely.geometry import MultiPolygon, Polygon

from geodata.measure import area_ha, buffer_rings, distance_km, geodesic_circle, radius_km_for_area

MEAN_EARTH_RADIUS_KM = 6371.0088
AUTHALIC_RADIUS_KM = 6371.0072


def haversine_km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance on a sphere of the mean Earth radius: an independent check."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlmb = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * MEAN_EARTH_RADIUS_KM * math.asin(math.sqrt(a))


def vincenty_km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Vincenty's inverse formula on the WGS84 ellipsoid, written out here as an independent check."""
    a, f = 6378137.0, 1 / 298.257223563
    b = (1 - f) * a
    u1, u2 = (
        math.atan((1 - f) * math.tan(math.radians(lat1))),
        math.atan((1 - f) * math.tan(math.radians(lat2))),
    )
    lon_diff = math.radians(lon2 - lon1)
    lam = lon_diff
    for _ in range(200):
        sin_lam, cos_lam = math.sin(lam), math.cos(lam)
        sin_sigma = math.hypot(
            math.cos(u2) * sin_lam, math.cos(u1) * math.sin(u2) - math.sin(u1) * math.cos(u2) * cos_lam
        )
        if sin_sigma == 0:
            return 0.0
        cos_sigma = math.sin(u1) * math.sin(u2) + math.cos(u1) * math.cos(u2) * cos_lam
        sigma = math.atan2(sin_sigma, cos_sigma)
        sin_alpha = math.cos(u1) * math.cos(u2) * sin_lam / sin_sigma
        cos2_alpha = 1 - sin_alpha**2
        cos_2sm = cos_sigma - 2 * math.sin(u1) * math.sin(u2) / cos2_alpha if cos2_alpha else 0.0
        c = f / 16 * cos2_alpha * (4 + f * (4 - 3 * cos2_alpha))
        previous = lam
        lam = lon_diff + (1 - c) * f * sin_alpha * (
            sigma + c * sin_sigma * (cos_2sm + c * cos_sigma * (-1 + 2 * cos_2sm**2))
        )
        if abs(lam - previous) < 1e-12:
            break
    u_sq = cos2_alpha * (a**2 - b**2) / b**2
    big_a = 1 + u_sq / 16384 * (4096 + u_sq * (-768 + u_sq * (320 - 175 * u_sq)))
    big_b = u_sq / 1024 * (256 + u_sq * (-128 + u_sq * (74 - 47 * u_sq)))
    delta = (
        big_b
        * sin_sigma
        * (
            cos_2sm
            + big_b
            / 4
            * (
                cos_sigma * (-1 + 2 * cos_2sm**2)
                - big_b / 6 * cos_2sm * (-3 + 4 * sin_sigma**2) * (-3 + 4 * cos_2sm**2)
            )
        )
    )
    return b * big_a * (sigma - delta) / 1000.0


PAIRS = [
    ((116.7089, -0.9725), (116.82887, -1.26753)),  # IKN - Balikpapan
    ((116.7089, -0.9725), (117.86959, 0.86672)),  # IKN - Kaliorang
    ((95.3172, 5.5537), (140.7181, -2.5337)),  # Banda Aceh - Jayapura, across the country
    ((106.8456, -6.2088), (110.2022, -6.9213)),  # Jakarta - Kendal
]


@pytest.mark.parametrize(("a", "b"), PAIRS)
def test_distance_agrees_with_haversine_within_half_a_percent(a, b):
    geodesic = distance_km(*a, *b)
    sphere = haversine_km(*a, *b)
    assert geodesic == pytest.approx(sphere, rel=0.005)


@pytest.mark.parametrize(("a", "b"), [*PAIRS, ((106.8, -6.7), (106.8, -5.7))])
def test_distance_agrees_with_vincenty_to_the_metre(a, b):
    assert distance_km(*a, *b) == pytest.approx(vincenty_km(*a, *b), abs=0.001)


def test_one_degree_of_latitude_near_the_equator_is_about_110_6_km():
    # On the WGS84 ellipsoid a degree of latitude at ~6 S is 110.59 km (textbook value).
    assert distance_km(106.8, -6.7, 106.8, -5.7) == pytest.approx(110.59, abs=0.05)


@pytest.mark.parametrize("radius", [1.0, 25.0, 50.0, 100.0])
def test_ring_area_is_within_one_percent_of_the_geodesic_circle(radius):
    ring = geodesic_circle(116.7089, -0.9725, radius)
    cap_km2 = 2 * math.pi * AUTHALIC_RADIUS_KM**2 * (1 - math.cos(radius / AUTHALIC_RADIUS_KM))
    assert area_ha(ring) / 100.0 == pytest.approx(cap_km2, rel=0.01)


def test_ring_vertices_lie_at_the_radius():
    ring = geodesic_circle(117.0, -1.0, 50.0)
    for lon, lat in list(ring.exterior.coords)[:-1]:
        assert distance_km(117.0, -1.0, lon, lat) == pytest.approx(50.0, abs=1e-6)


def test_buffer_rings_are_sorted_and_deduplicated():
    rings = buffer_rings(116.7, -0.97, [100, 25, 50, 25])
    assert list(rings["radius_km"]) == [25.0, 50.0, 100.0]
    assert rings.crs.to_epsg() == 4326
    assert all(rings.geometry.is_valid)


def test_radius_for_area_round_trips_through_the_circle_area():
    radius = radius_km_for_area(2002.77)
    assert area_ha(geodesic_circle(99.34, 3.13, radius)) == pytest.approx(2002.77, rel=0.005)


@pytest.mark.parametrize("bad", [0.0, -5.0])
def test_non_positive_sizes_are_refused(bad):
    with pytest.raises(ValueError, match="positive"):
        geodesic_circle(117.0, -1.0, bad)
    with pytest.raises(ValueError, match="positive"):
        radius_km_for_area(bad)


def test_area_subtracts_holes_whatever_the_rings_orientation():
    square = [(117.0, -1.0), (117.1, -1.0), (117.1, -1.1), (117.0, -1.1)]
    hole = [(117.02, -1.02), (117.05, -1.02), (117.05, -1.05), (117.02, -1.05)]
    whole = area_ha(Polygon(square))
    cut = area_ha(Polygon(hole))
    for exterior in (square, square[::-1]):
        for interior in (hole, hole[::-1]):
            assert area_ha(Polygon(exterior, [interior])) == pytest.approx(whole - cut, rel=1e-9)
    assert area_ha(MultiPolygon([Polygon(square), Polygon(hole)])) == pytest.approx(whole + cut, rel=1e-9)
