"""Saved views: save, rename, reorder, delete with undo, open, step through (presentation) and
their JSON file.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import asdict, replace
from typing import Any

from dash import ALL, Dash, Input, Output, State, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate

from dashboard.auth import may_edit, view_owner
from dashboard.features import screen
from dashboard.i18n import LANGUAGES, t
from dashboard.state import without_screen
from dashboard.widgets import both, text
from geodata.savedviews import SavedView, SavedViewError, SavedViewStore, may_change


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
    actor: str | None = None,
    editor: bool = True,
) -> dict[str, Any]:
    """Apply one saved-view action (save, rename, move, delete, share, undo, import) as ``actor``
    (None without login); return the outputs by name: the list (views), message, title box and the
    deleted view kept for undo."""
    lang = lang if lang in LANGUAGES else "id"
    message: Any = None
    clear_title: Any = no_update
    deleted: Any = no_update
    try:
        if trigger == "save-view":
            # saved without the presentation flag and the open tab: a view, not a screen
            kept = without_screen(query if isinstance(query, str) else "", ("present", "panel"))
            view = views.add(title or "", note or "", kept, actor=actor)
            message, clear_title = t("saved.saved", lang, title=view.title), ""
        elif trigger == "saved-undo":
            view, position = views.from_record(undo)
            views.restore(_restorable(view, actor, editor), position, actor=actor)
            message, deleted = t("saved.restored", lang, title=view.title), None
        elif trigger == "saved-import-file" and isinstance(upload, str):
            count = views.import_bytes(_decode_upload(upload), actor=actor)
            message = t("saved.imported", lang, n=count)
        elif isinstance(trigger, dict):
            message, deleted = _view_action(views, trigger, lang, edits, actor, editor)
    except SavedViewError as exc:
        message = t("saved.error", lang, error=str(exc))
    return {
        "views": saved_views_children(views.list(actor), lang, actor, editor),
        "message": message,
        "title": clear_title,
        "undo": deleted,
    }


def _view_action(
    views: SavedViewStore, trigger: dict, lang: str, edits: Any, actor: str | None, editor: bool
) -> tuple[Any, Any]:
    """Rename, move, delete or share one view the user may change; (message, deleted record)."""
    view_id, action = str(trigger.get("index")), trigger.get("type")
    view = next((v for v in views.list(actor) if v.id == view_id), None)
    if view is None:
        raise SavedViewError("that saved view no longer exists")
    if not may_change(view, actor, editor):
        raise SavedViewError(t("saved.not_yours", lang))
    if action == "saved-rename":
        new_titles = {e["id"]["index"]: e.get("value") for e in edits or [] if isinstance(e, dict)}
        views.rename(view_id, str(new_titles.get(view_id) or ""), actor=actor)
    elif action in ("saved-up", "saved-down"):
        views.move(view_id, -1 if action == "saved-up" else 1, actor=actor)
    elif action == "saved-share" and actor is not None:
        views.share(view_id, not view.shared, actor=actor)
        return t(
            "saved.personal_now" if view.shared else "saved.shared_now", lang, title=view.title
        ), no_update
    elif action == "saved-delete":
        view, position = views.delete(view_id, actor=actor)
        undo = html.Button(
            t("saved.undo", lang),
            id={"type": "saved-undo-click", "index": view.id},
            className="small-button",
            n_clicks=0,
        )
        return [t("saved.deleted", lang, title=view.title), " ", undo], {
            "view": asdict(view),
            "position": position,
        }
    return None, no_update


def _restorable(view: SavedView, actor: str | None, editor: bool) -> SavedView:
    """The view an undo may put back: the page's record is not trusted, so with a login it is the
    user's own (shared only if an editor says so), or the office's from before login for an editor."""
    if actor is None or (view.owner is None and editor):
        return view
    return replace(view, owner=actor, shared=view.shared and editor)


def _decode_upload(contents: str) -> bytes:
    """The bytes of a dcc.Upload 'data:...;base64,...' string (refused when malformed)."""
    try:
        return base64.b64decode(contents.split(",", 1)[1], validate=True)
    except (IndexError, ValueError, binascii.Error):
        raise SavedViewError("the upload could not be read") from None


def saved_views_children(views: list, lang: str, actor: str | None = None, editor: bool = True) -> list[Any]:
    """The saved views as a list with open, rename, reorder and delete controls for each view the
    user may change; with a login (``actor`` set) each also shows its owner and whether the office
    sees it, and an editor may share their own or make it personal again."""
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
                    None if actor is None else _saved_owner(view, lang),
                    html.Span(view.note, className="muted small") if view.note else None,
                    _saved_actions(view, lang, position == 0, position == len(views) - 1, actor, editor)
                    if may_change(view, actor, editor)
                    else None,
                ],
                **{"data-view": view.id, "data-query": view.query, "data-shared": str(view.shared).lower()},
            )
        )
    return items


def _saved_owner(view: Any, lang: str) -> html.Span:
    """Whose view it is and whether the office sees it (a view from before login is the office's)."""
    shared = view.shared or view.owner is None
    badge = t("saved.badge_shared" if shared else "saved.badge_personal", lang)
    return html.Span(
        [
            t("saved.by", lang, name=view.owner or t("saved.office", lang)),
            " ",
            html.Span(badge, className="badge shared" if shared else "badge"),
        ],
        className="muted small saved-owner",
    )


def _saved_actions(
    view: Any, lang: str, first: bool, last: bool, actor: str | None, editor: bool
) -> html.Div:
    """Rename, move, delete and (an editor's own view, with a login) share or unshare."""
    share = actor is not None and editor and view.owner == actor
    return html.Div(
        [
            html.Label(
                [
                    html.Span(f"{t('saved.rename', lang)}: {view.title}", className="visually-hidden"),
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
            _action("saved-up", view.id, "saved.up", lang, disabled=first),
            _action("saved-down", view.id, "saved.down", lang, disabled=last),
            _action("saved-delete", view.id, "saved.delete", lang),
            _action("saved-share", view.id, "saved.unshare" if view.shared else "saved.share", lang)
            if share
            else None,
        ],
        className="saved-actions",
    )


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
                    html.Label(id="saved-import-drop", className="inline-label"),
                    dcc.Store(id="saved-import-file"),
                ],
                className="button-row",
            ),
        ],
        className="panel tools",
        id="saved-panel",
    )


