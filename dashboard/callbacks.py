"""Thin callbacks: each wires inputs to geodata and the pure builders, nothing more.

The work of each callback is a module-level function of (runtime, inputs) so that tests call it
directly; ``register_callbacks`` only attaches them. Every input is re-validated (the browser is
not trusted), and the map gets Patches, never new geometry.
"""

from __future__ import annotations

import logging
from typing import Any

from dash import Dash, Input, Output, State, ctx, no_update

from dashboard import components, figures
from dashboard.i18n import LANGUAGES, t
from dashboard.layout import TEXT_ELEMENTS, dropdown_labels, option_sets
from dashboard.reducer import Controls, apply_controls, ring_text
from dashboard.runtime import Runtime
from dashboard.state import ViewState, from_query, to_query
from geodata.connectivity import kaltim_analysis
from geodata.query import select_zones, summarize

log = logging.getLogger(__name__)

CONTROL_IDS = (
    ("view-tabs", "value"),
    ("sector-filter", "value"),
    ("kind-filter", "value"),
    ("status-filter", "value"),
    ("province-filter", "value"),
    ("zone-search", "value"),
    ("color-mode", "value"),
    ("basemap-toggle", "value"),
    ("lang-toggle", "value"),
    ("ring-distances", "value"),
)
OPTION_IDS = (
    "view-tabs",
    "sector-filter",
    "kind-filter",
    "status-filter",
    "province-filter",
    "zone-search",
    "color-mode",
    "basemap-toggle",
)
DROPDOWN_IDS = ("sector-filter", "province-filter", "zone-search")
# Triggers after which the controls must be rewritten from the state (the user did not set them directly).
REWRITES_CONTROLS = ("map", "investment-chart", "filter-reset", "ring-distances")


def control_values(state: ViewState) -> list[Any]:
    """The value of every control for a state, in CONTROL_IDS order."""
    return [
        state.view, list(state.sector), list(state.kind), list(state.status), list(state.province),
        state.zone, state.color, state.basemap, state.lang, ring_text(state.rings),
    ]  # fmt: skip


def sync_state(
    runtime: Runtime, trigger: str | None, search: Any, controls: Controls, click: Any, stored: Any
) -> tuple[Any, ...]:
    """URL <-> controls <-> state. Returns (state, url search, *control values, ring error).

    A page load or a back/forward step (trigger 'url') sets the controls from the URL; any control
    change derives a new state and pushes it to the URL (one history entry per change).
    """
    vocabulary = runtime.vocabulary
    if trigger in (None, "url"):
        state, dropped = from_query(search if isinstance(search, str) else "", vocabulary)
        if dropped:
            log.warning("ignored URL values: %s", ", ".join(dropped)[:500])
        return (state.as_dict(), no_update, *control_values(state), None)
    previous = ViewState.from_dict(stored, vocabulary)
    state, rings_error = apply_controls(previous, controls, trigger, click, vocabulary)
    error = t("kaltim.rings.invalid", state.lang, error=rings_error) if rings_error else None
    query = to_query(state)
    outputs: list[Any] = [no_update] * len(CONTROL_IDS)
    if trigger in REWRITES_CONTROLS:
        outputs = control_values(state)
        if rings_error:
            outputs[-1] = no_update  # leave the user's text in the box so it can be corrected
    return (state.as_dict(), query if query != (search or "") else no_update, *outputs, error)


def language_outputs(runtime: Runtime, lang: Any) -> tuple[Any, ...]:
    """Every text, option label, dropdown text, tab label and the national chart in a language."""
    lang = lang if lang in LANGUAGES else "id"
    atlas = runtime.atlas
    options = option_sets(atlas, lang)
    labels = dropdown_labels(lang)
    return (
        *(t(key, lang) for key in TEXT_ELEMENTS.values()),
        *(options[cid] for cid in OPTION_IDS),
        *(labels for _ in DROPDOWN_IDS),
        t("filter.any", lang), t("filter.any", lang), t("filter.search", lang),
        lang,
        figures.national_figure(atlas, lang),
        components.national_sources(atlas, lang),
    )  # fmt: skip


