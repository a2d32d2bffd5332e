"""Thin callbacks: each wires inputs to geodata and the pure builders, nothing more.

The work of each callback is a module-level function of (runtime, inputs) so that tests call it
directly; ``register_callbacks`` only attaches them. Every input is re-validated (the browser is
not trusted), and the map gets Patches, never new geometry.
"""

from __future__ import annotations

import base64
import binascii
import logging
import secrets
from dataclasses import asdict
from typing import Any

from dash import ALL, Dash, Input, Output, State, ctx, html, no_update
from dash.exceptions import PreventUpdate

from dashboard import components
from dashboard.auth import actor_name
from dashboard.features import comparison, filters, language, mapview, screen, table
from dashboard.features.imports import apply_upload, layer_items, plan_upload
from dashboard.i18n import LANGUAGES, t
from dashboard.runtime import LiveRuntime
from dashboard.state import without_screen
from geodata.savedviews import SavedViewError, SavedViewStore

log = logging.getLogger(__name__)


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
) -> tuple[Any, Any, Any, Any]:
    """Apply one saved-view action (save, rename, move, delete, undo, import); return (list, message,
    title box, the deleted view kept for undo)."""
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
    return components.saved_views_children(views.list(), lang), message, clear_title, deleted


def _decode_upload(contents: str) -> bytes:
    """The bytes of a dcc.Upload 'data:...;base64,...' string (refused when malformed)."""
    try:
        return base64.b64decode(contents.split(",", 1)[1], validate=True)
    except (IndexError, ValueError, binascii.Error):
        raise SavedViewError("the upload could not be read") from None


def register_callbacks(app: Dash, live: LiveRuntime, views: SavedViewStore) -> None:
    """Attach every callback of the page to ``app``; each reads the live runtime (imports included)."""

    saved_actions = [
        Input({"type": kind, "index": ALL}, "n_clicks")
        for kind in ("saved-rename", "saved-up", "saved-down", "saved-delete")
    ]

    @app.callback(
        Output("saved-views", "children"),
        Output("saved-message", "children"),
        Output("saved-title", "value"),
        Output("saved-undo", "data"),
        Input("save-view", "n_clicks"),
        Input("saved-import", "contents"),
        *saved_actions,
        Input({"type": "saved-undo-click", "index": ALL}, "n_clicks"),
        Input("lang-toggle", "value"),
        State("saved-title", "value"),
        State("saved-note", "value"),
        State("url", "search"),
        State({"type": "saved-edit", "index": ALL}, "value"),
        State({"type": "saved-edit", "index": ALL}, "id"),
        State("saved-undo", "data"),
    )
    def _saved(_save: Any, upload: Any, *rest: Any) -> tuple[Any, Any, Any, Any]:
        _undo_clicks, lang, title, note, query, edit_values, edit_ids, undo = rest[len(saved_actions) :]
        trigger = ctx.triggered_id
        if isinstance(trigger, dict) and trigger.get("type") == "saved-undo-click":
            trigger = "saved-undo" if any(_undo_clicks or []) else None
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

    @app.callback(
        Output("import-report", "children"),
        Output("import-matches", "options"),
        Output("import-matches", "value"),
        Output("import-confirm", "disabled"),
        Output("import-token", "data"),
        Output("import-override", "value"),
        Input("import-upload", "contents"),
        State("import-upload", "filename"),
        State("import-mode", "value"),
        State("lang-toggle", "value"),
        prevent_initial_call=True,
    )
    def _plan_import(contents: Any, filename: Any, mode: Any, lang: Any) -> tuple[Any, ...]:
        return plan_upload(
            live.get(), live.store, contents, filename, mode, lang if lang in LANGUAGES else "id"
        )

    @app.callback(
        Output("import-report", "children", allow_duplicate=True),
        Output("import-done", "data"),
        Output("import-confirm", "disabled", allow_duplicate=True),
        Input("import-confirm", "n_clicks"),
        State("import-token", "data"),
        State("import-matches", "value"),
        State("import-override", "value"),
        State("lang-toggle", "value"),
        prevent_initial_call=True,
    )
    def _apply_import(_clicks: Any, token: Any, confirmed: Any, override: Any, lang: Any) -> tuple[Any, ...]:
        language = lang if lang in LANGUAGES else "id"
        message, stored = apply_upload(
            live.get(), live.store, token, confirmed, override, language, actor_name()
        )
        return message, (secrets.token_hex(4) if stored else no_update), stored  # refused: fix and retry

    @app.callback(
        Output("import-layers", "children"),
        Output("import-done", "data", allow_duplicate=True),
        Input({"type": "layer-remove", "index": ALL}, "n_clicks"),
        Input({"type": "layer-restore", "index": ALL}, "n_clicks"),
        Input("lang-toggle", "value"),
        prevent_initial_call="initial_duplicate",
    )
    def _layers(_remove: Any, _restore: Any, lang: Any) -> tuple[Any, Any]:
        trigger = ctx.triggered_id
        changed: Any = no_update
        clicked = any(item.get("value") for item in ctx.triggered if isinstance(item, dict))
        if isinstance(trigger, dict) and clicked:
            try:
                if trigger.get("type") == "layer-remove":
                    live.store.remove(str(trigger.get("index")))
                else:
                    live.store.restore(str(trigger.get("index")))
                log.info("%s %s by %s", trigger.get("type"), trigger.get("index"), actor_name())
                changed = secrets.token_hex(4)
            except KeyError:
                log.warning("no imported layer %r", trigger.get("index"))
        return layer_items(live.store, lang if lang in LANGUAGES else "id"), changed

    app.clientside_callback(
        "function (done) { if (done) { setTimeout(() => window.location.reload(), 1200); } return done; }",
        Output("import-done", "data", allow_duplicate=True),
        Input("import-done", "data"),
        prevent_initial_call=True,
    )

    mapview.register(app, live)
    filters.register(app, live)
    language.register(app, live)
    table.register(app, live)
    comparison.register(app, live)
    screen.register(app, views)
