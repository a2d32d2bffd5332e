"""Thin callbacks: each wires inputs to geodata and the pure builders, nothing more.

The work of each callback is a module-level function of (runtime, inputs) so that tests call it
directly; ``register_callbacks`` only attaches them. Every input is re-validated (the browser is
not trusted), and the map gets Patches, never new geometry.
"""

from __future__ import annotations

import base64
import binascii
import logging
import secrets
from dataclasses import asdict
from typing import Any

from dash import ALL, Dash, Input, Output, State, ctx, html, no_update
from dash.exceptions import PreventUpdate

from dashboard import components, facilitypanel, figures
from dashboard.auth import actor_name
from dashboard.features import screen
from dashboard.i18n import LANGUAGES, t
from dashboard.importing import apply_upload, layer_items, plan_upload
from dashboard.layout import TEXT_ELEMENTS, dropdown_labels, option_sets, regency_options
from dashboard.reducer import Controls, apply_controls, camera_from_relayout, ring_text
from dashboard.runtime import LiveRuntime, Runtime, kaltim_report, kaltim_scope
from dashboard.state import ViewState, from_query, to_query, without_screen
from geodata.comparison import criteria_values
from geodata.export import zone_table
from geodata.query import Summary, summarize
from geodata.savedviews import SavedViewError, SavedViewStore
from geodata.scoring import CRITERIA, rank_sites, sensitivity

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
OPTION_IDS = (
    "export-target",
    "export-size",
    "view-tabs",
    "sector-filter",
    "kind-filter",
    "status-filter",
    "province-filter",
    "zone-search",
    "color-mode",
    "basemap-toggle",
    "map-layers",
    "facilities-toggle",
    "tool-tabs",
    "import-mode",
    "import-override",
)
DROPDOWN_IDS = ("sector-filter", "province-filter", "regency-filter", "zone-search", "comparison-sites")
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


def language_outputs(runtime: Runtime, lang: Any) -> tuple[Any, ...]:
    """Every text, option label, dropdown text, tab label and the national chart in a language
    (built once per language and runtime, as plain JSON)."""
    lang = lang if lang in LANGUAGES else "id"
    return runtime.cached(("language", lang), lambda: _language_outputs(runtime.atlas, lang))


def _language_outputs(atlas: Any, lang: str) -> tuple[Any, ...]:
    options = option_sets(atlas, lang)
    labels = dropdown_labels(lang)
    return tuple(
        components.plain(
            [
                *(t(key, lang) for key in TEXT_ELEMENTS.values()),
                *(options[cid] for cid in OPTION_IDS),
                *(labels for _ in DROPDOWN_IDS),
                t("filter.any", lang), t("filter.any", lang), t("filter.any", lang), t("filter.search", lang),
                options["zone-search"],
                lang,
                figures.national_figure(atlas, lang),
                components.national_sources(atlas, lang),
            ]
        )
    )  # fmt: skip


def map_outputs(runtime: Runtime, stored: Any, basemap: Any, drawn: Any) -> tuple[Any, Any, Any]:
    """The map Patch for a state, what the map then shows, and the footprints' filter. ``drawn``
    (from the page) is what it shows now; only the difference is sent (figures.map_updates), and
    nothing when there is none (a redraw would also snap the camera back to the figure's own)."""
    state = ViewState.from_dict(stored, runtime.vocabulary)
    atlas = runtime.atlas
    mask = state.selection(runtime.attributes)
    basemap = basemap if basemap in ("offline", "online") else "offline"
    drawn = drawn if isinstance(drawn, dict) else figures.BASE_DRAWN
    updates = figures.map_updates(atlas, runtime.model, runtime.hovers, state, mask, basemap, drawn)
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


def detail_parts(atlas: Any, state: ViewState, mask: Any) -> list[Any]:
    """The zone detail, then the plants within the state's radius when the zone is shown."""
    visible = bool(state.zone) and bool(mask.get(state.zone, False))
    return components.detail_children(atlas, state, mask) + (
        facilitypanel.near_children(atlas, state) if visible else []
    )


