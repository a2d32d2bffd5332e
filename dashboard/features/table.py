"""The zone table tab: rendered only while it is open."""

from __future__ import annotations

from typing import Any

import pandas as pd
from dash import Dash, Input, Output, html

from dashboard.i18n import format_number
from dashboard.runtime import LiveRuntime, Runtime
from dashboard.state import ViewState
from dashboard.widgets import table_head, text
from geodata import Atlas
from geodata.export import zone_table


def zone_table_outputs(runtime: Runtime, stored: Any, is_open: Any) -> list[Any]:
    """The zone table, rendered only while its panel is open (36+ rows of HTML cost the browser
    seconds per filter; bench/RESULTS.md)."""
    if not is_open:
        return []
    state = ViewState.from_dict(stored, runtime.vocabulary)
    atlas = runtime.atlas
    mask = state.selection(atlas.zones)
    return zone_table_children(atlas, zone_table(atlas, mask), state.lang)


def zone_table_children(atlas: Atlas, table: pd.DataFrame, lang: str) -> list[Any]:
    """The filtered zones as an HTML table: the same rows and columns the CSV/Excel/GeoJSON exports write."""
    header = table_head(table.columns)
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


def register(app: Dash, live: LiveRuntime) -> None:
    """The table's callbacks: open or closed, and its rows."""

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


def layout() -> html.Section:
    """The table tab: its toggle (the rows are rendered only while it is open) and the table."""
    return html.Section(
        [
            text(
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
