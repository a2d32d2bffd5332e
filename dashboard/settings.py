"""Where the app keeps what users create (saved views, imported layers): one configurable directory."""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_DATA_DIR = Path(__file__).resolve().parent.parent / "instance"


def data_dir() -> Path:
    """ATLAS_DATA_DIR if set, else ./instance beside the code; created on first use."""
    path = Path(os.environ.get("ATLAS_DATA_DIR") or DEFAULT_DATA_DIR).expanduser()
    path.mkdir(parents=True, exist_ok=True)
    return path
