"""Pure HTML builders for the panels: KPI cards, zone detail, legend and the Kaltim distance tables."""

from __future__ import annotations

from typing import Any

import pandas as pd
from dash import dcc, html
from dash.development.base_component import Component

from dashboard.i18n import format_hectares, format_idr_trillion, format_km, format_number, t
from dashboard.mapmodel import KIND_COLORS, PLACE_COLORS, MapModel
from dashboard.state import ViewState
from geodata import Atlas
from geodata.footprints import OFFICIAL
from geodata.query import Summary, Total
from geodata.savedviews import may_change
from geodata.scoring import CRITERIA


def plain(value: Any) -> Any:
    """The JSON-ready form Dash sends for a component tree: components as their
    {props, type, namespace} dicts, tuples as lists.

    A callback result made only of plain JSON types is encoded by orjson in one pass; a single
    component anywhere sends the whole response through Plotly's slow cleaning walk instead."""
    if isinstance(value, Component):
        value = value.to_plotly_json()
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    return value


def _reporting(total: Total, lang: str) -> str:
    return t("kpi.reporting", lang, n=total.reporting, m=total.of)


KPI_IDS = ("kpi-zones", "kpi-investment", "kpi-workforce", "kpi-area")


def kpi_children(
    summary: Summary, total_zones: int, lang: str, year: int | None = None, unknown_year: int = 0
) -> dict[str, list[Any]]:
    """Children of the four KPI cards; each total says how many zones report it, and with a
    ``year`` the zone count says how many zones of unknown year it leaves out."""

    def total(value: Total, text: str) -> str:
        return text if value.reporting else "–"  # nobody reports it: not zero, unknown

    def card(label: str, value: str, note: str) -> list[Any]:
        return [
            html.Div(label, className="kpi-label"),
            html.Div(value, className="kpi-value"),
            html.Div(note, className="kpi-note"),
        ]

    return {
        "kpi-zones": card(
            t("kpi.zones", lang),
            format_number(summary.zones, lang),
            t("kpi.of_total", lang, m=total_zones)
            + ("" if year is None else "; " + t("year.kpi", lang, n=format_number(unknown_year, lang))),
        ),
        "kpi-investment": card(
            t("kpi.investment", lang),
            total(
                summary.investment_idr_trillion,
                format_idr_trillion(summary.investment_idr_trillion.value, lang),
            ),
            _reporting(summary.investment_idr_trillion, lang),
        ),
        "kpi-workforce": card(
            t("kpi.workforce", lang),
            total(summary.workforce, format_number(summary.workforce.value, lang)),
            _reporting(summary.workforce, lang),
        ),
        "kpi-area": card(
            t("kpi.area", lang),
            total(summary.area_ha, format_hectares(summary.area_ha.value, lang)),
            _reporting(summary.area_ha, lang),
        ),
    }


def _source_items(sources: tuple[str, ...] | None) -> list[Any]:
    items = []
    for source in sources or ():
        if source.startswith(("http://", "https://")):
            items.append(html.Li(html.A(source, href=source, target="_blank", rel="noopener noreferrer")))
        else:
            items.append(html.Li(source))
    return items


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
    items += [html.Dt(t("field.sources", lang)), html.Dd(html.Ul(_source_items(zone["sources"])))]
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
                entries.append(_swatch(color, t("kind." + kind, lang)))
    else:
        present = set(shown["primary_sector"])
        for sector in model.sector_order:
            if sector in present:
                entries.append(
                    _swatch(model.sector_colors[sector], atlas.sectors.at[sector, f"label_{lang}"])
                )
    entries += [
        _swatch("#999999", t("legend.footprint.official", lang), shape="official"),
        _swatch("#999999", t("legend.footprint.imported", lang), shape="imported"),
        _swatch("#999999", t("legend.footprint.indicative", lang), shape="indicative"),
    ]
    if state.view == "kaltim":
        entries += [
            _swatch(PLACE_COLORS["capital"], t("legend.ikn", lang)),
            _swatch("#b2182b", t("legend.ring", lang), shape="ring"),
            _swatch("#7f3b08", t("legend.road", lang), shape="line"),
            _swatch("#e08214", t("legend.road.estimated", lang), shape="line"),
            _swatch(PLACE_COLORS["port"], "Pelabuhan / port" if lang == "id" else "Port"),
            _swatch(PLACE_COLORS["airport"], "Bandara / airport" if lang == "id" else "Airport"),
            _swatch(PLACE_COLORS["city"], "Kota / city" if lang == "id" else "City"),
        ]
    for info, _ in overlays:
        entries.append(
            _swatch(info.colour, f"{info.name} ({info.source_file}, {info.imported_at}, {info.features})")
        )
    entries.append(html.Li(t("legend.provinces", lang), className="legend-note"))
    return [
        html.H2(t("legend.title", lang), className="panel-title"),
        html.Ul(entries, className="legend-list"),
    ]


