"""Run the dashboard in a subprocess and drive it with Playwright in Debian's headless Chromium.

Shared by the browser tests and the benchmarks. No browser is downloaded: Playwright uses
/usr/bin/chromium, and every request that leaves 127.0.0.1 is blocked and recorded.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

from playwright.sync_api import Page
from playwright.sync_api import TimeoutError as PlaywrightTimeout

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("ATLAS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
    # Offline like an FGD ballroom, in the browser itself: every request that is not to this machine
    # goes to a proxy port where nothing listens, and fails. (Playwright's request routing would do
    # it too, but it sends every request through the test process and turns the HTTP cache off:
    # each page opened ~1.5 s slower.)
    "--proxy-server=http://127.0.0.1:9",
    "--proxy-bypass-list=127.0.0.1;localhost;[::1]",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running_server(
    extra_args: list[str] | None = None, env: dict[str, str] | None = None, timeout: float = 60.0
) -> Iterator[str]:
    """Start ``python app.py`` on a free port; yield its base URL; stop it afterwards.

    The server's output goes to a file, not a pipe: nobody reads a pipe while the tests run, and
    once its 64 kB buffer is full of request logs the server blocks on its next log line."""
    port = free_port()
    with tempfile.TemporaryFile(mode="w+") as output:
        process = subprocess.Popen(
            [sys.executable, "app.py", "--port", str(port), *(extra_args or [])],
            cwd=ROOT,
            env={**os.environ, **(env or {})},
            stdout=output,
            stderr=subprocess.STDOUT,
            text=True,
        )
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + timeout
        try:
            while True:
                if process.poll() is not None:
                    output.seek(0)
                    raise RuntimeError(f"server exited: {output.read()}")
                try:
                    with urllib.request.urlopen(url, timeout=2) as response:
                        if response.status == 200:
                            break
                except OSError:
                    if time.monotonic() > deadline:
                        raise RuntimeError("server did not answer in time") from None
                    time.sleep(0.2)
            yield url
        finally:
            stop(process)


def stop(process: subprocess.Popen, timeout: float = 10.0) -> None:
    """Ask a server process to end; kill it if it has not within ``timeout`` s."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()


def is_local(url: str) -> bool:
    parsed = urlparse(url)
    return parsed.scheme in ("data", "blob", "about") or (parsed.hostname or "") in LOCAL_HOSTS


def block_the_internet(context, blocked: list[str]) -> None:
    """Remember every request that does not go to this machine (a browser launched with
    CHROMIUM_ARGS fails them all, see there)."""

    def record(request):
        if not is_local(request.url):
            blocked.append(request.url)

    context.on("request", record)


MAP_READY_JS = """() => {
  const gd = document.querySelector('#map .js-plotly-plot');
  return !!(gd && gd._fullLayout && gd._fullLayout.map && gd._fullLayout.map._subplot
            && document.querySelector('#map canvas') && gd.data.some((t) => t.name === 'zones' && t.customdata));
}"""
# MapLibre holds every source and has cut and drawn its tiles (querySourceFeatures answers only then).
MAP_DRAWN_JS = """() => {
  const m = document.querySelector('#map .js-plotly-plot')._fullLayout.map._subplot.map;
  return m.loaded() && m.areTilesLoaded();
}"""
# The MapLibre circle sources of the zones' and halo's points (figures.BY_FEATURE_STATE), and
# whether the i-th zone's point is hidden by feature state in one of them (Plotly's feature id: i + 1).
POINT_STATE_JS = """const gd = document.querySelector('#map .js-plotly-plot');
  const subplot = gd._fullLayout.map._subplot;
  const sources = gd._fullData.filter((t) => t.meta && t.meta.featureState && subplot.traceHash[t.uid])
    .map((t) => subplot.traceHash[t.uid].sourceIds.circle);
  const stateHidden = (i) => sources.some((s) => (subplot.map.getFeatureState({source: s, id: i + 1}) || {}).hidden);"""
# The ids of the zones the map shows: the zones trace holds every zone; a hidden one has no longitude
# (an export) or, on the live map, feature state hidden.
SHOWN_ZONES_JS = f"""() => {{
  {POINT_STATE_JS}
  const zones = gd.data.find((t) => t.name === 'zones');
  return zones.customdata.filter((id, i) => zones.lon[i] !== null && zones.lon[i] !== undefined && !stateHidden(i));
}}"""

# True when Dash has no callback requested, queued, running or waiting to apply its result.
DASH_IDLE_JS = """() => {
  if (!window.store) return false;
  const c = window.store.getState().callbacks || {};
  return ['requested', 'prioritized', 'blocked', 'executing', 'watched', 'stored']
    .every((k) => !c[k] || c[k].length === 0);
}"""


def center_on(page: Page, lon: float, lat: float) -> dict[str, float]:
    """Zoom the map to a point at zoom 9; its position on the page. Through Plotly, like a user's
    zoom: a later redraw (a resize) keeps this camera."""
    return page.evaluate(
        """([lon, lat]) => {
            const gd = document.querySelector('#map .js-plotly-plot');
            return Plotly.relayout(gd, {'map.center': {lon, lat}, 'map.zoom': 9}).then(() => new Promise((resolve) => {
                const map = gd._fullLayout.map._subplot.map;
                const at = () => {
                    const p = map.project([lon, lat]);
                    const box = map.getCanvas().getBoundingClientRect();
                    resolve({x: box.left + p.x, y: box.top + p.y});
                };
                map.loaded() ? at() : map.once('idle', at);
            }));
        }""",
        [lon, lat],
    )


HOVERED_JS = "(id) => (document.querySelector('#map .js-plotly-plot')._hoverdata || []).some((d) => d.customdata === id)"


def hovers(page: Page, point: dict[str, float], zone: str, tries: int, wait_ms: float = 300) -> bool:
    """Whether Plotly reports ``zone`` hovered with the pointer moved onto ``point`` (off and back on,
    up to ``tries`` times, each waiting up to ``wait_ms``: a real pointer)."""
    for _ in range(tries):
        page.mouse.move(point["x"] - 40, point["y"] - 40)
        page.mouse.move(point["x"], point["y"], steps=4)
        try:
            page.wait_for_function(HOVERED_JS, arg=zone, timeout=wait_ms)
            return True
        except PlaywrightTimeout:
            continue
    return False
