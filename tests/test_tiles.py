"""Tiled layers: a small synthetic parcel file through ``geodata.tiles`` (real GDAL, real tippecanoe),
decoded back tile by tile, refused when bad, and served by the tile routes on a Flask app."""

from __future__ import annotations

import gzip
import math
from pathlib import Path

import geopandas as gpd
import mapbox_vector_tile
import numpy as np
import pytest
import shapely
from flask import Flask

from dashboard.features.tiles import controls, register_tile_routes
from geodata.cli import main
from geodata.measure import area_ha
from geodata.tiles import (
    AGGREGATES,
    EQUATOR_M,
    POLYGONS,
    TILE_PIXELS,
    TileArchive,
    TileLayers,
    TilesError,
    build_tiles,
    polygon_minzoom,
    tiles_dir,
)

USES = ("sawah", "kebun", "industri")
IDS = ("tile-layers", "tile-category", "tile-meta")


def parcels(count: int, side_deg: float, seed: int = 3) -> gpd.GeoDataFrame:
    """Square parcels of one size scattered over part of East Kalimantan, each with a land use."""
    rng = np.random.default_rng(seed)
    lon, lat = rng.uniform(116.5, 117.5, count), rng.uniform(-1.5, -0.5, count)
    return gpd.GeoDataFrame(
        {"guna": rng.choice(USES, count)},
        geometry=shapely.box(lon, lat, lon + side_deg, lat + side_deg),
        crs="EPSG:4326",
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, gpd.GeoDataFrame, object]:
    folder = tmp_path_factory.mktemp("tiles")
    frame = parcels(400, 0.004)
    source = folder / "petak.gpkg"
    frame.to_file(source, engine="pyogrio")
    data = folder / "data"
    return data, frame, build_tiles(source, data, category="guna", progress=lambda _: None)


def _tile_lonlat(z: int, x: int, y: int, px: float, py: float, extent: int) -> tuple[float, float]:
    """lon/lat of a point given in a tile's own coordinates (y down, as MVT stores them)."""
    n = 2**z
    lon = (x + px / extent) / n * 360 - 180
    lat = math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * (y + py / extent) / n))))
    return lon, lat


def _decoded(archive: TileArchive, z: int) -> list[tuple[int, int, dict]]:
    found = []
    for x in range(2**z):
        for y in range(2**z):
            data = archive.tile(z, x, y)
            if data:
                found.append(
                    (
                        x,
                        y,
                        mapbox_vector_tile.decode(
                            gzip.decompress(data), default_options={"y_coord_down": True}
                        ),
                    )
                )
    return found


def test_the_archive_says_what_it_holds_and_where_it_came_from(built):
    data, frame, layer = built
    meta = layer.metadata
    assert layer.path == tiles_dir(data) / "petak.pmtiles" and layer.path.is_file()
    assert meta["feature_count"] == len(frame) and meta["source"] == "petak.gpkg"
    assert meta["categories"] == frame["guna"].value_counts().to_dict()
    assert np.allclose(meta["bounds"], frame.total_bounds, atol=1e-6)
    assert meta["layers"] == [AGGREGATES, POLYGONS] and meta["built"].endswith("Z")
    archive = TileArchive(layer.path)
    assert archive.metadata["feature_count"] == len(frame)
    assert {v["id"] for v in archive.metadata["vector_layers"]} == {AGGREGATES, POLYGONS}
    assert archive.header["min_zoom"] == 0 and archive.header["max_zoom"] == meta["maxzoom"]
    assert archive.header["clustered"]  # tiles in tile-id order: range reads stay local
    assert not [p for p in tiles_dir(data).iterdir() if p.name.startswith(".")]  # no scratch left


