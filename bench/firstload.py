"""Bytes a first visit costs: every response of the page load and its initial callbacks.

For each response: what the server sent (Playwright's transferred body size and headers, and
the Content-Encoding it used) and what gzip would give (the body compressed here at level 6, the
usual server setting), so the report shows both the status quo and what compression would buy.
Measured in a fresh browser context (empty cache), internet blocked, until the map is drawn.
Only what travels over HTTP counts: MapLibre's worker starts from a ``blob:`` URL of code the page
already downloaded, and Chromium reports reading that blob as a request of its own (527 kB) since
the harness stopped routing requests (c3d2cbb); it costs no transfer, so it is not counted.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import time
import urllib.request
from collections import defaultdict
from typing import Any
from urllib.parse import urlparse

from playwright.sync_api import Browser, Page, Request

from bench import browser as b
from bench.interactions import callback_name
from bench.servers import app_argv, free_port, launch
from tests.browser.harness import is_local

GZIP_LEVEL = 6


def category(path: str) -> str:
    """Which part of the app a request belongs to."""
    if path == "/":
        return "page (HTML)"
    name = path.rsplit("/", 1)[-1]
    if (
        path.startswith(("/_dash-component-suites/", "/assets/"))
        and name.startswith("plotly")
        and name.endswith(".js")
    ):
        return "plotly.js"  # dash's full bundle, or the partial one in assets/vendor/
    if path.startswith("/_dash-component-suites/"):
        return "Dash JS bundles"
    if path.startswith("/assets/"):
        return "assets (CSS/JS)"
    if path == "/_dash-layout":
        return "/_dash-layout"
    if path == "/_dash-dependencies":
        return "/_dash-dependencies"
    if path == "/_dash-update-component":
        return "/_dash-update-component"
    if path.endswith(".geojson"):
        return "GeoJSON"
    return "other"


def _refetch(request: Request) -> bytes:
    """The same request again (loopback only), for a body Chromium no longer holds (tens of MB)."""
    if not is_local(request.url):
        return b""
    data = request.post_data_buffer if request.method == "POST" else None
    again = urllib.request.Request(
        request.url, data=data, method=request.method, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(again, timeout=900) as response:
        return response.read()


def is_transfer(url: str) -> bool:
    """Whether loading ``url`` moves bytes over the network (not a ``blob:`` or ``data:`` URL)."""
    return urlparse(url).scheme in ("http", "https")


def _describe(request: Request) -> dict[str, Any] | None:
    if not is_transfer(request.url):
        return None
    response = request.response()
    if response is None:
        return None
    try:
        body = response.body()
    except Exception:  # a redirect or 304 has no body
        body = b""
    sizes = request.sizes()
    if not body and sizes["responseBodySize"] > 0:  # Chromium dropped a large body from its buffer
        body = _refetch(request)
    path = urlparse(request.url).path
    name = path
    if path == "/_dash-update-component":
        with contextlib.suppress(ValueError):
            name = f"{path} ({callback_name(json.loads(request.post_data or '{}').get('output', ''))})"
    return {
        "path": name,
        "category": category(path),
        "status": response.status,
        "encoding": response.headers.get("content-encoding") or "identity",
        "raw_bytes": len(body),
        "sent_body_bytes": sizes["responseBodySize"],
        "sent_header_bytes": sizes["responseHeadersSize"],
        "gzip_bytes": len(gzip.compress(body, GZIP_LEVEL)) if body else 0,
    }


def measure_page(page: Page, url: str, timeout_ms: float = 400_000) -> dict[str, Any]:
    """Load ``url`` in ``page`` (a fresh context: empty cache); sizes per response and category, timings.

    The page stays open on the loaded atlas, so that a caller can go on measuring in it.
    """
    finished: list[Request] = []
    page.on("requestfinished", lambda request: finished.append(request))
    started = time.perf_counter()
    page.goto(url + "/", timeout=timeout_ms)
    page.wait_for_function(b.MAP_READY_JS, timeout=timeout_ms)
    map_ready_s = time.perf_counter() - started
    b.settle(page, timeout_ms)
    settled_s = time.perf_counter() - started
    timing = page.evaluate(
        "() => { const n = performance.getEntriesByType('navigation')[0];"
        " return {dom_content_loaded_ms: n.domContentLoadedEventEnd, load_ms: n.loadEventEnd}; }"
    )
    rows = [row for row in (_describe(r) for r in finished) if row]
    totals: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in rows:
        for key in ("raw_bytes", "sent_body_bytes", "sent_header_bytes", "gzip_bytes"):
            totals[row["category"]][key] += row[key]
            totals["total"][key] += row[key]
        totals[row["category"]]["requests"] += 1
        totals["total"]["requests"] += 1
    return {
        "requests": sorted(rows, key=lambda r: -r["raw_bytes"]),
        "by_category": {name: dict(values) for name, values in totals.items()},
        "compressed_by_server": sorted({row["encoding"] for row in rows}),
        "map_ready_s": round(map_ready_s, 3),
        "settled_s": round(settled_s, 3),
        "navigation": timing,
    }


def measure_first_load(browser: Browser, url: str) -> dict[str, Any]:
    """``measure_page`` in a new offline context, plus any request that tried to leave the machine."""
    with b.offline_page(browser, hooks=False) as session:
        result = measure_page(session.page, url)
        result["blocked_outside_requests"] = list(session.blocked)
    return result


def run(quick: bool = False) -> dict[str, Any]:
    """First load of ``python app.py`` with the shipped data."""
    port = free_port()
    with launch(app_argv(port), port, "firstload") as server, b.chromium() as browser:
        loads = [measure_first_load(browser, server.url) for _ in range(1 if quick else 2)]
    result = loads[0]
    result["map_ready_s_all"] = [load["map_ready_s"] for load in loads]
    return result