def map_outputs(runtime: Runtime, stored: Any, basemap: Any, applied: Any) -> tuple[Any, Any]:
    """The map Patch for a state. ``applied`` is [view, zone, basemap] as last drawn: the camera moves
    only when the view or the selection changed, the style only when the basemap did."""
    state = ViewState.from_dict(stored, runtime.vocabulary)
    atlas = runtime.atlas
    mask = select_zones(atlas.zones, state.sector, state.kind, state.status, state.province)
    basemap = basemap if basemap in ("offline", "online") else "offline"
    previous = applied if isinstance(applied, list) and len(applied) == 3 else [None, None, "offline"]
    refocus = [state.view, state.zone] != previous[:2]
    style = basemap if basemap != previous[2] else None
    patch = figures.map_patch(atlas, runtime.model, runtime.hovers, state, mask, refocus, style)
    return patch, [state.view, state.zone, basemap]


def panel_outputs(runtime: Runtime, stored: Any) -> tuple[Any, ...]:
    """KPIs, investment chart, detail, legend and the Kaltim tables for the filtered zones."""
    atlas, model = runtime.atlas, runtime.model
    state = ViewState.from_dict(stored, runtime.vocabulary)
    mask = select_zones(atlas.zones, state.sector, state.kind, state.status, state.province)
    shown = atlas.zones[mask]
    summary = summarize(shown)
    kpis = components.kpi_children(summary, len(atlas.zones), state.lang)
    kaltim = state.view == "kaltim"
    tables = (
        components.distance_tables(kaltim_analysis(atlas, state.rings), atlas, state.lang) if kaltim else []
    )
    return (
        kpis["kpi-zones"], kpis["kpi-investment"], kpis["kpi-workforce"], kpis["kpi-area"],
        figures.investment_figure(atlas, model, shown, state),
        components.investment_note(summary, state.lang),
        components.detail_children(atlas, state, mask),
        components.legend_children(atlas, model, state, shown),
        not kaltim,
        tables,
    )  # fmt: skip


def register_callbacks(app: Dash, runtime: Runtime) -> None:
    """Attach every callback of the page to ``app``."""

    @app.callback(
        Output("view-state", "data"),
        Output("url", "search"),
        *(Output(cid, prop) for cid, prop in CONTROL_IDS),
        Output("ring-error", "children"),
        Input("url", "search"),
        *(Input(cid, prop) for cid, prop in CONTROL_IDS),
        Input("map", "clickData"),
        Input("investment-chart", "clickData"),
        Input("filter-reset", "n_clicks"),
        State("view-state", "data"),
    )
    def _sync(search: Any, *values: Any) -> tuple[Any, ...]:
        controls = Controls(*values[: len(CONTROL_IDS)])
        map_click, bar_click, _reset, stored = values[len(CONTROL_IDS) :]
        trigger = ctx.triggered_id
        click = map_click if trigger == "map" else bar_click
        return sync_state(runtime, trigger, search, controls, click, stored)

    @app.callback(
        *(Output(element_id, "children") for element_id in TEXT_ELEMENTS),
        *(Output(cid, "options") for cid in OPTION_IDS),
        *(Output(cid, "labels") for cid in DROPDOWN_IDS),
        *(Output(cid, "placeholder") for cid in DROPDOWN_IDS),
        Output("app-root", "lang"),
        Output("national-chart", "figure"),
        Output("national-source", "children"),
        Input("lang-toggle", "value"),
    )
    def _language(lang: Any) -> tuple[Any, ...]:
        return language_outputs(runtime, lang)

    @app.callback(
        Output("map", "figure"),
        Output("map-applied", "data"),
        Input("view-state", "data"),
        Input("basemap-effective", "data"),
        State("map-applied", "data"),
    )
    def _map(stored: Any, basemap: Any, applied: Any) -> tuple[Any, Any]:
        return map_outputs(runtime, stored, basemap, applied)

    @app.callback(
        Output("kpi-zones", "children"),
        Output("kpi-investment", "children"),
        Output("kpi-workforce", "children"),
        Output("kpi-area", "children"),
        Output("investment-chart", "figure"),
        Output("investment-note", "children"),
        Output("zone-detail", "children"),
        Output("map-legend", "children"),
        Output("kaltim-panel", "hidden"),
        Output("distance-table", "children"),
        Input("view-state", "data"),
    )
    def _panels(stored: Any) -> tuple[Any, ...]:
        return panel_outputs(runtime, stored)

    app.clientside_callback(
        "window.dash_clientside.atlas.probeBasemap",
        Output("basemap-effective", "data"),
        Output("basemap-notice", "children"),
        Input("view-state", "data"),
        State("basemap-effective", "data"),
    )