def test_polygon_tiles_decode_to_every_parcel_inside_its_tile(built):
    _, frame, layer = built
    archive = TileArchive(layer.path)
    zoom = layer.metadata["polygon_minzoom"]
    seen = set()
    for x, y, layers in _decoded(archive, zoom):
        assert AGGREGATES not in layers
        tile = layers[POLYGONS]
        extent = tile["extent"]
        west, north = _tile_lonlat(zoom, x, y, 0, 0, extent)
        east, south = _tile_lonlat(zoom, x, y, extent, extent, extent)
        margin = (east - west) * 0.05  # tippecanoe keeps a small buffer beyond the tile edge
        for feature in tile["features"]:
            props = feature["properties"]
            assert props["category"] in USES
            seen.add((props["category"], round(props["area_ha"], 2)))
            ring = feature["geometry"]["coordinates"][0]
            for px, py in ring:
                lon, lat = _tile_lonlat(zoom, x, y, px, py, extent)
                assert west - margin <= lon <= east + margin and south - margin <= lat <= north + margin
    expected = {(c, round(area_ha(g), 2)) for c, g in zip(frame["guna"], frame.geometry, strict=True)}
    assert seen == expected


def test_low_zooms_hold_aggregates_that_add_up_to_the_parcels(built):
    _, frame, layer = built
    archive = TileArchive(layer.path)
    for zoom in (0, layer.metadata["polygon_minzoom"] - 1):
        cells = [f for _, _, layers in _decoded(archive, zoom) for f in layers[AGGREGATES]["features"]]
        assert all(f["geometry"]["type"] == "Point" for f in cells)
        assert sum(f["properties"]["count"] for f in cells) == len(frame)
        total = sum(f["properties"]["area_ha"] for f in cells)
        assert total == pytest.approx(sum(area_ha(g) for g in frame.geometry), rel=1e-3)
        assert {f["properties"]["category"] for f in cells} <= set(USES)
        for use in USES:  # the per-category counts add up to each category's parcels
            assert sum(f["properties"].get(f"n:{use}", 0) for f in cells) == (frame["guna"] == use).sum()
    assert len(cells) > 1  # the zoom below the polygons has more than one cell


def test_polygons_start_where_a_typical_parcel_is_wider_than_a_pixel():
    for side_m in (30.0, 120.0, 2_000.0):
        side_deg = side_m / 111_320.0  # at the equator-ish latitudes of the sample
        zoom = polygon_minzoom(parcels(200, side_deg))
        pixel = EQUATOR_M * math.cos(math.radians(1.0)) / TILE_PIXELS  # metres per pixel at zoom 0
        assert pixel / 2**zoom < side_m * 1.01 and pixel / 2 ** (zoom - 1) > side_m * 0.99, (side_m, zoom)


def test_bad_input_is_refused_with_a_reason_and_leaves_nothing(tmp_path):
    data = tmp_path / "data"
    points = gpd.GeoDataFrame(geometry=shapely.points([117.0], [-1.0]), crs="EPSG:4326")
    points.to_file(tmp_path / "titik.geojson", engine="pyogrio")
    no_crs = parcels(5, 0.01).set_crs(None, allow_override=True)
    no_crs.to_file(tmp_path / "tanpa.fgb", driver="FlatGeobuf", engine="pyogrio")
    parcels(5, 0.01).to_file(tmp_path / "petak.fgb", driver="FlatGeobuf", engine="pyogrio")
    (tmp_path / "rusak.gpkg").write_bytes(b"not a geopackage")
    cases = {
        tmp_path / "hilang.gpkg": "no such file",
        tmp_path / "titik.geojson": "no polygons",
        tmp_path / "tanpa.fgb": "no coordinate reference system",
        tmp_path / "rusak.gpkg": "GDAL cannot read",
    }
    for path, reason in cases.items():
        with pytest.raises(TilesError, match=reason):
            build_tiles(path, data, progress=lambda _: None)
    with pytest.raises(TilesError, match="no field 'landuse'"):
        build_tiles(tmp_path / "petak.fgb", data, category="landuse", progress=lambda _: None)
    assert not tiles_dir(data).exists() or not list(tiles_dir(data).iterdir())


