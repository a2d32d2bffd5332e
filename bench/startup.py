"""Where start-up time and memory go, phase by phase, in one fresh process.

Explains a slow cold start or a high peak RSS: imports, ``load_atlas``, ``build_runtime`` (map
model, hover texts), the figures and layout, ``create_app`` as a whole, and the first
``/_dash-layout`` and ``/`` responses (Dash serialises the layout per request). Each phase gets its
wall time and the process's peak RSS after it. With ``--profile`` the slowest functions of
``create_app`` are listed too.

``python -m bench.startup [--data DIR] [--profile]`` prints JSON.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from tests.browser.harness import ROOT


def _peak_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def phases(data_dir: Path | None, profile: bool = False) -> dict[str, Any]:
    """Time and peak RSS after each start-up phase, in this process."""
    steps: list[dict[str, Any]] = []

    def step(name: str, started: float) -> None:
        steps.append(
            {"phase": name, "s": round(time.perf_counter() - started, 3), "peak_rss_mb": _peak_rss_mb()}
        )

    t = time.perf_counter()
    import dash  # noqa: F401
    import plotly.graph_objects  # noqa: F401

    step("import dash + plotly", t)
    t = time.perf_counter()
    import geodata
    from dashboard import factory
    from dashboard.runtime import build_runtime
    from geodata import atlascache
    from geodata.atlas import layer_paths

    step("import geodata + dashboard", t)
    t = time.perf_counter()
    atlas = geodata.load_atlas(data_dir)
    step("load_atlas (read and validate: a first start)", t)
    with tempfile.TemporaryDirectory() as cache:
        key = atlascache.cache_key(layer_paths(data_dir))
        atlascache.write(Path(cache), key, atlas)
        t = time.perf_counter()
        atlas = geodata.load_atlas(data_dir, cache_dir=Path(cache))
        step("load_atlas from its cache (a later start)", t)
    t = time.perf_counter()
    runtime = build_runtime(atlas)
    step("build_runtime (map model, hovers)", t)
    t = time.perf_counter()
    factory.base_map_figure(runtime.atlas, runtime.model, runtime.hovers)
    step("base_map_figure", t)
    del runtime
    t = time.perf_counter()
    profiler = cProfile.Profile() if profile else None
    if profiler:
        profiler.enable()
    app = factory.create_app(atlas)
    if profiler:
        profiler.disable()
    step("create_app (runtime + figures + layout + callbacks)", t)
    client = app.server.test_client()
    t = time.perf_counter()
    layout = client.get("/_dash-layout")
    step(f"first GET /_dash-layout ({len(layout.data) / 1e6:.1f} MB)", t)
    t = time.perf_counter()
    client.get("/")
    step("first GET /", t)
    result: dict[str, Any] = {"zones": len(atlas.zones), "footprints": len(atlas.footprints), "phases": steps}
    if profiler:
        stats = pstats.Stats(profiler)
        rows = sorted(stats.stats.items(), key=lambda item: -item[1][2])[:12]  # by own time
        result["create_app_top_functions"] = [
            {
                "function": f"{Path(file).name}:{line} {name}",
                "own_s": round(values[2], 3),
                "cumulative_s": round(values[3], 3),
                "calls": values[1],
            }
            for (file, line, name), values in rows
        ]
    return result


def measure(data_dir: Path | None = None, profile: bool = False) -> dict[str, Any]:
    """Run ``phases`` in a fresh interpreter and return its JSON."""
    argv = [sys.executable, "-m", "bench.startup"]
    if data_dir:
        argv += ["--data", str(data_dir)]
    if profile:
        argv.append("--profile")
    completed = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, check=True, timeout=900)
    return json.loads(completed.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> None:
    """Print the phases of one start-up as JSON."""
    parser = argparse.ArgumentParser(description="Start-up phases of the dashboard")
    parser.add_argument("--data", type=Path, default=None)
    parser.add_argument("--profile", action="store_true", help="also list create_app's slowest functions")
    args = parser.parse_args(argv)
    print(json.dumps(phases(args.data, args.profile)))


if __name__ == "__main__":
    main()
