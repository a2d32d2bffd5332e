"""0 of N imports lost across processes and hosts: the real Dash import callbacks over HTTP.

Two "hosts" share one database: host A is the README's gunicorn command (``-w 2 --threads 4``), host
B is ``app.py --production`` (waitress). Every import is checked on one host and confirmed on the
other, several at once, against the embedded SQLite file and against PostgreSQL + PostGIS.
"""

from __future__ import annotations

import base64
import json
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from bench.servers import Spec, gunicorn_argv, launch_many, post_callback
from bench.slowclients import waitress_argv
from geodata import db
from geodata.store import Store
from tests.browser.harness import free_port

IMPORTS = 12
PLAN = ("import-contents.data",)
CONFIRM = ("import-confirm.n_clicks",)


@contextmanager
def hosts(directory: Path, url: str | None, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Host A (gunicorn, two workers) and host B (waitress) on one data directory / database."""
    monkeypatch.setenv("ATLAS_DATA_DIR", str(directory))
    if url:
        monkeypatch.setenv(db.DATABASE_ENV, url)
    ports = [free_port(), free_port()]
    specs = [
        Spec(gunicorn_argv(ports[0]), ports[0], "hosts-gunicorn"),
        Spec(waitress_argv(ports[1]), ports[1], "hosts-waitress"),
    ]
    with launch_many(specs, timeout=180) as servers:
        yield [server.url for server in servers]


def callback(base: str, dependencies: list[dict[str, Any]], trigger: tuple[str, ...], values: dict) -> dict:
    """POST one callback as the browser does: its output string from /_dash-dependencies, its
    inputs and states with ``values`` (id.property -> value); returns the response's outputs."""
    spec = next(
        d for d in dependencies if tuple(f"{i['id']}.{i['property']}" for i in d["inputs"]) == trigger
    )
    outputs = [part.rsplit(".", 1) for part in spec["output"].strip(".").split("...")]

    def given(items: list[dict]) -> list[dict]:
        return [{**i, "value": values.get(f"{i['id']}.{i['property']}")} for i in items]

    body = {
        "output": spec["output"],
        "outputs": [{"id": i, "property": p} for i, p in outputs],
        "inputs": given(spec["inputs"]),
        "state": given(spec["state"]),
        "changedPropIds": list(trigger),
    }
    return post_callback(base, body)["response"]


def import_once(bases: list[str], dependencies: list[dict[str, Any]], n: int) -> bool:
    """Check a one-point GeoJSON on one host and confirm it on the other; True if it was stored."""
    document = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"nama": f"Titik {n}"},
                "geometry": {"type": "Point", "coordinates": [116.8 + n / 100, -1.2]},
            }
        ],
    }
    contents = "data:application/geo+json;base64," + base64.b64encode(json.dumps(document).encode()).decode()
    planner, confirmer = bases[n % 2], bases[(n + 1) % 2]
    planned = callback(
        planner,
        dependencies,
        PLAN,
        {
            "import-contents.data": contents,
            "import-filename.data": f"titik_{n}.geojson",
            "import-mode.value": "overlay",
            "lang-toggle.value": "en",
        },
    )
    token = planned["import-token"]["data"]
    confirmed = callback(
        confirmer,
        dependencies,
        CONFIRM,
        {
            "import-confirm.n_clicks": 1,
            "import-token.data": token,
            "import-matches.value": [],
            "import-override.value": [],
            "lang-toggle.value": "en",
        },
    )
    return bool(token) and bool(confirmed.get("import-done", {}).get("data"))


@pytest.mark.parametrize("engine", ["sqlite", "postgis"])
def test_no_import_is_lost_across_workers_and_hosts(engine, request, tmp_path, monkeypatch):
    monkeypatch.delenv(db.DATABASE_ENV, raising=False)
    url = request.getfixturevalue("postgres_url") if engine == "postgis" else None
    directory = tmp_path / "data"
    directory.mkdir()
    with hosts(directory, url, monkeypatch) as bases:
        with urllib.request.urlopen(bases[0] + "/_dash-dependencies", timeout=30) as response:
            dependencies = json.loads(response.read())
        with ThreadPoolExecutor(max_workers=4) as pool:
            stored = list(pool.map(lambda n: import_once(bases, dependencies, n), range(IMPORTS)))
    assert stored == [True] * IMPORTS
    layers = Store(directory, url=url).layers()
    assert sorted(i.source_file for i in layers) == sorted(f"titik_{n}.geojson" for n in range(IMPORTS))