def legend_parts(runtime: Runtime, state: ViewState, shown: Any) -> list[Any]:
    """The map legend, then the facilities layer's entry when it is on."""
    atlas, model = runtime.atlas, runtime.model
    return components.legend_children(
        atlas, model, state, shown, runtime.overlays
    ) + facilitypanel.legend_block(atlas, model.facilities, state)


def kpi_summary(runtime: Runtime, state: ViewState, mask: Any) -> tuple[Summary, int]:
    """The KPI figures of the shown zones and how many zones they are out of. The KPIs and the chart
    count what the view is about: Kaltim's zones in the Kaltim view (assets/filter.js does the same)."""
    if state.view != "kaltim":
        return summarize(runtime.attributes[mask]), len(mask)
    scope = kaltim_scope(runtime)
    return summarize(runtime.attributes[mask & scope]), int(scope.sum())


def panel_outputs(runtime: Runtime, stored: Any, drawn: Any = None) -> tuple[Any, ...]:
    """KPIs, investment chart and note, detail, legend and the Kaltim tables for the filtered zones,
    as plain JSON, then the record of what the page shows ('panels-applied').

    Each part has a key of what it depends on; a part whose key equals the page's record (``drawn``)
    is not sent (no_update), so a filter does not redraw the detail, the Kaltim panel or an
    unchanged legend. What depends only on a few small inputs is built once per runtime and key."""
    atlas, model = runtime.atlas, runtime.model
    state = ViewState.from_dict(stored, runtime.vocabulary)
    lang = state.lang
    mask = state.selection(runtime.attributes)
    kaltim = state.view == "kaltim"
    summary, counted_total = kpi_summary(runtime, state, mask)
    counted = mask & kaltim_scope(runtime) if kaltim else mask
    shown = runtime.attributes[mask]
    visible = bool(state.zone) and bool(mask.get(state.zone, False))
    present = tuple(sorted(set(shown["kind" if state.color == "kind" else "primary_sector"])))
    filters = (state.sector, state.kind, state.status, state.province, state.regency)
    keys = {
        "kpis": (lang, summary, counted_total),
        "chart": (lang, state.color, state.zone, filters, kaltim),
        # the facilities block follows the radius and the sector filter, only when a zone shows
        "detail": (lang, state.zone, visible, (state.radius, state.sector) if visible else None),
        "legend": (lang, state.color, state.view, present, state.facilities, state.sector, state.province),
        "kaltim": kaltim,
        "tables": (lang, state.rings) if kaltim else None,
    }
    now = {slot: repr(key) for slot, key in keys.items()}
    previous = drawn if isinstance(drawn, dict) else {}

    def part(slot: str, build: Any) -> Any:
        return no_update if previous.get(slot) == now[slot] else build()

    kpis = part(
        "kpis",
        lambda: runtime.cached(
            ("kpis", *keys["kpis"]),
            lambda: components.plain(components.kpi_children(summary, counted_total, lang)),
        ),
    )
    chart = part("chart", lambda: figures.investment_figure(atlas, model, runtime.attributes[counted], state))
    note = part("kpis", lambda: components.investment_note(summary, lang, figures.CHART_BARS))
    tables = part(
        "tables",
        lambda: (
            runtime.cached(
                ("distance-tables", state.rings, lang),
                lambda: components.plain(
                    components.distance_tables(kaltim_report(runtime, state.rings), atlas, lang)
                ),
            )
            if kaltim
            else []
        ),
    )
    detail = part(
        "detail",
        lambda: runtime.cached(
            ("detail", *keys["detail"]),
            lambda: components.plain(detail_parts(atlas, state, mask)),
        ),
    )
    legend = part(
        "legend",
        lambda: runtime.cached(
            ("legend", *keys["legend"]),
            lambda: components.plain(legend_parts(runtime, state, shown)),
        ),
    )
    kpi_values = [no_update] * 4 if kpis is no_update else [kpis[k] for k in components.KPI_IDS]
    return (
        *kpi_values, chart, note, detail, legend, part("kaltim", lambda: not kaltim), tables, now,
    )  # fmt: skip


def zone_table_outputs(runtime: Runtime, stored: Any, is_open: Any) -> list[Any]:
    """The zone table, rendered only while its panel is open (36+ rows of HTML cost the browser
    seconds per filter; bench/RESULTS.md)."""
    if not is_open:
        return []
    state = ViewState.from_dict(stored, runtime.vocabulary)
    atlas = runtime.atlas
    mask = state.selection(atlas.zones)
    return components.zone_table_children(atlas, zone_table(atlas, mask), state.lang)


