"""The Kaltim / IKN view's pane: the rings, the distance tables and the site comparison's controls."""

from __future__ import annotations

from typing import Any

from dash import html

from dashboard.i18n import (
    format_km,
    format_number,
    t,
)
from geodata import Atlas


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
