"""The panels beside the map: KPI cards, the zone detail (with the plants near it), the legend and
the investment and national charts. Their outputs travel with the map's (features.mapview).
"""

from __future__ import annotations

from typing import Any

import orjson
import pandas as pd
from dash import Dash, Output, dcc, html, no_update

from dashboard import figures
from dashboard.clientfilter import index_url
from dashboard.features import facilities as facilitypanel
from dashboard.features import screen
from dashboard.features.kaltim import distance_tables
from dashboard.i18n import format_hectares, format_idr_trillion, format_number, t
from dashboard.mapmodel import KIND_COLORS, PLACE_COLORS, MapModel
from dashboard.runtime import LiveRuntime, Runtime, kaltim_report, kaltim_scope
from dashboard.state import ViewState, with_changes
from dashboard.widgets import GRAPH_CONFIG, plain, source_items, swatch, text
from geodata import Atlas
from geodata.footprints import OFFICIAL
from geodata.query import Summary, Total, summarize, unknown_year


def _reporting(total: Total, lang: str) -> str:
    return t("kpi.reporting", lang, n=total.reporting, m=total.of)


KPI_IDS = ("kpi-zones", "kpi-investment", "kpi-workforce", "kpi-area")


def kpi_card(label: str, value: str, note: str) -> list[Any]:
    """A KPI card's children: its label, value and note, a line each."""
    return [
        html.Div(label, className="kpi-label"),
        html.Div(value, className="kpi-value"),
        html.Div(note, className="kpi-note"),
    ]


def kpi_placeholder() -> list[Any]:
    """A KPI card before its figures come: its three lines, blank, so that the strip above the map
    has its height from the first paint. Empty cards grew by ~70 px when filled, which shrank the
    map, and MapLibre then drew it again at the new size, after the page looked ready."""
    return kpi_card("\u00a0", "\u00a0", "\u00a0")


def kpi_children(
    summary: Summary, total_zones: int, lang: str, year: int | None = None, unknown_year: int = 0
) -> dict[str, list[Any]]:
    """Children of the four KPI cards; each total says how many zones report it, and with a
    ``year`` the zone count says how many zones of unknown year it leaves out."""

    def total(value: Total, text: str) -> str:
        return text if value.reporting else "–"  # nobody reports it: not zero, unknown

    return {
        "kpi-zones": kpi_card(
            t("kpi.zones", lang),
            format_number(summary.zones, lang),
            t("kpi.of_total", lang, m=total_zones)
            + ("" if year is None else "; " + t("year.kpi", lang, n=format_number(unknown_year, lang))),
        ),
        "kpi-investment": kpi_card(
            t("kpi.investment", lang),
            total(
                summary.investment_idr_trillion,
                format_idr_trillion(summary.investment_idr_trillion.value, lang),
            ),
            _reporting(summary.investment_idr_trillion, lang),
        ),
        "kpi-workforce": kpi_card(
            t("kpi.workforce", lang),
            total(summary.workforce, format_number(summary.workforce.value, lang)),
            _reporting(summary.workforce, lang),
        ),
        "kpi-area": kpi_card(
            t("kpi.area", lang),
            total(summary.area_ha, format_hectares(summary.area_ha.value, lang)),
            _reporting(summary.area_ha, lang),
        ),
    }


def _dated(value: str, as_of: str | None, lang: str) -> str:
    return f"{value} ({t('value.as_of', lang, date=as_of)})" if as_of else value


