"""Build the Dash app around a loaded atlas: layout, callbacks, and nothing fetched from the internet.

The page, map first: a header, the control panel (filters, folds away), the map with its KPI strip
and legend, and a drawer of tool tabs (detail, national chart, Kaltim, table, export, saved views,
import; dashboard.features.screen). Each feature (dashboard.features) keeps its layout fragment and
its callbacks; this module puts the fragments together and registers every feature's callbacks.

Element ids are a contract with the tests (see the issue list): map, sector-filter, kind-filter,
status-filter, province-filter, regency-filter, zone-search, color-mode, kpi-*, investment-chart, national-chart,
zone-detail, view-tabs, ring-distances, distance-table, basemap-toggle, map-layers, lang-toggle,
tool-tabs, pane-<tab>, controls-toggle, controls-panel, present-caption, tile-layers, tile-category.
Every translatable text has its own id so that one callback can switch the language.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import Any

from dash import Dash, dcc, html
from flask import Flask

from dashboard.api import register_api
from dashboard.auth import WARMUP, AuthConfig, current_user, install_auth
from dashboard.clientfilter import index_url
from dashboard.features import (
    comparison,
    exports,
    filters,
    imports,
    kaltim,
    language,
    mapview,
    panels,
    savedviews,
    screen,
    table,
    tiles,
    timebar,
)
from dashboard.features.language import option_sets
from dashboard.figures import base_map_figure
from dashboard.hardening import harden
from dashboard.i18n import DEFAULT_LANGUAGE, LANGUAGES, t
from dashboard.importjob import register_import_job
from dashboard.jobs import JOBS_EXTENSION, background_manager
from dashboard.ogc import register_ogc
from dashboard.routes import register_routes
from dashboard.runtime import LiveRuntime, Runtime
from dashboard.settings import data_dir
from dashboard.validation import id_skeleton
from dashboard.widgets import both, in_both, text
from geodata import Atlas, load_atlas
from geodata.query import year_span
from geodata.store import Store
from geodata.upload import sweep_leftovers
from geodata.users import User

ASSETS = Path(__file__).resolve().parent.parent / "assets"
# in the data directory: the validated shipped atlas between starts (geodata.atlascache)
ATLAS_CACHE = "cache"
# Scripts Dash puts in every page that this page does not need (issue 14, first page <= 1 MB):
# @babel/polyfill (core-js 2, 34 kB gzip), of which the renderer and dcc use only
# regeneratorRuntime (assets/vendor/regenerator-runtime.min.js, built by tools/plotly-bundle), and
# dash_table's bundle (9 kB gzip): the atlas has no DataTable (tests/test_first_page.py).
UNNEEDED_SCRIPTS = ("/deps/polyfill@", "/dash_table/bundle.")
# What flask-compress compresses: the types this app serves uncompressed (its GeoJSON and OGC routes
# gzip their own), the map's glyph PBFs included (88 kB raw, 26 kB compressed; MapLibre asks for
# them on the first screen). zstd at level 8 instead of flask-compress's 3: plotly.js is 559 kB
# on the wire instead of 619 kB, for ~50 ms of one core per uncached download.
COMPRESSED_TYPES = [
    "text/html",
    "text/css",
    "text/plain",
    "text/javascript",
    "application/javascript",
    "application/json",
    "application/x-protobuf",
    "image/svg+xml",
    "image/vnd.microsoft.icon",
    "image/x-icon",
]
mimetypes.add_type("application/x-protobuf", ".pbf")  # else application/octet-stream, never compressed


def flask_server() -> Flask:
    """The Flask app under Dash, configured before Dash turns compression on (it reads the types then)."""
    server = Flask(__name__)
    server.config.update(
        COMPRESS_MIMETYPES=COMPRESSED_TYPES,
        COMPRESS_ZSTD_LEVEL=8,
        # files (assets, bundles) are streamed, and flask-compress leaves gzip out of streams by default
        COMPRESS_ALGORITHM_STREAMING=["zstd", "br", "gzip", "deflate"],
    )
    return server


class AtlasDash(Dash):
    """Dash without the scripts in UNNEEDED_SCRIPTS."""

    def interpolate_index(self, **kwargs: Any) -> str:
        """The page, its script tags less the unneeded ones (one tag per line, as Dash writes them)."""
        kwargs["scripts"] = "\n".join(
            line
            for line in kwargs["scripts"].split("\n")
            if not any(part in line for part in UNNEEDED_SCRIPTS)
        )
        return super().interpolate_index(**kwargs)


def create_app(atlas: Atlas | None = None, browser_filter: bool = True) -> Dash:
    """The dashboard for ``atlas`` (the shipped data when None) plus the imported layers in the data
    directory; raises AtlasDataError on bad data. Without ``browser_filter`` the page does not
    filter the map itself (assets/filter.js finds no index): every filter waits for the server,
    as in the benchmark's naive baseline."""
    sweep_leftovers(data_dir())  # what a crashed worker left: staged uploads, half-written files
    store = Store(data_dir())
    live = LiveRuntime(atlas if atlas is not None else load_atlas(cache_dir=data_dir() / ATLAS_CACHE), store)
    app = AtlasDash(
        __name__,
        server=flask_server(),
        title=t("app.title", DEFAULT_LANGUAGE),
        assets_folder=str(ASSETS),
        assets_path_ignore=["lazy"],  # served, but loaded by the page's scripts when needed (issue 14)
        serve_locally=True,
        update_title=None,
        suppress_callback_exceptions=False,
        compress=True,  # gzip for plotly.js, the layout and every callback response (flask-compress)
        background_callback_manager=(jobs := background_manager(data_dir())),  # exports beside the workers
    )
    app.server.extensions[JOBS_EXTENSION] = jobs
    config = AuthConfig.from_env()  # refuses to start on a login without SECRET_KEY
    # <html lang> from the first byte (screen readers pick their voice from it); the language
    # switch then keeps it current (assets/screen.js).
    app.index_string = app.index_string.replace("<html>", f'<html lang="{DEFAULT_LANGUAGE}">', 1)
    app.layout = lambda: page_layout(live.get(), config.enabled, browser_filter)
    # inlined in every page: ids only, with what a tool tab adds when it first opens
    app.validation_layout = id_skeleton(html.Div([app.validation_layout, *lazy_components()]))
    for feature in (filters, language, mapview, panels, table, comparison, exports, imports, tiles):
        feature.register(app, live)
    savedviews.register(app, store.views)
    screen.register(app, store.views)
    register_routes(app, live, store.views)
    register_import_job(app, jobs)  # the import check, beside the web process too
    timebar.register(app, live)
    register_ogc(app.server, live)  # OGC API - Features at /ogc, for QGIS and other GIS
    register_api(app.server, live)
    install_auth(app.server, app.callback_map, config)  # first: anonymous gets 401 before any 400
    harden(app.server, app.callback_map)
    # Dash sets itself up on its first request, marking that done before it is: a second request
    # meanwhile (a fresh worker's first page load fetching its bundles) found no registered
    # bundles and failed. Make that first request here, before the server takes any.
    warmup = app.server.test_client().get("/_dash-dependencies", environ_base={WARMUP: True})
    if warmup.status_code != 200:
        raise RuntimeError("the dashboard could not set itself up; see the log")
    return app


