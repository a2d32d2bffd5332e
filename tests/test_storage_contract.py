"""One contract for both storage backends: the embedded SQLite file and a real PostgreSQL + PostGIS.

Every test runs against each; "hosts" and concurrent writers are separate processes on one
database, as gunicorn workers or two app servers behind a proxy would be.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

import geopandas as gpd
import pyogrio
import pytest
from shapely.geometry import MultiPolygon, Point, box
from sqlalchemy import select

from dashboard.features.imports import plan_upload
from dashboard.runtime import LiveRuntime
from geodata import db
from geodata.footprints import IMPORTED, OFFICIAL
from geodata.import_plan import apply_import, plan_import, with_imports
from geodata.pending import PendingUploads
from geodata.savedviews import SavedViewError, SavedViewStore
from geodata.store import LayerInfo, Store
from tests.test_import_plan import KENDAL, geojson
from tests.test_pending import upload_contents

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Backend:
    """Where one test's database is: a data directory, and a DATABASE_URL for PostgreSQL."""

    name: str
    directory: Path
    url: str | None

    def store(self) -> Store:
        return Store(self.directory, url=self.url)

    def env(self) -> dict[str, str]:
        """The environment of another process (a worker, a second host) on the same database."""
        env = {k: v for k, v in os.environ.items() if k != db.DATABASE_ENV}
        env["ATLAS_DATA_DIR"] = str(self.directory)
        return env | ({db.DATABASE_ENV: self.url} if self.url else {})

    def run(self, code: str, *args: str) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, "-c", code, *args],
            cwd=ROOT,
            env=self.env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )


@pytest.fixture(params=["sqlite", "postgis"])
def backend(request, tmp_path, monkeypatch) -> Backend:
    monkeypatch.delenv(db.DATABASE_ENV, raising=False)
    url = request.getfixturevalue("postgres_url") if request.param == "postgis" else None
    return Backend(request.param, tmp_path / "data", url)


def finished(process: subprocess.Popen, timeout: float = 120) -> str:
    out, err = process.communicate(timeout=timeout)
    assert process.returncode == 0, err
    return out


def info(name: str, features: int = 2, kind: str = "point") -> LayerInfo:
    return LayerInfo(
        name, name, "overlay", "#e7298a", f"{name}.geojson", "2025-06-01T08:00:00Z", features, 0, kind
    )


def points(n: int = 2) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"row": list(range(1, n + 1)), "name": [f"Site {i}" for i in range(n)]},
        geometry=[Point(110 + i / 10, -7) for i in range(n)],
        crs=4326,
    )


def test_a_layer_keeps_its_attributes_geometry_and_who_imported_it(backend):
    frame = gpd.GeoDataFrame(
        {
            "row": [1, 2],
            "nama": ["Blok Utara", "Blok Selatan"],
            "luas_ha": [12.5, 3.25],
            "catatan": ["tanah kas desa", None],
        },
        geometry=[
            box(116.7, -1.3, 116.8, -1.2),
            MultiPolygon([box(117, -1, 117.1, -0.9), box(117.2, -1, 117.3, -0.9)]),
        ],
        crs=4326,
    )
    stored = backend.store().add(info("Calon Lokasi", 2, "polygon"), frame, actor="ani")
    assert (stored.id, stored.created_by, stored.created_at) == (
        "calon_lokasi",
        "ani",
        "2025-06-01T08:00:00Z",
    )
    again = backend.store()  # another worker
    assert again.layers() == [stored] and again.get("calon_lokasi") == stored
    read = again.read("calon_lokasi")
    assert read.crs == "EPSG:4326" and list(read.columns) == ["row", "nama", "luas_ha", "catatan", "geometry"]
    assert read[["row", "nama", "luas_ha"]].to_dict("records") == [
        {"row": 1, "nama": "Blok Utara", "luas_ha": 12.5},
        {"row": 2, "nama": "Blok Selatan", "luas_ha": 3.25},
    ]
    assert read["catatan"].iloc[0] == "tanah kas desa" and gpd.pd.isna(read["catatan"].iloc[1])
    assert all(a.equals_exact(b, 0) for a, b in zip(read.geometry, frame.geometry, strict=True))
    with pytest.raises(KeyError, match="no imported layer 'nowhere'"):
        again.read("nowhere")