def _swatch(color: str, label: str, shape: str = "dot") -> Any:
    return html.Li(
        [html.Span(className=f"swatch swatch-{shape}", style={"--swatch": color}), html.Span(label)]
    )


def _km_cell(value: float | None, estimated: bool | None, lang: str, missing_key: str) -> str:
    if value is None:
        return t(missing_key, lang)
    return format_km(value, lang) + ("*" if estimated else "")


def distance_tables(report: dict[str, Any], atlas: Atlas, lang: str) -> list[Any]:
    """The Kaltim distance tables, straight from ``geodata.connectivity.kaltim_analysis``."""
    names = {**atlas.zones["name"].to_dict(), **atlas.places["name"].to_dict()}
    head = [
        "kaltim.col.zone", "kaltim.col.straight", "kaltim.col.road", "kaltim.col.ring",
        "kaltim.col.port", "kaltim.col.airport",
    ]  # fmt: skip
    body = []
    for site in report["sites"]:
        port, airport = site["nearest_port"], site["nearest_airport"]
        ring = site["within_ring_km"]
        body.append(
            html.Tr(
                [
                    html.Th(site["name"], scope="row"),
                    html.Td(
                        format_km(site["straight_km_to_ikn"], lang), **{"data-km": site["straight_km_to_ikn"]}
                    ),
                    html.Td(
                        _km_cell(site["road_km_to_ikn"], site["road_km_estimated"], lang, "kaltim.no_road"),
                        **{"data-km": site["road_km_to_ikn"]},
                    ),
                    html.Td(
                        format_number(ring, lang) if ring is not None else t("kaltim.outside", lang),
                        **{"data-ring": ring},
                    ),
                    html.Td(f"{port['name']} ({format_km(port['km'], lang)})" if port else "–"),
                    html.Td(f"{airport['name']} ({format_km(airport['km'], lang)})" if airport else "–"),
                ],
                **{"data-zone": site["id"]},
            )
        )
    sites_table = html.Table(
        [
            html.Caption(t("kaltim.table", lang)),
            html.Thead(html.Tr([html.Th(t(key, lang), scope="col") for key in head])),
            html.Tbody(body),
        ],
        className="data-table",
        id="distance-table-sites",
    )
    pair_rows = [
        html.Tr(
            [
                html.Td(names.get(pair["from"], pair["from"])),
                html.Td(names.get(pair["to"], pair["to"])),
                html.Td(format_km(pair["straight_km"], lang)),
                html.Td(_km_cell(pair["road_km"], pair["road_km_estimated"], lang, "kaltim.no_road")),
            ]
        )
        for pair in report["pairs"]
    ]
    pairs_table = html.Table(
        [
            html.Caption(t("kaltim.pairs", lang)),
            html.Thead(
                html.Tr(
                    [
                        html.Th(t(k, lang), scope="col")
                        for k in (
                            "kaltim.col.from",
                            "kaltim.col.to",
                            "kaltim.col.pair_straight",
                            "kaltim.col.pair_road",
                        )
                    ]
                )
            ),
            html.Tbody(pair_rows),
        ],
        className="data-table",
    )
    return [sites_table, pairs_table, html.P(t("kaltim.estimated_note", lang), className="muted small")]


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