def detail_children(atlas: Atlas, state: ViewState, visible: pd.Series) -> list[Any]:
    """Every attribute of the selected zone with its sources and as-of dates, or a hint to pick one."""
    lang = state.lang
    if not state.zone:
        return [html.P(t("detail.empty", lang), className="muted")]
    if not visible.get(state.zone, False):
        return [html.P(t("detail.filtered_out", lang), className="muted")]
    zone = atlas.zones.loc[state.zone]
    missing = t("value.missing", lang)
    sectors = ", ".join(atlas.sectors.at[s, f"label_{lang}"] for s in zone["sectors"])
    footprint = atlas.footprints.loc[state.zone] if state.zone in atlas.footprints.index else None
    rows: list[tuple[str, Any]] = [
        ("field.kind", t("kind." + zone["kind"], lang)),
        ("field.status", t("status." + zone["status"], lang)),
        ("field.province", zone["province"]),
        ("field.regency", zone["regency"] or missing),
        ("field.sectors", sectors),
        ("field.area", format_hectares(zone["area_ha"], lang) if pd.notna(zone["area_ha"]) else missing),
        (
            "field.investment",
            _dated(format_idr_trillion(zone["investment_idr_trillion"], lang), zone["investment_as_of"], lang)
            if pd.notna(zone["investment_idr_trillion"])
            else missing,
        ),
        (
            "field.workforce",
            _dated(format_number(zone["workforce"], lang), zone["workforce_as_of"], lang)
            if pd.notna(zone["workforce"])
            else missing,
        ),
        ("field.legal_basis", zone["legal_basis"] or missing),
        ("field.operator", zone["operator"] or missing),
        ("field.point", f"{zone['lon']:.5f}, {zone['lat']:.5f}"),
        ("field.precision", t("precision." + zone["coord_precision"], lang)),
        ("field.coord_method", zone["coord_method"]),
        *_boundary_rows(zone, footprint, lang),
        ("field.as_of", zone["as_of"]),
        ("field.notes", zone["notes"] or "–"),
    ]
    items: list[Any] = []
    for key, value in rows:
        items += [html.Dt(t(key, lang)), html.Dd(value)]
    items += [html.Dt(t("field.sources", lang)), html.Dd(html.Ul(source_items(zone["sources"])))]
    return [
        html.H3(zone["name"], id="zone-detail-name"),
        html.Dl(items, className="detail-list"),
    ]


def _boundary_rows(zone: pd.Series, footprint: pd.Series | None, lang: str) -> list[tuple[str, Any]]:
    """The footprint's rows of the detail panel: what kind it is, and for a real boundary its measured
    geodesic area beside what its source says (official area, legal basis, map sources, matching)."""
    kind = zone["boundary"]
    text = t("footprint." + kind, lang)
    if footprint is None:
        return [("field.footprint", text)]
    if kind != OFFICIAL:
        rows = [("field.footprint", f"{text} – {footprint['footprint_note']}")]
    else:
        official, year = footprint["official_area_ha"], footprint["metadata_year"]
        rows = [
            ("field.footprint", text),
            ("field.boundary.legal_basis", footprint["legal_basis"] or t("value.missing", lang)),
            (
                "field.boundary.official_area",
                format_hectares(official, lang) if pd.notna(official) else t("value.missing", lang),
            ),
            ("field.boundary.metadata_year", str(year) if pd.notna(year) else t("value.missing", lang)),
            ("field.boundary.map_sources", footprint["map_sources"] or t("value.missing", lang)),
            ("field.boundary.match", footprint["match"]),
        ]
    if pd.notna(footprint["measured_area_ha"]):
        rows.append(("field.boundary.measured_area", format_hectares(footprint["measured_area_ha"], lang)))
    return rows


def legend_children(
    atlas: Atlas, model: MapModel, state: ViewState, shown: pd.DataFrame, overlays: tuple = ()
) -> list[Any]:
    """The map legend in HTML (readable, translatable and needing no map glyphs)."""
    lang = state.lang
    entries: list[Any] = []
    if state.color == "kind":
        present = set(shown["kind"])
        for kind, color in KIND_COLORS.items():
            if kind in present:
                entries.append(swatch(color, t("kind." + kind, lang)))
    else:
        present = set(shown["primary_sector"])
        for sector in model.sector_order:
            if sector in present:
                entries.append(swatch(model.sector_colors[sector], atlas.sectors.at[sector, f"label_{lang}"]))
    entries += [
        swatch("#999999", t("legend.footprint.official", lang), shape="official"),
        swatch("#999999", t("legend.footprint.imported", lang), shape="imported"),
        swatch("#999999", t("legend.footprint.indicative", lang), shape="indicative"),
    ]
    if state.view == "kaltim":
        entries += [
            swatch(PLACE_COLORS["capital"], t("legend.ikn", lang)),
            swatch("#b2182b", t("legend.ring", lang), shape="ring"),
            swatch("#7f3b08", t("legend.road", lang), shape="line"),
            swatch("#e08214", t("legend.road.estimated", lang), shape="line"),
            swatch(PLACE_COLORS["port"], t("legend.port", lang)),
            swatch(PLACE_COLORS["airport"], t("legend.airport", lang)),
            swatch(PLACE_COLORS["city"], t("legend.city", lang)),
        ]
    for info, _ in overlays:
        entries.append(
            swatch(info.colour, f"{info.name} ({info.source_file}, {info.imported_at}, {info.features})")
        )
    entries.append(html.Li(t("legend.provinces", lang), className="legend-note"))
    return [
        html.H2(t("legend.title", lang), className="panel-title"),
        html.Ul(entries, className="legend-list"),
    ]


