"""Scale: the shipped 36 zones, then 2,000 and 20,000 synthetic zones with surveyed footprints.

Per scale, two servers on the same data (started together by bench.serve, because app.py cannot
be pointed at another data directory): the real app and the naive baseline (bench.naive_app,
whole figure resent on every change). Measured: the first load (bytes, time to the map), the
sector-filter interaction on both (the same in-page clock as bench.interactions; the naive one
reads as a ratio), and the peak RSS of each server. Fewer repetitions at 20,000 zones, where one
naive repetition takes tens of seconds; the numbers say how many were made.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path
from typing import Any

import pandas as pd

from bench import browser as b
from bench import startup, synthetic
from bench.firstload import measure_page
from bench.interactions import filter_on_page
from bench.servers import Spec, data_argv, free_port, launch_many
from geodata.atlas import DATA_DIR

# zones -> (app reps, naive reps, warm-ups, traced reps) for full and quick runs. At 20,000 zones one
# app repetition takes about a second, one naive ~40 s, hence a single naive one there.
PAGE_TIMEOUT_MS = 400_000  # a 20,000-zone page is drawn in ~10 s here (~70 s naive); longer means it is stuck
REPS = {
    "full": {None: (15, 15, 2, 1), 2000: (10, 4, 1, 1), 20000: (10, 1, 1, 1)},
    "quick": {None: (6, 6, 1, 0), 2000: (3, 1, 1, 1), 20000: (3, 1, 0, 1)},
}


def zones_frame(data_dir: Path) -> pd.DataFrame:
    """The columns of zones.csv the filter check needs, read without loading (validating) the atlas,
    which at 20,000 zones would cost the bench process as much time and memory as the server."""
    with (data_dir / "zones.csv").open(newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    return pd.DataFrame(
        {
            "sectors": [tuple(s for s in row["sectors"].split(";") if s) for row in rows],
            "kind": [row["kind"] for row in rows],
            "status": [row["status"] for row in rows],
            "province": [row["province"] for row in rows],
            "investment_idr_trillion": [
                float(row["investment_idr_trillion"]) if row["investment_idr_trillion"] else math.nan
                for row in rows
            ],
        },
        index=[row["id"] for row in rows],
    )


def _sectors(data_dir: Path) -> list[str]:
    with (data_dir / "sectors.csv").open(newline="", encoding="utf-8-sig") as handle:
        return [row["id"] for row in csv.DictReader(handle)]


def measure_scale(browser: Any, zones: int | None, mode: str) -> dict[str, Any]:
    """One scale: data, both servers, first load, filter on both, memory."""
    data_dir, generated_s = (DATA_DIR, 0.0) if zones is None else synthetic.ensure(zones)
    frame, sectors = zones_frame(data_dir), _sectors(data_dir)
    reps, naive_reps, warmup, traced = REPS[mode][zones]
    name = "national" if zones is None else str(zones)
    ports = free_port(), free_port()
    specs = [
        Spec(data_argv(ports[0], data_dir), ports[0], f"scale-{name}-app"),
        Spec(data_argv(ports[1], data_dir, naive=True), ports[1], f"scale-{name}-naive"),
    ]
    result: dict[str, Any] = {
        "zones": len(frame),
        "data_dir": str(data_dir),
        "generated_s": round(generated_s, 1),
    }
    with launch_many(specs, timeout=1200) as (app, naive):
        result["server_ready_s"] = {"app": round(app.ready_s, 1), "naive": round(naive.ready_s, 1)}
        # peak RSS of the app at each step: what start-up, the first page and the interactions cost
        steps = {"after start": app.memory_mb()["peak_rss_mb"]}
        with b.offline_page(browser) as session:
            # every action may wait as long as a page load: at 20,000 zones a software-rendered map
            # frame takes seconds, and a click waits for the page to be still (30 s did not do)
            session.page.set_default_timeout(PAGE_TIMEOUT_MS)
            result["first_load"] = measure_page(session.page, app.url, PAGE_TIMEOUT_MS)
            steps["after first page load"] = app.memory_mb()["peak_rss_mb"]
            result["filter"] = filter_on_page(session.page, frame, sectors, reps, warmup, traced)
        result["memory"] = {"app": app.memory_mb(), "app_peak_rss_steps_mb": steps}
        with b.offline_page(browser) as session:
            session.page.set_default_timeout(PAGE_TIMEOUT_MS)
            b.open_atlas(session.page, naive.url + "/", timeout_ms=PAGE_TIMEOUT_MS)
            result["naive_filter"] = filter_on_page(
                session.page, frame, sectors, naive_reps, min(warmup, 1), 0
            )
        result["memory"]["naive"] = naive.memory_mb()
    real, base = result["filter"]["ms"]["all"], result["naive_filter"]["ms"]["all"]
    result["naive_over_app"] = {
        stat: round(base[stat] / real[stat], 2)
        for stat in ("median", "p95")
        if real.get(stat) and base.get(stat)
    }
    return result


def run(quick: bool = False, scales: tuple[int, ...] | None = None) -> dict[str, Any]:
    """National, then each synthetic scale (2,000 with --quick; 2,000 and 20,000 otherwise)."""
    mode = "quick" if quick else "full"
    chosen = scales if scales is not None else ((2000,) if quick else (2000, 20000))
    results: dict[str, Any] = {"mode": mode, "scales": {}}
    with b.chromium() as browser:
        for zones in (None, *chosen):
            if zones is not None and zones not in REPS[mode]:
                REPS[mode][zones] = REPS[mode][20000] if zones > 5000 else REPS[mode][2000]
            key = "national" if zones is None else str(zones)
            try:
                results["scales"][key] = measure_scale(browser, zones, mode)
            except Exception as exc:  # e.g. a page that never finishes loading: keep the other scales
                results.setdefault("errors", {})[key] = f"{type(exc).__name__}: {str(exc)[:300]}"
    if not quick and chosen:  # where start-up time and memory go (2,000 zones: the same code paths as
        # 20,000 at a tenth of the two minutes a 20,000-zone start-up takes)
        profiled = min(chosen)
        data_dir, _ = synthetic.ensure(profiled)
        results["startup_phases"] = {"zones": profiled, **startup.measure(data_dir)}
    return results
