"""Thin callbacks: each wires inputs to geodata and the pure builders, nothing more.

The work of each callback is a module-level function of (runtime, inputs) so that tests call it
directly; ``register_callbacks`` only attaches them. Every input is re-validated (the browser is
not trusted), and the map gets Patches, never new geometry.
"""

from __future__ import annotations

import logging
import secrets
from typing import Any

from dash import ALL, Dash, Input, Output, State, ctx, no_update

from dashboard.auth import actor_name
from dashboard.features import comparison, filters, language, mapview, savedviews, screen, table
from dashboard.features.imports import apply_upload, layer_items, plan_upload
from dashboard.i18n import LANGUAGES
from dashboard.runtime import LiveRuntime
from geodata.savedviews import SavedViewStore

log = logging.getLogger(__name__)


def register_callbacks(app: Dash, live: LiveRuntime, views: SavedViewStore) -> None:
    """Attach every callback of the page to ``app``; each reads the live runtime (imports included)."""

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
    savedviews.register(app, views)
    screen.register(app, views)