def investment_note(summary: Summary, lang: str, bars: int) -> str:
    """Under the bar chart: how many of the shown zones report investment at all, and whether the
    chart (at most ``bars`` bars) shows only the largest of them."""
    note = _reporting(summary.investment_idr_trillion, lang)
    if summary.investment_idr_trillion.reporting > bars:
        note += " · " + t("chart.investment.top", lang, n=bars)
    return note


def national_sources(atlas: Atlas, lang: str) -> list[Any]:
    """The sources and as-of dates behind the national chart: web sources as links, citations as text."""
    rows = atlas.national[
        (atlas.national["metric"] == "investment_realized")
        & (atlas.national["unit"] == "IDR trillion")
        & atlas.national["zone_id"].isna()
    ]
    seen: dict[str, str] = {}
    for sources, as_of in zip(rows["sources"], rows["as_of"], strict=True):
        for source in sources:
            seen.setdefault(source, as_of)
    links: list[Any] = [f"{t('chart.source', lang)}: "]
    for index, (source, as_of) in enumerate(seen.items()):
        if index:
            links.append("; ")
        if source.startswith(("http://", "https://")):
            links.append(
                html.A(source.split("/")[2], href=source, target="_blank", rel="noopener noreferrer")
            )
        else:
            links.append(source)  # a printed citation: text, never a link to nowhere
        links.append(f" ({as_of})")
    return links


def detail_parts(atlas: Any, state: ViewState, mask: Any) -> list[Any]:
    """The zone detail, then the plants within the state's radius when the zone is shown."""
    visible = bool(state.zone) and bool(mask.get(state.zone, False))
    return detail_children(atlas, state, mask) + (
        facilitypanel.near_children(atlas, state) if visible else []
    )


def legend_parts(runtime: Runtime, state: ViewState, shown: Any) -> list[Any]:
    """The map legend, then the facilities layer's entry when it is on."""
    atlas, model = runtime.atlas, runtime.model
    return legend_children(atlas, model, state, shown, runtime.overlays) + facilitypanel.legend_block(
        atlas, model.facilities, state
    )


def chart_key(state: ViewState) -> str:
    """The chart's key in the page's record ('panels-applied'): what it depends on, as JSON, which
    assets/filter.js writes too (lazy/filter-eval.js, chartKey) when the browser draws the chart."""
    return orjson.dumps(
        [state.lang, state.color, state.zone, state.view == "kaltim", *state.filters.values()]
    ).decode()


def drawn_chart(runtime: Runtime, drawn: dict[str, Any]) -> str | None:
    """The key of the chart the page shows: one the browser drew from another filter index than
    this runtime's (the data changed since the page loaded it) counts as none, so the server's wins."""
    source = drawn.get("chart_index")
    return None if source is not None and source != index_url(runtime) else drawn.get("chart")


def panel_outputs(runtime: Runtime, stored: Any, drawn: Any = None) -> dict[str, Any]:
    """KPIs, investment chart and note, detail, legend and the Kaltim tables for the filtered zones,
    as plain JSON, then the record of what the page shows ('panels-applied').

    Each part has a key of what it depends on; a part whose key equals the page's record (``drawn``)
    is not sent (no_update), so a filter does not redraw the detail, the Kaltim panel or an
    unchanged legend, nor a chart the browser drew already (assets/filter.js). What depends only on
    a few small inputs is built once per runtime and key."""
    atlas, model = runtime.atlas, runtime.model
    state = ViewState.from_dict(stored, runtime.vocabulary)
    lang = state.lang
    mask = state.selection(runtime.attributes)
    kaltim = state.view == "kaltim"
    counted = mask & counting_scope(runtime, state)
    summary, counted_total, hidden = kpi_summary(runtime, state, mask)
    shown = runtime.attributes[mask]
    visible = bool(state.zone) and bool(mask.get(state.zone, False))
    present = tuple(sorted(set(shown["kind" if state.color == "kind" else "primary_sector"])))
    keys = {
        "kpis": (lang, summary, counted_total, state.year, hidden),
        # the facilities block follows the radius and the sector filter, only when a zone shows
        "detail": (lang, state.zone, visible, (state.radius, state.sector) if visible else None),
        "legend": (lang, state.color, state.view, present, state.facilities, state.sector, state.province),
        "kaltim": kaltim,
        "tables": (lang, state.rings) if kaltim else None,
    }
    now = {**{slot: repr(key) for slot, key in keys.items()}, "chart": chart_key(state)}
    previous = drawn if isinstance(drawn, dict) else {}
    previous = {**previous, "chart": drawn_chart(runtime, previous)}

    def part(slot: str, build: Any) -> Any:
        return no_update if previous.get(slot) == now[slot] else build()

    kpis = part(
        "kpis",
        lambda: runtime.cached(
            ("kpis", *keys["kpis"]),
            lambda: plain(kpi_children(summary, counted_total, lang, state.year, hidden)),
        ),
    )
    chart = part(
        "chart",
        lambda: figures.investment_figure(runtime.attributes, model, runtime.attributes[counted], state),
    )
    note = part("kpis", lambda: investment_note(summary, lang, figures.CHART_BARS))
    tables = part(
        "tables",
        lambda: (
            runtime.cached(
                ("distance-tables", state.rings, lang),
                lambda: plain(distance_tables(kaltim_report(runtime, state.rings), atlas, lang)),
            )
            if kaltim
            else []
        ),
    )
    detail = part(
        "detail",
        lambda: runtime.cached(
            ("detail", *keys["detail"]),
            lambda: plain(detail_parts(atlas, state, mask)),
        ),
    )
    legend = part(
        "legend",
        lambda: runtime.cached(
            ("legend", *keys["legend"]),
            lambda: plain(legend_parts(runtime, state, shown)),
        ),
    )
    return {
        "kpis": dict.fromkeys(KPI_IDS, no_update) if kpis is no_update else {k: kpis[k] for k in KPI_IDS},
        "chart": chart,
        "note": note,
        "detail": detail,
        "legend": legend,
        "kaltim_hidden": part("kaltim", lambda: not kaltim),
        "tables": tables,
        "drawn": now,
    }


