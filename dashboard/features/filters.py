"""The control panel's filters and the view state: URL <-> controls <-> state (dashboard.state)."""

from __future__ import annotations

import logging
from collections.abc import Collection
from typing import Any

from dash import ALL, Dash, Input, Output, State, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate

from dashboard.features import facilities, tiles
from dashboard.i18n import t
from dashboard.reducer import Controls, apply_controls, camera_moved, ring_text
from dashboard.runtime import LiveRuntime, Runtime
from dashboard.state import ViewState, Vocabulary, from_query, to_query, with_changes
from dashboard.widgets import dropdown_labels, field, radio_group, text
from geodata import Atlas
from geodata.query import province_id
from geodata.scoring import CRITERIA

log = logging.getLogger(__name__)


WEIGHTS = {"type": "weight", "criterion": ALL}
# Every control of the page by its name in Controls (dashboard.reducer): its id and property.
CONTROLS: dict[str, tuple[Any, str]] = {
    "view": ("view-tabs", "value"),
    "sector": ("sector-filter", "value"),
    "kind": ("kind-filter", "value"),
    "status": ("status-filter", "value"),
    "province": ("province-filter", "value"),
    "regency": ("regency-filter", "value"),
    "zone": ("zone-search", "value"),
    "color": ("color-mode", "value"),
    "basemap": ("basemap-toggle", "value"),
    "layers": ("map-layers", "value"),
    "lang": ("lang-toggle", "value"),
    "rings": ("ring-distances", "value"),
    "sites": ("comparison-sites", "value"),
    "weights": (WEIGHTS, "value"),
    "facilities": ("facilities-toggle", "value"),
    "radius": ("facility-radius", "value"),
    "panel": ("tool-tabs", "value"),
    "year": ("year-slider", "value"),
}
# Triggers after which the controls must be rewritten from the state (the user did not set them directly).
# (A province change may drop chosen regencies of other provinces.)
REWRITES_CONTROLS = (
    "map",
    "investment-chart",
    "filter-reset",
    "ring-distances",
    "province-filter",
    "facility-radius",
    "year-clear",
)


def control_values(state: ViewState, last_year: int | None = None) -> dict[str, Any]:
    """The value of every control for a state, by name (CONTROLS). With no year chosen the slider
    rests at ``last_year`` (today)."""
    return {
        "view": state.view, "sector": list(state.sector), "kind": list(state.kind),
        "status": list(state.status), "province": list(state.province), "regency": list(state.regency),
        "zone": state.zone, "color": state.color, "basemap": state.basemap, "layers": list(state.layers),
        "lang": state.lang, "rings": ring_text(state.rings), "sites": list(state.sites),
        "weights": list(state.weights), "facilities": ["on"] if state.facilities else [],
        "radius": state.radius, "panel": state.open_panel,
        "year": last_year if state.year is None else state.year,
    }  # fmt: skip


# The buttons whose clicks change the state (by their n_clicks: a count, so that a click whose answer
# was dropped is still noticed by the next request; see sync_state).
BUTTONS = ("presentation-toggle", "filter-reset", "year-clear")


def missed_clicks(stored: Any, buttons: dict[str, Any], trigger: str | None) -> list[str]:
    """The button clicks the state has not counted yet (its 'seen' counts) beyond the one that
    triggers this request: clicks whose answers were dropped. The presentation toggle counts by
    parity (two clicks are none); the others once."""
    seen = stored.get("seen", {}) if isinstance(stored, dict) else {}
    seen = seen if isinstance(seen, dict) else {}
    missed: list[str] = []
    for name in BUTTONS:
        clicks = _count(buttons.get(name)) - _count(seen.get(name)) - (name == trigger)
        if clicks > 0:
            missed += [name] * (clicks % 2 if name == "presentation-toggle" else 1)
    return missed


