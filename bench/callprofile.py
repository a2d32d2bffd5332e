"""Where a server callback spends its time: the request replayed in-process under cProfile.

Explains a callback that misses the requests/s target. The captured browser payloads are POSTed
through Flask's test client (the full Dash path: decoding, the callback, the Plotly JSON encoder),
first unprofiled for the mean time per request, then profiled for the functions with the most own
time. ``python -m bench.callprofile PAYLOADS.json [--data DIR]`` prints JSON.
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

PATH = "/_dash-update-component"
APP_CODE = ("/dashboard/", "/geodata/")
ENCODERS = ("to_json_plotly",)  # Dash encodes every callback response with plotly.io.json


def _where(file: str, line: int, name: str) -> str:
    parts = Path(file).parts
    short = "/".join(parts[-2:]) if len(parts) > 1 else file
    return f"{short}:{line} {name}"


def profile(payloads: dict[str, str], data_dir: Path | None, runs: int = 30) -> dict[str, Any]:
    """Per payload: mean ms per request, the app's functions by cumulative time, the JSON encoding
    and the functions with the most own time (all in ms per request)."""
    from dashboard.factory import create_app
    from geodata import load_atlas

    client = create_app(load_atlas(data_dir)).server.test_client()
    results: dict[str, Any] = {}
    for name, raw in payloads.items():
        body = raw.encode()

        def post(body: bytes = body) -> None:
            client.post(PATH, data=body, content_type="application/json")

        for _ in range(3):
            post()
        started = time.perf_counter()
        for _ in range(runs):
            post()
        mean_ms = (time.perf_counter() - started) / runs * 1000
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(runs):
            post()
        profiler.disable()
        stats = pstats.Stats(profiler).stats

        def per_request(seconds: float) -> float:
            return round(seconds / runs * 1000, 2)

        own = sorted(stats.items(), key=lambda item: -item[1][2])[:6]
        app_code = sorted(
            (item for item in stats.items() if any(part in item[0][0] for part in APP_CODE)),
            key=lambda item: -item[1][3],
        )[:8]
        encode = sum(v[3] for (file, _, function), v in stats.items() if function in ENCODERS)
        results[name] = {
            "mean_ms": round(mean_ms, 2),
            "json_encoding_ms": per_request(encode),
            "app_functions_cumulative": [
                {"function": _where(*key), "ms_per_request": per_request(values[3])}
                for key, values in app_code
            ],
            "top_own_time": [
                {"function": _where(*key), "ms_per_request": per_request(values[2])} for key, values in own
            ],
        }
    return results


def measure(payloads: dict[str, str], data_dir: Path | None = None) -> dict[str, Any]:
    """Run ``profile`` in a fresh interpreter (the bench process does not import the app)."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump(payloads, handle)
    argv = [sys.executable, "-m", "bench.callprofile", handle.name]
    if data_dir:
        argv += ["--data", str(data_dir)]
    try:
        completed = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, check=True, timeout=600)
    finally:
        Path(handle.name).unlink(missing_ok=True)
    return json.loads(completed.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> None:
    """Profile the payloads in a JSON file {name: request body}."""
    parser = argparse.ArgumentParser(description="Profile Dash callback requests in-process")
    parser.add_argument("payloads", type=Path)
    parser.add_argument("--data", type=Path, default=None)
    args = parser.parse_args(argv)
    print(json.dumps(profile(json.loads(args.payloads.read_text()), args.data)))


if __name__ == "__main__":
    main()