def counting_scope(runtime: Runtime, state: ViewState) -> Any:
    """The zones the KPIs and the chart count: what the view is about (Kaltim's zones in the Kaltim
    view, a mask; True, every zone, otherwise)."""
    return kaltim_scope(runtime) if state.view == "kaltim" else True


def kpi_summary(runtime: Runtime, state: ViewState, mask: pd.Series) -> tuple[Summary, int, int]:
    """The KPI cards' figures for the zones ``mask`` shows: their summary, how many zones they are
    out of, and how many the chosen year hides for want of a known year (``kpi_children``'s
    arguments; assets/lazy/filter-eval.js computes the same from its index)."""
    scope = counting_scope(runtime, state)
    total = len(mask) if scope is True else int(scope.sum())
    return summarize(runtime.attributes[mask & scope]), total, hidden_by_year(runtime, state, scope)


def hidden_by_year(runtime: Runtime, state: ViewState, scope: Any = True) -> int:
    """How many zones the other filters (within ``scope``) show but the chosen year hides for want
    of a known year of establishment; 0 with no year."""
    if state.year is None:
        return 0
    others = with_changes(state, year=None).selection(runtime.attributes) & scope
    return unknown_year(runtime.attributes[others])


def outputs() -> dict[str, Any]:
    """Where each part of ``panel_outputs`` goes, by the same names."""
    return {
        "kpis": {kpi: Output(kpi, "children") for kpi in KPI_IDS},
        "chart": Output("investment-chart", "figure"),
        "note": Output("investment-note", "children"),
        "detail": Output("zone-detail", "children"),
        "legend": Output("map-legend", "children"),
        "kaltim_hidden": Output("kaltim-panel", "hidden"),
        "tables": Output("distance-table", "children"),
        "drawn": Output("panels-applied", "data"),
    }


def detail_pane() -> list[Any]:
    """The detail tab: the zone detail and the investment chart."""
    return [
        html.Div(
            [
                text("title-detail", html.H2, className="panel-title"),
                html.Div(id="zone-detail", **{"aria-live": "polite"}),
            ],
            className="panel",
        ),
        html.Div(
            [
                text("title-investment", html.H2, className="panel-title"),
                html.P(id="investment-note", className="muted small"),
                dcc.Graph(id="investment-chart", config=GRAPH_CONFIG),
            ],
            className="panel",
        ),
    ]


def national_pane() -> html.Div:
    """The national tab: the KEK series against the target, with its sources. Neither is on the
    first screen (issue 14): the chart comes with the time slider's first answer
    (features.timebar), the sources (``national_sources``) when the tab first opens (``register``);
    the language switch keeps both current."""
    return html.Div(
        [
            text("title-national", html.H2, className="panel-title"),
            dcc.Graph(id="national-chart", config=GRAPH_CONFIG),
            html.P(id="national-source", className="muted small"),
        ],
        className="panel",
    )


def register(app: Dash, live: LiveRuntime) -> None:
    """The national sources, rendered when the national tab first opens."""
    screen.render_on_first_open(
        app, "national", "national-source", lambda lang: national_sources(live.get().atlas, lang)
    )
