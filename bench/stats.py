"""Summaries of repeated measurements: median and p95 say more than a mean about what users feel."""

from __future__ import annotations

import math
from collections.abc import Sequence


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0..100) with linear interpolation between ranks, as numpy's default does."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100.0
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def summarize(values: Sequence[float], digits: int = 3) -> dict[str, float | int]:
    """n, median, p95, mean, min and max of the values (NaN-free), rounded for the report."""
    clean = [float(v) for v in values if v is not None and not math.isnan(float(v))]
    if not clean:
        return {"n": 0}
    return {
        "n": len(clean),
        "median": round(percentile(clean, 50), digits),
        "p95": round(percentile(clean, 95), digits),
        "mean": round(sum(clean) / len(clean), digits),
        "min": round(min(clean), digits),
        "max": round(max(clean), digits),
    }
