"""The browser side of importing: upload -> checked plan -> the user confirms -> stored, then the page reloads.

The uploaded bytes are staged in a private directory under the data directory's tmp/ that is
deleted as soon as the file is read. Until the user confirms, the upload waits in the store's
pending table (geodata.pending: bounded, expiring, shared by every worker), and the confirm checks
it again, so the check and the confirm may reach different workers. Problems from the core are
shown in the user's language when they carry a code (``problem.<code>`` in dashboard.i18n).
"""

from __future__ import annotations

import base64
import binascii
import ctypes
import ctypes.util
import gc
import logging
import secrets
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from dash import ALL, Dash, Input, Output, State, ctx, dcc, html, no_update

from dashboard.auth import actor_name, current_user
from dashboard.features import screen
from dashboard.i18n import LANGUAGES, TEXTS, format_hectares, format_km, t
from dashboard.runtime import LiveRuntime, Runtime
from dashboard.widgets import both
from geodata import Atlas
from geodata.import_plan import FOOTPRINTS, OVERLAY, ImportPlan, apply_import, plan_import
from geodata.problems import Problem
from geodata.store import LayerInfo, Store, StoreUnreadable
from geodata.upload import ImportLimits, ImportRejected, save_upload, scratch_dir, sweep_leftovers
from geodata.users import EDITOR, LOCAL_USER

OVERRIDE = "override"
PLAN_STEPS = 3  # read the upload, check it, keep it for the confirm
log = logging.getLogger(__name__)
_LIBC = ctypes.CDLL(ctypes.util.find_library("c")) if ctypes.util.find_library("c") else None


def _release_memory() -> None:
    """Give the memory of a finished import back to the system: glibc keeps freed blocks in each
    thread's arena, so without malloc_trim a worker's RSS stays at its largest upload forever."""
    gc.collect()
    trim = getattr(_LIBC, "malloc_trim", None)
    if trim is not None:
        trim(0)


def localise(problem: Problem, lang: str) -> str:
    """A problem in the user's language: its code's text when dashboard.i18n has one, else as written."""
    key = f"problem.{problem.code}"
    if not problem.code or key not in TEXTS:
        return str(problem)
    where = problem.where(t("problem.row", lang), t("problem.column", lang))
    return f"{where}: {t(key, lang, **dict(problem.params))}"


def _rejected(problems: list[Problem], lang: str) -> list[Any]:
    return [
        html.P(t("import.rejected", lang), className="error"),
        html.Ul([html.Li(localise(p, lang)) for p in problems[:20]], className="problems"),
    ]


def plan_bytes(
    atlas: Atlas,
    store: Store,
    name: str,
    data: bytes,
    mode: str,
    limits: ImportLimits,
    layer: str | None = None,
) -> ImportPlan:
    """Check uploaded bytes in a private staging directory that is removed afterwards (the browser's
    upload and POST /api/imports alike); ``layer`` names the layer or picks it from the file."""
    workdir = Path(tempfile.mkdtemp(prefix="atlas-upload-", dir=scratch_dir(store.directory)))
    try:
        path = save_upload(name, data, workdir, limits)
        return plan_import(path, atlas, mode=mode, layer=layer, limits=limits)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        sweep_leftovers(store.directory)
        _release_memory()


def _decode(contents: Any, filename: Any, limits: ImportLimits) -> tuple[str, bytes]:
    name = filename if isinstance(filename, str) and filename.strip() else "upload"
    if not isinstance(contents, str) or "," not in contents:
        raise ImportRejected(
            [Problem(name, None, None, "the upload could not be read; choose the file again")]
        )
    encoded = contents.split(",", 1)[1]
    if len(encoded) > limits.max_bytes * 4 // 3 + 16:
        raise ImportRejected(
            [Problem(name, None, None, f"is larger than the {limits.max_bytes // 1_000_000} MB limit")]
        )
    try:
        return name, base64.b64decode(encoded, validate=True)
    except (ValueError, binascii.Error):
        raise ImportRejected(
            [Problem(name, None, None, "the upload is corrupted; choose the file again")]
        ) from None