def import_upload() -> dcc.Upload:
    """The button that imports a file of views, put in the panel when the tab first opens
    (screen.render_on_first_open), its text in both languages; what it reads goes to the
    ``saved-import-file`` store, which the panel's callback takes as its input (an input that is
    missing would stop that callback)."""
    return dcc.Upload(
        html.Span(both("saved.import"), id="label-saved-import", className="button"),
        id="saved-import",
        accept=".json,application/json",
        max_size=1_000_000,
        className="upload",
    )


def register(app: Dash, views: SavedViewStore) -> None:
    """The saved views' callbacks."""
    screen.render_on_first_open(app, "saved", "saved-import-drop", lambda _lang: import_upload())
    app.clientside_callback(
        "function (contents) { return contents || window.dash_clientside.no_update; }",
        Output("saved-import-file", "data"),
        Input("saved-import", "contents"),
        prevent_initial_call=True,
    )

    @app.callback(
        output={
            "views": Output("saved-views", "children"),
            "message": Output("saved-message", "children"),
            "title": Output("saved-title", "value"),
            "undo": Output("saved-undo", "data"),
        },
        inputs={
            "save": Input("save-view", "n_clicks"),
            "upload": Input("saved-import-file", "data"),
            "actions": {
                kind: Input({"type": kind, "index": ALL}, "n_clicks")
                for kind in ("saved-rename", "saved-up", "saved-down", "saved-delete", "saved-share")
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
        return saved_views_outputs(
            views, trigger, lang, title, note, query, edits, upload, undo, view_owner(), may_edit()
        )

    @app.callback(
        Output("url", "search", allow_duplicate=True),
        Input({"type": "saved-open", "index": ALL}, "n_clicks"),
        prevent_initial_call=True,
    )
    def _open_saved(clicks: Any) -> Any:
        trigger = ctx.triggered_id
        if not isinstance(trigger, dict) or not any(clicks or []):
            return no_update
        chosen = next((v for v in views.list(view_owner()) if v.id == trigger.get("index")), None)
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
            views.list(view_owner()), search, 1 if ctx.triggered_id == "saved-next" else -1, presenting
        )
        return no_update if query is None else query
