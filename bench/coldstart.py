"""Cold start: ``python app.py --port P`` to the first 200 of /, and to the map drawn in Chromium.

What a planner waits for after double-clicking the start script. The browser is launched before
the server (it is not part of the app's start-up); the clock starts just before the server process
is spawned. "Map drawn" is the harness's MAP_READY_JS: MapLibre's canvas exists and the zones trace
has data. The phases of one start-up (bench.startup) say where the time goes.
"""

from __future__ import annotations

import time
from typing import Any

from bench import browser as b
from bench import startup
from bench.servers import app_argv, free_port, launch
from bench.stats import summarize


def run(quick: bool = False) -> dict[str, Any]:
    """Median/p95 over 5 cold starts (2 with --quick), plus one start-up split into phases."""
    first_200, map_drawn = [], []
    with b.chromium() as browser:
        for index in range(2 if quick else 5):
            with b.offline_page(browser, hooks=False) as session:
                port = free_port()
                with launch(app_argv(port), port, f"coldstart-{index}") as server:
                    session.page.goto(server.url + "/", timeout=120_000)
                    session.page.wait_for_function(b.MAP_READY_JS, timeout=120_000, polling="raf")
                    first_200.append(server.ready_s)
                    map_drawn.append(time.perf_counter() - server.started_at)
    return {
        "runs": len(first_200),
        "first_200_s": summarize(first_200),
        "map_drawn_s": summarize(map_drawn),
        "startup_phases": startup.measure(None)["phases"],
    }
