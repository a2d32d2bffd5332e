"""The imported layers, kept in one GeoPackage in the app's data directory so that nothing is lost.

Where: the ``directory`` given, else $ATLAS_DATA_DIR, else ``instance/`` beside the code (the
repository root, git-ignored; the same rule as dashboard.settings, so the shell command and the app
share one store). The store is ``imports.gpkg`` there: a ``catalogue``
table (one row per imported layer: name, kind, colour, provenance, removed_at) and one table per
layer.

Every change rewrites the store atomically: the GeoPackage is copied to a temporary file in the
same directory, changed there, fsync'ed and renamed over the old one with os.replace, under a lock
(an exclusive SQLite transaction on a lock database, so it works on every platform) so that two
workers never interleave. Uploads waiting for confirmation are in ``pending.sqlite`` beside it
(geodata.pending), so that any worker can confirm them. A crash or a kill at any moment leaves the old store or
the new one, never a half-written file; leftovers of an interrupted change are swept by the next.
Removing a layer only stamps ``removed_at``, so restoring it brings it back as it was.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import asdict, dataclass, fields, replace
from datetime import UTC, datetime
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from geodata.fieldmap import as_text
from geodata.pending import PENDING_FILE, PendingUploads
from geodata.problems import AtlasDataError, Problem

DATA_DIR_ENV = "ATLAS_DATA_DIR"
DEFAULT_DATA_DIR = Path(__file__).resolve().parent.parent / "instance"
STORE_FILE = "imports.gpkg"
CATALOGUE = "catalogue"
LOCK_FILE = ".imports.lock"
TEMP_GLOB = ".imports.*.tmp.gpkg*"


class StoreUnreadable(AtlasDataError):
    """The imports GeoPackage exists but cannot be read (damaged, or not a GeoPackage)."""


def data_dir(directory: Path | str | None = None) -> Path:
    """The app's data directory: ``directory``, else $ATLAS_DATA_DIR, else instance/ beside the code."""
    chosen = directory or os.environ.get(DATA_DIR_ENV) or DEFAULT_DATA_DIR
    return Path(chosen).expanduser().absolute()


def now_iso(moment: datetime | None = None) -> str:
    """A moment (default now) as ISO 8601 in UTC, to the second: the store's timestamps."""
    return (moment or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class LayerInfo:
    """One imported layer's catalogue row: what it is and where it came from."""

    id: str
    name: str
    kind: str  # "overlay" or "footprints"
    colour: str
    source_file: str
    imported_at: str
    features: int
    repaired: int
    geometry_kind: str  # "polygon" or "point"
    removed_at: str | None = None

    @property
    def table(self) -> str:
        return f"layer_{self.id}"


def layer_id(name: str, taken: set[str]) -> str:
    """A short snake_case id from a layer's name, not among ``taken``: 'KEK Maloy' -> 'kek_maloy'."""
    base = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")[:40] or "layer"
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}_{n}", n + 1
    return candidate


def _fsync(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


class Store:
    """The GeoPackage of imported layers in one data directory; a new Store on the same one sees them."""

    def __init__(self, directory: Path | str | None = None) -> None:
        self.directory = data_dir(directory)
        self.path = self.directory / STORE_FILE
        self.pending = PendingUploads(self.directory / PENDING_FILE)

    def layers(self, include_removed: bool = False) -> list[LayerInfo]:
        """The imported layers in import order; removed ones only when asked for (to offer undo)."""
        if not self.path.exists():
            return []
        table = self._read(CATALOGUE)
        names = [f.name for f in fields(LayerInfo)]
        infos = [
            LayerInfo(
                **{
                    name: int(record[name]) if name in ("features", "repaired") else as_text(record[name])
                    for name in names
                }
            )
            for record in table.to_dict("records")
        ]
        return [info for info in infos if include_removed or info.removed_at is None]

    def get(self, layer: str) -> LayerInfo:
        """One layer's catalogue row, removed or not; KeyError names an unknown id."""
        for info in self.layers(include_removed=True):
            if info.id == layer:
                return info
        raise KeyError(f"no imported layer '{layer}'")

    def read(self, layer: str) -> gpd.GeoDataFrame:
        """A layer's features in EPSG:4326, as imported."""
        return self._read(self.get(layer).table)

    def _read(self, table: str) -> gpd.GeoDataFrame:
        """One table of the store; a damaged store raises StoreUnreadable saying what to do."""
        try:
            return pyogrio.read_dataframe(self.path, layer=table)
        except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, OSError) as exc:
            message = (
                f"cannot be read ({exc}); the atlas runs without imported layers until it is "
                f"restored from a backup or moved away from {self.directory}"
            )
            raise StoreUnreadable([Problem(STORE_FILE, None, None, message, "store_unreadable")]) from None

    def add(self, info: LayerInfo, frame: gpd.GeoDataFrame) -> LayerInfo:
        """Store a new layer; its id is made unique among every layer ever stored, removed ones too."""
        stored: list[LayerInfo] = []

        def change(target: Path, catalogue: list[LayerInfo]) -> list[LayerInfo]:
            stored.append(replace(info, id=layer_id(info.id, {i.id for i in catalogue})))
            pyogrio.write_dataframe(frame, target, layer=stored[0].table, driver="GPKG")
            return [*catalogue, stored[0]]

        self._commit(change)
        return stored[0]

    def remove(self, layer: str, when: datetime | None = None) -> LayerInfo:
        """Hide a layer from the atlas; its data stays, so ``restore`` undoes this."""
        return self._stamp(layer, now_iso(when))

    def restore(self, layer: str) -> LayerInfo:
        """Bring back a removed layer exactly as it was."""
        return self._stamp(layer, None)

    def _stamp(self, layer: str, removed_at: str | None) -> LayerInfo:
        self.get(layer)
        result: list[LayerInfo] = []

        def change(target: Path, catalogue: list[LayerInfo]) -> list[LayerInfo]:
            updated = [replace(i, removed_at=removed_at) if i.id == layer else i for i in catalogue]
            result.extend(i for i in updated if i.id == layer)
            return updated

        self._commit(change)
        return result[0]

    @contextmanager
    def _locked(self) -> Iterator[None]:
        """Held by one writer at a time, across processes: an exclusive SQLite transaction."""
        with closing(sqlite3.connect(self.directory / LOCK_FILE, timeout=120, isolation_level=None)) as lock:
            lock.execute("BEGIN EXCLUSIVE")
            try:
                yield
            finally:
                lock.execute("ROLLBACK")

    def _commit(self, change: Callable[[Path, list[LayerInfo]], list[LayerInfo]]) -> None:
        """Apply ``change`` to a copy of the store and swap the copy in atomically."""
        self.directory.mkdir(parents=True, exist_ok=True)
        with self._locked():
            for leftover in self.directory.glob(TEMP_GLOB):
                leftover.unlink(missing_ok=True)
            temp = self.directory / f".imports.{secrets.token_hex(8)}.tmp.gpkg"
            try:
                if self.path.exists():
                    shutil.copyfile(self.path, temp)
                catalogue = change(temp, self.layers(include_removed=True))
                table = pd.DataFrame(
                    [asdict(i) for i in catalogue], columns=[f.name for f in fields(LayerInfo)]
                )
                pyogrio.write_dataframe(table.astype(object), temp, layer=CATALOGUE, driver="GPKG")
                _fsync(temp)
                os.replace(temp, self.path)
                _fsync(self.directory)
            finally:
                for leftover in self.directory.glob(TEMP_GLOB):
                    leftover.unlink(missing_ok=True)
