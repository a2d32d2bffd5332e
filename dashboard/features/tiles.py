"""Tiled layers (geodata.tiles): 100,000 to 1,000,000 parcels drawn by MapLibre from vector tiles.

Routes: ``/tiles/<layer>.json`` (TileJSON 3.0.0 with the archive's provenance) and
``/tiles/<layer>/<z>/<x>/<y>.pbf`` (one tile by a range read of the archive; 204 where it has none).
Both sit behind the same sign-in as the page and /ogc (dashboard.auth: any role reads).

On the map (assets/map-tiles.js): the checked layers are added to the live MapLibre map as a vector
source with the polygons coloured by category from their first zoom and the aggregates' circles
below; the category filter is a MapLibre ``setFilter``, so neither ever rebuilds the Plotly figure
(and the PNG export, drawn by Kaleido without a server, leaves them out).
"""

from __future__ import annotations

import gzip
from typing import Any

from dash import Dash, Input, State, dcc, html
from flask import Response, jsonify, request

from dashboard.i18n import format_number, t
from dashboard.runtime import LiveRuntime
from dashboard.settings import data_dir
from dashboard.widgets import text
from geodata.tiles import AGGREGATES, POLYGONS, TileLayers, TilesError

PREFIX = "/tiles/"
MAX_AGE_S = 3600
# Okabe-Ito (colour-blind safe), then muted tones for rarer categories
CATEGORY_COLOURS = (
    "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000",
    "#8C8C5A", "#5A8C8C", "#8C5A8C", "#A0A0A0",
)  # fmt: skip


def tile_meta(layers: TileLayers) -> dict[str, Any]:
    """What the page's script needs per layer: TileJSON URL, first polygon zoom, category colours."""
    meta: dict[str, Any] = {}
    for name in layers.names():
        try:
            archive = layers.get(name)
        except TilesError:
            continue  # replaced or removed between the listing and the read
        categories = list(archive.metadata.get("categories", {}))
        meta[name] = {
            "url": f"{PREFIX}{name}.json",
            "polygon_minzoom": archive.metadata.get("polygon_minzoom", 0),
            "colours": {c: CATEGORY_COLOURS[i % len(CATEGORY_COLOURS)] for i, c in enumerate(categories)},
            "count": archive.metadata.get("feature_count", 0),
            "polygons": POLYGONS,
            "aggregates": AGGREGATES,
        }
    return meta


def controls(lang: str) -> list[Any]:
    """The tiled layers' switches and category filter (hidden when the data directory has none)."""
    meta = tile_meta(TileLayers(data_dir()))
    categories = sorted({c for layer in meta.values() for c in layer["colours"]})
    return [
        html.Fieldset(
            [
                text("label-tiles", html.Legend),
                dcc.Checklist(
                    id="tile-layers",
                    options=[
                        {"label": f"{name} ({format_number(layer['count'], lang)})", "value": name}
                        for name, layer in meta.items()
                    ],
                    value=[],
                ),
                text("label-tile-category", html.Label, htmlFor="tile-category"),
                dcc.Dropdown(
                    id="tile-category",
                    options=[{"label": c, "value": c} for c in categories],
                    value=[],
                    multi=True,
                    placeholder=t("tiles.all", lang),
                ),
                dcc.Store(id="tile-meta", data=meta),
            ],
            hidden=not meta,
            id="tile-controls",
        )
    ]


def tilejson(name: str, metadata: dict[str, Any], root: str) -> dict[str, Any]:
    """TileJSON 3.0.0 for a layer, with the archive's provenance (source file, build date, count)."""
    west, south, east, north = metadata["bounds"]
    return {
        "tilejson": "3.0.0",
        "name": name,
        "scheme": "xyz",
        "tiles": [f"{root}{PREFIX}{name}/{{z}}/{{x}}/{{y}}.pbf"],
        "minzoom": 0,
        "maxzoom": metadata["maxzoom"],
        "bounds": [west, south, east, north],
        "center": [(west + east) / 2, (south + north) / 2, metadata["polygon_minzoom"]],
        "vector_layers": metadata.get("vector_layers", []),
        **{
            key: metadata.get(key)
            for key in ("polygon_minzoom", "feature_count", "categories", "source", "built", "layers")
        },
    }


def _cached(response: Response, etag: str) -> Response:
    response.set_etag(etag)
    response.cache_control.private = True  # behind a login: no shared cache keeps a copy
    response.cache_control.max_age = MAX_AGE_S
    response.headers["Vary"] = "Accept-Encoding"
    return response


def register_tile_routes(server: Any, layers: TileLayers) -> None:
    """The TileJSON and tile routes on a Flask server."""

    def missing(name: str) -> Response:
        response = jsonify({"error": f"no tiled layer '{name[:60]}'"})
        response.status_code = 404
        return response

    @server.route(f"{PREFIX}<name>.json")
    def tile_json(name: str) -> Response:
        try:
            archive = layers.get(name)
        except TilesError:
            return missing(name)
        return _cached(
            jsonify(tilejson(name, archive.metadata, request.url_root.rstrip("/"))), str(archive.stamp)
        )

    @server.route(f"{PREFIX}<name>/<int:z>/<int:x>/<int:y>.pbf")
    def tile(name: str, z: int, x: int, y: int) -> Response:
        try:
            archive = layers.get(name)
        except TilesError:
            return missing(name)
        etag = f"{archive.stamp}-{z}-{x}-{y}"
        if request.if_none_match.contains(etag):
            return Response(status=304)
        data = archive.tile(z, x, y)
        if not data:
            return _cached(Response(status=204), etag)
        if archive.gzipped and "gzip" not in request.accept_encodings:
            data = gzip.decompress(data)
        response = Response(data, mimetype="application/x-protobuf")
        if archive.gzipped and "gzip" in request.accept_encodings:
            response.headers["Content-Encoding"] = "gzip"
        return _cached(response, etag)


def register(app: Dash, live: LiveRuntime) -> None:
    """The routes, and the client-side switch that draws the checked layers with the chosen categories."""
    del live  # the tiled layers live in the data directory, not in the atlas
    register_tile_routes(app.server, TileLayers(data_dir()))
    app.clientside_callback(
        "window.dash_clientside.atlas.showTiles",
        Input("tile-layers", "value"),
        Input("tile-category", "value"),
        State("tile-meta", "data"),
    )
