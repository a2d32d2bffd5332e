"""Memory under repeated uploads: 25 uploads of a 6 MB GeoJSON through the import callback of the
production server, never confirmed. ``python -m bench.uploads`` (about a minute, loopback only).

Pending uploads now wait in the store's database (atlas.sqlite here; capped), not in the worker's
memory, so the server's RSS should level off instead of growing with every upload (the issue
measured 178 -> 743 MiB with plans held in memory). Appends a dated section to bench/RESULTS.md.
"""

from __future__ import annotations

import base64
import json
import os
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.servers import launch, post_callback
from bench.slowclients import waitress_argv
from tests.browser.harness import ROOT, free_port

UPLOADS = 25
POINTS = 5000


def geojson_bytes() -> bytes:
    """About 6 MB: 5,000 points near Balikpapan with a long note each."""
    features = [
        {
            "type": "Feature",
            "properties": {"nama": f"Titik {n}", "catatan": "x" * 1100},
            "geometry": {"type": "Point", "coordinates": [116.8 + n * 1e-5, -1.2 + n * 1e-5]},
        }
        for n in range(POINTS)
    ]
    return json.dumps({"type": "FeatureCollection", "features": features}).encode()


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def upload(url: str, data: bytes) -> None:
    outputs = [
        ("import-report", "children"), ("import-matches", "options"), ("import-matches", "value"),
        ("import-confirm", "disabled"), ("import-token", "data"), ("import-override", "value"),
    ]  # fmt: skip
    body = {
        "output": ".." + "...".join(f"{i}.{p}" for i, p in outputs) + "..",
        "outputs": [{"id": i, "property": p} for i, p in outputs],
        "inputs": [
            {
                "id": "import-contents",
                "property": "data",
                "value": "data:application/geo+json;base64," + base64.b64encode(data).decode(),
            }
        ],
        "state": [
            {"id": "import-filename", "property": "data", "value": "titik.geojson"},
            {"id": "import-mode", "property": "value", "value": "overlay"},
            {"id": "lang-toggle", "property": "value", "value": "id"},
        ],
        "changedPropIds": ["import-contents.data"],
    }
    answer = post_callback(url, body)
    assert answer["response"]["import-token"]["data"], answer


def main() -> None:
    data = geojson_bytes()
    port = free_port()
    with tempfile.TemporaryDirectory() as data_dir:
        os.environ["ATLAS_DATA_DIR"] = data_dir  # the server process inherits it
        with launch(waitress_argv(port), port, "uploads") as server:
            pid = server.process.pid
            baseline = rss_mib(pid)
            series = []
            started = time.perf_counter()
            for _ in range(UPLOADS):
                upload(server.url, data)
                series.append(round(rss_mib(pid), 1))
            took = time.perf_counter() - started
            pending_mb = sum(p.stat().st_size for p in Path(data_dir).glob("atlas.sqlite*")) / 1e6
            leftovers = list((Path(data_dir) / "tmp").iterdir())
    stamp = datetime.now(UTC)
    lines = [
        "",
        f"## {stamp:%Y-%m-%d %H:%M} UTC — repeated uploads, memory (issue 15)",
        "",
        f"- Command: `python -m bench.uploads`: {UPLOADS} unconfirmed uploads of a "
        f"{len(data) / 1e6:.1f} MB GeoJSON ({POINTS:,} points) through the import callback of "
        "`python app.py --production` (waitress, one process).",
        f"- Server RSS: {baseline:.0f} MiB before, {series[0]:.0f} after the first, {max(series):.0f} at most, "
        f"{series[-1]:.0f} after the last (every 5th: {', '.join(f'{v:.0f}' for v in series[4::5])} MiB); "
        f"{took / UPLOADS:.2f} s per upload.",
        f"- atlas.sqlite (with its WAL; pending uploads live there): {pending_mb:.0f} MB on disk (cap: 16 uploads, 256 MB); staged files left in tmp/: "
        f"{len(leftovers)}.",
        "- Before (plans in the worker's memory, as the issue measured): 178 -> 743 MiB for 25 uploads of 6 MB.",
    ]
    with (ROOT / "bench" / "RESULTS.md").open("a") as handle:
        handle.write("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
