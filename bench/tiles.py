"""Tiles: 1,000,000 synthetic parcels as a vector-tiled layer (geodata.tiles), end to end.

``python -m bench --only tiles`` (``--quick``: 100,000 parcels). Measured: the import (``python -m
geodata tiles``: wall time and the peak RSS of the largest process, Python or tippecanoe), the
archive's size and largest tile; then on ``bench.serve`` over a data directory holding only that
archive, in Chromium: the first map draw with the layer on (from the checkbox's click to the map
idle with parcels or aggregates rendered), the longest main-thread task (PerformanceObserver
'longtask') while panning and zooming after that first draw, the category filter's latency (from
the dropdown's change to the map idle, MapLibre ``setFilter``) with its p95, and the server's RSS.
The page is measured with GPU compositing (bench.browser.GPU_COMPOSITING_ARGS), then its pans again
with the tests' ``--disable-gpu`` (software compositing, a canvas read-back every frame).

The parcels (``parcels``): reproducible (seeded) rotated rectangles of log-normal area (median
~2 ha, like farm and house plots) inside the land of five provinces, with one of six land uses.
"""

from __future__ import annotations

import math
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import shapely

from bench import browser as b
from bench import synthetic
from bench.servers import OUT, Spec, app_argv, free_port, launch_many
from bench.stats import summarize
from geodata.atlas import DATA_DIR
from geodata.tiles import TileArchive, tiles_dir

PROVINCES = ("Jawa Timur", "Jawa Tengah", "Kalimantan Timur", "Sumatera Utara", "Sulawesi Selatan")
USES = {"sawah": 0.3, "kebun": 0.25, "permukiman": 0.2, "ladang": 0.12, "industri": 0.08, "tambak": 0.05}
FULL, QUICK = 1_000_000, 100_000


def parcels(count: int, out: Path, seed: int = synthetic.DEFAULT_SEED) -> Path:
    """Write ``count`` seeded synthetic parcels to a FlatGeobuf (category field ``guna``)."""
    rng = np.random.default_rng(seed)
    provinces = [p for p in synthetic._province_sampler(DATA_DIR) if p["names"][0] in PROVINCES]
    share = rng.multinomial(count, [1 / len(provinces)] * len(provinces))
    lons, lats = [], []
    for province, wanted in zip(provinces, share, strict=True):
        west, south, east, north = province["geometry"].bounds
        found = 0
        while found < wanted:
            xs, ys = rng.uniform(west, east, wanted * 2), rng.uniform(south, north, wanted * 2)
            keep = shapely.contains_xy(province["geometry"], xs, ys)
            xs, ys = xs[keep][: wanted - found], ys[keep][: wanted - found]
            lons.append(xs)
            lats.append(ys)
            found += len(xs)
    lon, lat = np.concatenate(lons), np.concatenate(lats)
    hectares = rng.lognormal(math.log(2.0), 0.8, count)
    side_m = np.sqrt(hectares * 10_000.0)
    aspect = rng.uniform(0.5, 2.0, count)
    half_w, half_h = side_m * np.sqrt(aspect) / 2, side_m / np.sqrt(aspect) / 2
    turn = rng.uniform(0, math.pi, count)
    corners = np.array([[-1, -1], [1, -1], [1, 1], [-1, 1], [-1, -1]], dtype=float)
    dx = corners[:, 0][None, :] * half_w[:, None]
    dy = corners[:, 1][None, :] * half_h[:, None]
    east_m = dx * np.cos(turn)[:, None] - dy * np.sin(turn)[:, None]
    north_m = dx * np.sin(turn)[:, None] + dy * np.cos(turn)[:, None]
    ring_lon = (
        lon[:, None] + east_m / (synthetic.KM_PER_DEG_LON_EQUATOR * 1000 * np.cos(np.radians(lat)))[:, None]
    )
    ring_lat = lat[:, None] + north_m / (synthetic.KM_PER_DEG_LAT * 1000)
    geometry = shapely.polygons(np.round(np.stack([ring_lon, ring_lat], axis=-1), 7))
    uses = rng.choice(list(USES), count, p=list(USES.values()))
    frame = gpd.GeoDataFrame({"guna": uses}, geometry=geometry, crs="EPSG:4326")
    out.parent.mkdir(parents=True, exist_ok=True)
    frame.to_file(out, driver="FlatGeobuf", engine="pyogrio")
    return out


