"""A throwaway PostgreSQL 15 + PostGIS cluster (tests/pg.sh) for the storage tests and the
multi-user benchmark: started as the postgres user, stopped and deleted afterwards."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PG_SH = Path(__file__).resolve().parent / "pg.sh"
PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
MISSING = (
    f"PostgreSQL 15 + PostGIS not found in {PG_BIN}: install them "
    "(apt-get install -y postgresql-15-postgis-3) or set ATLAS_TEST_DATABASE_URL"
)


def available() -> bool:
    """Whether the PostgreSQL binaries that tests/pg.sh runs are installed."""
    return (PG_BIN / "initdb").exists()


@contextmanager
def throwaway_cluster() -> Iterator[str]:
    """Start a cluster with a database ``atlas`` that has PostGIS; yield its URL; stop and delete it."""
    started = subprocess.run(["bash", str(PG_SH), "start"], capture_output=True, text=True, timeout=60)
    if started.returncode != 0:
        raise RuntimeError(f"tests/pg.sh start failed: {started.stderr.strip()[-500:]}")
    values = dict(line.removeprefix("export ").split("=", 1) for line in started.stdout.splitlines())
    try:
        yield values["ATLAS_TEST_DATABASE_URL"]
    finally:
        subprocess.run(["bash", str(PG_SH), "stop", values["ATLAS_TEST_PGDATA"]], timeout=60, check=False)
