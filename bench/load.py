"""How long ``geodata.load_atlas()`` takes (read and validate every layer), in a fresh process.

A fresh interpreter per run, as at a real start: nothing is cached in memory between runs (the OS
file cache is warm, as it is on a laptop that has opened the atlas before). The import of geodata
(pandas, geopandas, shapely, pyproj) is timed separately, because it is paid once per process and
is not something the data files can make faster.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.stats import summarize
from tests.browser.harness import ROOT

SCRIPT = """
import json, sys, time
started = time.perf_counter()
import geodata
imported = time.perf_counter()
atlas = geodata.load_atlas(sys.argv[1] if len(sys.argv) > 1 and sys.argv[1] else None)
loaded = time.perf_counter()
print(json.dumps({"import_s": imported - started, "load_s": loaded - imported, "zones": len(atlas.zones),
                  "footprints": len(atlas.footprints)}))
"""


def once(data_dir: Path | None = None) -> dict[str, float]:
    """One fresh-process run: import time, load time, and the whole process's wall time."""
    started = time.perf_counter()
    completed = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(data_dir or "")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    result = json.loads(completed.stdout.strip().splitlines()[-1])
    result["process_s"] = time.perf_counter() - started
    return result


def measure(runs: int, data_dir: Path | None = None) -> dict[str, Any]:
    """Median/p95 of load, import and process time over ``runs`` fresh processes (after one warm-up)."""
    once(data_dir)  # warms the OS file cache and .pyc files; not counted
    samples = [once(data_dir) for _ in range(runs)]
    return {
        "runs": runs,
        "zones": samples[0]["zones"],
        "footprints": samples[0]["footprints"],
        "load_s": summarize([s["load_s"] for s in samples], 4),
        "import_s": summarize([s["import_s"] for s in samples], 4),
        "process_s": summarize([s["process_s"] for s in samples], 4),
    }


def run(quick: bool = False) -> dict[str, Any]:
    """The shipped data, 20 runs (5 with --quick)."""
    return measure(5 if quick else 20)
