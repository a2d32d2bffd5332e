"""The map: the view callback that draws the map (and the panels with it, in one response), the
footprints' filter and the basemap probe.
"""

from __future__ import annotations

from typing import Any

from dash import Dash, Input, Output, State, dcc, html, no_update

from dashboard import figures
from dashboard.features import panels, timebar
from dashboard.i18n import t
from dashboard.runtime import LiveRuntime, Runtime
from dashboard.state import ViewState
from dashboard.widgets import GRAPH_CONFIG, both


def map_outputs(runtime: Runtime, stored: Any, basemap: Any, drawn: Any) -> tuple[Any, Any, Any]:
    """The map Patch for a state, what the map then shows, and the footprints' filter. ``drawn``
    (from the page) is what it shows now; only the difference is sent (figures.map_updates), and
    nothing when there is none (a redraw would also snap the camera back to the figure's own)."""
    state = ViewState.from_dict(stored, runtime.vocabulary)
    atlas = runtime.atlas
    mask = state.selection(runtime.attributes)
    basemap = basemap if basemap in ("offline", "online") else "offline"
    drawn = drawn if isinstance(drawn, dict) else figures.BASE_DRAWN
    kaltim = runtime.cached(("kaltim-layers",), lambda: figures.kaltim_layers(atlas))
    updates = figures.map_updates(atlas, runtime.model, runtime.hovers, state, mask, basemap, drawn, kaltim)
    if isinstance(stored, dict) and stored.get("apply_camera"):
        updates = {**updates, **camera_updates(state)}
    now = figures.drawn_map(state, basemap)
    refilter = any(drawn.get(name) != now[name] for name in figures.MAP_FILTERS)
    return (
        # The Patch in its wire form: plain JSON, which Dash encodes with orjson in one pass (a Patch
        # object sends the whole response through Plotly's slow JSON cleaning).
        figures.map_patch(updates).to_plotly_json() if updates else no_update,
        now,
        figures.footprint_filter(mask) if refilter else no_update,
    )


def camera_updates(state: ViewState) -> dict[tuple[str, ...], Any]:
    """The URL's camera as map updates ({path: value}, like figures.map_updates). Sent only after a
    page load or a back/forward step: a pan's own camera is where the map already is, and Plotly
    does not report a camera it was given (no loop)."""
    updates: dict[tuple[str, ...], Any] = {}
    if state.center:
        updates[("layout", "map", "center")] = {"lon": state.center[0], "lat": state.center[1]}
    if state.zoom is not None:
        updates[("layout", "map", "zoom")] = state.zoom
    return updates


def register(app: Dash, live: LiveRuntime) -> None:
    """The map's callbacks (and the panels', which share its response)."""

    # The map and the panels in one response: the browser applies them in one task, so the KPIs and
    # the chart appear before MapLibre starts drawing (a frame costs ~100 ms in software WebGL and
    # would otherwise delay whichever response came second), and a filter costs one request less.
    @app.callback(
        output={
            "map": {
                "figure": Output("map", "figure"),
                "drawn": Output("map-applied", "data"),
                "footprint_filter": Output("footprint-filter", "data"),
            },
            "panels": panels.outputs(),
        },
        inputs={"stored": Input("view-state", "data"), "basemap": Input("basemap-effective", "data")},
        state={"map_drawn": State("map-applied", "data"), "panels_drawn": State("panels-applied", "data")},
    )
    def _view(stored: Any, basemap: Any, map_drawn: Any, panels_drawn: Any) -> dict[str, Any]:
        runtime = live.get()
        figure, drawn, footprint_filter = map_outputs(runtime, stored, basemap, map_drawn)
        return {
            "map": {"figure": figure, "drawn": drawn, "footprint_filter": footprint_filter},
            "panels": panels.panel_outputs(runtime, stored, panels_drawn),
        }

    app.clientside_callback(
        "window.dash_clientside.screen.foldLegend",
        Output("legend-box", "className"),
        Output("legend-fold", "aria-expanded"),
        Input("legend-fold", "n_clicks"),
        prevent_initial_call=True,
    )
    app.clientside_callback(
        "window.dash_clientside.atlas.filterFootprints",
        Input("footprint-filter", "data"),
        prevent_initial_call=True,
    )

    app.clientside_callback(
        "window.dash_clientside.atlas.probeBasemap",
        Output("basemap-effective", "data"),
        Output("basemap-notice", "children"),
        Input("basemap-toggle", "value"),
        State("lang-toggle", "value"),
        State("basemap-effective", "data"),
        State("basemap-notice", "children"),
    )


def layout(map_figure: Any, lang: str, years: tuple[int, int]) -> html.Section:
    """The map with the KPI strip above it, its legend, notices and year over it, the time slider
    under it, and presentation's caption."""
    kpis = html.Section(
        [
            html.Div(panels.kpi_placeholder(), id=kpi, className="kpi", role="status")
            for kpi in panels.KPI_IDS
        ],
        className="kpis",
    )
    map_section = html.Section(
        [
            timebar.badge(),  # first: above the map where the map-section folds into the page (atlas.css)
            html.Div(
                dcc.Graph(
                    id="map", figure=map_figure, config=GRAPH_CONFIG, className="map-graph", responsive=True
                ),
                className="map-frame",
                role="region",  # not "img": the map holds focusable controls
                **{"aria-label": t("map.label", lang)},
            ),
            # focusable: it scrolls within itself, so keyboard users must be able to scroll it; it
            # folds to its button, so a presenter can give the whole map to the room
            html.Div(
                [
                    html.Button(
                        [
                            html.Span(both("legend.title"), className="legend-fold-name"),
                            html.Span(className="legend-fold-mark", **{"aria-hidden": "true"}),
                        ],
                        id="legend-fold",
                        type="button",
                        className="legend-fold",
                        **{"aria-controls": "map-legend", "aria-expanded": "true"},
                    ),
                    html.Div(id="map-legend"),
                ],
                id="legend-box",
                className="legend panel",
                tabIndex="0",
            ),
            html.Div(id="basemap-notice", className="notice", role="status"),
        ],
        className="map-section",
    )
    caption = html.Div(id="present-caption", className="present-caption", **{"aria-live": "polite"})
    return html.Section([kpis, caption, map_section, timebar.timebar(years)], className="stage")
