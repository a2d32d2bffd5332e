"""The one database that holds what must survive a restart and be shared by every worker and host.

A laptop in a ballroom keeps it in one SQLite file in the data directory; an office points
``DATABASE_URL`` at PostgreSQL + PostGIS. Modules that keep state declare their tables on
``metadata`` and reach the database through ``engine_for``; ``migrate`` brings any database to the
current schema, so a new host can start against an old database.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from functools import cache
from pathlib import Path

from sqlalchemy import Engine, MetaData, create_engine, event, text

DATABASE_ENV = "DATABASE_URL"
SQLITE_FILE = "atlas.sqlite"
metadata = MetaData()


def database_url(data_dir: Path, environ: Mapping[str, str] = os.environ) -> str:
    """``DATABASE_URL`` in SQLAlchemy form (``postgresql://`` means psycopg 3), else the data dir's file."""
    url = environ.get(DATABASE_ENV, "").strip()
    if not url:
        return f"sqlite:///{Path(data_dir).resolve() / SQLITE_FILE}"
    for plain in ("postgres://", "postgresql://"):
        if url.startswith(plain):
            return "postgresql+psycopg://" + url[len(plain) :]
    if not url.startswith(("postgresql+", "sqlite:")):
        raise ValueError(f"{DATABASE_ENV} must be a postgresql:// or sqlite:// URL, got {url.split(':', 1)[0]}:")
    return url


def is_postgres(engine: Engine) -> bool:
    """True for PostgreSQL (geometry in PostGIS columns), False for the embedded SQLite file."""
    return engine.dialect.name == "postgresql"


def _sqlite_pragmas(connection, _record) -> None:
    """WAL lets readers work beside one writer; the busy timeout makes writers queue, not fail."""
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


@cache
def engine_for(url: str) -> Engine:
    """One pooled engine per database for the life of the process (workers each build their own)."""
    if url.startswith("sqlite:"):
        path = Path(url.removeprefix("sqlite:///"))
        path.parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def migrate(engine: Engine) -> None:
    """Create what is missing (PostGIS first on PostgreSQL); safe to run on every start, on every host."""
    with engine.begin() as connection:
        if is_postgres(engine):
            # one host at a time: two hosts starting together must not race on CREATE
            connection.execute(text("SELECT pg_advisory_xact_lock(7466532)"))
            connection.execute(text("CREATE EXTENSION IF NOT EXISTS postgis"))
        metadata.create_all(connection)
