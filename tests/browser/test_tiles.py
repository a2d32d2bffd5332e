"""A tiled layer (geodata.tiles) drawn by the live MapLibre map from the server's /tiles route, in
headless Chromium with the internet blocked: aggregates when zoomed out, parcels coloured by
category when zoomed in, and the category filter applied on the map without a server round trip."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely

from geodata.tiles import build_tiles
from tests.browser.harness import running_server
from tests.browser.test_flows import pick_from_dropdown

LIVE_MAP_JS = "document.querySelector('#map .js-plotly-plot')._fullLayout.map._subplot.map"
USES = ("sawah", "kebun", "industri")
CENTRE = (116.9, -1.2)  # Balikpapan's hinterland


@pytest.fixture(scope="module")
def server_url(tmp_path_factory):
    """The dashboard on a data directory holding one small tiled layer, 'petak'."""
    data = tmp_path_factory.mktemp("atlas-tiles")
    rng = np.random.default_rng(11)
    lon = rng.uniform(CENTRE[0] - 0.1, CENTRE[0] + 0.1, 300)
    lat = rng.uniform(CENTRE[1] - 0.1, CENTRE[1] + 0.1, 300)
    frame = gpd.GeoDataFrame(
        {"guna": rng.choice(USES, 300)},
        geometry=shapely.box(lon, lat, lon + 0.004, lat + 0.004),
        crs="EPSG:4326",
    )
    frame.to_file(data / "petak.gpkg", engine="pyogrio")
    layer = build_tiles(data / "petak.gpkg", data, category="guna", progress=lambda _: None)
    assert layer.metadata["polygon_minzoom"] > 6  # so the test sees aggregates first, then parcels
    with running_server(env={"ATLAS_DATA_DIR": str(data)}) as url:
        yield url


def rendered(session, layer: str) -> list[dict]:
    """Properties of the features the live map has drawn in one of its layers (empty until it has)."""
    return session.page.evaluate(
        f"(id) => {{ const map = {LIVE_MAP_JS}; if (!map.getLayer(id)) {{ return []; }}"
        " return map.queryRenderedFeatures({layers: [id]}).map((f) => f.properties); }",
        layer,
    )


def move(session, zoom: float) -> None:
    session.page.evaluate(
        f"([lon, lat, zoom]) => {LIVE_MAP_JS}.jumpTo({{center: [lon, lat], zoom}})", [*CENTRE, zoom]
    )


def test_the_layer_draws_from_the_tile_route_and_filters_by_category_on_the_map(session):
    requested: list[str] = []
    session.page.on("request", lambda request: requested.append(request.url))
    session.open()
    assert not [url for url in requested if "/tiles/" in url]  # nothing fetched while the layer is off

    first = session.page.evaluate("() => fetch('/tiles/petak.json').then((r) => r.json())")["polygon_minzoom"]
    session.page.locator("#tile-layers").get_by_text("petak (300)").click()
    move(session, 5)  # one tile holds every cell
    session.page.wait_for_function(
        f"() => {LIVE_MAP_JS}.queryRenderedFeatures({{layers: ['atlas-tiles-petak-cells']}}).length > 0"
    )
    cells = rendered(session, "atlas-tiles-petak-cells")
    assert sum(c["count"] for c in cells) == 300 and {c["category"] for c in cells} <= set(USES)
    assert rendered(session, "atlas-tiles-petak-fill") == []  # no polygons below their first zoom

    move(session, first + 1)
    session.page.wait_for_function(
        f"() => {LIVE_MAP_JS}.queryRenderedFeatures({{layers: ['atlas-tiles-petak-fill']}}).length > 0"
    )
    parcels = rendered(session, "atlas-tiles-petak-fill")
    assert {p["category"] for p in parcels} == set(USES)
    assert any("/tiles/petak.json" in url for url in requested)
    assert any(f"/tiles/petak/{first + 1}/" in url and url.endswith(".pbf") for url in requested)

    session.settle()
    server_calls = len([url for url in requested if "_dash-update-component" in url])
    session.page.evaluate(f"() => {{ {LIVE_MAP_JS}.__sameMap = true; }}")
    pick_from_dropdown(session, "tile-category", "sawah")
    session.page.wait_for_function(
        f"() => {{ const f = {LIVE_MAP_JS}.queryRenderedFeatures({{layers: ['atlas-tiles-petak-fill']}});"
        " return f.length > 0 && f.every((x) => x.properties.category === 'sawah'); }"
    )
    move(session, 5)  # zoomed out, the filter keeps the cells holding a parcel of that category
    session.page.wait_for_function(
        f"() => {{ const f = {LIVE_MAP_JS}.queryRenderedFeatures({{layers: ['atlas-tiles-petak-cells']}});"
        " return f.length > 0 && f.every((x) => x.properties['n:sawah'] > 0); }"
    )
    assert session.page.evaluate(f"() => {LIVE_MAP_JS}.__sameMap === true")  # the figure was not rebuilt
    assert len([url for url in requested if "_dash-update-component" in url]) == server_calls
    assert session.blocked == []
    assert session.console_errors == []


PROGRAMS_JS = f"() => Object.keys({LIVE_MAP_JS}.painter.cache)"
WARM_LEFT_JS = (
    f"() => {{ const map = {LIVE_MAP_JS}; return [map.getSource('atlas-shader-warm-up'),"
    " ...map.getStyle().layers.filter((l) => l.id.startsWith('atlas-shader-warm-up'))].filter(Boolean).length; }"
)


def _parcel_like(keys: set[str]) -> set[str]:
    """Programs of a fill with a constant opacity or of a line with constant paint: the parcels'
    kinds (the footprints' fade by feature state, an attribute: ``a_fill-opacity``, ``a_line-opacity``)."""
    return {
        k for k in keys
        if (k.startswith("fill/") and "u_fill-opacity" in k) or (k.startswith("line/") and "/a_" not in k)
    }  # fmt: skip


def test_switching_a_layer_on_compiles_the_parcels_shaders_before_any_parcel_is_drawn(session):
    """MapLibre compiles a layer's shaders when it first draws it; in software GL that blocks the
    page for 200-700 ms, which used to fall mid-pan where the parcels first appear (bench.tiles).
    The switch-on draws the same layers once, unseen, so zooming in to the parcels compiles nothing."""
    session.open()
    move(session, 5)
    session.settle()
    session.page.locator("#tile-layers").get_by_text("petak (300)").click()
    session.page.wait_for_function(
        f"() => {LIVE_MAP_JS}.queryRenderedFeatures({{layers: ['atlas-tiles-petak-cells']}}).length > 0"
    )
    session.page.wait_for_function(f"() => ({WARM_LEFT_JS})() === 0")  # the warm-up is gone once drawn
    compiled = set(session.page.evaluate(PROGRAMS_JS))
    assert rendered(session, "atlas-tiles-petak-fill") == []
    assert any(k.startswith("fill/a_fill-color/") and "u_fill-opacity" in k for k in compiled)

    first = session.page.evaluate("() => fetch('/tiles/petak.json').then((r) => r.json())")["polygon_minzoom"]
    move(session, first + 2)  # fills and outlines
    session.page.wait_for_function(
        f"() => {LIVE_MAP_JS}.queryRenderedFeatures({{layers: ['atlas-tiles-petak-line']}}).length > 0"
    )
    assert rendered(session, "atlas-tiles-petak-fill")
    assert _parcel_like(set(session.page.evaluate(PROGRAMS_JS)) - compiled) == set()
    assert session.console_errors == []