def test_a_bbox_read_returns_the_features_meeting_the_box(backend):
    store = backend.store()
    frame = gpd.GeoDataFrame(
        {"row": [1, 2, 3, 4]},
        geometry=[Point(110, -7), Point(111, -7), Point(112, -7), box(110.9, -9, 111.1, -8.5)],
        crs=4326,
    )
    store.add(info("titik", 4), frame)
    assert store.read("titik", bbox=(110.5, -7.5, 111.5, -6.5))["row"].tolist() == [2]
    assert store.read("titik", bbox=(110.95, -8.8, 111.05, -8.7))["row"].tolist() == [4]  # inside the polygon
    assert store.read("titik", bbox=(100, 0, 101, 1)).empty
    assert len(store.read("titik")) == 4


def test_the_same_name_twice_gets_two_layers_and_removal_is_undone(backend):
    store = backend.store()
    first = store.add(info("KEK Batas"), points())
    second = store.add(info("KEK Batas"), points(1))
    assert (first.id, second.id) == ("kek_batas", "kek_batas_2")
    assert store.remove("kek_batas").removed_at is not None
    assert [i.id for i in backend.store().layers()] == ["kek_batas_2"]
    assert [i.id for i in backend.store().layers(include_removed=True)] == ["kek_batas", "kek_batas_2"]
    assert backend.store().restore("kek_batas") == first
    with pytest.raises(KeyError, match="no imported layer 'c'"):
        store.remove("c")


def test_imported_footprints_replace_a_zone_and_undo_restores_what_they_replaced(backend, atlas, tmp_path):
    store = backend.store()
    first = apply_import(
        plan_import(geojson(tmp_path / "a.geojson", [({"id": "kendal"}, KENDAL)]), atlas, mode="footprints"),
        store,
        actor="budi",
    )
    bigger = box(110.22, -6.96, 110.27, -6.91)
    second = apply_import(
        plan_import(geojson(tmp_path / "b.geojson", [({"id": "kendal"}, bigger)]), atlas, mode="footprints"),
        store,
    )
    assert (first.created_by, second.created_by) == ("budi", None)

    def area() -> tuple[str, float]:
        shown = with_imports(atlas, backend.store()).zones
        return shown.at["kendal", "boundary"], round(shown.at["kendal", "measured_area_ha"])

    both, only_first = area(), None
    store.remove(second.id)
    only_first = area()
    assert both[0] == only_first[0] == IMPORTED and both[1] > only_first[1]
    store.remove(first.id)
    assert area()[0] == OFFICIAL
    store.restore(first.id)
    assert area() == only_first


def test_pending_uploads_are_shared_expire_and_are_capped(backend):
    worker_a, worker_b = backend.store(), backend.store()
    token = worker_a.pending.put("batas.geojson", "footprints", b"{...}")
    upload = worker_b.pending.get(token)
    assert upload is not None and (upload.filename, upload.mode, upload.data) == (
        "batas.geojson",
        "footprints",
        b"{...}",
    )
    worker_b.pending.discard(token)
    assert worker_a.pending.get(token) is None

    pending = PendingUploads(worker_a.engine, worker_a.ready, ttl=60, max_count=3, max_bytes=1000)
    tokens = [pending.put(f"{n}.csv", "overlay", b"x" * 300, now=1000 + n) for n in range(5)]
    assert pending.stats() == (3, 900)
    assert [pending.get(t, now=1010) is not None for t in tokens] == [False, False, True, True, True]
    big = pending.put("big.csv", "overlay", b"x" * 900, now=1020)
    assert pending.stats() == (1, 900) and pending.get(big, now=1020) is not None
    assert pending.get(big, now=1080) is None and pending.stats() == (0, 0)


