"""The import's check and confirm go through the store's pending uploads (tests/test_storage_contract.py
has their contract), so they may reach different workers; a damaged store never stops the app."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from shapely.geometry import box, mapping

from dashboard.features.imports import apply_upload, layer_items, plan_upload
from dashboard.runtime import LiveRuntime, build_runtime
from geodata.store import Store, StoreUnreadable


def upload_contents(features: list[dict]) -> str:
    document = json.dumps({"type": "FeatureCollection", "features": features}).encode()
    return "data:application/geo+json;base64," + base64.b64encode(document).decode()


def test_a_plan_made_on_one_worker_is_confirmed_on_another_and_overrides_are_explicit(tmp_path, atlas):
    runtime = build_runtime(atlas, ())
    kendal = {
        "type": "Feature",
        "properties": {"id": "kendal"},
        "geometry": mapping(box(110.19, -6.93, 110.22, -6.90)),
    }
    world = {
        "type": "Feature",
        "properties": {"id": "ki_kariangau"},
        "geometry": mapping(box(-179, -80, 179, 80)),
    }
    worker_a, worker_b = Store(tmp_path), Store(tmp_path)
    plan = plan_upload(
        runtime.atlas, worker_a, upload_contents([kendal, world]), "batas.geojson", "footprints", "id"
    )
    options, values, disabled, token = plan["options"], plan["matches"], plan["disabled"], plan["token"]
    assert not disabled and values == ["kendal", "ki_kariangau"] and plan["override"] == []
    assert "⚠ its area is" in options[1]["label"] and "⚠" not in options[0]["label"]
    message, stored = apply_upload(runtime, worker_b, token, values, [], "id")
    text = str(message)
    assert not stored and "tidak tampak seperti batas Kawasan Industri Kariangau (KIK)" in text
    assert worker_b.layers() == []
    message, stored = apply_upload(runtime, worker_b, token, ["kendal"], [], "en")
    assert stored and [i.features for i in worker_a.layers()] == [1]
    message, stored = apply_upload(runtime, worker_b, token, values, ["override"], "en")
    assert not stored and "expired" in str(message)  # confirmed once
    assert list((tmp_path / "tmp").iterdir()) == []


def test_a_hostile_upload_is_refused_in_indonesian(tmp_path, atlas):
    runtime = build_runtime(atlas, ())
    contents = upload_contents([]).replace(
        base64.b64encode(b'{"type": "FeatureCollection", "features": []}').decode(),
        base64.b64encode(
            json.dumps(
                {
                    "type": "FeatureCollection",
                    "crs": {"type": "link", "properties": {"href": "http://169.254.169.254/latest"}},
                    "features": [
                        {
                            "type": "Feature",
                            "properties": {},
                            "geometry": {"type": "Point", "coordinates": [116.8, -1.2]},
                        }
                    ],
                }
            ).encode()
        ).decode(),
    )
    plan = plan_upload(runtime.atlas, Store(tmp_path), contents, "x.geojson", "overlay", "id")
    report, disabled, token = plan["report"], plan["disabled"], plan["token"]
    assert disabled and token is None
    assert "menyebut CRS-nya lewat tautan ke alamat web" in str(report)


def test_a_damaged_store_leaves_the_atlas_serving_and_says_why(tmp_path, atlas):
    store = Store(tmp_path)
    Path(store.location).write_bytes(b"SQLite format 3\x00" + b"\xff" * 4000)
    with pytest.raises(StoreUnreadable):
        store.layers()
    live = LiveRuntime(atlas, store)
    assert live.get().atlas is atlas and live.unreadable is not None
    assert "atlas.sqlite: tidak dapat dibaca" in str(layer_items(store, "id"))


def test_the_browser_is_not_told_to_use_a_command_line_option(tmp_path, atlas):
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in ("a.geojson", "b.geojson"):
            archive.writestr(name, json.dumps({"type": "FeatureCollection", "features": []}))
    contents = "data:application/zip;base64," + base64.b64encode(buffer.getvalue()).decode()
    for lang, expected in (
        ("id", "berisi 2 lapisan (a, b); unggah satu lapisan per berkas"),
        ("en", "upload one layer per file"),
    ):
        report = plan_upload(atlas, Store(tmp_path), contents, "dua.zip", "overlay", lang)
        report = report["report"]
        assert expected in str(report) and "--layer" not in str(report)


def test_the_hanging_geopackage_upload_is_refused_in_the_users_language(tmp_path, atlas):
    import sqlite3
    import time

    from tests.test_import_hostile import ENDLESS, geopackage

    path = geopackage(tmp_path / "hang.gpkg", {"hang": ENDLESS})
    with sqlite3.connect(path) as connection:
        connection.execute("DELETE FROM gpkg_contents WHERE table_name = 'parcels'")
    contents = "data:application/geopackage+sqlite3;base64," + base64.b64encode(path.read_bytes()).decode()
    store = Store(tmp_path / "data")
    started = time.monotonic()
    plan = plan_upload(atlas, store, contents, "hang.gpkg", "overlay", "id")
    report, disabled, token = plan["report"], plan["disabled"], plan["token"]
    assert time.monotonic() - started < 5 and disabled and token is None
    assert "hang.gpkg: 'hang' adalah view SQL, bukan tabel" in str(report)
    assert list((store.directory / "tmp").iterdir()) == []


def test_the_app_starts_and_serves_on_a_damaged_old_store(tmp_path, atlas, monkeypatch, capsys):
    from dashboard.factory import create_app
    from geodata.cli import main

    monkeypatch.setenv("ATLAS_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    (tmp_path / "imports.gpkg").write_bytes(b"not a geopackage at all" * 100)
    client = create_app(atlas).server.test_client()
    assert client.get("/").status_code == 200
    assert b"kendal" in client.get("/_dash-layout").data
    site = tmp_path / "site.geojson"
    point = {"type": "Point", "coordinates": [116.8, -1.2]}
    site.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [{"type": "Feature", "properties": {}, "geometry": point}],
            }
        )
    )
    assert main(["import", str(site), "--store", str(tmp_path)]) == 2
    assert "imports.gpkg: cannot be read" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("csv", "expected"),
    [
        (b"nama,lon,lat\nA,1_16.72,-1.2\n", "x.csv, baris 2, kolom 'lon': '1_16.72' bukan angka"),
        (b"nama,lon,lat,lon\nA,116.7,-1.2,5\n", "x.csv, baris 1: memiliki kolom 'lon' dua kali"),
        (b"nama,lon,lat\nA\x00,116.7,-1.2\n", "x.csv, baris 2: berisi byte NUL"),
    ],
)
def test_hostile_csv_uploads_are_refused_in_indonesian(tmp_path, atlas, csv, expected):
    contents = "data:text/csv;base64," + base64.b64encode(csv).decode()
    report = plan_upload(atlas, Store(tmp_path), contents, "x.csv", "overlay", "id")["report"]
    assert expected in str(report)