def _count(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def sync_state(
    runtime: Runtime,
    trigger: str | None,
    search: Any,
    controls: Controls,
    click: Any,
    stored: Any,
    buttons: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """URL <-> controls <-> state. Returns the outputs by name: state, url search, controls (by
    name, CONTROLS) and ring_error.

    A page load or a back/forward step (trigger 'url') sets the controls from the URL, and the map
    then moves to the URL's camera ('apply_camera' in the state's Store); any control change
    derives a new state and pushes it to the URL (one history entry per change). A pan or zoom
    (trigger 'map-camera', ``click`` holding the relayoutData) writes the camera to the URL; it also
    makes good an answer it superseded (load_superseded, reducer.camera_moved). A button click whose
    answer was superseded (Dash keeps only a callback's latest request) is found by its count
    (``buttons``: n_clicks by id, against the state's 'seen' counts) and applied by the next request.
    """
    vocabulary = runtime.vocabulary
    buttons = buttons or {}
    seen = {name: _count(buttons.get(name)) for name in BUTTONS}
    if trigger == "map-camera" and load_superseded(stored, search, vocabulary):
        trigger = "url"
    if trigger in (None, "url"):
        state, dropped = from_query(search if isinstance(search, str) else "", vocabulary)
        if dropped:
            log.warning("ignored URL values: %s", ", ".join(dropped)[:500])
        values = control_values(state, vocabulary.years[1])
        if values["lang"] == controls.lang:
            values["lang"] = no_update  # the switch's 43 kB answer is in the layout already
        return {
            "state": {**state.as_dict(), "apply_camera": True, "seen": seen},
            "search": no_update,
            "controls": values,
            "ring_error": None,
        }
    previous = ViewState.from_dict(stored, vocabulary)
    missed = missed_clicks(stored, buttons, trigger)
    if trigger == "map-camera":
        state, rings_error = camera_moved(previous, controls, click, vocabulary), None
        if str(controls.rings or "") != ring_text(previous.rings):  # a ring entry's dropped answer
            state, rings_error = apply_controls(state, controls, "ring-distances", None, vocabulary)
        if state == previous and not missed and not rings_error:
            raise PreventUpdate  # an autosize, or a camera the URL already holds
    else:
        state, rings_error = apply_controls(previous, controls, trigger, click, vocabulary)
    for name in missed:  # a click whose own answer was dropped
        state, _ = apply_controls(state, controls, name, None, vocabulary)
    error = t("kaltim.rings.invalid", state.lang, error=rings_error) if rings_error else None
    query = to_query(state)
    # a wildcard output (the weights) takes a list even when nothing changes
    controls_out: dict[str, Any] = {
        **dict.fromkeys(CONTROLS, no_update),
        "weights": [no_update] * len(CRITERIA),
    }
    if trigger in REWRITES_CONTROLS:
        controls_out = control_values(state, vocabulary.years[1])
        if rings_error:
            controls_out["rings"] = no_update  # keep the text to correct it
    if state.open_panel != controls.panel:
        controls_out["panel"] = state.open_panel  # a view switch opened its own tab
    return {
        "state": {**state.as_dict(), "seen": seen},
        "search": query if query != (search or "") else no_update,
        "controls": controls_out,
        "ring_error": error,
    }


def load_superseded(stored: Any, search: Any, vocabulary: Vocabulary) -> bool:
    """Whether the URL holds a view the state does not (cameras aside): the answer to a page load or
    a back/forward step was dropped, because Dash keeps only the latest request of a callback and a
    map relayout came first. The URL is then loaded again."""
    if not isinstance(stored, dict):
        return True
    in_url, _ = from_query(search if isinstance(search, str) else "", vocabulary)
    held = ViewState.from_dict(stored, vocabulary)
    return with_changes(in_url, zoom=None, center=None) != with_changes(held, zoom=None, center=None)


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
        output={
            "state": Output("view-state", "data"),
            "search": Output("url", "search"),
            "controls": {name: Output(cid, prop) for name, (cid, prop) in CONTROLS.items()},
            "ring_error": Output("ring-error", "children"),
        },
        inputs={
            "search": Input("url", "search"),
            "controls": {name: Input(cid, prop) for name, (cid, prop) in CONTROLS.items()},
            "map_click": Input("map", "clickData"),
            "bar_click": Input("investment-chart", "clickData"),
            "reset": Input("filter-reset", "n_clicks"),
            "present": Input("presentation-toggle", "n_clicks"),
            "relayout": Input("map", "relayoutData"),
            "clear_year": Input("year-clear", "n_clicks"),
        },
        state={"stored": State("view-state", "data")},
    )
    def _sync(
        search: Any,
        controls: dict[str, Any],
        map_click: Any,
        bar_click: Any,
        reset: Any,
        present: Any,
        relayout: Any,
        clear_year: Any,
        stored: Any,
    ) -> dict[str, Any]:
        trigger = ctx.triggered_id
        if isinstance(trigger, dict):
            trigger = "weights"
        if ctx.triggered and ctx.triggered[0]["prop_id"] == "map.relayoutData":
            trigger = "map-camera"
        click = {"map": map_click, "map-camera": relayout}.get(trigger, bar_click)
        buttons = dict(zip(BUTTONS, (present, reset, clear_year), strict=True))
        return sync_state(live.get(), trigger, search, Controls(**controls), click, stored, buttons)

    # The regencies offered follow the chosen provinces; the page keeps the provinces they were made
    # for (regency-scope), so the server answers only when those change, not on every state change
    # nor on load (the layout has the list for none already; issue 14).
    app.clientside_callback(
        "function (stored, scope) { const chosen = (stored && stored.province) || [];"
        " return JSON.stringify(chosen) === JSON.stringify(scope || []) ? window.dash_clientside.no_update : chosen; }",
        Output("regency-scope", "data"),
        Input("view-state", "data"),
        State("regency-scope", "data"),
    )

    @app.callback(
        Output("regency-filter", "options"), Input("regency-scope", "data"), prevent_initial_call=True
    )
    def _regency_options(scope: Any) -> list[dict[str, str]]:
        runtime = live.get()
        state = ViewState.from_dict({"province": scope}, runtime.vocabulary)
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
            dcc.Store(id="regency-scope", data=[]),  # the provinces the regency list is for
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
            *tiles.controls(lang),
        ],
        className="filters panel",
        id="controls-panel",
        **{"aria-label": "Filter"},
    )
