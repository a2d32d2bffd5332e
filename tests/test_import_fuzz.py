"""Fuzzing the importer: whatever bytes arrive under whatever name, the answer is a checked layer in
EPSG:4326 or ImportRejected, never another exception."""

from __future__ import annotations

import io
import json
import sqlite3
import tempfile
import time
import zipfile
from pathlib import Path

import geopandas as gpd
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shapely.geometry import box

from geodata.importer import ImportedLayer, read_upload
from geodata.schema import LAT_RANGE, LON_RANGE
from geodata.upload import ImportLimits, ImportRejected

NAMES = st.sampled_from(
    ["a.geojson", "a.json", "a.gpkg", "a.zip", "a.kml", "a.kmz", "a.csv", "a.shp", "a.txt", "a", "A.GEOJSON"]
)
LIMITS = ImportLimits(
    max_bytes=200_000,
    max_features=500,
    max_unpacked_bytes=2_000_000,
    max_columns=6,
    max_vertices=40,
    max_seconds=20,
)
FUZZ = settings(max_examples=100, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])

# Half plausible (lon/lat in Indonesia, closed rings), half anything JSON or CSV can hold.
lon = st.floats(LON_RANGE[0], LON_RANGE[1])
lat = st.floats(LAT_RANGE[0], LAT_RANGE[1])
any_number = st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers())
position = st.one_of(st.tuples(lon, lat).map(list), st.lists(st.one_of(lon, lat, any_number), max_size=4))
ring = st.lists(position, min_size=3, max_size=6).map(lambda points: [*points, points[0]])
json_value = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)
geometry = st.one_of(
    st.fixed_dictionaries({"type": st.just("Point"), "coordinates": position}),
    st.fixed_dictionaries(
        {"type": st.just("Polygon"), "coordinates": st.lists(ring, min_size=1, max_size=2)}
    ),
    st.fixed_dictionaries(
        {
            "type": st.sampled_from(["MultiPolygon", "LineString", "GeometryCollection", "Blob"]),
            "coordinates": st.one_of(st.lists(st.lists(ring, max_size=2), max_size=2), json_value),
        }
    ),
)
feature = st.fixed_dictionaries(
    {
        "type": st.sampled_from(["Feature", "Feature", "Thing"]),
        "properties": st.one_of(st.none(), st.dictionaries(st.text(max_size=10), json_value, max_size=4)),
        "geometry": st.one_of(geometry, geometry, st.none(), json_value),
    }
)
collection = st.fixed_dictionaries(
    {"type": st.sampled_from(["FeatureCollection", "Feature"]), "features": st.lists(feature, max_size=5)}
)
text_cell = st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=8)
csv_text = st.one_of(
    st.builds(
        lambda rows: "nama,lon,lat\n" + "\n".join(f'"{n}",{x},{y}' for n, x, y in rows),
        st.lists(st.tuples(st.text(alphabet='abc ,;"\n', max_size=6), lon, lat), max_size=6),
    ),
    st.builds(
        lambda header, rows, sep: "\n".join(sep.join(r) for r in [header, *rows]),
        st.lists(
            st.sampled_from(["lon", "lat", "nama", "x", "y", "sektor", "LUAS", "", "id"]),
            min_size=1,
            max_size=5,
        ),
        st.lists(st.lists(st.one_of(lon.map(str), lat.map(str), text_cell), max_size=5), max_size=6),
        st.sampled_from([",", ";", "\t"]),
    ),
    # Indonesian Excel: ';' between columns, ',' before decimals, sometimes a NUL or a repeated header
    st.builds(
        lambda extra, rows, junk: "\n".join(
            [
                ";".join(["nama", "lon", "lat", *extra]),
                *(f"{n};{x:.4f};{y:.4f}".replace(".", ",") + junk for n, x, y in rows),
            ]
        ),
        st.lists(st.sampled_from(["luas", "lat", "x", "a", "b", "c", "d", "e"]), max_size=6),
        st.lists(st.tuples(st.text(alphabet="abc", max_size=4), lon, lat), min_size=1, max_size=6),
        st.sampled_from(["", ";1", "\x00", ";1_5"]),
    ),
)