def zone_table_children(atlas: Atlas, table: pd.DataFrame, lang: str) -> list[Any]:
    """The filtered zones as an HTML table: the same rows and columns the CSV/Excel/GeoJSON exports write."""
    header = html.Thead(html.Tr([html.Th(column, scope="col") for column in table.columns]))
    rows = []
    for record in table.itertuples(index=False):
        cells = []
        for column, value in zip(table.columns, record, strict=True):
            if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
                text = ""
            elif column in ("area_ha", "measured_area_ha", "investment_idr_trillion", "lon", "lat"):
                text = format_number(float(value), lang, 5 if column in ("lon", "lat") else 2)
            elif column == "workforce":
                text = format_number(int(value), lang)
            else:
                text = str(value)
            cells.append(html.Td(text))
        rows.append(html.Tr(cells))
    return [html.Table([header, html.Tbody(rows)], className="data-table compact", id="zone-table-grid")]


def comparison_children(
    atlas: Atlas,
    sites: list[str],
    values: dict,
    ranked: list,
    report: list,
    weights: dict[str, float],
    lang: str,
) -> list[Any]:
    """The ranked comparison table (raw value and 0..1 score per criterion), its formula, and sensitivity."""
    missing = t("compare.missing", lang)
    head = [
        t("compare.rank", lang),
        t("compare.site", lang),
        t("compare.score", lang),
        t("compare.coverage", lang),
    ]
    head += [
        f"{t('criterion.' + c.id, lang)} ({t('compare.better.high' if c.higher_is_better else 'compare.better.low', lang)})"
        for c in CRITERIA
    ]
    rows = []
    for item in ranked:
        cells = [
            html.Td(str(item.rank) if item.rank is not None else missing),
            html.Th(atlas.zones.at[item.site, "name"], scope="row"),
            html.Td(
                format_number(item.score, lang, 3) if item.score is not None else missing,
                **{"data-score": item.score},
            ),
            html.Td(f"{format_number(item.coverage * 100, lang, 0)} %"),
        ]
        for criterion in CRITERIA:
            raw = values[item.site].get(criterion.id)
            scaled = item.normalised.get(criterion.id)
            if raw is None:
                cells.append(html.Td(missing, className="missing", title=missing))
            else:
                score = f" → {format_number(scaled, lang, 2)}" if scaled is not None else ""
                cells.append(html.Td(f"{format_number(raw, lang, 1)}{score}"))
        rows.append(html.Tr(cells, **{"data-site": item.site, "data-rank": item.rank}))
    table = html.Table(
        [html.Thead(html.Tr([html.Th(h, scope="col") for h in head])), html.Tbody(rows)],
        className="data-table compact",
        id="comparison-table",
    )
    sensitivity_rows = []
    for entry in report:
        changes = _ranges(entry.changes_at, lang) if entry.changes_at else t("compare.sensitivity.none", lang)
        leaders = ", ".join(atlas.zones.at[s, "name"] for s in entry.new_leaders) or "–"
        sensitivity_rows.append(
            html.Tr(
                [
                    html.Th(t("criterion." + entry.criterion, lang), scope="row"),
                    html.Td(format_number(weights.get(entry.criterion, 0.0), lang, 1)),
                    html.Td(changes),
                    html.Td(leaders),
                ],
                **{"data-criterion": entry.criterion},
            )
        )
    sensitivity_table = html.Table(
        [
            html.Caption(t("compare.sensitivity", lang)),
            html.Thead(
                html.Tr(
                    [
                        html.Th(t(k, lang), scope="col")
                        for k in (
                            "compare.sensitivity.criterion",
                            "compare.sensitivity.weight",
                            "compare.sensitivity.changes",
                            "compare.sensitivity.leaders",
                        )
                    ]
                )
            ),
            html.Tbody(sensitivity_rows),
        ],
        className="data-table compact",
        id="sensitivity-table",
    )
    return [
        html.Div(table, className="table-scroll"),
        html.P(t("compare.formula", lang), className="formula small", id="comparison-formula"),
        html.Div(sensitivity_table, className="table-scroll"),
    ]