def build(source: Path, data_dir: Path) -> dict[str, Any]:
    """``python -m geodata tiles`` as a user runs it: wall time, peak RSS of its largest process."""
    began = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "geodata", "tiles", str(source), "--name", "parcels", "--category", "guna"],
        env={**os.environ, "ATLAS_DATA_DIR": str(data_dir)},
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - began
    if done.returncode != 0:
        raise RuntimeError(f"tile build failed: {done.stderr[-2000:]}")
    archive = TileArchive(tiles_dir(data_dir) / "parcels.pmtiles")
    sizes = [length for _, length in archive.entries()]
    return {
        "seconds": round(seconds, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1),
        "archive_mb": round(archive.path.stat().st_size / 1e6, 1),
        "tiles": archive.header["addressed_tiles_count"],
        "largest_tile_kb": round(max(sizes) / 1000, 1),
        "median_tile_kb": round(float(np.median(sizes)) / 1000, 2),
        "zooms": [archive.header["min_zoom"], archive.header["max_zoom"]],
        "polygon_minzoom": archive.metadata["polygon_minzoom"],
        "steps": done.stderr.strip().splitlines(),
    }


# In the page: the live map, whether the tiled layer has drawn anything, and a wait for the map to be
# idle (every tile loaded, the last change painted) that resolves with the time since ``t0``.
PAGE_JS = r"""
(() => {
  const liveMap = () => document.querySelector('#map .js-plotly-plot')._fullLayout.map._subplot.map;
  const ids = ['atlas-tiles-parcels-cells', 'atlas-tiles-parcels-fill'];
  const drawn = (map, category) => {
    const layers = ids.filter((id) => map.getLayer(id));
    if (!layers.length) { return false; }
    const found = map.queryRenderedFeatures({layers});
    return found.length > 0 && (!category || found.every((f) => f.properties.category === category));
  };
  window.__tiles = {
    liveMap,
    // idle: every tile loaded and the last change painted; with ``needDrawn`` also the layer drawn
    // (filtered to ``category``). A pan may leave the parcels behind, so it does not need them.
    idleSince(t0, category, timeoutMs, needDrawn = true) {
      return new Promise((resolve, reject) => {
        const stop = setTimeout(() => reject(new Error('map not idle in time')), timeoutMs);
        const check = () => {
          const map = liveMap();
          if (map.loaded() && !map.isMoving() && (!needDrawn || drawn(map, category))) {
            requestAnimationFrame(() => { clearTimeout(stop); resolve(performance.now() - t0); });
          } else { setTimeout(check, 4); }
        };
        requestAnimationFrame(check);  // after the change has reached the map's next frame
      });
    },
    longTasksSince(t0) {
      return window.__bench.longTasks.filter(([start]) => start >= t0).map(([, duration]) => duration);
    },
  };
})();
"""
FIRST_DRAW_JS = r"""
(timeoutMs) => {
  window.__firstDraw = new Promise((resolve, reject) => {
    window.addEventListener('pointerdown', (event) => {
      window.__tiles.idleSince(event.timeStamp, null, timeoutMs).then(resolve, reject);
    }, {capture: true, once: true});
  });
}
"""
FILTER_JS = r"""
async ([category, timeoutMs]) => {
  const t0 = performance.now();
  window.dash_clientside.set_props('tile-category', {value: category ? [category] : []});
  return await window.__tiles.idleSince(t0, category, timeoutMs);
}
"""
TIMEOUT_MS = 300_000
STEP_TIMEOUT_MS = 120_000
PAN_STEPS = 9  # drag, drag, zoom in: three times, from two zooms above the polygons to one into them
START = (112.75, -7.45)  # Surabaya's hinterland, Jawa Timur


def _pan_and_zoom(page: Any, steps: int) -> dict[str, Any]:
    """Real mouse drags and wheel zooms over the map, each step waited to idle: longest tasks."""
    box = page.locator("#map").bounding_box()
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    t0 = page.evaluate("() => performance.now()")
    idle_ms = []
    for step in range(steps):
        page.mouse.move(cx, cy)
        if step % 3 == 2:
            for _ in range(3):  # about one zoom level in, towards and into the polygon zooms
                page.mouse.wheel(0, -300)
                page.wait_for_timeout(100)
        else:
            page.mouse.down()
            sign = 1 if step % 2 else -1  # back and forth, so the view stays over the parcels
            for i in range(1, 11):
                page.mouse.move(cx - 30 * i * sign, cy - 12 * i * sign, steps=2)
            page.mouse.up()
        began = page.evaluate("() => performance.now()")
        idle_ms.append(
            page.evaluate(
                "([t, ms]) => window.__tiles.idleSince(t, null, ms, false)", [began, STEP_TIMEOUT_MS]
            )
        )
    tasks = page.evaluate("(t) => window.__tiles.longTasksSince(t)", t0)
    return {
        "steps": steps,
        "zoom_end": round(page.evaluate("() => window.__tiles.liveMap().getZoom()"), 2),
        "long_tasks": len(tasks),
        "longest_task_ms": round(max(tasks, default=0.0), 1),
        "tasks_over_200ms": sum(1 for t in tasks if t > 200),
        "idle_after_step_ms": summarize(idle_ms, 1),
    }