def plan_upload(
    atlas: Atlas,
    store: Store,
    contents: Any,
    filename: Any,
    mode: Any,
    lang: str,
    step: Callable[[int], None] = lambda _n: None,
) -> dict[str, Any]:
    """Check an uploaded file; return the outputs by name (PLAN_OUTPUTS): report, match options and
    values, confirm disabled, token and override value, the upload kept in the store's pending table
    under the token. ``step`` is told each of the PLAN_STEPS as it starts (the page's progress bar)."""
    limits = ImportLimits.from_env()
    mode = mode if mode in (OVERLAY, FOOTPRINTS) else OVERLAY
    try:
        step(1)
        name, data = _decode(contents, filename, limits)
        step(2)
        plan = plan_bytes(atlas, store, name, data, mode, limits)
    except ImportRejected as exc:
        return _plan(_rejected(exc.problems, lang), [], [], True, None)
    step(3)
    token = store.pending.put(name, mode, data)
    layer = plan.layer
    report: list[Any] = [
        html.P(t("import.checked", lang, file=layer.source_file, n=len(layer.frame), r=layer.repaired)),
    ]
    if plan.notes:
        notes = [html.Li(localise(note, lang)) for note in plan.notes[:20]]
        report.append(html.Ul(notes, className="notes small"))
    options = [
        {
            "label": f"{m.zone_name} ← {m.imported_name or m.zone_id} ({format_hectares(m.area_ha, lang)}; "
            f"{format_km(m.distance_km, lang)} km; {m.by})" + (f" ⚠ {m.doubt}" if m.doubt else ""),
            "value": m.zone_id,
        }
        for m in plan.matches
    ]
    if options:
        report.append(html.P(t("import.matches", lang)))
    if any(m.doubt for m in plan.matches):
        report.append(html.P(t("import.doubtful", lang), className="error"))
    return _plan(report, options, [m.zone_id for m in plan.matches], False, token)


# The plan's outputs by name (plan_upload's answer; the check runs as a job: dashboard.importjob).
PLAN_OUTPUTS: dict[str, tuple[str, str]] = {
    "report": ("import-report", "children"),
    "options": ("import-matches", "options"),
    "matches": ("import-matches", "value"),
    "disabled": ("import-confirm", "disabled"),
    "token": ("import-token", "data"),
    "override": ("import-override", "value"),
}


def _plan(report: list[Any], options: list, matches: list, disabled: bool, token: Any) -> dict[str, Any]:
    """plan_upload's outputs by name; a new plan always clears the override choice."""
    return {
        "report": report,
        "options": options,
        "matches": matches,
        "disabled": disabled,
        "token": token,
        "override": [],
    }


def store_import(plan: ImportPlan, store: Store, actor: str, **options: Any) -> LayerInfo:
    """``apply_import`` on behalf of ``actor`` (a user name; "local" without login): the catalogue
    records who (``created_by``) and the log says so. The one place imports are applied, for the
    browser and for ``POST /api/imports``."""
    info = apply_import(plan, store, actor=actor, **options)
    log.info("import %s (%s, %d features) stored by %s", info.id, info.kind, info.features, actor)
    return info


def apply_upload(
    runtime: Runtime,
    store: Store,
    token: Any,
    confirmed: Any,
    override: Any,
    lang: str,
    actor: str = LOCAL_USER.name,
) -> tuple[list[Any], bool]:
    """Store the upload behind ``token`` (checked again) with the confirmed zones, overriding the
    plausibility check only when the user ticked it, on behalf of ``actor``; return (message,
    whether it was stored)."""
    pending = store.pending.get(token) if isinstance(token, str) else None
    if pending is None:
        return [html.P(t("import.expired", lang), className="error")], False
    chosen = [z for z in confirmed if isinstance(z, str)] if isinstance(confirmed, list) else []
    overridden = chosen if isinstance(override, list) and OVERRIDE in override else []
    try:
        plan = plan_bytes(
            runtime.atlas, store, pending.filename, pending.data, pending.mode, ImportLimits.from_env()
        )
        info = store_import(
            plan, store, actor, confirmed=chosen if plan.mode == FOOTPRINTS else None, override=overridden
        )
    except (ImportRejected, StoreUnreadable) as exc:
        return _rejected(exc.problems, lang), False
    except ValueError as exc:
        return [html.P(str(exc), className="error")], False
    store.pending.discard(token)
    return [html.P(t("import.done", lang, name=info.name), className="ok")], True


