"""The naive baseline: the same app, except that the map callback sends a complete new figure.

What the design is measured against: on every change the server rebuilds the whole map for the
state and sends it all, the way a straightforward Dash app draws polygons: every trace of
``dashboard.figures.full_map_figure``, with the footprints of the shown zones inline as
choroplethmap traces (one per footprint source, coloured by category code), the provinces by URL
as in the app. The browser then re-ingests the geometry. Everything else (layout, other callbacks,
data) is the real app's, so the difference in a filter interaction is exactly the cost of resending
the map instead of the app's Patch of what changed. The browser's own filter (assets/filter.js)
is switched off too: every change goes through the server, as in a straightforward Dash app.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from dash import Dash

from dashboard import factory, figures
from dashboard.features import mapview
from dashboard.mapmodel import KIND_COLORS
from dashboard.state import ViewState
from geodata import Atlas


def footprint_traces(document: dict[str, Any], mask: pd.Series, model: Any, state: ViewState) -> list[dict]:
    """The shown footprints as choroplethmap traces with their GeoJSON inline, one per source."""
    palette = KIND_COLORS if state.color == "kind" else model.sector_colors
    categories = list(palette)
    prop = "kind" if state.color == "kind" else "sector"
    scale = [
        [step / len(categories), colour]
        for index, colour in enumerate(palette.values())
        for step in (index, index + 1)
    ]
    shown = mask.to_numpy(dtype=bool)
    traces = []
    for source, (opacity, width, outline, _dashes) in figures.FOOTPRINT_LOOK.items():
        features = [
            f
            for f in document["features"]
            if f["properties"]["src"] == source and shown[f["properties"]["i"]]
        ]
        traces.append(
            {
                "type": "choroplethmap",
                "geojson": {"type": "FeatureCollection", "features": features},
                "featureidkey": "properties.i",
                "locations": [f["properties"]["i"] for f in features],
                "z": [
                    categories.index(f["properties"][prop]) + 0.5 if f["properties"][prop] in palette else 0
                    for f in features
                ],
                "zmin": 0,
                "zmax": len(categories),
                "colorscale": scale,
                "showscale": False,
                "marker": {"opacity": opacity, "line": {"width": width, "color": outline}},
                "hoverinfo": "skip",
                "name": f"footprints-{source}",
            }
        )
    return traces


def naive_map_figure(runtime: Any, stored: Any) -> dict[str, Any]:
    """The whole map for the state in ``stored``: every trace, the footprints inline as traces."""
    state = ViewState.from_dict(stored, runtime.vocabulary)
    mask = state.selection(runtime.atlas.zones)
    figure = figures.full_map_figure(
        runtime.atlas, runtime.model, runtime.hovers, state, mask, runtime.overlays
    )
    style = figure["layout"]["map"]["style"]
    style["sources"]["provinces"]["data"] = figures.PROVINCES_URL
    style["sources"]["neighbours"]["data"] = figures.LAND_URL
    document = style["sources"].pop("footprints")["data"]
    style["layers"] = [layer for layer in style["layers"] if layer.get("source") != "footprints"]
    figure["data"] = footprint_traces(document, mask, runtime.model, state) + figure["data"]
    return figure


def create_naive_app(atlas: Atlas) -> Dash:
    """``dashboard.factory.create_app`` with the map callback made naive: its map Patch replaced by
    the whole figure (``naive_map_figure``), what it records kept. The map callback reads
    ``mapview.map_outputs`` when it runs, so this process's copy is replaced: the baseline runs
    alone in its own process (``python -m bench.serve --naive``)."""
    real = mapview.map_outputs

    def naive(runtime: Any, stored: Any, basemap: Any, drawn: Any) -> tuple[Any, Any, Any]:
        _patch, now, footprint_filter = real(runtime, stored, basemap, drawn)
        return naive_map_figure(runtime, stored), now, footprint_filter

    mapview.map_outputs = naive
    return factory.create_app(atlas, browser_filter=False)  # the server draws every filter
