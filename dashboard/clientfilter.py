"""The filters in the browser: the index that assets/lazy/filter-eval.js evaluates, shipped once per data version.

The index is geodata.filterspec's (per zone and per plant, small integer codes per dimension) plus
what the page needs to redraw the map without the server: the zones' and plants' longitudes and
latitudes, the zone labels' order and the map's trace numbers, and the figures the KPI cards sum. The browser applies a filter at
once (the map's visibility arrays and the footprints' filter); the server still receives the
change, records it in the URL and answers everything else (KPIs, chart, detail, legend), and its
map answer leaves out what the browser already drew (figures.map_updates diffs against the page's
'map-applied' record, which the browser updates too).
"""

from __future__ import annotations

import hashlib
from typing import Any

import orjson
import pandas as pd

from dashboard import figures
from dashboard.i18n import LANGUAGES, t
from dashboard.runtime import Runtime, kaltim_scope
from geodata.filterspec import filter_index

FILTER_INDEX_URL = "/basemap/filter-index.json"
#: the traces the browser rewrites on a filter (dashboard.figures' fixed trace order)
TRACES = {
    "halo": figures.TRACE_HALO,
    "zones": figures.TRACE_ZONES,
    "labels": figures.TRACE_ZONE_LABELS,
    "selected": figures.TRACE_SELECTED,
    "facilities": figures.TRACE_FACILITIES,
}


def client_index(runtime: Runtime) -> dict[str, Any]:
    """The filter index and the map arrays the browser evaluates it with (JSON-ready)."""
    model = runtime.model
    plants = model.facilities
    index = filter_index(runtime.attributes, plants.attributes if plants is not None else None)
    index["map"] = {
        "traces": TRACES,
        "lon": model.lon.tolist(),
        "lat": model.lat.tolist(),
        "labelOrder": model.label_order.tolist() if model.label_order is not None else [],
        "facilityLon": plants.lon.tolist() if plants is not None else [],
    }
    index["kpi"] = kpi_columns(runtime)
    return index


def kpi_columns(runtime: Runtime) -> dict[str, Any]:
    """What the KPI cards sum per zone (null: not reported), which zones the Kaltim view counts, and
    the cards' texts in each language (features.panels.kpi_children; the zones whose year is unknown
    come from the index's year dimension)."""
    zones = runtime.attributes

    def column(name: str) -> list[float | None]:
        return [None if pd.isna(v) else float(v) for v in zones[name]]

    keys = ("zones", "investment", "workforce", "area", "of_total", "reporting")
    return {
        "investment": column("investment_idr_trillion"),
        "workforce": column("workforce"),
        "area": column("area_ha"),
        "kaltim": kaltim_scope(runtime).astype(int).tolist(),
        "texts": {
            lang: {**{key: t(f"kpi.{key}", lang) for key in keys}, "year": t("year.kpi", lang)}
            for lang in LANGUAGES
        },
    }


def index_document(runtime: Runtime) -> tuple[bytes, str]:
    """The index as JSON bytes and its content version (built once per runtime)."""

    def build() -> tuple[bytes, str]:
        body = orjson.dumps(client_index(runtime))
        return body, hashlib.sha256(body).hexdigest()[:16]

    return runtime.cached(("filter-index",), build)


def index_url(runtime: Runtime) -> str:
    """The index's URL, versioned by content (the browser caches it; an import makes a new one)."""
    return f"{FILTER_INDEX_URL}?v={index_document(runtime)[1]}"