def layer_items(store: Store, lang: str) -> list[Any]:
    """Imported layers with provenance, and a remove or restore button each."""
    try:
        layers = store.layers(include_removed=True)
    except StoreUnreadable as exc:
        return [html.Li(localise(p, lang), className="error") for p in exc.problems]
    if not layers:
        return [html.Li(t("import.none", lang), className="muted")]
    items = []
    for info in layers:
        removed = info.removed_at is not None
        action = "layer-restore" if removed else "layer-remove"
        items.append(
            html.Li(
                [
                    html.Span(className="swatch swatch-dot", style={"--swatch": info.colour}),
                    html.Span(
                        f" {info.name} – {info.kind}, {info.features} · {info.source_file} · {info.imported_at}"
                    ),
                    html.Span(f" ({t('import.removed', lang)})", className="muted") if removed else None,
                    html.Button(
                        t("import.restore" if removed else "import.remove", lang),
                        id={"type": action, "index": info.id},
                        className="small-button",
                        n_clicks=0,
                    ),
                ],
                **{"data-layer": info.id, "data-removed": "true" if removed else "false"},
            )
        )
    return items


def import_mode_options(lang: str) -> list[dict[str, str]]:
    """The import modes, labelled in a language."""
    return [
        {"label": t("import.mode.overlay", lang), "value": OVERLAY},
        {"label": t("import.mode.footprints", lang), "value": FOOTPRINTS},
    ]


def import_override_options(lang: str) -> list[dict[str, str]]:
    """The switch that lets an import replace an official boundary, labelled in a language."""
    return [{"label": t("import.override", lang), "value": OVERRIDE}]


def refused_role() -> str | None:
    """The signed-in user's role when it may not import (None: it may, or nobody signs in)."""
    user = current_user()
    return user.role if user is not None and not user.may(EDITOR) else None


def drop_zone(allowed: bool) -> dcc.Upload:
    """The drop zone, put in the panel when the import tab first opens (screen.render_on_first_open),
    its text in both languages (widgets.in_both)."""
    return dcc.Upload(
        html.Div(both("import.drop"), id="label-import-drop"),
        id="import-upload",
        multiple=False,
        max_size=int(ImportLimits.from_env().max_bytes // 1_000_000) * 1_000_000,
        disabled=not allowed,
        className="dropzone",
    )


def import_panel(lang: str, refused_role: str | None = None) -> html.Section:
    """The import panel: a drop zone (when the tab opens), the mode, the checked plan with its
    matches, and the layer list; disabled, saying why, for a user whose role (``refused_role``) may
    not import (the server refuses them anyway: this only spares them the attempt)."""
    allowed = refused_role is None
    return html.Section(
        [
            html.H2(t("import.title", lang), id="title-import", className="panel-title"),
            None
            if allowed
            else html.P(
                t("import.not_allowed", lang, role=t(f"role.{refused_role}", lang)),
                id="import-not-allowed",
                className="muted",
            ),
            html.Label(id="import-drop", className="block-label"),
            dcc.Store(id="import-contents"),
            dcc.Store(id="import-filename"),
            html.Fieldset(
                [
                    html.Legend(t("import.mode", lang), id="label-import-mode"),
                    dcc.RadioItems(
                        id="import-mode",
                        options=import_mode_options(lang),
                        value=OVERLAY,
                    ),
                ],
                disabled=not allowed,
            ),
            html.Progress(id="import-progress", value="0", max=str(PLAN_STEPS), hidden=True),
            html.Button(
                t("import.cancel", lang), id="import-cancel", type="button", className="button", hidden=True
            ),
            html.Div(id="import-report", role="status", **{"aria-live": "polite"}),
            dcc.Checklist(id="import-matches", options=[], value=[]),
            dcc.Checklist(
                id="import-override",
                options=import_override_options(lang),
                value=[],
            ),
            html.Button(
                t("import.confirm", lang),
                id="import-confirm",
                className="button button-strong",
                n_clicks=0,
                disabled=True,
            ),
            dcc.Store(id="import-token"),
            dcc.Store(id="import-done"),
            html.H3(t("import.layers", lang), id="title-import-layers"),
            html.Ul(id="import-layers", className="layer-list"),
        ],
        className="panel tools",
        id="import-panel",
        **{"data-allowed": "true" if allowed else "false"},
    )


def register(app: Dash, live: LiveRuntime) -> None:
    """The import panel's callbacks: the drop zone, check, confirm, remove or restore a layer, then reload."""
    screen.render_on_first_open(app, "import", "import-drop", lambda _lang: drop_zone(refused_role() is None))
    # the file goes to the stores the check (dashboard.importjob) reads; nothing when the drop zone
    # first renders (an input of a part added later would fire the check with no file)
    app.clientside_callback(
        "function (contents, filename) { return contents ? [contents, filename]"
        " : [window.dash_clientside.no_update, window.dash_clientside.no_update]; }",
        Output("import-contents", "data"),
        Output("import-filename", "data"),
        Input("import-upload", "contents"),
        State("import-upload", "filename"),
        prevent_initial_call=True,
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
