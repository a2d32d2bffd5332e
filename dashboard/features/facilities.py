"""The facilities layer's legend entry and the zone detail's "facilities within R km" block."""

from __future__ import annotations

from typing import Any

import pandas as pd
from dash import dcc, html

from dashboard.facilitymap import FacilityLayer
from dashboard.i18n import format_km, format_number, t
from dashboard.state import MAX_RADIUS_KM, ViewState
from dashboard.widgets import field, swatch
from geodata import Atlas
from geodata.facilities import DEFAULT_RADIUS_KM, facilities_near, sector_counts, select_facilities

NEAREST = 5


def legend_block(atlas: Atlas, layer: FacilityLayer | None, state: ViewState) -> list[Any]:
    """The legend's facilities entry (count shown) and the sectors of the shown plants with counts."""
    if not state.facilities or layer is None:
        return []
    lang = state.lang
    shown = layer.sectors[layer.mask(state)]
    counts = sector_counts(pd.DataFrame({"sector": shown}))
    colors = dict(zip(layer.sectors, layer.colors, strict=True))
    label = f"{t('facilities.legend', lang)} ({format_number(len(shown), lang)})"
    return [
        html.Div(
            [
                html.H3(label, className="panel-title"),
                html.Ul(
                    [
                        swatch(
                            colors[s], f"{atlas.sectors.at[s, f'label_{lang}']} ({format_number(n, lang)})"
                        )
                        for s, n in counts.items()
                    ],
                    className="legend-list",
                ),
            ],
            id="legend-facilities",
        )
    ]


def near_children(atlas: Atlas, state: ViewState) -> list[Any]:
    """The zone detail's "facilities within R km": counts by sector beside the national total of
    each sector, and the nearest few by name and km (geodesic). Only the filter's sectors if any."""
    if not state.zone or state.zone not in atlas.zones.index:
        return []
    lang = state.lang
    zone = atlas.zones.loc[state.zone]
    plants = atlas.facilities[select_facilities(atlas.facilities, state.sector)]
    near = facilities_near(plants, float(zone["lon"]), float(zone["lat"]), state.radius)
    km = format_number(state.radius, lang, 0 if float(state.radius).is_integer() else 1)
    names = {"km": km, "zone": zone["name"]}
    items: list[Any] = [html.H4(t("facilities.near.title", lang, km=km))]
    if state.sector:
        items.append(html.P(t("facilities.near.filtered", lang), className="muted"))
    if near.empty:
        items.append(html.P(t("facilities.near.none", lang, **names), id="facilities-near-total"))
        return [html.Section(items, id="facilities-near", className="facilities-near")]
    national = sector_counts(plants)
    items.append(
        html.P(
            t("facilities.near.total", lang, n=format_number(len(near), lang), **names),
            id="facilities-near-total",
        )
    )
    items.append(
        html.Ul(
            [
                html.Li(
                    t(
                        "facilities.near.sector", lang, sector=atlas.sectors.at[sector, f"label_{lang}"],
                        total=format_number(national[sector], lang), n=format_number(n, lang), **names,
                    ),
                    id=f"facilities-near-{sector}",
                )
                for sector, n in sector_counts(near).items()
            ]
        )
    )  # fmt: skip
    nearest = near.head(NEAREST)
    items += [
        html.H5(t("facilities.near.nearest", lang)),
        html.Ol(
            [
                html.Li(f"{name} – {atlas.sectors.at[sector, f'label_{lang}']} – {format_km(dist, lang)} km")
                for name, sector, dist in zip(nearest["name"], nearest["sector"], nearest["km"], strict=True)
            ]
        ),
        html.P(t("facilities.source", lang), className="muted"),
    ]
    return [html.Section(items, id="facilities-near", className="facilities-near")]


def controls(options: dict[str, list[dict[str, Any]]]) -> list[Any]:
    """The facilities layer's switch (URL ``facilities=1``) and the detail panel's radius (``radius``)."""
    return [
        dcc.Checklist(id="facilities-toggle", options=options["facilities-toggle"], value=[]),
        field(
            "label-facility-radius",
            dcc.Input(
                id="facility-radius", type="number", min=1, max=MAX_RADIUS_KM, step=1,
                value=DEFAULT_RADIUS_KM, debounce=True, inputMode="decimal",
            ),
        ),
    ]  # fmt: skip
