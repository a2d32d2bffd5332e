"""The browser side of importing: upload -> checked plan -> the user confirms -> stored, then the page reloads.

The uploaded bytes are staged in a private temporary directory that is deleted as soon as the file
is read; the checked plan waits in memory (for a few minutes) until the user confirms it.
"""

from __future__ import annotations

import base64
import binascii
import secrets
import shutil
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from dash import dcc, html

from dashboard.i18n import format_hectares, format_km, t
from dashboard.runtime import Runtime
from geodata.import_plan import FOOTPRINTS, OVERLAY, ImportPlan, apply_import, plan_import
from geodata.problems import Problem
from geodata.store import Store
from geodata.upload import ImportLimits, ImportRejected, save_upload

PLAN_TTL_SECONDS = 900
_plans: dict[str, tuple[float, ImportPlan]] = {}
_plans_lock = threading.Lock()


def _rejected(problems: list[Problem], lang: str) -> list[Any]:
    return [
        html.P(t("import.rejected", lang), className="error"),
        html.Ul([html.Li(str(p)) for p in problems[:20]], className="problems"),
    ]


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
    runtime: Runtime, contents: Any, filename: Any, mode: Any, lang: str
) -> tuple[list[Any], list, list, bool, Any]:
    """Check an uploaded file; return (report, match options, match values, confirm disabled, token)."""
    limits = ImportLimits.from_env()
    mode = mode if mode in (OVERLAY, FOOTPRINTS) else OVERLAY
    workdir = Path(tempfile.mkdtemp(prefix="atlas-upload-"))
    try:
        name, data = _decode(contents, filename, limits)
        path = save_upload(name, data, workdir, limits)
        plan = plan_import(path, runtime.atlas, mode=mode, limits=limits)
    except ImportRejected as exc:
        return _rejected(exc.problems, lang), [], [], True, None
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    token = secrets.token_urlsafe(16)
    now = time.monotonic()
    with _plans_lock:
        for key in [k for k, (at, _) in _plans.items() if now - at > PLAN_TTL_SECONDS]:
            del _plans[key]
        _plans[token] = (now, plan)
    layer = plan.layer
    report: list[Any] = [
        html.P(t("import.checked", lang, file=layer.source_file, n=len(layer.frame), r=layer.repaired)),
    ]
    if plan.notes:
        report.append(html.Ul([html.Li(str(note)) for note in plan.notes[:20]], className="notes small"))
    options = [
        {
            "label": f"{m.zone_name} ← {m.imported_name or m.zone_id} ({format_hectares(m.area_ha, lang)}; "
            f"{format_km(m.distance_km, lang)} km; {m.by})",
            "value": m.zone_id,
        }
        for m in plan.matches
    ]
    if options:
        report.append(html.P(t("import.matches", lang)))
    return report, options, [m.zone_id for m in plan.matches], False, token


def apply_upload(store: Store, token: Any, confirmed: Any, lang: str) -> tuple[list[Any], bool]:
    """Store the plan behind ``token`` with the confirmed zones; return (message, whether it was stored)."""
    with _plans_lock:
        entry = _plans.pop(token, None) if isinstance(token, str) else None
    if entry is None:
        return [html.P(t("import.expired", lang), className="error")], False
    plan = entry[1]
    chosen = [z for z in confirmed if isinstance(z, str)] if isinstance(confirmed, list) else []
    try:
        info = apply_import(plan, store, confirmed=chosen if plan.mode == FOOTPRINTS else None)
    except ImportRejected as exc:
        return _rejected(exc.problems, lang), False
    except ValueError as exc:
        return [html.P(str(exc), className="error")], False
    return [html.P(t("import.done", lang, name=info.name), className="ok")], True


def layer_items(store: Store, lang: str) -> list[Any]:
    """Imported layers with provenance, and a remove or restore button each."""
    layers = store.layers(include_removed=True)
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


def import_panel(lang: str, limit_mb: int) -> html.Section:
    """The import panel: a drop zone, the mode, the checked plan with its matches, and the layer list."""
    return html.Section(
        [
            html.H2(t("import.title", lang), id="title-import", className="panel-title"),
            html.Label(
                dcc.Upload(
                    html.Div(t("import.drop", lang), id="label-import-drop"),
                    id="import-upload",
                    multiple=False,
                    max_size=limit_mb * 1_000_000,
                    className="dropzone",
                ),
                className="block-label",
            ),
            html.Fieldset(
                [
                    html.Legend(t("import.mode", lang), id="label-import-mode"),
                    dcc.RadioItems(
                        id="import-mode",
                        options=[
                            {"label": t("import.mode.overlay", lang), "value": OVERLAY},
                            {"label": t("import.mode.footprints", lang), "value": FOOTPRINTS},
                        ],
                        value=OVERLAY,
                    ),
                ]
            ),
            html.Div(id="import-report", role="status", **{"aria-live": "polite"}),
            dcc.Checklist(id="import-matches", options=[], value=[]),
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
    )
