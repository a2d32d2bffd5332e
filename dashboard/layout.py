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

from collections.abc import Collection
from typing import Any

from dash import dcc, html

from dashboard.features import screen, timebar
from dashboard.i18n import DEFAULT_LANGUAGE, t
from dashboard.importing import import_mode_options, import_override_options, import_panel
from dashboard.jobs import job_controls
from dashboard.state import MAX_RADIUS_KM
from geodata import Atlas
from geodata.comparison import KALTIM_ESTATES
from geodata.facilities import DEFAULT_RADIUS_KM
from geodata.query import province_id, year_span
from geodata.schema import KINDS, STATUSES
from geodata.scoring import CRITERIA, MAX_WEIGHT
from geodata.upload import ImportLimits

# id of a text element -> its i18n key; rendered in the default language and switched by a callback
TEXT_ELEMENTS: dict[str, str] = {
    "app-subtitle": "app.subtitle",
    "label-sector": "filter.sector",
    "label-kind": "filter.kind",
    "label-status": "filter.status",
    "label-province": "filter.province",
    "label-regency": "filter.regency",
    "label-search": "filter.search",
    "filter-reset": "filter.reset",
    "label-color": "control.color",
    "label-basemap": "control.basemap",
    "label-layers": "control.layers",
    "label-lang": "control.language",
    "label-view": "control.view",
    "title-investment": "chart.investment",
    "title-national": "chart.national",
    "title-detail": "detail.title",
    "label-rings": "kaltim.rings",
    "data-note": "data.note",
    "presentation-toggle": "present.toggle",
    "title-comparison": "compare.title",
    "label-sites": "compare.sites",
    "label-weights": "compare.weights",
    "title-export": "export.title",
    "label-export-target": "export.target",
    "label-export-size": "export.size",
    "export-png": "export.png",
    "export-pdf": "export.pdf",
    "export-csv": "export.csv",
    "export-xlsx": "export.xlsx",
    "export-geojson": "export.geojson",
    "export-gpkg": "export.gpkg",
    "export-facilities": "export.facilities",
    "export-cancel": "export.cancel",
    "label-facility-radius": "facilities.radius",
    "title-saved": "saved.title",
    "label-saved-title": "saved.name",
    "label-saved-note": "saved.note",
    "save-view": "saved.save",
    "saved-export": "saved.export",
    "label-saved-import": "saved.import",
    "title-table": "table.title",
    "label-tools": "screen.tools",
    "controls-toggle": "screen.controls",
    "pane-kaltim-hint": "panel.kaltim.hint",
    "title-import": "import.title",
    "label-import-drop": "import.drop",
    "label-import-mode": "import.mode",
    "import-confirm": "import.confirm",
    "import-cancel": "import.cancel",
    "title-import-layers": "import.layers",
    **{f"label-weight-{c.id}": f"criterion.{c.id}" for c in CRITERIA},
    **timebar.TEXT_ELEMENTS,
}
# The mode bar shows on hover only (it covered the investment chart's top bar), without the buttons
# that send data to Plotly's cloud (the CSP blocks them, and nothing leaves this machine).
GRAPH_CONFIG = {
    "displaylogo": False,
    "scrollZoom": True,
    "displayModeBar": "hover",
    "showSendToCloud": False,
    "showEditInChartStudio": False,
    "showLink": False,
    "modeBarButtonsToRemove": ["select2d", "lasso2d", "sendDataToCloud", "editInChartStudio"],
}


def option_sets(atlas: Atlas, lang: str) -> dict[str, list[dict[str, Any]]]:
    """Translated options of every choice control; sector options keep the vocabulary's order."""
    sectors = atlas.sectors
    provinces = sorted(atlas.provinces["name"])
    return {
        "sector-filter": [{"label": sectors.at[s, f"label_{lang}"], "value": s} for s in sectors.index],
        "kind-filter": [{"label": t("kind." + k, lang), "value": k} for k in KINDS],
        "status-filter": [{"label": t("status." + s, lang), "value": s} for s in STATUSES],
        "province-filter": [{"label": name, "value": province_id(name)} for name in provinces],
        "zone-search": [
            {"label": name, "value": zone_id}
            for zone_id, name in sorted(atlas.zones["name"].items(), key=lambda item: item[1])
        ],
        "color-mode": [
            {"label": t("color.sector", lang), "value": "sector"},
            {"label": t("color.kind", lang), "value": "kind"},
        ],
        "view-tabs": [
            {"label": t("tab.national", lang), "value": "national"},
            {"label": t("tab.kaltim", lang), "value": "kaltim"},
        ],
        "basemap-toggle": [
            {"label": t("basemap.offline", lang), "value": "offline"},
            {"label": t("basemap.online", lang), "value": "online"},
        ],
        "map-layers": [{"label": t("layer.regencies", lang), "value": "regencies"}],
        "facilities-toggle": [{"label": t("facilities.toggle", lang), "value": "on"}],
        "export-target": [
            {"label": t("export.target.map", lang), "value": "map"},
            {"label": t("export.target.investment", lang), "value": "investment"},
            {"label": t("export.target.national", lang), "value": "national"},
        ],
        "export-size": [
            {"label": t("export.size.projector", lang), "value": "projector"},
            {"label": t("export.size.print", lang), "value": "print"},
        ],
        "tool-tabs": screen.tool_tab_options(lang),
        "import-mode": import_mode_options(lang),
        "import-override": import_override_options(lang),
    }


def regency_options(atlas: Atlas, provinces: Collection[str] = ()) -> list[dict[str, str]]:
    """The regencies that hold at least one zone, within the chosen provinces (ids) if any, by name."""
    zones = atlas.zones[atlas.zones["regency_code"].notna()]
    if provinces:
        zones = zones[zones["province"].map(province_id).isin(list(provinces))]
    found = dict(zip(zones["regency_code"], zones["regency_name"], strict=True))
    return [{"label": name, "value": code} for code, name in sorted(found.items(), key=lambda item: item[1])]


