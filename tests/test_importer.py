"""Importing a planner's file: every bad file refused with its own message, good files read right."""

from __future__ import annotations

import json
import os
import shutil
import zipfile
from pathlib import Path

import geopandas as gpd
import pyogrio
import pytest
from shapely.geometry import Point, box, mapping

from geodata import upload
from geodata.importer import read_upload
from geodata.upload import MB, ImportLimits, ImportRejected, save_upload
from tests.import_corpus.build import KARIANGAU, build, kariangau_utm, utm_no_prj

CORPUS = Path(__file__).resolve().parent / "import_corpus"

REJECTED = [
    ("truncated.geojson", "truncated.geojson: is not valid JSON at line 1, column 121"),
    ("truncated.geojson", "it ends too early, so it was cut short"),
    ("empty.geojson", "empty.geojson: is empty (0 bytes)"),
    ("not_geojson.json", 'is JSON but not GeoJSON; it needs "type": "FeatureCollection"'),
    ("no_features.geojson", "no_features.geojson: has no features"),
    ("vrt_disguised.geojson", "vrt_disguised.geojson: is not valid JSON at line 1, column 1"),
    (
        "linestring.geojson",
        "linestring.geojson, row 1, column 'geometry': is a LineString; "
        "an imported layer holds polygons (boundaries) or points (sites)",
    ),
    (
        "mixed.geojson",
        "mixed.geojson, row 2, column 'geometry': is a Point but the layer's other features are",
    ),
    ("unrepairable.geojson", "unrepairable.geojson, row 1, column 'geometry': is not a valid polygon"),
    ("unrepairable.geojson", "cannot be repaired safely"),
    (
        "collapsed.geojson",
        "collapsed.geojson, row 1, column 'geometry': has no area (its points lie on a line)",
    ),
    ("swapped.geojson", "swapped.geojson: its coordinates look swapped (latitude first)"),
    ("swapped.csv", "swapped.csv, row 3, column 'geometry': lies outside Indonesia (-7.15, 112.6)"),
    ("swapped.csv", "look swapped (latitude first)"),
    ("europe.geojson", "europe.geojson: its coordinates are longitude/latitude outside Indonesia"),
    ("utm_no_prj.zip", "utm_no_prj.zip/utm_no_prj.shp: declares no CRS and its coordinates look projected"),
    ("utm_no_prj.zip", "add the .prj file that came with it, or give its EPSG code"),
    ("utm_wrong_hemisphere.zip", "lies outside Indonesia once converted from EPSG:32650"),
    ("no_shx.zip", "no_shx.zip/no_shx.shp: has no .shx next to its .shp"),
    (
        "missing_columns.csv",
        "missing_columns.csv: has no longitude and latitude column (its columns: nama, sektor)",
    ),
    ("bad_number.csv", "bad_number.csv, row 2, column 'lon': 'east' is not a number"),
    ("traversal.zip", "traversal.zip: holds '../escape.geojson', a path that climbs out of the archive"),
    ("absolute.zip", "absolute.zip: holds '/tmp/absolute.geojson', an absolute path"),
    ("symlink.zip", "symlink.zip: holds 'passwd.geojson', a symbolic link"),
    ("two_datasets.zip", "two_datasets.zip: holds 2 datasets (a, b); choose one with --layer NAME"),
    ("no_dataset.zip", "no_dataset.zip: holds no map data"),
    ("not_a_zip.zip", "not_a_zip.zip: is not a readable zip archive"),
    ("entities.kml", "entities.kml: declares a DTD or entities"),
    ("not_kml.kml", "not_kml.kml: is not a KML document"),
    ("readme.txt", "readme.txt: is a '.txt' file; import GeoJSON"),
]

