"""The store of imported layers: it survives restarts, undoes removals, and a kill never corrupts it."""

from __future__ import annotations

import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import Point

from geodata.store import DATA_DIR_ENV, TEMP_GLOB, LayerInfo, Store, data_dir

ROOT = Path(__file__).resolve().parent.parent

# Run in a child process: add one large layer to the store in argv[1], so the test can kill it mid-write.
WRITER = """
import sys
import geopandas as gpd
import numpy as np
import shapely
from geodata.store import LayerInfo, Store
n = int(sys.argv[2])
west = 110 + np.arange(n) * 1e-5
cells = shapely.box(west, -7.0, west + 1e-5, -6.99)
frame = gpd.GeoDataFrame({"row": range(n), "name": ["petak"] * n}, geometry=cells, crs=4326)
info = LayerInfo("big", "big", "overlay", "#000000", "big.gpkg", "2025-01-01T00:00:00Z", n, 0, "polygon")
print("ready", flush=True)
Store(sys.argv[1]).add(info, frame)
"""


def info(name: str, features: int = 2) -> LayerInfo:
    return LayerInfo(
        name, name, "overlay", "#e7298a", f"{name}.geojson", "2025-06-01T08:00:00Z", features, 0, "point"
    )


def points(n: int = 2) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"row": list(range(1, n + 1)), "name": [f"Site {i}" for i in range(n)]},
        geometry=[Point(110 + i / 10, -7) for i in range(n)],
        crs=4326,
    )


def intact(store: Store) -> bool:
    with sqlite3.connect(f"file:{store.path}?mode=ro", uri=True) as db:
        return db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_layers_survive_a_restart(tmp_path):
    stored = Store(tmp_path).add(info("gerbang"), points(3))
    assert stored.id == "gerbang" and stored.table == "layer_gerbang"
    again = Store(tmp_path)  # a new process would do the same
    assert again.layers() == [stored]
    frame = again.read("gerbang")
    assert frame.crs == "EPSG:4326" and frame["name"].tolist() == ["Site 0", "Site 1", "Site 2"]
    assert list(frame.geometry) == list(points(3).geometry)


def test_a_new_store_lists_nothing_and_writes_nothing(tmp_path):
    assert Store(tmp_path / "nowhere").layers() == []
    assert not (tmp_path / "nowhere").exists()


def test_the_same_name_twice_gets_two_layers(tmp_path):
    store = Store(tmp_path)
    first = store.add(info("KEK Batas"), points())
    second = store.add(info("KEK Batas"), points(1))
    assert (first.id, second.id) == ("kek_batas", "kek_batas_2")
    assert [len(store.read(i.id)) for i in store.layers()] == [2, 1]


def test_a_removed_layer_can_be_restored(tmp_path):
    store = Store(tmp_path)
    store.add(info("a"), points())
    store.add(info("b"), points())
    removed = store.remove("a")
    assert removed.removed_at is not None
    assert [i.id for i in Store(tmp_path).layers()] == ["b"]
    assert [i.id for i in Store(tmp_path).layers(include_removed=True)] == ["a", "b"]
    assert len(store.read("a")) == 2  # the data is still there
    restored = Store(tmp_path).restore("a")
    assert restored.removed_at is None and restored == info("a")
    assert [i.id for i in Store(tmp_path).layers()] == ["a", "b"]
    with pytest.raises(KeyError, match="no imported layer 'c'"):
        store.remove("c")


def test_data_dir_is_the_argument_else_the_environment_else_instance(tmp_path, monkeypatch):
    monkeypatch.delenv(DATA_DIR_ENV, raising=False)
    assert data_dir() == ROOT / "instance"
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "from_env"))
    assert data_dir() == tmp_path / "from_env" and Store().path == tmp_path / "from_env" / "imports.gpkg"
    assert data_dir(tmp_path / "given") == tmp_path / "given"


def test_concurrent_changes_do_not_lose_each_other(tmp_path):
    store = Store(tmp_path)
    threads = [threading.Thread(target=store.add, args=(info(f"layer {i % 3}"), points())) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    ids = sorted(i.id for i in store.layers())
    assert ids == sorted(f"layer_{i}{suffix}" for i in range(3) for suffix in ("", "_2"))
    assert all(len(store.read(i)) == 2 for i in ids)


def start_writer(directory: Path, features: int) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(directory), str(features)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert process.stdout is not None and process.stdout.readline().strip() == "ready"
    return process


def test_a_kill_in_the_middle_of_a_write_leaves_the_previous_store(tmp_path):
    store = Store(tmp_path)
    store.add(info("a"), points())
    store.add(info("b"), points(3))
    before = store.path.read_bytes()
    writer = start_writer(tmp_path, 150_000)
    deadline = time.monotonic() + 60
    while not list(tmp_path.glob(TEMP_GLOB)) and writer.poll() is None and time.monotonic() < deadline:
        time.sleep(0.001)
    time.sleep(0.2)  # well into GDAL writing the new layer into the temporary copy
    writer.send_signal(signal.SIGKILL)
    assert writer.wait(timeout=30) == -signal.SIGKILL, "the writer finished before it could be killed"
    assert list(tmp_path.glob(TEMP_GLOB)), "the kill did not land mid-write"

    survivor = Store(tmp_path)
    assert survivor.path.read_bytes() == before and intact(survivor)
    assert [i.id for i in survivor.layers()] == ["a", "b"]
    assert [len(survivor.read(i)) for i in ("a", "b")] == [2, 3]
    survivor.add(info("c"), points())  # the next change sweeps the leftover
    assert not list(tmp_path.glob(TEMP_GLOB))
    assert [i.id for i in Store(tmp_path).layers()] == ["a", "b", "c"]


def test_kills_at_random_moments_leave_the_old_store_or_the_new_one(tmp_path):
    store = Store(tmp_path)
    store.add(info("a"), points())
    randomness = random.Random(5)
    for _ in range(3):
        before = [i.id for i in store.layers()]
        writer = start_writer(tmp_path, 20_000)
        time.sleep(randomness.uniform(0.0, 1.0))
        writer.send_signal(signal.SIGKILL)
        writer.wait(timeout=30)
        after = [i.id for i in Store(tmp_path).layers()]
        assert after == before or (after[:-1] == before and after[-1].startswith("big")), (before, after)
        assert intact(store)
        assert all(len(store.read(i)) == (20_000 if i.startswith("big") else 2) for i in after)