def _ranges(weights: tuple[float, ...], lang: str, step: float = 0.5) -> str:
    """0, 0.5, 1, 6.5, 7 -> '0-1, 6.5-7': the weight ranges in which the ranking differs."""
    spans: list[list[float]] = []
    for weight in weights:
        if spans and abs(weight - spans[-1][1] - step) < 1e-9:
            spans[-1][1] = weight
        else:
            spans.append([weight, weight])
    return ", ".join(
        format_number(a, lang, 1) if a == b else f"{format_number(a, lang, 1)}–{format_number(b, lang, 1)}"
        for a, b in spans
    )


def saved_views_children(views: list, lang: str, actor: str | None = None, editor: bool = True) -> list[Any]:
    """The saved views as a list with open, rename, reorder and delete controls for each view the
    user may change; with a login (``actor`` set) each also shows its owner and whether the office
    sees it, and an editor may share their own or make it personal again."""
    if not views:
        return [html.Li(t("saved.empty", lang), className="muted")]
    items = []
    for position, view in enumerate(views):
        items.append(
            html.Li(
                [
                    html.Button(
                        view.title,
                        id={"type": "saved-open", "index": view.id},
                        className="link-button",
                        title=t("saved.open", lang),
                        n_clicks=0,
                    ),
                    None if actor is None else _saved_owner(view, lang),
                    html.Span(view.note, className="muted small") if view.note else None,
                    _saved_actions(view, lang, position == 0, position == len(views) - 1, actor, editor)
                    if may_change(view, actor, editor)
                    else None,
                ],
                **{"data-view": view.id, "data-query": view.query, "data-shared": str(view.shared).lower()},
            )
        )
    return items


def _saved_owner(view: Any, lang: str) -> html.Span:
    """Whose view it is and whether the office sees it (a view from before login is the office's)."""
    shared = view.shared or view.owner is None
    badge = t("saved.badge_shared" if shared else "saved.badge_personal", lang)
    return html.Span(
        [
            t("saved.by", lang, name=view.owner or t("saved.office", lang)),
            " ",
            html.Span(badge, className="badge shared" if shared else "badge"),
        ],
        className="muted small saved-owner",
    )


def _saved_actions(
    view: Any, lang: str, first: bool, last: bool, actor: str | None, editor: bool
) -> html.Div:
    """Rename, move, delete and (an editor's own view, with a login) share or unshare."""
    share = actor is not None and editor and view.owner == actor
    return html.Div(
        [
            html.Label(
                [
                    html.Span(f"{t('saved.rename', lang)}: {view.title}", className="visually-hidden"),
                    dcc.Input(
                        id={"type": "saved-edit", "index": view.id},
                        value=view.title,
                        type="text",
                        maxLength=120,
                    ),
                ],
                className="inline-label",
            ),
            _action("saved-rename", view.id, "saved.rename", lang),
            _action("saved-up", view.id, "saved.up", lang, disabled=first),
            _action("saved-down", view.id, "saved.down", lang, disabled=last),
            _action("saved-delete", view.id, "saved.delete", lang),
            _action("saved-share", view.id, "saved.unshare" if view.shared else "saved.share", lang)
            if share
            else None,
        ],
        className="saved-actions",
    )


def _action(kind: str, view_id: str, key: str, lang: str, disabled: bool = False) -> Any:
    return html.Button(
        t(key, lang),
        id={"type": kind, "index": view_id},
        className="small-button",
        n_clicks=0,
        disabled=disabled,
    )
