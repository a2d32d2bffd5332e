"""Where the shared database is: the data directory's SQLite file, or DATABASE_URL in SQLAlchemy form."""

from __future__ import annotations

import pytest
from sqlalchemy import Column, Integer, Table, inspect, select

from geodata import db


def test_the_default_is_one_sqlite_file_in_the_data_directory(tmp_path):
    assert db.database_url(tmp_path, {}) == f"sqlite:///{tmp_path.resolve() / 'atlas.sqlite'}"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgresql://atlas:pw@db:5432/atlas", "postgresql+psycopg://atlas:pw@db:5432/atlas"),
        ("postgres://atlas@db/atlas", "postgresql+psycopg://atlas@db/atlas"),
        ("postgresql+psycopg://atlas@db/atlas", "postgresql+psycopg://atlas@db/atlas"),
    ],
)
def test_database_url_accepts_the_usual_postgres_forms(tmp_path, given, expected):
    assert db.database_url(tmp_path, {"DATABASE_URL": given}) == expected


def test_an_unknown_database_is_refused_without_echoing_its_password(tmp_path):
    with pytest.raises(ValueError, match="postgresql:// or sqlite://") as error:
        db.database_url(tmp_path, {"DATABASE_URL": "mysql://root:secret@db/atlas"})
    assert "secret" not in str(error.value)


def test_migrate_creates_declared_tables_once_and_sqlite_runs_in_wal(tmp_path):
    engine = db.engine_for(db.database_url(tmp_path / "data", {}))
    table = Table("probe_for_test_db", db.metadata, Column("id", Integer, primary_key=True))
    try:
        db.migrate(engine)
        db.migrate(engine)  # a second host starting against the same database changes nothing
        assert "probe_for_test_db" in inspect(engine).get_table_names()
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    finally:
        db.metadata.remove(table)


def test_numbered_steps_run_once_each_and_are_recorded(tmp_path, monkeypatch):
    engine = db.engine_for(db.database_url(tmp_path, {}))
    table = Table("probe_steps_for_test_db", db.metadata, Column("id", Integer, primary_key=True))
    try:
        db.migrate(engine)
        step = (2, "the probe gets a name", "ALTER TABLE probe_steps_for_test_db ADD COLUMN name TEXT")
        monkeypatch.setattr(db, "MIGRATIONS", (*db.MIGRATIONS, step))
        db.migrate(engine)
        db.migrate(engine)  # a second ALTER would fail: the step is recorded as done
        assert [c["name"] for c in inspect(engine).get_columns("probe_steps_for_test_db")] == ["id", "name"]
        with engine.connect() as connection:
            assert connection.execute(select(db.schema_version.c.version)).scalars().all() == [1, 2]
    finally:
        db.metadata.remove(table)
