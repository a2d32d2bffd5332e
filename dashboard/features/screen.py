"""The screen around the map: tool tabs, the collapsible control panel, presentation mode, <html lang>.

The map is the page; the filters sit in a panel that folds away, and the secondary tools (detail,
national chart, Kaltim, table, export, saved views, import) share one drawer of tabs (URL
``panel``). Presentation mode (URL ``present=1``) shows the saved view being presented: its title,
note and position. The layout fragments and callbacks of these live here together; the JavaScript
half is ``assets/screen.js``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dash import Dash, Input, Output, State, dcc, html, no_update

from dashboard.auth import view_owner
from dashboard.i18n import DEFAULT_LANGUAGE, LANGUAGES, t
from dashboard.state import PANELS, without_screen
from dashboard.widgets import radio_group, text
from geodata.savedviews import SavedView, SavedViewStore


def tool_tab_options(lang: str) -> list[dict[str, str]]:
    """The labels of the tool tabs in a language."""
    return [{"label": t(f"panel.{name}", lang), "value": name} for name in PANELS]


def drawer(panes: dict[str, list[Any]], footer: Any) -> html.Aside:
    """The tool tabs (a native radio group: Tab reaches it, arrow keys switch) and their panes; only
    the open pane is shown (``screen.showPane``)."""
    lang = DEFAULT_LANGUAGE
    return html.Aside(
        [
            html.Fieldset(
                [
                    html.Legend(t("screen.tools", lang), id="label-tools", className="visually-hidden"),
                    dcc.RadioItems(
                        id="tool-tabs",
                        options=tool_tab_options(lang),
                        value=PANELS[0],
                        inline=True,
                        className="tool-tabs",
                    ),
                ],
                className="tool-nav",
            ),
            *(
                html.Div(children, id=f"pane-{name}", className="pane", hidden=name != PANELS[0])
                for name, children in panes.items()
            ),
            footer,
        ],
        className="side drawer",
        id="tools",
    )


def render_on_first_open(app: Dash, panel: str, container: str, render: Callable[[str], Any]) -> None:
    """Fill ``container`` with ``render(language)`` when the tool tab ``panel`` first opens: a part of
    a pane that is not on the first screen, whose script (dcc.Upload's, 8.6 kB gzip) then loads with
    it rather than with the first page (issue 14). A URL naming the tab (``panel``) sets the tab
    after the page loads, so it renders the part too. The part's ids are in the validation layout
    (dashboard.factory.lazy_components)."""

    @app.callback(
        Output(container, "children"),
        Input("tool-tabs", "value"),
        State(container, "children"),
        State("lang-toggle", "value"),
        prevent_initial_call=True,  # the page opens on the first tab
    )
    def _render(tab: Any, shown: Any, lang: Any) -> Any:
        if tab != panel or shown:
            return no_update
        return render(lang if lang in LANGUAGES else DEFAULT_LANGUAGE)


def controls_toggle() -> html.Button:
    """The button that folds the control panel away (and back), giving the map the room."""
    return html.Button(
        t("screen.controls", DEFAULT_LANGUAGE),
        id="controls-toggle",
        type="button",
        className="button",
        n_clicks=0,
        **{"aria-expanded": "true", "aria-controls": "controls-panel"},
    )


def presented_view(views: list[SavedView], search: Any) -> tuple[int, SavedView] | None:
    """The saved view on screen (its position and itself): the one whose URL state equals the
    page's, whatever the camera, presentation flag or open tab."""
    current = without_screen(search if isinstance(search, str) else "")
    for position, view in enumerate(views):
        if without_screen(view.query) == current:
            return position, view
    return None


def caption_children(views: list[SavedView], search: Any, lang: Any) -> list[Any]:
    """Presentation mode's caption: the saved view's title, note and position ("2/5"); empty when
    the screen shows no saved view."""
    lang = lang if lang in LANGUAGES else DEFAULT_LANGUAGE
    found = presented_view(views, search)
    if found is None:
        return []
    position, view = found
    return [
        html.Strong(view.title, className="caption-title"),
        html.Span(
            f"{position + 1}/{len(views)}",
            className="caption-position",
            title=t("present.position", lang, i=position + 1, n=len(views)),
        ),
        html.P(view.note, className="caption-note") if view.note else None,
    ]


def step_query(views: list[SavedView], search: Any, step: int, presenting: bool) -> str | None:
    """The URL of the saved view ``step`` places from the one on screen (the first or last when
    none is), still presenting when the page is; None when there is nowhere to go."""
    if not views:
        return None
    found = presented_view(views, search)
    position = found[0] if found else (-1 if step > 0 else len(views))
    target = views[min(max(position + step, 0), len(views) - 1)]
    query = without_screen(target.query, ("present", "panel"))  # with the view's own framing
    if presenting:
        query = f"{query}&present=1" if query else "?present=1"
    return None if found and target == found[1] else query


def register(app: Dash, views: SavedViewStore) -> None:
    """The screen's callbacks: the open pane, the control panel, presentation, caption and <html lang>."""
    app.clientside_callback(
        "window.dash_clientside.screen.setLanguage",
        Input("lang-toggle", "value"),
    )
    app.clientside_callback(
        "window.dash_clientside.screen.showPane",
        *(Output(f"pane-{name}", "hidden") for name in PANELS),
        Input("tool-tabs", "value"),
    )
    app.clientside_callback(
        "window.dash_clientside.screen.toggleControls",
        Output("app-root", "className"),
        Output("controls-toggle", "aria-expanded"),
        Input("controls-toggle", "n_clicks"),
        prevent_initial_call=True,
    )
    app.clientside_callback(
        "window.dash_clientside.screen.present",
        Output("presentation-toggle", "aria-pressed"),
        Input("view-state", "data"),
    )

    @app.callback(
        Output("present-caption", "children"),
        Input("url", "search"),
        Input("saved-views", "children"),
        Input("lang-toggle", "value"),
    )
    def _caption(search: Any, _list: Any, lang: Any) -> list[Any]:
        return caption_children(views.list(view_owner()), search, lang)


def header(options: dict[str, list[dict[str, Any]]], lang: str) -> html.Header:
    """Title, the view switch, the language, presentation mode and the control panel's fold button."""
    return html.Header(
        [
            html.Div(
                [html.H1(t("app.title", lang), id="app-title"), text("app-subtitle", html.P)],
                className="brand",
            ),
            # The view switch is a native radio group: reachable with Tab, switched with the arrow
            # keys, announced by screen readers (Dash's own Tabs render unlabelled divs).
            html.Nav(
                html.Fieldset(
                    [
                        text("label-view", html.Legend, className="visually-hidden"),
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
                    radio_group(
                        "label-lang",
                        "lang-toggle",
                        [{"label": "Bahasa Indonesia", "value": "id"}, {"label": "English", "value": "en"}],
                        lang,
                    ),
                    controls_toggle(),
                    text(
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
