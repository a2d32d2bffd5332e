"""Build the Dash app around a loaded atlas: layout, callbacks, and nothing fetched from the internet."""

from __future__ import annotations

from pathlib import Path

from dash import Dash

from dashboard.callbacks import register_callbacks
from dashboard.figures import base_map_figure, national_figure
from dashboard.i18n import DEFAULT_LANGUAGE, t
from dashboard.layout import build_layout
from dashboard.routes import register_routes
from dashboard.runtime import Runtime, build_runtime
from dashboard.savedviews import SavedViewStore
from dashboard.settings import data_dir
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
    views = SavedViewStore(data_dir() / "saved_views.json")
    register_callbacks(app, runtime, views)
    register_routes(app, runtime, views)
    return app
