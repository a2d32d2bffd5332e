"""The page, map first: a header, the control panel (filters, folds away), the map with its KPI strip
and legend, and a drawer of tool tabs (detail, national chart, Kaltim, table, export, saved views,
import; dashboard.features.screen).

Element ids are a contract with the tests (see the issue list): map, sector-filter, kind-filter,
status-filter, province-filter, regency-filter, zone-search, color-mode, kpi-*, investment-chart, national-chart,
zone-detail, view-tabs, ring-distances, distance-table, basemap-toggle, map-layers, lang-toggle,
tool-tabs, pane-<tab>, controls-toggle, controls-panel, present-caption.
Every translatable text has its own id so that one callback can switch the language.
"""

from __future__ import annotations

from typing import Any

from dash import dcc, html

from dashboard.features import screen
from dashboard.features.exports import _export_panel
from dashboard.features.facilities import _facility_controls
from dashboard.features.filters import regency_options
from dashboard.features.imports import import_panel
from dashboard.features.language import option_sets
from dashboard.features.savedviews import _saved_views_panel
from dashboard.i18n import DEFAULT_LANGUAGE, t
from dashboard.widgets import (
    GRAPH_CONFIG,
    _field,
    _radio_group,
    _text,
    dropdown_labels,
)
from geodata import Atlas
from geodata.comparison import KALTIM_ESTATES
from geodata.scoring import CRITERIA, MAX_WEIGHT
from geodata.upload import ImportLimits


def _header(options: dict[str, list[dict[str, Any]]], lang: str) -> html.Header:
    """Title, the view switch, the language, presentation mode and the control panel's fold button."""
    return html.Header(
        [
            html.Div(
                [html.H1(t("app.title", lang), id="app-title"), _text("app-subtitle", html.P)],
                className="brand",
            ),
            # The view switch is a native radio group: reachable with Tab, switched with the arrow
            # keys, announced by screen readers (Dash's own Tabs render unlabelled divs).
            html.Nav(
                html.Fieldset(
                    [
                        _text("label-view", html.Legend, className="visually-hidden"),
                        dcc.RadioItems(
                            id="view-tabs",
                            options=options["view-tabs"],
                            value="national",
                            inline=True,
                            className="view-switch",
                        ),
                    ]
                ),
                className="view-nav",
            ),
            html.Div(
                [
                    _radio_group(
                        "label-lang",
                        "lang-toggle",
                        [{"label": "Bahasa Indonesia", "value": "id"}, {"label": "English", "value": "en"}],
                        lang,
                    ),
                    screen.controls_toggle(),
                    _text(
                        "presentation-toggle",
                        html.Button,
                        type="button",
                        className="button button-strong",
                        n_clicks=0,
                        **{"aria-pressed": "false"},
                    ),
                ],
                className="header-controls",
            ),
        ],
        className="app-header",
    )


def _filters(atlas: Atlas, options: dict[str, list[dict[str, Any]]], lang: str) -> html.Aside:
    """The control panel: search, filters, map colour/basemap/layers and the facilities layer."""
    labels = dropdown_labels(lang)

    def multi(label_id: str, control_id: str, choices: list[dict[str, Any]], **extra: Any) -> html.Div:
        return _field(
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
            _field(
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
                    _text("label-kind", html.Legend),
                    dcc.Checklist(id="kind-filter", options=options["kind-filter"], value=[]),
                ]
            ),
            html.Fieldset(
                [
                    _text("label-status", html.Legend),
                    dcc.Checklist(id="status-filter", options=options["status-filter"], value=[]),
                ]
            ),
            multi("label-province", "province-filter", options["province-filter"]),
            multi("label-regency", "regency-filter", regency_options(atlas)),
            _text("filter-reset", html.Button, n_clicks=0, type="button", className="button"),
            _radio_group("label-color", "color-mode", options["color-mode"], "sector"),
            _radio_group("label-basemap", "basemap-toggle", options["basemap-toggle"], "offline"),
            html.Fieldset(
                [
                    _text("label-layers", html.Legend),
                    dcc.Checklist(id="map-layers", options=options["map-layers"], value=[], inline=True),
                ],
            ),
            *_facility_controls(options),
        ],
        className="filters panel",
        id="controls-panel",
        **{"aria-label": "Filter"},
    )


def _stage(map_figure: Any, lang: str) -> html.Section:
    """The map with the KPI strip above it, its legend and notices over it, and presentation's caption."""
    kpis = html.Section(
        [
            html.Div(id=kpi, className="kpi", role="status")
            for kpi in ("kpi-zones", "kpi-investment", "kpi-workforce", "kpi-area")
        ],
        className="kpis",
    )
    map_section = html.Section(
        [
            html.Div(
                dcc.Graph(
                    id="map", figure=map_figure, config=GRAPH_CONFIG, className="map-graph", responsive=True
                ),
                className="map-frame",
                role="region",  # not "img": the map holds focusable controls
                **{"aria-label": t("map.label", lang)},
            ),
            # focusable: it scrolls within itself, so keyboard users must be able to scroll it
            html.Div(id="map-legend", className="legend panel", tabIndex="0"),
            html.Div(id="basemap-notice", className="notice", role="status"),
        ],
        className="map-section",
    )
    caption = html.Div(id="present-caption", className="present-caption", **{"aria-live": "polite"})
    return html.Section([kpis, caption, map_section], className="stage")


