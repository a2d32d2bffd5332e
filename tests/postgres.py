"""A real PostgreSQL 15 + PostGIS for the storage tests: $ATLAS_TEST_DATABASE_URL when set, else a
throwaway cluster started by tests/pg.sh for the session. Each test gets its own database, copied
from that one (so it has PostGIS) and dropped afterwards.

Without the binaries the tests fail in CI (CI=true: .ci/run installs them) and are skipped only on a
developer machine without PostgreSQL."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import make_url

from geodata import db
from tests import pgcluster


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """The URL of a database with PostGIS to copy for each test."""
    given = os.environ.get("ATLAS_TEST_DATABASE_URL", "").strip()
    if given:
        yield given
        return
    if not pgcluster.available():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(pgcluster.MISSING)
        pytest.skip(pgcluster.MISSING)
    with pgcluster.throwaway_cluster() as url:
        yield url


def _admin(url: str) -> str:
    """libpq form of ``url`` pointed at the server's ``postgres`` database."""
    return (
        make_url(url).set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    )


@pytest.fixture
def postgres_url(postgres_server: str) -> Iterator[str]:
    """A fresh database of its own, as a DATABASE_URL."""
    template = make_url(postgres_server).database
    name = f"atlas_test_{secrets.token_hex(4)}"
    with psycopg.connect(_admin(postgres_server), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    url = make_url(postgres_server).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        db.engine_for(db.database_url(Path("."), {db.DATABASE_ENV: url})).dispose()
        with psycopg.connect(_admin(postgres_server), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
