"""The export tab: what to export, at which size, and the buttons (the files are made by
dashboard.exports, PNG and PDF as background jobs: dashboard.jobs).
"""

from __future__ import annotations

from typing import Any

from dash import dcc, html

from dashboard.jobs import job_controls
from dashboard.widgets import (
    _text,
)


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
