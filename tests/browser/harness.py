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
# The ids of the zones the map shows: the zones trace holds every zone; a hidden one has no longitude.
SHOWN_ZONES_JS = """() => {
  const zones = document.querySelector('#map .js-plotly-plot').data.find((t) => t.name === 'zones');
  return zones.customdata.filter((id, i) => zones.lon[i] !== null && zones.lon[i] !== undefined);
}"""

# True when Dash has no callback requested, queued, running or waiting to apply its result.
DASH_IDLE_JS = """() => {
  if (!window.store) return false;
  const c = window.store.getState().callbacks || {};
  return ['requested', 'prioritized', 'blocked', 'executing', 'watched', 'stored']
    .every((k) => !c[k] || c[k].length === 0);
}"""