def comparison_outputs(runtime: Runtime, stored: Any) -> list[Any]:
    """The candidate-site comparison for the state's sites and weights (only in the Kaltim view), as
    plain JSON; built once per runtime, sites, weights and language, so a filter or ring change
    in the Kaltim view does not recompute it."""
    state = ViewState.from_dict(stored, runtime.vocabulary)
    if state.view != "kaltim" or not state.sites:
        return []
    return runtime.cached(
        ("comparison", state.sites, state.weights, state.lang), lambda: _comparison(runtime, state)
    )


def _comparison(runtime: Runtime, state: ViewState) -> list[Any]:
    weights = {c.id: w for c, w in zip(CRITERIA, state.weights, strict=True)}
    values = runtime.cached(
        ("criteria-values", state.sites), lambda: criteria_values(runtime.atlas, list(state.sites))
    )
    ranked = rank_sites(values, weights)
    report = sensitivity(values, weights)
    return components.plain(
        components.comparison_children(
            runtime.atlas, list(state.sites), values, ranked, report, weights, state.lang
        )
    )


def saved_views_outputs(
    views: SavedViewStore,
    trigger: Any,
    lang: Any,
    title: Any,
    note: Any,
    query: Any,
    edits: Any,
    upload: Any,
    undo: Any = None,
) -> tuple[Any, Any, Any, Any]:
    """Apply one saved-view action (save, rename, move, delete, undo, import); return (list, message,
    title box, the deleted view kept for undo)."""
    lang = lang if lang in LANGUAGES else "id"
    message: Any = None
    clear_title: Any = no_update
    deleted: Any = no_update
    try:
        if trigger == "save-view":
            # saved without the presentation flag and the open tab: a view, not a screen
            kept = without_screen(query if isinstance(query, str) else "", ("present", "panel"))
            view = views.add(title or "", note or "", kept)
            message, clear_title = t("saved.saved", lang, title=view.title), ""
        elif trigger == "saved-undo":
            view, position = views.from_record(undo)
            views.restore(view, position)
            message, deleted = t("saved.restored", lang, title=view.title), None
        elif trigger == "saved-import" and isinstance(upload, str):
            count = views.import_bytes(_decode_upload(upload))
            message = t("saved.imported", lang, n=count)
        elif isinstance(trigger, dict):
            view_id = str(trigger.get("index"))
            action = trigger.get("type")
            if action == "saved-rename":
                new_titles = {e["id"]["index"]: e.get("value") for e in edits or [] if isinstance(e, dict)}
                views.rename(view_id, str(new_titles.get(view_id) or ""))
            elif action in ("saved-up", "saved-down"):
                views.move(view_id, -1 if action == "saved-up" else 1)
            elif action == "saved-delete":
                view, position = views.delete(view_id)
                deleted = {"view": asdict(view), "position": position}
                message = [
                    t("saved.deleted", lang, title=view.title),
                    " ",
                    html.Button(
                        t("saved.undo", lang),
                        id={"type": "saved-undo-click", "index": view.id},
                        className="small-button",
                        n_clicks=0,
                    ),
                ]
    except SavedViewError as exc:
        message = t("saved.error", lang, error=str(exc))
    return components.saved_views_children(views.list(), lang), message, clear_title, deleted


def _decode_upload(contents: str) -> bytes:
    """The bytes of a dcc.Upload 'data:...;base64,...' string (refused when malformed)."""
    try:
        return base64.b64decode(contents.split(",", 1)[1], validate=True)
    except (IndexError, ValueError, binascii.Error):
        raise SavedViewError("the upload could not be read") from None


