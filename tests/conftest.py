"""Shared fixtures: the shipped atlas (loaded once per session) and a copy of the data to break."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from geodata import Atlas, load_atlas
from geodata.atlas import DATA_DIR

pytest_plugins = ("tests.postgres",)  # postgres_server, postgres_url: a real PostgreSQL + PostGIS


@pytest.fixture(scope="session")
def atlas() -> Atlas:
    return load_atlas()


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of the shipped data directory, for tests that corrupt one file."""
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target
