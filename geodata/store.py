"""The imported layers, their catalogue, pending uploads and saved views: one database, two engines.

Where: the database of ``geodata.db`` for the ``directory`` given, else $ATLAS_DATA_DIR, else
``instance/`` beside the code (the repository root, git-ignored; the same rule as
dashboard.settings, so the shell command and the app share one store). A laptop keeps it all in
``atlas.sqlite`` in that directory; an office sets ``DATABASE_URL`` to PostgreSQL + PostGIS.

Tables: ``import_layers`` (the catalogue: one row per imported layer with who, when, what, kind,
colour and provenance, and ``removed_at``) and ``import_features`` (one row per feature: its
attributes as JSON, its geometry as WKB in SQLite or in a PostGIS ``geometry(Geometry, 4326)``
column, and its bounding box, so that a bbox read is an index lookup on either engine). The
embedded file is plain SQLite, not a GeoPackage: GeoPackage wants one table per layer and its own
metadata tables, which a multi-host schema cannot share; ``python -m geodata`` and the OGC API give
GIS users the layers instead. Every change is one database transaction, serialised across
processes and hosts by ``geodata.db.writing`` (SQLite's own lock on every platform, or a
PostgreSQL advisory lock); a crash leaves the transaction undone, never half a layer. Removing a
layer only stamps ``removed_at``, so restoring it brings it back as it was.

A data directory from before this store (``imports.gpkg``, ``pending.sqlite``,
``saved_views.json``) is taken in once on first use, in the same transaction that records it, and
the old files are kept renamed ``.migrated``.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import asdict, dataclass, fields, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pyogrio
import shapely
from sqlalchemy import (
    JSON,
    Column,
    Connection,
    Engine,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    bindparam,
    func,
    select,
    update,
)
from sqlalchemy.exc import DatabaseError, OperationalError
from sqlalchemy.types import UserDefinedType

from geodata import db
from geodata.fieldmap import as_text
from geodata.pending import PendingUploads, pending_table
from geodata.problems import AtlasDataError, Problem
from geodata.savedviews import SavedViewStore, adopt_views_file, copy_views

DATA_DIR_ENV = "ATLAS_DATA_DIR"
DEFAULT_DATA_DIR = Path(__file__).resolve().parent.parent / "instance"
LEGACY_STORE = "imports.gpkg"
LEGACY_PENDING = "pending.sqlite"
LEGACY_VIEWS = "saved_views.json"
MIGRATED = ".migrated"


class PostGISGeometry(UserDefinedType):
    """PostGIS ``geometry(Geometry, 4326)``; written with ST_GeomFromWKB, read with ST_AsBinary."""

    cache_ok = True

    def get_col_spec(self, **_kw: Any) -> str:
        return "geometry(Geometry, 4326)"


layers_table = Table(
    "import_layers",
    db.metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("id", String(64), nullable=False, unique=True),
    Column("name", String, nullable=False),
    Column("kind", String(16), nullable=False),
    Column("colour", String(16), nullable=False),
    Column("source_file", String, nullable=False),
    Column("created_at", String(20), nullable=False),
    Column("created_by", String),
    Column("features", Integer, nullable=False),
    Column("repaired", Integer, nullable=False),
    Column("geometry_kind", String(16), nullable=False),
    Column("removed_at", String(20)),
    Column("columns", JSON, nullable=False),
)
features_table = Table(
    "import_features",
    db.metadata,
    Column("layer", String(64), ForeignKey("import_layers.id"), primary_key=True),
    Column("fid", Integer, primary_key=True, autoincrement=False),
    Column("properties", JSON, nullable=False),
    Column("geom", LargeBinary().with_variant(PostGISGeometry(), "postgresql"), nullable=False),
    Column("minx", Float, nullable=False),
    Column("miny", Float, nullable=False),
    Column("maxx", Float, nullable=False),
    Column("maxy", Float, nullable=False),
)
Index("import_features_bbox", features_table.c.minx, features_table.c.maxx, features_table.c.miny).ddl_if(
    dialect="sqlite"
)
Index("import_features_geom", features_table.c.geom, postgresql_using="gist").ddl_if(dialect="postgresql")
revision_table = Table(
    "store_revision",
    db.metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("revision", Integer, nullable=False),
)
legacy_table = Table(
    "legacy_files",
    db.metadata,
    Column("name", String, primary_key=True),
    Column("migrated_at", String(20), nullable=False),
)


class StoreUnreadable(AtlasDataError):
    """The store's database (or a data file from before it) exists but cannot be read."""


