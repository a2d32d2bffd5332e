"""Cold start: ``python app.py --port P`` to the first 200 of /, and to the map drawn in Chromium.

What a planner waits for after double-clicking the start script. The browser is launched before
the server (it is not part of the app's start-up); the clock starts just before the server process
is spawned. "Map drawn" is the harness's MAP_READY_JS: MapLibre's canvas exists and the zones trace
has data. The phases of one start-up (bench.startup) say where the time goes.

Every start uses a data directory of its own (bench/out/coldstart), emptied first: the first start
reads and validates the shipped data and fills the atlas cache (geodata.atlascache), as the first
start after installing or changing the data does; it is reported apart. The timed starts after it
are every later start: the data unchanged, the validated atlas taken from the cache.
"""

from __future__ import annotations

import shutil
import time
from typing import Any

from bench import browser as b
from bench import startup
from bench.servers import Spec, app_argv, free_port, launch_many
from bench.stats import summarize
from tests.browser.harness import ROOT

DATA_DIR = ROOT / "bench" / "out" / "coldstart"


def _start(browser: Any, name: str) -> tuple[float, float]:
    """One start: seconds to the first 200 of / and to the map drawn."""
    with b.offline_page(browser, hooks=False) as session:
        port = free_port()
        spec = Spec(app_argv(port), port, name, env={"ATLAS_DATA_DIR": str(DATA_DIR)})
        with launch_many([spec]) as (server,):
            session.page.goto(server.url + "/", timeout=120_000)
            session.page.wait_for_function(b.MAP_READY_JS, timeout=120_000, polling="raf")
            return server.ready_s, time.perf_counter() - server.started_at


def run(quick: bool = False) -> dict[str, Any]:
    """The first start (empty cache), then median/p95 over 5 later starts (2 with --quick), plus one
    start-up split into phases."""
    shutil.rmtree(DATA_DIR, ignore_errors=True)
    with b.chromium() as browser:
        first = _start(browser, "coldstart-first")
        later = [_start(browser, f"coldstart-{index}") for index in range(2 if quick else 5)]
    return {
        "runs": len(later),
        "first_start_s": {"first_200": round(first[0], 3), "map_drawn": round(first[1], 3)},
        "first_200_s": summarize([ready for ready, _ in later]),
        "map_drawn_s": summarize([drawn for _, drawn in later]),
        "startup_phases": startup.measure(None)["phases"],
    }