def measure_page(browser: Any, url: str, minzoom: int, reps: int) -> dict[str, Any]:
    """In one page: the pan/zoom with the layer off (the app's own cost, its first use of each map
    layer included), back to the start, then: first draw with the layer switched on, the same
    pan/zoom, the category filter (alternating)."""
    result: dict[str, Any] = {}
    zoom = max(minzoom - 2, 0)
    start = f"{url}/?center={START[0]},{START[1]}&zoom={zoom}"
    with b.offline_page(browser) as session:
        page = session.page
        b.open_atlas(page, start, TIMEOUT_MS)
        page.evaluate(PAGE_JS)
        result["pan_zoom_layer_off"] = _pan_and_zoom(page, PAN_STEPS)
        page.evaluate(
            "([lon, lat, zoom]) => window.__tiles.liveMap().jumpTo({center: [lon, lat], zoom})",
            [*START, zoom],
        )
        page.evaluate("(t) => window.__tiles.idleSince(performance.now(), null, t, false)", STEP_TIMEOUT_MS)
        page.evaluate(FIRST_DRAW_JS, TIMEOUT_MS)
        page.locator("#tile-layers").get_by_text("parcels", exact=False).click()
        result["first_draw_ms"] = round(page.evaluate("() => window.__firstDraw"), 1)
        result["first_draw_zoom"] = zoom
        result["pan_zoom"] = _pan_and_zoom(page, PAN_STEPS)
        times = [
            page.evaluate(FILTER_JS, [("sawah" if i % 2 == 0 else "kebun"), TIMEOUT_MS])
            for i in range(reps + 1)
        ][1:]  # the first one is a warm-up: MapLibre compiles the filter's shaders
        cleared = page.evaluate(FILTER_JS, [None, TIMEOUT_MS])
        result["filter_ms"] = {**summarize(times, 1), "cleared_ms": round(cleared, 1)}
        result["filter_zoom"] = round(page.evaluate("() => window.__tiles.liveMap().getZoom()"), 2)
        result["console_errors"] = session.console_errors[:5]
        result["blocked"] = session.blocked[:5]
    return result


def run(quick: bool = False) -> dict[str, Any]:
    """Generate (cached), import, serve and measure the parcels; 100,000 with --quick."""
    count = QUICK if quick else FULL
    source = OUT / "tiles" / f"parcels-{count}.fgb"
    began = time.perf_counter()
    if not source.exists():
        parcels(count, source)
    generated_s = time.perf_counter() - began
    data_dir = OUT / "tiles" / f"data-{count}"
    shutil.rmtree(data_dir, ignore_errors=True)
    result: dict[str, Any] = {"parcels": count, "generated_s": round(generated_s, 1)}
    result["import"] = build(source, data_dir)
    port = free_port()
    spec = Spec(app_argv(port), port, "tiles-app", env={"ATLAS_DATA_DIR": str(data_dir)})
    reps = 8 if quick else 20
    with launch_many([spec], timeout=600) as (server,):
        result["server_ready_s"] = round(server.ready_s, 1)
        try:  # judged with GPU compositing (bench.browser.GPU_COMPOSITING_ARGS); the tests' way after it
            with b.chromium(gpu_compositing=True) as browser:
                result.update(measure_page(browser, server.url, result["import"]["polygon_minzoom"], reps))
            with b.chromium() as browser:
                software = measure_page(browser, server.url, result["import"]["polygon_minzoom"], 2)
            result["software_compositing"] = {
                key: software[key] for key in ("pan_zoom", "pan_zoom_layer_off")
            }
        except Exception as exc:  # keep the import's numbers: they took minutes to make
            result["browser_error"] = f"{type(exc).__name__}: {str(exc)[:300]}"
        result["server_memory"] = server.memory_mb()
    return result