def test_saved_views_are_created_reordered_renamed_and_deleted(backend):
    views = backend.store().views
    a = views.add("A", "", "?view=kaltim")
    b = views.add("B", "", "")
    c = views.add("C", "", "")
    views.move(c.id, -2)
    assert [v.title for v in backend.store().views.list()] == ["C", "A", "B"]
    views.rename(a.id, "A2", "catatan")
    views.delete(b.id)
    assert [(v.title, v.note, v.query) for v in views.list()] == [
        ("C", "", ""),
        ("A2", "catatan", "?view=kaltim"),
    ]
    with pytest.raises(SavedViewError, match="no longer exists"):
        views.delete(b.id)


def test_saved_views_are_personal_until_shared(backend):
    views = backend.store().views
    office = views.add("Dari laptop", "", "")  # from before login: no owner, seen by all
    ani = views.add("Milik Ani", "", "?lang=en", actor="ani")
    budi = views.add("Milik Budi", "", "", actor="budi")
    assert (ani.owner, ani.shared, office.owner) == ("ani", False, None)
    assert [v.title for v in views.list("ani")] == ["Dari laptop", "Milik Ani"]
    with pytest.raises(SavedViewError, match="belongs to someone else"):
        views.rename(budi.id, "diambil", actor="ani")
    with pytest.raises(SavedViewError, match="belongs to someone else"):
        views.share(budi.id, True, actor="ani")
    views.share(budi.id, True, actor="budi")
    seen = {v.title: v for v in backend.store().views.list("ani")}
    assert list(seen) == ["Dari laptop", "Milik Ani", "Milik Budi"] and seen["Milik Budi"].shared
    assert seen["Milik Budi"].updated >= seen["Milik Budi"].created
    assert [v.title for v in views.list()] == ["Dari laptop", "Milik Ani", "Milik Budi"]  # no login: all
    views.add("Rencana Budi", "", "?sector=nickel", actor="budi")  # personal: cici does not see it
    assert views.import_bytes(views.export_bytes("budi"), actor="cici") == 1  # the rest she sees already
    assert [(v.title, v.owner) for v in views.list("cici")][-1:] == [("Rencana Budi", "cici")]


def test_a_deleted_view_comes_back_in_its_place_and_a_file_imported_twice_adds_nothing(backend):
    views = backend.store().views
    made = [views.add(title, "", f"?zone={title}", actor="ani") for title in ("a", "b", "c")]
    removed, position = views.delete(made[1].id, actor="ani")
    assert (removed.id, position) == (made[1].id, 1)
    record = {"view": asdict(removed), "position": position}  # as the page keeps it for undo
    backend.store().views.restore(*SavedViewStore.from_record(record), actor="ani")  # another host
    assert [(v.id, v.title, v.owner) for v in views.list("ani")] == [(v.id, v.title, "ani") for v in made]
    views.restore(removed, 0, actor="ani")  # a second undo does not duplicate it
    assert [v.id for v in views.list("ani")] == [v.id for v in made]
    exported = views.export_bytes("ani")
    assert views.import_bytes(exported, actor="ani") == 0
    assert views.import_bytes(exported, actor="budi") == 3 and views.import_bytes(exported, actor="budi") == 0
    for bad in (None, {}, {"view": {"id": "x"}, "position": 0}, {"view": asdict(removed), "position": "a"}):
        with pytest.raises(SavedViewError, match="nothing to undo"):
            SavedViewStore.from_record(bad)


@pytest.mark.parametrize(
    ("title", "query", "message"),
    [
        ("", "", "title is empty"),
        ("x" * 500, "", "longer than"),
        ("ok", "view=kaltim", "must start with"),
        (5, "", "must be text"),
    ],
)
def test_bad_views_are_refused(backend, title, query, message):
    with pytest.raises(SavedViewError, match=message):
        backend.store().views.add(title, "", query)


@pytest.mark.parametrize(
    "data",
    [
        b"not json",
        b"{}",
        json.dumps(
            {"format": "atlas-kawasan/saved-views", "views": [{"title": "ok"}, {"title": ""}]}
        ).encode(),
        b"\xff\xfe",
    ],
)
def test_bad_view_files_change_nothing(backend, data):
    views = backend.store().views
    views.add("kept", "", "")
    with pytest.raises(SavedViewError):
        views.import_bytes(data)
    assert [v.title for v in views.list()] == ["kept"]


