"""Build the Dash app around a loaded atlas: layout, callbacks, and nothing fetched from the internet."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from dash import Dash
from flask import Response, request

from dashboard.callbacks import register_callbacks
from dashboard.figures import PROVINCES_URL, base_map_figure, national_figure
from dashboard.i18n import DEFAULT_LANGUAGE, t
from dashboard.layout import build_layout
from dashboard.runtime import Runtime, build_runtime
from geodata import Atlas, load_atlas

ASSETS = Path(__file__).resolve().parent.parent / "assets"


def create_app(atlas: Atlas | None = None) -> Dash:
    """The dashboard for ``atlas`` (the shipped data when None); raises AtlasDataError on bad data."""
    runtime: Runtime = build_runtime(atlas if atlas is not None else load_atlas())
    app = Dash(
        __name__,
        title=t("app.title", DEFAULT_LANGUAGE),
        assets_folder=str(ASSETS),
        serve_locally=True,
        update_title=None,
        suppress_callback_exceptions=False,
    )
    map_figure = base_map_figure(runtime.atlas, runtime.model)
    layout = build_layout(runtime.atlas, map_figure, national_figure(runtime.atlas, DEFAULT_LANGUAGE))
    app.layout = layout
    register_callbacks(app, runtime)
    _serve_basemap(app, runtime)
    return app


def _serve_basemap(app: Dash, runtime: Runtime) -> None:
    """The province layer as one cacheable GeoJSON response, serialised once at start-up."""
    body = json.dumps(runtime.model.provinces_geojson, separators=(",", ":")).encode()
    etag = hashlib.sha256(body).hexdigest()[:16]

    @app.server.route(PROVINCES_URL)
    def provinces_geojson() -> Response:
        if request.if_none_match.contains(etag):
            return Response(status=304)
        response = Response(body, mimetype="application/geo+json")
        response.set_etag(etag)
        response.cache_control.public = True
        response.cache_control.max_age = 86400
        return response
