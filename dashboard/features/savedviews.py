"""Saved views: save, rename, reorder, delete with undo, open, step through (presentation) and
their JSON file.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import asdict
from typing import Any

from dash import ALL, Dash, Input, Output, State, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate

from dashboard.features import screen
from dashboard.i18n import LANGUAGES, t
from dashboard.state import without_screen
from dashboard.widgets import text
from geodata.savedviews import SavedViewError, SavedViewStore


def saved_views_outputs(
    views: SavedViewStore,
    trigger: Any,
    lang: Any,
    title: Any,
    note: Any,
    query: Any,
    edits: Any,
    upload: Any,
    undo: Any = None,
) -> dict[str, Any]:
    """Apply one saved-view action (save, rename, move, delete, undo, import); return the outputs by
    name: the list (views), message, title box and the deleted view kept for undo."""
    lang = lang if lang in LANGUAGES else "id"
    message: Any = None
    clear_title: Any = no_update
    deleted: Any = no_update
    try:
        if trigger == "save-view":
            # saved without the presentation flag and the open tab: a view, not a screen
            kept = without_screen(query if isinstance(query, str) else "", ("present", "panel"))
            view = views.add(title or "", note or "", kept)
            message, clear_title = t("saved.saved", lang, title=view.title), ""
        elif trigger == "saved-undo":
            view, position = views.from_record(undo)
            views.restore(view, position)
            message, deleted = t("saved.restored", lang, title=view.title), None
        elif trigger == "saved-import" and isinstance(upload, str):
            count = views.import_bytes(_decode_upload(upload))
            message = t("saved.imported", lang, n=count)
        elif isinstance(trigger, dict):
            view_id = str(trigger.get("index"))
            action = trigger.get("type")
            if action == "saved-rename":
                new_titles = {e["id"]["index"]: e.get("value") for e in edits or [] if isinstance(e, dict)}
                views.rename(view_id, str(new_titles.get(view_id) or ""))
            elif action in ("saved-up", "saved-down"):
                views.move(view_id, -1 if action == "saved-up" else 1)
            elif action == "saved-delete":
                view, position = views.delete(view_id)
                deleted = {"view": asdict(view), "position": position}
                message = [
                    t("saved.deleted", lang, title=view.title),
                    " ",
                    html.Button(
                        t("saved.undo", lang),
                        id={"type": "saved-undo-click", "index": view.id},
                        className="small-button",
                        n_clicks=0,
                    ),
                ]
    except SavedViewError as exc:
        message = t("saved.error", lang, error=str(exc))
    return {
        "views": saved_views_children(views.list(), lang),
        "message": message,
        "title": clear_title,
        "undo": deleted,
    }


def _decode_upload(contents: str) -> bytes:
    """The bytes of a dcc.Upload 'data:...;base64,...' string (refused when malformed)."""
    try:
        return base64.b64decode(contents.split(",", 1)[1], validate=True)
    except (IndexError, ValueError, binascii.Error):
        raise SavedViewError("the upload could not be read") from None


def saved_views_children(views: list, lang: str) -> list[Any]:
    """The saved views as a list with open, rename, reorder and delete controls for each."""
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
                    html.Span(view.note, className="muted small") if view.note else None,
                    html.Div(
                        [
                            html.Label(
                                [
                                    html.Span(
                                        f"{t('saved.rename', lang)}: {view.title}",
                                        className="visually-hidden",
                                    ),
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
                            _action("saved-up", view.id, "saved.up", lang, disabled=position == 0),
                            _action(
                                "saved-down", view.id, "saved.down", lang, disabled=position == len(views) - 1
                            ),
                            _action("saved-delete", view.id, "saved.delete", lang),
                        ],
                        className="saved-actions",
                    ),
                ],
                **{"data-view": view.id, "data-query": view.query},
            )
        )
    return items


def _action(kind: str, view_id: str, key: str, lang: str, disabled: bool = False) -> Any:
    return html.Button(
        t(key, lang),
        id={"type": kind, "index": view_id},
        className="small-button",
        n_clicks=0,
        disabled=disabled,
    )


def layout() -> html.Section:
    return html.Section(
        [
            text("title-saved", html.H2, className="panel-title"),
            html.Div(
                [
                    text("label-saved-title", html.Label, htmlFor="saved-title"),
                    dcc.Input(id="saved-title", type="text", maxLength=120, autoComplete="off", value=""),
                ],
                className="field",
            ),
            html.Div(
                [
                    text("label-saved-note", html.Label, htmlFor="saved-note"),
                    dcc.Textarea(id="saved-note", maxLength=2000, value="", rows=2),
                ],
                className="field",
            ),
            text("save-view", html.Button, type="button", className="button button-strong", n_clicks=0),
            html.Div(id="saved-message", className="status", role="status"),
            html.Ol(id="saved-views", className="saved-list"),
            html.Div(
                [
                    text(
                        "saved-export",
                        html.A,
                        href="/saved-views/export",
                        download="atlas-kawasan-views.json",
                    ),
                    html.Label(
                        dcc.Upload(
                            text("label-saved-import", html.Span, className="button"),
                            id="saved-import",
                            accept=".json,application/json",
                            max_size=1_000_000,
                            className="upload",
                        ),
                        className="inline-label",
                    ),
                ],
                className="button-row",
            ),
        ],
        className="panel tools",
        id="saved-panel",
    )


def register(app: Dash, views: SavedViewStore) -> None:
    """The saved views' callbacks."""

    @app.callback(
        output={
            "views": Output("saved-views", "children"),
            "message": Output("saved-message", "children"),
            "title": Output("saved-title", "value"),
            "undo": Output("saved-undo", "data"),
        },
        inputs={
            "save": Input("save-view", "n_clicks"),
            "upload": Input("saved-import", "contents"),
            "actions": {
                kind: Input({"type": kind, "index": ALL}, "n_clicks")
                for kind in ("saved-rename", "saved-up", "saved-down", "saved-delete")
            },
            "undo_clicks": Input({"type": "saved-undo-click", "index": ALL}, "n_clicks"),
            "lang": Input("lang-toggle", "value"),
        },
        state={
            "title": State("saved-title", "value"),
            "note": State("saved-note", "value"),
            "query": State("url", "search"),
            "edit_values": State({"type": "saved-edit", "index": ALL}, "value"),
            "edit_ids": State({"type": "saved-edit", "index": ALL}, "id"),
            "undo": State("saved-undo", "data"),
        },
    )
    def _saved(
        save: Any,
        upload: Any,
        actions: Any,
        undo_clicks: Any,
        lang: Any,
        title: Any,
        note: Any,
        query: Any,
        edit_values: Any,
        edit_ids: Any,
        undo: Any,
    ) -> dict[str, Any]:
        trigger = ctx.triggered_id
        if isinstance(trigger, dict) and trigger.get("type") == "saved-undo-click":
            trigger = "saved-undo" if any(undo_clicks or []) else None
        if isinstance(trigger, dict) and not any(
            t_["value"] for t_ in ctx.triggered if isinstance(t_, dict) and "value" in t_
        ):
            raise PreventUpdate  # new buttons rendered (n_clicks 0): not a click, keep the message
        pairs = zip(*(x if isinstance(x, list) else [] for x in (edit_ids, edit_values)), strict=False)
        edits = [{"id": i, "value": v} for i, v in pairs]
        return saved_views_outputs(views, trigger, lang, title, note, query, edits, upload, undo)

    @app.callback(
        Output("url", "search", allow_duplicate=True),
        Input({"type": "saved-open", "index": ALL}, "n_clicks"),
        prevent_initial_call=True,
    )
    def _open_saved(clicks: Any) -> Any:
        trigger = ctx.triggered_id
        if not isinstance(trigger, dict) or not any(clicks or []):
            return no_update
        chosen = next((v for v in views.list() if v.id == trigger.get("index")), None)
        return chosen.query if chosen else no_update

    @app.callback(
        Output("url", "search", allow_duplicate=True),
        Input("saved-prev", "n_clicks"),
        Input("saved-next", "n_clicks"),
        State("url", "search"),
        State("view-state", "data"),
        prevent_initial_call=True,
    )
    def _step_saved(_prev: Any, _next: Any, search: Any, stored: Any) -> Any:
        presenting = isinstance(stored, dict) and stored.get("present") is True
        query = screen.step_query(
            views.list(), search, 1 if ctx.triggered_id == "saved-next" else -1, presenting
        )
        return no_update if query is None else query