def dropdown_labels(lang: str) -> dict[str, str]:
    """The Dropdown's own texts (select all, search, ...) in the page's language."""
    if lang == "en":
        return {
            "select_all": "Select all",
            "deselect_all": "Deselect all",
            "selected_count": "{num_selected} selected",
            "search": "Search",
            "clear_search": "Clear search",
            "clear_selection": "Clear selection",
            "no_options_found": "No options found",
        }
    return {
        "select_all": "Pilih semua",
        "deselect_all": "Batalkan semua",
        "selected_count": "{num_selected} dipilih",
        "search": "Cari",
        "clear_search": "Hapus pencarian",
        "clear_selection": "Hapus pilihan",
        "no_options_found": "Tidak ada pilihan",
    }


def _text(element_id: str, tag: Any = html.Span, **kwargs: Any) -> Any:
    return tag(t(TEXT_ELEMENTS[element_id], DEFAULT_LANGUAGE), id=element_id, **kwargs)


def _field(label_id: str, control: Any) -> html.Div:
    return html.Div([_text(label_id, html.Label, htmlFor=control.id), control], className="field")


def _facility_controls(options: dict[str, list[dict[str, Any]]]) -> list[Any]:
    """The facilities layer's switch (URL ``facilities=1``) and the detail panel's radius (``radius``)."""
    return [
        dcc.Checklist(id="facilities-toggle", options=options["facilities-toggle"], value=[]),
        _field(
            "label-facility-radius",
            dcc.Input(
                id="facility-radius", type="number", min=1, max=MAX_RADIUS_KM, step=1,
                value=DEFAULT_RADIUS_KM, debounce=True, inputMode="decimal",
            ),
        ),
    ]  # fmt: skip


def _export_panel(options: dict[str, list[dict[str, Any]]]) -> html.Section:
    buttons = [
        _text(button_id, html.Button, type="button", className="button", **{"data-export": kind})
        for button_id, kind in (
            ("export-png", "png"),
            ("export-pdf", "pdf"),
            ("export-csv", "csv"),
            ("export-xlsx", "xlsx"),
            ("export-geojson", "geojson"),
            ("export-gpkg", "gpkg"),
            ("export-facilities", "facilities"),
        )
    ]
    return html.Section(
        [
            _text("title-export", html.H2, className="panel-title"),
            html.Fieldset(
                [
                    _text("label-export-target", html.Legend),
                    dcc.RadioItems(id="export-target", options=options["export-target"], value="map"),
                ]
            ),
            html.Fieldset(
                [
                    _text("label-export-size", html.Legend),
                    dcc.RadioItems(id="export-size", options=options["export-size"], value="projector"),
                ]
            ),
            html.Div(buttons, className="button-row"),
            html.Div(
                [
                    *job_controls(),
                    _text("export-cancel", html.Button, type="button", className="button", hidden=True),
                ],
                className="export-job",
            ),
            html.Div(id="export-status", className="status", role="status", **{"aria-live": "polite"}),
        ],
        className="panel tools",
        id="export-panel",
    )


def _saved_views_panel() -> html.Section:
    return html.Section(
        [
            _text("title-saved", html.H2, className="panel-title"),
            html.Div(
                [
                    _text("label-saved-title", html.Label, htmlFor="saved-title"),
                    dcc.Input(id="saved-title", type="text", maxLength=120, autoComplete="off", value=""),
                ],
                className="field",
            ),
            html.Div(
                [
                    _text("label-saved-note", html.Label, htmlFor="saved-note"),
                    dcc.Textarea(id="saved-note", maxLength=2000, value="", rows=2),
                ],
                className="field",
            ),
            _text("save-view", html.Button, type="button", className="button button-strong", n_clicks=0),
            html.Div(id="saved-message", className="status", role="status"),
            html.Ol(id="saved-views", className="saved-list"),
            html.Div(
                [
                    _text(
                        "saved-export",
                        html.A,
                        href="/saved-views/export",
                        download="atlas-kawasan-views.json",
                    ),
                    html.Label(
                        dcc.Upload(
                            _text("label-saved-import", html.Span, className="button"),
                            id="saved-import",
                            accept=".json,application/json",
                            max_size=1_000_000,
                            className="upload",
                        ),
                        className="inline-label",
                    ),
                ],
                className="button-row",
            ),
        ],
        className="panel tools",
        id="saved-panel",
    )


def _radio_group(label_id: str, control_id: str, options: list[dict[str, Any]], value: Any) -> html.Fieldset:
    return html.Fieldset(
        [
            _text(label_id, html.Legend),
            dcc.RadioItems(id=control_id, options=options, value=value, inline=True),
        ]
    )


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


def _stage(map_figure: Any, lang: str, years: tuple[int, int]) -> html.Section:
    """The map with the KPI strip above it, its legend, notices and year over it, the time slider
    under it, and presentation's caption."""
    kpis = html.Section(
        [
            html.Div(id=kpi, className="kpi", role="status")
            for kpi in ("kpi-zones", "kpi-investment", "kpi-workforce", "kpi-area")
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
            # focusable: it scrolls within itself, so keyboard users must be able to scroll it
            html.Div(id="map-legend", className="legend panel", tabIndex="0"),
            html.Div(id="basemap-notice", className="notice", role="status"),
        ],
        className="map-section",
    )
    caption = html.Div(id="present-caption", className="present-caption", **{"aria-live": "polite"})
    return html.Section([kpis, caption, map_section, timebar.timebar(years)], className="stage")


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
                    _stage(map_figure, lang, year_span(atlas.zones)),
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
