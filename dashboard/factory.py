"""Build the Dash app around a loaded atlas: layout, callbacks, and nothing fetched from the internet."""

from __future__ import annotations

from pathlib import Path

from dash import Dash

from dashboard.callbacks import register_callbacks
from dashboard.figures import base_map_figure, national_figure
from dashboard.hardening import harden
from dashboard.i18n import DEFAULT_LANGUAGE, t
from dashboard.layout import build_layout
from dashboard.ogc import register_ogc
from dashboard.routes import register_routes
from dashboard.runtime import LiveRuntime, Runtime
from dashboard.savedviews import SavedViewStore
from dashboard.settings import data_dir
from dashboard.validation import id_skeleton
from geodata import Atlas, load_atlas
from geodata.store import Store
from geodata.upload import sweep_leftovers

ASSETS = Path(__file__).resolve().parent.parent / "assets"


def create_app(atlas: Atlas | None = None) -> Dash:
    """The dashboard for ``atlas`` (the shipped data when None) plus the imported layers in the data
    directory; raises AtlasDataError on bad data."""
    sweep_leftovers(data_dir())  # what a crashed worker left: staged uploads, half-written files
    live = LiveRuntime(atlas if atlas is not None else load_atlas(), Store(data_dir()))
    app = Dash(
        __name__,
        title=t("app.title", DEFAULT_LANGUAGE),
        assets_folder=str(ASSETS),
        serve_locally=True,
        update_title=None,
        suppress_callback_exceptions=False,
        compress=True,  # gzip for plotly.js, the layout and every callback response (flask-compress)
    )
    # <html lang> from the first byte (screen readers pick their voice from it); the language
    # switch then keeps it current (assets/screen.js).
    app.index_string = app.index_string.replace("<html>", f'<html lang="{DEFAULT_LANGUAGE}">', 1)
    app.layout = lambda: page_layout(live.get())
    app.validation_layout = id_skeleton(app.validation_layout)  # inlined in every page: ids only
    views = SavedViewStore(data_dir() / "saved_views.json")
    register_callbacks(app, live, views)
    register_routes(app, live, views)
    register_ogc(app.server, live)  # OGC API - Features at /ogc, for QGIS and other GIS
    harden(app.server, app.callback_map)
    # Dash sets itself up on its first request, marking that done before it is: a second request
    # meanwhile (a fresh worker's first page load fetching its bundles) found no registered
    # bundles and failed. Make that first request here, before the server takes any.
    if app.server.test_client().get("/_dash-dependencies").status_code != 200:
        raise RuntimeError("the dashboard could not set itself up; see the log")
    return app


def page_layout(runtime: Runtime):
    """The page for the current data (built per page load, so an import shows after a reload); its
    figures are built once per runtime."""
    atlas = runtime.atlas
    map_figure = runtime.cached(
        ("base-map",), lambda: base_map_figure(atlas, runtime.model, runtime.hovers, runtime.overlays)
    )
    national = runtime.cached(
        ("national-figure", DEFAULT_LANGUAGE), lambda: national_figure(atlas, DEFAULT_LANGUAGE)
    )
    return build_layout(atlas, map_figure, national, runtime.overlays)