def _kaltim_pane(options: dict[str, list[dict[str, Any]]], lang: str) -> list[Any]:
    """The Kaltim view's rings, distance tables and site comparison (hidden in the national view)."""
    labels = dropdown_labels(lang)
    weights = html.Div(
        [
            html.Label(
                [
                    html.Span(t(f"criterion.{c.id}", lang), id=f"label-weight-{c.id}"),
                    dcc.Input(
                        id={"type": "weight", "criterion": c.id},
                        type="number",
                        min=0,
                        max=MAX_WEIGHT,
                        step=0.5,
                        value=c.default_weight,
                        debounce=True,
                        className="weight-input",
                    ),
                ],
                className="weight",
            )
            for c in CRITERIA
        ],
        id="criteria-weights",
        className="weights",
    )
    comparison = html.Section(
        [
            _text("title-comparison", html.H2, className="panel-title"),
            _field(
                "label-sites",
                dcc.Dropdown(
                    id="comparison-sites",
                    options=options["zone-search"],
                    value=list(KALTIM_ESTATES),
                    multi=True,
                    searchable=True,
                    labels=labels,
                ),
            ),
            html.Fieldset([_text("label-weights", html.Legend), weights]),
            # focusable: a table wider than the drawer scrolls inside it, also by keyboard
            html.Div(id="site-comparison", className="table-scroll", tabIndex="0", **{"aria-live": "polite"}),
        ],
        className="comparison",
    )
    rings = html.Div(
        [
            _text("label-rings", html.Label, htmlFor="ring-distances"),
            dcc.Input(
                id="ring-distances",
                type="text",
                value="25,50,100",
                debounce=True,
                inputMode="decimal",
                autoComplete="off",
                maxLength=80,
            ),
            html.Div(id="ring-error", className="error", role="alert"),
        ],
        className="field",
    )
    return [
        html.Section(
            [rings, html.Div(id="distance-table", className="table-scroll", tabIndex="0"), comparison],
            id="kaltim-panel",
            className="panel",
            hidden=True,
        ),
        _text("pane-kaltim-hint", html.P, className="muted pane-hint"),
    ]


def _panes(
    atlas: Atlas,
    national_figure: Any,
    options: dict[str, list[dict[str, Any]]],
    lang: str,
    import_refused_role: str | None = None,
) -> dict:
    """The content of each tool tab (state.PANELS order)."""
    detail = [
        html.Div(
            [
                _text("title-detail", html.H2, className="panel-title"),
                html.Div(id="zone-detail", **{"aria-live": "polite"}),
            ],
            className="panel",
        ),
        html.Div(
            [
                _text("title-investment", html.H2, className="panel-title"),
                html.P(id="investment-note", className="muted small"),
                dcc.Graph(id="investment-chart", config=GRAPH_CONFIG),
            ],
            className="panel",
        ),
    ]
    national = html.Div(
        [
            _text("title-national", html.H2, className="panel-title"),
            dcc.Graph(id="national-chart", figure=national_figure, config=GRAPH_CONFIG),
            html.P(id="national-source", className="muted small"),
        ],
        className="panel",
    )
    zone_table = html.Section(
        [
            _text(
                "title-table",
                html.Button,
                type="button",
                className="link-button table-toggle",
                n_clicks=0,
                **{"aria-expanded": "false", "aria-controls": "zone-table"},
            ),
            html.Div(id="zone-table", className="table-scroll"),
        ],
        className="panel",
        id="zone-table-panel",
    )
    return {
        "detail": detail,
        "national": [national],
        "kaltim": _kaltim_pane(options, lang),
        "table": [zone_table],
        "export": [_export_panel(options)],
        "saved": [_saved_views_panel()],
        "import": [
            import_panel(lang, int(ImportLimits.from_env().max_bytes // 1_000_000), import_refused_role)
        ],
    }


def build_layout(
    atlas: Atlas,
    map_figure: Any,
    national_figure: Any,
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
            _header(options, lang),
            html.Main(
                [
                    _filters(atlas, options, lang),
                    _stage(map_figure, lang),
                    screen.drawer(
                        _panes(atlas, national_figure, options, lang, import_refused_role),
                        html.Footer(_text("data-note", html.P)),
                    ),
                ],
                className="layout",
            ),
        ],
        className="app",
        lang=lang,
        id="app-root",
    )
