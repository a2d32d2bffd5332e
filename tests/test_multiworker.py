"""0 of N imports lost across processes and hosts: the real Dash import callbacks over HTTP.

Two "hosts" share one database: host A is the README's gunicorn command (``-w 2 --threads 4``), host
B is ``app.py --production`` (waitress). Every import is checked on one host and confirmed on the
other, several at once, against the embedded SQLite file and against PostgreSQL + PostGIS.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import pytest

from bench.servers import gunicorn_argv, wait_for_200
from geodata import db
from geodata.store import Store
from tests.browser.harness import ROOT, free_port

IMPORTS = 12
PLAN = ("import-upload.contents",)
CONFIRM = ("import-confirm.n_clicks",)


@contextmanager
def hosts(directory: Path, url: str | None) -> Iterator[list[str]]:
    """Host A (gunicorn, two workers) and host B (waitress) on one data directory / database."""
    env = {k: v for k, v in os.environ.items() if k != db.DATABASE_ENV}
    env |= {"ATLAS_DATA_DIR": str(directory), "PYTHONUNBUFFERED": "1"} | (
        {db.DATABASE_ENV: url} if url else {}
    )
    ports = [free_port(), free_port()]
    argvs = [gunicorn_argv(ports[0]), [sys.executable, "app.py", "--production", "--port", str(ports[1])]]
    with ExitStack() as stack:
        processes = []
        for n, argv in enumerate(argvs):
            log = stack.enter_context((directory.parent / f"host{n}.log").open("w"))
            process = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
            stack.callback(stop, process)
            processes.append(process)
        bases = [f"http://127.0.0.1:{port}" for port in ports]
        for base, process in zip(bases, processes, strict=True):
            wait_for_200(base + "/", process, timeout=180, interval=0.2)
        yield bases


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=20)


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
    request = urllib.request.Request(
        base + "/_dash-update-component",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=120) as response:
        return json.loads(response.read())["response"]


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
            "import-upload.contents": contents,
            "import-upload.filename": f"titik_{n}.geojson",
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
    with hosts(directory, url) as bases:
        with urllib.request.urlopen(bases[0] + "/_dash-dependencies", timeout=30) as response:
            dependencies = json.loads(response.read())
        with ThreadPoolExecutor(max_workers=4) as pool:
            stored = list(pool.map(lambda n: import_once(bases, dependencies, n), range(IMPORTS)))
    assert stored == [True] * IMPORTS
    layers = Store(directory, url=url).layers()
    assert sorted(i.source_file for i in layers) == sorted(f"titik_{n}.geojson" for n in range(IMPORTS))
