"""The control panel's filters and the view state: URL <-> controls <-> state (dashboard.state)."""

from __future__ import annotations

import logging
from collections.abc import Collection
from typing import Any

from dash import ALL, Dash, Input, Output, State, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate

from dashboard.features import facilities
from dashboard.i18n import t
from dashboard.reducer import Controls, apply_controls, camera_from_relayout, ring_text
from dashboard.runtime import LiveRuntime, Runtime
from dashboard.state import ViewState, from_query, to_query
from dashboard.widgets import dropdown_labels, field, radio_group, text
from geodata import Atlas
from geodata.query import province_id
from geodata.scoring import CRITERIA

log = logging.getLogger(__name__)


CONTROL_IDS = (
    ("view-tabs", "value"),
    ("sector-filter", "value"),
    ("kind-filter", "value"),
    ("status-filter", "value"),
    ("province-filter", "value"),
    ("regency-filter", "value"),
    ("zone-search", "value"),
    ("color-mode", "value"),
    ("basemap-toggle", "value"),
    ("map-layers", "value"),
    ("lang-toggle", "value"),
    ("ring-distances", "value"),
    ("comparison-sites", "value"),
)


WEIGHTS = {"type": "weight", "criterion": ALL}


# Controls after the weights (Controls' field order): the facilities switch and its radius, then
# the open tool tab.
FACILITY_CONTROL_IDS = (("facilities-toggle", "value"), ("facility-radius", "value"), ("tool-tabs", "value"))


# Triggers after which the controls must be rewritten from the state (the user did not set them directly).
# (A province change may drop chosen regencies of other provinces.)
REWRITES_CONTROLS = (
    "map",
    "investment-chart",
    "filter-reset",
    "ring-distances",
    "province-filter",
    "facility-radius",
)


def control_values(state: ViewState) -> list[Any]:
    """The value of every control for a state: CONTROL_IDS order, the list of weights, then
    FACILITY_CONTROL_IDS."""
    return [
        state.view, list(state.sector), list(state.kind), list(state.status), list(state.province),
        list(state.regency), state.zone, state.color, state.basemap, list(state.layers), state.lang,
        ring_text(state.rings), list(state.sites), list(state.weights), ["on"] if state.facilities else [],
        state.radius, state.open_panel,
    ]  # fmt: skip


def sync_state(
    runtime: Runtime, trigger: str | None, search: Any, controls: Controls, click: Any, stored: Any
) -> tuple[Any, ...]:
    """URL <-> controls <-> state. Returns (state, url search, *control values, ring error).

    A page load or a back/forward step (trigger 'url') sets the controls from the URL, and the map
    then moves to the URL's camera ('apply_camera' in the state's Store); any control change
    derives a new state and pushes it to the URL (one history entry per change). A pan or zoom
    (trigger 'map-camera', ``click`` holding the relayoutData) only writes the camera to the URL.
    """
    vocabulary = runtime.vocabulary
    if trigger in (None, "url"):
        state, dropped = from_query(search if isinstance(search, str) else "", vocabulary)
        if dropped:
            log.warning("ignored URL values: %s", ", ".join(dropped)[:500])
        return ({**state.as_dict(), "apply_camera": True}, no_update, *control_values(state), None)
    if trigger == "map-camera" and not camera_from_relayout(click):
        raise PreventUpdate  # an autosize, not a pan or zoom
    previous = ViewState.from_dict(stored, vocabulary)
    state, rings_error = apply_controls(previous, controls, trigger, click, vocabulary)
    error = t("kaltim.rings.invalid", state.lang, error=rings_error) if rings_error else None
    query = to_query(state)
    outputs: list[Any] = (
        [no_update] * len(CONTROL_IDS)
        + [[no_update] * len(CRITERIA)]
        + [no_update] * len(FACILITY_CONTROL_IDS)
    )
    if trigger in REWRITES_CONTROLS:
        outputs = control_values(state)
        if rings_error:
            outputs[CONTROL_IDS.index(("ring-distances", "value"))] = no_update  # keep the text to correct it
    if state.open_panel != controls.panel:
        outputs[-1] = state.open_panel  # a view switch opened its own tab
    return (state.as_dict(), query if query != (search or "") else no_update, *outputs, error)


