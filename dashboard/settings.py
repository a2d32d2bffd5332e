"""Where the app keeps what users create (saved views, imported layers): one configurable directory."""

from __future__ import annotations

from pathlib import Path

from geodata.store import data_dir as store_data_dir


def data_dir() -> Path:
    """ATLAS_DATA_DIR if set, else ./instance beside the code (the same rule as the import store); created."""
    path = store_data_dir()
    path.mkdir(parents=True, exist_ok=True)
    return path