def lazy_components() -> list[Any]:
    """What the tool panes render only when their tab first opens (callbacks may name them)."""
    return [imports.drop_zone(True), savedviews.import_upload()]


def user_bar(user: User) -> html.Form:
    """Who is signed in, and the sign-out button (a POST from this page: see dashboard.auth)."""
    who = {
        lang: t("auth.signed_in", lang, name=user.name, role=t(f"role.{user.role}", lang))
        for lang in LANGUAGES
    }
    return html.Form(
        [
            html.Span(in_both(who), id="auth-user"),
            html.Button(
                both("auth.sign_out"),
                id="auth-sign-out",
                type="submit",
            ),
        ],
        action="/logout",
        method="POST",
        className="user-bar",
    )


def _page_map(runtime: Runtime, browser_filter: bool) -> dict:
    """The page's first map; its meta names the filter index the browser evaluates (assets/filter.js)."""
    figure = base_map_figure(runtime.atlas, runtime.model, runtime.hovers, runtime.overlays)
    if browser_filter:
        figure["layout"]["meta"]["filterIndex"] = index_url(runtime)
    return figure


def page_layout(runtime: Runtime, signed_in: bool = False, browser_filter: bool = True):
    """The page for the current data (built per page load, so an import shows after a reload); its
    figures are built once per runtime. With a login, the page shows who is signed in and disables
    the import panel for a viewer."""
    atlas = runtime.atlas
    map_figure = runtime.cached(("base-map", browser_filter), lambda: _page_map(runtime, browser_filter))
    page = build_layout(atlas, map_figure, runtime.overlays, imports.refused_role())
    user = current_user()
    if signed_in and user is not None:
        page.children.insert(0, user_bar(user))
    return page


def _panes(options: dict[str, list[dict[str, Any]]], lang: str, import_refused_role: str | None) -> dict:
    """The content of each tool tab (state.PANELS order)."""
    return {
        "detail": panels.detail_pane(),
        "national": [panels.national_pane()],
        "kaltim": kaltim.layout(options, lang),
        "table": [table.layout()],
        "export": [exports.layout(options)],
        "saved": [savedviews.layout()],
        "import": [imports.import_panel(lang, import_refused_role)],
    }


def build_layout(
    atlas: Atlas,
    map_figure: Any,
    overlays: tuple = (),
    import_refused_role: str | None = None,
) -> html.Div:
    """The whole page in its default state; URL state is applied by callbacks after load. The import
    panel is disabled when ``import_refused_role`` (the user's role) may not import."""
    lang = DEFAULT_LANGUAGE
    options = option_sets(atlas, lang)
    return html.Div(
        [
            dcc.Location(id="url", refresh=False),
            dcc.Store(id="view-state"),
            dcc.Store(id="map-applied"),
            dcc.Store(id="panels-applied"),
            dcc.Store(id="footprint-filter", data=True),
            dcc.Store(id="table-state"),
            dcc.Store(id="comparison-state"),
            dcc.Store(id="basemap-effective", data="offline"),
            dcc.Store(id="saved-undo"),
            html.Button(id="saved-prev", n_clicks=0, hidden=True, tabIndex="-1", **{"aria-hidden": "true"}),
            html.Button(id="saved-next", n_clicks=0, hidden=True, tabIndex="-1", **{"aria-hidden": "true"}),
            screen.header(options, lang),
            html.Main(
                [
                    filters.layout(atlas, options, lang),
                    mapview.layout(map_figure, lang, year_span(atlas.zones)),
                    screen.drawer(
                        _panes(options, lang, import_refused_role), html.Footer(text("data-note", html.P))
                    ),
                ],
                className="layout",
            ),
        ],
        className="app",
        lang=lang,
        id="app-root",
    )