def outcome(name: str, data: bytes, sectors) -> ImportedLayer | None:
    """Import ``data`` saved under ``name``: the layer, or None when it was rejected as it should be."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        return outcome_path(path, sectors)


def outcome_path(path: Path, sectors) -> ImportedLayer | None:
    """Import the file at ``path``: the checked layer, or None when it was rejected with messages."""
    try:
        layer = read_upload(path, sectors=sectors, limits=LIMITS)
    except ImportRejected as exc:
        assert exc.problems and all(p.message for p in exc.problems)
        return None
    frame = layer.frame
    assert frame.crs == "EPSG:4326" and len(frame) >= 1
    assert int(shapely.get_num_coordinates(frame.geometry.values).sum()) <= LIMITS.max_vertices
    assert layer.geometry_kind in ("polygon", "point")
    assert frame.geometry.notna().all() and frame.geometry.is_valid.all() and not frame.geometry.has_z.any()
    minx, miny, maxx, maxy = frame.total_bounds
    assert maxx >= LON_RANGE[0] and minx <= LON_RANGE[1] and maxy >= LAT_RANGE[0] and miny <= LAT_RANGE[1]
    return layer


@pytest.fixture(scope="module")
def sectors(atlas):
    return atlas.sectors


@FUZZ
@given(name=NAMES, data=st.binary(max_size=3000))
def test_random_bytes(sectors, name, data):
    outcome(name, data, sectors)


@FUZZ
@given(name=st.just("a.geojson") | NAMES, document=st.one_of(collection, json_value))
def test_random_json(sectors, name, document):
    outcome(name, json.dumps(document).encode(), sectors)


@FUZZ
@given(name=st.just("a.csv") | NAMES, text=csv_text)
def test_random_csv(sectors, name, text):
    outcome(name, text.encode("utf-8"), sectors)


@FUZZ
@given(
    name=st.sampled_from(["a.zip", "a.kmz"]),
    members=st.dictionaries(
        st.sampled_from(
            ["a.geojson", "b.csv", "doc.kml", "x/../a.geojson", "a.shp", "a.shx", "a.dbf", "a.prj"]
        ),
        st.binary(max_size=500) | collection.map(lambda d: json.dumps(d).encode()),
        max_size=4,
    ),
)
def test_random_archives(sectors, name, members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for member, data in members.items():
            archive.writestr(member, data)
    outcome(name, buffer.getvalue(), sectors)


@FUZZ
@given(
    columns=st.integers(0, 12),
    views=st.lists(st.sampled_from(["endless", "extension", "plain"]), max_size=3),
    triggers=st.integers(0, 3),
)
def test_random_geopackages_with_views_triggers_and_wide_tables(sectors, columns, views, triggers):
    """Views are never read (an endless one would hang), triggers never fire, width is bounded."""
    selects = {
        "endless": "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT n AS fid, geom FROM r, t",
        "extension": "SELECT load_extension('/nonexistent') AS fid, geom FROM t",
        "plain": "SELECT fid, geom FROM t",
    }
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "a.gpkg"
        frame = gpd.GeoDataFrame(
            {f"c{n}": ["v"] for n in range(columns)}, geometry=[box(116.8, -1.2, 116.81, -1.19)], crs=4326
        )
        frame.to_file(path, layer="t", driver="GPKG")
        with sqlite3.connect(path) as connection:
            for n, kind in enumerate(views):
                connection.execute(f"CREATE VIEW v{n} AS {selects[kind]}")
                connection.execute(
                    "INSERT INTO gpkg_contents (table_name, data_type, identifier, srs_id) VALUES (?, 'features', ?, 4326)",
                    (f"v{n}", f"v{n}"),
                )
                connection.execute(
                    "INSERT INTO gpkg_geometry_columns VALUES (?, 'geom', 'POLYGON', 4326, 0, 0)", (f"v{n}",)
                )
            for n in range(triggers):
                connection.execute(
                    f"CREATE TRIGGER g{n} AFTER UPDATE ON t BEGIN SELECT load_extension('/x'); END"
                )
        started = time.monotonic()
        layer = outcome_path(path, sectors)
        assert time.monotonic() - started < LIMITS.max_seconds
    if layer is not None:
        assert len(layer.frame) == 1 and columns <= LIMITS.max_columns
    else:
        assert columns > LIMITS.max_columns