# Run in several processes at once on one fresh database: each migrates it and writes K of everything.
WRITER = """
import sys
import geopandas as gpd
from shapely.geometry import Point
from geodata.store import LayerInfo, Store
worker, k = sys.argv[1], int(sys.argv[2])
store = Store()
for n in range(k):
    frame = gpd.GeoDataFrame({"row": [1], "worker": [worker]}, geometry=[Point(110 + n, -7)], crs=4326)
    info = LayerInfo("sama", "sama", "overlay", "#000000", "x.geojson", "2025-01-01T00:00:00Z", 1, 0, "point")
    store.add(info, frame, actor=worker)
    store.views.add(f"{worker} {n}", "", "", actor=worker)
    store.pending.put(f"{worker}-{n}.csv", "overlay", b"x")
"""


def test_concurrent_writers_on_one_database_lose_nothing(backend):
    workers, k = 3, 5
    processes = [backend.run(WRITER, f"w{w}", str(k)) for w in range(workers)]
    for process in processes:
        finished(process)
    store = backend.store()
    layers = store.layers()
    assert sorted(i.id for i in layers) == sorted(["sama"] + [f"sama_{n}" for n in range(2, workers * k + 1)])
    assert sorted(i.created_by for i in layers) == sorted(f"w{w}" for w in range(workers) for _ in range(k))
    assert all(store.read(i.id)["worker"].tolist() == [i.created_by] for i in layers)
    assert sorted(v.title for v in store.views.list()) == sorted(
        f"w{w} {n}" for w in range(workers) for n in range(k)
    )
    assert store.pending.stats() == (workers * k, workers * k)
    with store.engine.connect() as connection:  # three hosts migrated one new database at once
        assert connection.execute(select(db.schema_version.c.version)).scalars().all() == [1]


# Host B: sees what host A stored, confirms the plan A made, saves a view of its own.
HOST_B = """
import json, sys
from dashboard.features.imports import apply_upload
from dashboard.runtime import build_runtime
from geodata import load_atlas
from geodata.store import Store
store = Store()
seen = [v.title for v in store.views.list("budi")]
message, stored = apply_upload(build_runtime(load_atlas(), ()), store, sys.argv[1], ["kendal"], [], "en", actor="budi")
store.views.add("Dari host B", "", "?view=kaltim", actor="budi", shared=True)
print(json.dumps({"seen": seen, "stored": stored, "message": str(message)}))
"""


def test_two_hosts_share_imports_views_and_plans(backend, atlas):
    host_a = backend.store()
    live = LiveRuntime(atlas, host_a)
    assert live.get().atlas.zones.at["kendal", "boundary"] == OFFICIAL
    host_a.views.add("Dari host A", "", "", actor="ani", shared=True)
    feature = {"type": "Feature", "properties": {"id": "kendal"}, "geometry": KENDAL.__geo_interface__}
    token = plan_upload(atlas, host_a, upload_contents([feature]), "batas.geojson", "footprints", "en")[
        "token"
    ]
    assert token
    answer = json.loads(finished(backend.run(HOST_B, token)))
    assert answer["stored"], answer["message"]
    assert answer["seen"] == ["Dari host A"]
    assert [(i.kind, i.created_by) for i in host_a.layers()] == [("footprints", "budi")]
    assert live.get().atlas.zones.at["kendal", "boundary"] == IMPORTED  # host A shows it at once
    assert [v.title for v in host_a.views.list("ani")] == ["Dari host A", "Dari host B"]
    assert host_a.pending.get(token) is None  # confirmed once


