"""The one database that holds what must survive a restart and be shared by every worker and host.

A laptop in a ballroom keeps it in one SQLite file in the data directory; an office points
``DATABASE_URL`` at PostgreSQL + PostGIS. Modules that keep state declare their tables on
``metadata`` and reach the database through ``engine_for``; ``migrate`` brings any database to the
current schema, so a new host can start against an old database.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

from sqlalchemy import (
    Column,
    Connection,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    create_engine,
    event,
    select,
    text,
)

DATABASE_ENV = "DATABASE_URL"
SQLITE_FILE = "atlas.sqlite"
MIGRATION_LOCK = 7466532
WRITE_LOCK = 7466533  # imported layers
PENDING_LOCK = 7466534
VIEWS_LOCK = 7466535
metadata = MetaData()
schema_version = Table(
    "schema_version",
    metadata,
    Column("version", Integer, primary_key=True),
    Column("applied_at", String(20), nullable=False),
)
# Numbered schema steps beyond what create_all makes (new tables need no step; a changed column
# does): (version, what it does, SQL). Version 1 is the first schema, made by create_all.
MIGRATIONS: tuple[tuple[int, str, str], ...] = ((1, "first schema: every table on metadata", ""),)


def database_url(data_dir: Path, environ: Mapping[str, str] = os.environ) -> str:
    """``DATABASE_URL`` in SQLAlchemy form (``postgresql://`` means psycopg 3), else the data dir's file."""
    url = environ.get(DATABASE_ENV, "").strip()
    if not url:
        return f"sqlite:///{Path(data_dir).resolve() / SQLITE_FILE}"
    for plain in ("postgres://", "postgresql://"):
        if url.startswith(plain):
            return "postgresql+psycopg://" + url[len(plain) :]
    if not url.startswith(("postgresql+", "sqlite:")):
        raise ValueError(
            f"{DATABASE_ENV} must be a postgresql:// or sqlite:// URL, got {url.split(':', 1)[0]}:"
        )
    return url


def is_postgres(engine: Engine) -> bool:
    """True for PostgreSQL (geometry in PostGIS columns), False for the embedded SQLite file."""
    return engine.dialect.name == "postgresql"


def _sqlite_pragmas(connection, _record) -> None:
    """WAL lets readers work beside one writer; the busy timeout makes writers queue, not fail.
    The driver's own transaction guessing is switched off: ``_sqlite_begin`` says BEGIN itself."""
    connection.isolation_level = None
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    """A writer takes SQLite's write lock at BEGIN (IMMEDIATE), so it queues behind another writer
    instead of failing when it upgrades a read lock; readers begin DEFERRED and never wait."""
    immediate = connection.get_execution_options().get("write", False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


@cache
def engine_for(url: str) -> Engine:
    """One pooled engine per database for the life of the process (workers each build their own;
    a worker forked from a process that had one drops the inherited connections, never sharing them)."""
    if url.startswith("sqlite:"):
        path = Path(url.removeprefix("sqlite:///"))
        path.parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
    else:
        engine = create_engine(url, pool_pre_ping=True)
    if hasattr(os, "register_at_fork"):  # not on Windows, which does not fork
        os.register_at_fork(after_in_child=lambda: engine.dispose(close=False))
    return engine


@contextmanager
def writing(engine: Engine, lock: int = WRITE_LOCK) -> Iterator[Connection]:
    """One write transaction, serialised with every other writer on any host: SQLite's write lock
    (one for the whole file), or a PostgreSQL advisory lock ``lock`` held to the commit, one per kind
    of data (so read-then-write steps cannot interleave, and an import does not hold up a view)."""
    with engine.connect().execution_options(write=True) as connection, connection.begin():
        if is_postgres(engine):
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": lock})
        yield connection


def migrate(engine: Engine) -> None:
    """Create what is missing (PostGIS first on PostgreSQL), then run the numbered steps not yet
    recorded in ``schema_version``; safe to run on every start, on every host at once."""
    if is_postgres(engine):
        with engine.begin() as connection:  # before the lock: CREATE EXTENSION races on its own
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
            connection.execute(text("CREATE EXTENSION IF NOT EXISTS postgis"))
    with writing(engine, MIGRATION_LOCK) as connection:
        metadata.create_all(connection)
        done = set(connection.execute(select(schema_version.c.version)).scalars())
        for version, _what, sql in MIGRATIONS:
            if version not in done:
                if sql:
                    connection.exec_driver_sql(sql)
                stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
                connection.execute(schema_version.insert().values(version=version, applied_at=stamp))
