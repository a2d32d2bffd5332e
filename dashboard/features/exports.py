"""The export tab: what to export, at which size, and the buttons (the files are made by
dashboard.exports, PNG and PDF as background jobs: dashboard.jobs).
"""

from __future__ import annotations

import json
from typing import Any

from dash import Dash, dcc, html

from dashboard.i18n import LANGUAGES, t
from dashboard.jobs import job_controls, register_jobs
from dashboard.runtime import LiveRuntime
from dashboard.widgets import text

SCRIPT_TEXTS = ("working", "done", "failed")  # export.<key> of dashboard.i18n, for assets/exports.js


def layout(options: dict[str, list[dict[str, Any]]]) -> html.Section:
    """The export tab: target, size, one button per format, and the job's progress and cancel."""
    buttons = [
        text(button_id, html.Button, type="button", className="button", **{"data-export": kind})
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
            text("title-export", html.H2, className="panel-title"),
            html.Fieldset(
                [
                    text("label-export-target", html.Legend),
                    dcc.RadioItems(id="export-target", options=options["export-target"], value="map"),
                ]
            ),
            html.Fieldset(
                [
                    text("label-export-size", html.Legend),
                    dcc.RadioItems(id="export-size", options=options["export-size"], value="projector"),
                ]
            ),
            html.Div(buttons, className="button-row"),
            html.Div(
                [
                    *job_controls(),
                    text("export-cancel", html.Button, type="button", className="button", hidden=True),
                ],
                className="export-job",
            ),
            html.Div(id="export-status", className="status", role="status", **{"aria-live": "polite"}),
            # what assets/exports.js says while a table file downloads, in both languages
            html.Div(
                id="export-texts",
                hidden=True,
                **{
                    f"data-{lang}": json.dumps({key: t(f"export.{key}", lang) for key in SCRIPT_TEXTS})
                    for lang in LANGUAGES
                },
            ),
        ],
        className="panel tools",
        id="export-panel",
    )


def register(app: Dash, live: LiveRuntime) -> None:
    """The export job's callback (PNG and PDF beside the web workers; the table files are plain
    downloads: dashboard.routes)."""
    register_jobs(app, live)