def data_dir(directory: Path | str | None = None) -> Path:
    """The app's data directory: ``directory``, else $ATLAS_DATA_DIR, else instance/ beside the code."""
    chosen = directory or os.environ.get(DATA_DIR_ENV) or DEFAULT_DATA_DIR
    return Path(chosen).expanduser().absolute()


def now_iso(moment: datetime | None = None) -> str:
    """A moment (default now) as ISO 8601 in UTC, to the second: the store's timestamps."""
    return (moment or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class LayerInfo:
    """One imported layer's catalogue row: what it is, where it came from, who imported it when."""

    id: str
    name: str
    kind: str  # "overlay" or "footprints"
    colour: str
    source_file: str
    imported_at: str  # stored as created_at
    features: int
    repaired: int
    geometry_kind: str  # "polygon" or "point"
    removed_at: str | None = None
    created_by: str | None = None  # None: the single-user laptop, or the shell

    @property
    def table(self) -> str:
        return f"layer_{self.id}"

    @property
    def created_at(self) -> str:
        return self.imported_at


def layer_id(name: str, taken: set[str]) -> str:
    """A short snake_case id from a layer's name, not among ``taken``: 'KEK Maloy' -> 'kek_maloy'."""
    base = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")[:40] or "layer"
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}_{n}", n + 1
    return candidate


def _unreadable(name: str, exc: Exception, where: str) -> StoreUnreadable:
    message = (
        f"cannot be read ({str(exc).splitlines()[0]}); the atlas runs without imported layers until it is "
        f"restored from a backup or moved away from {where}"
    )
    return StoreUnreadable([Problem(name, None, None, message, "store_unreadable")])


def _records(frame: gpd.GeoDataFrame) -> list[dict[str, Any]]:
    """The attributes of each feature as JSON-ready dicts (numbers, text, ISO dates, null)."""
    attributes = pd.DataFrame(frame.drop(columns=frame.geometry.name))
    return json.loads(attributes.to_json(orient="records", date_format="iso", default_handler=str))


_ready: set[str] = set()


