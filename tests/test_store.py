"""The embedded store's own promises (the contract both backends keep is tests/test_storage_contract.py):
where it lives, and that a kill in the middle of a write leaves the previous data, intact."""

from __future__ import annotations

import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from geodata import db
from geodata.store import DATA_DIR_ENV, Store, data_dir
from tests.test_storage_contract import info, points

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
store = Store(sys.argv[1])
store.ready()
print("ready", flush=True)
store.add(info, frame)
"""


@pytest.fixture(autouse=True)
def embedded(monkeypatch):
    monkeypatch.delenv(db.DATABASE_ENV, raising=False)


def intact(store: Store) -> bool:
    with sqlite3.connect(f"file:{store.location}?mode=ro", uri=True) as connection:
        return connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def writing(store: Store) -> bool:
    """Whether a writer holds the database's write lock now."""
    with sqlite3.connect(store.location, timeout=0, isolation_level=None) as probe:
        try:
            probe.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError:
            return True
        probe.execute("ROLLBACK")
        return False


def test_a_new_store_lists_nothing(tmp_path):
    assert Store(tmp_path / "nowhere").layers() == []


def test_data_dir_is_the_argument_else_the_environment_else_instance(tmp_path, monkeypatch):
    monkeypatch.delenv(DATA_DIR_ENV, raising=False)
    assert data_dir() == ROOT / "instance"
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "from_env"))
    assert data_dir() == tmp_path / "from_env"
    assert Store().location == str(tmp_path / "from_env" / "atlas.sqlite")
    assert data_dir(tmp_path / "given") == tmp_path / "given"


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
    writer = start_writer(tmp_path, 150_000)
    deadline = time.monotonic() + 60
    while not writing(store) and writer.poll() is None and time.monotonic() < deadline:
        time.sleep(0.001)
    time.sleep(0.2)  # well into writing its 150,000 features
    writer.send_signal(signal.SIGKILL)
    assert writer.wait(timeout=30) == -signal.SIGKILL, "the writer finished before it could be killed"

    survivor = Store(tmp_path)
    assert intact(survivor)
    assert [i.id for i in survivor.layers()] == ["a", "b"]
    assert [len(survivor.read(i)) for i in ("a", "b")] == [2, 3]
    survivor.add(info("c"), points())  # the lock died with the writer
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
