"""The filters in the browser: the index that assets/lazy/filter-eval.js evaluates, shipped once per data version.

The index is geodata.filterspec's (per zone and per plant, small integer codes per dimension) plus
what the page needs to redraw the map without the server: the zones' and plants' longitudes and
latitudes, the zone labels' order and the map's trace numbers, the figures the KPI cards sum, and
what the investment chart shows of each zone. The browser applies a filter at once (the map's
visibility arrays and the footprints' filter, the KPI cards, the investment chart); the server
still receives the change, records it in the URL and answers everything else (detail, legend), and
its answer leaves out what the browser already drew (figures.map_updates diffs against the page's
'map-applied' record, features.panels the chart against 'panels-applied'; the browser updates both).
"""

from __future__ import annotations

import hashlib
from typing import Any

import orjson
import pandas as pd

from dashboard import figures
from dashboard.i18n import LANGUAGES, t
from dashboard.mapmodel import MapModel
from dashboard.runtime import Runtime, kaltim_scope
from dashboard.state import COLOR_MODES
from geodata.filterspec import filter_index

FILTER_INDEX_URL = "/basemap/filter-index.json"
#: the traces the browser rewrites on a filter, and the zones' (their ids: the selected zone's
#: position), in dashboard.figures' fixed trace order
TRACES = {
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
    index["chart"] = chart_columns(runtime.attributes, model)
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
            lang: {
                **{key: t(f"kpi.{key}", lang) for key in keys},
                "year": t("year.kpi", lang),
                "top": t("chart.investment.top", lang),
            }
            for lang in LANGUAGES
        },
    }


def chart_columns(zones: pd.DataFrame, model: MapModel) -> dict[str, Any]:
    """What figures.investment_figure shows of each zone that reports investment (its id, name, axis
    name when shortened, as-of date; null for the others: the amounts are the KPIs' investment
    column), each zone's colour code per colour mode into that mode's palette, and the chart's fixed
    parts: its layout per language without the template, which comes once."""
    reports = zones["investment_idr_trillion"].notna().tolist()

    def reporting(values: Any) -> list[Any]:
        return [None if not shown or pd.isna(v) else v for v, shown in zip(values, reports, strict=True)]

    names = reporting(zones["name"])
    shorts = [None if name is None else figures.short(name) for name in names]
    colors = {}
    for mode in COLOR_MODES:
        each = figures.zone_colors(model, zones, mode)
        palette = sorted(set(each))
        code = {color: i for i, color in enumerate(palette)}
        colors[mode] = {"palette": palette, "codes": [code[c] for c in each]}
    layouts = {
        lang: figures.investment_layout(lang, figures.investment_margins(zones, lang)) for lang in LANGUAGES
    }
    return {
        "bars": figures.CHART_BARS,
        "ids": reporting(zones.index),
        "names": names,
        "short": [None if cut == name else cut for cut, name in zip(shorts, names, strict=True)],
        "asOf": reporting(zones["investment_as_of"]),
        "colors": colors,
        "template": figures.plotly_template(),
        "layout": {
            lang: {k: v for k, v in layout.items() if k != "template"} for lang, layout in layouts.items()
        },
        "empty": {lang: figures.investment_empty(lang) for lang in LANGUAGES},
        "asOfText": {lang: t("value.as_of", lang) for lang in LANGUAGES},
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
