"""Server callbacks under load: latency p50/p95 and requests/s on gunicorn with 2 workers.

The payloads are the exact bodies the browser sent (captured with Playwright's request events
during a real page load, sector filter, language switch and ring change against the same server),
replayed by a small thread-pool client with keep-alive http.client connections to 127.0.0.1 only.
Per callback: one client for the latency of a lone request (server time), then 8 concurrent
clients (2 workers x 4 threads) for throughput; bounded in time and count, well under 30 s.
The client shares the 2 cores with the server, so the throughput is a lower bound.
"""

from __future__ import annotations

import http.client
import json
import threading
import time
from collections.abc import Callable
from typing import Any

from playwright.sync_api import Page, Request

from bench import browser as b
from bench import callprofile
from bench.interactions import callback_name, choose_sector
from bench.servers import free_port, gunicorn_argv, launch
from bench.stats import summarize
from geodata import load_atlas

PATH = "/_dash-update-component"
CONCURRENCY = 8
MAX_REQUESTS = 50_000
BUDGET_S = 30.0
TARGET_RPS = 300.0

# name -> which captured request it is: (callback, predicate on the parsed body)
WANTED: dict[str, tuple[str, Callable[[dict[str, Any]], bool]]] = {
    "sync (sector filter)": ("sync", lambda body: "sector-filter.value" in body.get("changedPropIds", [])),
    "view: map + panels (sector filtered)": ("view", lambda body: bool(_state(body).get("sector"))),
    "language (to English)": ("language", lambda body: _input(body, "lang-toggle") == "en"),
    "view: map + panels (Kaltim, new rings)": ("view", lambda body: _state(body).get("rings") == [10, 20]),
}


def _input(body: dict[str, Any], component: str) -> Any:
    for item in body.get("inputs", []):
        if isinstance(item, dict) and item.get("id") == component:
            return item.get("value")
    return None


def _state(body: dict[str, Any]) -> dict[str, Any]:
    value = _input(body, "view-state")
    return value if isinstance(value, dict) else {}


def capture_payloads(browser: Any, url: str, sector: str) -> dict[str, str]:
    """Drive a real page (load, sector filter, English, Kaltim rings) and keep one body per case."""
    bodies: list[str] = []

    def keep(request: Request) -> None:
        if request.method == "POST" and request.url.split("?")[0].endswith(PATH) and request.post_data:
            bodies.append(request.post_data)

    with b.offline_page(browser, hooks=False) as session:
        page: Page = session.page
        page.on("request", keep)
        b.open_atlas(page, url + "/")
        page.locator("#sector-filter").click()
        page.locator(f".dash-dropdown-content [role=option]:has(input[value='{sector}'])").click()
        page.keyboard.press("Escape")
        b.settle(page)
        page.locator("#lang-toggle").get_by_label("English", exact=True).check()
        b.settle(page)
        b.open_atlas(page, url + "/?view=kaltim")
        box = page.locator("#ring-distances")
        box.fill("10,20")
        box.press("Enter")
        page.wait_for_function("() => location.search.includes('rings=10')")
        b.settle(page)
    found: dict[str, str] = {}
    for name, (callback, predicate) in WANTED.items():
        for raw in bodies:
            body = json.loads(raw)
            if callback_name(body.get("output", "")) == callback and predicate(body):
                found[name] = raw
                break
    return found


def run_together(functions: list[Callable[[], None]]) -> float:
    """Run each function in its own thread, all at once; seconds until the last has returned."""
    threads = [threading.Thread(target=function) for function in functions]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started


def hammer(port: int, body: bytes, concurrency: int, seconds: float) -> dict[str, Any]:
    """``concurrency`` keep-alive clients POST ``body`` back to back for ``seconds``."""
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    errors: list[str] = []
    sizes: set[int] = set()
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds
    headers = {"Content-Type": "application/json", "Accept": "application/json"}

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine: list[float] = []
        while time.perf_counter() < deadline and len(latencies) + len(mine) < MAX_REQUESTS:
            started = time.perf_counter()
            try:
                connection.request("POST", PATH, body=body, headers=headers)
                response = connection.getresponse()
                data = response.read()
            except (OSError, http.client.HTTPException) as exc:
                with lock:
                    errors.append(type(exc).__name__)
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                continue
            mine.append(time.perf_counter() - started)
            with lock:
                statuses[response.status] = statuses.get(response.status, 0) + 1
                sizes.add(len(data))
        connection.close()
        with lock:
            latencies.extend(mine)

    elapsed = run_together([client] * concurrency)
    return {
        "concurrency": concurrency,
        "seconds": round(elapsed, 2),
        "requests": len(latencies),
        "requests_per_s": round(len(latencies) / elapsed, 1),
        "latency_ms": summarize([latency * 1000 for latency in latencies]),
        "statuses": {str(k): v for k, v in statuses.items()},
        "errors": len(errors),
        "response_bytes": sorted(sizes)[:3],
    }


def run(quick: bool = False) -> dict[str, Any]:
    """Every captured callback on ``gunicorn -w 2 --threads 4 app:server``."""
    warm_s, single_s, loaded_s = (0.5, 1.0, 2.0) if quick else (1.0, 2.0, 6.0)
    atlas = load_atlas()
    sector = choose_sector(atlas.zones, list(atlas.sectors.index))
    port = free_port()
    results: dict[str, Any] = {"workers": 2, "threads": 4, "concurrency": CONCURRENCY, "callbacks": {}}
    with launch(gunicorn_argv(port), port, "gunicorn") as server:
        with b.chromium() as browser:
            payloads = capture_payloads(browser, server.url, sector)
        results["missing_payloads"] = sorted(set(WANTED) - set(payloads))
        for name, raw in payloads.items():
            body = raw.encode()
            spent = time.perf_counter()
            hammer(port, body, CONCURRENCY, warm_s)  # both workers' first requests are slow; not counted
            single = hammer(port, body, 1, single_s)
            loaded = hammer(port, body, CONCURRENCY, loaded_s)
            results["callbacks"][name] = {
                "request_bytes": len(body),
                "single_client": single,
                "loaded": loaded,
                "wall_s": round(time.perf_counter() - spent, 1),
            }
            if time.perf_counter() - spent > BUDGET_S:
                raise RuntimeError(f"{name} took longer than the {BUDGET_S:.0f} s budget")
        results["server_memory"] = server.memory_mb()
    slow = {
        name: payloads[name]
        for name, result in results["callbacks"].items()
        if result["loaded"]["requests_per_s"] < TARGET_RPS
    }
    if slow:  # the profile that explains a miss
        results["profile"] = callprofile.measure(slow)
    return results
