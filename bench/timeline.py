"""Where the browser's time goes during an interaction, from Chromium's Performance timeline.

The in-page clock says how long an interaction took and when the server's responses arrived; this
says what the browser did with the rest. A trace (category devtools.timeline, the Performance
panel's) is recorded around a few extra repetitions, and the page's main thread is summed by
self time into JavaScript, rendering (style, layout, paint), GC, and waits on the GPU process
(WebGL: MapLibre draws with it; this machine has no GPU, so Chromium renders it in software),
plus the busy time of the page's workers (MapLibre tiles GeoJSON there) and of the GPU process.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from playwright.sync_api import Page

CATEGORIES = (
    "devtools.timeline",
    "disabled-by-default-devtools.timeline",
    "v8.execute",
    "gpu",
)
GPU_WAITS = ("GLES2::", "CommandBuffer", "WaitForCmd", "WaitForGetOffset", "WaitSyncToken")
RENDERING = (
    "Layout", "UpdateLayoutTree", "RecalcStyle", "HitTest", "UpdateLayerTree", "PrePaint",
    "Paint", "PaintImage", "Layerize", "CompositeLayers", "ParseHTML", "ParseAuthorStyleSheet",
    "IntersectionObserverController::computeIntersections", "ScheduleStyleRecalculation",
)  # fmt: skip
SCRIPTING = (
    "FunctionCall", "EvaluateScript", "RunMicrotasks", "TimerFire", "FireAnimationFrame",
    "EventDispatch", "HandlePostMessage", "v8.", "V8.Compile", "V8.Execute", "CompileCode",
    "CompileScript", "XHRReadyStateChange", "FireIdleCallback",
)  # fmt: skip


def category(name: str) -> str:
    """The Performance panel's bucket for a trace event name."""
    if name.startswith(GPU_WAITS) or name in ("Commit",):
        return "gpu_waits"
    if "GC" in name or name.startswith("V8.GC"):
        return "gc"
    if name.startswith(RENDERING):
        return "rendering"
    if name.startswith(SCRIPTING):
        return "javascript"
    return "other"


def _self_times(events: list[dict[str, Any]]) -> dict[str, float]:
    """Self time (ms) per event name on one thread: duration minus that of nested events."""
    totals: dict[str, float] = defaultdict(float)
    stack: list[list[Any]] = []  # [end, name, child time]
    for event in sorted(events, key=lambda e: (e["ts"], -e.get("dur", 0))):
        start, end = event["ts"], event["ts"] + event.get("dur", 0)
        while stack and stack[-1][0] <= start:
            finished = stack.pop()
            totals[finished[1]] += finished[3] - finished[2]
        if stack:
            stack[-1][2] += end - start
        stack.append([end, event["name"], 0.0, end - start])
    while stack:
        finished = stack.pop()
        totals[finished[1]] += finished[3] - finished[2]
    return {name: value / 1000 for name, value in totals.items()}


def summarize_trace(raw: bytes, repetitions: int) -> dict[str, Any]:
    """Per repetition: main-thread self time by category, worker and GPU-process busy time (ms)."""
    document = json.loads(raw)
    events = document["traceEvents"] if isinstance(document, dict) else document
    names: dict[tuple[int, int], str] = {}
    processes: dict[int, str] = {}
    for event in events:
        if event.get("ph") == "M" and event.get("name") == "thread_name":
            names[(event["pid"], event["tid"])] = event["args"]["name"]
        if event.get("ph") == "M" and event.get("name") == "process_name":
            processes[event["pid"]] = event["args"]["name"]
    by_thread: dict[tuple[int, int], list[dict[str, Any]]] = defaultdict(list)
    for event in events:
        if event.get("ph") == "X" and "dur" in event:
            by_thread[(event["pid"], event["tid"])].append(event)
    mains = [key for key in by_thread if names.get(key) == "CrRendererMain"]
    if not mains:
        return {}
    main = max(mains, key=lambda key: sum(e["dur"] for e in by_thread[key]))
    buckets: dict[str, float] = defaultdict(float)
    for name, ms in _self_times(by_thread[main]).items():
        buckets[category(name)] += ms

    def busy(keys: list[tuple[int, int]]) -> float:
        return sum(e["dur"] for key in keys for e in by_thread[key] if e["name"] == "RunTask") / 1000

    workers = [
        k for k in by_thread if k[0] == main[0] and "Worker" in names.get(k, "") and "Pool" not in names[k]
    ]
    gpu = [k for k in by_thread if processes.get(k[0]) == "GPU Process" and names.get(k) == "CrGpuMain"]
    per = max(repetitions, 1)
    return {
        "repetitions": repetitions,
        "main_thread_ms": {
            name: round(ms / per, 1) for name, ms in sorted(buckets.items(), key=lambda i: -i[1])
        },
        "main_thread_total_ms": round(sum(buckets.values()) / per, 1),
        "workers_busy_ms": round(busy(workers) / per, 1),
        "gpu_process_busy_ms": round(busy(gpu) / per, 1),
    }


def traced(page: Page, repetitions: int, action: Callable[[], Any]) -> dict[str, Any]:
    """Run ``action`` (which performs ``repetitions`` interactions) under a timeline trace."""
    browser = page.context.browser
    if browser is None:
        return {}
    browser.start_tracing(page=page, categories=list(CATEGORIES))
    try:
        action()
    finally:
        raw = browser.stop_tracing()
    return summarize_trace(raw, repetitions)