ACCEPTED_WITH_NOTE = [
    (
        "cp1252.csv",
        "cp1252.csv: is not UTF-8; it was read as Windows-1252 (Excel's 'CSV' on Indonesian Windows)",
    ),
    (
        "bowtie.geojson",
        "bowtie.geojson, row 1, column 'geometry': was not a valid polygon (self-intersection near 110.205, -6.915); "
        "repaired into 2 polygons",
    ),
    ("heights.geojson", "heights.geojson: has heights (Z values); they were dropped"),
    ("measured.gpkg", "measured.gpkg: has measures (M values); they were dropped"),
    (
        "dbf_cp1252.zip",
        "has no .cpg saying how its text is encoded and it is not UTF-8; it was read as Windows-1252",
    ),
]


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The committed text cases and the built binary ones, together in one directory."""
    target = tmp_path_factory.mktemp("import_corpus")
    for path in CORPUS.iterdir():
        if path.is_file() and path.suffix != ".py":
            shutil.copy(path, target / path.name)
    build(target)
    return target


def rejection(path: Path, sectors, **options) -> list[str]:
    with pytest.raises(ImportRejected) as caught:
        read_upload(path, sectors=sectors, **options)
    assert caught.value.report().startswith("Not imported:")
    return [str(p) for p in caught.value.problems]


def write_geojson(path: Path, features: list[tuple[dict, object]]) -> Path:
    frame = gpd.GeoDataFrame([props for props, _ in features], geometry=[g for _, g in features], crs=4326)
    path.write_text(frame.to_json(drop_id=True), encoding="utf-8")
    return path


@pytest.mark.parametrize(("name", "expected"), REJECTED)
def test_each_bad_file_is_rejected_with_its_message(corpus, atlas, name, expected):
    messages = rejection(corpus / name, atlas.sectors)
    assert any(expected in m for m in messages), messages


@pytest.mark.parametrize(("name", "expected"), ACCEPTED_WITH_NOTE)
def test_fixable_files_are_accepted_with_a_note_saying_what_was_done(corpus, atlas, name, expected):
    layer = read_upload(corpus / name, sectors=atlas.sectors)
    notes = [str(n) for n in layer.notes]
    assert any(expected in n for n in notes), notes
    assert layer.frame.crs == "EPSG:4326" and layer.frame.geometry.is_valid.all()
    assert not layer.frame.geometry.has_z.any()


def test_a_bowtie_is_repaired_into_its_two_triangles(corpus, atlas):
    layer = read_upload(corpus / "bowtie.geojson", sectors=atlas.sectors)
    assert layer.repaired == 1
    geometry = layer.frame.geometry.iloc[0]
    assert geometry.geom_type == "MultiPolygon" and len(geometry.geoms) == 2
    assert geometry.area == pytest.approx(0.03 * 0.03 / 2)


def test_a_dbf_without_cpg_keeps_its_accents(corpus, atlas):
    layer = read_upload(corpus / "dbf_cp1252.zip", sectors=atlas.sectors)
    assert layer.frame["name"].tolist() == ["Kawasan Industri Café"]


def test_a_projected_shapefile_without_prj_is_read_with_the_given_crs(tmp_path, atlas):
    layer = read_upload(utm_no_prj(tmp_path / "kariangau.zip"), sectors=atlas.sectors, crs="EPSG:32750")
    assert layer.frame.geometry.iloc[0].symmetric_difference(KARIANGAU).area < 1e-9


def test_a_zip_bomb_is_refused_before_anything_is_extracted(tmp_path, atlas, monkeypatch):
    bomb = tmp_path / "bomb.zip"
    with (
        zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open("zones.geojson", "w") as member,
    ):
        for _ in range(64):
            member.write(b" " * MB)
    assert bomb.stat().st_size < MB

    def no_extraction(*args, **kwargs):
        raise AssertionError("a member was extracted")

    monkeypatch.setattr(upload, "_extract", no_extraction)
    messages = rejection(bomb, atlas.sectors)
    assert any("unpacks" in m and "this looks like a zip bomb" in m for m in messages), messages


def test_an_archive_that_unpacks_too_big_is_refused(tmp_path, atlas):
    archive_path = tmp_path / "big.zip"
    with zipfile.ZipFile(archive_path, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("zones.geojson", os.urandom(2 * MB))
    messages = rejection(archive_path, atlas.sectors, limits=ImportLimits(max_unpacked_bytes=MB))
    assert any("big.zip: unpacks to 2.0 MB; the limit is 1.0 MB" in m for m in messages), messages


def test_a_file_over_the_size_limit_is_refused_unread(corpus, atlas):
    messages = rejection(corpus / "bowtie.geojson", atlas.sectors, limits=ImportLimits(max_bytes=100))
    assert messages == [
        "bowtie.geojson: is 238 bytes; the import limit is 100 bytes "
        "(split the file, or raise ATLAS_IMPORT_MAX_MB)"
    ]


def test_too_many_features(tmp_path, atlas):
    path = write_geojson(tmp_path / "many.geojson", [({"n": i}, Point(110 + i / 10, -7)) for i in range(3)])
    messages = rejection(path, atlas.sectors, limits=ImportLimits(max_features=2))
    assert any("many.geojson: has 3 features; the limit is 2" in m for m in messages), messages
    csv_path = tmp_path / "many.csv"
    csv_path.write_text("lon,lat\n110,-7\n111,-7\n112,-7\n", encoding="utf-8")
    messages = rejection(csv_path, atlas.sectors, limits=ImportLimits(max_features=2))
    assert any("many.csv: has 3 features; the limit is 2" in m for m in messages), messages


def test_many_problems_are_listed_up_to_a_limit(tmp_path, atlas):
    rows = "".join(f"Site {i},east,-7\n" for i in range(80))
    path = tmp_path / "sites.csv"
    path.write_text("nama,lon,lat\n" + rows, encoding="utf-8")
    messages = rejection(path, atlas.sectors)
    assert len(messages) == upload.MAX_PROBLEMS + 1 and messages[-1] == "sites.csv: ... and 30 more"


def test_limits_come_from_the_environment():
    limits = ImportLimits.from_env({"ATLAS_IMPORT_MAX_MB": "5", "ATLAS_IMPORT_MAX_FEATURES": "100"})
    assert (limits.max_bytes, limits.max_features) == (5 * MB, 100)
    assert ImportLimits.from_env({}) == ImportLimits()
    assert ImportLimits().max_bytes == 50 * MB and ImportLimits().max_features == 50_000
    with pytest.raises(ValueError, match="ATLAS_IMPORT_MAX_MB must be a positive number"):
        ImportLimits.from_env({"ATLAS_IMPORT_MAX_MB": "lots"})


def test_an_uploaded_name_cannot_escape_its_directory(tmp_path):
    target = tmp_path / "inbox"
    target.mkdir()
    saved = save_upload("../../etc/zones.geojson", b"{}", target, ImportLimits())
    assert saved == target / "zones.geojson" and saved.read_bytes() == b"{}"
    with pytest.raises(ImportRejected, match="the import limit is 10 bytes"):
        save_upload("zones.geojson", b"x" * 11, target, ImportLimits(max_bytes=10))
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["inbox", "zones.geojson"]


def test_geojson_fields_are_mapped_case_insensitively(tmp_path, atlas):
    path = write_geojson(
        tmp_path / "kek.geojson",
        [
            (
                {
                    "NAMA_KAWASAN": "KEK Kendal",
                    "Jenis": "Kawasan Ekonomi Khusus",
                    "SEKTOR": "Manufaktur; durian; logistics",
                    "Status": "beroperasi",
                    "PROVINSI": "Prov. Jawa Tengah",
                    "LUAS_HA": "1000",
                    "pengelola": "PT KIK",
                    "warna": "merah",
                },
                box(110.19, -6.93, 110.22, -6.90),
            )
        ],
    )
    layer = read_upload(path, sectors=atlas.sectors)
    row = layer.frame.iloc[0]
    assert (row["name"], row["kind"], row["status"], row["province"]) == (
        "KEK Kendal",
        "KEK",
        "operating",
        "Jawa Tengah",
    )
    assert (
        row["sectors"] == "manufacturing;logistics"
        and row["area_ha"] == 1000.0
        and row["operator"] == "PT KIK"
    )
    assert row["warna"] == "merah"  # other columns are kept as they are
    assert layer.fields["name"] == "NAMA_KAWASAN" and layer.fields["sectors"] == "SEKTOR"
    notes = [str(n) for n in layer.notes]
    assert (
        "kek.geojson, row 1, column 'SEKTOR': unknown sector tag 'durian' left out; use ids or labels from sectors.csv"
        in notes
    )
    assert any("kek.geojson: has no column for id, regency, legal_basis" in n for n in notes), notes


def test_geopackage_with_several_layers_needs_a_choice(tmp_path, atlas):
    path = tmp_path / "kawasan.gpkg"
    zones = gpd.GeoDataFrame({"nama": ["KEK Kendal"]}, geometry=[box(110.19, -6.93, 110.22, -6.90)], crs=4326)
    gates = gpd.GeoDataFrame({"nama": ["Gerbang"]}, geometry=[Point(110.2, -6.92)], crs=4326)
    pyogrio.write_dataframe(zones, path, layer="batas")
    pyogrio.write_dataframe(gates, path, layer="gerbang")
    messages = rejection(path, atlas.sectors)
    assert messages == ["kawasan.gpkg: holds 2 layers (batas, gerbang); choose one with --layer NAME"]
    layer = read_upload(path, sectors=atlas.sectors, layer="gerbang")
    assert (
        layer.name == "gerbang"
        and layer.geometry_kind == "point"
        and layer.frame["name"].tolist() == ["Gerbang"]
    )


def test_zipped_shapefile_in_utm_is_reprojected(tmp_path, atlas):
    layer = read_upload(kariangau_utm(tmp_path / "kariangau.zip"), sectors=atlas.sectors)
    assert layer.frame.crs == "EPSG:4326" and layer.name == "kariangau"
    assert layer.frame.geometry.iloc[0].symmetric_difference(KARIANGAU).area < 1e-9
    assert layer.frame["name"].tolist() == ["Kawasan Industri Kariangau"]


KML = """<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document>
<Folder><name>KEK</name><Placemark><name>KEK Kendal</name><description>batas resmi</description>
<Polygon><outerBoundaryIs><LinearRing><coordinates>110.19,-6.93,0 110.22,-6.93,0 110.22,-6.90,0 110.19,-6.90,0 110.19,-6.93,0
</coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark></Folder>
<Folder><name>KI</name><Placemark><name>Kawasan Industri Kariangau</name><MultiGeometry>
<Polygon><outerBoundaryIs><LinearRing><coordinates>116.80,-1.17 116.83,-1.17 116.83,-1.14 116.80,-1.17</coordinates>
</LinearRing></outerBoundaryIs></Polygon></MultiGeometry></Placemark></Folder>
</Document></kml>
"""


def test_kml_folders_are_read_as_one_layer(tmp_path, atlas):
    path = tmp_path / "kawasan.kml"
    path.write_text(KML, encoding="utf-8")
    layer = read_upload(path, sectors=atlas.sectors)
    assert layer.frame["name"].tolist() == ["KEK Kendal", "Kawasan Industri Kariangau"]
    assert layer.frame["folder"].tolist() == ["KEK", "KI"] and layer.frame["notes"].iloc[0] == "batas resmi"
    assert not any("heights" in str(n) for n in layer.notes)  # KML's zero altitudes are not news
    kmz = tmp_path / "kawasan.kmz"
    with zipfile.ZipFile(kmz, "w") as archive:
        archive.writestr("doc.kml", KML)
    assert read_upload(kmz, sectors=atlas.sectors).frame["name"].tolist() == layer.frame["name"].tolist()


def test_csv_with_semicolons_and_indonesian_headers(tmp_path, atlas):
    path = tmp_path / "lokasi.csv"
    path.write_text(
        "\ufeffNama;Sektor;Bujur;Lintang\nKEK Kendal;Manufaktur;110.2;-6.92\nGerbang Tol;;110.25;-6.95\n",
        encoding="utf-8",
    )
    layer = read_upload(path, sectors=atlas.sectors)
    assert layer.geometry_kind == "point" and layer.frame["row"].tolist() == [2, 3]
    assert layer.frame.geometry.iloc[0].equals(Point(110.2, -6.92))
    assert layer.frame["sectors"].tolist() == ["manufacturing", None]
    assert "Bujur" not in layer.frame.columns  # the coordinates are the geometry


def test_a_point_layer_outside_indonesia_names_the_feature(tmp_path, atlas):
    path = write_geojson(
        tmp_path / "sites.geojson",
        [({"nama": "Kendal"}, Point(110.2, -6.92)), ({"nama": "Perth"}, Point(115.86, -31.95))],
    )
    messages = rejection(path, atlas.sectors)
    assert messages == [
        "sites.geojson, row 2, column 'geometry': lies outside Indonesia (115.86, -31.95); "
        "its coordinates are longitude/latitude outside Indonesia"
    ]


def test_a_polygon_with_a_missing_geometry_is_named(tmp_path, atlas):
    path = tmp_path / "gaps.geojson"
    path.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {"type": "Feature", "properties": {}, "geometry": mapping(box(110, -7, 110.1, -6.9))},
                    {"type": "Feature", "properties": {}, "geometry": None},
                    {
                        "type": "Feature",
                        "properties": {},
                        "geometry": {"type": "Polygon", "coordinates": [[[110, -7], [111, -7]]]},
                    },
                ],
            }
        ),
        encoding="utf-8",
    )
    messages = rejection(path, atlas.sectors)
    assert [m.split(":")[0] for m in messages] == [
        "gaps.geojson, row 2, column 'geometry'",
        "gaps.geojson, row 3, column 'geometry'",
    ]
    assert all("has no geometry, or one that cannot be read" in m for m in messages)


def test_a_geopackage_in_utm_is_reprojected(tmp_path, atlas):
    frame = gpd.GeoDataFrame({"nama": ["Kariangau"]}, geometry=[KARIANGAU], crs=4326).to_crs(32750)
    path = tmp_path / "utm.gpkg"
    pyogrio.write_dataframe(frame, path)
    layer = read_upload(path, sectors=atlas.sectors)
    assert layer.frame.geometry.iloc[0].symmetric_difference(KARIANGAU).area < 1e-9
