"""The Kaltim / IKN view's pane: the rings, the distance tables and the site comparison's controls."""

from __future__ import annotations

from typing import Any

from dash import dcc, html

from dashboard.i18n import format_km, format_number, t
from dashboard.widgets import data_table, dropdown_labels, field, text
from geodata import Atlas
from geodata.comparison import KALTIM_ESTATES
from geodata.scoring import CRITERIA, MAX_WEIGHT


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
    sites_table = data_table(
        t("kaltim.table", lang),
        (t(key, lang) for key in head),
        body,
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
    pairs_table = data_table(
        t("kaltim.pairs", lang),
        (t(f"kaltim.col.{k}", lang) for k in ("from", "to", "pair_straight", "pair_road")),
        pair_rows,
        className="data-table",
    )
    return [sites_table, pairs_table, html.P(t("kaltim.estimated_note", lang), className="muted small")]


def layout(options: dict[str, list[dict[str, Any]]], lang: str) -> list[Any]:
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
            text("title-comparison", html.H2, className="panel-title"),
            field(
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
            html.Fieldset([text("label-weights", html.Legend), weights]),
            # focusable: a table wider than the drawer scrolls inside it, also by keyboard
            html.Div(id="site-comparison", className="table-scroll", tabIndex="0", **{"aria-live": "polite"}),
        ],
        className="comparison",
    )
    rings = html.Div(
        [
            text("label-rings", html.Label, htmlFor="ring-distances"),
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
        text("pane-kaltim-hint", html.P, className="muted pane-hint"),
    ]
