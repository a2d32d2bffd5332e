"""The time slider (URL ``year``): the atlas as it stood in a year, and a play button that steps
through the years for a room.

A zone stands in a year when it was established (PP, decree or licence) in it or before
(``geodata.query.standing_in``); the year goes through ``ViewState.selection`` like every other
filter, so the map, KPIs, charts, legend, table and exports follow it. Zones of unknown year are
hidden while a year is chosen (the KPI card counts them); facilities have no year and stay. The
national chart stops at the year. The play button and its timer run in the browser
(``assets/year.js``): the timer is disabled whenever nothing plays, so nothing polls.
"""

from __future__ import annotations

from typing import Any

from dash import Dash, Input, Output, State, dcc, html, no_update

from dashboard import figures
from dashboard.i18n import DEFAULT_LANGUAGE, LANGUAGES, format_number, t
from dashboard.runtime import LiveRuntime, Runtime
from geodata.query import unknown_year

STEP_MS = 1500  # one year on screen while playing: long enough to read the map and the KPIs
MARK_GAP = 8  # years a decade mark keeps from the slider's ends, so that labels never overlap
# id of a text element -> its i18n key (merged into layout.TEXT_ELEMENTS: the language switch sets them)
TEXT_ELEMENTS: dict[str, str] = {
    "label-year": "year.label",
    "year-play-start": "year.play",
    "year-play-pause": "year.pause",
    "year-clear": "year.clear",
}


def year_marks(first: int, last: int) -> dict[int, str]:
    """Slider marks a projector can show: both ends and the decades between that keep their distance."""
    decades = range((first // 10 + 1) * 10, last, 10)
    inner = [y for y in decades if y - first >= MARK_GAP and last - y >= MARK_GAP]
    return {year: str(year) for year in (first, *inner, last)}


def timebar(years: tuple[int, int]) -> html.Section:
    """The slider under the map: its label and the year shown, the play and clear buttons, a note
    on what a year hides, and the play timer (disabled until play is pressed)."""
    first, last = years
    lang = DEFAULT_LANGUAGE
    return html.Section(
        [
            html.Div(
                [
                    # names the slider's thumb too (assets/year.js: the Slider takes no aria label)
                    html.Span(t("year.label", lang), id="label-year", className="year-label"),
                    html.Output(t("year.all", lang), id="year-value", className="year-value"),
                    html.Button(
                        [
                            html.Span(t("year.play", lang), id="year-play-start", className="when-paused"),
                            html.Span(t("year.pause", lang), id="year-play-pause", className="when-playing"),
                        ],
                        id="year-play",
                        type="button",
                        className="button button-strong",
                        n_clicks=0,
                        **{"aria-pressed": "false"},
                    ),
                    html.Button(
                        t("year.clear", lang),
                        id="year-clear",
                        type="button",
                        className="button",
                        n_clicks=0,
                        hidden=True,
                    ),
                ],
                className="year-head",
            ),
            dcc.Slider(
                id="year-slider",
                min=first,
                max=last,
                step=1,
                value=last,
                marks=year_marks(first, last),
                allow_direct_input=False,
                updatemode="mouseup",
                className="year-slider",
            ),
            html.P(id="year-note", className="muted small year-note"),
            dcc.Interval(id="year-interval", interval=STEP_MS, disabled=True),
            dcc.Store(id="year-state"),
        ],
        id="timebar",
        className="timebar panel",
        **{"aria-labelledby": "label-year"},
    )


def badge() -> html.Div:
    """The year over the map, large in presentation mode; empty (hidden) with no year chosen."""
    return html.Div(id="year-badge", className="year-badge", **{"aria-hidden": "true"})


def year_outputs(runtime: Runtime, year_state: Any, panel: Any = "national") -> dict[str, Any]:
    """What shows the year: the slider's value text, the map's badge, the note, whether the clear
    button shows, and the national chart cut at the year (built once per language and year) while
    its tab (``panel``) is open: it is not on the first screen (issue 14), and opening the tab
    asks again."""
    data = year_state if isinstance(year_state, dict) else {}
    lang = data.get("lang") if data.get("lang") in LANGUAGES else DEFAULT_LANGUAGE
    year = data.get("year")
    year = year if isinstance(year, int) and not isinstance(year, bool) else None
    label = t("year.all", lang) if year is None else str(year)
    unknown = runtime.cached(("unknown-year",), lambda: unknown_year(runtime.attributes))
    return {
        "value": label,
        "badge": "" if year is None else str(year),
        "note": "" if year is None else t("year.note", lang, n=format_number(unknown, lang)),
        "clear": year is None,
        "national": runtime.cached(
            ("national-figure", lang, year), lambda: figures.national_figure(runtime.atlas, lang, year)
        )
        if panel == "national"
        else no_update,
    }


def register(app: Dash, live: LiveRuntime) -> None:
    """The slider's callbacks: its year and language from the state (only when they change), what
    shows them, and play/pause."""
    app.clientside_callback(
        "window.dash_clientside.year.follow",
        Output("year-state", "data"),
        Input("view-state", "data"),
        State("year-state", "data"),
    )

    @app.callback(
        output={
            "value": Output("year-value", "children"),
            "badge": Output("year-badge", "children"),
            "note": Output("year-note", "children"),
            "clear": Output("year-clear", "hidden"),
            "national": Output("national-chart", "figure"),
        },
        inputs={"year_state": Input("year-state", "data"), "panel": Input("tool-tabs", "value")},
    )
    def _year(year_state: Any, panel: Any) -> dict[str, Any]:
        return year_outputs(live.get(), year_state, panel)

    app.clientside_callback(
        "window.dash_clientside.year.play",
        Output("year-slider", "value", allow_duplicate=True),
        Output("year-interval", "disabled"),
        Output("year-play", "aria-pressed"),
        Input("year-play", "n_clicks"),
        Input("year-interval", "n_intervals"),
        State("year-slider", "value"),
        State("year-slider", "min"),
        State("year-slider", "max"),
        State("year-interval", "disabled"),
        prevent_initial_call=True,
    )