class Store:
    """The store of one data directory (or of ``DATABASE_URL``); a new Store on it sees everything."""

    def __init__(self, directory: Path | str | None = None, *, url: str | None = None) -> None:
        """``url``: a DATABASE_URL to use instead of the environment's (tests, tools)."""
        self.directory = data_dir(directory)
        self.url = db.database_url(self.directory, {db.DATABASE_ENV: url} if url else os.environ)
        self.engine: Engine = db.engine_for(self.url)
        self.pending = PendingUploads(self.engine, self.ready)
        self.views = SavedViewStore(self.engine, self.ready)

    @property
    def location(self) -> str:
        """Where the store is, for messages: the SQLite file, or the database URL without password."""
        if self.engine.dialect.name == "sqlite":
            return str(self.engine.url.database)
        return self.engine.url.render_as_string(hide_password=True)

    @property
    def _name(self) -> str:
        return Path(self.location).name

    def ready(self) -> None:
        """Schema and old data files taken in, once per process; a damaged database says so."""
        if self.url in _ready and not any((self.directory / n).exists() for n in _LEGACY):
            return
        try:
            db.migrate(self.engine)
        except DatabaseError as exc:
            raise self._damaged(exc) from None
        self._adopt_legacy()
        _ready.add(self.url)

    def _damaged(self, exc: DatabaseError) -> Exception:
        """A damaged SQLite file is StoreUnreadable (the atlas serves without imports and says why);
        a busy file or an unreachable PostgreSQL is the error it is, for the log."""
        if db.is_postgres(self.engine) or (isinstance(exc, OperationalError) and "locked" in str(exc)):
            return exc
        return _unreadable(self._name, exc, str(self.directory))

    @contextmanager
    def _reading(self) -> Iterator[Connection]:
        self.ready()
        try:
            with self.engine.connect() as connection:
                yield connection
        except DatabaseError as exc:
            raise self._damaged(exc) from None

    def revision(self) -> int | None:
        """A number that changes with every change of the layers (None when unreadable): one cheap
        query, so every worker on every host can tell when to rebuild what it shows."""
        try:
            with self._reading() as connection:
                return connection.execute(select(revision_table.c.revision)).scalar() or 0
        except StoreUnreadable:
            return None

    def layers(self, include_removed: bool = False) -> list[LayerInfo]:
        """The imported layers in import order; removed ones only when asked for (to offer undo)."""
        query = select(layers_table).order_by(layers_table.c.seq)
        if not include_removed:
            query = query.where(layers_table.c.removed_at.is_(None))
        with self._reading() as connection:
            rows = connection.execute(query).mappings().all()
        return [_info(row) for row in rows]

    def get(self, layer: str) -> LayerInfo:
        """One layer's catalogue row, removed or not; KeyError names an unknown id."""
        with self._reading() as connection:
            row = (
                connection.execute(select(layers_table).where(layers_table.c.id == layer)).mappings().first()
            )
        if row is None:
            raise KeyError(f"no imported layer '{layer}'")
        return _info(row)

    def read(self, layer: str, bbox: tuple[float, float, float, float] | None = None) -> gpd.GeoDataFrame:
        """A layer's features in EPSG:4326, as imported; only those meeting ``bbox`` (minx, miny,
        maxx, maxy) when given, found by the bbox columns (SQLite) or the GiST index (PostGIS)."""
        f = features_table
        postgres = db.is_postgres(self.engine)
        geom = func.ST_AsBinary(f.c.geom) if postgres else f.c.geom
        query = select(f.c.properties, geom.label("wkb")).where(f.c.layer == layer).order_by(f.c.fid)
        if bbox is not None:
            x0, y0, x1, y1 = map(float, bbox)
            if postgres:
                query = query.where(f.c.geom.op("&&")(func.ST_MakeEnvelope(x0, y0, x1, y1, 4326)))
            else:
                query = query.where(f.c.minx <= x1, f.c.maxx >= x0, f.c.miny <= y1, f.c.maxy >= y0)
        with self._reading() as connection:
            columns = connection.execute(
                select(layers_table.c.columns).where(layers_table.c.id == layer)
            ).scalar()
            if columns is None:
                raise KeyError(f"no imported layer '{layer}'")
            rows = connection.execute(query).all()
        frame = gpd.GeoDataFrame(
            pd.DataFrame([row.properties for row in rows], columns=columns),
            geometry=shapely.from_wkb([bytes(row.wkb) for row in rows]),
            crs="EPSG:4326",
        )
        if bbox is not None:
            frame = frame[frame.intersects(shapely.box(*bbox))].reset_index(drop=True)
        return frame

    def add(self, info: LayerInfo, frame: gpd.GeoDataFrame, *, actor: str | None = None) -> LayerInfo:
        """Store a new layer, recording ``actor`` as who imported it; its id is made unique among
        every layer ever stored, removed ones too. One transaction: all of it or nothing."""
        self.ready()
        with db.writing(self.engine) as connection:
            taken = set(connection.execute(select(layers_table.c.id)).scalars())
            stored = replace(info, id=layer_id(info.id, taken), created_by=actor)
            self._insert(connection, stored, frame)
        return stored

    def _insert(self, connection: Connection, info: LayerInfo, frame: gpd.GeoDataFrame) -> None:
        """Write one layer (catalogue row and features) in the caller's transaction."""
        frame = (
            frame.to_crs("EPSG:4326")
            if frame.crs is not None and not frame.crs.equals("EPSG:4326")
            else frame
        )
        row = {k: v for k, v in asdict(info).items() if k != "imported_at"}
        row |= {
            "created_at": info.imported_at,
            "columns": [c for c in frame.columns if c != frame.geometry.name],
        }
        connection.execute(layers_table.insert().values(**row))
        geometries = list(frame.geometry)
        bounds = shapely.bounds(geometries)
        features = [
            {
                "layer": info.id,
                "fid": fid,
                "properties": properties,
                "wkb": shapely.to_wkb(geometry),
                "minx": float(box[0]),
                "miny": float(box[1]),
                "maxx": float(box[2]),
                "maxy": float(box[3]),
            }
            for fid, (properties, geometry, box) in enumerate(
                zip(_records(frame), geometries, bounds, strict=True)
            )
        ]
        wkb = bindparam("wkb", type_=LargeBinary)
        value = func.ST_GeomFromWKB(wkb, 4326) if db.is_postgres(self.engine) else wkb
        if features:
            connection.execute(features_table.insert().values(geom=value), features)
        _bump(connection)

    def remove(self, layer: str, when: datetime | None = None) -> LayerInfo:
        """Hide a layer from the atlas; its data stays, so ``restore`` undoes this."""
        return self._stamp(layer, now_iso(when))

    def restore(self, layer: str) -> LayerInfo:
        """Bring back a removed layer exactly as it was (for footprints: over what it had replaced)."""
        return self._stamp(layer, None)

    def _stamp(self, layer: str, removed_at: str | None) -> LayerInfo:
        self.ready()
        with db.writing(self.engine) as connection:
            changed = connection.execute(
                update(layers_table).where(layers_table.c.id == layer).values(removed_at=removed_at)
            ).rowcount
            if not changed:
                raise KeyError(f"no imported layer '{layer}'")
            _bump(connection)
        return self.get(layer)

    def copy_into(self, target: Store) -> tuple[int, int]:
        """Copy every layer (removed ones too, with who imported it and when) and every saved view
        into ``target``, e.g. a laptop's file into the office's PostgreSQL, in one transaction there;
        an id already taken there gets a suffix. Returns (layers, views) copied."""
        layers = self.layers(include_removed=True)
        frames = [self.read(info.id) for info in layers]
        target.ready()
        with self._reading() as source, db.writing(target.engine) as connection:
            taken = set(connection.execute(select(layers_table.c.id)).scalars())
            for info, frame in zip(layers, frames, strict=True):
                copied = replace(info, id=layer_id(info.id, taken))
                target._insert(connection, copied, frame)
                taken.add(copied.id)
            views = copy_views(source, connection)
        return len(layers), views

    def _adopt_legacy(self) -> None:
        """Take in the data files of a data directory from before this store, once (recorded in
        ``legacy_files`` in the same transaction), then rename them ``.migrated``."""
        present = [n for n in _LEGACY if (self.directory / n).exists()]
        if not present:
            return
        with db.writing(self.engine) as connection:
            done = set(connection.execute(select(legacy_table.c.name)).scalars())
            for name in present:
                if name in done or not (self.directory / name).exists():
                    continue
                path = self.directory / name
                try:
                    _LEGACY[name](self, connection, path)
                except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, sqlite3.Error) as exc:
                    raise _unreadable(name, exc, str(self.directory)) from None
                except (ValueError, KeyError, TypeError) as exc:  # readable, but not what it should hold
                    raise _unreadable(name, exc, str(self.directory)) from None
                connection.execute(legacy_table.insert().values(name=name, migrated_at=now_iso()))
        for name in present:
            try:
                os.replace(self.directory / name, self.directory / (name + MIGRATED))
            except FileNotFoundError:  # another worker renamed it first
                continue

    def _adopt_imports(self, connection: Connection, path: Path) -> None:
        catalogue = pyogrio.read_dataframe(path, layer="catalogue")
        names = {f.name for f in fields(LayerInfo)}
        taken = set(connection.execute(select(layers_table.c.id)).scalars())
        for record in catalogue.to_dict("records"):
            values = {
                k: int(v) if k in ("features", "repaired") else as_text(v)
                for k, v in record.items()
                if k in names
            }
            info = LayerInfo(**values)
            frame = pyogrio.read_dataframe(path, layer=info.table)
            adopted = replace(info, id=layer_id(info.id, taken))
            self._insert(connection, adopted, frame)
            taken.add(adopted.id)

    def _adopt_pending(self, connection: Connection, path: Path) -> None:
        with closing(sqlite3.connect(path)) as old:
            rows = old.execute(
                "SELECT token, created_at, expires_at, size, filename, mode, data FROM pending ORDER BY created_at"
            ).fetchall()
        keys = ("token", "created_at", "expires_at", "size", "filename", "mode", "data")
        if rows:
            connection.execute(pending_table.insert(), [dict(zip(keys, row, strict=True)) for row in rows])

    def _adopt_views(self, connection: Connection, path: Path) -> None:
        adopt_views_file(connection, path.read_bytes())


_LEGACY = {
    LEGACY_STORE: Store._adopt_imports,
    LEGACY_PENDING: Store._adopt_pending,
    LEGACY_VIEWS: Store._adopt_views,
}


def _info(row: Any) -> LayerInfo:
    values = {f.name: row[f.name] for f in fields(LayerInfo) if f.name != "imported_at"}
    return LayerInfo(imported_at=row["created_at"], **values)


def _bump(connection: Connection) -> None:
    """Count a change of the layers, so that every worker rebuilds what it shows."""
    changed = connection.execute(
        update(revision_table).where(revision_table.c.id == 1).values(revision=revision_table.c.revision + 1)
    ).rowcount
    if not changed:
        connection.execute(revision_table.insert().values(id=1, revision=1))