def register_callbacks(app: Dash, live: LiveRuntime, views: SavedViewStore) -> None:
    """Attach every callback of the page to ``app``; each reads the live runtime (imports included)."""

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

    @app.callback(
        *(Output(element_id, "children") for element_id in TEXT_ELEMENTS),
        *(Output(cid, "options") for cid in OPTION_IDS),
        *(Output(cid, "labels") for cid in DROPDOWN_IDS),
        *(Output(cid, "placeholder") for cid in DROPDOWN_IDS[:4]),
        Output("comparison-sites", "options"),
        Output("app-root", "lang"),
        Output("national-chart", "figure"),
        Output("national-source", "children"),
        Input("lang-toggle", "value"),
    )
    def _language(lang: Any) -> tuple[Any, ...]:
        return language_outputs(live.get(), lang)

    # The map and the panels in one response: the browser applies them in one task, so the KPIs and
    # the chart appear before MapLibre starts drawing (a frame costs ~100 ms in software WebGL and
    # would otherwise delay whichever response came second), and a filter costs one request less.
    @app.callback(
        Output("map", "figure"),
        Output("map-applied", "data"),
        Output("footprint-filter", "data"),
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
        Output("panels-applied", "data"),
        Input("view-state", "data"),
        Input("basemap-effective", "data"),
        State("map-applied", "data"),
        State("panels-applied", "data"),
    )
    def _view(stored: Any, basemap: Any, map_drawn: Any, panels_drawn: Any) -> tuple[Any, ...]:
        runtime = live.get()
        return (
            *map_outputs(runtime, stored, basemap, map_drawn),
            *panel_outputs(runtime, stored, panels_drawn),
        )

    @app.callback(Output("regency-filter", "options"), Input("view-state", "data"))
    def _regency_options(stored: Any) -> list[dict[str, str]]:
        runtime = live.get()
        state = ViewState.from_dict(stored, runtime.vocabulary)
        return runtime.cached(
            ("regency-options", state.province), lambda: regency_options(runtime.atlas, state.province)
        )

    app.clientside_callback(
        "window.dash_clientside.atlas.filterFootprints",
        Input("footprint-filter", "data"),
        prevent_initial_call=True,
    )

    app.clientside_callback(
        "window.dash_clientside.atlas.whenTableOpen",
        Output("table-state", "data"),
        Input("view-state", "data"),
        Input("title-table", "n_clicks"),
    )

    @app.callback(
        Output("zone-table", "children"),
        Output("title-table", "aria-expanded"),
        Input("table-state", "data"),
        Input("title-table", "n_clicks"),
    )
    def _zone_table(stored: Any, clicks: Any) -> tuple[list[Any], str]:
        is_open = isinstance(clicks, int) and clicks % 2 == 1
        return zone_table_outputs(live.get(), stored, is_open), "true" if is_open else "false"

    app.clientside_callback(
        "window.dash_clientside.atlas.whenKaltim",
        Output("comparison-state", "data"),
        Input("view-state", "data"),
        State("site-comparison", "children"),
    )

    @app.callback(Output("site-comparison", "children"), Input("comparison-state", "data"))
    def _comparison(stored: Any) -> list[Any]:
        return comparison_outputs(live.get(), stored)

    saved_actions = [
        Input({"type": kind, "index": ALL}, "n_clicks")
        for kind in ("saved-rename", "saved-up", "saved-down", "saved-delete")
    ]

    @app.callback(
        Output("saved-views", "children"),
        Output("saved-message", "children"),
        Output("saved-title", "value"),
        Output("saved-undo", "data"),
        Input("save-view", "n_clicks"),
        Input("saved-import", "contents"),
        *saved_actions,
        Input({"type": "saved-undo-click", "index": ALL}, "n_clicks"),
        Input("lang-toggle", "value"),
        State("saved-title", "value"),
        State("saved-note", "value"),
        State("url", "search"),
        State({"type": "saved-edit", "index": ALL}, "value"),
        State({"type": "saved-edit", "index": ALL}, "id"),
        State("saved-undo", "data"),
    )
    def _saved(_save: Any, upload: Any, *rest: Any) -> tuple[Any, Any, Any, Any]:
        _undo_clicks, lang, title, note, query, edit_values, edit_ids, undo = rest[len(saved_actions) :]
        trigger = ctx.triggered_id
        if isinstance(trigger, dict) and trigger.get("type") == "saved-undo-click":
            trigger = "saved-undo" if any(_undo_clicks or []) else None
        if isinstance(trigger, dict) and not any(
            t_["value"] for t_ in ctx.triggered if isinstance(t_, dict) and "value" in t_
        ):
            raise PreventUpdate  # new buttons rendered (n_clicks 0): not a click, keep the message
        pairs = zip(*(x if isinstance(x, list) else [] for x in (edit_ids, edit_values)), strict=False)
        edits = [{"id": i, "value": v} for i, v in pairs]
        return saved_views_outputs(views, trigger, lang, title, note, query, edits, upload, undo)

    @app.callback(
        Output("url", "search", allow_duplicate=True),
        Input({"type": "saved-open", "index": ALL}, "n_clicks"),
        prevent_initial_call=True,
    )
    def _open_saved(clicks: Any) -> Any:
        trigger = ctx.triggered_id
        if not isinstance(trigger, dict) or not any(clicks or []):
            return no_update
        chosen = next((v for v in views.list() if v.id == trigger.get("index")), None)
        return chosen.query if chosen else no_update

    @app.callback(
        Output("url", "search", allow_duplicate=True),
        Input("saved-prev", "n_clicks"),
        Input("saved-next", "n_clicks"),
        State("url", "search"),
        State("view-state", "data"),
        prevent_initial_call=True,
    )
    def _step_saved(_prev: Any, _next: Any, search: Any, stored: Any) -> Any:
        presenting = isinstance(stored, dict) and stored.get("present") is True
        query = screen.step_query(
            views.list(), search, 1 if ctx.triggered_id == "saved-next" else -1, presenting
        )
        return no_update if query is None else query

    @app.callback(
        Output("import-report", "children"),
        Output("import-matches", "options"),
        Output("import-matches", "value"),
        Output("import-confirm", "disabled"),
        Output("import-token", "data"),
        Output("import-override", "value"),
        Input("import-upload", "contents"),
        State("import-upload", "filename"),
        State("import-mode", "value"),
        State("lang-toggle", "value"),
        prevent_initial_call=True,
    )
    def _plan_import(contents: Any, filename: Any, mode: Any, lang: Any) -> tuple[Any, ...]:
        return plan_upload(
            live.get(), live.store, contents, filename, mode, lang if lang in LANGUAGES else "id"
        )

    @app.callback(
        Output("import-report", "children", allow_duplicate=True),
        Output("import-done", "data"),
        Output("import-confirm", "disabled", allow_duplicate=True),
        Input("import-confirm", "n_clicks"),
        State("import-token", "data"),
        State("import-matches", "value"),
        State("import-override", "value"),
        State("lang-toggle", "value"),
        prevent_initial_call=True,
    )
    def _apply_import(_clicks: Any, token: Any, confirmed: Any, override: Any, lang: Any) -> tuple[Any, ...]:
        language = lang if lang in LANGUAGES else "id"
        message, stored = apply_upload(
            live.get(), live.store, token, confirmed, override, language, actor_name()
        )
        return message, (secrets.token_hex(4) if stored else no_update), stored  # refused: fix and retry

    @app.callback(
        Output("import-layers", "children"),
        Output("import-done", "data", allow_duplicate=True),
        Input({"type": "layer-remove", "index": ALL}, "n_clicks"),
        Input({"type": "layer-restore", "index": ALL}, "n_clicks"),
        Input("lang-toggle", "value"),
        prevent_initial_call="initial_duplicate",
    )
    def _layers(_remove: Any, _restore: Any, lang: Any) -> tuple[Any, Any]:
        trigger = ctx.triggered_id
        changed: Any = no_update
        clicked = any(item.get("value") for item in ctx.triggered if isinstance(item, dict))
        if isinstance(trigger, dict) and clicked:
            try:
                if trigger.get("type") == "layer-remove":
                    live.store.remove(str(trigger.get("index")))
                else:
                    live.store.restore(str(trigger.get("index")))
                log.info("%s %s by %s", trigger.get("type"), trigger.get("index"), actor_name())
                changed = secrets.token_hex(4)
            except KeyError:
                log.warning("no imported layer %r", trigger.get("index"))
        return layer_items(live.store, lang if lang in LANGUAGES else "id"), changed

    app.clientside_callback(
        "function (done) { if (done) { setTimeout(() => window.location.reload(), 1200); } return done; }",
        Output("import-done", "data", allow_duplicate=True),
        Input("import-done", "data"),
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

    screen.register(app, views)
