"""The issue's performance targets, each judged PASS or MISS against a run's numbers.

One place that says what is compared with what, so that RESULTS.md and the JSON agree.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

MB = 1_000_000


@dataclass(frozen=True)
class Target:
    """A goal: a number taken from the results, compared with a limit (<= or >=)."""

    name: str
    goal: str
    unit: str
    limit: float
    at_most: bool
    measured: Callable[[dict[str, Any]], float | None]


def _get(results: dict[str, Any], *path: Any) -> Any:
    value: Any = results
    for key in path:
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    return value


def _national_rss(results: dict[str, Any]) -> float | None:
    return _get(results, "interactions", "server_memory", "peak_rss_mb") or _get(
        results, "scale", "scales", "national", "memory", "app", "peak_rss_mb"
    )


def _multiuser_sum(results: dict[str, Any], count: Callable[[dict[str, Any]], int]) -> int | None:
    """``count`` of each run of every multi-user setup, summed; None when none ran."""
    runs = [
        run
        for setup in (_get(results, "multiuser", "setups") or {}).values()
        for run in (setup.get("runs") or {}).values()
    ]
    return sum(count(run) for run in runs) if runs else None


def _memory_growth(results: dict[str, Any]) -> float | None:
    """The largest growth (%) of the servers' summed RSS after the warm-up, over the setups."""
    growths = [
        setup["memory_flat"]["growth_pct"]
        for setup in (_get(results, "multiuser", "setups") or {}).values()
        if (setup.get("memory_flat") or {}).get("growth_pct") is not None
    ]
    return max(growths) if growths else None


TARGETS: tuple[Target, ...] = (
    Target(
        "load_atlas (median, fresh process)", "< 1 s", "s", 1.0, True,
        lambda r: _get(r, "load", "load_s", "median"),
    ),
    Target(
        "cold start to first 200 of / (median)", "<= 3 s", "s", 3.0, True,
        lambda r: _get(r, "coldstart", "first_200_s", "median"),
    ),
    Target(
        "first load, gzip-compressed (national)", "<= 1 MB", "MB", 1.0, True,
        lambda r: (_get(r, "firstload", "by_category", "total", "gzip_bytes") or 0) / MB or None,
    ),
    Target(
        "sector filter p95 (national)", "<= 200 ms", "ms", 200.0, True,
        lambda r: _get(r, "interactions", "filter", "ms", "all", "p95"),
    ),
    Target(
        "sector filter p95 (20,000 footprints)", "<= 500 ms", "ms", 500.0, True,
        lambda r: _get(r, "scale", "scales", "20000", "filter", "ms", "all", "p95"),
    ),
    Target(  # issue 14: ">= 20x the naive baseline", measured in the same run
        "naive / app, filter p95 (20,000)", ">= 20x", "x", 20.0, False,
        lambda r: _get(r, "scale", "scales", "20000", "naive_over_app", "p95"),
    ),
    Target(
        "sector filter, facilities on: click to map p95 (national)", "<= 100 ms", "ms", 100.0, True,
        lambda r: _get(r, "interactions", "filter_facilities", "ms", "map", "p95"),
    ),
    Target(
        "naive / browser filter, facilities on, map p95 (national)", ">= 3x", "x", 3.0, False,
        lambda r: _get(r, "interactions", "naive_over_client", "p95"),
    ),
    Target("peak server RSS (national)", "<= 400 MiB", "MiB", 400.0, True, _national_rss),
    Target(
        "peak server RSS (20,000)", "<= 1.5 GiB (1,536 MiB)", "MiB", 1536.0, True,
        lambda r: _get(r, "scale", "scales", "20000", "memory", "app", "peak_rss_mb"),
    ),
    Target(
        "multi-user errors", "== 0", "errors", 0.0, True,
        lambda r: _multiuser_sum(r, lambda run: run["errors"]),
    ),
    Target(
        "imports lost", "== 0", "imports", 0.0, True,
        lambda r: _multiuser_sum(r, lambda run: sum(run["imports_lost"].values())),
    ),
    Target("multi-user memory growth after warm-up (worst setup)", "<= 10 %", "%", 10.0, True, _memory_growth),
    Target(
        "tiled parcels: longest main-thread task panning/zooming after the first draw (GPU compositing)", "<= 200 ms", "ms",
        200.0, True, lambda r: _get(r, "tiles", "pan_zoom", "longest_task_ms"),
    ),
)  # fmt: skip

CALLBACK_TARGET_RPS = 300.0


def judge(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Every target with its measured value and PASS / MISS / not run."""
    rows = []
    for target in TARGETS:
        value = target.measured(results)
        rows.append(_row(target.name, target.goal, target.unit, target.limit, target.at_most, value))
    callbacks = _get(results, "throughput", "callbacks") or {}
    for name, result in callbacks.items():
        rows.append(
            _row(
                f"{name}: req/s on 2 workers",
                f">= {CALLBACK_TARGET_RPS:g} req/s",
                "req/s",
                CALLBACK_TARGET_RPS,
                False,
                result["loaded"]["requests_per_s"],
            )
        )
    if not callbacks:
        rows.append(_row("each callback: req/s on 2 workers", ">= 300 req/s", "req/s", 300.0, False, None))
    return rows


def _row(name: str, goal: str, unit: str, limit: float, at_most: bool, value: float | None) -> dict[str, Any]:
    if value is None:
        status = "not run"
    else:
        status = "PASS" if (value <= limit if at_most else value >= limit) else "MISS"
    return {"target": name, "goal": goal, "unit": unit, "measured": value, "status": status}