def regency_options(atlas: Atlas, provinces: Collection[str] = ()) -> list[dict[str, str]]:
    """The regencies that hold at least one zone, within the chosen provinces (ids) if any, by name."""
    zones = atlas.zones[atlas.zones["regency_code"].notna()]
    if provinces:
        zones = zones[zones["province"].map(province_id).isin(list(provinces))]
    found = dict(zip(zones["regency_code"], zones["regency_name"], strict=True))
    return [{"label": name, "value": code} for code, name in sorted(found.items(), key=lambda item: item[1])]


def register(app: Dash, live: LiveRuntime) -> None:
    """The state sync and the regency choices that follow the provinces."""

    @app.callback(
        Output("view-state", "data"),
        Output("url", "search"),
        *(Output(cid, prop) for cid, prop in CONTROL_IDS),
        Output(WEIGHTS, "value"),
        *(Output(cid, prop) for cid, prop in FACILITY_CONTROL_IDS),
        Output("ring-error", "children"),
        Input("url", "search"),
        *(Input(cid, prop) for cid, prop in CONTROL_IDS),
        Input(WEIGHTS, "value"),
        *(Input(cid, prop) for cid, prop in FACILITY_CONTROL_IDS),
        Input("map", "clickData"),
        Input("investment-chart", "clickData"),
        Input("filter-reset", "n_clicks"),
        Input("presentation-toggle", "n_clicks"),
        Input("map", "relayoutData"),
        State("view-state", "data"),
    )
    def _sync(search: Any, *values: Any) -> tuple[Any, ...]:
        count = len(CONTROL_IDS) + 1 + len(FACILITY_CONTROL_IDS)
        controls = Controls(*values[:count])
        map_click, bar_click, _reset, _present, relayout, stored = values[count:]
        trigger = ctx.triggered_id
        if isinstance(trigger, dict):
            trigger = "weights"
        if ctx.triggered and ctx.triggered[0]["prop_id"] == "map.relayoutData":
            trigger = "map-camera"
        click = {"map": map_click, "map-camera": relayout}.get(trigger, bar_click)
        return sync_state(live.get(), trigger, search, controls, click, stored)

    @app.callback(Output("regency-filter", "options"), Input("view-state", "data"))
    def _regency_options(stored: Any) -> list[dict[str, str]]:
        runtime = live.get()
        state = ViewState.from_dict(stored, runtime.vocabulary)
        return runtime.cached(
            ("regency-options", state.province), lambda: regency_options(runtime.atlas, state.province)
        )


def layout(atlas: Atlas, options: dict[str, list[dict[str, Any]]], lang: str) -> html.Aside:
    """The control panel: search, filters, map colour/basemap/layers and the facilities layer."""
    labels = dropdown_labels(lang)

    def multi(label_id: str, control_id: str, choices: list[dict[str, Any]], **extra: Any) -> html.Div:
        return field(
            label_id,
            dcc.Dropdown(
                id=control_id,
                options=choices,
                value=[],
                multi=True,
                searchable=True,
                labels=labels,
                placeholder=t("filter.any", lang),
                **extra,
            ),
        )

    return html.Aside(
        [
            field(
                "label-search",
                dcc.Dropdown(
                    id="zone-search",
                    options=options["zone-search"],
                    value=None,
                    searchable=True,
                    clearable=True,
                    labels=labels,
                    placeholder=t("filter.search", lang),
                ),
            ),
            multi("label-sector", "sector-filter", options["sector-filter"], search_order="original"),
            html.Fieldset(
                [
                    text("label-kind", html.Legend),
                    dcc.Checklist(id="kind-filter", options=options["kind-filter"], value=[]),
                ]
            ),
            html.Fieldset(
                [
                    text("label-status", html.Legend),
                    dcc.Checklist(id="status-filter", options=options["status-filter"], value=[]),
                ]
            ),
            multi("label-province", "province-filter", options["province-filter"]),
            multi("label-regency", "regency-filter", regency_options(atlas)),
            text("filter-reset", html.Button, n_clicks=0, type="button", className="button"),
            radio_group("label-color", "color-mode", options["color-mode"], "sector"),
            radio_group("label-basemap", "basemap-toggle", options["basemap-toggle"], "offline"),
            html.Fieldset(
                [
                    text("label-layers", html.Legend),
                    dcc.Checklist(id="map-layers", options=options["map-layers"], value=[], inline=True),
                ],
            ),
            *facilities.controls(options),
        ],
        className="filters panel",
        id="controls-panel",
        **{"aria-label": "Filter"},
    )