def legacy_data_dir(directory: Path) -> str:
    """A data directory as the store before the database left it: imports.gpkg (a catalogue and a
    table per layer), pending.sqlite and saved_views.json. Returns the pending upload's token."""
    directory.mkdir(parents=True)
    gpkg = directory / "imports.gpkg"
    pyogrio.write_dataframe(points(3), gpkg, layer="layer_gerbang", driver="GPKG")
    catalogue = {
        "id": ["gerbang"], "name": ["Gerbang Tol"], "kind": ["overlay"], "colour": ["#e7298a"],
        "source_file": ["gerbang.geojson"], "imported_at": ["2025-06-01T08:00:00Z"], "features": [3],
        "repaired": [0], "geometry_kind": ["point"], "removed_at": [None],
    }  # fmt: skip
    pyogrio.write_dataframe(
        gpd.pd.DataFrame(catalogue).astype(object), gpkg, layer="catalogue", driver="GPKG"
    )
    with sqlite3.connect(directory / "pending.sqlite") as old:
        old.execute(
            "CREATE TABLE pending (token TEXT PRIMARY KEY, created_at REAL NOT NULL, expires_at REAL NOT NULL, "
            "size INTEGER NOT NULL, filename TEXT NOT NULL, mode TEXT NOT NULL, data BLOB NOT NULL)"
        )
        old.execute("INSERT INTO pending VALUES ('tok', 1, 9e12, 3, 'x.csv', 'overlay', x'616263')")
    views = [
        {
            "id": "v1",
            "title": "Nasional",
            "note": "pembuka",
            "query": "",
            "created": "2025-05-01T00:00:00+00:00",
        }
    ]
    document = {"format": "atlas-kawasan/saved-views", "version": 1, "views": views}
    (directory / "saved_views.json").write_text(json.dumps(document), encoding="utf-8")
    return "tok"


def test_a_data_directory_from_before_is_taken_in_once(backend):
    token = legacy_data_dir(backend.directory)
    starts = [backend.run("from geodata.store import Store; print(len(Store().layers()))") for _ in range(2)]
    assert [finished(p).strip() for p in starts] == ["1", "1"]  # two workers starting together
    store = backend.store()
    [layer] = store.layers()
    assert (layer.id, layer.name, layer.imported_at, layer.created_by) == (
        "gerbang",
        "Gerbang Tol",
        "2025-06-01T08:00:00Z",
        None,
    )
    assert store.read("gerbang")["name"].tolist() == ["Site 0", "Site 1", "Site 2"]
    assert [(v.title, v.note, v.owner) for v in store.views.list()] == [("Nasional", "pembuka", None)]
    assert store.pending.get(token).data == b"abc"
    names = sorted(p.name for p in backend.directory.iterdir() if not p.name.startswith("atlas.sqlite"))
    assert names == ["imports.gpkg.migrated", "pending.sqlite.migrated", "saved_views.json.migrated"]


def test_a_laptop_store_is_copied_into_another_database(backend, tmp_path, capsys):
    from geodata.cli import main

    laptop = tmp_path / "laptop"
    source = Store(laptop, url=db.database_url(laptop, {}))
    source.add(info("gerbang"), points(3), actor="ani")
    source.add(info("titik"), points(1))
    source.remove("titik")
    source.views.add("Nasional", "pembuka", "?lang=en", actor="ani", shared=True)
    office = backend.store()
    office.add(info("gerbang"), points(1))  # already taken there: the copy gets a suffix
    target = backend.url or db.database_url(backend.directory, {})
    assert main(["copy-store", "--from", str(laptop), "--to", target]) == 0
    assert "Copied 2 layers and 1 saved views" in capsys.readouterr().out
    copied = {i.id: i for i in backend.store().layers(include_removed=True)}
    assert list(copied) == ["gerbang", "gerbang_2", "titik"]
    assert (copied["gerbang_2"].created_by, copied["titik"].removed_at is not None) == ("ani", True)
    assert office.read("gerbang_2")["name"].tolist() == ["Site 0", "Site 1", "Site 2"]
    assert [(v.title, v.owner, v.shared) for v in office.views.list()] == [("Nasional", "ani", True)]
    assert main(["copy-store", "--from", str(laptop), "--to", db.database_url(laptop, {})]) == 2