def test_the_cli_builds_into_the_data_directory_and_exits_2_on_bad_input(tmp_path, capsys):
    parcels(50, 0.01).to_file(tmp_path / "Petak Desa.fgb", driver="FlatGeobuf", engine="pyogrio")
    store = str(tmp_path / "data")
    assert main(["tiles", str(tmp_path / "Petak Desa.fgb"), "--store", store, "--category", "guna"]) == 0
    out = capsys.readouterr()
    assert "Tiled layer 'petak-desa': 50 polygons" in out.out and "tiled the polygons" in out.err
    # named like tippecanoe's own layer: the parts and the merged archive must not collide
    assert main(["tiles", str(tmp_path / "Petak Desa.fgb"), "--store", store, "--name", POLYGONS]) == 0
    assert TileArchive(tiles_dir(Path(store)) / "parcels.pmtiles").metadata["feature_count"] == 50
    assert TileLayers(Path(store)).names() == ["parcels", "petak-desa"]
    assert main(["tiles", str(tmp_path / "none.gpkg"), "--store", store]) == 2
    assert "cannot tile" in capsys.readouterr().err


@pytest.fixture(scope="module")
def client(built):
    data, _, _ = built
    server = Flask(__name__)
    register_tile_routes(server, TileLayers(data))
    return server.test_client()


def test_tiles_are_served_as_protobuf_gzipped_when_accepted(built, client):
    _, _, layer = built
    archive = TileArchive(layer.path)
    z = layer.metadata["polygon_minzoom"]
    x, y, _ = _decoded(archive, z)[0]
    zipped = client.get(f"/tiles/petak/{z}/{x}/{y}.pbf", headers={"Accept-Encoding": "gzip"})
    assert zipped.status_code == 200 and zipped.mimetype == "application/x-protobuf"
    assert zipped.headers["Content-Encoding"] == "gzip" and zipped.data == archive.tile(z, x, y)
    plain = client.get(f"/tiles/petak/{z}/{x}/{y}.pbf", headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in plain.headers and plain.data == gzip.decompress(zipped.data)
    assert POLYGONS in mapbox_vector_tile.decode(plain.data)
    assert "private" in plain.headers["Cache-Control"] and plain.headers["ETag"]
    again = client.get(f"/tiles/petak/{z}/{x}/{y}.pbf", headers={"If-None-Match": plain.headers["ETag"]})
    assert again.status_code == 304


def test_empty_tiles_are_204_and_unknown_layers_404(built, client):
    _, _, layer = built
    z = layer.metadata["polygon_minzoom"]
    assert client.get(f"/tiles/petak/{z}/0/0.pbf").status_code == 204  # the Arctic: no parcels
    assert client.get("/tiles/petak/30/0/0.pbf").status_code == 204  # deeper than the archive
    assert client.get("/tiles/lain/0/0/0.pbf").status_code == 404
    assert client.get("/tiles/lain.json").status_code == 404
    assert client.get("/tiles/..%2Fpetak.json").status_code == 404


def test_tilejson_points_at_the_tile_route_with_provenance(built, client):
    _, frame, layer = built
    answer = client.get("/tiles/petak.json")
    doc = answer.json
    assert answer.status_code == 200 and doc["tilejson"] == "3.0.0"
    assert doc["tiles"] == ["http://localhost/tiles/petak/{z}/{x}/{y}.pbf"]
    assert doc["maxzoom"] == layer.metadata["maxzoom"] and doc["feature_count"] == len(frame)
    assert doc["source"] == "petak.gpkg" and doc["built"] == layer.metadata["built"]
    assert {v["id"] for v in doc["vector_layers"]} == {AGGREGATES, POLYGONS}


def test_the_controls_list_each_layer_with_its_count_and_categories(built, tmp_path, monkeypatch):
    data, frame, layer = built
    monkeypatch.setenv("ATLAS_DATA_DIR", str(tmp_path))
    (fieldset,) = controls("id")
    assert fieldset.hidden  # no tiled layer in this data directory: nothing to switch on
    monkeypatch.setenv("ATLAS_DATA_DIR", str(data))
    (fieldset,) = controls("id")
    switch, category, meta = (c for c in fieldset.children if getattr(c, "id", None) in IDS)
    assert not fieldset.hidden and switch.options == [{"label": f"petak ({len(frame)})", "value": "petak"}]
    assert [o["value"] for o in category.options] == sorted(USES)
    petak = meta.data["petak"]
    assert (
        petak["url"] == "/tiles/petak.json" and petak["polygon_minzoom"] == layer.metadata["polygon_minzoom"]
    )
    assert set(petak["colours"]) == set(USES) and len(set(petak["colours"].values())) == len(USES)
